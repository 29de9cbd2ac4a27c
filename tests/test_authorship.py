"""Questions on who wrote an article: told from the rest, answered from the byline, cited."""

from __future__ import annotations

import pytest

from nato_qa import QAService
from nato_qa.answering.authorship import asks_author, speaks_of_author
from nato_qa.chunking import is_heading


@pytest.mark.parametrize(
    "question",
    [
        "Who wrote the OpEd about the harbour plan?",
        "who wrote the Local Affairs piece asking whether the mill could reopen",
        "Who is the author of the article on the tram line?",
        "who's the author?",
        "Who was the reporter covering the court case?",
        "whose article is the one about the floods?",
        "Who wrote these articles?",
        "who penned it",
        "Who are the writers of the stories?",
        "who was the story written by",
    ],
)
def test_questions_on_who_wrote_an_article(question: str) -> None:
    assert asks_author(question)


@pytest.mark.parametrize(
    "question",
    [
        "Who wrote the letter to the council?",
        "Who is the author of the petition?",
        "Who wrote to the minister about the closure?",
        "Who is the journalist quoted in the piece?",
        "Who runs the dye works?",
        "What did the report say about the river?",
        # "who wrote" only describes her; the question asks something else of her
        "the analyst who wrote the op-ed on the floods - what institute is she with?",
        "The reporter who wrote the piece on the strike, where is she based?",
    ],
)
def test_questions_on_what_the_story_says_are_not(question: str) -> None:
    assert not asks_author(question)


def test_the_byline_answers_with_a_valid_citation(service: QAService) -> None:
    answer = service.ask("Who wrote the OpEd about Japan's deepening ties with NATO?")
    assert not answer.refused
    assert answer.text == "The article is by Aishwarya Sanjukta Roy Proma [1]."
    (cite,) = answer.citations
    assert cite.doc_id == "japans-deepening-ties-with-nato"
    assert service.articles[cite.doc_id].text[cite.start : cite.end] == cite.quote
    # the page names the author above its body on another site: that line is cited
    other = service.ask("Who wrote the piece asking whether Tokyo could become a member?")
    assert other.citations[0].doc_id == "japan-deepens-cooperation-with-nato"
    assert "Katarína Ďurďovičová" in other.text


def test_an_article_with_no_byline_says_so(service: QAService) -> None:
    answer = service.ask("Who wrote the article on Japan seeking a role in the Ukraine mission?")
    assert answer.refused and not answer.citations
    assert "does not say who wrote it" in answer.text


def test_the_plural_gets_every_articles_author(service: QAService) -> None:
    answer = service.ask("Who wrote these articles?")
    lines = answer.text.splitlines()
    assert len(lines) == len(service.articles)
    assert sum("does not say" in line for line in lines) == 1
    assert len(answer.citations) == len(service.articles) - 1
    for cite in answer.citations:
        assert service.articles[cite.doc_id].text[cite.start : cite.end] == cite.quote


def test_bylines_are_structure_never_quoted_otherwise(second_service: QAService) -> None:
    """On the second corpus the bylines ("Reporter: Megan Holt", "By Laura Bennett, …") are in
    the text and answer who wrote each article, yet no other answer quotes them."""
    assert is_heading("By Laura Bennett, Environment Reporter | Published 14 February 2025, 6:12pm")
    court = second_service.ask("who was the reporter covering the court case?")
    assert court.text == "The article is by Megan Holt [1]."
    assert court.citations[0].quote == "Reporter: Megan Holt"
    for question in (
        "What do the articles say about the court case?",
        "Who reported the dead fish?",
        "When was the spill first reported?",
    ):
        for cite in second_service.ask(question).citations:
            article = second_service.articles[cite.doc_id]
            assert article.byline is not None
            assert article.byline not in cite.quote, question


def test_an_authors_bio_answers_only_questions_about_the_author(service: QAService) -> None:
    """A bio after the body tells of its writer's career: the companies and places in it
    answer questions about the writer, and nothing else."""
    bios = {
        doc_id: article.text[start:]
        for doc_id, article in service.articles.items()
        if (start := article.bio_start) is not None
    }
    assert len(bios) == 2  # two of the five pages end with their author's profile
    for question in (
        "Who runs the company?",
        "Who will administer the cash the company is putting towards fixing up the river?",
    ):
        answer = service.ask(question)
        for cite in answer.citations:
            assert cite.quote not in bios.get(cite.doc_id, ""), (question, cite.quote)
    asked = service.ask("Where does Aishwarya Sanjukta Roy Proma work?")
    assert "BRAC Institute" in asked.text
    named = service.ask(
        "where did she get her degrees?",
        [
            {"role": "user", "content": "Who wrote the OpEd about Japan's deepening ties?"},
            {"role": "assistant", "content": "Aishwarya Sanjukta Roy Proma."},
        ],
    )
    assert "University of Dhaka" in named.text
    assert not speaks_of_author("Who runs the company?", service.articles[next(iter(bios))])
