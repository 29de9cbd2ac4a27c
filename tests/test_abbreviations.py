"""Abbreviations the articles define ("the Harbour Safety Board (HSB)"): found in the text,
and a question in either form reaches the sentences written in the other."""

from __future__ import annotations

from nato_qa import QAService
from nato_qa.abbreviations import (
    aliases,
    defined_abbreviations,
    long_form,
    spelled_out,
    written_abbreviations,
)

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


SPELLED = (
    "The Harbour Safety Board met the Group of Seven ministers. "
    "The Group of Seven said the Port of Zembla would reopen; the Group of Seven agreed. "
    "Ann Lee and Ivo Brandt spoke. Ann Lee of the Port Authority, Ann Lee. "
    "The HSB wrote to Port Authority staff."
)


def test_runs_of_capitals_spell_abbreviations_the_articles_never_write() -> None:
    spelled = spelled_out([SPELLED])
    assert spelled["g7"] == "Group of Seven"  # a number word by its figure
    assert spelled["pz"] == "Port of Zembla"
    assert spelled["al"] == "Ann Lee"  # written three times, against no other "A… L…"
    # one the articles write themselves is no alias of anything ("HSB" is written)
    assert "hsb" not in spelled
    # a run stops at punctuation: "Lee. Ann" ends one sentence and opens the next
    assert "la" not in spelled


def test_what_looks_like_an_abbreviation_in_a_question() -> None:
    assert written_abbreviations("Did the G20 and the PZ meet? the g20 did") == ["G20", "PZ", "g20"]
    assert written_abbreviations("when did it open at 5pm?") == []  # "5pm" opens with a figure
    assert written_abbreviations("Who runs the port?") == []


def test_two_runs_written_as_often_spell_nothing() -> None:
    spelled = spelled_out(["Ann Lee met Anna Lund. They left."])
    assert "al" not in spelled


def test_a_question_with_an_abbreviation_no_article_writes_gets_the_run() -> None:
    spelled = spelled_out([SPELLED])
    assert aliases("What did the G7 say?", {}, spelled) == [("G7", "Group of Seven")]
    assert aliases("what did the g7 agree", {}, spelled) == [("g7", "Group of Seven")]
    # lower case without a figure is a word, not an abbreviation ("al", "pz" stay words)
    assert aliases("did al fresco dining reopen?", {}, spelled) == []
    # a defined abbreviation keeps its definition
    defined = {"PZ": "Port Zone"}
    assert aliases("When does PZ reopen?", defined, spelled) == [("PZ", "Port Zone")]


def test_an_abbreviation_the_articles_spell_out_finds_their_sentence(service: QAService) -> None:
    """The home corpus writes "the Group of Seven" and never "G7": a question with "G7"
    searches for the long form too, and the sentence that writes it has the question's word
    for it."""
    keyword = service.keyword
    assert ("G7", "Group of Seven") in keyword.aliases("Is Japan the only G7 member outside?")
    assert "Group of Seven" in service.retriever.expander.expand("the G7 countries")
    question = "What sets Japan apart from the other G7 countries, according to Rutte?"
    hits = service.search(question, 5)
    best = service.backend("extractive").score_sentences(question, hits)[0]
    assert "Group of Seven" in best.text
