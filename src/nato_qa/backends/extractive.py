"""The extractive backend (default, no LLM): verbatim sentences of the best passages, cited.

Every sentence of the retrieved passages is scored against the question:

* semantic: cosine between the question's and the sentence's embeddings;
* lexical: the share of the question's (IDF-weighted, stemmed) terms the sentence contains;
* answer type: "how many/much" wants a number, "when" a date, "who" a name, "where" a place.

The best sentence answers, when its score clears ``refusal_threshold``; a second one joins
when it scores nearly as well. Otherwise the answer is an honest refusal.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from nato_qa.backends.base import REFUSAL_MESSAGE, Draft, Evidence, register
from nato_qa.chunking import sentence_spans
from nato_qa.keyword import terms
from nato_qa.types import Citation, Hit

if TYPE_CHECKING:
    from nato_qa.service import QAService

_NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"hundred|thousand|million|billion|trillion|dozen|several|many|few|first|second|third|"
    r"fourth|fifth|single|sole)\b",
    re.I,
)
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_TIME = re.compile(
    rf"\d|\b({_MONTHS}|monday|tuesday|wednesday|thursday|friday|saturday|sunday|year|years|"
    r"century|decade|since|until|ago|war|recent|today|tomorrow|yesterday|later|before|after)\b",
    re.I,
)
_PROPER = re.compile(r"(?<=[\w,;:’'] )[A-Z][\w’'-]+")

_TYPE_PATTERNS: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    (re.compile(r"^\s*how (many|much|large|big|long|old)\b|\bwhat (percentage|amount|sum)\b"
                r"|\b(budget|cost|price|salary|population)\b", re.I),
     _NUMBER),
    (re.compile(r"^\s*when\b|\bwhat (year|date|day|month)\b|\bin which year\b", re.I), _TIME),
    (re.compile(r"^\s*(who|whom|whose)\b", re.I), _PROPER),
    (re.compile(r"^\s*where\b|\bwhich (city|country|place)\b|\bin which (city|country)\b", re.I),
     _PROPER),
)  # fmt: skip


_ENTITY_RUN = re.compile(r"\b[A-Z][\w-]*(?:[’']s)?(?:\s+[A-Z][\w-]*(?:[’']s)?)+")
_NUMBER_TOKEN = re.compile(r"\b\d[\d,.]*\b")


def required_entities(question: str) -> list[list[str]]:
    """Names of several words and numbers in the question; evidence must mention each."""
    found: list[list[str]] = []
    body = re.sub(r"^\s*\w+", "", question)  # the first word is capitalised anyway
    for run in _ENTITY_RUN.findall(body):
        words = [re.sub(r"[’']s$", "", w).lower() for w in run.split()]
        found.append([part for w in words for part in w.split("-") if part])
    found.extend([n.rstrip(".,")] for n in _NUMBER_TOKEN.findall(question))
    return found


def mentions(entities: list[list[str]], text: str) -> bool:
    """Whether every entity's words all occur in ``text``."""
    words = set(re.findall(r"[\w]+(?:[.,]\d+)*", text.lower().replace("’", "'")))
    return all(all(w in words for w in entity) for entity in entities)


def expected_type(question: str) -> re.Pattern[str] | None:
    """The pattern an answer sentence should match, from the question's wh-phrase."""
    for asks, wants in _TYPE_PATTERNS:
        if asks.search(question):
            return wants
    return None


@dataclass(frozen=True)
class ScoredSentence:
    hit_rank: int
    hit: Hit
    start: int  # offsets into the article's clean text
    end: int
    text: str
    semantic: float
    lexical: float
    type_ok: bool
    score: float


class _VectorCache:
    """Sentence vectors by text: passages recur across questions, embeddings are the cost."""

    def __init__(self, size: int = 20_000) -> None:
        self._data: OrderedDict[str, np.ndarray] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get_many(self, texts: Sequence[str], encode: object) -> np.ndarray:
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._data]
        if missing:
            vectors = encode(missing)  # type: ignore[operator]
            with self._lock:
                for text, vec in zip(missing, vectors, strict=True):
                    self._data[text] = vec
                while len(self._data) > self._size:
                    self._data.popitem(last=False)
        with self._lock:
            return np.stack([self._data[t] for t in texts])


