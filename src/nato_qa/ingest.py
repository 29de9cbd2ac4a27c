"""The ingestion pipeline: incremental, idempotent, and safe to kill at any point.

Per article the order of writes is: new chunks (deterministic ids, upserted), then stale
chunks deleted, then the article record, which marks the article complete. A run killed
anywhere leaves a state that the next run finishes: an article whose record is missing or
out of date is processed again, and chunks that belong to no article are removed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from nato_qa.chunking import chunk_article, sentence_spans
from nato_qa.config import Settings
from nato_qa.embedders import Embedder
from nato_qa.errors import IndexCorruptError, IngestError
from nato_qa.files import written_whole
from nato_qa.keyword import KeywordIndex, near_duplicate_groups, vocabulary
from nato_qa.loaders import iter_article_files, load_article
from nato_qa.store import ArticleRecord, StoredArticle, VectorStore
from nato_qa.types import Article, Chunk

log = logging.getLogger(__name__)

# Bump when cleaning or chunking changes what an unchanged file turns into.
# 4: captions, "more from…" lists and copyright lines are furniture; 5: the byline or the
# author's bio is kept in the text; 6: the masthead is the publisher; 7: a leading byline is
# left out of the chunks, and the author is stored on each chunk's source
PIPELINE_VERSION = "7"

ProgressFactory = Callable[[int], "Progress"]


class Progress:
    """A progress bar on stderr (tqdm); callers may pass their own factory (the UI does)."""

    def __init__(self, total: int, enabled: bool = True) -> None:
        from tqdm import tqdm

        self._bar = tqdm(total=total, desc="embedding", unit="chunk", disable=not enabled)

    def update(self, n: int) -> None:
        self._bar.update(n)

    def close(self) -> None:
        self._bar.close()


@dataclass
class IngestReport:
    """What one ingestion run did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # one line each: "path: reason"
    chunks_written: int = 0
    chunks_deleted: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        return (
            f"articles: {len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.removed)} removed, "
            f"{len(self.failed)} failed; chunks written: {self.chunks_written}; "
            f"{self.seconds:.1f} s"
        )


def article_fingerprint(article: Article, settings: Settings, embedder: Embedder) -> str:
    """Changes whenever the file or anything that shapes its chunks changes."""
    parts = [
        article.sha256, PIPELINE_VERSION, str(settings.chunk_size),
        str(settings.chunk_overlap), embedder.name,
    ]  # fmt: skip
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def store_fingerprint(articles: dict[str, StoredArticle], settings: Settings) -> str:
    """Identifies the set of chunks in the store, from the article records alone."""
    items = sorted(f"{doc}={a.fingerprint}:{a.n_chunks}" for doc, a in articles.items())
    items.append(f"dup={settings.near_duplicate_similarity}")
    return hashlib.sha256("\n".join(items).encode()).hexdigest()


def build_keyword_index(
    store: VectorStore,
    settings: Settings,
    embedder: Embedder | None = None,
    known: Mapping[str, np.ndarray] | None = None,
    progress: ProgressFactory | None = None,
    known_words: Mapping[str, np.ndarray] | None = None,
) -> KeywordIndex:
    """Build the BM25 index and near-duplicate groups from what the store holds, and save it.

    Sentence vectors come from ``known`` (by chunk id) and word vectors from ``known_words``
    (by word); with an ``embedder`` the missing ones are computed. Without one, sentence
    vectors are left to be computed at query time and query expansion waits for the next
    ingestion.
    """
    fingerprint = store_fingerprint(store.articles(), settings)
    chunks, vectors = store.all_chunks(with_embeddings=True)
    groups = (
        near_duplicate_groups(chunks, vectors, settings.near_duplicate_similarity)
        if vectors is not None and len(chunks)
        else []
    )
    sentence_vectors = dict(known or {})
    missing = [c for c in chunks if c.chunk_id not in sentence_vectors]
    if missing and embedder is not None:
        log.info("computing the sentence vectors of %d chunks", len(missing))
        _, rows = _embed(embedder, [c.text for c in missing], progress)
        sentence_vectors.update(zip((c.chunk_id for c in missing), rows, strict=True))
    words = vocabulary(c.text for c in chunks)
    word_vectors = dict(known_words or {})
    new_words = [w for w in words if w not in word_vectors]
    if new_words and embedder is not None:
        log.info("computing the vectors of %d new words", len(new_words))
        word_vectors.update(zip(new_words, embedder.encode_words(new_words), strict=True))
    index = KeywordIndex.build(chunks, groups, fingerprint, sentence_vectors, word_vectors, words)
    index.save(settings.keyword_dir)
    return index


