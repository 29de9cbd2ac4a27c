"""Query expansion for the keyword search: corpus words that mean what the question's words mean.

A question that paraphrases its article ("warship" for "frigate", "lone" for "sole") shares
few words with it, so BM25 misses the passage. Each content word of the question is embedded
(the same MiniLM, through the scorer's cache) and compared with the vectors of the corpus's
own words, made at ingestion (``keyword.vocabulary``); the closest words, when at least
``expansion_similarity`` alike, are added to the keyword query. Dense retrieval and sentence
scoring still see the question as asked.

Measured on the project golden set (README "Evaluation"): hit@5 0.968 -> 0.984 (the warship
question's passage, which shares no word with it, comes in), MRR@5 0.941 -> 0.949, hit@1,
answers and refusals unchanged. The same hit@5 for any threshold from 0.60 to 0.70 and 2-4
words per question word; at 0.60 one answer is lost, so 0.65.

The other form of an abbreviation the articles define ("HSB" for "Harbour Safety Board", and
the other way round: ``abbreviations``) is added too (round 34: with the sentence scorer's
reading of the other form, development passages ranked first +3, and the second corpus's
read blind set's hit@1 0.62 → 0.65; its regulator is named in full once per article).

An index saved by an older release, or rebuilt by a process that did not run the model, has
fewer (or no) word vectors: it searches with the words it has; the next ingestion completes it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from nato_qa.keyword import KeywordIndex, terms, vocabulary


class QueryExpander:
    """``expand(question) -> list[str]``: corpus words to add to the keyword query."""

    def __init__(
        self,
        keyword: KeywordIndex,
        vectors: Callable[[Sequence[str]], np.ndarray],
        similarity: float,
        per_word: int,
    ) -> None:
        """
        Args:
            keyword: the index whose saved word vectors are the candidates.
            vectors: unit vectors of words the corpus lacks, one row each (the scorer's
                cached encoder).
            similarity: the least cosine for a corpus word to be added.
            per_word: the most words added for one word of the question (0 = off).
        """
        self.keyword = keyword
        self.vectors = vectors
        self.similarity = similarity
        self.per_word = per_word

    def new_words(self, question: str) -> list[str]:
        """The question's words that the corpus lacks: the only ones whose vectors need the
        model. The retriever embeds them with the question, each on its own but in the same
        model run (``Embedder.encode_packed``); read inside the question instead (late
        chunking), "warship" no longer finds "frigate"."""
        if not self.per_word:
            return []
        words, _, row_of = self.keyword.word_matrix()
        return [w for w in vocabulary([question]) if w not in row_of] if words else []

    def expand(self, question: str) -> list[str]:
        """Corpus words close to the question's words, not already among its terms; first
        the other form of an abbreviation the articles define ("HSB" and its long form) or
        spell out ("G20" and "Group of Twenty")."""
        other = [form for _, form in self.keyword.aliases(question)]
        return other + self._similar(question)

    def _similar(self, question: str) -> list[str]:
        words, matrix, row_of = self.keyword.word_matrix()
        asked = vocabulary([question])
        if not self.per_word or not asked or not words:
            return []
        unknown = [w for w in asked if w not in row_of]  # as new_words, already embedded
        computed = dict(zip(unknown, self.vectors(unknown), strict=True)) if unknown else {}
        asked_vectors = np.stack([matrix[row_of[w]] if w in row_of else computed[w] for w in asked])
        similarities = asked_vectors @ matrix.T
        room = min(self.per_word * 4, len(words))  # room for words the question already has
        seen = set(terms(question))
        added: list[str] = []
        for row in similarities:
            top = np.argpartition(-row, room - 1)[:room]
            taken = 0
            for j in top[np.argsort(-row[top])]:
                if row[j] < self.similarity or taken == self.per_word:
                    break
                stems = set(terms(words[j]))
                if stems and not stems & seen:
                    added.append(words[j])
                    seen |= stems
                    taken += 1
        return added
