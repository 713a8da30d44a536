"""Start Digiwijzer's servers: `python -m bot.serve rasa|actions [their usual arguments]`.

The same servers as `rasa run …` and `python -m rasa_sdk …`, with changes that the
benchmark (`bench/load.py`) and profiling showed to matter:

* **actions**: TensorFlow is kept out of the action server. spaCy's `thinc` imports it
  when it is installed (it is: Rasa needs it), which costs about 400 MB of memory and
  a second of start-up; the action server never runs a TensorFlow model.
* **rasa**: the response of every custom action is checked against Rasa's JSON schema
  with a validator built once, instead of `jsonschema.validate`, which first checks the
  (large, constant) schema itself against the meta-schema on every call. Profiling put
  that at about a fifth of the Rasa server's CPU time per turn. Each event is checked
  against its own event type first (`validate_action_response`). The check is the same:
  an invalid response still raises the same `ValidationError`.
* **rasa**: an SQLite tracker store (the embedded default) runs in WAL mode with
  `synchronous=NORMAL`: a commit no longer waits for the disk twice. A crash of the
  process loses nothing committed; only a power cut can lose the last few turns.
  PostgreSQL, the production store, is not touched. SQLite connections are also pooled
  instead of opened for every read and save (`pool_sqlite_connections`).
* **rasa**: the SQL tracker store (SQLite and PostgreSQL) reads events as plain rows with
  queries built once and inserts new ones with one `executemany`, instead of through ORM
  objects (`lighten_sql_tracker_store`).
* **rasa**: an event's class is looked up in a table instead of by walking every subclass
  of `Event` for each event read back (`cache_event_types`).
* **rasa**: calls to the action server reuse one HTTP session and its connections, and
  their bodies are written with orjson (`keep_endpoint_sessions`).
* **rasa**: the model's graph (parse a message, predict an action) runs its nodes in
  dependency order itself instead of through dask's scheduler (`run_graphs_without_dask`).
* **rasa**: once the model is loaded, `gc.freeze()` keeps its objects out of later
  garbage collections, which took about 255 ms each (`freeze_after_loading_the_model`).
* **rasa** with `SANIC_WORKERS` > 1: the spaCy pipeline and the USE encoder are loaded
  before Sanic forks the workers, so the workers share them (`share_models_between_workers`).
* **actions**: `gc.freeze()` once the answer mapper is trained (`freeze_after_warm_up`): a
  full garbage collection took about 85 ms.
* **both**: numpy's OpenBLAS uses one thread per process unless the environment says
  otherwise (`OPENBLAS_NUM_THREADS`, `OMP_NUM_THREADS`), and the USE encoder keeps to it
  (`bot/nlu/encoder.py`). The servers encode one sentence at a time; on two cores a thread
  pool per process made a USE encoding 2.8 times slower (7.9 ms instead of 2.8 ms while
  other processes were busy), and its idle threads spun. Scale with processes instead.

Both servers take their worker counts from the environment as usual
(`SANIC_WORKERS` for Rasa, `ACTION_SERVER_SANIC_WORKERS` for actions).
"""

from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path
from typing import Any

import orjson  # light: imports nothing of numpy, so the BLAS settings in `main` still come first

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


@functools.lru_cache(maxsize=1)
def _event_validators() -> tuple[Any, Any, dict[str, Any]] | None:
    """Validators for a response without its events, one event's common part, and each event type.

    Rasa's schema checks every event against all 23 event types (`oneOf`). Each type fixes
    `event` to a constant, so an event can only match the type its `event` names: checking
    that one type says the same as checking all of them. None when some type has no
    such constant (then only the full check is right).
    """
    import copy

    from jsonschema import validators
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    event_schema = schema["properties"]["events"]["items"]
    by_type: dict[str, Any] = {}
    for branch in event_schema["oneOf"]:
        const = branch.get("properties", {}).get("event", {}).get("const")
        if not isinstance(const, str) or const in by_type:
            return None
        by_type[const] = branch
    cls = validators.validator_for(schema)
    without_events = copy.deepcopy(schema)
    without_events["properties"]["events"] = {"type": "array"}
    common = {key: value for key, value in event_schema.items() if key != "oneOf"}
    return cls(without_events), cls(common), {name: cls(branch) for name, branch in by_type.items()}