def saved_keyword_index(settings: Settings) -> KeywordIndex | None:
    """The keyword index saved beside the store, or None when there is none or it is damaged."""
    try:
        return KeywordIndex.load(settings.keyword_dir)
    except IndexCorruptError as exc:  # derived data: rebuilt from the store
        log.warning("%s; rebuilding it from the store", exc)
        return None


def load_keyword_index(
    store: VectorStore,
    settings: Settings,
    embedder: Embedder | None = None,
    known: Mapping[str, np.ndarray] | None = None,
    progress: ProgressFactory | None = None,
) -> KeywordIndex:
    """The saved index when it matches the store, else a fresh one.

    With an ``embedder`` (ingestion) the index returned has every chunk's sentence vectors
    and every word's vector.
    """
    saved = saved_keyword_index(settings)
    if (
        saved is not None
        and saved.fingerprint == store_fingerprint(store.articles(), settings)
        and (embedder is None or (saved.has_every_sentence_vector and saved.words_complete))
    ):
        return saved
    log.info("keyword index missing or out of step with the store; rebuilding it")
    previous = saved.all_sentence_vectors if saved is not None else {}
    words = saved.word_vectors if saved is not None else {}
    return build_keyword_index(
        store, settings, embedder, {**previous, **(known or {})}, progress, words
    )


def _in_scope(source_path: str, roots: Sequence[Path]) -> bool:
    """Whether an article's file lies in one of the folders (or is one of the files) named."""
    if not source_path:
        return False
    source = Path(source_path)
    for root in roots:
        root = root.resolve()
        if source == root or root in source.parents:
            return True
    return False


def ingest(
    paths: Iterable[Path],
    settings: Settings,
    store: VectorStore,
    embedder: Embedder,
    rebuild: bool = False,
    progress: ProgressFactory | None = None,
) -> tuple[IngestReport, KeywordIndex]:
    """Bring the store in step with the files under ``paths``.

    Args:
        paths: files and folders; folders are searched for supported files.
        settings: chunking and store settings.
        store: the vector store to update.
        embedder: the embedding model.
        rebuild: drop everything in the store first.
        progress: makes a progress bar for the embedding step.

    Returns:
        The report, and the keyword index now in step with the store.
    """
    started = time.perf_counter()
    roots = list(paths)
    report = IngestReport()
    if rebuild:
        store.reset()
        _pending_file(settings).unlink(missing_ok=True)
    stored = store.articles()
    carried = _re_embedding(store, embedder, stored, settings)
    store.check_embedder(embedder.name, claim=True)  # never two models' vectors in one store

    loaded: dict[str, Article] = {}
    for path in iter_article_files(roots):
        try:
            article = load_article(path, settings.max_file_bytes)
        except IngestError as exc:
            report.failed.append(str(exc))
            continue
        if article.doc_id in loaded:
            report.failed.append(
                f"{path}: document id {article.doc_id!r} is already taken by "
                f"{loaded[article.doc_id].source_path}; rename one of the files"
            )
            continue
        loaded[article.doc_id] = article

    # A store another embedder built: its articles come back from their saved text, unless
    # their file is in a folder named and gone (then they are reported removed below).
    for doc_id, article in carried.items():
        gone = _in_scope(article.source_path, roots) and not Path(article.source_path).exists()
        if doc_id not in loaded and not gone:
            loaded[doc_id] = article

    # Which articles need work, and which of their chunks need embedding.
    todo: list[_Work] = []
    for doc_id, article in loaded.items():
        fingerprint = article_fingerprint(article, settings, embedder)
        previous = stored.get(doc_id)
        if previous is not None and previous.fingerprint == fingerprint:
            report.unchanged.append(doc_id)
            continue
        chunks = chunk_article(article, settings.chunk_size, settings.chunk_overlap)
        existing = set(store.chunk_ids(doc_id))
        todo.append(
            _Work(
                article,
                fingerprint,
                len(chunks),
                fresh=[c for c in chunks if c.chunk_id not in existing],
                stale=sorted(existing - {c.chunk_id for c in chunks}),
            )
        )

    # Embed and write a group of articles at a time (about 4 embedding batches of chunks):
    # work is saved as it goes, and Chroma writes many rows in one call. Within a group,
    # the chunks are written before the article records that mark them complete.
    sentences_of: dict[str, np.ndarray] = {}
    bar = progress(sum(len(w.fresh) for w in todo)) if progress else None
    try:
        for group in _groups(todo, max(embedder.batch_size * 4, 1)):
            fresh = [c for w in group for c in w.fresh]
            vectors, rows = _embed(embedder, [c.text for c in fresh], None)
            vector_of = {c.chunk_id: vectors[i] for i, c in enumerate(fresh)}
            sentences_of.update((c.chunk_id, rows[i]) for i, c in enumerate(fresh))
            store.upsert_chunks(fresh, vectors)
            stale = [cid for w in group for cid in w.stale]
            store.delete_chunks(stale)
            store.put_articles(
                [
                    ArticleRecord(
                        w.article,
                        w.fingerprint,
                        w.n_chunks,
                        _article_vector(embedder, w.fresh, vector_of, w.article),
                    )
                    for w in group
                ]
            )
            for w in group:
                (report.updated if w.article.doc_id in stored else report.added).append(
                    w.article.doc_id
                )
            report.chunks_written += len(fresh)
            report.chunks_deleted += len(stale)
            if bar:
                bar.update(len(fresh))
    finally:
        if bar:
            bar.close()

    # Articles whose files are gone from the folders named.
    for doc_id, previous in stored.items():
        if doc_id in loaded or not _in_scope(previous.article.source_path, roots):
            continue
        if not Path(previous.article.source_path).exists():
            store.delete_article(doc_id)
            report.removed.append(doc_id)

    # Chunks left by a run that was killed before it wrote their article's record.
    articles_now = store.articles()
    orphans = [cid for cid, doc in store.chunk_ids().items() if doc not in articles_now]
    store.delete_chunks(orphans)
    report.chunks_deleted += len(orphans)

    keyword = load_keyword_index(store, settings, embedder, sentences_of, progress)
    _pending_file(settings).unlink(missing_ok=True)  # every carried article is written
    report.seconds = time.perf_counter() - started
    return report, keyword


