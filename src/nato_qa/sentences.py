"""Sentence scoring shared by retrieval (passage rerank) and the extractive backend.

Every sentence of a set of passages is scored against the question:

* semantic: cosine between the question's embedding and the sentence's vector, made at
  ingestion from the passage's own model run (``Embedder.encode_passages``) and saved with
  the keyword index, so only the question is embedded at query time;
* lexical: the share of the question's (IDF-weighted, stemmed) terms the sentence contains;
* answer type: "how many/much" wants a number, "when" a date, "who" a name, "where" a place.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from nato_qa.chunking import sentence_spans
from nato_qa.embedding import Embedder
from nato_qa.keyword import SENTENCE_DTYPE, KeywordIndex, terms
from nato_qa.types import Hit

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
    (re.compile(r"^\s*where\b|\bwhich (city|town|country|place)\b|\bin which (city|country)\b", re.I),
     _PROPER),
)  # fmt: skip


_ENTITY_RUN = re.compile(r"\b[A-Z][\w-]*(?:[’']s)?(?:\s+[A-Z][\w-]*(?:[’']s)?)+")
_NUMBER_TOKEN = re.compile(r"\b\d[\d,.]*\b")


_CONTEXT_NOTE = re.compile(r"\s*\(context:.*\)\s*$")
_QUALIFIERS = {"north", "south", "east", "west", "new", "united"}


def core_question(question: str) -> str:
    """The question without the context note that follow-up rewriting appends."""
    return _CONTEXT_NOTE.sub("", question)


def required_entities(question: str) -> list[list[str]]:
    """Names and numbers the question asks about; an answer sentence must mention each.

    A name is reduced to its head word ("Mark Rutte" -> rutte), keeping a qualifier that
    changes the place ("South Korea" -> south korea).
    """
    found: list[list[str]] = []
    question = core_question(question)
    body = re.sub(r"^\s*\w+", "", question)  # the first word is capitalised anyway
    for run in _ENTITY_RUN.findall(body):
        words = [re.sub(r"[’']s$", "", w).lower() for w in run.split()]
        parts = [part for w in words for part in w.split("-") if part]
        head = [parts[-1]]
        if len(parts) >= 2 and parts[-2] in _QUALIFIERS:
            head.insert(0, parts[-2])
        found.append(head)
    found.extend([n.rstrip(".,")] for n in _NUMBER_TOKEN.findall(question))
    return found


def mentions(entities: list[list[str]], text: str) -> bool:
    """Whether every entity's words all occur in ``text``."""
    words = set(re.findall(r"[\w]+(?:[.,]\d+)*", text.lower().replace("’", "'")))
    return all(all(w in words for w in entity) for entity in entities)


# Cues that a sentence carries the kind of answer asked for: a reason for "why", a person's
# name for "who" (two capitalised words that are not a place or an institution).
_REASON = re.compile(
    r"\b(because|due to|owing to|as a result|the reason|in order to|so that|aligns? with|"
    r"since|given that|thanks to)\b",
    re.I,
)
_NOT_PERSON = (
    r"(?!(?:North|South|East|West|New|United|Japan|Japanese|China|Chinese|Russia|Russian|"
    r"Korea|NATO|Asia|Europe|European|Pacific|Atlantic|Indo|Ministry|Foreign|Defense|Defence|"
    r"Prime|Minister|President|Secretary|General|Self|Force|Sea|Islands?|Group|Council)\b)"
)
_PERSON = re.compile(rf"(?<=[a-z,] ){_NOT_PERSON}[A-Z][a-z]+ {_NOT_PERSON}[A-Z][a-z]+\b")


def answer_cue(question: str) -> re.Pattern[str] | None:
    """A pattern whose presence makes a sentence a likelier answer to this question."""
    question = core_question(question)
    if re.match(r"^\s*why\b", question, re.I):
        return _REASON
    if re.match(r"^\s*(who|whom)\b", question, re.I):
        return _PERSON
    return None


