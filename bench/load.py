"""Load benchmark of the REST channel: Digiwijzer next to Rasa's own starter bot (`rasa init`).

N simulated entrepreneurs (asyncio + aiohttp) each play a whole conversation against
`POST /webhooks/rest/webhook`: for Digiwijzer a greeting, the scan (seven answers mixing
button payloads, typed letters and free Dutch text, one FAQ interruption, confirmations
when the bot offers two buttons), then location and headcount up to the loket advice;
for the starter bot a conversation of the same number of turns with its English intents.
The next message is chosen from the bot's replies, so a conversation that goes off track
is counted as lost instead of being played blindly to its end.

Measured per concurrency level: per-turn latency p50/p95/p99, turns per second, errors
(non-200, timeouts, other client errors), lost conversations, peak RSS of each server
process tree (from /proc, sampled every 0.2 s) and the servers' CPU seconds. Also: cold
start (process start to the first REST reply), model size, NLU parse time
(`POST /model/parse` over held-out messages) and training time (starter: measured here;
Digiwijzer: only read from a saved `scripts/setup.sh` log, never retrained).

This is a benchmark, not a test: nothing is asserted on time. Results go to stdout and to
a JSON file in bench/out/.

Usage:
    .venv/bin/python bench/load.py                          # both targets, levels 1 10 50
    .venv/bin/python bench/load.py 1 10 --conversations 10  # smaller run
    .venv/bin/python bench/load.py --target digiwijzer --url http://127.0.0.1:5005 --token "$RASA_AUTH_TOKEN"
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Awaitable, Callable

import aiohttp
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.scan.presentation import answer_payload  # noqa: E402
from tests.servers import MODEL, VENV_BIN, free_port, start_bot, stop, wait_until_up  # noqa: E402

OUT_DIR = ROOT / "bench" / "out"
HOLDOUT_DIR = ROOT / "tests" / "nlu_holdout"
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SERVER_ENV = {"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}

QUESTION = re.compile(r"Vraag (\d) van 7")
ASK_LOCATION = "Waar zit je bedrijf?"
ASK_SIZE = "Met hoeveel mensen"
LOKET_ADVICE = "Jouw loket:"
FAQ_INTERRUPTION = "hoe lang duurt de scan?"
# One answer per scan question, in scan order: button payloads, typed letters and free Dutch text.
SCAN_ANSWERS = [
    "we werken vooral met papier en excel",
    answer_payload("B"),
    "c",
    "een paar collega's kunnen goed met de computer overweg, de rest niet",
    answer_payload("C"),
    "d",
    "we hebben nog geen plannen voor digitalisering",
]
INTERRUPT_BEFORE_QUESTION = 4
# The starter bot: the same number of turns as Digiwijzer's conversation without confirmations.
STARTER_TURNS = [
    "hello",
    "I am great",
    "are you a bot?",
    "hi there",
    "I am sad",
    "yes",
    "good morning",
    "very bad",
    "no",
    "am I talking to a human?",
    "perfect",
    "goodbye",
]


# --------------------------------------------------------------------------- statistics


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (None for no values).

    Args:
        values: the samples.
        q: the quantile, between 0 and 1.

    Returns:
        The sample at that rank.
    """
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summary_ms(values: list[float]) -> dict[str, float | None]:
    """p50/p95/p99/max of latencies given in seconds, in milliseconds.

    Args:
        values: latencies in seconds.

    Returns:
        A dict with n, p50, p95, p99 and max (ms).
    """
    out: dict[str, float | None] = {"n": len(values)}
    for name, q in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99)):
        value = percentile(values, q)
        out[name] = None if value is None else round(value * 1000, 1)
    out["max"] = round(max(values) * 1000, 1) if values else None
    return out


# --------------------------------------------------------------------------- /proc sampling


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    return children


def process_tree(pid: int) -> list[int]:
    """A process and all its descendants (from /proc).

    Args:
        pid: the root process.

    Returns:
        The pids of the tree, root first.
    """
    children = _children_map()
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def _proc_kib(path: str, field_name: str) -> int:
    """A `Name:   123 kB` field of a /proc file in bytes (0 when the process is gone)."""
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(field_name):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def rss_bytes(pid: int) -> int:
    """Resident memory of one process from /proc/<pid>/status (0 when it is gone)."""
    return _proc_kib(f"/proc/{pid}/status", "VmRSS:")


