"""The BM25 keyword index (bm25s), persisted in a folder and rebuilt by ingestion.

Beside the bm25s files, ``chunks.json`` keeps each chunk's document, offsets, text and
near-duplicate group, so that retrieval can return keyword hits without asking the store, and
``sentences.npy`` keeps each chunk's sentence vectors (``Embedder.encode_passages``, made at
ingestion), so that ranking passages by their best sentence needs no model run at query time,
and ``words.json`` + ``words.npy`` the vectors of the words of the chunks, for query expansion
(``expansion.py``). Both are optional: an index without them still searches.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from nato_qa.abbreviations import (
    aliases,
    defined_abbreviations,
    spelled_out,
    written_abbreviations,
)
from nato_qa.chunking import is_heading, sentence_spans
from nato_qa.errors import IndexCorruptError
from nato_qa.types import Chunk

_META_FILE = "chunks.json"
_SENTENCES_FILE = "sentences.npy"
_WORDS_FILE = "words.json"
_WORD_VECTORS_FILE = "words.npy"
FORMAT_VERSION = 2
# Sentence vectors are kept, on disk and in memory, at half precision: half the file, and the
# same scores whether the index was just built or loaded.
SENTENCE_DTYPE = np.float16
_WORD_MATRIX_LOCK = threading.Lock()


_MID_CAPITAL = re.compile(r"(?<=[a-z,;] )([A-Z][a-z]+|[A-Z]{2,})\b")


@lru_cache(maxsize=1)
def _bm25s() -> Any:
    """bm25s, imported once; it sets its own logger to DEBUG, which would print to the CLI."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


def terms(text: str) -> list[str]:
    """Lower-cased, stemmed content words, the way the index sees them."""
    return list(_terms(text))


@lru_cache(maxsize=50_000)
def _terms(text: str) -> tuple[str, ...]:
    # Cached: the sentences of the passages a question reaches recur across questions.
    tokens = _bm25s().tokenize(
        [text], stopwords="en", stemmer=_stemmer(), show_progress=False, return_ids=False
    )
    return tuple(t for t in tokens[0] if t)


@dataclass(frozen=True)
class KeywordChunk:
    chunk: Chunk
    group: int  # chunks in one near-duplicate group share this number


