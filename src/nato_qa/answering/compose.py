"""Answer composition: chosen sentences into the answer's text and its citations.

Every answer the extractive backend gives is made here, beside question analysis
(``analysis``) and the summary's sentence choice (``summary``):

* ``compose``: a factoid, reason or manner answer, verbatim sentences each with its [n];
  attributed to their article (publisher and date) when the cited articles' dates differ;
* ``compose_summary``: a broad question's bullets, one per article, led by publisher and date;
* ``quotes_closed``: a quotation a chosen sentence opens, followed to its end, so that a
  quote is never cut after its first sentence; ``announced_told``: a sentence that announces
  a list ("… met a series of conditions.") followed by the one that gives it;
  ``words_after_stance``: asked what someone said, a sentence that tells only their stance
  ("… welcomed the ruling.") followed by the one that gives their words;
* ``refusal``: the honest "the articles don't say", with related reading beside it.

Attributions stay short (publisher, else the headline's first words, and the date): the
source card carries the whole headline.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from nato_qa.sentences.names import CAPITALISED, CorpusNames
from nato_qa.sentences.scorer import ScoredSentence
from nato_qa.sentences.speech import (
    QUOTATION,
    breaks_off_quote,
    named_just_before,
    opens_quote,
)
from nato_qa.types import Citation, Draft, Hit
from nato_qa.words import without_possessive

REFUSAL_MESSAGE = (
    "The articles don't say. I could not find a passage in the corpus that answers this question."
)


# An attribution as ``attribution`` writes it before a sentence: "bno IntelliNews (2025-01-17): ".
ATTRIBUTION = re.compile(
    r"(?:^|(?<=\] )|(?<=\n)|(?<=- ))[^()\n\[\]]{1,80}? \((?:\d{4}-\d{2}-\d{2}|undated)\):\s*"
)


def attribution(cite: Citation) -> str:
    """Who says it, short: the publisher, else the author (without a role after a comma: "Jo
    Bloggs, Chief Reporter"), else the headline's first words (the source card carries the
    whole headline)."""
    words = (cite.title or cite.doc_id).split()
    author = cite.author.split(",")[0].strip() if cite.author else ""
    who = cite.publisher or author or " ".join(words[:4]) + ("…" if len(words) > 4 else "")
    return f"{who} ({cite.date or 'undated'})"


def compose(chosen: Sequence[ScoredSentence]) -> Draft:
    """Answer text of verbatim sentences with [n] markers, and their citations.

    When the cited articles carry different dates, each sentence is attributed to its source
    so that the reader sees which article (of which date) says what.
    """
    citations = [citation(i, sentence) for i, sentence in enumerate(chosen, start=1)]
    dates = {c.date for c in citations}
    attribute = len({c.doc_id for c in citations}) > 1 and len(dates) > 1
    parts = [f"{attribution(c) + ': ' if attribute else ''}{c.quote} [{c.n}]" for c in citations]
    return Draft(text=" ".join(parts), citations=tuple(citations), refused=False)


def compose_summary(groups: Sequence[Sequence[ScoredSentence]]) -> Draft:
    """A bulleted answer: one bullet per article, led by its publisher and date, holding its
    verbatim sentences with [n] markers."""
    citations: list[Citation] = []
    lines = []
    for group in groups:
        parts = []
        for sentence in group:
            cite = citation(len(citations) + 1, sentence)
            citations.append(cite)
            parts.append(f"{cite.quote} [{cite.n}]")
        lines.append(f"- {attribution(citations[-1])}: " + " ".join(parts))
    return Draft(text="\n".join(lines), citations=tuple(citations), refused=False)


def citation(n: int, sentence: ScoredSentence) -> Citation:
    source = sentence.hit.source
    return Citation(
        n=n, doc_id=source.doc_id, title=source.title, start=sentence.start, end=sentence.end,
        quote=sentence.text, score=round(sentence.score, 4), publisher=source.publisher,
        date=source.date, also_in=tuple(s.doc_id for s in sentence.hit.sources[1:]),
        author=source.author,
    )  # fmt: skip


def related_reading(hits: Sequence[Hit], n: int = 3) -> tuple[Citation, ...]:
    """The closest passages, offered as reading beside a refusal (not as citations)."""
    return tuple(
        Citation(
            n=i + 1, doc_id=h.source.doc_id, title=h.source.title, start=h.source.start,
            end=h.source.end, quote=h.text, score=round(h.dense_similarity, 4),
            publisher=h.source.publisher, date=h.source.date, author=h.source.author,
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


def following(sentence: ScoredSentence, pool: Sequence[ScoredSentence]) -> ScoredSentence | None:
    """The sentence right after ``sentence`` in its article, the first copy of it in ``pool``
    (sentences are split at white space, so the next one starts 1–2 characters on), or None
    when ``pool`` does not hold it."""
    doc = sentence.hit.source.doc_id
    return next(
        (s for s in pool if s.hit.source.doc_id == doc and 0 < s.start - sentence.end <= 2),
        None,
    )


def preceding(sentence: ScoredSentence, pool: Sequence[ScoredSentence]) -> ScoredSentence | None:
    """The sentence right before ``sentence`` in its article, from ``pool`` (in the same
    passage when it holds it), or None."""
    doc = sentence.hit.source.doc_id
    found = [s for s in pool if s.hit.source.doc_id == doc and 0 < sentence.start - s.end <= 2]
    return min(found, key=lambda s: s.hit_rank != sentence.hit_rank, default=None)


def named_before(
    chosen: list[ScoredSentence], every: Sequence[ScoredSentence], given: set[str]
) -> list[ScoredSentence]:
    """The chosen sentences, each that names its person only as "he" or "she" preceded by the
    sentence before it in its article, which names them: asked who, "He succeeds Ann Lee as
    envoy" does not say. Not when the question names that person (``given``: its words, lower
    case): "whom did Mira Holm succeed?" asks of the one he succeeds."""
    out: list[ScoredSentence] = []
    for sentence in chosen:
        if named_just_before(sentence.text, sentence.speaker, given):
            before = preceding(sentence, every)
            if before is not None and not _among(before, (*out, *chosen)):
                out.append(replace(before, hit_rank=sentence.hit_rank))  # read before it
        out.append(sentence)
    return out


def named_in_full(
    chosen: list[ScoredSentence],
    every: Sequence[ScoredSentence],
    names: CorpusNames,
    given: set[str],
) -> list[ScoredSentence]:
    """The chosen sentences, each that names a person by surname alone ("Minister Brandt
    said …") preceded by the best sentence of its article in ``every`` that gives the name in
    full ("Defence Minister Ivo Brandt …"): asked who, a surname alone is half an answer.
    ``given``: the question's words (lower case), whose names are not asked for."""
    out: list[ScoredSentence] = []
    for sentence in chosen:
        for word in CAPITALISED.findall(sentence.text):
            surname = without_possessive(word)
            if surname.lower() not in names.surnames or surname.lower() in given:
                continue
            if names.in_full(sentence.text, surname):
                continue
            doc = sentence.hit.source.doc_id
            found = [
                s
                for s in every
                if s.hit.source.doc_id == doc
                and names.in_full(s.text, surname)
                and not _among(s, (*out, *chosen))
            ]
            if found:
                best = max(found, key=lambda s: s.score)
                out.append(replace(best, hit_rank=sentence.hit_rank))  # read with it
            break
        out.append(sentence)
    return out


def _among(sentence: ScoredSentence, pool: Sequence[ScoredSentence]) -> bool:
    """Whether ``pool`` already holds the sentence (the same article, the same start)."""
    doc = sentence.hit.source.doc_id
    return any(o.start == sentence.start and o.hit.source.doc_id == doc for o in pool)


# A sentence that announces what the next one tells: "… only after the company met a series
# of conditions.", "… for three reasons:".
# (Not "three hours." nor "the two organizations.": a count at the end seldom announces.)
_ANNOUNCES = re.compile(
    r"(?:\b(?:an?\s+(?:series|list|set|range)\s+of|the\s+following)\s+[\w-]+|:)\W*$", re.I
)


def announced_told(
    chosen: list[ScoredSentence],
    every: Sequence[ScoredSentence],
    next_sentence: Callable[[ScoredSentence], ScoredSentence | None],
) -> list[ScoredSentence]:
    """The chosen sentences, each that announces what follows ("… met a series of
    conditions.") followed by the next sentence of its article, which tells it: from
    ``every`` (the retrieved passages' sentences), else ``next_sentence`` (the next chunk's)."""
    return _with_next(chosen, every, next_sentence, lambda text: bool(_ANNOUNCES.search(text)))


# A quotation whose speaker it names only as "he" or "she": “… a convenient drain,” she said.
_QUOTED_BY_PRONOUN = re.compile(
    r"^\s*[“\"][^”\"]*[,?!][”\"]\s*(?:he|she)\s+(?:said|says|added|told)\b", re.I
)


def words_after_stance(
    chosen: list[ScoredSentence],
    every: Sequence[ScoredSentence],
    next_sentence: Callable[[ScoredSentence], ScoredSentence | None],
) -> list[ScoredSentence]:
    """The chosen sentences, each that tells what someone thought without their words ("Ann
    Lee welcomed the ruling.") followed by the next sentence of its article when that gives
    their words ("“It sends a message,” she said."): asked what they said, their words say
    it. From ``every``, else ``next_sentence`` (the next chunk's)."""
    return _with_next(
        chosen,
        every,
        next_sentence,
        lambda text: not QUOTATION.search(text),
        lambda text: bool(_QUOTED_BY_PRONOUN.search(text)),
    )


def _with_next(
    chosen: list[ScoredSentence],
    every: Sequence[ScoredSentence],
    next_sentence: Callable[[ScoredSentence], ScoredSentence | None],
    leads: Callable[[str], bool],
    gives: Callable[[str], bool] = lambda text: True,
) -> list[ScoredSentence]:
    """The chosen sentences, each that ``leads`` holds of followed by the next sentence of its
    article, when ``gives`` holds of that one and it is not chosen already: from ``every``,
    else ``next_sentence``."""
    out: list[ScoredSentence] = []
    for sentence in chosen:
        out.append(sentence)
        if not leads(sentence.text):
            continue
        nxt = following(sentence, every) or next_sentence(sentence)
        if nxt is not None and gives(nxt.text) and not _among(nxt, (*out, *chosen)):
            out.append(nxt)
    return out


def _quote_goes_on(sentence: ScoredSentence, every: Sequence[ScoredSentence]) -> bool:
    """Whether the sentence breaks off a quotation to say who spoke, and the next sentence of
    its article (in ``every``) takes the quotation up again."""
    if not breaks_off_quote(sentence.text):
        return False
    nxt = following(sentence, every)
    return nxt is not None and nxt.text.lstrip()[:1] in ('"', "“")


def quotes_closed(
    chosen: list[ScoredSentence], every: Sequence[ScoredSentence], most: int = 2
) -> list[ScoredSentence]:
    """The chosen sentences, each quotation they open, or break off to name its speaker and
    take up again in the next sentence, followed to its end (at most ``most`` sentences
    more): a quote is given whole, not cut after its first sentence."""
    out: list[ScoredSentence] = []
    for sentence in chosen:
        out.append(sentence)
        last, added = sentence, 0
        inside = opens_quote(sentence.text) or _quote_goes_on(sentence, every)
        while inside and added < most:
            nxt = following(last, every)
            if nxt is None or _among(nxt, (*out, *chosen)):
                break
            out.append(nxt)
            last, added = nxt, added + 1
            inside = '"' not in nxt.text and "”" not in nxt.text
    return out
