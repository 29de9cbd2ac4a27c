"""nato-qa: cited question answering over news articles on Japan's relations with NATO.

>>> import nato_qa
>>> result = nato_qa.answer("Who heads Japan's mission to NATO?")
>>> result.text, result.citations[0].quote
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from nato_qa.config import Settings, load_settings, make_offline
from nato_qa.errors import (
    BackendError,
    BackendUnavailableError,
    ConfigError,
    IndexCorruptError,
    IndexNotFoundError,
    IngestError,
    InvalidQuestionError,
    NatoQAError,
    StoreUnavailableError,
)
from nato_qa.service import QAService, get_service
from nato_qa.types import Answer, Article, Citation, Hit

make_offline()

__version__ = "0.1.0"
__all__ = [
    "Answer",
    "Article",
    "BackendError",
    "BackendUnavailableError",
    "Citation",
    "ConfigError",
    "Hit",
    "IndexCorruptError",
    "IndexNotFoundError",
    "IngestError",
    "InvalidQuestionError",
    "NatoQAError",
    "QAService",
    "Settings",
    "StoreUnavailableError",
    "answer",
    "get_service",
    "load_settings",
    "stream_answer",
]


def answer(question: str, history: Sequence[Any] | None = None, **overrides: Any) -> Answer:
    """Answer a question from the articles, with exact cited quotes.

    Args:
        question: the question.
        history: earlier turns, oldest first, as {"role": ..., "content": ...} dicts.
        **overrides: ``k`` (passages to retrieve) and ``model`` (answer backend) for this call.

    Returns:
        The Answer: text with [n] markers, citations, refused, standalone_question, timings.

    Raises:
        InvalidQuestionError: empty or over-long question.
        IndexNotFoundError: nothing ingested yet (run ``nato-qa ingest corpus/``).
    """
    return get_service().ask(question, history, **overrides)


def stream_answer(
    question: str, history: Sequence[Any] | None = None, **overrides: Any
) -> Iterator[str | Answer]:
    """Like ``answer`` but yields text pieces as they are produced, then the final Answer."""
    return get_service().stream(question, history, **overrides)
