"""Sentence vectors: made in the passage's own model run at ingestion, saved with the keyword
index, so that a search embeds only the question."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest

from nato_qa import QAService
from nato_qa.chunking import sentence_spans
from nato_qa.embedders import Embedder
from nato_qa.ingest import build_keyword_index
from nato_qa.keyword import KeywordIndex, vocabulary


@contextmanager
def model_calls(embedder: Embedder) -> Iterator[list[tuple[str, list[str]]]]:
    """Record every call that runs the model: (method, texts)."""
    calls: list[tuple[str, list[str]]] = []
    encode, passages, packed = (
        embedder.encode,
        embedder.encode_passages_and_sentences,
        embedder.encode_packed,
    )

    def counted_encode(texts: Any, progress: bool = False) -> np.ndarray:
        calls.append(("encode", list(texts)))
        return encode(texts, progress)

    def counted_passages(texts: Any, spans: Any) -> tuple[np.ndarray, list[np.ndarray]]:
        calls.append(("encode_passages", list(texts)))
        return passages(texts, spans)

    def counted_packed(texts: Any, **options: Any) -> np.ndarray:
        calls.append(("encode_packed", list(texts)))
        return packed(texts, **options)

    embedder.encode = counted_encode  # type: ignore[method-assign]
    embedder.encode_passages_and_sentences = counted_passages  # type: ignore[method-assign]
    embedder.encode_packed = counted_packed  # type: ignore[method-assign]
    try:
        yield calls
    finally:
        del embedder.encode, embedder.encode_passages_and_sentences, embedder.encode_packed


def test_passage_vector_is_the_plain_embedding_and_sentences_are_unit_rows(
    embedder: Embedder,
) -> None:
    texts = [
        "Japan opened a mission to NATO in Brussels. It is headed by an ambassador.",
        "One sentence only.",
    ]
    spans = [sentence_spans(t) for t in texts]
    passages, sentences = embedder.encode_passages_and_sentences(texts, spans)
    plain = embedder.encode(texts)
    assert np.allclose(np.sum(passages * plain, axis=1), 1.0, atol=1e-5)
    assert [len(rows) for rows in sentences] == [2, 1]
    for rows in sentences:
        assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-5)
    # in context, yet each sentence keeps its own meaning
    first, second = sentences[0]
    assert float(first @ second) < 0.95
    assert float(first @ embedder.encode_one("Japan opened a mission to NATO in Brussels.")) > 0.8


def test_packed_texts_come_out_as_they_would_alone(embedder: Embedder) -> None:
    texts = ["What warship did the alliance's top official inspect?", "warship", "port", "x"]
    packed = embedder.encode_packed(texts)
    assert np.allclose(np.sum(packed * embedder.encode(texts), axis=1), 1.0, atol=1e-4)
    long = ["word " * 300, "port"]  # past the packing limit: encoded the usual way
    assert np.allclose(embedder.encode_packed(long), embedder.encode(long), atol=1e-5)


def test_sentences_past_the_token_limit_are_embedded_on_their_own(embedder: Embedder) -> None:
    filler = " ".join(f"Sentence number {i} talks about the alliance." for i in range(60))
    last = "The final sentence is about Tokyo."
    text = f"{filler} {last}"
    spans = sentence_spans(text)
    _, (rows,) = embedder.encode_passages_and_sentences([text], [spans])
    assert len(rows) == len(spans) == 61
    assert float(rows[-1] @ embedder.encode_one(last)) == pytest.approx(1.0, abs=1e-5)


def test_ingest_saves_every_chunks_sentence_vectors(service: QAService) -> None:
    keyword = service.keyword
    assert keyword.has_every_sentence_vector
    saved = KeywordIndex.load(service.settings.keyword_dir)
    assert saved is not None
    for kc in keyword.chunks:
        rows = saved.sentence_vectors(kc.chunk.chunk_id)
        assert rows is not None and len(rows) == len(sentence_spans(kc.chunk.text))
        assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=2e-3)  # saved as float16


def test_a_search_runs_the_model_on_the_question_only(service: QAService) -> None:
    """No passage or sentence is embedded at query time: only the question and (for query
    expansion) those of its words that the corpus does not have, in one model run."""
    question = "Which ambassador leads Japan's delegation at the alliance's headquarters?"
    # a service of its own: its vector cache holds nothing earlier tests asked
    svc = QAService(service.settings)
    for name in ("embedder", "store"):
        svc.__dict__[name] = getattr(service, name)
    _, _, row_of = svc.keyword.word_matrix()
    new_words = [w for w in vocabulary([question]) if w not in row_of]
    assert new_words  # "headquarters" is not a word of the articles
    with model_calls(svc.embedder) as calls:
        hits = svc.search(question, 5)
        answer = svc.ask(question)
    assert hits and not answer.refused
    assert calls == [("encode_packed", [question, *new_words])]


def test_vectors_computed_at_query_time_give_the_same_ranking(
    fresh_service: QAService,
) -> None:
    """An index rebuilt without the model (a refresh after another process wrote the store)
    has no sentence vectors; search computes them the same way and ranks the same."""
    svc = fresh_service
    assert svc.ingest().ok
    questions = ["Who heads Japan's mission to NATO?", "Why did Japan open a NATO office?"]
    before = [[h.chunk_id for h in svc.search(q, 5)] for q in questions]
    # no embedder: no sentence vectors (the words' vectors are carried over, as a refresh does)
    bare = build_keyword_index(svc.store, svc.settings, known_words=svc.keyword.word_vectors)
    assert not bare.all_sentence_vectors and bare.words_complete
    svc.refresh(bare)
    with model_calls(svc.embedder) as calls:
        after = [[h.chunk_id for h in svc.search(q, 5)] for q in questions]
    assert after == before
    assert any(method == "encode_passages" for method, _ in calls)


def test_ingest_completes_missing_sentence_vectors(fresh_service: QAService) -> None:
    svc = fresh_service
    assert svc.ingest().ok
    shutil.rmtree(svc.settings.keyword_dir)
    build_keyword_index(svc.store, svc.settings)  # saved without sentence vectors
    with model_calls(svc.embedder) as calls:
        report = svc.ingest()
    assert report.ok and report.chunks_written == 0 and len(report.unchanged) == 5
    assert svc.keyword.has_every_sentence_vector
    embedded = [t for method, texts in calls if method == "encode_passages" for t in texts]
    assert len(embedded) == len(svc.keyword.chunks)
    with model_calls(svc.embedder) as calls:
        assert svc.ingest().ok
    assert calls == []  # complete now: nothing to redo


def test_an_index_just_built_answers_as_it_will_after_a_restart(service: QAService) -> None:
    """The ingesting process and a later one read the same sentence vectors (as saved)."""
    loaded = KeywordIndex.load(service.settings.keyword_dir)
    assert loaded is not None
    for kc in service.keyword.chunks:
        now = service.keyword.sentence_vectors(kc.chunk.chunk_id)
        later = loaded.sentence_vectors(kc.chunk.chunk_id)
        assert now is not None and later is not None
        assert np.array_equal(now, later), kc.chunk.chunk_id
    restarted = QAService(service.settings)
    restarted.__dict__["embedder"] = service.embedder
    for question in ("Who heads Japan's mission to NATO?",
                     "Why is Japan's geographical location an obstacle to joining NATO?"):  # fmt: skip
        assert (
            restarted.ask(question).to_dict()["citations"]
            == (service.ask(question).to_dict()["citations"])
        )
