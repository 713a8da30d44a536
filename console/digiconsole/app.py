"""The ASGI application: routes, middleware, lifespan (Rasa client, expiry task)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import api, views
from .auth import RateLimiter
from .db import Database
from .events import EventBus
from .rasa import RasaClient
from .scan import load_lokets, load_scan, load_snelle_antwoorden
from .settings import Settings
from .state import ConsoleState
from .tasks import expiry_loop
from .templating import HERE

SESSION_MAX_AGE = 12 * 60 * 60
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    """Add security headers to every response; pages are never cached (personal data)."""

    def __init__(self, app: ASGIApp) -> None:
        """Wrap an ASGI app."""
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Add the headers on ``http.response.start``."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.extend(SECURITY_HEADERS)
                if not is_static and not any(k == b"cache-control" for k, _ in headers):
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def build_state(
    settings: Settings, rasa_transport: httpx.AsyncBaseTransport | None = None
) -> ConsoleState:
    """Create the application state from settings (reads the YAML files once)."""
    return ConsoleState(
        settings=settings,
        db=Database(settings.database_url),
        rasa=RasaClient(settings.rasa_url, settings.rasa_auth_token, transport=rasa_transport),
        bus=EventBus(),
        scan=load_scan(settings.zelfscan_file),
        lokets=load_lokets(settings.lokets_file),
        snelle_antwoorden=load_snelle_antwoorden(settings.snelle_antwoorden_file),
        limiter=RateLimiter(),
    )


def create_app(
    settings: Settings,
    *,
    run_expiry: bool = True,
    rasa_transport: httpx.AsyncBaseTransport | None = None,
) -> Starlette:
    """Build the console application.

    Args:
        settings: validated settings.
        run_expiry: start the expiry loop in the lifespan (tests call it directly).
        rasa_transport: an httpx transport for the Rasa client (tests only).

    Returns:
        The ASGI application; ``app.state.console`` holds the :class:`ConsoleState`.
    """
    state = build_state(settings, rasa_transport)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        task = asyncio.create_task(expiry_loop(state)) if run_expiry else None
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await state.rasa.aclose()
            state.db.dispose()

    app = Starlette(
        routes=[
            Mount("/api", routes=api.routes),
            Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"),
            *views.routes,
        ],
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(
                SessionMiddleware,
                secret_key=settings.secret_key,
                session_cookie="digiconsole_session",
                max_age=SESSION_MAX_AGE,
                same_site="lax",
                https_only=settings.cookie_secure,
            ),
        ],
        lifespan=lifespan,
    )
    app.state.console = state
    return app
