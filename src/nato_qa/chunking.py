"""Sentence spans and sentence-aware chunks, with exact character offsets into the clean text."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

from nato_qa.types import Article, Chunk

# Words after which a period does not end a sentence.
_ABBREVIATIONS = {
    "u.s", "u.k", "u.n", "e.u", "mr", "mrs", "ms", "dr", "prof", "st", "gen", "lt", "col",
    "capt", "sgt", "rep", "sen", "gov", "no", "vs", "etc", "e.g", "i.e", "inc", "ltd", "co",
    "jr", "sr", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "fig", "approx", "dept", "est", "mt", "ft",
}  # fmt: skip
_BOUNDARY_RE = re.compile(r"[.!?…]+[\"”’')\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9À-Þ])")
_PARAGRAPH_RE = re.compile(r"[^\n]+")


_LAST_WORD_RE = re.compile(r"([A-Za-z.]+)\.$")
_WORD_CHAR_RE = re.compile(r"[A-Za-z.]")
_LOOK_BACK = 32  # longer than any abbreviation: a sentence end looks only this far back


def _ends_with_abbreviation(text: str, end: int) -> bool:
    lo = max(0, end - _LOOK_BACK)
    word = _LAST_WORD_RE.search(text, lo, end)
    if not word:
        return False
    if word.start() == lo and lo > 0 and _WORD_CHAR_RE.match(text, lo - 1):
        return False  # the word goes on past the look-back: longer than any abbreviation
    token = word.group(1).lower()
    return token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha())


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence; a paragraph break always ends a sentence."""
    spans: list[tuple[int, int]] = []
    for paragraph in _PARAGRAPH_RE.finditer(text):
        start = paragraph.start()
        while start < paragraph.end() and text[start].isspace():
            start += 1
        for boundary in _BOUNDARY_RE.finditer(text, start, paragraph.end()):
            end = boundary.end()
            period = boundary.group(0).rstrip("\"”’')]")
            if period == "." and _ends_with_abbreviation(text, boundary.start() + 1):
                continue
            if end > start:
                spans.append((start, end))
            start = end
            while start < paragraph.end() and text[start].isspace():
                start += 1
        end = paragraph.end()
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


def chunk_id_for(doc_id: str, start: int, end: int, text: str) -> str:
    """Deterministic id: document, offsets and a hash of the content."""
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]
    return f"{doc_id}:{start}-{end}:{digest}"


def _windows(
    spans: list[tuple[int, int]], max_chars: int, overlap: int
) -> Iterator[tuple[int, int]]:
    """Runs of whole sentences up to ``max_chars``; neighbours share ``overlap`` sentences."""
    i = 0
    while i < len(spans):
        j = i + 1
        while j < len(spans) and spans[j][1] - spans[i][0] <= max_chars:
            j += 1
        yield i, j
        if j >= len(spans):
            return
        i = max(i + 1, j - overlap)


_HEADING_END = re.compile(r"[.!?…:;,\"”’')\]]$")


def is_heading(line: str) -> bool:
    """A subheading or a byline: a short line of its own that does not end like a sentence
    ("The court case", "What happens next", "By Jo Bloggs, Chief Reporter | Published 3 March
    2025"). Kept as structure; never quoted as an answer."""
    line = line.strip()
    return (
        bool(line)
        and len(line) <= 120
        and len(line.split()) <= 16
        and not _HEADING_END.search(line)
    )


def chunk_article(article: Article, max_chars: int, overlap: int) -> list[Chunk]:
    """Split an article into chunks of whole sentences, across paragraphs, within a section.

    News pages write one or two sentences a paragraph, so a chunk runs over paragraphs up
    to ``max_chars``; a subheading (``is_heading``) starts a new section, and so a new chunk
    that opens with it. A byline that opens the text is left out of every chunk.

    Args:
        article: the cleaned article.
        max_chars: the longest chunk, unless one sentence is longer on its own.
        overlap: sentences repeated at the start of the next chunk of the same section.

    Returns:
        Chunks whose ``start``/``end`` slice ``article.text`` to exactly their text.
    """
    text = article.text
    # A byline that opens the text is there to be cited for who wrote it, not searched: its
    # date and names would match questions about anything else.
    lead = len(article.byline) if article.byline and text.startswith(article.byline) else 0
    sections: list[list[tuple[int, int]]] = [[]]
    for span in sentence_spans(text):
        if span[1] <= lead:
            continue
        line_start = text.rfind("\n", 0, span[0]) + 1
        line_end = text.find("\n", span[1])
        whole_line = text[line_start : len(text) if line_end < 0 else line_end]
        if is_heading(whole_line) and whole_line.strip() == text[span[0] : span[1]].strip():
            sections.append([])
        sections[-1].append(span)
    chunks: list[Chunk] = []
    for spans in sections:
        for i, j in _windows(spans, max_chars, overlap):
            start, end = spans[i][0], spans[j - 1][1]
            body = text[start:end]
            chunk_id = chunk_id_for(article.doc_id, start, end, body)
            chunks.append(Chunk(chunk_id, article.doc_id, start, end, body))
    return chunks
