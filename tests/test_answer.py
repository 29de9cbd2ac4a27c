"""Answering on the real corpus: fusion, collapse, sentence selection, refusals, follow-ups, API."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

import nato_qa
from nato_qa import Answer, QAService
from nato_qa.answering.compose import attribution
from nato_qa.answering.followup import needs_context, standalone_question
from nato_qa.errors import BackendUnavailableError, IndexNotFoundError, InvalidQuestionError
from nato_qa.lcel import NatoQARetriever, answer_chain
from nato_qa.retrieval import reciprocal_rank_fusion
from nato_qa.sentences.answer_types import expected_type
from nato_qa.sentences.cues import answer_cue
from nato_qa.sentences.entities import required_entities, split_entities
from nato_qa.sentences.measured import measured_phrase
from nato_qa.types import Citation

HEAD_TURN = [
    {"role": "user", "content": "Who heads Japan's independent mission to NATO?"},
    {"role": "assistant", "content": "Osamu Izawa heads the mission."},
]


def test_reciprocal_rank_fusion() -> None:
    scores = reciprocal_rank_fusion([["a", "b", "c"], ["c", "a"]], k=60)
    assert scores["a"] == pytest.approx(1 / 61 + 1 / 62)
    assert scores["c"] == pytest.approx(1 / 63 + 1 / 61)
    assert max(scores, key=scores.__getitem__) == "a"
    # "b" is not in the second ranking: it ranks there just after the last one listed
    assert scores["b"] == pytest.approx(1 / 62 + 1 / 63)


def test_fusion_does_not_bury_a_passage_one_ranking_left_out() -> None:
    """First in two rankings and missing from a third beats 15th in all three: absence from a
    list of 30 counts as 31st there, not as nothing."""
    middling = [f"p{i}" for i in range(1, 31)]  # "p15" is 15th in every ranking
    top = ["best", *[p for p in middling if p != "p30"]]  # "best" first, 30 long
    scores = reciprocal_rank_fusion([top, top, middling], k=60)
    assert scores["best"] > scores["p15"]


def test_the_rerank_reads_a_paraphrase_by_meaning_first(
    service: QAService, second_service: QAService
) -> None:
    """A paraphrase shares few words with its answer: the rerank's best sentence weighs its
    meaning (0.6) over its words (0.4); at 0.4 these passages ranked third and second."""
    jets = service.search("Which radar-evading jets does Japan intend to acquire as part of its defence build-up?")  # fmt: skip
    assert "F-35" in jets[0].text
    dawn = second_service.search(
        "what time in the morning did the fishermen first notice something was wrong with the river?"
    )
    assert "7.40am" in dawn[0].text


def test_rewrite_follow_ups() -> None:
    assert standalone_question("Whom did he succeed?", HEAD_TURN) == "Whom did Osamu Izawa succeed?"
    assert needs_context("When was it launched?")
    assert not needs_context("Who heads Japan's independent mission to NATO?")
    q = "Who heads Japan's independent mission to NATO?"
    assert standalone_question(q, HEAD_TURN) == q  # stands alone: not rewritten
    assert standalone_question("Whom did he succeed?", None) == "Whom did he succeed?"
    rewritten = standalone_question(
        "Where exactly is it based?",
        [{"role": "user", "content": "Which NATO initiative for Ukraine does Japan want to join?"},
         {"role": "assistant", "content": "The NSATU initiative."}],
    )  # fmt: skip
    assert rewritten == "Where exactly is NSATU based?"  # the thing the last answer named


def turn(question: str, answer: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]


def test_follow_ups_skip_what_names_nobody() -> None:
    # an answer that opens "That's …" or "He's …" names the person after it, or none
    that = turn("Which councillor chairs the parks board?", "That's Councillor Ruth Penhaligon.")
    assert (
        standalone_question("what did she say about the closure?", that)
        == "what did Councillor Ruth Penhaligon say about the closure?"
    )
    # a place or a body is nobody: the person is the one the earlier question named
    hall = turn("Who is Tobias Wren?", "He's the mill's finance director; he spoke at Corn Hall.")
    assert standalone_question("What did he admit?", hall) == "What did Tobias Wren admit?"


def test_it_is_the_body_a_what_is_the_kind_question_asked_for() -> None:
    """ "who's in charge of it?" after "What's the campaign group that organised the vigil?"
    asks who runs the group the answer named, whose name may hold "the"; a question after a
    reason names nothing. Made-up turns."""
    group = turn("What's the campaign group that organised the vigil?", "Friends of the Weir.")
    assert (
        standalone_question("who's in charge of it?", group)
        == "who's in charge of Friends of the Weir?"
    )
    trust = turn("what is the charity that manages the fund?", "The Ostrava Trust manages it.")
    assert standalone_question("who runs it?", trust) == "who runs Ostrava Trust?"
    reason = turn("what is the reason the fund was set up?", "To restore the Weir.")
    assert standalone_question("who runs it?", reason).startswith("who runs it? (context:")


def test_a_body_named_by_a_possessive_is_not_the_person() -> None:
    """ "his group's petition" is the group's, which its answer names without naming him: he
    joins the topic, and is not required in the answer as "Piet Claes's group" would be."""
    chair = turn("Who chairs Friends of the Weir?", "Piet Claes, a retired engineer.")
    rewritten = standalone_question("how many signatures did his group's petition get?", chair)
    assert rewritten.startswith("how many signatures did his group's petition get?")
    assert "Piet Claes" in rewritten.split("(context:")[1]
    assert standalone_question("what did he sign?", chair) == "what did Piet Claes sign?"


def test_an_answer_that_opens_with_he_is_about_the_person_its_question_names() -> None:
    """ "He met Olga Brandt …" answers about the person asked after: "he" in the follow-up is
    that person, not the one the answer names."""
    trip = turn(
        "What did mayor Piet Claes do on his visit to Ostrava?",
        "He met council leader Olga Brandt and toured the tram depot.",
    )
    assert (
        standalone_question("what did he say about the trams?", trip)
        == "what did Piet Claes say about the trams?"
    )
    # an answer that names its subject is still read first
    named = turn("Who met Piet Claes?", "Council leader Olga Brandt met him.")
    assert standalone_question("what did she say?", named).startswith("what did Olga Brandt say")


@pytest.mark.parametrize(
    ("previous", "follow_up", "standalone"),
    [
        ("What did Germany pledge to Ukraine?", "and what about France?",
         "What did France pledge to Ukraine?"),
        ("How much did the city spend on parks in 2022?", "what about in 2023?",
         "How much did the city spend on parks in 2023?"),
        ("Who is the chief executive of Brightwell Textiles?", "And what about the Brightwell Group?",
         "Who is the chief executive of Brightwell Group?"),
        # the year before or after the one asked about
        ("Did the mayor attend the regatta in 2023?", "and the year before that?",
         "Did the mayor attend the regatta in 2022?"),
        ("How many ships docked at Zembla in 2019?", "what about the following year?",
         "How many ships docked at Zembla in 2020?"),
    ],
)  # fmt: skip
def test_elliptical_follow_ups_are_asked_in_the_previous_frame(
    previous: str, follow_up: str, standalone: str
) -> None:
    assert standalone_question(follow_up, turn(previous, "An answer [1].")) == standalone


def test_elliptical_follow_ups_without_a_slot_carry_the_topic() -> None:
    history = turn("How many fish did the authority say were killed?", "About 4,000 [1].")
    rewritten = standalone_question("And what about the anglers' own count?", history)
    assert rewritten.startswith("And what about the anglers' own count?")
    assert "fish" in rewritten and "killed" in rewritten  # the previous question's topic
    cost = standalone_question(
        "and how much did that cost?", turn("Which ship did they buy?", "A frigate.")
    )
    assert cost.startswith("and how much did that cost?") and "ship" in cost


def test_our_answers_attributions_are_not_the_person() -> None:
    # the UI's answers open sentences with "Publisher (date): "; the person is in the sentence
    ours = turn(
        "Who heads Japan's independent mission to NATO?",
        "Arirang News (undated): The new mission, headed by Osamu Izawa, will operate "
        "separately. [1] bno IntelliNews (2025-01-17): It is led by Osamu Izawa. [2]",
    )
    assert standalone_question("Whom did he succeed?", ours) == "Whom did Osamu Izawa succeed?"
    # an article without a publisher is attributed to its author: not the person either
    by_author = turn(
        "Who heads Japan's independent mission to NATO?",
        "Jo Bloggs (undated): The new mission is headed by Osamu Izawa. [1]",
    )
    assert standalone_question("Whom did he succeed?", by_author) == (
        "Whom did Osamu Izawa succeed?"
    )


def test_an_attribution_is_the_publisher_else_the_author_else_the_headline() -> None:
    cite = Citation(1, "doc", "A Long Headline About The Harbour Plan", 0, 1, "x", 1.0)
    assert attribution(cite) == "A Long Headline About… (undated)"
    by = replace(cite, author="Jo Bloggs, Chief Reporter", date="2025-03-03")
    assert attribution(by) == "Jo Bloggs (2025-03-03)"
    assert attribution(replace(by, publisher="The Valley Record")) == (
        "The Valley Record (2025-03-03)"
    )


def test_a_bare_why_asks_about_what_the_last_answer_said() -> None:
    history = [
        {"role": "user", "content": "Did the bench sentence Kell Mills on the day?"},
        {"role": "assistant", "content": "No. Judge Ann Pell sent the case to Oxley Crown Court."},
    ]
    for bare in ("why?", "How come?", "when exactly?"):
        assert needs_context(bare), bare
        rewritten = standalone_question(bare, history)
        assert rewritten.startswith(bare) and "(context:" in rewritten, rewritten
        # the answer's first full sentence, past its "No.", and the question's words
        assert "Pell sent case Oxley Crown Court" in rewritten, rewritten
        assert "bench sentence Kell Mills" in rewritten, rewritten
    # a question with words of its own keeps to the question's topic
    own = standalone_question("why did the judge do that?", history)
    assert "Oxley" not in own and "bench sentence Kell Mills" in own
    assert not needs_context("Why did the bench send the case on?")


def test_what_he_said_pointed_at_is_what_the_last_answer_told(service: QAService) -> None:
    """ "… when he said that?" points at what the last answer told: its words join the
    topic, so the passage where he said it is found; the question's own subject stays."""
    history = [
        {"role": "user", "content": "What did Ivo Brandt say about the dam?"},
        {"role": "assistant", "content": "He said the dam on the Kell is leaking badly."},
    ]
    rewritten = standalone_question("where was he when he said that?", history)
    assert "Ivo Brandt" in rewritten and "dam Kell leaking badly" in rewritten, rewritten
    own = standalone_question("what did he say about the weir?", history)
    assert "leaking" not in own  # asks what he said, pointing at nothing said before
    # what someone said about it points at it too (round 51)
    reply = standalone_question("and what did the council say about that?", history)
    assert "dam Kell leaking badly" in reply, reply
    history = [
        {"role": "user", "content": "What did Rutte say about China during his Japan visit?"},
        {
            "role": "assistant",
            "content": "He said China is backing Russia and rapidly building up its armed "
            "forces, including its navy.",
        },
    ]
    answer = service.ask("where was he when he said that?", history)
    assert not answer.refused and "Yokosuka" in answer.text


