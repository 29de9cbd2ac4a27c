"""Every passage ranked by its best sentence (``nato_qa.best_sentences``), on the real corpus
with the packaged models: the ranking, its place in the fusion, and its cost."""

from __future__ import annotations

import numpy as np
import pytest

from nato_qa import QAService
from nato_qa.chunking import is_heading, sentence_spans


def test_every_passage_is_ranked_by_its_closest_sentence(service: QAService) -> None:
    """The ranking agrees with the second reader's cosines of every sentence, read one by
    one: a passage ranks by its best sentence, subheadings left out."""
    retriever = service.retriever
    ranking = retriever.best_sentences
    assert ranking is not None  # the default second reader (e5-small) is set
    reader = ranking.reader
    question = "Which frigate did the alliance's chief look around at the naval base?"
    best: dict[str, float] = {}
    for kc in service.keyword.chunks:
        text = kc.chunk.text
        sentences = [text[s:e] for s, e in sentence_spans(text) if not is_heading(text[s:e])]
        if sentences:
            best[kc.chunk.chunk_id] = float(np.max(reader.similarities(question, sentences)))
    expected = sorted(best, key=lambda c: -best[c])
    got = ranking.rank(question, len(best))
    assert got[:5] == expected[:5]
    assert sorted(got) == sorted(best)  # every passage, once
    top = service.keyword.get(got[0])
    assert top is not None and "Mogami" in top.chunk.text
    assert ranking.rank(question, 3) == got[:3]


def test_a_passage_found_only_by_its_best_sentence_joins_the_results(
    second_service: QAService,
) -> None:
    """ "Who is the retired teacher who chairs the campaign group?" is answered in a passage
    whose one sentence that says so ("…, said Martin Hollis, the retired chemistry teacher who
    chairs Save the Tessel") closes a quotation about the leak: its best sentence ranks it
    higher than passage vectors and BM25 alone do. (Until round 35 the question was "how did
    the effluent get … into the river?", which the route cue now ranks first either way; until
    round 43 "Who's the former science teacher leading the campaign against the company?",
    whose passage ranks as high without it since a teacher asked for is a person.)"""
    retriever = second_service.retriever
    ranking = retriever.best_sentences
    assert ranking is not None
    question = "Who is the retired teacher who chairs the campaign group?"
    best = ranking.rank(question, 1)[0]
    found = second_service.keyword.get(best)
    assert found is not None and "retired chemistry teacher" in found.chunk.text
    with_it = [h.chunk_id for h in retriever.search(question, 10)]
    retriever.best_sentences = None
    try:
        without = [h.chunk_id for h in retriever.search(question, 10)]
    finally:
        retriever.best_sentences = ranking
    assert best in with_it[:5]
    assert best not in without[: with_it.index(best) + 1]  # lower, or not found, without it


def test_the_ranking_costs_no_model_run_of_its_own(
    service: QAService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The question's e5 vector is the one the second reader makes for the answer anyway: one
    e5 run per new question, search and answer together; none for the sentences."""
    reader = service.second_reader
    assert reader is not None
    e5 = reader.embedder
    runs: list[tuple[str, list[str]]] = []
    for name in ("encode_queries", "encode_passages"):
        real = getattr(e5, name)
        monkeypatch.setattr(
            e5,
            name,
            lambda texts, real=real, name=name: runs.append((name, list(texts))) or real(texts),
        )
    question = "Where did the alliance's secretary general tour a warship on his visit?"
    answer = service.ask(question)
    assert answer.citations
    assert runs == [("encode_queries", [answer.standalone_question])]
