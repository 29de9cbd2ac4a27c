"""The short cited summary that answers a broad question.

"What do the articles say about …", "how has … developed": several passages speak to it, so
the answer is 3-7 verbatim sentences chosen for relevance and diversity (maximal marginal
relevance over their vectors), drawn from every article that speaks to it, then grouped by
article, each group a bullet led by its publisher and date, in the order the article tells
it. Where the articles' dates differ, the grouping shows who said what when.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from nato_qa.sentences.patterns import LIST, MID_CAPITAL
from nato_qa.sentences.scorer import ScoredSentence
from nato_qa.words import without_possessive

# 5 until round 20; 7 measured: key points of blind r24 0.48 -> 0.55, r21 0.32 -> 0.41, r22
# 0.37 -> 0.42, the second corpus's r21 0.36 -> 0.47 and r19 0.44 -> 0.48, the rest level;
# accuracy three blind sets +1 each, none lower; a broad answer's median 153 -> 207 words
# (docs/evaluation.md, round 20).
MAX_SENTENCES = 7
MIN_SENTENCES = 3
DIVERSITY = 0.3  # weight of the redundancy penalty (1 - lambda of MMR)
NEW_ARTICLE_BONUS = 0.05  # a sentence from an article not yet quoted
# Of the best sentence's score. 0.75 until round 19; 0.6 measured: key points of blind r22
# 0.26 -> 0.31, r21 0.26 -> 0.29, the second corpus's r19 0.48 -> 0.44, r18 the same, the
# fresh r23 0.48 -> 0.45, r20 the same: level overall (docs/evaluation.md, round 19).
RELEVANCE_FLOOR = 0.6
# Of the refusal threshold, for the sentences after the best (which clears it whole): a broad
# question's words spread over several things, so each sentence that tells one scores lower.
# 1.0 until round 28; 0.8 measured: key points of the development sets 0.540 -> 0.552 (the
# second corpus's sentences, which score lower, gain most: its fresh t36 0.41 -> 0.53), the
# home corpus level (docs/evaluation.md, round 28).
FLOOR_SHARE = 0.8
# A sentence that carries a fact (a number, or a name the question does not give and the
# corpus does not write everywhere) over one that only restates the topic: blind r1's broad
# questions were answered with "Japan's response … has been thorough" before "$30 million".
FACT_BONUS = 0.1
_DIGIT = re.compile(r"\d")


def informative(text: str, question: str, common: frozenset[str] = frozenset()) -> bool:
    """Whether ``text`` holds a number, a list of three or more things, or a name (a word
    capitalised mid-sentence) that the question does not give and that is not one of the
    corpus's ``common`` names."""
    if _DIGIT.search(text) or LIST.search(text):
        return True
    asked = question.lower()
    return any(
        (word := without_possessive(w).lower()) not in common and word not in asked
        for w in MID_CAPITAL.findall(text)
    )


def choose(
    scored: Sequence[ScoredSentence],
    vectors: np.ndarray,
    floor: float,
    question: str = "",
    common: frozenset[str] = frozenset(),
) -> list[ScoredSentence]:
    """Up to ``MAX_SENTENCES`` relevant, mutually different sentences (MMR).

    Args:
        scored: candidate sentences, best first.
        vectors: their unit vectors, one row each, in the same order.
        floor: the refusal threshold; the best sentence clears it, the others
            ``FLOOR_SHARE`` of it.
        question: the question (names it gives are no news).
        common: the corpus's common names (``KeywordIndex.common_names``).
    """
    if not scored:
        return []
    cut = max(floor * FLOOR_SHARE, scored[0].score * RELEVANCE_FLOOR)
    pool = [i for i, s in enumerate(scored) if s.score >= cut]
    chosen: list[int] = []
    articles: set[str] = set()
    texts: set[str] = set()
    while pool and len(chosen) < MAX_SENTENCES:

        def value(i: int) -> float:
            redundancy = max((float(vectors[i] @ vectors[j]) for j in chosen), default=0.0)
            fresh = scored[i].hit.source.doc_id not in articles
            return (
                (1 - DIVERSITY) * scored[i].score
                - DIVERSITY * redundancy
                + NEW_ARTICLE_BONUS * fresh
                + FACT_BONUS * informative(scored[i].text, question, common)
            )

        best = max(pool, key=value)
        pool.remove(best)
        if scored[best].text in texts:
            continue
        chosen.append(best)
        articles.add(scored[best].hit.source.doc_id)
        texts.add(scored[best].text)
    return [scored[i] for i in chosen]


def grouped(chosen: Sequence[ScoredSentence]) -> list[list[ScoredSentence]]:
    """The sentences by article (the article of the best sentence first), each group in the
    order its article tells it."""
    groups: dict[str, list[ScoredSentence]] = {}
    for s in chosen:
        groups.setdefault(s.hit.source.doc_id, []).append(s)
    return [sorted(g, key=lambda s: s.start) for g in groups.values()]