def test_he_is_the_person_the_last_answer_is_about() -> None:
    # the subject, named first, not the last name in the sentence
    visit = turn(
        "Did NATO's Secretary General visit Japan?",
        "Yes, Mark Rutte visited Tokyo and held talks with Defense Minister Gen Nakatani.",
    )
    assert (
        standalone_question("Which ship did he tour?", visit) == "Which ship did Mark Rutte tour?"
    )


def test_a_yes_no_question_opening_is_not_a_person() -> None:
    # "Did Japan …" opens a question; the capital of "Did" names no one
    asked = turn("Did Japan set up its own mission to NATO?", "Yes, in January.")
    rewritten = standalone_question("who had the job before him?", asked)
    assert "Did" not in rewritten and rewritten.startswith("who had the job before him?")


def test_it_is_the_thing_the_last_answer_named() -> None:
    history = turn(
        "Which company is blamed for the spill?", "Brightwell Textiles, which runs a dye works."
    )
    assert standalone_question("Who owns it?", history) == "Who owns Brightwell Textiles?"
    ship = turn(
        "Which ship did Rutte tour while he was in Japan?", "He toured Japan's frigate Mogami."
    )
    assert standalone_question("where was it docked?", ship) == "where was Mogami docked?"
    # a name the question gave in another form ("Zemblan") is not what the answer named
    zemblan = turn(
        "Which Zemblan warship did the admiral visit?", "He toured Zembla's frigate Aurora."
    )
    assert standalone_question("where was it docked?", zemblan) == "where was Aurora docked?"
    # the last answer gave a sum, not a thing: "it" is what the question measured
    plan = turn("How much is the five-year plan worth?", "About USD 320 billion.")
    rewritten = standalone_question("what's it going to be spent on?", plan)
    assert rewritten == "what's the five-year plan going to be spent on?"
    big = turn("How big is Japan's military budget?", "USD 320 billion over five years.")
    assert standalone_question("what will they buy with it", big).startswith(
        "what will they buy with Japan's military budget"
    )
    # "they" is not the thing named ("About £1.4m … Fenwick Brook"): the topic carries
    cost = turn(
        "What does the TCA expect restoring the river to cost?", "About £1.4m, with Fenwick Brook."
    )
    they = standalone_question("How many fish would they put back?", cost)
    assert "Fenwick" not in they and "About" not in they and "TCA" in they


