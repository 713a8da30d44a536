"""Password hashing, login, sessions, CSRF protection, login rate limit, service token."""

from __future__ import annotations

import hmac
import secrets
import time
from collections import defaultdict, deque
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from starlette.requests import Request

from .db import Database
from .models import Adviseur

MIN_PASSWORD_LENGTH = 12
SESSION_KEY = "adviseur_id"
CSRF_KEY = "csrf"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"

_hasher = PasswordHasher()
# Verified against when the account does not exist, so both cases take as long.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Check a password against its hash; False on mismatch or a broken hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_password_strength(password: str) -> None:
    """Refuse passwords that are too short.

    Raises:
        ValueError: with the reason.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")


@dataclass(frozen=True)
class Gebruiker:
    """The logged-in adviser, detached from the database session."""

    id: int
    email: str
    naam: str
    is_admin: bool
    lokets: frozenset[str]

    @property
    def scope(self) -> frozenset[str] | None:
        """The lokets whose hand-offs this adviser sees (None: all, for admins)."""
        return None if self.is_admin else self.lokets


def _gebruiker(adviseur: Adviseur) -> Gebruiker:
    return Gebruiker(
        id=adviseur.id,
        email=adviseur.email,
        naam=adviseur.naam,
        is_admin=adviseur.is_admin,
        lokets=adviseur.loket_ids,
    )


def authenticate(db: Database, email: str, password: str) -> Gebruiker | None:
    """Check the credentials of an active adviser.

    Returns:
        The adviser, or None for an unknown e-mail, wrong password or inactive account
        (the caller must not tell these apart to the user).
    """
    with db.session() as session:
        adviseur = session.scalar(
            select(Adviseur).where(func.lower(Adviseur.email) == email.strip().lower())
        )
        if adviseur is None:
            verify_password(_DUMMY_HASH, password)
            return None
        if not verify_password(adviseur.password_hash, password) or not adviseur.actief:
            return None
        if _hasher.check_needs_rehash(adviseur.password_hash):
            adviseur.password_hash = hash_password(password)
        return _gebruiker(adviseur)


def load_gebruiker(db: Database, adviseur_id: int) -> Gebruiker | None:
    """Load an active adviser by id (None when gone or deactivated)."""
    with db.session() as session:
        adviseur = session.get(Adviseur, adviseur_id)
        if adviseur is None or not adviseur.actief:
            return None
        return _gebruiker(adviseur)


def login_session(request: Request, gebruiker: Gebruiker) -> None:
    """Start a fresh session for the adviser (new CSRF token against session fixation)."""
    request.session.clear()
    request.session[SESSION_KEY] = gebruiker.id
    request.session[CSRF_KEY] = secrets.token_urlsafe(32)


def session_adviseur_id(request: Request) -> int | None:
    """The adviser id in the session cookie, if any."""
    value = request.session.get(SESSION_KEY)
    return value if isinstance(value, int) else None


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get(CSRF_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[CSRF_KEY] = token
    return token


def csrf_valid(request: Request, submitted: str | None) -> bool:
    """Compare a submitted CSRF token (form field or header) with the session's."""
    expected = request.session.get(CSRF_KEY)
    if not isinstance(expected, str) or not submitted:
        return False
    return hmac.compare_digest(expected.encode(), submitted.encode())


def bearer_valid(request: Request, token: str) -> bool:
    """Check ``Authorization: Bearer <token>`` in constant time."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value:
        return False
    return hmac.compare_digest(value.strip().encode(), token.encode())


class RateLimiter:
    """Failed logins per key in a sliding window (in memory, one process)."""

    def __init__(self, limit: int = 5, window_seconds: float = 15 * 60) -> None:
        """Allow ``limit`` failures per key within ``window_seconds``."""
        self.limit = limit
        self.window = window_seconds
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def _prune(self, key: str, now: float) -> deque[float]:
        times = self._failures[key]
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[key]
            return deque()
        return times

    def blocked(self, *keys: str, now: float | None = None) -> bool:
        """True when any key has reached the limit."""
        now = time.monotonic() if now is None else now
        return any(len(self._prune(k, now)) >= self.limit for k in keys)

    def fail(self, *keys: str, now: float | None = None) -> None:
        """Record a failure for every key."""
        now = time.monotonic() if now is None else now
        for key in keys:
            self._failures[key].append(now)

    def reset(self, key: str) -> None:
        """Forget the failures of a key (after a successful login)."""
        self._failures.pop(key, None)
