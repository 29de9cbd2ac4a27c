"""Embeddings by text, kept across questions: a question's words, the sentences of the
passages it finds and the question itself recur, and each model run costs milliseconds."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from nato_qa.keyword import SENTENCE_DTYPE

if TYPE_CHECKING:
    from nato_qa.embedders.base import Embedder


class VectorCache:
    """Embeddings by text, kept across questions; past ``size`` texts the first made is
    dropped first (a text asked for again is not moved up)."""

    def __init__(self, size: int = 20_000) -> None:
        self._data: OrderedDict[str, np.ndarray] = OrderedDict()
        self._passages: OrderedDict[str, np.ndarray] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get_many(
        self, texts: Sequence[str], encode: Callable[[list[str]], np.ndarray]
    ) -> np.ndarray:
        """One row per text: cached, or made now by ``encode`` (those missing, in one call)."""
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._data]
        if missing:
            vectors = encode(missing)
            with self._lock:
                for text, vec in zip(missing, vectors, strict=True):
                    self._data[text] = vec
                while len(self._data) > self._size:
                    self._data.popitem(last=False)
        with self._lock:
            return np.stack([self._data[t] for t in texts])

    def passage_sentences(
        self, text: str, spans: list[tuple[int, int]], embedder: Embedder
    ) -> np.ndarray:
        """The sentence vectors of a passage that has none saved (late chunking)."""
        with self._lock:
            rows = self._passages.get(text)
        if rows is None or len(rows) != len(spans):
            rows = embedder.encode_passages_and_sentences([text], [spans])[1][0]
            rows = rows.astype(SENTENCE_DTYPE).astype(np.float32)  # as if saved
            with self._lock:
                self._passages[text] = rows
                while len(self._passages) > self._size // 10:
                    self._passages.popitem(last=False)
        return rows
