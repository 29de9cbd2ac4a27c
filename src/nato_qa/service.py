"""The QA service: loads the models and the store once; every consumer goes through it."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

from nato_qa.answering import authorship
from nato_qa.answering.analysis import question_kind
from nato_qa.answering.followup import standalone_question
from nato_qa.backends.base import (
    AnswerBackend,
    BackendContext,
    Draft,
    Evidence,
    create_backend,
)
from nato_qa.config import Settings, load_settings, make_offline
from nato_qa.embedders import Embedder, create_embedder, reader_of, shared_embedder
from nato_qa.errors import (
    IndexCorruptError,
    IndexNotFoundError,
    InvalidQuestionError,
    ModelStoppedError,
    NatoQAError,
)
from nato_qa.ingest import IngestReport, ProgressFactory, ingest, load_keyword_index
from nato_qa.keyword import KeywordIndex
from nato_qa.retrieval import Retriever, load_reranker
from nato_qa.second_reader import SecondReader, create_second_reader
from nato_qa.store import VectorStore, check_room, set_aside
from nato_qa.types import Answer, Article, Hit
from nato_qa.vector_cache import VectorCache

log = logging.getLogger(__name__)
BROAD_PASSAGES = 8
# Control and invisible characters, and lone surrogates (JSON "\udcff", argv bytes that are
# not UTF-8): the tokenizer cannot encode those.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff\ud800-\udfff]")


class QAService:
    """Question answering over the indexed articles.

    Args:
        settings: the configuration; read from files and the environment when omitted.
    """

    def __init__(self, settings: Settings | None = None) -> None:
        make_offline()
        self.settings = settings or load_settings()
        self._lock = threading.RLock()
        self._backends: dict[str, AnswerBackend] = {}
        self._index: tuple[KeywordIndex, dict[str, Article], Retriever] | None = None
        self._warned: set[str] = set()
        self._vectors = VectorCache()  # sentence and question embeddings, shared across reloads

    # -- components, loaded once ---------------------------------------------------------------

    @cached_property
    def embedder(self) -> Embedder:
        settings = self.settings
        return create_embedder(
            settings.embedder,
            settings.embedding_model,
            settings.embed_batch_size,
            settings.search_embedder,
        )

    @cached_property
    def second_reader(self) -> SecondReader | None:
        """Another model's view of each sentence (``second_reader``), or None when off."""
        settings = self.settings
        return create_second_reader(
            settings.second_reader,
            reader_of(self.embedder),
            settings.keyword_dir.with_name(settings.keyword_dir.name + "-second-reader"),
            lambda name: shared_embedder(name, settings.embed_batch_size, settings.embedding_model),
        )

    @cached_property
    def store(self) -> VectorStore:
        return VectorStore(self.settings)

    @cached_property
    def reranker(self) -> Any | None:
        return load_reranker(self.settings.rerank_model)

    def _loaded(self) -> tuple[KeywordIndex, dict[str, Article], Retriever]:
        with self._lock:
            if self._index is None:
                self.refresh()
            assert self._index is not None
            return self._index

    def refresh(self, keyword: KeywordIndex | None = None) -> None:
        """Reload the article list and keyword index (after the store changed)."""
        with self._lock:
            self.store.check_embedder(self.embedder.name)
            articles = {doc: stored.article for doc, stored in self.store.articles().items()}
            keyword = keyword or load_keyword_index(self.store, self.settings)
            retriever = Retriever(
                self.settings,
                self.store,
                self.embedder,
                keyword,
                articles,
                self.reranker,
                self._vectors,
                self.second_reader,
            )
            self._index = (keyword, articles, retriever)

    @property
    def keyword(self) -> KeywordIndex:
        return self._loaded()[0]

    @property
    def articles(self) -> dict[str, Article]:
        """Every indexed article, by doc_id."""
        return self._loaded()[1]

    @property
    def retriever(self) -> Retriever:
        return self._loaded()[2]

    def backend(self, spec: str | None = None) -> AnswerBackend:
        """The answer backend for a model setting (cached)."""
        spec = (spec or self.settings.model).strip()
        with self._lock:
            if spec not in self._backends:
                self._backends[spec] = create_backend(spec, self.backend_context)
            return self._backends[spec]

    @cached_property
    def backend_context(self) -> BackendContext:
        """What backends are handed instead of the service."""
        return BackendContext(
            settings=self.settings,
            scorer=lambda: self.retriever.scorer,
            fallback=lambda: self.backend("extractive"),
            related_similarity=self.embedder.related_similarity,
        )

    def warm_up(self, spec: str | None = None) -> None:
        """Load the models, the index and a backend now, so the first answer is not slow."""
        self.embedder.encode_one("warm up")
        if reader_of(self.embedder) is not self.embedder:
            self.embedder.encode_passages(["warm up"])  # the search model, another one
        _ = self.keyword
        if self.second_reader is not None:
            self.second_reader.warm_up()
        if self.retriever.best_sentences is not None:
            self.retriever.best_sentences.warm_up()
        start = getattr(self.backend(spec), "warm_up", None)
        if start is not None:
            start()

    def close(self) -> None:
        """Stop what the backends started (a local model's worker process). Idempotent."""
        with self._lock:
            for backend in self._backends.values():
                stop = getattr(backend, "close", None)
                if stop is not None:
                    stop()

    def __enter__(self) -> QAService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- ingestion -----------------------------------------------------------------------------

    def ingest(
        self,
        paths: Iterable[Path] | None = None,
        rebuild: bool = False,
        progress: ProgressFactory | None = None,
    ) -> IngestReport:
        """Bring the store in step with ``paths`` (default: the corpus folder)."""
        with self._lock:
            if rebuild and not self.settings.chroma_url:
                try:
                    _ = self.store
                except IndexCorruptError as exc:  # unreadable: keep it aside, start afresh
                    moved = set_aside(self.settings.store_dir)
                    log.warning("%s; moved it to %s and rebuilding", exc, moved)
                check_room(self.settings.store_dir)
            report, keyword = ingest(
                list(paths) if paths is not None else [self.settings.corpus_dir],
                self.settings, self.store, self.embedder, rebuild=rebuild, progress=progress,
            )  # fmt: skip
            if self.second_reader is not None:
                self.second_reader.update(keyword.sentences(), progress)
            self.refresh(keyword)
            return report

    # -- answering -----------------------------------------------------------------------------

    def validate_question(self, question: Any) -> str:
        """The question with control characters removed.

        Raises:
            InvalidQuestionError: it is not text, is empty, or is over the length limit.
        """
        if not isinstance(question, str):
            raise InvalidQuestionError("the question must be text")
        clean = re.sub(r"\s+", " ", _CONTROL.sub(" ", question)).strip()
        if not clean:
            raise InvalidQuestionError("the question is empty: type a question about the articles")
        limit = self.settings.max_question_chars
        if len(clean) > limit:
            raise InvalidQuestionError(
                f"the question is {len(clean):,} characters long; the limit is {limit:,} "
                "(NATO_QA_MAX_QUESTION_CHARS). Ask a shorter question."
            )
        return clean

    def search(self, query: str, k: int | None = None) -> list[Hit]:
        """The best passages for a query.

        Raises:
            IndexNotFoundError: nothing has been ingested yet.
        """
        if not self.articles:
            raise IndexNotFoundError()
        return self.retriever.search(query, k or self.settings.k)

    def ask(self, question: str, history: Sequence[Any] | None = None, **overrides: Any) -> Answer:
        """Answer one question; see ``stream`` for the arguments."""
        answer: Answer | None = None
        for piece in self.stream(question, history, **overrides):
            if isinstance(piece, Answer):
                answer = piece
        assert answer is not None
        return answer

    def stream(
        self, question: str, history: Sequence[Any] | None = None, **overrides: Any
    ) -> Iterator[str | Answer]:
        """Yield the answer's text as it is produced, then the final Answer.

        Args:
            question: the user's question.
            history: earlier turns, oldest first ({"role", "content"} dicts or pairs).
            **overrides: ``k`` (passages) and ``model`` (alias ``backend``) for this call.

        Raises:
            InvalidQuestionError: the question is empty or too long.
            IndexNotFoundError: nothing has been ingested yet.
            BackendUnavailableError: the model setting names no known backend.
        """
        started = time.perf_counter()
        clean = self.validate_question(question)
        unknown = set(overrides) - {"k", "model", "backend"}
        if unknown:
            raise InvalidQuestionError(f"unknown option(s): {', '.join(sorted(unknown))}")
        k = int(overrides.get("k") or self.settings.k)
        spec = overrides.get("model") or overrides.get("backend") or self.settings.model
        backend = self.backend(spec)

        rewrite = getattr(backend, "standalone_question", None) or standalone_question
        standalone = rewrite(clean, history)
        if question_kind(standalone) == "broad":
            k = max(k, BROAD_PASSAGES)  # several passages speak to a broad question
        hits = authorship.without_author_bios(standalone, self.search(standalone, k), self.articles)
        retrieved = time.perf_counter()
        evidence = Evidence(standalone, hits, self.articles)

        draft: Draft | None = None
        notes: list[str] = []
        if authorship.asks_author(standalone):
            # who wrote an article: its byline answers, whatever the model (no model can know it
            # better than the page)
            draft = authorship.answer(standalone, hits, self.articles)
            backend = self.backend("extractive")
            yield draft.text
        else:
            try:
                for piece in backend.stream(evidence):
                    if isinstance(piece, Draft):
                        draft = piece
                    else:
                        yield piece
            except NatoQAError as exc:
                if backend.name == "extractive":
                    raise
                self._warn_once(backend.name, exc)
                if isinstance(exc, ModelStoppedError):
                    notes.append(str(exc))
                else:
                    notes.append(f"The {spec} model failed ({exc}); this is the extractive answer.")
                draft = None
        if draft is None:
            fallback = self.backend("extractive")
            for piece in fallback.stream(evidence):
                if isinstance(piece, Draft):
                    draft = piece
                elif notes:
                    yield piece
            backend = fallback
        assert draft is not None
        done = time.perf_counter()
        yield Answer(
            question=clean,
            text=draft.text,
            citations=draft.citations,
            refused=draft.refused,
            standalone_question=standalone,
            backend=backend.name if not notes else f"extractive (fallback from {spec})",
            timings={
                "retrieve_ms": round((retrieved - started) * 1000, 2),
                "generate_ms": round((done - retrieved) * 1000, 2),
                "total_ms": round((done - started) * 1000, 2),
            },
            notes=tuple(notes) + draft.notes,
            unsupported=draft.unsupported,
            related=draft.related,
        )

    def _warn_once(self, name: str, exc: Exception) -> None:
        key = f"{name}:{type(exc).__name__}"
        if key not in self._warned:
            self._warned.add(key)
            log.warning("backend %s failed, falling back to extractive: %s", name, exc)


_default: QAService | None = None
_default_lock = threading.Lock()


def get_service() -> QAService:
    """The process-wide service behind ``nato_qa.answer``, built on first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = QAService()
        return _default
