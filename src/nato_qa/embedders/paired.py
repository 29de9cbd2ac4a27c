"""Passages searched in one model's space, sentences and words read in another's.

``NATO_QA_SEARCH_EMBEDDER=e5-small`` with ``NATO_QA_EMBEDDER=minilm``: e5-small ranks passages
better (docs/evaluation.md), but every score the answer stage compares with a threshold
(sentence evidence, word neighbours, off-corpus words) was calibrated on MiniLM's cosines,
and e5's are higher for unrelated texts too. So the store's passage vectors, and the question's
vector that searches them, come from ``search``; sentence, word and question vectors for the
answer stage from ``reader``, whose thresholds stay valid.

The pair's name ("e5-small+minilm") is what the store records: a store built by either model
alone is refused, as any other embedder's is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from nato_qa.embedders import made_passages
from nato_qa.embedders.base import Embedder


class PairedEmbedder:
    """``search`` for the store's vectors, ``reader`` for everything the answer stage reads."""

    def __init__(self, search: Embedder, reader: Embedder) -> None:
        self.search = search
        self.reader = reader
        self.name = f"{search.name}+{reader.name}"
        self.dimension = search.dimension  # of the vectors in the store
        self.batch_size = reader.batch_size
        self.related_similarity = search.related_similarity  # of store vectors

    # -- the store's space --------------------------------------------------------------------

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        """The search model's passage vectors, each text's made once per process."""
        if not texts:
            return self.search.encode_passages(texts)
        return made_passages(self.search.name).get_many(list(texts), self.search.encode_passages)

    def encode_passages_and_sentences(
        self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """The search model's passage vectors; the reader's sentence vectors."""
        return self.encode_passages(texts), self.reader.encode_passages_and_sentences(texts, spans)[
            1
        ]

    # -- the reader's space -------------------------------------------------------------------

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.reader.encode_queries(texts)

    def encode_words(self, words: Sequence[str]) -> np.ndarray:
        return self.reader.encode_words(words)

    def encode_packed(self, texts: Sequence[str], **kwargs: Any) -> np.ndarray:
        return self.reader.encode_packed(texts, **kwargs)

    def encode(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        return self.reader.encode(texts, progress)

    def encode_one(self, text: str) -> np.ndarray:
        return self.reader.encode_one(text)
