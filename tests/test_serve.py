"""Tests for bot/serve.py: the server launcher and its changes to the stock servers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain

from bot import serve
from tests.servers import ROOT, serve_app

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


def test_cached_event_lookup_gives_rasa_s_classes_defaults_and_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.shared.core.events import ActiveLoop, Event, SlotSet, UserUttered

    monkeypatch.setattr(Event, "resolve_by_type", Event.resolve_by_type)
    stock = Event.resolve_by_type
    serve.cache_event_types()
    assert Event.resolve_by_type is not stock
    for name in ("slot", "user", "active_loop", "action", "restart", "session_started"):
        assert Event.resolve_by_type(name) is stock(name)
    assert Event.resolve_by_type("slot") is SlotSet
    assert Event.resolve_by_type("no_such_event", UserUttered) is UserUttered
    assert Event.resolve_by_type("topic") is None
    with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
        Event.resolve_by_type("no_such_event")
    events = Event.from_parameters({"event": "active_loop", "name": "zelfscan_form"})
    assert events == ActiveLoop("zelfscan_form")

    class LateEvent(SlotSet):  # imported after the table was built
        type_name = "digiwijzer_late_event"

    assert Event.resolve_by_type("digiwijzer_late_event") is LateEvent


async def test_sqlite_tracker_store_reuses_its_connection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import rasa.core.tracker_store as tracker_store
    from rasa.shared.core.events import SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker
    from sqlalchemy import event
    from sqlalchemy.pool import QueuePool

    monkeypatch.setattr(tracker_store, "create_engine_kwargs", tracker_store.create_engine_kwargs)
    serve.pool_sqlite_connections()
    domain = Domain.from_yaml("slots:\n  scan_tools:\n    type: text\n    mappings: [{type: custom}]")
    store = tracker_store.SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    assert isinstance(store.engine.pool, QueuePool)
    connects: list[object] = []
    event.listen(store.engine, "connect", lambda *args: connects.append(args))

    tracker = DialogueStateTracker.from_events("s1", [UserUttered("hallo")], domain.slots)
    for answer in ("A", "B", "C"):
        tracker.update(SlotSet("scan_tools", answer))
        await store.save(tracker)
        tracker = await store.retrieve("s1")
        assert tracker is not None and tracker.get_slot("scan_tools") == answer
    assert len(tracker.events) == 4
    assert len(connects) <= 1  # NullPool opened one per save and per read


def test_pooling_leaves_other_databases_to_rasa() -> None:
    import rasa.core.tracker_store as tracker_store

    stock = tracker_store.create_engine_kwargs
    pooled = serve._pooled_sqlite_kwargs(stock)
    for url in ("postgresql://u:p@localhost:5432/tracker", "sqlite://", "sqlite:///:memory:"):
        assert pooled(url) == stock(url)
    assert pooled("postgresql://u:p@localhost:5432/tracker")["pool_size"] > 0  # Rasa's own options
    assert "poolclass" in pooled("sqlite:////tmp/tracker.db")


async def test_endpoint_requests_share_one_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    from aiohttp import web
    from rasa.utils.endpoints import ClientResponseError, EndpointConfig

    monkeypatch.setattr(EndpointConfig, "session", EndpointConfig.session)
    serve.keep_endpoint_sessions()
    seen: list[tuple] = []

    async def webhook(request: web.Request) -> web.Response:
        peer = request.transport.get_extra_info("peername") if request.transport else None
        seen.append((peer, request.headers.get("X-Test"), request.query.get("token"), await request.json()))
        if request.path == "/fail":
            return web.json_response({"error": "kapot"}, status=500)
        return web.json_response({"events": []})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    app.router.add_post("/fail", webhook)
    runner, url = await serve_app(app)
    endpoint = EndpointConfig(f"{url}/webhook", headers={"X-Test": "ja"}, token="geheim")
    failing = EndpointConfig(f"{url}/fail")
    try:
        for n in range(3):
            assert await endpoint.request(json={"n": n}, method="post") == {"events": []}
        with pytest.raises(ClientResponseError) as error:
            await failing.request(json={"n": 3}, method="post")
        assert error.value.status == 500
    finally:
        for config in (endpoint, failing):
            await config._kept_session.close()
        await runner.cleanup()
    assert [entry[1:] for entry in seen[:3]] == [("ja", "geheim", {"n": n}) for n in range(3)]
    assert len({entry[0] for entry in seen[:3]}) == 1  # one connection: the same client port
    assert endpoint._kept_session._json_serialize is serve.dumps_json


@pytest.mark.parametrize(
    "value",
    [
        {"tracker": {"events": [{"event": "user", "text": "Wij gebruiken één kassa", "confidence": 0.93}]}},
        {"slots": {"scan_tools": None, "aantal": 12, "ok": True}, "lijst": [1.5, "é", None]},
        {1: "sleutel als getal", "genest": {2: [3]}},
        [2**70],  # too big for orjson: the standard library writes it
    ],
)
def test_request_bodies_are_the_same_json_as_the_standard_library(value: object) -> None:
    import json

    assert json.loads(serve.dumps_json(value)) == json.loads(json.dumps(value))


def test_request_body_of_an_unknown_type_fails_like_the_standard_library() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        serve.dumps_json({"x": object()})


def _conversation() -> list:
    from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered

    parse = {"intent": {"name": "greet", "confidence": 0.97}, "entities": [], "text": "hallo"}
    first = [
        ActionExecuted("action_session_start", timestamp=1.0),
        SessionStarted(timestamp=2.0),
        ActionExecuted("action_listen", timestamp=3.0),
        UserUttered("hallo", parse, timestamp=4.0),
    ]
    second = [
        SlotSet("scan_tools", "B", timestamp=5.0),
        ActionExecuted("action_session_start", timestamp=6.0),
        SessionStarted(timestamp=7.0),
        ActionExecuted("action_listen", timestamp=8.0),
        UserUttered("wij werken met één kassa", {"intent": {"name": "inform"}}, timestamp=9.0),
        SlotSet("scan_tools", float("nan"), timestamp=10.0),  # json.dumps writes NaN
    ]
    return [first, second]


def _as_json(events: object) -> str:
    import json

    return json.dumps([event.as_dict() for event in events])  # type: ignore[attr-defined]  # NaN != NaN


async def _store_in_steps(store, domain: Domain) -> None:  # type: ignore[no-untyped-def]
    from rasa.shared.core.trackers import DialogueStateTracker

    tracker = DialogueStateTracker("s1", domain.slots)
    for step in _conversation():
        for event in step:
            tracker.update(event)
        await store.save(tracker)


async def test_lighter_sql_tracker_store_stores_and_reads_what_rasa_s_own_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from rasa.core.tracker_store import SQLTrackerStore

    monkeypatch.setattr(SQLTrackerStore, "_retrieve", SQLTrackerStore._retrieve)
    monkeypatch.setattr(SQLTrackerStore, "save", SQLTrackerStore.save)
    domain = Domain.from_yaml("slots:\n  scan_tools:\n    type: any\n    mappings: [{type: custom}]")
    stock = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "stock.db"))
    await _store_in_steps(stock, domain)
    stock_latest, stock_full = await stock.retrieve("s1"), await stock.retrieve_full_tracker("s1")

    serve.lighten_sql_tracker_store()
    assert SQLTrackerStore.save.__module__ == SQLTrackerStore._retrieve.__module__ == serve.__name__
    light = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "light.db"))
    await _store_in_steps(light, domain)

    def rows(name: str) -> list[tuple]:
        with sqlite3.connect(tmp_path / name) as db:
            return db.execute(
                "SELECT sender_id, type_name, timestamp, intent_name, action_name, data FROM events ORDER BY id"
            ).fetchall()

    assert len(rows("stock.db")) >= 10  # Rasa's own count of what is new (it may store some twice)
    assert rows("light.db") == rows("stock.db")
    for store in (stock, light):  # the patched reads, from either database
        latest, full = await store.retrieve("s1"), await store.retrieve_full_tracker("s1")
        assert latest is not None and full is not None and stock_latest is not None and stock_full is not None
        assert _as_json(latest.events) == _as_json(stock_latest.events)
        assert _as_json(full.events) == _as_json(stock_full.events)
        assert len(latest.events) == 4 and len(full.events) >= 10
        assert latest.latest_message is not None and latest.latest_message.text == "wij werken met één kassa"
    assert await light.retrieve("nobody") is None


def test_config_names_the_spacy_pipeline_to_share() -> None:
    assert serve._spacy_models_in_config(ROOT / "config.yml") == ["build/spacy_nl"]
    assert serve._spacy_models_in_config(ROOT / "no-such-config.yml") == []


def test_workers_get_the_pipeline_the_parent_loaded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import gc

    from rasa.nlu.utils.spacy_utils import SpacyNLP

    monkeypatch.setattr(SpacyNLP, "load_model", SpacyNLP.load_model)
    monkeypatch.chdir(ROOT)
    config = tmp_path / "config.yml"
    config.write_text("pipeline:\n  - name: SpacyNLP\n    model: build/spacy_nl\n  - name: SpacyTokenizer\n")
    try:
        serve.share_models_between_workers(config)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    first = SpacyNLP.load_model("build/spacy_nl")
    assert SpacyNLP.load_model("build/spacy_nl") is first  # what Rasa's SpacyNLP.create gets in each worker
    assert first.model_name == "build/spacy_nl" and first.model("Wij werken op papier")[0].text == "Wij"


async def test_event_statements_count_and_select_what_rasa_s_query_does(tmp_path: Path) -> None:
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.from_yaml("slots:\n  scan_tools:\n    type: any\n    mappings: [{type: custom}]")
    store = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    await _store_in_steps(store, domain)  # "s1": two sessions
    no_session = DialogueStateTracker("s2", domain.slots)  # "s2": no SessionStarted at all
    for event in (ActionExecuted("action_listen", timestamp=1.0), UserUttered("hoi", timestamp=2.0)):
        no_session.update(event)
    await store.save(no_session)

    statements = serve.event_statements(store.SQLEvent.__table__)
    with store.session_scope() as session:
        for sender in ("s1", "s2", "nobody"):
            for latest_only, name in ((True, "latest"), (False, "all")):
                rasa_rows = [row.data for row in store._event_query(session, sender, not latest_only).all()]
                assert session.execute(statements[name], {"sender_id": sender}).scalars().all() == rasa_rows
            count = session.execute(statements["count_latest"], {"sender_id": sender}).scalar_one()
            assert count == store._event_query(session, sender, False).count()
    assert [count_of(store, s) for s in ("s1", "s2", "nobody")] == [4, 2, 0]


def count_of(store, sender: str) -> int:  # type: ignore[no-untyped-def]
    with store.session_scope() as session:
        return int(
            session.execute(
                serve.event_statements(store.SQLEvent.__table__)["count_latest"], {"sender_id": sender}
            ).scalar_one()
        )


class _Counted:
    """A graph node that records its calls and returns (its name, what it got)."""

    def __init__(self, name: str, calls: list[str]) -> None:
        self.name, self.calls = name, calls

    def __call__(self, *needs: object) -> tuple[str, object]:
        self.calls.append(self.name)
        return (self.name, needs)


def test_graph_runs_each_node_once_after_its_needs_like_dask() -> None:
    import dask

    def graph(calls: list[str]) -> dict[str, object]:
        return {
            "message": ("message", "hallo"),
            "tokens": (_Counted("tokens", calls), "message"),
            "features": (_Counted("features", calls), "tokens"),
            "intent": (_Counted("intent", calls), "features", "tokens"),
            "unused": (_Counted("unused", calls), "message"),
        }

    ours: list[str] = []
    theirs: list[str] = []
    result = serve.run_graph_in_order(graph(ours), ["intent", "features"])
    minimal = graph(theirs)
    del minimal["unused"]  # Rasa hands dask the minimal graph for the targets; dask runs all of it
    assert result == list(dask.get(minimal, ["intent", "features"]))
    assert ours == ["tokens", "features", "intent"]  # once each, needs first; "unused" is not needed
    assert sorted(theirs) == sorted(ours)
    assert result[1] == ("features", (("tokens", (("message", "hallo"),)),))


def test_graph_with_a_cycle_raises_like_dask() -> None:
    calls: list[str] = []
    cycle = {"a": (_Counted("a", calls), "b"), "b": (_Counted("b", calls), "a")}
    with pytest.raises(RuntimeError, match="Cycle detected"):
        serve.run_graph_in_order(cycle, ["a"])


async def test_model_parses_and_predicts_the_same_without_dask(monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.core.agent import Agent
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.shared.core.events import ActionExecuted, UserUttered

    from tests.servers import MODEL

    monkeypatch.setattr(DaskGraphRunner, "run", DaskGraphRunner.run)
    agent = Agent.load(str(MODEL))
    texts = ["hallo", "we doen alles nog op papier", "hoe lang duurt de scan?", "ik wil een mens spreken", "B"]

    async def outcomes() -> list[object]:
        parsed = [await agent.parse_message(text) for text in texts]
        tracker = await agent.tracker_store.get_or_create_tracker("graph-test")
        tracker.update(ActionExecuted("action_listen"))
        tracker.update(UserUttered("hallo", parsed[0]))
        prediction = agent.processor._predict_next_with_tracker(tracker)  # type: ignore[union-attr]
        return [parsed, prediction.max_confidence_index, prediction.policy_name, prediction.probabilities]

    stock = await outcomes()
    serve.run_graphs_without_dask()
    assert DaskGraphRunner.run.__module__ == serve.__name__
    assert await outcomes() == stock


RESPONSES = [
    VALID,
    {"events": [], "responses": []},
    {},
    {"events": [{"event": "slot", "name": "scan_tools", "value": {"nested": [1, 2]}, "timestamp": None}]},
    {"events": [{"event": "active_loop", "name": None}, {"event": "followup", "name": "action_x"}]},
    {"events": [{"event": "user", "text": "hoi", "parse_data": {"intent": {"name": "greet"}}}]},
    {"events": [{"event": "bot", "text": "Hallo!", "data": {"buttons": []}, "metadata": {}}]},
    {"events": [{"event": "reset_slots"}, {"event": "restart"}, {"event": "session_started"}]},
    {"events": [{"event": "reminder", "intent": "x", "date_time": "2026-11-25T10:00:00"}]},
    *INVALID,
    {"events": [{"name": "no event key"}]},
    {"events": [{"event": ["a", "list"]}]},
    {"events": [{"event": "slot", "name": "scan_tools", "timestamp": "yesterday"}]},
    {"events": [{"event": "slot", "name": "scan_tools", "metadata": "not an object"}]},
    {"events": [{"event": "active_loop", "name": 5}]},  # valid: Rasa's schema leaves `name` open here
    {"events": ["not an object"]},
    {"events": [{"event": "slot", "name": "a"}], "responses": "not a list"},
    ["not", "an", "object"],
]


@pytest.mark.parametrize("result", RESPONSES)
def test_fast_response_check_agrees_with_jsonschema(result: object) -> None:
    expected_valid = _valid(result, RemoteAction.action_response_format_spec())
    assert serve._response_is_valid(result) is expected_valid  # the fast path decides both ways here
    assert (serve.validate_action_response(result) is None) is expected_valid  # type: ignore[arg-type]


def _valid(result: object, schema: dict) -> bool:
    try:
        jsonschema.validate(result, schema)
    except jsonschema.ValidationError:
        return False
    return True


def test_fast_response_check_recognises_every_valid_response() -> None:
    schema = RemoteAction.action_response_format_spec()
    valid = [result for result in RESPONSES if _valid(result, schema)]
    assert len(valid) == 10
    assert all(serve._response_is_valid(result) for result in valid)  # the fast path, not the fallback
    assert serve._event_validators() is not None  # every event type fixes its `event` name


async def test_objects_alive_after_loading_the_model_are_frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    import rasa.core.run as rasa_run

    loaded: list[object] = []

    async def stock_load(*args: object, **kwargs: object) -> object:
        agent = {"model": [object() for _ in range(1000)], "args": args}
        loaded.append(agent)
        return agent

    monkeypatch.setattr(rasa_run, "load_agent_on_start", stock_load)
    serve.freeze_after_loading_the_model()
    serve.freeze_after_loading_the_model()  # twice wraps once
    gc.unfreeze()
    try:
        agent = await rasa_run.load_agent_on_start("models/x.tar.gz", None, None, "app", "loop")
        assert agent is loaded[0] and len(loaded) == 1  # Rasa's loader ran once, its agent is returned
        assert gc.get_freeze_count() > 1000  # the model's objects are out of the collector's sight
    finally:
        gc.unfreeze()


def test_action_server_freezes_after_the_answer_mapper_is_trained(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.scan import answers

    order: list[str] = []
    monkeypatch.setattr(answers, "after_warm_up", [])
    monkeypatch.setattr(answers, "default_mapper", lambda: order.append("trained"))
    monkeypatch.setattr(serve, "collect_and_freeze", lambda: order.append("frozen"))
    serve.freeze_after_warm_up()
    serve.freeze_after_warm_up()  # once, however often it is called
    answers.warm_up_in_background().join(timeout=30)
    assert order == ["trained", "frozen"]


def test_collect_and_freeze_takes_what_is_alive_out_of_the_collector_s_sight() -> None:
    import gc

    gc.unfreeze()
    try:
        serve.collect_and_freeze()
        assert gc.get_freeze_count() > 1000
    finally:
        gc.unfreeze()


_FORK_DURING_WARM_UP = """
import os, sys, time
from bot import serve
serve.freeze_after_warm_up()  # imports bot.scan.answers first, as `python -m bot.serve actions` does
from bot.scan import answers
import logging

def slow_training():  # stands in for the mapper's training, which logs
    time.sleep(1.0)
    logging.getLogger("warm-up").info("trained")

answers.default_mapper = slow_training
answers.warm_up_in_background()
time.sleep(0.2)
pid = os.fork()  # as Sanic does for ACTION_SERVER_SANIC_WORKERS > 1, while the warm-up runs
if pid == 0:
    os._exit(0)
os.waitpid(pid, 0)
print("forked")
"""


def test_forking_while_the_warm_up_logs_does_not_deadlock() -> None:
    # The fork waits for the warm-up; logging holds its lock across a fork. Found by the
    # production end-to-end test: the action server with two workers never came up.
    done = subprocess.run(
        [sys.executable, "-c", _FORK_DURING_WARM_UP], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "forked"
