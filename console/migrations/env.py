"""Alembic environment: online migrations against DATABASE_URL or the caller's URL."""

from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection

from digiconsole.db import make_engine
from digiconsole.models import Base
from digiconsole.settings import REPO_ROOT

config = context.config
url = config.attributes.get("database_url") or os.environ.get(
    "DATABASE_URL", f"sqlite:///{REPO_ROOT / 'var' / 'console.db'}"
)
if config.config_file_name is not None and "database_url" not in config.attributes:
    fileConfig(config.config_file_name)  # only when run as the alembic command


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


engine = make_engine(url)
try:
    with engine.connect() as conn:
        _run(conn)
finally:
    engine.dispose()
