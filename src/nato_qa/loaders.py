"""Files to ``Article``: .txt/.md (optional YAML front matter), .html (trafilatura), .pdf (pypdf)."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml

from nato_qa.clean import clean_article, find_date
from nato_qa.errors import IngestError
from nato_qa.types import Article

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf")
_FRONT_MATTER_RE = re.compile(r"\A---\s*\n(?P<yaml>.*?)\n---\s*\n", re.S)
_DOC_ID_RE = re.compile(r"[^A-Za-z0-9._-]+")


def doc_id_for(path: Path) -> str:
    """The document id: the file stem, reduced to characters safe in ids and URLs."""
    return _DOC_ID_RE.sub("-", path.stem).strip("-.") or "document"


def title_from_doc_id(doc_id: str) -> str:
    """A readable title for a page that states none: 'japan-seeks-role' -> 'Japan seeks role'."""
    words = re.sub(r"[-_]+", " ", doc_id).split()
    text = " ".join(w.upper() if w.lower() in {"nato", "us", "eu", "un"} else w for w in words)
    return text[:1].upper() + text[1:]


def iter_article_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Every file named, and every supported file below each folder named, sorted.

    Missing paths are yielded too, so that the loader reports them.
    """
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in SUPPORTED_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            yield path


def _decode(path: Path, data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise IngestError(f"{path}: looks like a binary file, not text; save it as UTF-8 text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"{path}: is not UTF-8 text (bad byte at position {exc.start}); re-save it as UTF-8"
        ) from None


def _front_matter(path: Path, text: str) -> tuple[dict[str, Any], str]:
    match = _FRONT_MATTER_RE.match(text)
    if not match:
        return {}, text
    try:
        meta = yaml.safe_load(match.group("yaml")) or {}
    except yaml.YAMLError as exc:
        raise IngestError(f"{path}: the YAML front matter is malformed ({exc})") from None
    if not isinstance(meta, dict):
        raise IngestError(f"{path}: the YAML front matter must be a mapping of fields")
    return meta, text[match.end() :]


def _html_text(path: Path, html: str) -> tuple[dict[str, Any], str]:
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=False) or ""
    meta: dict[str, Any] = {}
    info = trafilatura.extract_metadata(html)
    if info is not None:
        meta = {
            "title": info.title,
            "author": info.author,
            "publisher": info.sitename,
            "date": info.date,
            "url": info.url,
        }
        if meta["title"] and not text.startswith(meta["title"]):
            text = f"{meta['title']}\n\n{text}"
    return meta, text


def _pdf_text(path: Path, data: bytes) -> tuple[dict[str, Any], str]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
        info: dict[str, Any] = dict(reader.metadata or {})
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise IngestError(f"{path}: is not a readable PDF ({exc})") from None
    meta = {"title": info.get("/Title"), "author": info.get("/Author")}
    # PDF text wraps lines; join wrapped lines so that paragraphs survive cleaning.
    text = re.sub(r"(?<![.!?:])\n(?=\S)", " ", text)
    return meta, text


def _iso_date(value: Any) -> str | None:
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return str(value.isoformat())[:10]
    return find_date(str(value))


def load_article(path: Path, max_bytes: int) -> Article:
    """Read one file into an Article.

    Args:
        path: a .txt, .md, .html or .pdf file.
        max_bytes: files larger than this are refused.

    Returns:
        The cleaned article with its metadata.

    Raises:
        IngestError: the file is missing, empty, too large, binary, not UTF-8, of an
            unsupported type, or has no article text.
    """
    if not path.exists():
        raise IngestError(f"{path}: no such file or folder")
    if not path.is_file():
        raise IngestError(f"{path}: not a regular file")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(
            f"{path}: unsupported file type {suffix or '(none)'!r}; "
            f"use one of {', '.join(SUPPORTED_SUFFIXES)}"
        )
    size = path.stat().st_size
    if size > max_bytes:
        raise IngestError(
            f"{path}: {size:,} bytes is over the limit of {max_bytes:,} "
            "(raise NATO_QA_MAX_FILE_BYTES to allow it)"
        )
    data = path.read_bytes()
    if not data.strip():
        raise IngestError(f"{path}: the file is empty")

    if suffix == ".pdf":
        meta, body = _pdf_text(path, data)
    elif suffix in (".html", ".htm"):
        meta, body = _html_text(path, _decode(path, data))
    else:
        meta, body = _front_matter(path, _decode(path, data))

    cleaned = clean_article(body)
    if not cleaned.text.strip():
        raise IngestError(f"{path}: no article text was found in the file")
    doc_id = doc_id_for(path)
    return Article(
        doc_id=doc_id,
        title=str(meta.get("title") or cleaned.title or title_from_doc_id(doc_id)),
        text=cleaned.text,
        sha256=hashlib.sha256(data).hexdigest(),
        source_path=str(path.resolve()),
        publisher=meta.get("publisher") or cleaned.publisher,
        author=meta.get("author") or cleaned.author,
        date=_iso_date(meta.get("date")) or cleaned.date,
        url=meta.get("url"),
        byline=cleaned.byline if cleaned.byline and cleaned.byline in cleaned.text else None,
    )