def pss_bytes(pid: int) -> int:
    """Proportional resident memory of one process from /proc/<pid>/smaps_rollup (0 when it is gone).

    Pages shared with other processes count in part: a page shared by the three
    processes of a Rasa server with two forked workers counts a third in each. Summed
    over a process tree it is the tree's real memory, where summed RSS counts shared
    pages once per process.
    """
    return _proc_kib(f"/proc/{pid}/smaps_rollup", "Pss:")


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU time of the given processes (from /proc/<pid>/stat)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


class RssSampler:
    """Samples the RSS and PSS of named process trees every `interval` seconds in a thread; keeps the peaks."""

    def __init__(self, roots: dict[str, int], interval: float = 0.2) -> None:
        self.roots = roots
        self.interval = interval
        self.peak_tree: dict[str, int] = dict.fromkeys(roots, 0)
        self.peak_tree_pss: dict[str, int] = dict.fromkeys(roots, 0)
        self.peak_process: dict[int, int] = {}
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> None:
        """Takes one sample of every tree."""
        self.samples += 1
        for name, root in self.roots.items():
            total = total_pss = 0
            for pid in process_tree(root):
                rss = rss_bytes(pid)
                total += rss
                total_pss += pss_bytes(pid)
                self.peak_process[pid] = max(self.peak_process.get(pid, 0), rss)
            self.peak_tree[name] = max(self.peak_tree[name], total)
            self.peak_tree_pss[name] = max(self.peak_tree_pss[name], total_pss)

    def reset(self) -> None:
        """Forgets the peaks (at the start of a new concurrency level)."""
        self.peak_tree = dict.fromkeys(self.roots, 0)
        self.peak_tree_pss = dict.fromkeys(self.roots, 0)
        self.peak_process = {}

    def cpu(self) -> dict[str, float]:
        """CPU seconds used so far by each tree."""
        return {name: cpu_seconds(process_tree(root)) for name, root in self.roots.items()}

    def peaks_mb(self) -> dict[str, float]:
        """Peak RSS of each tree in MB."""
        return {name: round(value / 2**20, 1) for name, value in self.peak_tree.items()}

    def pss_peaks_mb(self) -> dict[str, float]:
        """Peak PSS of each tree in MB (shared pages split between the processes that share them)."""
        return {name: round(value / 2**20, 1) for name, value in self.peak_tree_pss.items()}

    def start(self) -> None:
        """Starts sampling in the background."""
        self._thread.start()

    def stop(self) -> None:
        """Stops sampling."""
        self._stop.set()
        self._thread.join(timeout=5)


# --------------------------------------------------------------------------- conversations


class Lost(Exception):
    """The conversation went off the expected track (not an HTTP error)."""


@dataclass
class Level:
    """Results of one concurrency level against one target."""

    concurrency: int
    conversations: int = 0
    completed: int = 0
    lost: int = 0
    turns: int = 0
    non_200: int = 0
    timeouts: int = 0
    client_errors: int = 0
    wall_s: float = 0.0
    latencies: list[float] = field(default_factory=list)
    lost_reasons: dict[str, int] = field(default_factory=dict)
    unanswered: int = 0  # turns answered with an empty list (the starter's dialogue)

    def result(self) -> dict[str, Any]:
        """The level as a JSON-ready dict (latencies summarised)."""
        data = asdict(self)
        data.pop("latencies")
        data["latency_ms"] = summary_ms(self.latencies)
        data["turns_per_s"] = round(self.turns / self.wall_s, 2) if self.wall_s else None
        return data


