"""What every request handler needs, created once per application."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from starlette.requests import Request

from .auth import RateLimiter
from .db import Database
from .events import EventBus
from .models import utcnow
from .rasa import RasaClient
from .scan import ScanInfo
from .settings import Settings


@dataclass
class ConsoleState:
    """Settings, database, Rasa client, event bus and the data read from YAML files."""

    settings: Settings
    db: Database
    rasa: RasaClient
    bus: EventBus
    scan: ScanInfo
    lokets: dict[str, str]
    snelle_antwoorden: list[str]
    limiter: RateLimiter = field(default_factory=RateLimiter)

    def now(self) -> datetime:
        """The current time (aware UTC); one place to read the clock."""
        return utcnow()


def get_state(request: Request) -> ConsoleState:
    """The application's state from a request."""
    state: ConsoleState = request.app.state.console
    return state