def test_it_never_stands_for_the_person_a_who_question_got() -> None:
    # "it" is the plan asked about, not the mayor who opposed it: the topic carries instead
    opposed = turn(
        "Who opposed the council's plan for a new ring road?",
        "Mayor Ruth Ellery opposed it, saying the town needs buses.",
    )
    rewritten = standalone_question("Could she block it?", opposed)
    assert "Ruth Ellery block it?" in rewritten
    assert "ring road" in rewritten
    veto = standalone_question("could the council overrule it?", opposed)
    assert "Ellery" not in veto and "ring road" in veto
    # nor the person a which-question asked for by role
    which = turn("Which councillor opposed the plan for a ring road?", "Councillor Ruth Ellery.")
    overrule = standalone_question("can the mayor actually block it?", which)
    assert "Ellery" not in overrule and "ring road" in overrule


def test_a_topic_never_opens_with_a_contraction() -> None:
    # "What's the town's flood plan?": the topic is the plan, not "'s the town's flood plan"
    plan = turn("What's the town's big flood defence plan?", "A ten-year scheme of new walls.")
    rewritten = standalone_question("what's it going to build?", plan)
    assert rewritten.endswith("(context: town's big flood defence plan)")


def test_elliptical_follow_up_on_the_corpus(service: QAService) -> None:
    history = turn("What did Yoshimasa Hayashi say?", "The world has become less stable [1].")
    answer = service.ask("and what about Gen Nakatani?", history)
    assert answer.standalone_question == "What did Gen Nakatani say?"
    assert not answer.refused and "Nakatani" in answer.text
    for cite in answer.citations:
        assert service.articles[cite.doc_id].text[cite.start : cite.end] == cite.quote


def test_answer_types_want_what_the_question_does_not_give() -> None:
    def fits(question: str, sentence: str) -> bool:
        wants = expected_type(question)
        assert wants is not None, question
        return wants.fits(sentence, question)

    # statement: reported speech, not a sentence that only names the speaker
    said = "“The region is at risk,” said the spokesman."
    assert fits("What did the spokesman say about the region?", said)
    assert fits("What did Rutte say about China?", "Rutte warned that China is arming.")
    # a verb of reacting tells what was said; a noun of one does not
    mayor = "What did the mayor say about the closure?"
    assert fits(mayor, "The mayor welcomed the closure.")
    assert not fits(mayor, "The closure faced the opposition of the mayor.")
    assert not fits("What did Rutte say about China?", "Rutte met the so-called “IP4” leaders.")
    # a post, held by the person asked about
    mikami = "Izawa takes over the position filled by Masahiro Mikami, the ambassador to Belgium."
    assert fits("What position did Masahiro Mikami hold?", mikami)
    assert not fits("What diplomatic post did Osamu Izawa hold before?", mikami)
    assert fits("What post does Gen Nakatani hold?", "Defense Minister Gen Nakatani spoke.")
    # a person's job asked for by its owner: a post held by that person, not any sentence
    # that names them (and a country's "position" is a stance, no post)
    job = "What was Ann Kowal's job before she took over the museum?"
    assert expected_type(job).name == "post"  # type: ignore[union-attr]
    assert not fits(job, "The museum now runs itself, led by Ann Kowal.")
    assert fits(job, "Former finance minister Ann Kowal took over in May.")
    assert expected_type("and what's her job on the board?").name == "post"  # type: ignore[union-attr]
    assert expected_type("What is Norway's position on whaling?") is None
    assert not fits(  # the question's own post is no answer
        "What post did Gen Nakatani hold before becoming Defense Minister?",
        "Defense Minister Gen Nakatani spoke.",
    )
    # numbers of the right kind, not the ones the question gives
    assert fits("What percentage of GDP is spent on defence?", "It is 2 percent of GDP.")
    assert not fits("What percentage of GDP is spent on defence?", "It is USD 320 billion.")
    # a share may be written as a fraction, but "and a half" after an hour is none
    share = "What share of its capacity is the mill running at?"
    assert fits(share, "The mill restarted at around half of its normal capacity.")
    assert not fits(share, "The mill restarted an hour and a half later.")
    assert fits("How much did Japan give to the fund?", "Japan gave $30 million.")
    assert not fits("How much did Japan give to the fund?", "Japan gave 30 helmets.")
    assert not fits("When did Japan open its mission in 2024?", "It opened in 2024.")
    assert fits("When did Japan open its mission in 2024?", "It opened in January 2024.")
    # a year, a date, an age: not any number or any word of time
    staff = "Kim, who has worked at the mill for 11 years, said the staff were upset."
    assert not fits("When did the mill open?", staff)  # "when" takes a point in time, …
    assert fits("When did the mill open?", "The mill opened two days later.")
    assert not fits("What year did the mill first open?", staff)  # … "what year" a year
    assert fits("In which year did the mill open?", "The mill opened in 1998.")
    assert not fits("How old is Kim?", "Kim, 11 years at the mill, spoke.")
    assert fits("How old is Kim?", "Kim, 54-year-old mill worker, spoke.")
    # profits and turnover are sums, asked for by the firm's name too
    firm = "Mill Group plc employs around 1,900 people across eight sites."
    assert not fits("What is Mill Group's annual turnover?", firm)
    assert not fits("How much profit did Mill Group make last year?", firm)
    assert fits("What are Mill Group's annual profits?", "It made a profit of £3m.")
    # a response: what the actor said or did, with the actor named ("Moscow", not Tokyo's
    # minister speaking of Russia)
    moscow = "How did Moscow officially respond to the launch of the mission?"
    assert not fits(moscow, "Minister Aoki expressed concern about Russia's incursion.")
    assert not fits(moscow, "The mission was launched amid tensions with Moscow.")  # no reply
    assert fits(moscow, "Moscow condemned the launch as a provocation.")
    seoul = "What was South Korea's official response to the proposal?"
    assert fits(seoul, "South Korea said it would study the proposal.")
    assert not fits(seoul, "Ties with South Korea have grown.")
    assert fits("How did she react to the ruling?", "She welcomed the ruling.")  # no name given
    assert fits("How did China respond to the plan?", "A Chinese spokesman said it was unwise.")
    # written in lower case, the actor is its first word: any "foreign ministry" is not Moscow's
    lower = "how did russia's foreign ministry respond to the mission?"
    assert not fits(lower, "Tokyo's Ministry of Foreign Affairs said talks were held.")
    assert fits(lower, "Russia's foreign ministry said the mission was a provocation.")
    # a statement: what the speaker the question names said, not what anyone said
    kremlin = "What did the Kremlin say about the new mission?"
    assert not fits(kremlin, "“We face severe challenges,” Minister Aoki said of the mission.")
    assert fits(kremlin, "The Kremlin said the mission “threatens stability”.")
    assert fits("what did aoki say about it?", "“It is a turning point,” Aoki said.")
    assert fits("What did he say next?", "“It is a turning point,” Aoki said.")  # no name given
    # what the texts themselves say is anything they write: no statement asked for, but a
    # report's author is a speaker like any other
    for texts in ("the articles", "these reports", "the coverage", "the article"):
        assert expected_type(f"What does {texts} say about the mill?") is None, texts
    assert expected_type("What did the report's author say?") is not None
    # "the purpose of Japan's defence budget" asks for no sum
    assert expected_type("What is the purpose of Japan's huge defence budget plan?") is None
    # "what did the court hear" asks for what was heard, not the name of a court
    assert expected_type("What did the court hear about the alarm?") is None


