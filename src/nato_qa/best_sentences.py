"""Every passage ranked by its best sentence, as the second reader reads it: a third ranking
for the fusion, beside the passages' own vectors and BM25.

A passage's vector stands for all of its sentences, so the one sentence that answers is
diluted by the others; the sentence rerank (``Retriever._sentence_rerank``) mends that only
for the passages already near the top. e5-small, trained on question–passage pairs, reads
each sentence alone (``second_reader``); its vectors are made at ingestion and saved, and the
question's own e5 run is the one the second reader makes anyway, so the ranking costs one
product of the question's vector with every sentence's. Round 29: development hit@1 +14
home and +14 on the second corpus (of about 930 and 560 answerable questions); the four
blind sets of the round level or higher (the second corpus's t38 0.65 → 0.76, r42 0.67 →
0.70); answers level (development −3 home, blind +1).
"""

from __future__ import annotations

import threading

import numpy as np

from nato_qa.keyword import KeywordIndex
from nato_qa.second_reader import SecondReader


class BestSentenceRanking:
    """Chunk ids ranked by their closest sentence to a question (``rank``).

    The sentences are those the scorer reads (``KeywordIndex.chunk_sentences``: subheadings
    left out); their vectors are gathered from the second reader on the first question (or
    at warm-up), once for this index.
    """

    def __init__(self, keyword: KeywordIndex, reader: SecondReader) -> None:
        self.keyword = keyword
        self.reader = reader
        self._lock = threading.Lock()
        self._index: tuple[np.ndarray, np.ndarray, list[str]] | None = None

    def warm_up(self) -> None:
        """Gather the sentences' vectors now, not at the first question."""
        self._sentences()

    def rank(self, question: str, n: int) -> list[str]:
        """The ``n`` chunk ids whose best sentence is closest to the question, best first."""
        owners, matrix, chunk_ids = self._sentences()
        if not chunk_ids:
            return []
        cosines = matrix @ self.reader.question_vector(question)
        best = np.full(len(chunk_ids), -np.inf, dtype=np.float32)
        np.maximum.at(best, owners, cosines)
        order = np.argsort(-best, kind="stable")[:n]
        return [chunk_ids[i] for i in order]

    def _sentences(self) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """Each sentence's chunk (an index into the chunk ids), its vectors, the chunk ids."""
        with self._lock:
            if self._index is None:
                owners: list[int] = []
                texts: list[str] = []
                chunk_ids: list[str] = []
                for chunk_id, sentences in self.keyword.chunk_sentences():
                    if not sentences:
                        continue
                    owners += [len(chunk_ids)] * len(sentences)
                    texts += sentences
                    chunk_ids.append(chunk_id)
                matrix = (
                    self.reader.sentence_vectors(texts)
                    if texts
                    else np.zeros((0, 0), dtype=np.float32)
                )
                self._index = (np.asarray(owners, dtype=np.int64), matrix, chunk_ids)
            return self._index
