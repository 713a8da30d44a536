"""Command line: ``python -m digiconsole migrate|adviseur-toevoegen|purge|serve``."""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Sequence

from sqlalchemy import func, select

from . import handoffs
from .auth import check_password_strength, hash_password
from .db import Database, migrate
from .models import Adviseur, AdviseurLoket, utcnow
from .scan import load_lokets
from .settings import Settings, SettingsError


class CliError(Exception):
    """A command cannot be carried out; the message says why."""


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as exc:
        raise CliError(f"configuration error: {exc}") from exc


def cmd_migrate(_args: argparse.Namespace) -> int:
    """Upgrade the database schema to the newest migration."""
    settings = _settings()
    migrate(settings.database_url)
    print("database is up to date")
    return 0


def _password() -> str:
    password = os.environ.get("ADVISEUR_WACHTWOORD")
    if password is None:
        if not sys.stdin.isatty():
            raise CliError("set ADVISEUR_WACHTWOORD or run in a terminal to be prompted")
        password = getpass.getpass("Wachtwoord: ")
        if getpass.getpass("Nog een keer: ") != password:
            raise CliError("the passwords differ")
    try:
        check_password_strength(password)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    return password


def cmd_adviseur_toevoegen(args: argparse.Namespace) -> int:
    """Add an adviser account for one or more lokets."""
    settings = _settings()
    known = load_lokets(settings.lokets_file)
    lokets = list(dict.fromkeys(args.loket or []))
    unknown = [loket for loket in lokets if loket not in known]
    if unknown:
        raise CliError(f"unknown loket id(s): {', '.join(unknown)}; known: {', '.join(known)}")
    if not lokets and not args.admin:
        raise CliError("give at least one --loket (or --admin)")
    email = args.email.strip()
    if "@" not in email:
        raise CliError(f"not an e-mail address: {email}")
    naam = args.naam.strip()
    if not naam:
        raise CliError("--naam must not be empty")
    password = _password()
    db = Database(settings.database_url)
    try:
        with db.session() as session:
            exists = session.scalar(
                select(Adviseur.id).where(func.lower(Adviseur.email) == email.lower())
            )
            if exists is not None:
                raise CliError(f"an account with e-mail {email} exists already")
            adviseur = Adviseur(
                email=email,
                naam=naam,
                password_hash=hash_password(password),
                is_admin=args.admin,
                actief=True,
                created_at=utcnow(),
                lokets=[AdviseurLoket(loket_id=loket) for loket in lokets],
            )
            session.add(adviseur)
    finally:
        db.dispose()
    rol = ", admin" if args.admin else ""
    print(f"adviser {email} added ({', '.join(lokets) or 'no loket'}{rol})")
    return 0


def cmd_purge(_args: argparse.Namespace) -> int:
    """Clear contact details older than BEWAARTERMIJN_DAGEN."""
    settings = _settings()
    db = Database(settings.database_url)
    try:
        with db.session() as session:
            count = handoffs.purge(session, utcnow(), settings.bewaartermijn_dagen)
    finally:
        db.dispose()
    print(f"{count} hand-off(s) cleared (older than {settings.bewaartermijn_dagen} days)")
    return 0


def cmd_serve(_args: argparse.Namespace) -> int:
    """Migrate, then serve the console with uvicorn."""
    import uvicorn

    from .app import create_app

    settings = _settings()
    migrate(settings.database_url)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        proxy_headers=True,
        timeout_graceful_shutdown=5,
        log_level="info",
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with its sub-commands."""
    parser = argparse.ArgumentParser(prog="digiconsole", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="alembic upgrade head").set_defaults(func=cmd_migrate)
    add = sub.add_parser("adviseur-toevoegen", help="add an adviser account")
    add.add_argument("--email", required=True)
    add.add_argument("--naam", required=True, help="first name shown to the entrepreneur")
    add.add_argument("--loket", action="append", help="loket id (repeatable)")
    add.add_argument("--admin", action="store_true", help="sees every loket")
    add.set_defaults(func=cmd_adviseur_toevoegen)
    sub.add_parser("purge", help="clear old contact details").set_defaults(func=cmd_purge)
    sub.add_parser("serve", help="migrate and serve").set_defaults(func=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; print errors without a traceback and return a non-zero code."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return code
