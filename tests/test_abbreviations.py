"""Abbreviations the articles define ("the Harbour Safety Board (HSB)"): found in the text,
and a question in either form reaches the sentences written in the other."""

from __future__ import annotations

from nato_qa import QAService
from nato_qa.abbreviations import aliases, defined_abbreviations, long_form

PAGE = (
    "Officers from the Harbour Safety Board (HSB) inspected the quay on Monday. "
    "A report by the Institute of Marine Studies (IMS) was published. "
    "The HSB said the work would take a month. Prices rose (BIG) this year. "
    "Ann Lee of Information Technology (IT) services spoke."
)


def test_the_capitals_before_the_brackets_spell_it() -> None:
    assert long_form("Officers from the Harbour Safety Board ", "HSB") == "Harbour Safety Board"
    # small words between the capitals are part of the name
    assert long_form("A report by the Institute of Marine Studies ", "IMS") == (
        "Institute of Marine Studies"
    )
    assert long_form("Prices rose ", "BIG") is None  # no words spell it
    assert long_form("the Harbour Safety Board and the ", "HSB") is None  # must end the run


def test_the_definitions_of_a_page() -> None:
    assert defined_abbreviations([PAGE]) == {
        "HSB": "Harbour Safety Board",
        "IMS": "Institute of Marine Studies",
        "IT": "Information Technology",
    }


def test_a_question_in_either_form_gets_the_other() -> None:
    defined = defined_abbreviations([PAGE])
    assert aliases("What did the hsb say?", defined) == [("HSB", "Harbour Safety Board")]
    assert aliases("Who leads the Harbour Safety Board?", defined) == [
        ("Harbour Safety Board", "HSB")
    ]
    # two letters only in capitals: "it" is a word, not "IT"
    assert aliases("When did it open?", defined) == []
    assert aliases("Who runs IT?", defined) == [("IT", "Information Technology")]
    assert aliases("Who sank the boat?", defined) == []


def test_the_long_form_asked_finds_the_sentence_with_the_abbreviation(
    second_service: QAService,
) -> None:
    """The second corpus writes the regulator's name in full once per article and by its
    initials after that: asked in full, the keyword search also looks for the initials, and
    a sentence with the initials has the question's words for them."""
    keyword = second_service.keyword
    long = keyword.abbreviations().get("TCA")
    assert long == "Tessel Catchment Authority"
    assert "TCA" in second_service.retriever.expander.expand(f"Who heads the {long}?")
    question = f"who's the head of enforcement at the {long}?"
    hits = second_service.search(question, 5)
    assert "head of enforcement" in hits[0].text
    best = second_service.backend("extractive").score_sentences(question, hits)[0]
    assert "head of enforcement at the TCA" in best.text or "TCA's head" in best.text