def _pending_file(settings: Settings) -> Path:
    return settings.data_dir / "re-embedding.json"


def _re_embedding(
    store: VectorStore, embedder: Embedder, stored: dict[str, StoredArticle], settings: Settings
) -> dict[str, Article]:
    """The articles to embed again because another embedder built the store (the setting
    changed), by doc_id; the store is emptied for them. Their text is kept in a file until
    they are all written, so a run killed halfway loses none (the next run reads it)."""
    pending = _pending_file(settings)
    carried: dict[str, Article] = {}
    if pending.exists():
        try:
            carried = {a["doc_id"]: Article(**a) for a in json.loads(pending.read_text())}
        except (OSError, ValueError, TypeError, KeyError) as exc:
            log.warning("%s unreadable (%s); its articles are not carried over", pending, exc)
    recorded = store.embedder_name()
    if recorded is None or recorded == embedder.name:
        return carried
    carried.update((doc_id, s.article) for doc_id, s in stored.items())
    log.warning(
        "the store was built with the %s embedder and the settings give %s: embedding its "
        "%d articles again",
        recorded,
        embedder.name,
        len(carried),
    )
    with written_whole(pending) as out:
        out.write(json.dumps([dataclasses.asdict(a) for a in carried.values()]).encode())
    store.reset()
    return carried


@dataclass
class _Work:
    """An article to (re)write: its chunks not yet stored, and its stored chunks now gone."""

    article: Article
    fingerprint: str
    n_chunks: int
    fresh: list[Chunk]
    stale: list[str]


def _groups(todo: list[_Work], size: int) -> Iterable[list[_Work]]:
    """Consecutive articles holding about ``size`` chunks to embed (at least one article)."""
    group: list[_Work] = []
    count = 0
    for work in todo:
        group.append(work)
        count += len(work.fresh)
        if count >= size:
            yield group
            group, count = [], 0
    if group:
        yield group


def _embed(
    embedder: Embedder, texts: list[str], progress: ProgressFactory | None
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Chunk vectors and, from the same model run, each chunk's sentence vectors."""
    bar = progress(len(texts)) if progress else None
    parts: list[np.ndarray] = []
    sentences: list[np.ndarray] = []
    step = max(embedder.batch_size * 4, 1)
    try:
        for lo in range(0, len(texts), step):
            batch = texts[lo : lo + step]
            vectors, rows = embedder.encode_passages_and_sentences(
                batch, [sentence_spans(t) for t in batch]
            )
            parts.append(vectors)
            sentences.extend(rows)
            if bar:
                bar.update(len(batch))
    finally:
        if bar:
            bar.close()
    matrix = np.concatenate(parts) if parts else np.zeros((0, embedder.dimension), np.float32)
    return matrix, sentences


def _article_vector(
    embedder: Embedder, fresh: list[Chunk], vector_of: dict[str, np.ndarray], article: Article
) -> np.ndarray:
    """A unit vector for the article record: the mean of its new chunk vectors."""
    if fresh:
        mean = np.mean([vector_of[c.chunk_id] for c in fresh], axis=0)
    else:
        mean = embedder.encode_passages([article.title])[0]
    norm = float(np.linalg.norm(mean)) or 1.0
    return np.asarray(mean / norm, dtype=np.float32)