class Client:
    """One conversation's view of the REST channel; records every turn in a `Level`."""

    def __init__(self, session: aiohttp.ClientSession, url: str, level: Level, timeout: float) -> None:
        self.session = session
        self.url = f"{url}/webhooks/rest/webhook"
        self.level = level
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.sender = f"bench-{uuid.uuid4().hex}"

    async def say(self, message: str) -> list[dict[str, Any]]:
        """Sends one message and returns the bot's replies; HTTP problems are counted and raised."""
        start = time.perf_counter()
        try:
            async with self.session.post(
                self.url, json={"sender": self.sender, "message": message}, timeout=self.timeout
            ) as response:
                body = await response.read()
                elapsed = time.perf_counter() - start
                if response.status != 200:
                    self.level.non_200 += 1
                    raise Lost(f"HTTP {response.status}")
        except asyncio.TimeoutError as error:
            self.level.timeouts += 1
            raise Lost("timeout") from error
        except aiohttp.ClientError as error:
            self.level.client_errors += 1
            raise Lost(type(error).__name__) from error
        self.level.turns += 1
        self.level.latencies.append(elapsed)
        return json.loads(body)


def text_of(replies: list[dict[str, Any]]) -> str:
    """All reply texts joined."""
    return "\n".join(r.get("text") or "" for r in replies)


def buttons_of(replies: list[dict[str, Any]]) -> list[str]:
    """All button payloads of the replies, in order."""
    return [b["payload"] for r in replies for b in r.get("buttons") or []]


async def digiwijzer_conversation(client: Client, index: int) -> None:
    """A whole Digiwijzer conversation, steered by the replies; raises `Lost` when it goes off track.

    Args:
        client: the REST client of this conversation.
        index: the conversation number (rotates which scan answers are free text).
    """
    reply = await client.say("hallo")
    if "/start_scan" not in buttons_of(reply):
        raise Lost("no start button after greeting")
    reply = await client.say("/start_scan")
    answers = SCAN_ANSWERS[index % 7 :] + SCAN_ANSWERS[: index % 7]  # rotate the answer kinds over questions
    interrupted, tries = False, 0
    while ASK_LOCATION not in text_of(reply):
        tries += 1
        if tries > 20:
            raise Lost("scan did not end")
        match = QUESTION.search(text_of(reply))
        if match is None:
            payloads = buttons_of(reply)
            if not payloads:
                raise Lost("no question and no buttons during scan")
            reply = await client.say(payloads[0])  # "which of these two?": take the first
            continue
        number = int(match.group(1))
        if number == INTERRUPT_BEFORE_QUESTION and not interrupted:
            interrupted = True
            reply = await client.say(FAQ_INTERRUPTION)
            continue
        answer = answers[number - 1]
        if tries > 12:  # the same question keeps coming back: use its button
            answer = answer_payload("B")
        reply = await client.say(answer)
    reply = await client.say("we zitten in Emmen")
    if ASK_SIZE not in text_of(reply):
        payloads = buttons_of(reply)
        if not payloads:
            raise Lost("no headcount question after location")
        reply = await client.say(payloads[0])
    reply = await client.say("we zijn met 12 mensen")
    if LOKET_ADVICE not in text_of(reply) and buttons_of(reply):
        reply = await client.say(buttons_of(reply)[0])  # several lokets: take the first
    if LOKET_ADVICE not in text_of(reply):
        raise Lost("no loket advice at the end")


async def starter_conversation(client: Client, index: int) -> None:
    """The starter bot's conversation: fixed English turns, each answered with HTTP 200.

    The starter's own dialogue sometimes answers a turn with nothing (its TEDPolicy, trained
    anew with each `rasa init`, predicts listening after e.g. "no"); that is its behaviour,
    not a lost message, so the conversation goes on. Turns without a reply are counted.

    Args:
        client: the REST client of this conversation.
        index: the conversation number (unused; same signature as Digiwijzer's).
    """
    del index
    for message in STARTER_TURNS:
        if not await client.say(message):
            client.level.unanswered += 1


Conversation = Callable[[Client, int], Awaitable[None]]