def _response_is_valid(result: Any) -> bool:
    """True when the response certainly passes Rasa's schema; False means: run the full check."""
    parts = _event_validators()
    if parts is None or not isinstance(result, dict):
        return False
    whole, common, by_type = parts
    if not whole.is_valid(result):
        return False
    for event in result.get("events") or []:
        name = event.get("event") if isinstance(event, dict) else None
        branch = by_type.get(name) if isinstance(name, str) else None
        if branch is None or not common.is_valid(event) or not branch.is_valid(event):
            return False
    return True


def validate_action_response(result: dict[str, Any]) -> Exception | None:
    """The best-matching schema error of a custom action's response, or None when it is valid.

    A valid response is recognised by checking each event against its own type only
    (`_response_is_valid`); anything else gets the full check, so an error is the same
    as `jsonschema.validate` raises.
    """
    from jsonschema.exceptions import best_match

    if _response_is_valid(result):
        return None
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


def cache_event_types() -> None:
    """Makes `Event.resolve_by_type` a dictionary lookup.

    Rasa finds an event's class by walking every subclass of `Event` (with an
    `inspect.isabstract` check each) for every event it reads back from the tracker
    store or an action server: about 7% of the server's time per turn. The lookup gives
    the same class (the first subclass in Rasa's own order with that `type_name`); a name
    it does not know yet rebuilds the table once, so later-imported events are found,
    and a name nobody knows goes to Rasa's own method (its default or its error).
    """
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    stock = Event.resolve_by_type
    table: dict[str, type[Event]] = {}

    def resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
        found = table.get(type_name)
        if found is None:
            for cls in all_subclasses(Event):
                table.setdefault(cls.type_name, cls)
            found = table.get(type_name)
        return found if found is not None else stock(type_name, default)

    Event.resolve_by_type = staticmethod(resolve_by_type)


def _pooled_sqlite_kwargs(stock: Any) -> Any:
    def create_engine_kwargs(url: Any) -> dict[str, Any]:
        from sqlalchemy.engine import make_url
        from sqlalchemy.pool import QueuePool

        parsed = make_url(str(url))
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            # The tracker store is used from the server's event loop thread only; the
            # flag lets the pool hand a connection to whichever thread checks it out.
            return {"poolclass": QueuePool, "connect_args": {"check_same_thread": False}}
        return dict(stock(url))

    return create_engine_kwargs


def pool_sqlite_connections() -> None:
    """Keeps the SQLite tracker store's connections open between turns.

    SQLAlchemy 1.4 opens and closes a new connection for every session on a file-based
    SQLite database (`NullPool`): for every tracker read and every save, with the WAL
    pragmas each time (about 5% of the server's time). A `QueuePool` reuses them, as
    SQLAlchemy 2.0 does by default. Other databases keep Rasa's own engine options.
    """
    import rasa.core.tracker_store as tracker_store

    stock = tracker_store.create_engine_kwargs
    if getattr(stock, "__name__", "") == "create_engine_kwargs" and stock.__module__ == __name__:
        return
    tracker_store.create_engine_kwargs = _pooled_sqlite_kwargs(stock)


def dumps_json(value: Any) -> str:
    """JSON text of a request body: orjson, or the standard library for what orjson refuses.

    Rasa sends the whole tracker and domain with every custom action call; the standard
    library took about 1 ms for a finished scan's tracker, orjson about 0.04 ms. Keys that
    are not strings are written as strings, as the standard library does; anything else
    orjson cannot write (an integer over 64 bits, an unknown type) goes through `json.dumps`,
    which writes it or raises its usual error.
    """
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        return json.dumps(value)


class _LentSession:
    """`async with` gives the kept session and leaves it open at the end."""

    def __init__(self, kept: Any) -> None:
        self.kept = kept

    async def __aenter__(self) -> Any:
        return self.kept

    async def __aexit__(self, *exc: object) -> None:
        return None