def test_a_person_asked_by_role_is_answered_by_a_persons_name() -> None:
    def fits(question: str, sentence: str) -> bool:
        wants = expected_type(question)
        assert wants is not None and wants.name == "person", question
        return wants.fits(sentence, question.lower())

    # an acronym, a place or a lone capital is no person's name
    worker = "What is the name of the night-shift worker who found the leak?"
    assert not fits(worker, "Night-shift workers found the leak but did not call the EPA.")
    assert not fits(worker, "Workers at the Kell Lane site found it near Otter Bridge.")
    assert fits(worker, "The leak was found by night-shift worker Anna Berg.")
    # the name is of someone in the role asked about, or holding a post
    angler = "What was the name of the angler who first spotted the fish?"
    assert not fits(angler, "Plant manager Graham Oakes said the fish had died.")
    assert fits(angler, "Angler Tom Reed spotted the fish at dawn.")
    assert fits("Who is the alliance's top boss?", "Secretary General Mark Lund spoke.")
    # a predecessor is someone the question does not name
    ruiz = "Whom did Lena Ruiz succeed?"
    assert not fits(ruiz, "Once run from the embassy in Oslo, the office is led by Lena Ruiz.")
    assert fits(ruiz, "She succeeds Tomas Kell, the consul in Oslo.")
    # or asked for as who held it before or after her
    before = "who was doing that job before Lena Ruiz?"
    assert not fits(before, "Once run from the embassy in Oslo, the office is led by Lena Ruiz.")
    assert fits(before, "She succeeds Tomas Kell, the consul in Oslo.")
    assert expected_type("and who took over after him?").name == "person"  # type: ignore[union-attr]
    assert fits("Who is Lena Ruiz's deputy?", "Her deputy is Defence Attaché Piet Moll.")
    assert not fits("Who is Lena Ruiz's deputy?", "Ambassador Lena Ruiz opened the office.")
    # who did something, with no role: any name will do, as before
    assert expected_type("Who opposed the plan?").name == "name"  # type: ignore[union-attr]


def test_what_a_quantity_question_measures() -> None:
    assert measured_phrase("How many F-35 stealth fighters does Japan plan to buy?") == (
        "F-35 stealth fighters"
    )
    assert measured_phrase("What is the annual budget of Japan's independent mission to NATO?") == (
        "independent mission"
    )
    assert measured_phrase("How much did Japan spend on the drones it sent?") == "drones"
    assert measured_phrase("How much is Tokyo's half-decade armament programme worth?") == (
        "half-decade armament programme"
    )
    assert measured_phrase("Who heads Japan's mission?") is None
    # an owner written in lower case leads no phrase either: "the new ferry", not "harbour's"
    assert measured_phrase("how big is the budget of the harbour's new ferry?") == "new ferry"
    # a concentration, a quantity, a volume of something: the number must be of that thing
    assert measured_phrase("What concentration of lead was measured in the pond?") == "lead"
    assert measured_phrase("what volume of sewage did the plant release?") == "sewage"
    # a pronoun names nothing: the follow-up's topic note says who "they" are
    assert measured_phrase("How many of them were sent home while it was shut?") is None


def wants(question: str) -> str | None:
    """The name of the answer type a question asks for, if any."""
    found = expected_type(question)
    return found.name if found else None


def test_a_whole_asked_for_by_name_wants_a_number() -> None:
    assert wants("what's the total headcount of the parent company?") == "number"
    assert wants("What was the overall value of the aid the town promised?") == "number"
    assert wants("What is the firm's workforce?") == "number"
    assert wants("What was the total effect of the strike?") is None
    # "how much money" asks for a sum; "what is the money for" asks for a purpose
    assert wants("how much money has the firm sunk into the mill?") == "money"
    assert wants("How much cash has the bakery laid out on repairs?") == "money"
    assert wants("and what's the money for?") is None


def test_a_purpose_asked_for_wants_no_value_and_is_cued_by_an_aim() -> None:
    """ "What is the budget supposed to achieve?" asks its purpose, not its sum; a sentence that
    states an aim ("The aim of … is to …") is cued as the answer."""
    question = "what is the council's huge budget actually supposed to achieve?"
    assert wants(question) is None
    assert wants("What is the council's huge budget?") == "money"
    cue = answer_cue(question)
    assert cue is not None and cue.search("The aim of the fund is to rebuild the quay.")
    assert cue.search("a visit aimed at reinforcing the pact")
    assert not cue.search("The fund is worth £2m.")


def test_a_response_is_the_actors_not_a_sentence_that_only_mentions_them() -> None:
    """ "How did Ruritania respond?" is answered where Ruritania responds or speaks: named before
    the verb, a few words after it, or after "by"; not where someone else speaks of it."""
    question = "How did Ruritania respond to the treaty?"
    wants = expected_type(question)
    assert wants is not None and wants.name == "response"
    for fits in (
        "Ruritania has condemned the treaty as a provocation.",
        "The treaty was criticised by Ruritania.",
        "“It is a mistake,” said the Ruritanian Foreign Ministry spokesman Ivo Brandt.",
    ):
        assert wants.fits(fits, question), fits
    assert not wants.fits(
        "Minister Lee expressed the hope that the treaty would give insight into Ruritania's plans.",
        question,
    )
    # "the United States" is a name, not a verb of saying
    assert not wants.fits("The treaty was signed by the United States and Ruritania.", question)


def test_whether_someone_can_do_it_is_cued_by_their_power_to() -> None:
    """ "Could the council block it?" is answered by who has the power, the right or the means
    to; "can you explain …" asks nothing of the kind."""
    cue = answer_cue("could the council actually block the new ring road?")
    assert cue is not None
    assert cue.search("The council has the power to reject the proposal.")
    assert cue.search("Only the minister is able to overrule it.")
    assert not cue.search("The council has opposed the proposal.")
    assert answer_cue("Can you explain how the ring road was planned?") is None


def assert_cued(questions: Sequence[str], cued: Sequence[str], not_cued: Sequence[str]) -> None:
    """Each question has a cue, which marks every ``cued`` sentence and none of ``not_cued``."""
    for question in questions:
        cue = answer_cue(question)
        assert cue is not None, question
        for sentence in cued:
            assert cue.search(sentence), (question, sentence)
        for sentence in not_cued:
            assert not cue.search(sentence), (question, sentence)


