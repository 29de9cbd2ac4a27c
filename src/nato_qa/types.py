"""Frozen value types that flow through the pipeline."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Article:
    """One cleaned source document."""

    doc_id: str
    title: str
    text: str
    sha256: str
    source_path: str = ""
    publisher: str | None = None
    author: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd, only when the text states one
    url: str | None = None
    byline: str | None = None  # the line of ``text`` that names the author, when one does

    @property
    def bio_start(self) -> int | None:
        """Where the author's bio after the body begins (a byline after the text's start),
        when the page has one."""
        start = self.text.find(self.byline) if self.byline else -1
        return start if start > 0 else None


@dataclass(frozen=True)
class Chunk:
    """A run of whole sentences of one article; ``article.text[start:end] == text``."""

    chunk_id: str
    doc_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Source:
    """Where a passage stands: one article and the span in its clean text."""

    doc_id: str
    title: str
    start: int
    end: int
    publisher: str | None = None
    date: str | None = None
    author: str | None = None


@dataclass(frozen=True)
class Hit:
    """A retrieved passage; ``sources`` lists every article that carries (nearly) the same text."""

    chunk_id: str
    text: str
    score: float
    dense_similarity: float
    sources: tuple[Source, ...]
    dense_rank: int | None = None
    keyword_rank: int | None = None

    @property
    def doc_id(self) -> str:
        return self.sources[0].doc_id

    @property
    def source(self) -> Source:
        return self.sources[0]


@dataclass(frozen=True)
class Citation:
    """An exact quote: ``article.text[start:end] == quote``."""

    n: int
    doc_id: str
    title: str
    start: int
    end: int
    quote: str
    score: float
    publisher: str | None = None
    date: str | None = None
    also_in: tuple[str, ...] = ()  # other articles that carry (nearly) the same passage
    author: str | None = None


@dataclass(frozen=True)
class Draft:
    """A backend's finished answer, before the service adds timings and the question."""

    text: str
    citations: tuple[Citation, ...]
    refused: bool
    notes: tuple[str, ...] = ()
    unsupported: tuple[int, ...] = ()
    related: tuple[Citation, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Answer:
    """What every consumer gets back. JSON-serialisable through ``to_dict``/``to_json``."""

    question: str
    text: str
    citations: tuple[Citation, ...]
    refused: bool
    standalone_question: str
    backend: str
    timings: dict[str, float] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    unsupported: tuple[int, ...] = ()  # indexes of answer sentences that failed verification
    related: tuple[Citation, ...] = ()  # closest passages, offered as reading on a refusal

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("citations", "notes", "unsupported", "related"):
            data[key] = list(data[key])
        return data

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)
