"""A worker forked while the answer mapper warms up (ACTION_SERVER_SANIC_WORKERS > 1) can still use it."""

from __future__ import annotations

import os
import signal
import time

import pytest

from bot.scan import answers


def test_fork_during_warm_up_waits_for_it(monkeypatch: pytest.MonkeyPatch) -> None:
    def slow_training() -> str:
        time.sleep(1.0)
        return "trained"

    monkeypatch.setattr(answers, "_trained_mapper", slow_training)
    answers.warm_up_in_background()
    time.sleep(0.1)  # the warm-up now holds the mapper lock
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the worker: without the at-fork wait, the lock is held by a thread that is not here
        signal.alarm(5)
        try:
            os._exit(0 if answers.default_mapper() == "trained" else 1)
        finally:
            os._exit(2)
    waited = time.monotonic() - started
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert waited >= 0.5  # the fork waited for the warm-up to finish