def _kept_session(endpoint: Any) -> _LentSession:
    import asyncio

    import aiohttp
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT

    loop = asyncio.get_running_loop()
    kept = getattr(endpoint, "_kept_session", None)
    if kept is None or kept.closed or kept._loop is not loop:
        basic_auth = endpoint.basic_auth
        kept = aiohttp.ClientSession(
            headers=endpoint.headers,
            auth=aiohttp.BasicAuth(basic_auth["username"], basic_auth["password"]) if basic_auth else None,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=2),
            json_serialize=dumps_json,
        )
        endpoint._kept_session = kept
    return _LentSession(kept)


def keep_endpoint_sessions() -> None:
    """Lets Rasa's HTTP endpoints (the action server) reuse one client session and its connections.

    `EndpointConfig.session()` built a new `aiohttp.ClientSession` for every request and
    `request` closed it afterwards, so every custom action opened and closed a TCP
    connection, with a thread for the address lookup. Now each endpoint keeps one
    session per event loop, with the same headers, authentication and timeout; Rasa's
    own `request` (its error handling included) is unchanged. Request bodies are written
    with orjson (`dumps_json`). Idle connections are
    dropped after 2 s, before the action server's keep-alive (5 s) would close them under
    a request.
    """
    from rasa.utils.endpoints import EndpointConfig

    EndpointConfig.session = _kept_session


def _loads_event(data: str | bytes) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:  # e.g. NaN, which Python's json writes and orjson refuses
        return json.loads(data)


@functools.lru_cache(maxsize=4)
def event_statements(table: Any) -> dict[str, Any]:
    """Rasa's event queries (`SQLTrackerStore._event_query`) as statements built once.

    `latest`: the `data` of a conversation's events from its latest `SessionStarted` on (all
    of them when it has none), ordered by id; `all`: every event's `data`, ordered by id;
    `count_latest`: how many events `latest` has. The conversation is the bound parameter
    `sender_id`. Built once, SQLAlchemy compiles each statement once; Rasa built a new ORM
    query (and its cache key) for every read and every save.
    """
    import sqlalchemy as sa
    from rasa.shared.core.events import SessionStarted

    sender = table.c.sender_id == sa.bindparam("sender_id")
    session_start = (
        sa.select(sa.func.max(table.c.timestamp))
        .where(sender, table.c.type_name == SessionStarted.type_name)
        .scalar_subquery()
    )
    in_latest_session = sa.or_(table.c.timestamp >= session_start, session_start.is_(None))
    return {
        "latest": sa.select(table.c.data).where(sender, in_latest_session).order_by(table.c.id),
        "all": sa.select(table.c.data).where(sender).order_by(table.c.id),
        "count_latest": sa.select(sa.func.count()).select_from(table).where(sender, in_latest_session),
    }