class KeywordIndex:
    """BM25 over every chunk in the store."""

    def __init__(
        self,
        chunks: list[KeywordChunk],
        fingerprint: str,
        retriever: Any,
        sentence_vectors: Mapping[str, np.ndarray] | None = None,
        words: Sequence[str] = (),
        word_rows: np.ndarray | None = None,
        words_complete: bool = False,
    ) -> None:
        self.chunks = chunks
        self.fingerprint = fingerprint
        self._retriever = retriever
        self._sentence_vectors = {
            cid: np.asarray(rows, dtype=SENTENCE_DTYPE)  # no copy when loaded
            for cid, rows in (sentence_vectors or {}).items()
        }
        self._words = list(words)
        self._word_rows = (
            np.zeros((0, 0), dtype=SENTENCE_DTYPE)
            if word_rows is None
            else np.asarray(word_rows, dtype=SENTENCE_DTYPE)
        )
        if len(self._word_rows) != len(self._words):
            raise ValueError(f"{len(self._words)} words but {len(self._word_rows)} word vectors")
        self._word_matrix: np.ndarray | None = None
        self._word_row: dict[str, int] = {}
        self.words_complete = words_complete  # every word of the chunks has its vector
        self._by_id = {kc.chunk.chunk_id: kc for kc in chunks}
        self._groups: dict[int, list[Chunk]] = {}
        self._df: dict[str, int] | None = None
        self._abbreviations: dict[str, str] | None = None
        self._spelled: dict[str, str] | None = None
        self._common: frozenset[str] | None = None
        self._forms: dict[str, str] | None = None
        self._text: tuple[str, frozenset[str]] | None = None
        self._by_doc: dict[str, list[Chunk]] = {}  # each article's chunks
        for kc in chunks:
            self._groups.setdefault(kc.group, []).append(kc.chunk)
            self._by_doc.setdefault(kc.chunk.doc_id, []).append(kc.chunk)

    def get(self, chunk_id: str) -> KeywordChunk | None:
        return self._by_id.get(chunk_id)

    def sentence_vectors(self, chunk_id: str) -> np.ndarray | None:
        """The chunk's sentence vectors (one float32 row per sentence), if they were saved."""
        rows = self._sentence_vectors.get(chunk_id)
        return None if rows is None else np.asarray(rows, dtype=np.float32)

    @property
    def all_sentence_vectors(self) -> dict[str, np.ndarray]:
        """Every chunk's saved sentence vectors, by chunk id."""
        return dict(self._sentence_vectors)

    @property
    def has_every_sentence_vector(self) -> bool:
        return all(kc.chunk.chunk_id in self._sentence_vectors for kc in self.chunks)

    @property
    def word_vectors(self) -> dict[str, np.ndarray]:
        """The saved vectors of the chunks' words, by word."""
        return dict(zip(self._words, self._word_rows, strict=True))

    def word_matrix(self) -> tuple[list[str], np.ndarray, dict[str, int]]:
        """The words, their unit vectors (float32, one row each) and each word's row; made once."""
        with _WORD_MATRIX_LOCK:
            if self._word_matrix is None:
                self._word_row = {w: i for i, w in enumerate(self._words)}
                self._word_matrix = np.asarray(self._word_rows, dtype=np.float32)
        return self._words, self._word_matrix, self._word_row

    def common_names(self) -> frozenset[str]:
        """Capitalised words (lower case) written mid-sentence in at least half the articles
        (and three): the places and bodies a corpus is about, which are nobody's name.
        A statistic of the corpus, so it holds for any articles; made once."""
        if self._common is None:
            seen: dict[str, set[str]] = {}
            for kc in self.chunks:
                for word in _MID_CAPITAL.findall(kc.chunk.text):
                    seen.setdefault(word.lower(), set()).add(kc.chunk.doc_id)
            articles = len({kc.chunk.doc_id for kc in self.chunks})
            floor = max(3, (articles + 1) // 2)
            self._common = frozenset(w for w, docs in seen.items() if len(docs) >= floor)
        return self._common

    def name_forms(self) -> dict[str, str]:
        """The words the articles write only with a capital, mid-sentence at least once and
        never in lower case ("Zembla", "HSB"), by their lower case: how a name is written.
        A statistic of the corpus; made once."""
        if self._forms is None:
            capital: dict[str, str] = {}
            lower: set[str] = set()
            for kc in self.chunks:
                capital.update((w.lower(), w) for w in _MID_CAPITAL.findall(kc.chunk.text))
                lower.update(re.findall(r"\b[a-z]+\b", kc.chunk.text))
            self._forms = {w: form for w, form in capital.items() if w not in lower}
        return self._forms

    def abbreviations(self) -> dict[str, str]:
        """The abbreviations the articles define, with their long forms; made once."""
        if self._abbreviations is None:
            self._abbreviations = defined_abbreviations(kc.chunk.text for kc in self.chunks)
        return self._abbreviations

    def aliases(self, question: str) -> list[tuple[str, str]]:
        """Each abbreviation the question uses that the articles define or spell out, as
        (the form it uses, the other form). The runs that spell one are found once, when a
        question first writes something that looks like an abbreviation."""
        if self._spelled is None and written_abbreviations(question):
            self._spelled = spelled_out(kc.chunk.text for kc in self.chunks)
        return aliases(question, self.abbreviations(), self._spelled)

    def text(self) -> tuple[str, frozenset[str]]:
        """The chunks' text in lower case (curly apostrophes made straight) and its words
        (runs of word characters); made once."""
        if self._text is None:
            lower = "\n".join(kc.chunk.text for kc in self.chunks).lower().replace("’", "'")
            self._text = (lower, frozenset(re.findall(r"\w+", lower)))
        return self._text

    def text_before(self, doc_id: str, offset: int, chars: int = 600) -> str:
        """Up to ``chars`` characters of an article's clean text that end at ``offset``,
        pieced together from its chunks backwards (a paragraph break between two chunks is
        kept as one; it stops at a wider gap)."""
        chunks = self._by_doc.get(doc_id, [])
        lo, end, run = max(offset - chars, 0), offset, ""
        while end > lo:
            covering = [c for c in chunks if c.start < end and c.end >= end - 4]
            if not covering:
                break
            chunk = min(covering, key=lambda c: c.start)
            begin = max(chunk.start, lo)
            gap = "\n\n" if chunk.end < end else ""
            run = chunk.text[begin - chunk.start : min(end, chunk.end) - chunk.start] + gap + run
            end = begin
        return run

    def chunk_after(self, doc_id: str, offset: int) -> Chunk | None:
        """The article's chunk that holds the text right after ``offset`` (across a
        paragraph break; chunks may overlap), or None at the article's end."""
        chunks = self._by_doc.get(doc_id, [])
        after = [c for c in chunks if c.start <= offset + 4 and c.end > offset + 4]
        return min(after, key=lambda c: c.start, default=None)

    def knows(self, word: str) -> bool:
        """Whether some chunk has the word (as stemmed terms; a stop word counts as known)."""
        df = self._document_frequencies()
        stems = terms(word)
        return not stems or all(df.get(t, 0) > 0 for t in stems)

    def _document_frequencies(self) -> dict[str, int]:
        """Chunks per stemmed term, read from the BM25 matrix; made once."""
        if self._df is None:
            self._df = {}
            if self._retriever is not None:
                indptr = np.asarray(self._retriever.scores["indptr"])
                for token, col in self._retriever.vocab_dict.items():
                    if col + 1 >= len(indptr):
                        continue
                    self._df[token] = int(indptr[col + 1] - indptr[col])
        return self._df

    def idf(self, term: str) -> float:
        """Inverse document frequency of a term over the chunks (unknown terms: the highest)."""
        n = max(len(self.chunks), 1)
        df = self._document_frequencies().get(term, 0)
        return float(np.log(1.0 + (n - df + 0.5) / (df + 0.5)))

    def sentences(self) -> list[str]:
        """Every sentence of the chunks that may answer (subheadings are structure)."""
        return [sentence for _, sentences in self.chunk_sentences() for sentence in sentences]

    def chunk_sentences(self) -> list[tuple[str, list[str]]]:
        """Each chunk's id and its sentences that may answer, in the chunks' order."""
        found = []
        for kc in self.chunks:
            text = kc.chunk.text
            spans = sentence_spans(text)
            found.append(
                (kc.chunk.chunk_id, [text[s:e] for s, e in spans if not is_heading(text[s:e])])
            )
        return found

    def near_duplicates(self, chunk_id: str) -> list[Chunk]:
        """The other chunks (of other articles) in the same near-duplicate group."""
        kc = self._by_id.get(chunk_id)
        if kc is None:
            return []
        return [c for c in self._groups[kc.group] if c.chunk_id != chunk_id]

    @classmethod
    def build(
        cls,
        chunks: Sequence[Chunk],
        groups: Sequence[int],
        fingerprint: str,
        sentence_vectors: Mapping[str, np.ndarray] | None = None,
        word_vectors: Mapping[str, np.ndarray] | None = None,
        words: Sequence[str] | None = None,
    ) -> KeywordIndex:
        """The index of ``chunks``, keeping the given vectors of its chunks and of its words.

        ``words`` is the chunks' ``vocabulary``, when the caller has it already.
        """
        bm25s = _bm25s()

        retriever = None
        if chunks:
            tokens = bm25s.tokenize(
                [c.text for c in chunks], stopwords="en", stemmer=_stemmer(), show_progress=False
            )
            retriever = bm25s.BM25()
            retriever.index(tokens, show_progress=False)
        items = [KeywordChunk(c, g) for c, g in zip(chunks, groups, strict=True)]
        known = sentence_vectors or {}
        kept = {c.chunk_id: known[c.chunk_id] for c in chunks if c.chunk_id in known}
        words = vocabulary(c.text for c in chunks) if words is None else words
        known_words = word_vectors or {}
        kept_words = [w for w in words if w in known_words]
        rows = np.stack([known_words[w] for w in kept_words]) if kept_words else None
        complete = len(kept_words) == len(words)
        return cls(items, fingerprint, retriever, kept, kept_words, rows, complete)

    def search(self, query: str, n: int) -> list[tuple[KeywordChunk, float]]:
        """Up to ``n`` chunks that share a term with the query, best first."""
        query_terms = terms(query)
        if self._retriever is None or not query_terms or not self.chunks:
            return []
        docs, scores = self._retriever.retrieve(
            [query_terms], k=min(n, len(self.chunks)), show_progress=False, n_threads=1
        )
        return [
            (self.chunks[int(i)], float(s))
            for i, s in zip(docs[0], scores[0], strict=True)
            if s > 0
        ]

    def save(self, folder: Path) -> None:
        """Write atomically: a new folder is filled, then swapped in."""
        folder.parent.mkdir(parents=True, exist_ok=True)
        for leftover in folder.parent.glob(".keyword-*"):  # from a save that was killed
            shutil.rmtree(leftover, ignore_errors=True)
        tmp = Path(tempfile.mkdtemp(prefix=".keyword-", dir=folder.parent))
        try:
            if self._retriever is not None:
                self._retriever.save(str(tmp / "bm25"))
            rows = [self._sentence_vectors.get(kc.chunk.chunk_id) for kc in self.chunks]
            counts = [-1 if r is None else len(r) for r in rows]
            present = [r for r in rows if r is not None and len(r)]
            matrix = np.concatenate(present) if present else np.zeros((0, 0))
            np.save(tmp / _SENTENCES_FILE, matrix.astype(SENTENCE_DTYPE))
            (tmp / _WORDS_FILE).write_text(
                json.dumps({"complete": self.words_complete, "words": self._words}),
                encoding="utf-8",
            )
            np.save(tmp / _WORD_VECTORS_FILE, self._word_rows.astype(SENTENCE_DTYPE))
            meta = {
                "version": FORMAT_VERSION,
                "fingerprint": self.fingerprint,
                "chunks": [
                    [
                        kc.chunk.chunk_id,
                        kc.chunk.doc_id,
                        kc.chunk.start,
                        kc.chunk.end,
                        kc.chunk.text,
                        kc.group,
                        count,
                    ]
                    for kc, count in zip(self.chunks, counts, strict=True)
                ],
            }
            (tmp / _META_FILE).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
            old = folder.with_name(folder.name + ".old")
            if folder.exists():
                shutil.rmtree(old, ignore_errors=True)
                os.replace(folder, old)
            os.replace(tmp, folder)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> KeywordIndex | None:
        """The saved index, or None when there is none yet."""
        bm25s = _bm25s()

        meta_path = folder / _META_FILE
        if not meta_path.exists():
            return None
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            if meta.get("version") != FORMAT_VERSION:
                return None
            chunks = [
                KeywordChunk(Chunk(cid, doc, int(s), int(e), text), int(g))
                for cid, doc, s, e, text, g, _ in meta["chunks"]
            ]
            retriever = bm25s.BM25.load(str(folder / "bm25")) if chunks else None
            # Memory-mapped: only the rows of the passages a question reaches are read.
            matrix = np.load(folder / _SENTENCES_FILE, mmap_mode="r")
            sentence_vectors: dict[str, np.ndarray] = {}
            row = 0
            for kc, (*_, count) in zip(chunks, meta["chunks"], strict=True):
                if count >= 0:
                    sentence_vectors[kc.chunk.chunk_id] = matrix[row : row + count]
                    row += count
            if row != len(matrix):
                raise ValueError(f"{_SENTENCES_FILE} holds {len(matrix)} rows, expected {row}")
            words, word_rows, complete = _load_words(folder)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise IndexCorruptError(
                f"the keyword index in {folder} cannot be read ({exc}); "
                "rebuild it with `nato-qa ingest corpus/ --rebuild`"
            ) from None
        return cls(
            chunks,
            str(meta["fingerprint"]),
            retriever,
            sentence_vectors,
            words,
            word_rows,
            complete,
        )


def _load_words(folder: Path) -> tuple[list[str], np.ndarray | None, bool]:
    """The saved words, their vectors, and whether they are every word of the chunks.

    An index saved before query expansion has none: it still searches, without expansion.
    """
    if not (folder / _WORDS_FILE).exists():
        return [], None, False
    info = json.loads((folder / _WORDS_FILE).read_text(encoding="utf-8"))
    words = [str(w) for w in info["words"]]
    rows = np.load(folder / _WORD_VECTORS_FILE)
    if len(rows) != len(words) or (words and rows.ndim != 2):
        raise ValueError(f"{_WORD_VECTORS_FILE} holds {len(rows)} rows, expected {len(words)}")
    return words, rows, bool(info["complete"])


_WORD_RE = re.compile(r"[a-z]{3,}")


def vocabulary(texts: Iterable[str]) -> list[str]:
    """The distinct content words of ``texts`` (lower case, 3+ letters, no stopwords), sorted."""
    stop = _stopwords()
    found: set[str] = set()
    for text in texts:
        found.update(_WORD_RE.findall(text.lower()))
    return sorted(found - stop)


def near_duplicate_groups(
    chunks: Sequence[Chunk], vectors: np.ndarray, threshold: float
) -> list[int]:
    """Group numbers: chunks of different articles with cosine >= threshold share one."""
    n = len(chunks)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    block = 1024
    for lo in range(0, n, block):
        sims = vectors[lo : lo + block] @ vectors.T
        rows, cols = np.nonzero(sims >= threshold)
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            i = lo + r
            if c > i and chunks[i].doc_id != chunks[c].doc_id:
                parent[find(c)] = find(i)
    return [find(i) for i in range(n)]