def test_how_something_got_somewhere_is_cued_by_its_route() -> None:
    """ "How did the oil get from the tank into the harbour?" is answered by what moved where
    ("flowed into a drain", "via the canal"), not by what the oil contained."""
    assert_cued(
        (
            "How did the oil get from the tank into the harbour?",
            "how did the leaked oil actually make its way into the bay",
        ),
        (
            "The oil flowed into a storm drain that empties into the bay.",
            "The depot drains into the harbour via the Zembla canal.",
        ),
        ("Tests showed the oil contained benzene.",),
    )
    # "get X to do Y" asks for no route, and "get the go-ahead" for the conditions met
    assert answer_cue("How could the port get the council to agree?") is None
    go_ahead = answer_cue("How did the firm get the go-ahead to reopen?")
    assert go_ahead is not None
    assert not go_ahead.search("The oil flowed into a storm drain that empties into the bay.")


def test_what_money_buys_is_cued_by_any_way_of_saying_it() -> None:
    """ "What's it going to buy?" is answered by what the money goes on, in whatever words
    ("plans to invest in …"); the question's own verb is no cue (every sentence about the
    plan would say "buy")."""
    cue = answer_cue("what's the council going to buy with the harbour grant?")
    assert cue is not None
    assert cue.search("The council plans to invest in two new ferries and a pontoon.")
    assert cue.search("Most of it will be spent on dredging.")
    assert not cue.search("The council will buy time by delaying the vote.")
    assert not cue.search("The grant is worth £4m over five years.")
    spent = answer_cue("what will the money be spent on?")
    assert spent is not None and spent.search("It will purchase two ferries.")
    assert not spent.search("It was spent on nothing.")  # the question's own words


def test_a_lawyer_is_named_with_the_side_they_speak_for() -> None:
    """A court report names a lawyer by the side they speak for ("Ann Lee, for the board,
    said"): that is the cue for "who represented the board?" or "which lawyer argued the
    council's side?", and a sentence in that form plays the lawyer's role for "who was the
    lawyer …" though it never says "lawyer"."""
    assert_cued(
        (
            "who represented the harbour board in court?",
            "Which lawyer argued the council's side at the hearing?",
            "and who was defending the firm?",
            "Who prosecuted the case for the council?",
        ),
        (
            "Ann Lee, for the Harbour Board, told the court it regretted it.",
            "Ivo Brandt, prosecuting for the council, said the tank had failed.",
        ),
        ("District Judge Ivo Brandt said the case was too serious.",),
    )
    lawyer = "who was the lawyer defending the firm in court?"
    wants = expected_type(lawyer)
    assert wants is not None and wants.person
    assert wants.fits("Ann Lee, for Zembla Freight, said the firm accepted the charge.", lawyer)
    assert not wants.fits("Ann Lee, who lives by the quay, said she was relieved.", lawyer)


def test_a_sentence_two_articles_print_alike_is_quoted_once(service: QAService) -> None:
    """Two of the articles print the same sentences; a why answer that reaches both quotes
    each sentence once."""
    for question in (
        "Why would Japan's role in the NSATU mission be non-combat?",
        "why is an asian NATO unlikely anytime soon?",
    ):
        answer = service.ask(question)
        quotes = [c.quote for c in answer.citations]
        assert not answer.refused and len(quotes) >= 2
        assert len(set(quotes)) == len(quotes), question


def test_what_someone_said_is_best_told_in_their_own_words() -> None:
    """ "What did she say …" prefers a sentence that quotes her to one that sums her up."""
    cue = answer_cue("What did the mayor say about the bridge afterwards?")
    assert cue.search("“The bridge is safe,” the mayor said after the visit.")
    assert cue.search('The mayor said: "We will reopen it."')
    assert not cue.search("The mayor acknowledged concerns about the bridge.")
    assert answer_cue("What did the articles say about the bridge?") is None
    # "what did she announce" asks for what was decided, however it was put
    assert answer_cue("What did the mayor announce in May about the bridge?") is None


def test_a_quantity_asked_for_by_name_wants_its_kind_of_number() -> None:
    # a sum asked for as what someone owns: a company's lower-case suffix, a pronoun
    assert wants("What is Acme Holdings plc's annual revenue?") == "money"
    assert wants("What was its turnover last year?") == "money"
    assert wants("What are the firm's annual profits?") == "money"
    # an owner written in lower case, as a chat does
    assert wants("what was zembla freight group's annual profit last year?") == "money"
    # an owner's name after a common noun is no owner of the sum: the purpose is asked
    assert wants("What is the purpose of the town's big flood budget?") is None
    assert wants("What concentration of lead was found in the pond?") == "number"
    plc = expected_type("What is Acme Holdings plc's annual revenue?")
    assert plc is not None
    assert not plc.fits("Acme Holdings plc employs around 900 people.", "What is its revenue?")


def test_a_parts_own_value_is_not_a_whole_that_includes_it() -> None:
    alone = "how much did the new pump cost on its own?"
    money = expected_type(alone)
    assert money is not None and money.name == "money"
    assert not money.fits("The board spent £2m on the works, including a new pump.", alone)
    assert not money.fits("The works will cost £2m. That includes a new pump.", alone)
    assert money.fits("The new pump cost £40,000.", alone)
    # asked without "on its own", a whole that includes it may still be told
    plain = "how much did the new pump cost?"
    assert expected_type(plain).fits(  # type: ignore[union-attr]
        "The board spent £2m on the works, including a new pump.", plain
    )
    assert measured_phrase(alone) == "new pump"


def test_a_sum_spent_to_run_something_measures_that_thing() -> None:
    question = "How much is the port spending to run its new ferry service?"
    assert wants(question) == "money"
    assert measured_phrase(question) == "new ferry service"


def test_a_question_written_as_a_bare_noun_phrase() -> None:
    assert wants("date of the hearing on the second charge?") == "time"
    assert wants("cost of the new bridge?") == "money"
    assert wants("What is the date of the hearing?") == "time"
    assert wants("Tell me about the cost of the bridge") is None  # a request, not a noun phrase


def test_phrase_similarity_finds_a_paraphrase_not_a_neighbour(service: QAService) -> None:
    scorer = service.retriever.scorer
    plan = (
        "This massive five-year plan, worth USD 320 billion, once unimaginable in pacifist "
        "Japan, will make the country the third largest defence budget in the world."
    )
    assert scorer.phrase_similarity("defence budget", plan) == 1.0  # every term is there
    paraphrase = scorer.phrase_similarity("half-decade armament programme", plan)
    unrelated = scorer.phrase_similarity("independent mission", plan)
    assert paraphrase >= 0.3 > unrelated


