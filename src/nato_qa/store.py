"""The vector store: the only module that imports ``chromadb``.

Two collections: ``<name>`` holds one record per chunk (its embedding, text and offsets);
``<name>__articles`` holds one record per article (its clean text and metadata). An article
record is written last, after its chunks, so it marks the article as completely ingested.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from nato_qa.config import Settings, make_offline
from nato_qa.errors import (
    EmbedderMismatchError,
    IndexCorruptError,
    NatoQAError,
    StoreNotWritableError,
    StoreUnavailableError,
)
from nato_qa.types import Article, Chunk

_PAGE = 1000


@dataclass(frozen=True)
class StoredArticle:
    """An article record as the store holds it."""

    article: Article
    fingerprint: str
    n_chunks: int


@dataclass(frozen=True)
class ArticleRecord:
    """What the store keeps about an ingested article: written after its chunks."""

    article: Article
    fingerprint: str
    n_chunks: int
    vector: np.ndarray


@dataclass(frozen=True)
class DenseMatch:
    chunk_id: str
    doc_id: str
    start: int
    end: int
    text: str
    similarity: float


def _clean_meta(meta: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in meta.items() if v is not None}


class VectorStore:
    """Chroma, persistent in a folder or behind a ``chroma run`` server."""

    def __init__(self, settings: Settings) -> None:
        make_offline()
        self.settings = settings
        self.location = settings.chroma_url or str(settings.store_dir)
        self._chunks: Any = None
        self._articles: Any = None
        self._client: Any = None
        # SQLite keeps a connection it opened while the folder could not be written read-only
        # after the folder is writable again: a write that failed so opens the store afresh
        # before the next write.
        self._reopen = False
        with self._errors("open"):
            self._open()

    def _open(self) -> None:
        """Connect and open both collections; a client that fails to open is dropped."""
        try:
            self._client = self._connect()
            self._open_collections()
        except BaseException:
            self._discard()
            raise

    def _discard(self) -> None:
        """Drop a client that failed to open or was left read-only, so that the next attempt
        starts afresh.

        chromadb caches one System per path and keeps it even when it failed to start.
        """
        if self._client is not None:
            with contextlib.suppress(Exception):
                self._client.close()
        if not self.settings.chroma_url:
            with contextlib.suppress(Exception):
                from chromadb.api.shared_system_client import SharedSystemClient

                path = str(self.settings.store_dir)
                system = SharedSystemClient._identifier_to_system.pop(path, None)
                SharedSystemClient._identifier_to_refcount.pop(path, None)
                if system is not None:
                    with contextlib.suppress(Exception):
                        system.stop()

    def _connect(self) -> Any:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
        url = self.settings.chroma_url
        if url:
            parsed = urlparse(url if "://" in url else f"http://{url}")
            if not parsed.hostname:
                raise StoreUnavailableError(f"NATO_QA_CHROMA_URL {url!r} has no host name")
            client = chromadb.HttpClient(
                host=parsed.hostname,
                port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                ssl=parsed.scheme == "https",
                settings=chroma_settings,
            )
            # chromadb's httpx session waits forever (timeout=None): a hung server would hold
            # a question, and a UI queue slot, for good.
            import httpx

            session = getattr(getattr(client, "_server", None), "_session", None)
            if isinstance(session, httpx.Client):
                session.timeout = httpx.Timeout(self.settings.store_timeout)
            return client
        os.makedirs(self.settings.store_dir, exist_ok=True)
        return chromadb.PersistentClient(
            path=str(self.settings.store_dir), settings=chroma_settings
        )

    @contextmanager
    def _writing(self, action: str) -> Iterator[None]:
        """A write, on a store opened afresh when an earlier write found it unwritable."""
        with self._errors(action):
            if self._reopen:
                self._discard()
                self._open()
                self._reopen = False
            yield

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        """Turn Chroma's failures into errors that say what to do."""
        try:
            yield
        except NatoQAError:
            raise
        except Exception as exc:  # chromadb raises many unrelated types
            name = type(exc).__name__
            text = str(exc)
            if name == "NotFoundError" or "does not exist" in text:
                # The collections were dropped behind our back (a server reset or started on
                # another folder): open them afresh so that an ingest can fill them again.
                with contextlib.suppress(Exception):
                    self._open_collections()
                raise StoreUnavailableError(
                    f"the store at {self.location} no longer holds the collections ({text}); "
                    "run `nato-qa ingest corpus/` to index the articles again"
                ) from exc
            if self.settings.chroma_url and (
                "connect" in text.lower()
                or name in {"ConnectError", "ConnectionError", "ReadTimeout", "RemoteProtocolError"}
                or "Could not connect" in text
            ):
                raise StoreUnavailableError(
                    f"the Chroma server at {self.settings.chroma_url} does not answer ({name}); "
                    "start it (`chroma run --host 127.0.0.1 --path DIR`) or unset NATO_QA_CHROMA_URL"
                ) from exc
            if self.settings.chroma_url:
                raise StoreUnavailableError(
                    f"the Chroma server at {self.settings.chroma_url} failed to {action}: {text}"
                ) from exc
            if _is_write_failure(exc):
                self._reopen = True
                raise StoreNotWritableError(
                    f"the store in {self.settings.store_dir} cannot be written ({name}: {text}); "
                    "make the folder writable and free some disk space, then try again; "
                    "the index is unchanged"
                ) from exc
            raise IndexCorruptError(
                f"the store in {self.settings.store_dir} cannot be read ({name}: {text}); "
                "rebuild it with `nato-qa ingest corpus/ --rebuild` "
                f"(or delete {self.settings.store_dir}/ and ingest again)"
            ) from exc

    # -- articles -----------------------------------------------------------------------------

    def articles(self) -> dict[str, StoredArticle]:
        """Every completely ingested article, by doc_id."""
        out: dict[str, StoredArticle] = {}
        with self._errors("list articles"):
            offset = 0
            while True:
                page = self._articles.get(
                    include=["documents", "metadatas"], limit=_PAGE, offset=offset
                )
                for doc_id, text, meta in zip(
                    page["ids"], page["documents"] or [], page["metadatas"] or [], strict=False
                ):
                    out[doc_id] = StoredArticle(
                        article=Article(
                            doc_id=doc_id,
                            title=str(meta.get("title", doc_id)),
                            text=text or "",
                            sha256=str(meta.get("sha256", "")),
                            source_path=str(meta.get("source_path", "")),
                            publisher=_opt(meta.get("publisher")),
                            author=_opt(meta.get("author")),
                            date=_opt(meta.get("date")),
                            url=_opt(meta.get("url")),
                            byline=_opt(meta.get("byline")),
                        ),
                        fingerprint=str(meta.get("fingerprint", "")),
                        n_chunks=int(meta.get("n_chunks", 0)),
                    )
                if len(page["ids"]) < _PAGE:
                    return out
                offset += _PAGE

    def put_articles(self, records: Sequence[ArticleRecord]) -> None:
        """Mark articles as completely ingested (call after their chunks are written)."""
        if not records:
            return
        metas = [
            _clean_meta(
                {
                    "title": r.article.title,
                    "sha256": r.article.sha256,
                    "source_path": r.article.source_path,
                    "publisher": r.article.publisher,
                    "author": r.article.author,
                    "date": r.article.date,
                    "url": r.article.url,
                    "byline": r.article.byline,
                    "fingerprint": r.fingerprint,
                    "n_chunks": r.n_chunks,
                }
            )
            for r in records
        ]
        with self._writing("write an article"):
            self._articles.upsert(
                ids=[r.article.doc_id for r in records],
                documents=[r.article.text for r in records],
                metadatas=metas,
                embeddings=np.stack([r.vector for r in records]),
            )

    def delete_article(self, doc_id: str) -> None:
        """Remove an article's record first, then its chunks."""
        with self._writing("delete an article"):
            self._articles.delete(ids=[doc_id])
            self._chunks.delete(where={"doc_id": doc_id})

    # -- chunks -------------------------------------------------------------------------------

    def chunk_ids(self, doc_id: str | None = None) -> dict[str, str]:
        """chunk id -> doc_id, for one article or all."""
        out: dict[str, str] = {}
        with self._errors("list chunks"):
            offset = 0
            while True:
                page = self._chunks.get(
                    where={"doc_id": doc_id} if doc_id else None,
                    include=["metadatas"],
                    limit=_PAGE * 10,
                    offset=offset,
                )
                for cid, meta in zip(page["ids"], page["metadatas"] or [], strict=False):
                    out[cid] = str(meta.get("doc_id", ""))
                if len(page["ids"]) < _PAGE * 10:
                    return out
                offset += _PAGE * 10

    def upsert_chunks(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        if not chunks:
            return
        with self._writing("write chunks"):
            self._chunks.upsert(
                ids=[c.chunk_id for c in chunks],
                embeddings=vectors,
                documents=[c.text for c in chunks],
                metadatas=[{"doc_id": c.doc_id, "start": c.start, "end": c.end} for c in chunks],
            )

    def delete_chunks(self, ids: Sequence[str]) -> None:
        if ids:
            with self._writing("delete chunks"):
                self._chunks.delete(ids=list(ids))

    def all_chunks(self, with_embeddings: bool = False) -> tuple[list[Chunk], np.ndarray | None]:
        """Every chunk (and optionally its vector), ordered by id."""
        include: list[Any] = ["documents", "metadatas"]
        if with_embeddings:
            include.append("embeddings")
        chunks: list[Chunk] = []
        vectors: list[Any] = []
        with self._errors("read chunks"):
            offset = 0
            while True:
                page = self._chunks.get(include=include, limit=_PAGE, offset=offset)
                for i, cid in enumerate(page["ids"]):
                    meta = (page["metadatas"] or [])[i]
                    chunks.append(
                        Chunk(
                            cid,
                            str(meta["doc_id"]),
                            int(meta["start"]),
                            int(meta["end"]),
                            (page["documents"] or [])[i] or "",
                        )
                    )
                    if with_embeddings:
                        vectors.append((page["embeddings"])[i])
                if len(page["ids"]) < _PAGE:
                    break
                offset += _PAGE
        order = sorted(range(len(chunks)), key=lambda i: chunks[i].chunk_id)
        chunks = [chunks[i] for i in order]
        matrix = (
            np.asarray([vectors[i] for i in order], dtype=np.float32) if with_embeddings else None
        )
        return chunks, matrix

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored embeddings of some chunks, by id."""
        if not ids:
            return {}
        with self._errors("read vectors"):
            page = self._chunks.get(ids=list(ids), include=["embeddings"])
        embeddings = page["embeddings"]
        if embeddings is None:
            return {}
        return {
            cid: np.asarray(vec, dtype=np.float32)
            for cid, vec in zip(page["ids"], embeddings, strict=True)
        }

    def count(self) -> int:
        with self._errors("count chunks"):
            return int(self._chunks.count())

    def embedder_name(self) -> str | None:
        """The embedder that built the store (a store from before it was recorded: "minilm");
        None while the store is empty."""
        with self._errors("read the store's embedder"):
            recorded = (self._chunks.metadata or {}).get(EMBEDDER_KEY)
            if recorded is None and self._chunks.count():
                return LEGACY_EMBEDDER
        return str(recorded) if recorded is not None else None

    def check_embedder(self, name: str, claim: bool = False) -> None:
        """Refuse an embedder other than the store's; ``claim`` records ``name`` in an
        empty store (ingestion).

        Raises:
            EmbedderMismatchError: the store was built by another embedder.
        """
        recorded = self.embedder_name()
        if recorded is not None and recorded != name:
            raise EmbedderMismatchError(
                f"the store was built with the {recorded} embedder, but the settings give "
                f"{name} (NATO_QA_EMBEDDER, NATO_QA_SEARCH_EMBEDDER): run `nato-qa ingest` "
                f"to embed its articles again with {name} (none is lost), or set them back "
                f"to {recorded}"
            )
        if claim and recorded is None:
            with self._writing("record the store's embedder"):
                self._chunks.modify(metadata={EMBEDDER_KEY: name})

    def query(self, vector: np.ndarray, n: int) -> list[DenseMatch]:
        """The ``n`` chunks nearest to ``vector`` by cosine similarity."""
        with self._errors("search"):  # chromadb 1.x returns fewer when it holds fewer
            result = self._chunks.query(
                query_embeddings=[vector.tolist()],
                n_results=n,
                include=["documents", "metadatas", "distances"],
            )
        matches = []
        for cid, text, meta, distance in zip(
            result["ids"][0],
            (result["documents"] or [[]])[0],
            (result["metadatas"] or [[]])[0],
            (result["distances"] or [[]])[0],
            strict=False,
        ):
            matches.append(
                DenseMatch(
                    cid,
                    str(meta["doc_id"]),
                    int(meta["start"]),
                    int(meta["end"]),
                    text or "",
                    1.0 - float(distance),
                )
            )
        return matches

    def reset(self) -> None:
        """Drop both collections and create them empty."""
        with self._writing("reset"):
            for name in (self.settings.collection, f"{self.settings.collection}__articles"):
                with contextlib.suppress(Exception):  # absent collection: nothing to drop
                    self._client.delete_collection(name)
            self._open_collections()

    def _open_collections(self) -> None:
        for attr, name in (
            ("_chunks", self.settings.collection),
            ("_articles", f"{self.settings.collection}__articles"),
        ):
            collection = self._client.get_or_create_collection(
                name, metadata={"hnsw:space": "cosine"}, embedding_function=None
            )
            setattr(self, attr, collection)


EMBEDDER_KEY = "nato_qa:embedder"
LEGACY_EMBEDDER = "minilm"  # stores written before the embedder was recorded

_WRITE_ERRNOS = {errno.EROFS, errno.ENOSPC, errno.EACCES, errno.EPERM, errno.EDQUOT}
_WRITE_TEXTS = ("readonly", "read-only", "disk is full", "unable to open database file",
                "(code: 8)", "(code: 13)", "(code: 14)", "no space left")  # fmt: skip


def _is_write_failure(exc: BaseException) -> bool:
    """A folder that cannot be written or a full disk, not a damaged store."""
    if isinstance(exc, OSError) and exc.errno in _WRITE_ERRNOS:
        return True
    return any(t in str(exc).lower() for t in _WRITE_TEXTS)


def set_aside(folder: Path) -> Path:
    """Rename a damaged store folder (or file) out of the way; returns its new name."""
    target = folder.with_name(f"{folder.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    os.replace(folder, target)
    return target


def check_room(folder: Path, margin: int = 16 << 20) -> None:
    """Refuse a rebuild that the disk cannot hold: it would drop the index, then fail.

    Raises:
        StoreNotWritableError: less free space than the store takes now, plus a margin.
    """
    if not folder.exists():
        return
    used = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    free = shutil.disk_usage(folder).free
    if free < used + margin:
        raise StoreNotWritableError(
            f"only {free:,} bytes are free beside {folder}, which takes {used:,}; a rebuild "
            "needs at least as much again: free some disk space first (the index is unchanged)"
        )


def _opt(value: Any) -> str | None:
    return None if value in (None, "") else str(value)
