"""A second reader: another embedder's view of each sentence, averaged into its score.

The reader (MiniLM) embeds a sentence in its passage's context (late chunking). A second
model trained on question-and-passage pairs (e5-small: "query: …" against "passage: …")
reads each sentence alone, as a passage that might answer the question. Where the question
shares few words with the answering sentence (a paraphrase), the two disagree most, and
their mean ranks the answer better than either (docs/evaluation.md, round 17).

The two models' cosines lie on different scales (e5-small's between about 0.75 and 0.9,
MiniLM's between about 0.35 and 0.7 for the same sentences), so the second cosine is first
mapped linearly onto the reader's scale (``CALIBRATION``: the 5th and 95th percentiles of
both on the candidate sentences of fifteen questions) and only then averaged; every
threshold on the score keeps its meaning.

The sentence vectors are made at ingestion and saved by a hash of the sentence's text, so an
unchanged sentence keeps its vector when its article is ingested again, and none is tied to
a chunk id. A sentence without one (a store built before, or by a server) is embedded when a
question first reaches it and kept in memory.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from nato_qa.embedders import made_passages
from nato_qa.embedders.base import Embedder
from nato_qa.files import written_whole
from nato_qa.ingest import ProgressFactory
from nato_qa.vector_cache import VectorCache

log = logging.getLogger(__name__)

# (second reader, reader) -> (offset, slope): the reader's scale is (cosine - offset) * slope.
CALIBRATION: dict[tuple[str, str], tuple[float, float]] = {
    ("e5-small", "minilm"): (0.648, 3.0),
}
VECTORS_FILE = "sentences.npz"


def sentence_key(text: str) -> str:
    """The key a sentence's vector is saved under."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]


