"""Password hashing, rate limiter and token checks (units)."""

from __future__ import annotations

import pytest

from digiconsole.auth import (
    RateLimiter,
    authenticate,
    check_password_strength,
    hash_password,
    verify_password,
)
from digiconsole.db import Database

from .conftest import add_adviseur


def test_hash_and_verify() -> None:
    hashed = hash_password("een lang wachtwoord")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "een lang wachtwoord")
    assert not verify_password(hashed, "een ander wachtwoord")
    assert not verify_password("geen-hash", "x")


def test_password_strength() -> None:
    with pytest.raises(ValueError, match="12"):
        check_password_strength("kort")
    check_password_strength("twaalf tekens")


def test_rate_limiter_window() -> None:
    limiter = RateLimiter(limit=3, window_seconds=60)
    for t in (0, 1, 2):
        assert not limiter.blocked("a", now=t)
        limiter.fail("a", "ip", now=t)
    assert limiter.blocked("a", now=3)
    assert limiter.blocked("b", "ip", now=3)
    assert not limiter.blocked("b", now=3)
    assert not limiter.blocked("a", now=61)  # the first failure left the window
    limiter.reset("a")
    assert not limiter.blocked("a", now=3)


def test_authenticate(db: Database) -> None:
    add_adviseur(db, "Anouk@IBDO.nl", "Anouk", ["ibdo"], password="correct horse battery")
    user = authenticate(db, "anouk@ibdo.nl ", "correct horse battery")
    assert user is not None
    assert user.lokets == {"ibdo"}
    assert user.scope == {"ibdo"}
    assert authenticate(db, "anouk@ibdo.nl", "wrong") is None
    assert authenticate(db, "nobody@ibdo.nl", "correct horse battery") is None
