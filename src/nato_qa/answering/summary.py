"""The short cited summary that answers a broad question.

"What do the articles say about …", "how has … developed": several passages speak to it, so
the answer is 3-5 verbatim sentences chosen for relevance and diversity (maximal marginal
relevance over their vectors), drawn from every article that speaks to it, then grouped by
article, each group a bullet led by its publisher and date, in the order the article tells
it. Where the articles' dates differ, the grouping shows who said what when.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nato_qa.sentences import ScoredSentence

MAX_SENTENCES = 5
MIN_SENTENCES = 3
DIVERSITY = 0.3  # weight of the redundancy penalty (1 - lambda of MMR)
NEW_ARTICLE_BONUS = 0.05  # a sentence from an article not yet quoted
RELEVANCE_FLOOR = 0.75  # of the best sentence's score


def choose(
    scored: Sequence[ScoredSentence], vectors: np.ndarray, floor: float
) -> list[ScoredSentence]:
    """Up to ``MAX_SENTENCES`` relevant, mutually different sentences (MMR).

    Args:
        scored: candidate sentences, best first.
        vectors: their unit vectors, one row each, in the same order.
        floor: the least score a sentence needs (the refusal threshold).
    """
    if not scored:
        return []
    cut = max(floor, scored[0].score * RELEVANCE_FLOOR)
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