def expected_type(question: str) -> re.Pattern[str] | None:
    """The pattern an answer sentence should match, from the question's wh-phrase."""
    question = core_question(question)
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
    type_ok: bool  # the question wants a number, date, name or place, and this has one
    score: float
    cue: bool = False  # carries the kind of answer asked for (a reason, a person's name)


class VectorCache:
    """Embeddings by text (least recently used dropped first): texts recur across questions."""

    def __init__(self, size: int = 20_000) -> None:
        self._data: OrderedDict[str, np.ndarray] = OrderedDict()
        self._passages: OrderedDict[str, np.ndarray] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get_many(
        self, texts: Sequence[str], encode: Callable[[list[str]], np.ndarray]
    ) -> np.ndarray:
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._data]
        if missing:
            vectors = encode(missing)
            with self._lock:
                for text, vec in zip(missing, vectors, strict=True):
                    self._data[text] = vec
                while len(self._data) > self._size:
                    self._data.popitem(last=False)
        with self._lock:
            return np.stack([self._data[t] for t in texts])

    def passage_sentences(
        self, text: str, spans: list[tuple[int, int]], embedder: Embedder
    ) -> np.ndarray:
        """The sentence vectors of a passage that has none saved (``Embedder.encode_passages``)."""
        with self._lock:
            rows = self._passages.get(text)
        if rows is None or len(rows) != len(spans):
            rows = embedder.encode_passages([text], [spans])[1][0]
            rows = rows.astype(SENTENCE_DTYPE).astype(np.float32)  # as if saved
            with self._lock:
                self._passages[text] = rows
                while len(self._passages) > self._size // 10:
                    self._passages.popitem(last=False)
        return rows


class SentenceScorer:
    """Scores the sentences of passages against a question."""

    semantic_weight = 0.6
    lexical_weight = 0.4
    cue_bonus = 0.1

    def __init__(self, embedder: Embedder, keyword: KeywordIndex, cache: VectorCache) -> None:
        self.embedder = embedder
        self.keyword = keyword
        self.cache = cache

    def vector(self, text: str) -> np.ndarray:
        """The embedding of one text, through the cache."""
        return self.cache.get_many([text], self.embedder.encode)[0]

    def sentence_vectors(self, hit: Hit, spans: list[tuple[int, int]]) -> np.ndarray:
        """One row per sentence span of the hit's passage: saved at ingestion, else computed."""
        rows = self.keyword.sentence_vectors(hit.chunk_id)
        if rows is not None and len(rows) == len(spans):
            return rows
        return self.cache.passage_sentences(hit.text, spans, self.embedder)

    def score(self, question: str, hits: Sequence[Hit]) -> list[ScoredSentence]:
        """Every sentence of the passages, scored against the question, best first."""
        keyword = self.keyword
        q_terms = set(terms(question))
        weights = {t: keyword.idf(t) for t in q_terms}
        total = sum(weights.values()) or 1.0
        wants = expected_type(question)
        cue = answer_cue(question)

        pieces: list[tuple[int, Hit, int, int, str]] = []
        vectors: list[np.ndarray] = []
        for rank, hit in enumerate(hits):
            base = hit.source.start
            spans = sentence_spans(hit.text)
            for s, e in spans:
                pieces.append((rank, hit, base + s, base + e, hit.text[s:e]))
            if spans:
                vectors.append(self.sentence_vectors(hit, spans))
        if not pieces:
            return []
        q_vec = self.vector(question)
        semantic = np.concatenate(vectors) @ q_vec

        scored = []
        for (rank, hit, start, end, text), sem in zip(pieces, semantic.tolist(), strict=True):
            lexical = sum(weights[t] for t in q_terms & set(terms(text))) / total
            type_ok = wants is None or bool(wants.search(text))
            cued = bool(cue and cue.search(text) and not cue.search(question))
            score = self.semantic_weight * sem + self.lexical_weight * lexical
            score += self.cue_bonus * cued
            scored.append(
                ScoredSentence(rank, hit, start, end, text, sem, lexical, type_ok, score, cued)
            )
        scored.sort(key=lambda s: (-s.score, s.hit_rank, s.start))
        return scored