def lighten_sql_tracker_store() -> None:
    """Reads and writes the SQL tracker store's events as plain rows instead of ORM objects.

    Rasa's `SQLTrackerStore` built a new ORM query for every read and save, loaded every
    event of the conversation as an ORM object (to use only its `data` column), parsed it
    with `json.loads`, counted the stored events with another new query and wrote new
    events through the ORM's unit of work: about a fifth of the server's time per turn.
    Here the same queries (`event_statements`) are built once and select only `data`,
    parsed with orjson; new events are those after the stored ones, as in Rasa's
    `_additional_events`, and are inserted with one `executemany` of a Core insert, with
    the same column values as Rasa's own `save`. Works for SQLite and PostgreSQL alike.
    """
    import itertools

    from rasa.core.tracker_store import SQLTrackerStore, logger
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.shared.nlu.constants import INTENT_NAME_KEY

    async def _retrieve(
        self: SQLTrackerStore, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        statement = event_statements(self.SQLEvent.__table__)["all" if fetch_events_from_all_sessions else "latest"]
        with self.session_scope() as session:
            rows = session.execute(statement, {"sender_id": sender_id}).scalars()
            events = [_loads_event(data) for data in rows]
        if self.domain and events:
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        logger.debug(f"Can't retrieve tracker matching sender id '{sender_id}' from SQL storage.")
        return None

    async def save(self: SQLTrackerStore, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        table = self.SQLEvent.__table__
        with self.session_scope() as session:
            stored = session.execute(
                event_statements(table)["count_latest"], {"sender_id": tracker.sender_id}
            ).scalar_one()
            rows = []
            for event in itertools.islice(tracker.events, stored, len(tracker.events)):
                data = event.as_dict()
                rows.append(
                    {
                        "sender_id": tracker.sender_id,
                        "type_name": event.type_name,
                        "timestamp": data.get("timestamp"),
                        "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                        "action_name": data.get("name"),
                        "data": json.dumps(data),
                    }
                )
            if rows:
                session.execute(table.insert(), rows)
            session.commit()

    SQLTrackerStore._retrieve = _retrieve
    SQLTrackerStore.save = save


def run_graph_in_order(graph: dict[str, Any], targets: list[str]) -> list[Any]:
    """Computes the targets of a dask-style graph one node at a time, each node once.

    The graph is what Rasa's `DaskGraphRunner` hands to `dask.get`: a node is a tuple of a
    callable (a `GraphNode`) and the names of the nodes or inputs it needs; an input is a
    tuple that does not start with a callable and is its own value. A node runs after
    everything it needs, as with dask; a cycle raises `RuntimeError`, as dask does. Only
    nodes the targets need are run (dask would run every node, but Rasa hands over the
    minimal graph for the targets, so there is no other).
    """
    done: dict[str, Any] = {}
    running: set[str] = set()

    def value_of(key: str) -> Any:
        if key in done:
            return done[key]
        task = graph[key]
        if not (isinstance(task, tuple) and task and callable(task[0])):
            done[key] = task
            return task
        if key in running:
            raise RuntimeError(f"Cycle detected in the graph at node '{key}'")
        running.add(key)
        needs = [value_of(need) if isinstance(need, str) and need in graph else need for need in task[1:]]
        done[key] = task[0](*needs)
        running.discard(key)
        return done[key]

    return [value_of(target) for target in targets]


def run_graphs_without_dask() -> None:
    """Runs Rasa's model graph (parsing a message, predicting an action) without dask's scheduler.

    `DaskGraphRunner.run` hands a graph of about ten nodes to `dask.get` for every message
    and every predicted action; dask's synchronous scheduler (ordering, bookkeeping) took
    about 11% of the server's time. Here the same nodes run in dependency order
    (`run_graph_in_order`), and the minimal graph for a set of targets is built once. The
    result, the inputs' handling and the error (`GraphRunError`) are Rasa's.
    """
    from rasa.engine.exceptions import GraphRunError
    from rasa.engine.runner.dask import DaskGraphRunner

    def run(
        self: DaskGraphRunner, inputs: dict[str, Any] | None = None, targets: list[str] | None = None
    ) -> dict[str, Any]:
        run_targets = targets if targets else self._graph_schema.target_names
        graphs = self.__dict__.setdefault("_graphs_by_targets", {})
        key = tuple(run_targets)
        if key not in graphs:
            graphs[key] = self._build_dask_graph(self._graph_schema.minimal_graph_schema(run_targets))
        run_graph = dict(graphs[key])
        if inputs:
            self._add_inputs_to_graph(inputs, run_graph)
        try:
            return dict(run_graph_in_order(run_graph, run_targets))
        except RuntimeError as e:
            raise GraphRunError("Error running runner.") from e

    DaskGraphRunner.run = run


def freeze_after_loading_the_model() -> None:
    """Moves everything alive once Rasa has loaded its model out of the garbage collector's sight.

    The loaded server holds over half a million Python objects (Rasa, spaCy, the model),
    and a full collection walked them all: about 255 ms, during which the event loop
    answered nobody. `gc.freeze()` after loading keeps those long-lived objects out of
    every later collection (they are never collected, which they never would be anyway).
    A model loaded later through the HTTP API is not frozen, and the replaced one stays
    in memory.
    """
    import rasa.core.run as rasa_run

    stock = rasa_run.load_agent_on_start
    if getattr(stock, "__module__", "") == __name__:
        return

    async def load_agent_on_start(*args: Any, **kwargs: Any) -> Any:
        loaded = await stock(*args, **kwargs)
        collect_and_freeze()
        return loaded

    load_agent_on_start.__module__ = __name__
    rasa_run.load_agent_on_start = load_agent_on_start


def collect_and_freeze() -> None:
    """A full garbage collection, then `gc.freeze()`: what is alive now is never scanned again."""
    import gc

    gc.collect()
    gc.freeze()


def freeze_after_warm_up() -> None:
    """The action server: freezes the garbage collector once the answer mapper is trained.

    A full collection of the action server (about 160,000 objects: spaCy, the gazetteer, the
    trained mapper) took about 85 ms. The warm-up thread calls this after training, before
    any worker is forked (`bot.scan.answers`).
    """
    from bot.scan import answers

    if collect_and_freeze not in answers.after_warm_up:
        answers.after_warm_up.append(collect_and_freeze)


def _spacy_models_in_config(config_file: Path) -> list[str]:
    import yaml

    if not config_file.is_file():
        return []
    config = yaml.safe_load(config_file.read_text(encoding="utf-8")) or {}
    return [
        str(step["model"])
        for step in config.get("pipeline") or []
        if isinstance(step, dict) and step.get("name") == "SpacyNLP" and step.get("model")
    ]


def share_models_between_workers(config_file: Path = Path("config.yml")) -> None:
    """Loads the large read-only parts of the model once, in the parent, before Sanic forks its workers.

    With `SANIC_WORKERS` > 1, Sanic forks the workers from this process, and each worker
    then loaded its own spaCy pipeline (about 120 MB, mostly the Dutch lemma table) and
    USE encoder (about 110 MB). Loaded here first, their pages are shared by all workers
    until written to: `SpacyNLP.load_model` returns the pipeline already loaded for that
    name, and the encoder is loaded once per process anyway (`bot.nlu.encoder`).
    `gc.freeze()` then keeps the collector from touching (and so copying) every object
    the parent made. A pipeline named in `config_file` but missing is left to Rasa, which
    reports it as usual.
    """
    import gc

    from rasa.nlu.utils.spacy_utils import SpacyNLP

    from bot.nlu.encoder import encode

    stock = SpacyNLP.load_model
    loaded: dict[str, Any] = {}

    def load_model(spacy_model_name: str) -> Any:
        if spacy_model_name not in loaded:
            loaded[spacy_model_name] = stock(spacy_model_name)
        return loaded[spacy_model_name]

    SpacyNLP.load_model = staticmethod(load_model)
    for name in _spacy_models_in_config(config_file):
        if Path(name).exists():
            load_model(name)
    encode(["Digiwijzer start."])
    gc.freeze()


def main(argv: list[str]) -> None:
    """Runs the server named by the first argument with the rest of the arguments."""
    if not argv or argv[0] not in ("rasa", "actions"):
        raise SystemExit(USAGE)
    server, args = argv[0], argv[1:]
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")  # before numpy is imported
    if server == "actions":
        block_tensorflow()
        freeze_after_warm_up()
        from rasa_sdk.__main__ import main as actions_main

        sys.argv = ["rasa_sdk", *args]
        actions_main()
    else:
        speed_up_action_validation()
        speed_up_sqlite()
        pool_sqlite_connections()
        lighten_sql_tracker_store()
        cache_event_types()
        keep_endpoint_sessions()
        run_graphs_without_dask()
        freeze_after_loading_the_model()
        if int(os.environ.get("SANIC_WORKERS") or 1) > 1:
            share_models_between_workers()
        from rasa.__main__ import main as rasa_main

        sys.argv = ["rasa", *args]
        rasa_main()


if __name__ == "__main__":
    main(sys.argv[1:])
