"""Hybrid retrieval: dense (Chroma) + BM25 (its query expanded with the corpus's own words for
the question's words) + every passage by its best sentence as the second reader reads it
(``best_sentences``), fused by reciprocal rank, near-duplicates collapsed, then the top ones
reranked by their best sentence or by a local cross-encoder."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nato_qa.best_sentences import BestSentenceRanking
from nato_qa.config import Settings
from nato_qa.embedders import Embedder, reader_of
from nato_qa.embedders.paired import PairedEmbedder
from nato_qa.expansion import QueryExpander
from nato_qa.keyword import KeywordIndex
from nato_qa.second_reader import SecondReader
from nato_qa.sentences.answer_types import expected_type
from nato_qa.sentences.entities import core_question, has_context_note, without_opening_word
from nato_qa.sentences.scorer import SentenceScorer
from nato_qa.store import VectorStore
from nato_qa.types import Article, Chunk, Hit, Source
from nato_qa.vector_cache import VectorCache

log = logging.getLogger(__name__)

# Passage rerank: best sentence = 0.6 semantic + 0.4 lexical, + 0.1 when it has the type of
# answer asked for (a number for "how much", a date for "when"), + 0.2 when it carries the
# answer's cue (a person's name for "who", a reason for "why"); plus 40 x the RRF score (RRF
# scores are ~0.016-0.049). The bonuses were chosen on the project golden set (hit@1 0.887 ->
# 0.919, the same for any cue bonus from 0.15 to 0.3). The semantic share was 0.4 until
# round 32; with the second reader in the semantic score and the fusion that ranks a passage
# a list leaves out after its last, 0.5-0.75 lift development hit@1 (0.6: +6 of 1,561
# answerable, hit@5 up on both corpora, answers level) and both blind sets read in the round
# (+1 hit@1 each); 0.9 loses, 20 and 80 for the fusion weight lose (docs/evaluation.md).
RERANK_SEMANTIC = 0.6
RERANK_FUSION_WEIGHT = 40.0
RERANK_TYPE_BONUS = 0.1
RERANK_CUE_BONUS = 0.2


@dataclass
class _Candidate:
    chunk: Chunk
    similarity: float | None = None
    dense_rank: int | None = None
    keyword_rank: int | None = None
    fused: float = 0.0


def reciprocal_rank_fusion(rankings: list[list[str]], k: int = 60) -> dict[str, float]:
    """RRF: each id scores the sum of 1 / (k + rank) over the rankings; in a ranking that does
    not list it, it ranks just after the last one listed.

    Each ranking lists its best ``candidates`` of a small corpus's few dozen passages, so
    nearly every passage is in every list, and with a constant of 60 being in all three
    counted for more than being first: the passage that dense search and the best-sentence
    ranking both put first, but whose words BM25 ranked 31st, fell out of the top ten
    behind passages ranked 15th everywhere (round 31, docs/evaluation.md)."""
    scores: dict[str, float] = {}
    every = {item for ranking in rankings for item in ranking}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
        after_last = 1.0 / (k + len(ranking) + 1)
        for item in every.difference(ranking):
            scores[item] = scores.get(item, 0.0) + after_last
    return scores


def load_reranker(path: str | None) -> Any | None:
    """A cross-encoder from a local folder, or None when none is configured or present."""
    if not path:
        return None
    if not Path(path).exists():
        log.warning("rerank model %s not found; reranking is off", path)
        return None
    from sentence_transformers import CrossEncoder

    return CrossEncoder(path, device="cpu", local_files_only=True)


class Retriever:
    """``search(query, k) -> list[Hit]`` over one store and its keyword index."""

    def __init__(
        self,
        settings: Settings,
        store: VectorStore,
        embedder: Embedder,
        keyword: KeywordIndex,
        articles: Mapping[str, Article],
        reranker: Any | None = None,
        cache: VectorCache | None = None,
        second: SecondReader | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self.keyword = keyword
        self.articles = articles
        self.reranker = reranker
        self.scorer = SentenceScorer(reader_of(embedder), keyword, cache or VectorCache(), second)
        # passages searched in another model's space (PairedEmbedder): its question vectors,
        # the second reader's own when it is the same model (one run of it per question)
        self._search: tuple[Embedder, VectorCache] | None = None
        if isinstance(embedder, PairedEmbedder):
            if second is not None and second.name == embedder.search.name:
                self._search = (embedder.search, second.questions)
            else:
                self._search = (embedder.search, VectorCache(2_000))
        self.best_sentences = BestSentenceRanking(keyword, second) if second is not None else None
        self.expander = QueryExpander(
            keyword,
            self.scorer.vectors,
            settings.expansion_similarity,
            settings.expansion_per_word,
        )

    def search(self, query: str, k: int | None = None) -> list[Hit]:
        """The ``k`` best passages for ``query``, best first."""
        k = k or self.settings.k
        n = max(self.settings.candidates, k * 3)
        query = without_opening_word(query)  # "ok and who …" is searched as "and who …"
        # The question and its words the corpus lacks (for the expansion), in one model run.
        vector = self.scorer.vectors([query, *self.expander.new_words(query)], packed=True)[0]
        if self._search is not None:
            search, cache = self._search
            vector = cache.get_many([query], search.encode_queries)[0]
        candidates: dict[str, _Candidate] = {}
        for rank, match in enumerate(self.store.query(vector, n), start=1):
            chunk = Chunk(match.chunk_id, match.doc_id, match.start, match.end, match.text)
            candidates[match.chunk_id] = _Candidate(chunk, match.similarity, dense_rank=rank)
        keyword_query = " ".join([query, *self.expander.expand(query)])
        for rank, (kc, _score) in enumerate(self.keyword.search(keyword_query, n), start=1):
            cand = candidates.setdefault(kc.chunk.chunk_id, _Candidate(kc.chunk))
            cand.keyword_rank = rank
        if not candidates:
            return []

        dense = sorted(
            (c for c in candidates.values() if c.dense_rank), key=lambda c: c.dense_rank or 0
        )
        sparse = sorted(
            (c for c in candidates.values() if c.keyword_rank), key=lambda c: c.keyword_rank or 0
        )
        rankings = [[c.chunk.chunk_id for c in dense], [c.chunk.chunk_id for c in sparse]]
        if has_context_note(query):
            # a follow-up: the note's topic words would outweigh the question's own ("which
            # judge dealt with it? (context: …)"), so the passages with its own words rank too
            # (round 38: blind t57 +1, development +3 and hit@1 +11, none lost)
            own = [kc.chunk for kc, _ in self.keyword.search(core_question(query), n)]
            for chunk in own:
                candidates.setdefault(chunk.chunk_id, _Candidate(chunk))
            rankings.append([chunk.chunk_id for chunk in own])
        if self.best_sentences is not None:
            # every passage by its best sentence, as the second reader reads it
            by_sentence = self.best_sentences.rank(query, n)
            for chunk_id in by_sentence:
                if chunk_id not in candidates:
                    known = self.keyword.get(chunk_id)
                    if known is not None:
                        candidates[chunk_id] = _Candidate(known.chunk)
            rankings.append([c for c in by_sentence if c in candidates])
        fused = reciprocal_rank_fusion(rankings, self.settings.rrf_k)
        missing = [c for c in candidates.values() if c.similarity is None]
        if missing:  # keyword-only hits: their similarity too, from the stored vectors
            stored = self.store.vectors([c.chunk.chunk_id for c in missing])
            for cand in missing:
                vec = stored.get(cand.chunk.chunk_id)
                cand.similarity = float(np.dot(vec, vector)) if vec is not None else 0.0
        for cid, score in fused.items():
            candidates[cid].fused = score
        ranked = sorted(candidates.values(), key=lambda c: (-c.fused, c.chunk.chunk_id))
        hits = self._collapse(ranked)
        if self.reranker is not None:
            hits = self._rerank(query, hits[: max(k * 3, 10)])
        elif self.settings.sentence_rerank_depth:
            hits = self._sentence_rerank(query, hits, max(k, self.settings.sentence_rerank_depth))
        return hits[:k]

    def _sentence_rerank(self, query: str, hits: list[Hit], depth: int) -> list[Hit]:
        """Reorder the top passages by their best sentence, blended with the fused score.

        A long passage can hold the one sentence that answers among others that don't; its
        chunk embedding is diluted, its best sentence is not.
        """
        head, tail = hits[:depth], hits[depth:]
        typed = expected_type(query) is not None
        best: dict[str, float] = {}
        for s in self.scorer.score(query, head):
            value = RERANK_SEMANTIC * s.semantic + (1 - RERANK_SEMANTIC) * s.lexical
            value += RERANK_TYPE_BONUS * (typed and s.type_ok) + RERANK_CUE_BONUS * s.cue
            best[s.hit.chunk_id] = max(best.get(s.hit.chunk_id, -1.0), value)
        head.sort(key=lambda h: -(best.get(h.chunk_id, 0.0) + RERANK_FUSION_WEIGHT * h.score))
        return head + tail

    def _source(self, chunk: Chunk) -> Source:
        article = self.articles.get(chunk.doc_id)
        return Source(
            doc_id=chunk.doc_id,
            title=article.title if article else chunk.doc_id,
            start=chunk.start,
            end=chunk.end,
            publisher=article.publisher if article else None,
            date=article.date if article else None,
            author=article.author if article else None,
        )

    def _collapse(self, ranked: list[_Candidate]) -> list[Hit]:
        """One hit per near-duplicate group, listing every article that carries the passage."""
        seen: set[int] = set()
        hits: list[Hit] = []
        for cand in ranked:
            kc = self.keyword.get(cand.chunk.chunk_id)
            group = kc.group if kc else -1 - len(hits)
            if group in seen:
                continue
            seen.add(group)
            others = self.keyword.near_duplicates(cand.chunk.chunk_id)
            hits.append(
                Hit(
                    chunk_id=cand.chunk.chunk_id,
                    text=cand.chunk.text,
                    score=cand.fused,
                    dense_similarity=float(cand.similarity or 0.0),
                    sources=tuple(self._source(c) for c in [cand.chunk, *others]),
                    dense_rank=cand.dense_rank,
                    keyword_rank=cand.keyword_rank,
                )
            )
        return hits

    def _rerank(self, query: str, hits: list[Hit]) -> list[Hit]:
        scores = self.reranker.predict([(query, h.text) for h in hits])  # type: ignore[union-attr]
        order = sorted(range(len(hits)), key=lambda i: -float(scores[i]))
        return [hits[i] for i in order]
