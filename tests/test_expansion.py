"""Query expansion: the keyword search also looks for the corpus's own words for the question's
words, from word vectors made at ingestion and saved with the keyword index."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from nato_qa import QAService
from nato_qa.evaluation import load_golden
from nato_qa.ingest import build_keyword_index
from nato_qa.keyword import KeywordIndex, terms, vocabulary
from nato_qa.types import Chunk

from .conftest import GOLDEN
from .test_sentence_vectors import model_calls


@contextmanager
def expansion_off(service: QAService) -> Iterator[None]:
    """As with the setting NATO_QA_EXPANSION_PER_WORD=0, for the shared service."""
    expander = service.retriever.expander
    expander.per_word = 0
    try:
        yield
    finally:
        expander.per_word = service.settings.expansion_per_word


WARSHIP = "What warship did the alliance's top official inspect while visiting a Japanese port?"


def test_vocabulary_is_the_distinct_content_words() -> None:
    words = vocabulary(["The frigate Mogami, at the Yokosuka naval base.", "A NAVAL base; 2024"])
    assert words == ["base", "frigate", "mogami", "naval", "yokosuka"]  # no stopwords, digits


def test_expansion_adds_the_corpus_words_for_a_paraphrase(service: QAService) -> None:
    expander = service.retriever.expander
    added = expander.expand(WARSHIP)
    assert "frigate" in added  # the article's word for "warship"
    _, _, row_of = service.keyword.word_matrix()
    asked = set(terms(WARSHIP))
    for word in added:
        assert word in row_of  # only words the corpus has
        assert not set(terms(word)) & asked  # never a word the question already has
    assert len(added) <= expander.per_word * len(vocabulary([WARSHIP]))


def test_expansion_adds_nothing_far_from_every_corpus_word(service: QAService) -> None:
    assert service.retriever.expander.expand("sourdough baguette croissant") == []


def test_expansion_brings_a_paraphrased_passage_into_the_top_five(service: QAService) -> None:
    def mogami_rank() -> int | None:
        hits = service.search(WARSHIP, 5)
        return next((i for i, h in enumerate(hits, 1) if "Mogami" in h.text), None)

    assert mogami_rank() is not None
    with expansion_off(service):
        assert mogami_rank() is None


def test_expansion_never_changes_hit_at_5_for_the_worse(service: QAService) -> None:
    """Over the golden set, expansion may only move relevant passages into the top five."""
    from nato_qa.evaluation import is_relevant

    questions = [q for q in load_golden(GOLDEN) if q.answerable and not q.history]

    def found() -> set[str]:
        return {
            q.id for q in questions if any(is_relevant(h, q) for h in service.search(q.question, 5))
        }

    with_expansion = found()
    with expansion_off(service):
        without = found()
    assert without <= with_expansion
    assert len(with_expansion) > len(without)


def test_ingest_saves_every_words_vector_and_reuses_them(fresh_service: QAService) -> None:
    svc = fresh_service
    assert svc.ingest().ok
    saved = KeywordIndex.load(svc.settings.keyword_dir)
    assert saved is not None and saved.words_complete
    words = vocabulary(kc.chunk.text for kc in saved.chunks)
    assert sorted(saved.word_vectors) == words
    frigate = saved.word_vectors["frigate"].astype(np.float32)
    assert float(frigate @ svc.embedder.encode_one("frigate")) > 0.999  # float16 on disk
    with model_calls(svc.embedder) as calls:
        assert svc.ingest().ok
    assert calls == []  # unchanged corpus: no word embedded again


def test_an_index_saved_before_expansion_searches_and_is_completed(
    fresh_service: QAService,
) -> None:
    svc = fresh_service
    assert svc.ingest().ok
    shutil.rmtree(svc.settings.keyword_dir)
    old = build_keyword_index(svc.store, svc.settings)  # without the model: no word vectors
    for name in ("words.json", "words.npy"):
        (svc.settings.keyword_dir / name).unlink()  # as an index saved by an older release
    assert not old.words_complete
    reloaded = KeywordIndex.load(svc.settings.keyword_dir)
    assert reloaded is not None and reloaded.word_vectors == {}
    svc.refresh(reloaded)
    assert svc.retriever.expander.expand(WARSHIP) == []  # no expansion, and no error
    assert svc.search(WARSHIP, 5)
    with model_calls(svc.embedder) as calls:
        assert svc.ingest().ok
    embedded = [t for method, texts in calls if method == "encode_packed" for t in texts]
    assert sorted(embedded) == vocabulary(kc.chunk.text for kc in svc.keyword.chunks)
    assert svc.keyword.words_complete
    assert "frigate" in svc.retriever.expander.expand(WARSHIP)


def test_a_rebuild_without_the_model_keeps_the_saved_word_vectors(
    fresh_service: QAService,
) -> None:
    """A process that finds the index out of step with the store (another one ingested)
    rebuilds it without running the model, carrying the saved word vectors over."""
    from nato_qa.ingest import load_keyword_index

    svc = fresh_service
    assert svc.ingest().ok
    meta = svc.settings.keyword_dir / "chunks.json"
    meta.write_text(meta.read_text().replace(svc.keyword.fingerprint, "out-of-step"))
    with model_calls(svc.embedder) as calls:
        rebuilt = load_keyword_index(svc.store, svc.settings)
    assert calls == []
    assert rebuilt.fingerprint == svc.keyword.fingerprint and rebuilt.words_complete
    svc.refresh(rebuilt)
    assert "frigate" in svc.retriever.expander.expand(WARSHIP)


def test_text_before_an_offset_is_pieced_from_the_articles_chunks() -> None:
    """The text just before a sentence, across chunk borders and a paragraph break that no
    chunk holds; made-up article, built without a model."""
    article = "Ann Veld runs the lab. She tests the water.\n\nShe added that it was safe."
    pieces = [(0, 43), (22, 43), (45, len(article))]  # overlapping; the break in no chunk
    chunks = [Chunk(f"c{i}", "doc", s, e, article[s:e]) for i, (s, e) in enumerate(pieces)]
    index = KeywordIndex.build(chunks, [0, 1, 2], "made-up")
    end = article.index("She added")
    assert index.text_before("doc", end) == article[:end]
    assert index.text_before("doc", end, chars=10) == article[end - 10 : end]
    assert index.text_before("other", end) == ""


def test_the_chunk_after_an_offset_holds_the_next_sentence() -> None:
    """The chunk that holds the text right after a sentence: across a paragraph break, and
    where chunks overlap; none at the article's end (made-up article, no model)."""
    article = "The board met a series of conditions.\n\nIt fitted alarms. It hired staff."
    pieces = [(0, 37), (39, 56), (39, len(article))]
    chunks = [Chunk(f"c{i}", "doc", s, e, article[s:e]) for i, (s, e) in enumerate(pieces)]
    index = KeywordIndex.build(chunks, [0, 1, 2], "made-up")
    after = index.chunk_after("doc", 37)
    assert after is not None and after.text.startswith("It fitted alarms.")
    holding = index.chunk_after("doc", 56)  # inside the third chunk, which overlaps
    assert holding is not None and article[56 : holding.end].strip() == "It hired staff."
    assert index.chunk_after("doc", len(article)) is None
    assert index.chunk_after("other", 37) is None


def test_name_forms_are_the_words_the_articles_write_only_with_a_capital() -> None:
    """A word written capitalised mid-sentence and never in lower case is a name, kept as
    written ("Zembla", "HSB"); one also written in lower case ("Mill", "mill") is not, nor
    one capitalised only where a sentence opens (made-up article, no model)."""
    article = (
        "Fish died below the weir at Zembla on Friday. The HSB team met Ann Veld at Kelp Mill. "
        "Staff at the mill said the weir had failed."
    )
    chunks = [Chunk("c0", "doc", 0, len(article), article)]
    forms = KeywordIndex.build(chunks, [0], "made-up").name_forms()
    assert forms["zembla"] == "Zembla" and forms["hsb"] == "HSB" and forms["veld"] == "Veld"
    assert "mill" not in forms  # also written in lower case
    assert "fish" not in forms and "staff" not in forms  # capitalised only opening a sentence
