"""Citation markers and support checks (nato_qa.citations) on the real corpus and embedder."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nato_qa import QAService
from nato_qa.citations import Verifier, answer_sentences, move_markers, parse_claims
from nato_qa.types import Hit

QUESTION = "Who heads Japan's independent mission to NATO?"
VERIFY_SIMILARITY = 0.78  # measured on the golden set (docs/backends.md)


@pytest.fixture(scope="module")
def hits(service: QAService) -> list[Hit]:
    found = service.search(QUESTION, 3)
    assert any("Izawa" in h.text for h in found)
    return found


@pytest.fixture(scope="module")
def verifier(service: QAService) -> Verifier:
    return Verifier(service.embedder, VERIFY_SIMILARITY)


def _sentence_with(hits: list[Hit], word: str) -> tuple[int, str]:
    """(1-based passage number, a sentence of it) for the first passage mentioning ``word``."""
    for n, hit in enumerate(hits, start=1):
        for sentence in re.split(r"(?<=[.!?])\s+", hit.text):
            if word in sentence:
                return n, sentence
    raise AssertionError(f"no passage mentions {word}")


# -- parsing -----------------------------------------------------------------------------------


def test_markers_are_parsed_per_sentence() -> None:
    claims = parse_claims(
        "Izawa heads the mission [1]. It opened in Brussels. [2][3] Mikami was envoy [1, 3].",
        n_passages=3,
    )
    assert [c.text for c in claims] == [
        "Izawa heads the mission.",
        "It opened in Brussels.",
        "Mikami was envoy.",
    ]
    assert [c.markers for c in claims] == [(1,), (2, 3), (1, 3)]
    assert all(c.removed == () for c in claims)


def test_marker_variants() -> None:
    claims = parse_claims("A claim here [Passage 2]. Another one 【1】. Range one [1-3].", 3)
    assert [c.markers for c in claims] == [(2,), (1,), (1, 2, 3)]


def test_markers_pointing_at_no_passage_are_removed() -> None:
    claims = parse_claims("Japan opened a mission [7]. It is in Brussels [0][2].", 2)
    assert claims[0].markers == () and claims[0].removed == (7,)
    assert claims[1].markers == (2,) and claims[1].removed == (0,)
    assert "[" not in claims[0].text + claims[1].text


def test_marker_only_fragments_are_dropped() -> None:
    assert [c.text for c in parse_claims("Japan joined. [1] [2]", 2)] == ["Japan joined."]
    assert parse_claims("[1]", 2) == []
    assert move_markers("A b c. [1] D e.") == "A b c [1]. D e."


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab [],.0123456789\n?!XY")), max_size=80))
def test_parsing_never_fails_and_keeps_markers_in_range(text: str) -> None:
    for claim in parse_claims(text, 3):
        assert all(1 <= n <= 3 for n in claim.markers)
        assert not set(claim.markers) & set(claim.removed)
        assert not re.search(r"\[\s*\d+\s*\]", claim.text)
        assert claim.text == claim.text.strip() and claim.text


# -- support and quotes ------------------------------------------------------------------------


def test_supported_sentence_gets_an_exact_quote(
    service: QAService, hits: list[Hit], verifier: Verifier
) -> None:
    n, sentence = _sentence_with(hits, "Izawa")
    result = verifier.verify(f"{sentence} [{n}]", hits, service.articles, QUESTION)
    assert result.unsupported == () and result.supported == 1
    [cite] = result.citations
    assert cite.n == 1 and result.text.endswith("[1]")
    article = service.articles[cite.doc_id]
    assert article.text[cite.start : cite.end] == cite.quote
    assert cite.quote == sentence.strip()
    assert cite.doc_id == hits[n - 1].source.doc_id
    assert cite.score >= verifier.threshold


def test_paraphrase_is_supported_and_quotes_the_closest_sentence(
    service: QAService, hits: list[Hit], verifier: Verifier
) -> None:
    n, _ = _sentence_with(hits, "Izawa")
    result = verifier.verify(
        f"Osamu Izawa leads Japan's independent mission to NATO [{n}].", hits, service.articles
    )
    assert result.unsupported == ()
    assert "Izawa" in result.citations[0].quote


def test_unsupported_sentence_is_flagged_without_citation(
    service: QAService, hits: list[Hit], verifier: Verifier
) -> None:
    n, sentence = _sentence_with(hits, "Izawa")
    text = f"{sentence} [{n}] Bananas are grown on the dark side of the moon [1]."
    result = verifier.verify(text, hits, service.articles)
    assert result.unsupported == (1,)
    assert len(result.citations) == 1
    sentences = answer_sentences(result.text)
    assert len(sentences) == 2
    assert "[" not in sentences[1] and sentences[0].endswith("[1]")


def test_invented_names_are_not_supported(
    service: QAService, hits: list[Hit], verifier: Verifier
) -> None:
    n, _ = _sentence_with(hits, "Izawa")
    result = verifier.verify(
        f"Japan's independent mission to NATO is headed by Shinzo Abe [{n}].", hits
    )
    assert result.unsupported == (0,) and result.citations == ()
    support = verifier.score(["Japan's mission to NATO is headed by Shinzo Abe."], hits)[0]
    assert all({"Shinzo", "Abe"} <= set(s.novel) for s in support)


def test_bad_markers_removed_and_sentence_reattributed(
    service: QAService, hits: list[Hit], verifier: Verifier
) -> None:
    n, sentence = _sentence_with(hits, "Izawa")
    result = verifier.verify(f"{sentence} [9]", hits, service.articles)
    assert result.removed_markers == 1
    assert result.unsupported == ()
    assert result.citations[0].doc_id == hits[n - 1].source.doc_id
    assert "[9]" not in result.text and result.text.endswith("[1]")


def test_citations_renumbered_by_first_use(service: QAService, verifier: Verifier) -> None:
    hits = service.search("Japan NATO mission Izawa Mikami Belgium", 5)
    found = [(n, s) for n, h in enumerate(hits, 1) for s in re.split(r"(?<=[.])\s+", h.text)]
    late = next((n, s) for n, s in found if n >= 2 and len(s) > 60)
    early = next((n, s) for n, s in found if n < late[0] and len(s) > 60)
    text = f"{late[1]} [{late[0]}] {early[1]} [{early[0]}] {late[1]} [{late[0]}]"
    result = verifier.verify(text, hits, service.articles)
    assert [c.n for c in result.citations] == [1, 2]
    assert result.citations[0].doc_id == hits[late[0] - 1].source.doc_id
    assert re.findall(r"\[\d+\]", result.text) == ["[1]", "[2]", "[1]"]
    for c in result.citations:
        assert service.articles[c.doc_id].text[c.start : c.end] == c.quote


def test_question_echoes_are_dropped(hits: list[Hit], verifier: Verifier) -> None:
    n, sentence = _sentence_with(hits, "Izawa")
    result = verifier.verify(
        f"Japan's independent mission to NATO is headed. [1] {sentence} [{n}]", hits,
        question=QUESTION,
    )  # fmt: skip
    assert result.echoes == 1 and len(result.sentences) == 1 and result.unsupported == ()


def test_offsets_are_repaired_against_the_article(
    service: QAService, hits: list[Hit], verifier: Verifier
) -> None:
    n, sentence = _sentence_with(hits, "Izawa")
    hit = hits[n - 1]
    shifted = replace(hit, sources=(replace(hit.source, start=hit.source.start + 3),))
    result = verifier.verify(f"{sentence} [1]", [shifted], service.articles)
    [cite] = result.citations
    assert service.articles[cite.doc_id].text[cite.start : cite.end] == cite.quote
