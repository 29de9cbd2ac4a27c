"""Citation markers in generated answers: parsing, support checks, exact quotes.

A language model's answer is a few sentences with ``[n]`` markers that point at the numbered
passages of its prompt. Before anyone sees it as cited, every sentence is checked:

* markers that point at no passage are removed;
* the sentence is compared with each passage it cites: *semantic* similarity (the embedder's
  cosine between the sentence and the passage's closest sentence) and *lexical* overlap (the
  share of the sentence's stemmed content words, ``nato_qa.keyword.terms``, found in the
  passage). ``support = semantic_weight * semantic + (1 - semantic_weight) * lexical``;
* a sentence that names a person, place or number the passage does not mention is not
  supported by it, whatever the scores say (the commonest small-model fabrication);
* a sentence with no marker, or none of whose cited passages support it, is checked against
  every passage and cites the best one that does (re-attribution);
* the citation is an exact quote: the passage sentence most similar to the generated
  sentence, with offsets into the article's clean text (``article.text[start:end] == quote``).

Sentences no passage supports stay in the text without a marker and their indexes are
returned in ``Verification.unsupported``. Citations are numbered 1..n by first use.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np

from nato_qa.chunking import sentence_spans
from nato_qa.types import Article, Citation, Hit
from nato_qa.words import without_possessive

# "[1]", "[1, 2]", "[1][2]", "[ 3 ]", "[1-2]", "[Passage 1]", "【1】"
_MARKER = re.compile(r"[\[【]\s*(?:passages?\s*)?(\d+(?:\s*(?:[,;–-]|and)\s*\d+)*)\s*[\]】]", re.I)
_MARKER_RUN = re.compile(rf"(?:\s*{_MARKER.pattern})+", re.I)
# A run of markers written after the full stop belongs to the sentence before it.
_MARKERS_AFTER_STOP = re.compile(rf"([.!?…][\"”’')]*)({_MARKER_RUN.pattern})", re.I)
_NAME_OR_NUMBER = re.compile(r"\b(?:[A-Z][\w’'-]*|\d[\d,.:/-]*)")
_WORD = re.compile(r"[\w]+")
_CLAUSE_BREAK = re.compile(r"(?<=[,;:—–])\s+")
_DOTTED = re.compile(r"\b(?:[A-Za-z]\.){2,}")


class Encoder(Protocol):
    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class Claim:
    """One sentence of a generated answer."""

    text: str  # the sentence, markers removed
    markers: tuple[int, ...]  # passage numbers (1-based) it cites that exist
    removed: tuple[int, ...] = ()  # numbers it cited that point at no passage


@dataclass(frozen=True)
class Support:
    """How well one passage supports one sentence."""

    passage: int  # 0-based index into the hits
    start: int  # the quote's offsets into the article's clean text
    end: int
    quote: str
    semantic: float
    lexical: float
    score: float
    novel: tuple[str, ...]  # names and numbers of the sentence the passage lacks

    def supports(self, threshold: float) -> bool:
        return self.score >= threshold and not self.novel


@dataclass(frozen=True)
class Verification:
    """A checked answer: text with renumbered markers, its citations, what failed."""

    text: str
    citations: tuple[Citation, ...]
    sentences: tuple[str, ...]  # the answer's sentences, markers included
    unsupported: tuple[int, ...]  # indexes into ``sentences``
    removed_markers: int = 0
    echoes: int = 0  # sentences dropped for only restating the question
    supports: tuple[Support | None, ...] = field(default=(), repr=False)

    @property
    def supported(self) -> int:
        return len(self.sentences) - len(self.unsupported)


def _numbers(group: str) -> list[int]:
    """``"1, 2"`` -> [1, 2]; ``"1-3"`` -> [1, 2, 3] (short ranges only)."""
    out: list[int] = []
    for part in re.split(r"\s*(?:[,;]|and)\s*", group):
        bounds = [int(x) for x in re.findall(r"\d+", part)]
        if len(bounds) == 2 and 0 < bounds[1] - bounds[0] <= 5:
            out.extend(range(bounds[0], bounds[1] + 1))
        else:
            out.extend(bounds)
    return out


def move_markers(text: str) -> str:
    """Markers written after a full stop moved before it: ``"A. [1] B"`` -> ``"A [1]. B"``."""
    return _MARKERS_AFTER_STOP.sub(lambda m: f"{m.group(2)}{m.group(1)}", text)


def parse_claims(text: str, n_passages: int) -> list[Claim]:
    """Split a generated answer into sentences and their markers.

    Args:
        text: the model's answer.
        n_passages: how many passages the prompt numbered; other numbers are removed.

    Returns:
        One Claim per sentence with text, in order (marker-only fragments are dropped).
    """
    moved = move_markers(text.strip())
    claims: list[Claim] = []
    for start, end in sentence_spans(moved):
        sentence = moved[start:end]
        cited: list[int] = []
        for match in _MARKER.finditer(sentence):
            cited.extend(_numbers(match.group(1)))
        body = _MARKER_RUN.sub("", sentence)
        body = re.sub(r"\s+([.,;:!?…])", r"\1", body)
        body = re.sub(r"\s+", " ", body).strip()
        if not re.search(r"\w", body):
            continue
        valid = tuple(dict.fromkeys(n for n in cited if 1 <= n <= n_passages))
        removed = tuple(dict.fromkeys(n for n in cited if not 1 <= n <= n_passages))
        claims.append(Claim(body, valid, removed))
    return claims


def answer_sentences(text: str) -> list[str]:
    """The sentences of a verified answer, as ``Verification.unsupported`` counts them."""
    masked = _MARKER_RUN.sub(lambda m: " " * len(m.group(0)), text)
    out = []
    for start, end in sentence_spans(masked):
        trailing = _MARKER_RUN.match(text, end)  # markers written after the full stop
        out.append(text[start : trailing.end() if trailing else end].strip())
    return out


def clause_windows(sentence: str, min_words: int = 4) -> list[str]:
    """The sentence and every run of its consecutive clauses of at least ``min_words`` words."""
    parts = [p for p in _CLAUSE_BREAK.split(sentence) if p]
    out = [sentence]
    for i in range(len(parts)):
        for j in range(i + 1, len(parts) + 1):
            window = " ".join(parts[i:j])
            if window != sentence and len(window.split()) >= min_words:
                out.append(window)
    return list(dict.fromkeys(out))


def _names_and_numbers(sentence: str) -> list[str]:
    """Capitalised words and numbers a passage must mention to support the sentence.

    The first word is capitalised anyway, so it counts only as part of a name ("Shinzo Abe").
    """
    found: list[str] = []
    for match in _NAME_OR_NUMBER.finditer(sentence):
        word = match.group(0).rstrip(".,:/-")
        if match.start() == len(sentence) - len(sentence.lstrip()):
            rest = sentence[match.end() :]
            if not re.match(r"\s+[A-Z]", rest):
                continue
        found.extend(p for p in re.split(r"[-/]", without_possessive(word)) if p)
    return [w for w in found if w[0].isdigit() or w[0].isupper()]


def mentioned(word: str, vocabulary: set[str] | frozenset[str]) -> bool:
    """Whether ``word`` (or a close form: Japanese/Japan, Chinese/China) is in ``vocabulary``."""
    w = word.lower()
    if w[0].isdigit():
        return all(part in vocabulary for part in re.findall(r"\d+", w))
    if w in vocabulary:
        return True
    if len(w) < 5:
        return False
    return any(_close_forms(w, v) for v in vocabulary)


def _close_forms(a: str, b: str) -> bool:
    """Two words that share all but their last two letters, and at least four."""
    shortest = min(len(a), len(b))
    common = next((i for i in range(shortest) if a[i] != b[i]), shortest)
    return common >= 4 and common >= shortest - 2


class Verifier:
    """Checks generated sentences against passages.

    Args:
        encoder: the embedder (normalised vectors), e.g. ``service.embedder``.
        threshold: the support score a sentence needs (``settings.verify_similarity``).
        terms: the keyword index's tokenizer (``nato_qa.keyword.terms``).
        semantic_weight: the share of the semantic score in the support score.
    """

    def __init__(
        self,
        encoder: Encoder,
        threshold: float,
        terms: Callable[[str], list[str]] | None = None,
        semantic_weight: float = 0.5,
    ) -> None:
        if terms is None:
            from nato_qa.keyword import terms as keyword_terms

            terms = keyword_terms
        self.encoder = encoder
        self.threshold = threshold
        self.terms = terms
        self.semantic_weight = semantic_weight

    # -- scoring -------------------------------------------------------------------------------

    def score(self, sentences: Sequence[str], hits: Sequence[Hit]) -> list[list[Support]]:
        """Support of every sentence by every passage: ``result[i][j]`` for sentence i, hit j."""
        if not sentences or not hits:
            return [[] for _ in sentences]
        spans = [sentence_spans(h.text) or [(0, len(h.text))] for h in hits]
        # Each passage sentence is compared whole and clause by clause: a short generated
        # sentence often restates one clause of a long source sentence.
        pieces: list[str] = []
        owner: list[tuple[int, int]] = []  # (hit, sentence) of each piece
        for j, (hit, sp) in enumerate(zip(hits, spans, strict=True)):
            for k, (s, e) in enumerate(sp):
                for piece in clause_windows(hit.text[s:e]):
                    pieces.append(piece)
                    owner.append((j, k))
        vectors = self.encoder.encode(list(sentences) + pieces)
        s_vecs, p_vecs = vectors[: len(sentences)], vectors[len(sentences) :]
        piece_sims = s_vecs @ p_vecs.T
        # sims[i][j][k]: sentence i against sentence k of hit j (its best window)
        sims = [[np.full(len(sp), -1.0) for sp in spans] for _ in sentences]
        for col, (j, k) in enumerate(owner):
            for i in range(len(sentences)):
                sims[i][j][k] = max(sims[i][j][k], piece_sims[i, col])

        vocab: list[tuple[set[str], set[str]]] = []
        for h in hits:
            # Names may come from the title and publisher too; the publication date does not
            # vouch for the numbers of a sentence, nor a title for its content words.
            named = f"{h.text} {h.source.title} {h.source.publisher or ''}"
            words = {w.lower() for w in _WORD.findall(named)}
            words |= {a.replace(".", "").lower() for a in _DOTTED.findall(named)}  # U.S. -> us
            vocab.append((set(self.terms(h.text)), words))

        out: list[list[Support]] = []
        for i, sentence in enumerate(sentences):
            s_terms = set(self.terms(sentence))
            names = [w for w in _names_and_numbers(sentence) if self._content_word(w)]
            row: list[Support] = []
            for j, hit in enumerate(hits):
                local = sims[i][j]
                best = int(np.argmax(local))
                p_terms, words = vocab[j]
                semantic = float(local[best])
                lexical = len(s_terms & p_terms) / len(s_terms) if s_terms else 0.0
                w = self.semantic_weight
                s, e = spans[j][best]
                row.append(
                    Support(
                        passage=j,
                        start=hit.source.start + s,
                        end=hit.source.start + e,
                        quote=hit.text[s:e],
                        semantic=round(semantic, 4),
                        lexical=round(lexical, 4),
                        score=round(w * semantic + (1 - w) * lexical, 4),
                        novel=tuple(dict.fromkeys(x for x in names if not mentioned(x, words))),
                    )
                )
            out.append(row)
        return out

    def _content_word(self, word: str) -> bool:
        """Numbers and words the keyword index keeps ("The", "I", "However" are dropped)."""
        return word[0].isdigit() or bool(self.terms(word))

    # -- the whole answer ----------------------------------------------------------------------

    def verify(
        self,
        text: str,
        hits: Sequence[Hit],
        articles: Mapping[str, Article] | None = None,
        question: str | None = None,
    ) -> Verification:
        """Check a generated answer against the passages it was given.

        Args:
            text: the model's answer with ``[n]`` markers (n counts from 1 over ``hits``).
            hits: the passages, in the order the prompt numbered them.
            articles: the articles by doc_id; when given, every quote is checked against the
                article's text (a quote whose offsets do not match is looked up again).
            question: when given, sentences that only restate it (no content word the
                question lacks) or ask a question are dropped: they answer nothing.

        Returns:
            The answer with renumbered markers on supported sentences, the citations, and the
            indexes of the sentences no passage supports.
        """
        claims = parse_claims(text, len(hits))
        if question is not None:
            asked = set(self.terms(question))
            kept = [
                c for c in claims if set(self.terms(c.text)) - asked and not c.text.endswith("?")
            ]
            echoes, claims = len(claims) - len(kept), kept
        else:
            echoes = 0
        table = self.score([c.text for c in claims], hits)
        citations: list[Citation] = []
        numbers: dict[tuple[str, int, int], int] = {}
        sentences: list[str] = []
        unsupported: list[int] = []
        best_support: list[Support | None] = []
        for index, (claim, row) in enumerate(zip(claims, table, strict=True)):
            cited = [row[n - 1] for n in claim.markers if row[n - 1].supports(self.threshold)]
            if not cited:
                # No marker, or the ones given do not hold: the best supporting passage, if any.
                fitting = [s for s in row if s.supports(self.threshold)]
                cited = [max(fitting, key=lambda s: s.score)] if fitting else []
            marks: list[int] = []
            for support in cited:
                citation = self._citation(support, hits[support.passage], articles)
                if citation is None:
                    continue
                key = (citation.doc_id, citation.start, citation.end)
                if key not in numbers:
                    numbers[key] = len(citations) + 1
                    citations.append(replace(citation, n=numbers[key]))
                if numbers[key] not in marks:
                    marks.append(numbers[key])
            if marks:
                sentences.append(claim.text + " " + "".join(f"[{n}]" for n in marks))
                best_support.append(max(cited, key=lambda s: s.score))
            else:
                sentences.append(claim.text)
                unsupported.append(index)
                best_support.append(max(row, key=lambda s: s.score) if row else None)
        return Verification(
            text=" ".join(sentences),
            citations=tuple(citations),
            sentences=tuple(sentences),
            unsupported=tuple(unsupported),
            removed_markers=sum(len(c.removed) for c in claims),
            echoes=echoes,
            supports=tuple(best_support),
        )

    @staticmethod
    def _citation(
        support: Support, hit: Hit, articles: Mapping[str, Article] | None
    ) -> Citation | None:
        source = hit.source
        start, end = support.start, support.end
        article = articles.get(source.doc_id) if articles is not None else None
        if article is not None and article.text[start:end] != support.quote:
            found = article.text.find(support.quote)
            if found < 0:
                return None
            start, end = found, found + len(support.quote)
        return Citation(
            n=0,
            doc_id=source.doc_id,
            title=source.title,
            start=start,
            end=end,
            quote=support.quote,
            score=support.score,
            publisher=source.publisher,
            date=source.date,
            also_in=tuple(s.doc_id for s in hit.sources[1:]),
            author=source.author,
        )