class ExtractiveBackend:
    """Answers with verbatim, cited sentences; no language model."""

    name: ClassVar[str] = "extractive"
    supports_streaming: ClassVar[bool] = True
    key_env_var: ClassVar[str | None] = None

    semantic_weight = 0.6
    lexical_weight = 0.4
    second_sentence_ratio = 0.8

    def __init__(self, service: QAService) -> None:
        self.service = service
        self._cache = _VectorCache()

    def score_sentences(self, question: str, hits: Sequence[Hit]) -> list[ScoredSentence]:
        """Every sentence of the passages, scored against the question, best first."""
        embedder = self.service.embedder
        keyword = self.service.keyword
        q_terms = set(terms(question))
        weights = {t: keyword.idf(t) for t in q_terms}
        total = sum(weights.values()) or 1.0
        wants = expected_type(question)

        pieces: list[tuple[int, Hit, int, int, str]] = []
        for rank, hit in enumerate(hits):
            base = hit.source.start
            for s, e in sentence_spans(hit.text):
                pieces.append((rank, hit, base + s, base + e, hit.text[s:e]))
        if not pieces:
            return []
        q_vec = embedder.encode_one(question)
        s_vecs = self._cache.get_many([p[4] for p in pieces], embedder.encode)
        semantic = s_vecs @ q_vec

        scored = []
        for (rank, hit, start, end, text), sem in zip(pieces, semantic.tolist(), strict=True):
            lexical = sum(weights[t] for t in q_terms & set(terms(text))) / total
            type_ok = wants is None or bool(wants.search(text))
            score = self.semantic_weight * sem + self.lexical_weight * lexical
            scored.append(ScoredSentence(rank, hit, start, end, text, sem, lexical, type_ok, score))
        scored.sort(key=lambda s: (-s.score, s.hit_rank, s.start))
        return scored

    def draft(self, evidence: Evidence) -> Draft:
        threshold = self.service.settings.refusal_threshold
        scored = self.score_sentences(evidence.question, evidence.hits)
        entities = required_entities(evidence.question)
        scored = [s for s in scored if s.type_ok and mentions(entities, s.hit.text)]
        if not scored or scored[0].score < threshold:
            return refusal(evidence.hits)
        best = scored[0]
        chosen = [best]
        for cand in scored[1:]:
            if len(chosen) >= self.service.settings.max_answer_sentences:
                break
            if cand.score < max(threshold, best.score * self.second_sentence_ratio):
                break
            if cand.text != best.text:
                chosen.append(cand)
        # Read in the order the sources tell it: by article, then by position.
        chosen.sort(key=lambda s: (s.hit_rank, s.start))
        return compose(chosen)

    def stream(self, evidence: Evidence) -> Iterator[str | Draft]:
        draft = self.draft(evidence)
        parts = re.split(r"(?<=\]) ", draft.text)
        for i, piece in enumerate(parts):
            yield piece + (" " if i < len(parts) - 1 else "")
        yield draft


def _attribution(cite: Citation) -> str:
    who = cite.publisher or cite.title
    return f"{who} ({cite.date or 'undated'})"


def compose(chosen: Sequence[ScoredSentence]) -> Draft:
    """Answer text of verbatim sentences with [n] markers, and their citations.

    When the cited articles carry different dates, each sentence is attributed to its source
    so that the reader sees which article (of which date) says what.
    """
    citations: list[Citation] = []
    for sentence in chosen:
        source = sentence.hit.source
        citations.append(
            Citation(
                n=len(citations) + 1,
                doc_id=source.doc_id,
                title=source.title,
                start=sentence.start,
                end=sentence.end,
                quote=sentence.text,
                score=round(sentence.score, 4),
                publisher=source.publisher,
                date=source.date,
                also_in=tuple(s.doc_id for s in sentence.hit.sources[1:]),
            )
        )
    dates = {c.date for c in citations}
    attribute = len({c.doc_id for c in citations}) > 1 and len(dates) > 1
    parts = [f"{_attribution(c) + ': ' if attribute else ''}{c.quote} [{c.n}]" for c in citations]
    return Draft(text=" ".join(parts), citations=tuple(citations), refused=False)


def related_reading(hits: Sequence[Hit], n: int = 3) -> tuple[Citation, ...]:
    """The closest passages, offered as reading beside a refusal (not as citations)."""
    return tuple(
        Citation(
            n=i + 1, doc_id=h.source.doc_id, title=h.source.title, start=h.source.start,
            end=h.source.end, quote=h.text, score=round(h.dense_similarity, 4),
            publisher=h.source.publisher, date=h.source.date,
        )
        for i, h in enumerate(hits[:n])
    )  # fmt: skip


def refusal(hits: Sequence[Hit], note: str | None = None) -> Draft:
    return Draft(
        text=REFUSAL_MESSAGE,
        citations=(),
        refused=True,
        notes=(note,) if note else (),
        related=related_reading(hits),
    )


@register("extractive")
def _factory(argument: str, service: QAService) -> ExtractiveBackend:
    return ExtractiveBackend(service)
