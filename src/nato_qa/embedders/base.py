"""What every embedder gives: unit vectors for questions and passages, by one interface.

An embedder is chosen by ``NATO_QA_EMBEDDER`` (``nato_qa.embedders.create_embedder``). The
store records the ``name`` of the embedder that built it, and refuses to be searched or
extended by another (``EmbedderMismatchError``): vectors of two models are never mixed.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Protocol, runtime_checkable

import numpy as np

# Inputs up to this many characters (a question and its words) run on one torch thread.
SMALL_INPUT_CHARS = 512


@contextmanager
def one_thread_if_small(chars: int) -> Iterator[None]:
    """Run a model on one torch thread when its input is small (``SMALL_INPUT_CHARS``).

    A question's model run takes the same 12 ms on one thread as on two when the cores are
    idle, but on a shared machine the second thread waits for a core at every layer: with
    another process busy, ``ask()`` took p50 / p95 43 / 129 ms on two threads against 24 /
    43 on one (docs/benchmarks.md). Larger inputs (passages at ingestion) keep every thread.
    The count is set and put back in the calling thread. Set from any thread but the main
    one it holds for that thread alone (OpenMP's count is per thread; threads that never set
    one follow the main thread's), so the UI's answers, each in a worker thread, keep their
    own; the CLI asks from the main thread, alone.
    """
    torch = sys.modules.get("torch")
    if torch is None or chars > SMALL_INPUT_CHARS:
        yield
        return
    previous = torch.get_num_threads()
    if previous == 1:
        yield
        return
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


@runtime_checkable
class Embedder(Protocol):
    """Unit-length float32 vectors, one row per text.

    ``encode_queries`` is for what a user asks (and single words, compared with each other);
    ``encode_passages`` for the texts searched. Models that want a prefix ("query: ",
    "passage: ") add it themselves. ``encode`` is ``encode_queries``.
    """

    name: str  # recorded in the store; e.g. "minilm", "e5-small"
    dimension: int
    batch_size: int
    # The least question-passage cosine for a passage to count as related to a question, in
    # this model's space (best passage for the development sets' off-topic questions: MiniLM
    # 0.03-0.25, e5-small 0.73-0.80; for on-topic ones MiniLM 0.42-0.82, e5-small 0.83-0.93).
    related_similarity: float

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages_and_sentences(
        self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Each passage's vector and one per sentence span, from the same model run where the
        model exposes its token vectors ("late chunking")."""
        ...

    def encode_words(self, words: Sequence[str]) -> np.ndarray: ...

    def encode_packed(self, texts: Sequence[str]) -> np.ndarray:
        """``encode_queries`` for a few short texts (a question and its words), in as few
        model runs as the model allows."""
        ...

    def encode(self, texts: Sequence[str], progress: bool = False) -> np.ndarray: ...

    def encode_one(self, text: str) -> np.ndarray: ...


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (float32), zero rows left as they are."""
    out = np.asarray(matrix, dtype=np.float32)
    return out / np.linalg.norm(out, axis=1, keepdims=True).clip(1e-12)


def late_chunk(
    tokens: np.ndarray, offsets: np.ndarray, spans: Sequence[tuple[int, int]]
) -> tuple[np.ndarray, list[int]]:
    """Sentence vectors as the mean of their tokens' vectors read in the passage's context.

    Args:
        tokens: one row per token of the passage's model run.
        offsets: (start, end) character offsets of each token; empty for special tokens.
        spans: the sentences' (start, end) character offsets.

    Returns:
        One row per span (unnormalised), and the indices of spans no token falls in (past
        the model's token limit): those the caller embeds alone.
    """
    starts, ends = offsets[:, 0], offsets[:, 1]
    real = ends > starts
    rows = np.zeros((len(spans), tokens.shape[1]), dtype=np.float32)
    alone: list[int] = []
    for r, (a, b) in enumerate(spans):
        inside = real & (starts >= a) & (ends <= b)
        if inside.any():
            rows[r] = tokens[inside].mean(axis=0)
        else:
            alone.append(r)
    return rows, alone