def test_a_sentence_that_points_back_is_read_with_the_one_before(service: QAService) -> None:
    # made-up text: the date is in a sentence that names the charge only as "that charge"
    hit = service.search("trial charge", 1)[0]
    text = (
        "The firm denied a second charge of failing to report the leak. "
        "A trial on that charge will take place on 9 June. "
        "A trial on the charge was set for June."
    )
    made_up = replace(hit, chunk_id="made-up", text=text)
    question = "When is the trial on the charge of failing to report the leak?"
    scored = {s.text: s for s in service.retriever.scorer.score(question, [made_up])}
    pointing = scored["A trial on that charge will take place on 9 June."]
    plain = scored["A trial on the charge was set for June."]  # the same words of the question
    assert pointing.lexical > plain.lexical  # "failing", "report", "leak" carried, halfway
    named = scored["The firm denied a second charge of failing to report the leak."]
    assert pointing.lexical < named.lexical


def test_answer_type_and_entities() -> None:
    assert expected_type("How many staff work there?").search("12 diplomats")  # type: ignore[union-attr]
    assert not expected_type("How many staff work there?").search("some diplomats")  # type: ignore[union-attr]
    assert expected_type("When was it launched?").search("on Thursday")  # type: ignore[union-attr]
    assert expected_type("Why did it happen?") is None
    assert required_entities("Which city will host NATO's 2025 summit?") == [["2025"]]
    assert ["south", "korea"] in required_entities("What did South Korea's president say?")
    # a post is not a name the answer must repeat ("Rutte urged …" answers this)
    assert required_entities("What did the alliance's Secretary General urge?") == []
    assert required_entities("Did NATO Secretary General Mark Rutte visit?") == [["rutte"]]


def test_setting_names_and_years_are_left_to_the_passage() -> None:
    # the thing asked about stays with the sentence; a year, or a place after "in"/"at", is the
    # setting, which news sentences leave to the sentences around them
    asked, setting = split_entities("Who opened the Harbour Museum in Port Ellis in 2019?")
    assert asked == [["museum"]] and setting == [["ellis"], ["2019"]]
    asked, setting = split_entities("How many Red Kites nest at the Dunmore Estate?")
    assert asked == [["kites"]] and setting == [["estate"]]
    asked, setting = split_entities("How much of the 40 million fund goes to Green Street?")
    assert asked == [["street"], ["40"]] and not setting


def test_a_year_the_answering_sentence_leaves_out_is_no_refusal(service: QAService) -> None:
    answer = service.ask("Which city hosted the NATO summit Kishida attended in July 2023?")
    assert not answer.refused and "Vilnius" in answer.text
    # a name of the thing asked about must still be in the sentence itself
    assert service.ask("How much of the USD 320 billion plan goes to F-35 fighters?").refused


def test_answer_names_a_person_with_exact_citations(service: QAService) -> None:
    answer = service.ask("Whom did Osamu Izawa succeed?")
    assert not answer.refused and "Mikami" in answer.text
    assert answer.citations and "[1]" in answer.text
    for c in answer.citations:
        article = service.articles[c.doc_id]
        assert article.text[c.start : c.end] == c.quote
        assert c.quote in answer.text  # verbatim
        assert c.title == article.title


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How much had Japan pledged in aid as of March 2023?", "7.1 billion"),  # number
        ("When did Japan and NATO hold high-level discussions in Tokyo?", "January 16"),  # date
        ("At which naval base did Rutte tour a Japanese frigate?", "Yokosuka"),  # place
        ("Why is Japan's geographical location an obstacle to joining NATO?", "North Atlantic"),
        ("What sum did Tokyo put into the alliance's fund for helping Kyiv?", "30 million"),
        ("How much is Tokyo's half-decade armament programme worth?", "320 billion"),  # money
        ("What did Mao Ning say about NATO?", "eastward expansion"),  # statement
        ("What position did Masahiro Mikami hold?", "ambassador to Belgium"),  # post
        (
            "What did the alliance's Secretary General urge NATO to preserve around Taiwan?",
            "maritime navigation",
        ),  # a post in the question is not a name to find
    ],
)
def test_questions_of_each_kind(service: QAService, question: str, expected: str) -> None:
    answer = service.ask(question)
    assert not answer.refused
    assert expected.lower() in answer.text.lower()


def test_follow_up_whom_did_he_succeed(service: QAService) -> None:
    answer = service.ask("Whom did he succeed?", HEAD_TURN)
    assert answer.standalone_question == "Whom did Osamu Izawa succeed?"
    assert not answer.refused
    # the first sentence cited names the predecessor, not only Izawa
    assert "Mikami" in answer.citations[0].quote


@pytest.mark.parametrize(
    "question",
    [
        "How do I make a sourdough starter at home?",
        "Which city will host NATO's 2025 summit?",
        "富士山の高さは何メートルですか？",
        "asdkjh qwpoeiru zmxncb",
        # on topic, and tempting: the articles name the people and things, not these facts
        "What did South Korea's president say about the NATO liaison office?",  # no statement
        "What is the annual budget of Japan's independent mission to NATO?",  # Japan's budget
        "What diplomatic post did Osamu Izawa hold before heading the NATO mission?",  # Mikami's
        "What percentage of Japan's GDP goes to defence?",  # no percentage
        "How much did Japan spend on the surveillance drones it provided to Ukraine?",
        "Who is Osamu Izawa's deputy at Japan's mission to NATO?",  # only Izawa is named
    ],
)
def test_refusals(service: QAService, question: str) -> None:
    answer = service.ask(question)
    assert answer.refused and answer.citations == ()
    assert "don't say" in answer.text
    # related reading only from passages close to the question
    floor = service.embedder.related_similarity
    assert all(c.score >= floor for c in answer.related) or not _off_corpus(service, question)
    if not _off_corpus(service, question):
        assert answer.related  # on topic: the closest passages offered as reading


def _off_corpus(service: QAService, question: str) -> bool:
    from nato_qa.answering.analysis import analyse

    retriever = service.retriever
    return analyse(question, retriever.keyword, retriever.scorer.vectors).off_corpus


def test_dates_attribute_sources_that_differ(service: QAService) -> None:
    answer = service.ask("Who heads Japan's independent mission to NATO and whom did he succeed?")
    dated = {c.date for c in answer.citations}
    if len({c.doc_id for c in answer.citations}) > 1 and len(dated) > 1:
        assert "(2025-01-17)" in answer.text or "(undated)" in answer.text
    bne = [
        c for c in answer.citations if c.doc_id == "japan-establishes-diplomatic-mission-to-nato"
    ]
    for c in bne:
        assert c.date == "2025-01-17" and c.publisher == "bno IntelliNews"


def test_bad_questions(service: QAService) -> None:
    with pytest.raises(InvalidQuestionError, match="empty"):
        service.ask("   \n\t ")
    with pytest.raises(InvalidQuestionError, match="limit is 2,000"):
        service.ask("NATO " * 500)
    with pytest.raises(BackendUnavailableError, match="known: extractive"):
        service.ask("Who heads the mission?", model="nosuch:thing")
    answer = service.ask("Who\x00 heads\x1b the mission\u200b to NATO?")
    assert isinstance(answer, Answer)