class SecondReader:
    """Cosines of a second embedder between a question and sentences, on the reader's scale.

    Args:
        name: the second model's name.
        make: loads the second model (its ``encode_queries`` and ``encode_passages``), on
            first use.
        calibration: (offset, slope) onto the reader's scale, from ``CALIBRATION``.
        folder: where the sentence vectors are saved; None keeps them in memory only.
    """

    weight = 0.5  # its share of a sentence's semantic score

    def __init__(
        self,
        name: str,
        make: Callable[[str], Embedder],
        calibration: tuple[float, float],
        folder: Path | None,
    ) -> None:
        self.name = name
        self._make = make
        self.offset, self.slope = calibration
        self.folder = folder
        self._lock = threading.Lock()
        self._vectors: dict[str, np.ndarray] | None = None
        self.questions = VectorCache(2_000)  # question vectors (the search shares them)
        self._embedder: Embedder | None = None
        self._loading = threading.Lock()

    @property
    def embedder(self) -> Embedder:
        with self._loading:
            if self._embedder is None:
                self._embedder = self._make(self.name)
            return self._embedder

    def warm_up(self) -> None:
        """Load the model and the saved sentence vectors now, not at the first question."""
        self.embedder.encode_queries(["warm up"])
        with self._lock:
            self._loaded()

    # -- what the scorer asks ------------------------------------------------------------------

    def similarities(self, question: str, texts: Sequence[str]) -> np.ndarray:
        """Each text's cosine to the question, mapped onto the reader's scale."""
        if not texts:
            return np.zeros(0, dtype=np.float32)
        rows = self.sentence_vectors(texts)
        return ((rows @ self.question_vector(question)) - self.offset) * self.slope

    def question_vector(self, question: str) -> np.ndarray:
        """The question's vector in the second model's space (one run per new question)."""
        return self.questions.get_many([question], self.embedder.encode_queries)[0]

    def sentence_vectors(self, texts: Sequence[str]) -> np.ndarray:
        """One row per sentence: saved at ingestion, else made now (and kept)."""
        keys = [sentence_key(t) for t in texts]
        with self._lock:
            vectors = self._loaded()
            missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in vectors}
        if missing:
            fresh = self._encode(list(missing.values()), None)
            with self._lock:
                vectors.update(zip(missing, fresh, strict=True))
        return np.stack([vectors[k] for k in keys])

    # -- what ingestion does -------------------------------------------------------------------

    def update(self, texts: Iterable[str], progress: ProgressFactory | None = None) -> int:
        """Make the vectors of the sentences not seen yet, forget those of sentences gone,
        and save. Returns how many were made."""
        wanted = {sentence_key(t): t for t in texts}
        with self._lock:
            vectors = self._loaded()
            missing = {k: t for k, t in wanted.items() if k not in vectors}
            gone = [k for k in vectors if k not in wanted]
        if missing:
            log.info("second reader %s: embedding %d sentences", self.name, len(missing))
            fresh = self._encode(list(missing.values()), progress)
        with self._lock:
            if missing:
                vectors.update(zip(missing, fresh, strict=True))
            for key in gone:
                vectors.pop(key, None)
            if missing or gone:
                self._save(vectors)
        return len(missing)

    def _encode(self, texts: list[str], progress: ProgressFactory | None) -> np.ndarray:
        """The texts' vectors: those this process made already, and the rest from the model."""
        return made_passages(self.name).get_many(texts, lambda todo: self._embed(todo, progress))

    def _embed(self, texts: Sequence[str], progress: ProgressFactory | None) -> np.ndarray:
        bar = progress(len(texts)) if progress else None
        step = max(self.embedder.batch_size * 4, 1)
        parts = []
        try:
            for lo in range(0, len(texts), step):
                batch = texts[lo : lo + step]
                parts.append(self.embedder.encode_passages(batch).astype(np.float32))
                if bar is not None:
                    bar.update(len(batch))
        finally:
            if bar is not None:
                bar.close()
        return np.concatenate(parts)

    # -- the saved file ------------------------------------------------------------------------

    def _loaded(self) -> dict[str, np.ndarray]:
        """The vectors by key, read from the folder on first use (caller holds the lock)."""
        if self._vectors is None:
            self._vectors = {}
            path = self.folder / VECTORS_FILE if self.folder else None
            if path is not None and path.exists():
                try:
                    with np.load(path, allow_pickle=False) as saved:
                        keys, rows = saved["keys"], saved["vectors"]
                        if saved["model"].item() != self.name or len(keys) != len(rows):
                            raise ValueError("made by another model, or keys and rows differ")
                        self._vectors = {
                            str(k): r.astype(np.float32) for k, r in zip(keys, rows, strict=True)
                        }
                except (OSError, ValueError, KeyError) as exc:  # derived data: made again
                    log.warning("second reader's vectors in %s unreadable (%s)", path, exc)
        return self._vectors

    def _save(self, vectors: dict[str, np.ndarray]) -> None:
        if self.folder is None:
            return
        keys = np.array(list(vectors), dtype="U20")
        rows = (
            np.stack(list(vectors.values())).astype(np.float16)
            if vectors
            else np.zeros((0, 0), np.float16)
        )
        with written_whole(self.folder / VECTORS_FILE) as out:
            np.savez(out, keys=keys, vectors=rows, model=np.array(self.name))


def create_second_reader(
    name: str | None, reader: Embedder, folder: Path | None, make: Callable[[str], Embedder]
) -> SecondReader | None:
    """The second reader called ``name`` for ``reader``, or None when it is off (``name`` unset
    or "none"), the reader itself, or not calibrated against the reader (then a warning)."""
    if not name or name.strip().lower() == "none":
        return None
    name = name.strip().lower()
    if name == reader.name:
        return None
    calibration = CALIBRATION.get((name, reader.name))
    if calibration is None:
        log.warning(
            "second reader %s is not calibrated against the reader %s; it is off",
            name,
            reader.name,
        )
        return None
    return SecondReader(name, make, calibration, folder)
