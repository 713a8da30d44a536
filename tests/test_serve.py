"""Tests for bot/serve.py: the server launcher and its two changes to the stock servers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain

from bot import serve
from tests.servers import ROOT

VALID = {
    "events": [{"event": "slot", "name": "vraag_1", "value": "B"}, {"event": "action_execution_rejected"}],
    "responses": [{"response": "utter_ask_vraag_2"}],
}
INVALID = [
    {"events": "not a list"},
    {"events": [{"event": "slot", "name": 3}]},
    {"events": [{"event": "no_such_event"}]},
    {"responses": [1]},
]


def test_valid_response_passes_like_jsonschema_validate() -> None:
    jsonschema.validate(VALID, RemoteAction.action_response_format_spec())
    assert serve.validate_action_response(VALID) is None


@pytest.mark.parametrize("result", INVALID)
def test_invalid_response_gives_the_same_error_as_jsonschema_validate(result: dict) -> None:
    with pytest.raises(jsonschema.ValidationError) as stock:
        jsonschema.validate(result, RemoteAction.action_response_format_spec())
    error = serve.validate_action_response(result)
    assert isinstance(error, jsonschema.ValidationError)
    assert (error.message, list(error.path)) == (stock.value.message, list(stock.value.path))


def test_patched_remote_action_accepts_valid_and_raises_on_invalid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RemoteAction, "_validate_action_result", RemoteAction._validate_action_result)
    serve.speed_up_action_validation()
    action = RemoteAction("action_x", None)
    assert action._validate_action_result(VALID) is True
    with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": "not a list"})
    assert Domain.empty() is not None  # the patch leaves the rest of Rasa importable


def test_block_tensorflow_keeps_it_out_of_spacy_and_the_location_parser() -> None:
    code = (
        "from bot.serve import block_tensorflow; block_tensorflow()\n"
        "import sys, thinc.compat, bot.firm.location as loc\n"
        "assert not thinc.compat.has_tensorflow\n"
        "assert sys.modules['tensorflow'] is None\n"
        "assert loc.gazetteer().locate('we zitten in Emmen').found\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]


def test_block_tensorflow_refuses_when_it_is_already_imported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tensorflow", sys)  # any module object stands in for it
    with pytest.raises(RuntimeError, match="already imported"):
        serve.block_tensorflow()


def test_unknown_server_name_shows_usage() -> None:
    with pytest.raises(SystemExit, match="usage: python -m bot.serve"):
        serve.main(["web"])
    with pytest.raises(SystemExit, match="usage"):
        serve.main([])


def test_sqlite_connections_get_wal_and_normal_sync(tmp_path: Path) -> None:
    import sqlalchemy
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    before = sqlalchemy.create_engine(f"sqlite:///{tmp_path}/before.db")
    with before.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() != "wal"
    serve.speed_up_sqlite()
    serve.speed_up_sqlite()  # twice adds one listener, not two
    try:
        engine = sqlalchemy.create_engine(f"sqlite:///{tmp_path}/tracker.db")
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    finally:
        event.remove(Engine, "connect", serve._sqlite_pragmas)
