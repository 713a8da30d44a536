"""Engine, sessions and migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from .settings import CONSOLE_DIR


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets foreign keys on and a directory for its file.

    Args:
        url: SQLAlchemy URL, ``sqlite:///…`` or ``postgresql+psycopg://…``.

    Returns:
        The engine.
    """
    kwargs: dict[str, Any] = {"future": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 15}
        path = url.split(":///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

    return engine


class Database:
    """The engine and a session factory; one session per unit of work."""

    def __init__(self, url: str) -> None:
        """Connect lazily to the database at ``url``."""
        self.url = url
        self.engine = make_engine(url)
        self._factory = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """Open a session in a transaction: committed on success, rolled back on error."""
        with self._factory() as session, session.begin():
            yield session

    def dispose(self) -> None:
        """Close all pooled connections."""
        self.engine.dispose()


def alembic_config(url: str) -> Config:
    """Return the Alembic configuration of the console for a database URL."""
    config = Config(str(CONSOLE_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(CONSOLE_DIR / "migrations"))
    config.attributes["database_url"] = url
    return config


def migrate(url: str) -> None:
    """Bring the database schema up to date (``alembic upgrade head``)."""
    command.upgrade(alembic_config(url), "head")
