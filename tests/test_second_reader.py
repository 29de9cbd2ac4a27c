"""The second reader: e5-small's view of each sentence, on MiniLM's scale, saved by text."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from nato_qa import QAService
from nato_qa.embedders import Embedder, shared_embedder
from nato_qa.embedders.paired import PairedEmbedder
from nato_qa.second_reader import (
    CALIBRATION,
    VECTORS_FILE,
    SecondReader,
    create_second_reader,
)

from .conftest import copy_corpus, make_settings

ANSWER = "The frigate Mogami docked at the naval base after a week of exercises."
OTHER = "Ticket prices for the autumn concert series went up by five euros."
QUESTION = "Which warship came into port once the drills were over?"


class Counting:
    """The real e5 model, counting the passages it is asked to embed."""

    def __init__(self, model: Embedder) -> None:
        self.model = model
        self.name = model.name
        self.batch_size = model.batch_size
        self.passages = 0

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.model.encode_queries(texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.passages += len(texts)
        return self.model.encode_passages(texts)


@pytest.fixture(scope="module")
def e5() -> Embedder:
    return shared_embedder("e5-small")


def reader(e5: Embedder, folder: Path | None) -> tuple[SecondReader, Counting]:
    counting = Counting(e5)
    return SecondReader("e5-small", lambda _: counting, CALIBRATION[("e5-small", "minilm")], folder), counting  # type: ignore[arg-type,return-value]  # fmt: skip


def test_cosines_are_mapped_onto_the_readers_scale(e5: Embedder) -> None:
    second, _ = reader(e5, None)
    mapped = second.similarities(QUESTION, [ANSWER, OTHER])
    cosines = e5.encode_passages([ANSWER, OTHER]) @ e5.encode_queries([QUESTION])[0]
    offset, slope = CALIBRATION[("e5-small", "minilm")]
    assert np.allclose(mapped, (cosines - offset) * slope, atol=1e-3)
    assert mapped[0] > mapped[1]
    # e5's cosines crowd between about 0.75 and 0.9; mapped, the two are far apart
    assert mapped[0] - mapped[1] > 2 * (cosines[0] - cosines[1]) > 0


def test_vectors_are_saved_by_text_reused_and_forgotten(e5: Embedder, tmp_path: Path) -> None:
    first, counting = reader(e5, tmp_path)
    assert first.update([ANSWER, OTHER]) == 2
    assert (tmp_path / VECTORS_FILE).exists()
    before = first.similarities(QUESTION, [ANSWER])

    again, counting = reader(e5, tmp_path)  # a new process: read from the file
    assert again.update([ANSWER, OTHER]) == 0
    assert np.allclose(again.similarities(QUESTION, [ANSWER]), before, atol=1e-2)
    assert counting.passages == 0

    assert again.update([ANSWER]) == 0  # OTHER's article is gone
    with np.load(tmp_path / VECTORS_FILE) as saved:
        assert len(saved["keys"]) == 1
    fresh = "A sentence no store of this process has held before: " + str(tmp_path)
    again.similarities(QUESTION, [OTHER, fresh])  # not saved: embedded when first reached
    assert counting.passages == 1  # OTHER this process made already


def test_a_process_embeds_a_sentence_once_whatever_the_store(e5: Embedder, tmp_path: Path) -> None:
    texts = [ANSWER, "Another sentence, seen first in " + str(tmp_path)]
    first, counting = reader(e5, tmp_path / "one")
    assert first.update(texts) == 2
    assert counting.passages <= 1  # ANSWER was made by an earlier test
    other, counting = reader(e5, tmp_path / "two")  # another store, same process
    assert other.update(texts) == 2  # its own file holds both ...
    assert counting.passages == 0  # ... and the model was not asked again
    with np.load(tmp_path / "two" / VECTORS_FILE) as saved:
        assert len(saved["keys"]) == 2


@pytest.mark.parametrize("damage", ["garbage", "other model"])
def test_an_unreadable_or_foreign_file_is_made_again(
    e5: Embedder, tmp_path: Path, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    first, _ = reader(e5, tmp_path)
    first.update([ANSWER])
    path = tmp_path / VECTORS_FILE
    if damage == "garbage":
        path.write_bytes(b"not a numpy file")
    else:
        with np.load(path) as saved:
            np.savez(path, keys=saved["keys"], vectors=saved["vectors"], model=np.array("minilm"))
    again, _ = reader(e5, tmp_path)
    with caplog.at_level(logging.WARNING, logger="nato_qa.second_reader"):
        assert again.update([ANSWER]) == 1  # made again (from this process's memory)
    assert "unreadable" in caplog.text
    with np.load(path) as saved:  # and the file is whole again
        assert saved["model"].item() == "e5-small" and len(saved["keys"]) == 1


def test_off_when_unset_none_the_reader_itself_or_not_calibrated(
    minilm: Embedder, e5: Embedder, caplog: pytest.LogCaptureFixture
) -> None:
    def make(name: str) -> Embedder:
        return shared_embedder(name)

    assert create_second_reader(None, minilm, None, make) is None
    assert create_second_reader("None", minilm, None, make) is None
    assert create_second_reader("e5-small", e5, None, make) is None  # the reader itself
    with caplog.at_level(logging.WARNING, logger="nato_qa.second_reader"):
        assert create_second_reader("minilm", e5, None, make) is None
    assert "not calibrated" in caplog.text
    second = create_second_reader(" E5-Small ", minilm, None, make)
    assert second is not None and second.name == "e5-small"


def test_ingestion_saves_every_sentence_and_an_unchanged_corpus_embeds_none(
    tmp_path: Path, embedder: Embedder
) -> None:
    copy_corpus(tmp_path / "corpus")
    service = QAService(make_settings(tmp_path))
    service.__dict__["embedder"] = embedder
    service.ingest()
    second = service.second_reader
    assert second is not None and second.folder is not None
    assert second.folder.parent == service.settings.keyword_dir.parent  # beside the index
    with np.load(second.folder / VECTORS_FILE) as saved:
        assert len(saved["keys"]) == len(set(service.keyword.sentences())) > 100
    assert second.update(service.keyword.sentences()) == 0

    off = QAService(make_settings(tmp_path, second_reader="none"))
    assert off.second_reader is None


def test_the_second_reader_finds_a_paraphrases_answer(fresh_service: QAService) -> None:
    """A question in other words than its answer's: "spending surge", "military outlay" and
    "rank among all countries" for "third largest" defence budget. MiniLM alone ranks
    another sentence first; with e5-small's view averaged in, the answer is chosen."""
    question = (
        "Once Tokyo's spending surge is in place, where will its military outlay rank "
        "among all countries?"
    )
    fresh_service.ingest()
    answer = fresh_service.ask(question)
    assert not answer.refused
    assert "third largest" in answer.text.lower()
    assert answer.citations

    scorer = fresh_service.retriever.scorer
    hits = fresh_service.search(question, 5)
    second, scorer.second = scorer.second, None
    try:
        alone = scorer.score(question, hits)[0].text
    finally:
        scorer.second = second
    assert "third largest" not in alone.lower()