async def run_level(
    url: str, conversation: Conversation, concurrency: int, conversations: int, duration: float | None, timeout: float
) -> Level:
    """Plays conversations with `concurrency` simultaneous users.

    Args:
        url: the Rasa server's base URL.
        conversation: the conversation coroutine.
        concurrency: simultaneous users.
        conversations: total conversations (at least one per user) when no duration is given.
        duration: when given, each user starts new conversations until this many seconds have passed.
        timeout: per-request timeout in seconds.

    Returns:
        The level's results.
    """
    level = Level(concurrency)
    counter = iter(range(10**9))
    total = max(conversations, concurrency)
    deadline = None if duration is None else time.monotonic() + duration

    async def user(session: aiohttp.ClientSession) -> None:
        while True:
            index = next(counter)
            if deadline is None and index >= total or deadline is not None and time.monotonic() >= deadline:
                return
            level.conversations += 1
            try:
                await conversation(Client(session, url, level, timeout), index)
                level.completed += 1
            except Lost as lost:
                level.lost += 1
                reason = str(lost)
                level.lost_reasons[reason] = level.lost_reasons.get(reason, 0) + 1

    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        start = time.perf_counter()
        await asyncio.gather(*(user(session) for _ in range(concurrency)))
        level.wall_s = round(time.perf_counter() - start, 2)
    return level


# --------------------------------------------------------------------------- NLU parse, cold start


def holdout_messages(count: int = 200) -> list[str]:
    """About `count` held-out NLU messages spread over tests/nlu_holdout/*.yml, entity markup removed."""
    messages = []
    for path in sorted(HOLDOUT_DIR.glob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            for line in str(block.get("examples", "")).splitlines():
                line = line.strip()
                if line.startswith("- "):
                    messages.append(re.sub(r"\[([^\]]+)\](\([^)]*\)|\{[^}]*\})", r"\1", line[2:]))
    step = max(1, len(messages) // count)
    return messages[::step][:count]


async def parse_times(url: str, token: str | None, messages: list[str], timeout: float) -> dict[str, Any]:
    """Sequential `POST /model/parse` latency over the messages.

    Args:
        url: the Rasa server's base URL.
        token: the HTTP API token (None: no token sent).
        messages: the texts to parse.
        timeout: per-request timeout in seconds.

    Returns:
        Latency summary (ms) and the number of failed requests.
    """
    times, failed = [], 0
    params = {"token": token} if token else {}
    async with aiohttp.ClientSession() as session:
        for text in messages:
            start = time.perf_counter()
            try:
                async with session.post(
                    f"{url}/model/parse", params=params, json={"text": text}, timeout=aiohttp.ClientTimeout(timeout)
                ) as response:
                    await response.read()
                    if response.status != 200:
                        failed += 1
                        continue
            except (aiohttp.ClientError, asyncio.TimeoutError):
                failed += 1
                continue
            times.append(time.perf_counter() - start)
    return {**summary_ms(times), "failed": failed}


def first_rest_reply(url: str, started: float, procs: list[subprocess.Popen[bytes]], timeout: float = 600) -> float:
    """Seconds from `started` (a `time.monotonic()` value) until the REST channel first answers."""
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for proc in procs:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode} during start")
        try:
            response = requests.post(
                f"{url}/webhooks/rest/webhook", json={"sender": f"bench-cold-{uuid.uuid4().hex}", "message": "hi"},
                timeout=30,
            )  # fmt: skip
            if response.status_code == 200:
                return time.monotonic() - started
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"no REST reply from {url} after {timeout} s")


def setup_training_time(log: Path | None) -> str:
    """Digiwijzer's training time from a saved `scripts/setup.sh` log, if one is given."""
    if log is None or not log.exists():
        return "not measured here"
    found = re.findall(r"Training took (\d+) s", log.read_text(errors="replace"))
    return f"{found[-1]} s (from {log})" if found else f"not measured here (no training in {log})"


# --------------------------------------------------------------------------- targets


@dataclass
class Target:
    """A running bot to measure."""

    name: str
    url: str
    token: str | None
    conversation: Conversation
    roots: dict[str, int]
    info: dict[str, Any]
    stop: Callable[[], None]