def test_empty_store_says_to_ingest(fresh_service: QAService) -> None:
    with pytest.raises(IndexNotFoundError, match="nato-qa ingest"):
        fresh_service.ask("Who heads the mission?")


def test_stream_yields_text_then_answer(service: QAService) -> None:
    pieces = list(service.stream("Which naval base did Rutte visit?"))
    assert isinstance(pieces[-1], Answer)
    text = "".join(p for p in pieces[:-1] if isinstance(p, str))
    assert text == pieces[-1].text and len(pieces) >= 2


def test_answer_is_json_serialisable(service: QAService) -> None:
    answer = service.ask("Which naval base did Rutte visit?", k=3)
    data = json.loads(answer.to_json())
    assert set(data) >= {
        "text",
        "citations",
        "refused",
        "standalone_question",
        "backend",
        "timings",
    }
    assert set(data["timings"]) == {"retrieve_ms", "generate_ms", "total_ms"}
    assert {"n", "doc_id", "title", "publisher", "date", "start", "end", "quote", "score"} <= set(
        data["citations"][0]
    )


def test_langchain_interfaces(service: QAService) -> None:
    retriever = NatoQARetriever(service=service, k=3)
    docs = retriever.invoke("Which naval base did Rutte visit?")
    assert len(docs) == 3
    yokosuka = [d for d in docs if "Yokosuka" in d.page_content]
    assert yokosuka and yokosuka[0].metadata["doc_id"] == "japan-seeks-role-in-nato-ukraine-mission"
    doc = yokosuka[0]
    text = service.articles[doc.metadata["doc_id"]].text
    assert text[doc.metadata["start"] : doc.metadata["end"]] == doc.page_content
    chain = answer_chain(service)
    result = chain.invoke({"question": "Whom did he succeed?", "history": HEAD_TURN})
    assert "Mikami" in result.text