def test_search_and_second_reader_share_one_e5_run_per_question(
    tmp_path: Path, minilm: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With e5-small searching passages too (``NATO_QA_SEARCH_EMBEDDER``), the question's e5
    vector serves both the search and the second reader: one model run per new question, none
    for a repeat, and one e5-small loaded."""
    copy_corpus(tmp_path / "corpus")
    service = QAService(make_settings(tmp_path, search_embedder="e5-small"))
    e5 = shared_embedder("e5-small", service.settings.embed_batch_size)
    service.__dict__["embedder"] = PairedEmbedder(e5, minilm)  # as create_embedder makes it
    assert service.ingest().ok
    assert service.second_reader is not None and service.second_reader.embedder is e5
    runs: list[list[str]] = []
    real = e5.encode_queries
    monkeypatch.setattr(e5, "encode_queries", lambda texts: runs.append(list(texts)) or real(texts))
    question = "Who heads Japan's independent mission to NATO?"
    answer = service.ask(question)
    assert "Izawa" in answer.text and answer.citations
    assert runs == [[answer.standalone_question]]
    service.ask(question)
    service.search(answer.standalone_question)
    assert len(runs) == 1


def test_warm_up_loads_the_second_reader(fresh_service: QAService, embedder: Embedder) -> None:
    """The first answer after ``warm_up`` (an evaluation's, the UI's) waits for no model."""
    assert fresh_service.ingest().ok
    again = QAService(fresh_service.settings)
    again.__dict__["embedder"] = embedder
    assert again.second_reader is not None and again.second_reader._embedder is None
    assert again.second_reader.folder is not None
    path = again.second_reader.folder / VECTORS_FILE
    saved = path.stat()
    again.warm_up()
    assert again.second_reader._embedder is not None and again.second_reader._vectors
    ranking = again.retriever.best_sentences  # every passage by its best sentence: ready too
    assert ranking is not None and ranking._index is not None and len(ranking._index[2]) > 0
    assert again.ingest().unchanged  # and nothing it did is written back
    assert path.stat().st_mtime_ns == saved.st_mtime_ns
