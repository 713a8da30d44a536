"""Start Digiwijzer's servers: `python -m bot.serve rasa|actions [their usual arguments]`.

The same servers as `rasa run …` and `python -m rasa_sdk …`, with two changes that the
benchmark (`bench/load.py`) showed to matter:

* **actions**: TensorFlow is kept out of the action server. spaCy's `thinc` imports it
  when it is installed (it is: Rasa needs it), which costs about 400 MB of memory and
  a second of start-up; the action server never runs a TensorFlow model.
* **rasa**: the response of every custom action is checked against Rasa's JSON schema
  with a validator built once, instead of `jsonschema.validate`, which first checks the
  (large, constant) schema itself against the meta-schema on every call. Profiling put
  that at about a fifth of the Rasa server's CPU time per turn. The check is the same:
  an invalid response still raises the same `ValidationError`.
* **rasa**: an SQLite tracker store (the embedded default) runs in WAL mode with
  `synchronous=NORMAL`: a commit no longer waits for the disk twice. A crash of the
  process loses nothing committed; only a power cut can lose the last few turns.
  PostgreSQL, the production store, is not touched.
* **both**: numpy's OpenBLAS uses one thread per process unless the environment says
  otherwise (`OPENBLAS_NUM_THREADS`, `OMP_NUM_THREADS`). The servers encode one sentence at
  a time; on two cores a thread pool per process made a USE encoding 2.8 times slower
  (7.9 ms instead of 2.8 ms while other processes were busy). Scale with processes instead.

Both servers take their worker counts from the environment as usual
(`SANIC_WORKERS` for Rasa, `ACTION_SERVER_SANIC_WORKERS` for actions).
"""

from __future__ import annotations

import functools
import os
import sys
from typing import Any

USAGE = "usage: python -m bot.serve rasa|actions [arguments of `rasa` or `python -m rasa_sdk`]"


def block_tensorflow() -> None:
    """Makes `import tensorflow` fail in this process, so libraries fall back to running without it.

    Must run before anything imports spaCy (thinc checks for TensorFlow at import).
    """
    if "tensorflow" in sys.modules and sys.modules["tensorflow"] is not None:
        raise RuntimeError("TensorFlow is already imported; block it before importing spaCy")
    sys.modules["tensorflow"] = None  # type: ignore[assignment]


@functools.lru_cache(maxsize=1)
def _action_response_validator() -> Any:
    from jsonschema import validators
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)  # once, not per response
    return cls(schema)


def validate_action_response(result: dict[str, Any]) -> Exception | None:
    """The best-matching schema error of a custom action's response, or None when it is valid."""
    from jsonschema.exceptions import best_match

    return best_match(_action_response_validator().iter_errors(result))


def speed_up_action_validation() -> None:
    """Replaces `RemoteAction._validate_action_result` by the same check with a cached validator."""
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        error = validate_action_response(result)
        if error is None:
            return True
        error.message += (  # type: ignore[attr-defined]  # the same text as Rasa's own check
            ". Failed to validate Action server response from API, make sure your response from the "
            "Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error

    RemoteAction._validate_action_result = _validate_action_result


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def speed_up_sqlite() -> None:
    """Sets WAL mode and `synchronous=NORMAL` on every SQLite connection SQLAlchemy opens."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    if not event.contains(Engine, "connect", _sqlite_pragmas):
        event.listen(Engine, "connect", _sqlite_pragmas)


def main(argv: list[str]) -> None:
    """Runs the server named by the first argument with the rest of the arguments."""
    if not argv or argv[0] not in ("rasa", "actions"):
        raise SystemExit(USAGE)
    server, args = argv[0], argv[1:]
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")  # before numpy is imported
    if server == "actions":
        block_tensorflow()
        from rasa_sdk.__main__ import main as actions_main

        sys.argv = ["rasa_sdk", *args]
        actions_main()
    else:
        speed_up_action_validation()
        speed_up_sqlite()
        from rasa.__main__ import main as rasa_main

        sys.argv = ["rasa", *args]
        rasa_main()


if __name__ == "__main__":
    main(sys.argv[1:])