def test_module_level_api_and_cli(service: QAService, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("nato_qa.service._default", service)
    assert "Mikami" in nato_qa.answer("Whom did he succeed?", HEAD_TURN).text
    streamed = list(nato_qa.stream_answer("Which naval base did Rutte visit?"))
    assert isinstance(streamed[-1], Answer)


def test_cli_ask(service: QAService) -> None:
    env_args = ["--store-dir", str(service.settings.store_dir)]
    out = subprocess.run(
        [sys.executable, "-m", "nato_qa.cli", "ask", "Which naval base did Rutte visit?",
         "--json", "--k", "3", *env_args],
        capture_output=True, text=True, timeout=300,
        env={"NATO_QA_DATA_DIR": str(service.settings.data_dir), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert "Yokosuka" in data["text"] and data["citations"]
    pretty = subprocess.run(
        [sys.executable, "-m", "nato_qa.cli", "ask", "Which naval base did Rutte visit?",
         *env_args], capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert "Sources" in pretty.stdout and "[1]" in pretty.stdout
    empty = subprocess.run(
        [sys.executable, "-m", "nato_qa.cli", "ask", "  ", *env_args],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert empty.returncode == 2 and "error: the question is empty" in empty.stderr
    assert "Traceback" not in empty.stderr


def test_missing_store_cli_message(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "nato_qa.cli", "ask", "Who?", "--store-dir", str(tmp_path / "x")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert out.returncode == 2 and "run `nato-qa ingest corpus/`" in out.stderr


def test_that_thing_is_what_the_last_answer_named() -> None:
    # "that stream": a kind of thing with a name, the name the last answer gave
    brook = turn("Where did the oil go?", "It ran into a drain that empties into Kell Beck.")
    assert standalone_question("where does that stream meet the river?", brook) == (
        "where does Kell Beck meet the river?"
    )
    # "that money": the sum the last answer gave joins the topic; the answer may only point
    # back to it ("That includes …"), so the question does not require it
    fund = turn("What will the repairs cost?", "The council put the bill at about £2.3m.")
    rewritten = standalone_question("What will that money pay for?", fund)
    assert rewritten.startswith("What will that money pay for? (context:")
    assert "£2.3m" in rewritten and "repairs" in rewritten
    # "he" with no full name: the one-word subject of the last question
    areas = turn("What does Rutte want the allies to do?", "To cooperate on cyber defence.")
    assert standalone_question("what did he say next?", areas).startswith(
        "what did Rutte say next?"
    )
    # an answer with neither leaves the question to the topic note
    none = turn("Where did the oil go?", "into a drain.")
    assert standalone_question("where does that stream end?", none).startswith(
        "where does that stream end? (context:"
    )


def test_a_follow_up_finds_what_is_new_not_the_last_answer_again(service: QAService) -> None:
    """The context note's words weigh half the question's own: "were any weapons part of
    it?" after an answer about the aid pledged is answered by the sentence on weapons, not
    by the pledge again."""
    history = [
        {"role": "user", "content": "How much aid has Japan pledged to Ukraine?"},
        {
            "role": "assistant",
            "content": "As of March 2023, Japan had pledged $7.1 billion in aid.",
        },
    ]
    answer = service.ask("were any weapons part of it?", history)
    assert "(context:" in answer.standalone_question
    assert not answer.refused and "not provided any weapons" in answer.text


def test_a_follow_ups_own_words_find_their_passage(second_service: QAService) -> None:
    """The passages with a follow-up's own words rank beside those of its context note:
    "which judge dealt with it?" is answered first by the sentence that names the judge, not
    by the one about the court the note speaks of."""
    history = [
        {"role": "user", "content": "Where did the dye firm first go to court over the spill?"},
        {"role": "assistant", "content": "Ashdale Magistrates' Court, on 24 March."},
    ]
    answer = second_service.ask("which judge dealt with it?", history)
    assert "(context:" in answer.standalone_question
    assert "District Judge Alan Whitcombe" in answer.citations[0].quote


def test_a_context_note_never_outweighs_the_question(second_service: QAService) -> None:
    """The note's words together weigh at most what the question's own do: "and at what
    capacity?" after the restart is answered with the capacity, not the restart alone."""
    history = [
        {
            "role": "user",
            "content": "When did Brightwell get its Millbrook dye works running again after the spill?",
        },
        {"role": "assistant", "content": "On Monday 10 March."},
    ]
    answer = second_service.ask("and at what capacity?", history)
    assert "(context:" in answer.standalone_question
    assert not answer.refused and "half of its normal capacity" in answer.text


def test_asked_who_he_is_named_before_the_sentence_about_him(service: QAService) -> None:
    """ "He succeeds …" answers "who replaced …?" only with the sentence before it, which
    says who he is: both are quoted, in the article's order."""
    answer = service.ask("Who replaced Masahiro Mikami?")
    assert not answer.refused
    quotes = [c.quote for c in answer.citations]
    named = next(i for i, q in enumerate(quotes) if "Osamu Izawa" in q)
    he = next(i for i, q in enumerate(quotes) if q.startswith("He succeeds"))
    assert named < he


def test_asked_who_a_surname_alone_is_given_in_full(service: QAService) -> None:
    """A sentence that names its person by title and surname ("Minister Nakatani expressed
    …") comes with the article's sentence that gives the whole name."""
    answer = service.ask(
        "Who is the defence minister that said Japan wants in on NATO's Ukraine command?"
    )
    assert not answer.refused and "Gen Nakatani" in answer.text
    assert any("Minister Nakatani expressed" in c.quote for c in answer.citations)


def test_a_follow_up_names_the_post_holder_the_last_answer_gave() -> None:
    """ "What did the spokesman say?" after "Zembla's foreign ministry spokesman Ivo Brandt"
    asks what Ivo Brandt said; "the envoy" after "Ann Lee, the envoy to Ostrava" is Ann Lee.
    A post the last answer gives nobody leaves the question as it is. Made-up turns."""
    spoke = turn("Who spoke for Zembla?", "Zembla's foreign ministry spokesman Ivo Brandt.")
    assert (
        standalone_question("What exactly did the spokesman say?", spoke)
        == "What exactly did the spokesman Ivo Brandt say?"
    )
    assert standalone_question("and what did the spokesperson warn of?", spoke).startswith(
        "and what did the spokesperson Ivo Brandt warn of?"
    )
    envoy = turn("Who went to Ostrava?", "Ann Lee, the envoy to Ostrava, went in May.")
    assert standalone_question("what did the envoy sign?", envoy).startswith(
        "what did the envoy Ann Lee sign?"
    )
    nobody = turn("Who went to Ostrava?", "Ann Lee went in May.")
    assert standalone_question("what did the envoy sign?", nobody) == "what did the envoy sign?"
    # a who-question asks for the name itself
    assert standalone_question("who is the envoy now?", envoy) == "who is the envoy now?"


def test_a_follow_up_about_the_spokesman_gets_his_words(service: QAService) -> None:
    """End to end: the spokesman the last answer named is the one whose words are asked for."""
    history = turn(
        "Who spoke for China about the idea of a NATO office in Tokyo?",
        "Chinese Foreign Ministry spokesman Mao Ning.",
    )
    answer = service.ask("What exactly did the spokesman say?", history)
    assert not answer.refused and "bloc confrontation" in answer.text


def test_they_are_the_one_thing_the_last_answer_opened_with() -> None:
    """ "who owns them?" after "Which company was blamed?" asks who owns the company the
    answer named; not after a question about many things, nor when the firm was the
    question's own subject ("which court did the firm appear at?"), nor about a person.
    Made-up names."""
    blamed = turn("Which company was blamed for the spill?", "Zembla Freight, whose depot leaked.")
    assert standalone_question("who owns them?", blamed) == "who owns Zembla Freight?"
    runs = turn("which body runs the harbour?", "The Ostrava Port Trust, since 2019.")
    assert standalone_question("when were they set up?", runs) == (
        "when were Ostrava Port Trust set up?"
    )
    court = turn("Which court did Zembla Freight appear at?", "Ostrava Crown Court, in March.")
    assert "Ostrava Crown Court" not in standalone_question("which charge did they deny?", court)
    islands = turn("Which islands does Zembla claim?", "The Brun Islands, since 1945.")
    assert "Brun" not in standalone_question("who controls them?", islands)
    person = turn("Which minister opened the depot?", "Ann Lee, in March.")
    assert "Ann Lee" not in standalone_question("what did they say?", person)


def test_a_chat_word_that_opens_a_question_is_not_searched(service: QAService) -> None:
    """ "ok and who heads …" is searched as "and who heads …": the chat word moves no passage
    (the retriever drops it as question analysis does)."""
    asked = [h.chunk_id for h in service.search("ok and who heads japan's mission to nato?", 5)]
    plain = [h.chunk_id for h in service.search("and who heads japan's mission to nato?", 5)]
    assert asked == plain
    answer = service.ask("ok and who heads japan's mission to nato?")
    assert answer.text.split("[1]")[0].count("Izawa") == 1


def test_a_number_the_question_gives_in_figures_may_be_written_in_words(
    second_service: QAService,
) -> None:
    """ "18,000 litres" in the question, "Eighteen thousand litres" in the quotation that
    answers it: the answer is not refused for want of the figure."""
    history = turn(
        "Who chairs Save the Tessel?",
        "Martin Hollis, a retired chemistry teacher, chairs the Save the Tessel campaign group.",
    )
    answer = second_service.ask("What did he compare the 18,000 litres to?", history)
    assert not answer.refused and "tanker load" in answer.text


def test_a_question_of_nothing_the_articles_know_is_refused(service: QAService) -> None:
    answer = service.ask("who is the ceo of toyota")
    assert answer.refused and not answer.citations


def test_a_when_that_opens_a_clause_asks_no_time() -> None:
    """ "When the depot reopened, how hard was it running?": the clause's "when" is no
    question word; the wh-word after the comma asks (here for no type of value)."""
    assert expected_type("When the depot reopened, how hard was it running?") is None
    share = expected_type("When the depot reopened, what share of its output did it reach?")
    assert share is not None and share.name == "percentage"
    asked = expected_type("In 2023, when did Ivo Brandt arrive?")
    assert asked is not None and asked.name == "time"
    when = expected_type("When did the depot reopen?")
    assert when is not None and when.name == "time"


def test_a_place_meant_to_open_by_a_year_is_asked_as_a_plan(service: QAService) -> None:
    """ "By what year was the office meant to open?" asks about the plan: a sentence that has
    it still being negotiated answers it (round 51: blind r86 had been refused)."""
    answer = service.ask("by what year was nato's liaison office in tokyo meant to open?")
    assert not answer.refused and "no later than 2024" in answer.text


def test_a_quotation_broken_off_by_its_speaker_goes_on(second_service: QAService) -> None:
    """ "“We swim in that river too,” she said. “But if the works shuts …”": the quotation
    the speaker's name breaks off is given on to its end (round 51: blind t83)."""
    history = turn(
        "who is kelly barnes?",
        "A worker at the Brightwell dye works for 11 years who spoke at the public meeting.",
    )
    answer = second_service.ask("what did she say at the meeting?", history)
    assert not answer.refused and "We swim in that river" in answer.text
    assert "140 families in trouble" in answer.text


def test_what_was_on_an_agenda_is_summed_up(service: QAService) -> None:
    """ "What was on his agenda …?" asks for the several things a list holds: a summary,
    not the one sentence that says there were three (round 51: blind r86's key points)."""
    answer = service.ask("what was on kishida's agenda in vilnius?")
    assert not answer.refused and answer.text.startswith("- ")
    assert "three agendas" in answer.text and "Ukraine" in answer.text
