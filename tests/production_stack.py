"""PostgreSQL, Redis and the production profile's environment for tests.

The servers are the private ones of `scripts/postgres.sh` and `scripts/redis.sh` (Debian packages, loopback
only). `scripts/test.sh` starts them and passes their URLs in `DIGIWIJZER_TEST_POSTGRES_URL` and
`DIGIWIJZER_TEST_REDIS_URL`; without those the scripts are run here (they are idempotent). When a server
cannot be had the test is skipped on a developer machine, and fails in CI (`CI=true`).
"""

from __future__ import annotations

import os
import subprocess
from typing import NoReturn
from urllib.parse import unquote, urlsplit

import pytest

from tests.servers import ROOT

IN_CI = os.environ.get("CI", "").strip().lower() in ("true", "1")
TRACKER_DB = "digiwijzer_tracker"  # made by scripts/postgres.sh, owned by its role


def unavailable(reason: str) -> NoReturn:
    """Skip on a developer machine; fail in CI, where PostgreSQL and Redis are part of the test command."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: the production profile's tests must run)")
    pytest.skip(reason)


def _from_script(script: str) -> str:
    try:
        done = subprocess.run(["bash", str(ROOT / "scripts" / script)], capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as error:
        unavailable(f"scripts/{script} failed: {error}")
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        unavailable(f"scripts/{script} failed ({done.returncode}): {done.stderr.strip()[-800:]}")
    return lines[-1]


def redis_url() -> str:
    """The URL of the test Redis (`redis://:<password>@127.0.0.1:<port>/0`), checked with a PING."""
    import redis

    url = os.environ.get("DIGIWIJZER_TEST_REDIS_URL") or _from_script("redis.sh")
    try:
        redis.Redis.from_url(url, socket_timeout=3).ping()
    except (redis.RedisError, OSError) as error:
        unavailable(f"Redis at DIGIWIJZER_TEST_REDIS_URL / scripts/redis.sh not reachable: {error}")
    return url


def postgres_url() -> str:
    """The console's test database URL from `scripts/postgres.sh` (`postgresql+psycopg://…/digiwijzer_test`).

    Checked by logging in to the tracker database (`digiwijzer_tracker`) on the same server as the same role.
    """
    import psycopg2

    url = os.environ.get("DIGIWIJZER_TEST_POSTGRES_URL") or _from_script("postgres.sh")
    parts = urlsplit(url)
    try:
        psycopg2.connect(
            host=parts.hostname, port=parts.port or 5432, dbname=TRACKER_DB, user=unquote(parts.username or ""),
            password=unquote(parts.password or ""), connect_timeout=3,
        ).close()  # fmt: skip
    except psycopg2.Error as error:
        unavailable(f"PostgreSQL database {TRACKER_DB} at DIGIWIJZER_TEST_POSTGRES_URL / scripts/postgres.sh: {error}")
    return url


def production_settings(pg_url: str, redis: str) -> dict[str, str]:
    """The production profile's own variables (docs/production.md) for these servers.

    The tracker store gets its own database on the same server and role.
    """
    pg, rd = urlsplit(pg_url), urlsplit(redis)
    return {
        "TRACKER_DB_HOST": pg.hostname or "",
        "TRACKER_DB_PORT": str(pg.port or 5432),
        "TRACKER_DB_NAME": TRACKER_DB,
        "TRACKER_DB_USER": unquote(pg.username or ""),
        "TRACKER_DB_PASSWORD": unquote(pg.password or ""),
        "REDIS_HOST": rd.hostname or "",
        "REDIS_PORT": str(rd.port or 6379),
        "REDIS_PASSWORD": unquote(rd.password or ""),
        "DATABASE_URL": pg_url,
    }


def production_env(settings: dict[str, str], base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment `scripts/production_env.sh` makes from `settings` (as `scripts/run.sh` sources it).

    Raises:
        RuntimeError: The helper refused the settings; its message is included.
    """
    env = {**(os.environ if base is None else base), **settings}
    script = "source scripts/common.sh && source scripts/production_env.sh && env -0"
    done = subprocess.run(["bash", "-c", script], cwd=ROOT, env=env, capture_output=True, timeout=60)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.decode(errors="replace"))
    pairs = (item.split("=", 1) for item in done.stdout.decode().split("\0") if "=" in item)
    return {key: value for key, value in pairs}