def start_digiwijzer(tmp: Path) -> Target:
    """Starts the action server and Rasa with models/digiwijzer.tar.gz (tests/servers.py), timing the cold start."""
    started = time.monotonic()
    bot = start_bot(tmp, env=SERVER_ENV)
    try:
        cold = first_rest_reply(bot.url, started, [bot.rasa, bot.actions])
        bot.wait()
    except BaseException:
        bot.stop()
        raise
    info = {"cold_start_s": round(cold, 1), "model_mb": round(MODEL.stat().st_size / 2**20, 1)}
    roots = {"rasa": bot.rasa.pid, "actions": bot.actions.pid}
    return Target("digiwijzer", bot.url, bot.token, digiwijzer_conversation, roots, info, bot.stop)


def start_digiwijzer_production(tmp: Path, rasa_workers: int, action_workers: int) -> Target:
    """Starts Digiwijzer in the production profile (docs/production.md) on this machine.

    PostgreSQL and Redis from `scripts/postgres.sh` and `scripts/redis.sh`, the environment made by
    `scripts/production_env.sh` (as `scripts/run.sh` does), one action server with `action_workers`
    Sanic workers and one Rasa server with `rasa_workers` (they share its port).
    """
    import secrets

    from tests.production_stack import postgres_url, production_env, production_settings, redis_url

    token = secrets.token_hex(16)
    action_port, rasa_port = free_port(), free_port()
    settings = {
        **production_settings(postgres_url(), redis_url()),
        "RASA_AUTH_TOKEN": token,
        "CONSOLE_SECRET_KEY": secrets.token_urlsafe(32),
        "CONSOLE_SERVICE_TOKEN": secrets.token_urlsafe(32),
        "RASA_WORKERS": str(rasa_workers),
        "ACTION_WORKERS": str(action_workers),
    }
    env = {**production_env(settings), **SERVER_ENV, "PYTHONPATH": str(ROOT), "SANIC_HOST": "127.0.0.1",
           "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
           "CONSOLE_URL": f"http://127.0.0.1:{free_port()}"}  # no console: the bench asks for no adviser  # fmt: skip
    started = time.monotonic()
    procs: list[subprocess.Popen[bytes]] = []

    def start(name: str, args: list[str], extra: dict[str, str]) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(
            [str(VENV_BIN / "python"), "-m", "bot.serve", *args], cwd=ROOT, env={**env, **extra},
            stdout=(tmp / f"{name}.log").open("w"), stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        procs.append(proc)
        return proc

    def stop_all() -> None:
        for proc in reversed(procs):
            stop(proc)

    try:
        actions = start("actions", ["actions", "--actions", "actions", "--port", str(action_port)],
                        {"ACTION_SERVER_SANIC_WORKERS": str(action_workers)})  # fmt: skip
        rasa = start(
            "rasa",
            ["rasa", "run", "--model", str(MODEL), "--enable-api", f"--auth-token={token}", "--interface",
             "127.0.0.1", "--port", str(rasa_port), "--endpoints", str(ROOT / "endpoints.production.yml"),
             "--credentials", str(ROOT / "credentials.yml")],
            {"SANIC_WORKERS": str(rasa_workers)},
        )  # fmt: skip
        url = f"http://127.0.0.1:{rasa_port}"
        cold = first_rest_reply(url, started, procs)
    except BaseException:
        stop_all()
        for name in ("actions", "rasa"):
            log = tmp / f"{name}.log"
            if log.exists():
                print(f"--- {name} log (end) ---\n{log.read_text(errors='replace')[-3000:]}", file=sys.stderr)
        raise
    info = {
        "cold_start_s": round(cold, 1),
        "model_mb": round(MODEL.stat().st_size / 2**20, 1),
        "profile": f"production: PostgreSQL, Redis, {rasa_workers} Rasa and {action_workers} action workers",
    }
    roots = {"rasa": rasa.pid, "actions": actions.pid}
    return Target("digiwijzer", url, token, digiwijzer_conversation, roots, info, stop_all)


def start_starter(tmp: Path, starter_dir: Path | None) -> Target:
    """Creates and trains the `rasa init` starter bot (or reuses `starter_dir`), then starts it."""
    import secrets

    env = {**os.environ, **SERVER_ENV}
    info: dict[str, Any] = {}
    project = starter_dir or tmp / "starter"
    if starter_dir is not None and list((starter_dir / "models").glob("*.tar.gz")):
        info["training_s"] = "reused an already trained starter"
    else:
        project.mkdir(parents=True, exist_ok=True)
        print(f"training the starter bot (rasa init --no-prompt) in {project} ...", flush=True)
        start = time.monotonic()
        subprocess.run(
            [str(VENV_BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(project)], cwd=project, env=env,
            stdout=(tmp / "starter-init.log").open("w"), stderr=subprocess.STDOUT, check=True,
        )  # fmt: skip
        info["training_s"] = round(time.monotonic() - start, 1)
    model = max((project / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    info["model_mb"] = round(model.stat().st_size / 2**20, 1)
    custom_actions = (project / "actions" / "actions.py").exists() and re.search(
        r"^class ", (project / "actions" / "actions.py").read_text(), re.MULTILINE
    )
    # Same tracker store kind as Digiwijzer in tests/servers.py (SQLite), so both pay the same writes.
    endpoints = tmp / "starter-endpoints.yml"
    endpoints.write_text(
        f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {tmp / 'starter-tracker.db'}\n", encoding="utf-8"
    )
    port, token = free_port(), secrets.token_hex(16)
    url = f"http://127.0.0.1:{port}"
    log = tmp / "starter-rasa.log"
    started = time.monotonic()
    rasa = subprocess.Popen(
        [str(VENV_BIN / "rasa"), "run", "--model", str(model), "--enable-api", f"--auth-token={token}",
         "--interface", "127.0.0.1", "--port", str(port), "--endpoints", str(endpoints),
         "--credentials", str(project / "credentials.yml")],
        cwd=project, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    procs, roots = [rasa], {"rasa": rasa.pid}
    if custom_actions:  # the starter's action is commented out; start an action server only if one is active
        actions = subprocess.Popen(
            [str(VENV_BIN / "rasa"), "run", "actions", "--port", str(free_port())], cwd=project, env=env,
            stdout=(tmp / "starter-actions.log").open("w"), stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        procs.append(actions)
        roots["actions"] = actions.pid
    info["custom_actions"] = bool(custom_actions)

    def stop_all() -> None:
        for proc in procs:
            stop(proc)

    try:
        info["cold_start_s"] = round(first_rest_reply(url, started, procs), 1)
        wait_until_up(f"{url}/status?token={token}", rasa, log)
    except BaseException:
        stop_all()
        raise
    return Target("starter", url, token, starter_conversation, roots, info, stop_all)


def external_target(name: str, url: str, token: str | None, pids: list[int]) -> Target:
    """A bot that is already running (e.g. scripts/run.sh); RSS only for the given pids."""
    conversation = digiwijzer_conversation if name == "digiwijzer" else starter_conversation
    info: dict[str, Any] = {"cold_start_s": "not measured (--url)"}
    if name == "digiwijzer" and MODEL.exists():
        info["model_mb"] = round(MODEL.stat().st_size / 2**20, 1)
    roots = {f"pid {pid}": pid for pid in pids}
    return Target(name, url.rstrip("/"), token, conversation, roots, info, lambda: None)


# --------------------------------------------------------------------------- running and reporting


def measure(target: Target, args: argparse.Namespace) -> dict[str, Any]:
    """Warm-up conversation, NLU parse times and every concurrency level against one running target."""
    sampler = RssSampler(target.roots)
    sampler.start()
    result: dict[str, Any] = {"url": target.url, **target.info, "levels": []}
    try:
        warm = asyncio.run(run_level(target.url, target.conversation, 1, 1, None, args.timeout))
        result["warmup"] = warm.result()
        result["idle_rss_mb"] = sampler.peaks_mb()
        result["idle_pss_mb"] = sampler.pss_peaks_mb()
        messages = holdout_messages(args.parse_messages)
        result["nlu_parse_ms"] = asyncio.run(parse_times(target.url, target.token, messages, args.timeout))
        for concurrency in args.levels:
            sampler.reset()
            cpu_before, load_before = sampler.cpu(), os.getloadavg()[0]
            print(f"[{target.name}] concurrency {concurrency} ...", flush=True)
            level = asyncio.run(
                run_level(target.url, target.conversation, concurrency, args.conversations, args.duration, args.timeout)
            )
            sampler.sample()
            cpu_after = sampler.cpu()
            data = level.result()
            data["peak_rss_mb"] = sampler.peaks_mb()
            data["peak_pss_mb"] = sampler.pss_peaks_mb()
            data["peak_rss_mb_per_pid"] = {pid: round(v / 2**20, 1) for pid, v in sampler.peak_process.items()}
            data["server_cpu_s"] = {k: round(cpu_after[k] - cpu_before.get(k, 0), 1) for k in cpu_after}
            data["loadavg_1min"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
            result["levels"].append(data)
            print(format_level(target.name, data), flush=True)
    finally:
        sampler.stop()
    return result


def _fmt(value: Any, digits: int = 0) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


LEVEL_HEADER = (
    f"{'target':<11}{'conc':>5}{'convs':>6}{'done':>5}{'lost':>5}{'turns':>6}{'turns/s':>8}{'p50 ms':>8}"
    f"{'p95 ms':>8}{'p99 ms':>8}{'max ms':>8}{'err':>4}{'tmo':>4}  peak RSS|PSS MB / server CPU s"
)


def format_level(name: str, level: dict[str, Any]) -> str:
    """One table row for a concurrency level."""
    lat = level["latency_ms"]
    pss, cpu = level.get("peak_pss_mb", {}), level["server_cpu_s"]
    rss = ", ".join(f"{k} {v:.0f}|{pss.get(k, 0):.0f}/{cpu.get(k, 0):.0f}" for k, v in level["peak_rss_mb"].items())
    return (
        f"{name:<11}{level['concurrency']:>5}{level['conversations']:>6}{level['completed']:>5}{level['lost']:>5}"
        f"{level['turns']:>6}{_fmt(level['turns_per_s'], 2):>8}{_fmt(lat['p50']):>8}{_fmt(lat['p95']):>8}"
        f"{_fmt(lat['p99']):>8}{_fmt(lat['max']):>8}{level['non_200'] + level['client_errors']:>4}"
        f"{level['timeouts']:>4}  {rss or '-'}"
    )


def print_report(report: dict[str, Any]) -> None:
    """The whole run as readable tables."""
    targets = report["targets"]
    print(f"\n=== load benchmark {report['date']} (loadavg at start {report['loadavg_start']}) ===")
    for name, result in targets.items():
        if result.get("profile"):
            print(f"{name}: {result['profile']}")
    print(LEVEL_HEADER)
    for name, result in targets.items():
        for level in result.get("levels", []):
            print(format_level(name, level))
    print("\nerr = non-200 and client errors, tmo = timeouts, lost = conversations that did not reach their end")
    print(f"\n{'':<30}" + "".join(f"{name:>28}" for name in targets))
    rows: list[tuple[str, Callable[[dict[str, Any]], Any]]] = [
        ("training time", lambda r: r.get("training_s")),
        ("model size MB", lambda r: r.get("model_mb")),
        ("cold start to first reply s", lambda r: r.get("cold_start_s")),
        ("idle RSS MB (after warm-up)", lambda r: r.get("idle_rss_mb")),
        ("idle PSS MB (after warm-up)", lambda r: r.get("idle_pss_mb")),
        ("warm-up conversation p50 ms", lambda r: (r.get("warmup") or {}).get("latency_ms", {}).get("p50")),
        ("NLU parse p50 ms", lambda r: (r.get("nlu_parse_ms") or {}).get("p50")),
        ("NLU parse p95 ms", lambda r: (r.get("nlu_parse_ms") or {}).get("p95")),
        (
            "NLU parse n / failed",
            lambda r: "{n} / {failed}".format(**r["nlu_parse_ms"]) if "nlu_parse_ms" in r else None,
        ),
    ]
    for label, get in rows:
        cells = []
        for result in targets.values():
            value = get(result)
            if isinstance(value, dict):
                value = ", ".join(f"{k} {v:.0f}" for k, v in value.items())
            cells.append(f"{_fmt(value, 1)[:27]:>28}")
        print(f"{label:<30}" + "".join(cells))
    if "digiwijzer" in targets and "starter" in targets:
        print("\nside by side (ratio = Digiwijzer / starter)")
        print(f"{'conc':>5}{'turns/s D':>11}{'turns/s S':>11}{'ratio':>8}{'p95 D ms':>10}{'p95 S ms':>10}{'ratio':>8}")
        starter = {lv["concurrency"]: lv for lv in targets["starter"].get("levels", [])}
        for lv in targets["digiwijzer"].get("levels", []):
            other = starter.get(lv["concurrency"])
            if other is None:
                continue
            tps_d, tps_s = lv["turns_per_s"], other["turns_per_s"]
            p95_d, p95_s = lv["latency_ms"]["p95"], other["latency_ms"]["p95"]
            tps_ratio = tps_d / tps_s if tps_d and tps_s else None
            p95_ratio = p95_d / p95_s if p95_d and p95_s else None
            print(
                f"{lv['concurrency']:>5}{_fmt(tps_d, 2):>11}{_fmt(tps_s, 2):>11}{_fmt(tps_ratio, 2):>8}"
                f"{_fmt(p95_d):>10}{_fmt(p95_s):>10}{_fmt(p95_ratio, 1):>8}"
            )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("levels", nargs="*", type=int, default=[1, 10, 50], help="concurrency levels (default 1 10 50)")
    parser.add_argument("--target", choices=["digiwijzer", "starter", "both"], default="both")
    parser.add_argument("--conversations", type=int, default=20, help="conversations per level (at least one per user)")
    parser.add_argument("--duration", type=float, help="seconds per level instead of a number of conversations")
    parser.add_argument("--timeout", type=float, default=60, help="per-request timeout in seconds (default 60)")
    parser.add_argument("--parse-messages", type=int, default=200, help="held-out messages for /model/parse")
    parser.add_argument("--url", help="an already running bot (one --target, not both); nothing is started")
    parser.add_argument("--token", help="HTTP API token of the --url bot (for /model/parse)")
    parser.add_argument("--pids", type=int, nargs="*", default=[], help="server pids of the --url bot (for RSS/CPU)")
    parser.add_argument("--starter-dir", type=Path, help="reuse (or keep) the starter project in this folder")
    parser.add_argument("--profile", choices=["default", "production"], default="default",
                        help="Digiwijzer's profile: default (SQLite, one process each) or production "
                        "(PostgreSQL, Redis, several workers; docs/production.md)")  # fmt: skip
    parser.add_argument("--rasa-workers", type=int, default=2, help="production profile: Rasa workers (default 2)")
    parser.add_argument("--action-workers", type=int, default=1, help="production profile: action workers (default 1)")
    parser.add_argument("--setup-log", type=Path, help="a saved scripts/setup.sh log to read the training time from")
    args = parser.parse_args(argv)
    if args.url and args.target == "both":
        parser.error("--url needs --target digiwijzer or --target starter")
    return args


def main(argv: list[str] | None = None) -> None:
    """Runs the benchmark and writes bench/out/load-<time>.json."""
    args = parse_args(argv)
    names = ["digiwijzer", "starter"] if args.target == "both" else [args.target]
    report: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "cpus": os.cpu_count(),
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
        "targets": {},
    }
    tmp = Path(tempfile.mkdtemp(prefix="digiwijzer-load-"))
    try:
        for name in names:
            if args.url:
                target = external_target(name, args.url, args.token, args.pids)
            elif name == "digiwijzer":
                print(f"starting Digiwijzer (action server and Rasa), profile {args.profile} ...", flush=True)
                if args.profile == "production":
                    target = start_digiwijzer_production(tmp, args.rasa_workers, args.action_workers)
                else:
                    target = start_digiwijzer(tmp)
            else:
                target = start_starter(tmp, args.starter_dir)
            try:
                report["targets"][name] = measure(target, args)
            finally:
                target.stop()
            if name == "digiwijzer":
                report["targets"][name]["training_s"] = setup_training_time(args.setup_log)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    print_report(report)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    out = OUT_DIR / f"load-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"\nJSON: {out}")


if __name__ == "__main__":
    main()
