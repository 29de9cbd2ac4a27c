"""The answer-backend contract and the registry that turns a model setting into a backend."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Protocol

from nato_qa.answering.compose import REFUSAL_MESSAGE
from nato_qa.errors import BackendUnavailableError
from nato_qa.types import Article, Draft, Hit

__all__ = [
    "REFUSAL_MESSAGE",
    "AnswerBackend",
    "BackendContext",
    "Draft",
    "Evidence",
    "create_backend",
    "known_backends",
    "register",
]

if TYPE_CHECKING:
    from nato_qa.config import Settings
    from nato_qa.sentences.scorer import SentenceScorer


@dataclass(frozen=True)
class Evidence:
    """What a backend answers from: the standalone question and the retrieved passages."""

    question: str
    hits: Sequence[Hit]
    articles: Mapping[str, Article]


@dataclass(frozen=True)
class BackendContext:
    """What a backend is handed: the settings, the sentence scorer and the fallback.

    Never the service itself, so that ``backends/`` does not depend on ``service.py``. The
    scorer (with the keyword index and the embedder behind it) is rebuilt whenever the store
    changes, hence a function that returns the current one.

    Attributes:
        settings: the configuration.
        scorer: the current sentence scorer (``scorer().keyword``, ``scorer().embedder``).
        fallback: the extractive backend, which LLM backends fall back to.
        related_similarity: the least ``Hit.dense_similarity`` (a cosine in the store's
            space, so the store's embedder's figure) for a passage to be offered as reading.
    """

    settings: Settings
    scorer: Callable[[], SentenceScorer]
    fallback: Callable[[], AnswerBackend]
    related_similarity: float


class AnswerBackend(Protocol):
    """Turns evidence into an answer; yields text pieces as produced, then one Draft."""

    name: ClassVar[str]
    supports_streaming: ClassVar[bool]
    key_env_var: ClassVar[str | None]

    def stream(self, evidence: Evidence) -> Iterator[str | Draft]: ...


BackendFactory = Callable[[str, BackendContext], AnswerBackend]
_REGISTRY: dict[str, BackendFactory] = {}


def register(prefix: str) -> Callable[[BackendFactory], BackendFactory]:
    """Register a factory for model settings ``prefix`` or ``prefix:ARGUMENT``."""

    def wrap(factory: BackendFactory) -> BackendFactory:
        _REGISTRY[prefix] = factory
        return factory

    return wrap


def known_backends() -> list[str]:
    _load_builtin()
    return sorted(_REGISTRY)


def create_backend(spec: str, context: BackendContext) -> AnswerBackend:
    """The backend for a model setting such as ``extractive`` or ``openai:gpt-4o-mini``.

    Raises:
        BackendUnavailableError: the name is unknown (the message lists the known ones) or
            the backend's optional package is missing (the message gives the pip command).
    """
    prefix, _, argument = spec.strip().partition(":")
    _load_builtin(llm=False)  # the default needs no LLM code (and no langchain import)
    factory = _REGISTRY.get(prefix.lower())
    if factory is None:
        _load_builtin()
        factory = _REGISTRY.get(prefix.lower())
    if factory is None:
        raise BackendUnavailableError(
            f"unknown model backend {spec!r}; known: "
            + ", ".join(f"{name}:…" if name != "extractive" else name for name in known_backends())
        )
    return factory(argument, context)


def _load_builtin(llm: bool = True) -> None:
    # Importing the modules runs their @register decorators; SDKs load lazily inside factories.
    import importlib

    importlib.import_module("nato_qa.backends.extractive")
    if llm:
        with contextlib.suppress(ImportError):  # LLM backends are optional
            importlib.import_module("nato_qa.backends.llm")
