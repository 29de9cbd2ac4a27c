"""Questions about who wrote an article, answered from the line where the page names its author.

"Who wrote the OpEd about …?", "who is the author of the piece on …", "who was the reporter
covering the court case?", "who wrote these articles?": the answer is not in any sentence of
the story but in its byline ("By Jo Bloggs, Chief Reporter | Published 3 March 2025") or the
author's bio after it. ``clean.py`` keeps that line in the article's text (``Article.byline``)
as structure, never quoted otherwise, so the answer can cite it like any passage.

The article is the one the question points to: of the articles the retrieved passages come
from, the one whose headline and publisher share most of the question's words (the passages'
order breaks a tie). An article that names no author gets an honest "it does not say"; a
question in the plural gets every article's author, one bullet each.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from nato_qa.answering.compose import attribution
from nato_qa.chunking import sentence_spans
from nato_qa.keyword import terms
from nato_qa.types import Article, Citation, Draft, Hit

_PIECE = (
    r"(?:articles?|pieces?|op-?eds?|opinion\s+pieces?|stor(?:y|ies)|reports?|columns?|"
    r"commentar(?:y|ies)|analys[ie]s|editorials?|posts?|features?|write-?ups?|coverage)"
)
_THE = r"(?:the|this|that|these|those|each|an?|all\s+the)"
_ASKS_AUTHOR = re.compile(
    # "who wrote the OpEd about …", "who penned this piece", "who wrote it"
    rf"\bwho\s+(?:wrote|writes|authored|penned)\s+(?:{_THE}\s+(?:[\w’'-]+\s+){{0,4}}?{_PIECE}\b"
    r"|(?:it|this|that|them)\b)"
    # "who is the author?", "who are the writers of these articles"
    r"|\bwho(?:[’']s|\s+is|\s+was|\s+are|\s+were)\s+(?:the\s+)?(?:author|writer)s?\b"
    rf"(?!\s+of\s+(?!{_THE}\s+(?:[\w’'-]+\s+){{0,4}}?{_PIECE}\b|it\b|this\b|that\b))"
    # "who was the reporter covering the court case", "the journalist behind the story"
    r"|\bwho(?:[’']s|\s+is|\s+was)\s+(?:the\s+)?(?:reporter|journalist|correspondent)\s+"
    r"(?:who\s+)?(?:cover\w*|wr[io]te\w*|report\w*|behind|for|of|on)\b"
    # "whose article is …", "written by whom", "who was it written by"
    rf"|\bwhose\s+(?:[\w’'-]+\s+){{0,2}}?{_PIECE}\b"
    rf"|\bwritten\s+by\s+whom\b|\bwho\s+(?:was|were)\s+(?:it|{_THE}\s+[^?]*?)\s+written\s+by\b",
    re.I,
)
_PLURAL = re.compile(
    r"\b(?:authors|writers|reporters|articles|pieces|stories|reports|columns|op-?eds|these|"
    r"those|each|all|them)\b",
    re.I,
)
# The words of the question's form, which say nothing of which article it is.
_FORM = frozenset(terms("who wrote written author writer reporter journalist article piece"))

NO_AUTHOR = "The article does not say who wrote it."


# A question that speaks of an article's writer, in the words a reader uses for one.
_WRITER = re.compile(
    r"\b(?:author|writer|wrote|written|reporter|journalist|correspondent|columnist|editor|"
    r"analyst|researcher|contributor)s?\b",
    re.I,
)


def speaks_of_author(question: str, article: Article) -> bool:
    """Whether the question is about the article's writer: it names them or asks of a writer."""
    if _WRITER.search(question):
        return True
    return bool(set(terms(article.author or "")) & set(terms(question)))


def without_author_bios(
    question: str, hits: Sequence[Hit], articles: Mapping[str, Article]
) -> list[Hit]:
    """The passages with any that lie in an author's bio taken out, unless the question is
    about that author: a bio tells of its writer's career, not of the story, and its companies
    and places would otherwise answer questions the articles never speak to."""
    kept = []
    for hit in hits:
        article = articles.get(hit.doc_id)
        start = article.bio_start if article else None
        if (
            article is None
            or start is None
            or hit.source.start < start
            or speaks_of_author(question, article)
        ):
            kept.append(hit)
    return kept


# A clause after the writer that asks a question of its own: "the analyst who wrote the op-ed
# on … - what institute is she with?" asks the institute; "who wrote it" only describes her.
_LATER_QUESTION = re.compile(
    r"(?:[,;:–—]|\s-\s)\s*(?:and\s+|so\s+|but\s+)?(?:what|which|where|when|how|why|whose)\b",
    re.I,
)


def asks_author(question: str) -> bool:
    """Whether the question asks who wrote an article (rather than something the story says):
    it says "who wrote …" or the like, and no later clause asks something else."""
    match = _ASKS_AUTHOR.search(question)
    return match is not None and not _LATER_QUESTION.search(question, match.end())


def answer(question: str, hits: Sequence[Hit], articles: Mapping[str, Article]) -> Draft:
    """The author of the article the question points to, cited to its byline; every article's
    when the question is in the plural."""
    if _PLURAL.search(question):
        chosen = list(articles.values())
    else:
        chosen = [_article_for(question, hits, articles)]
    lines: list[str] = []
    citations: list[Citation] = []
    for article in chosen:
        cite = _byline_citation(article, len(citations) + 1)
        if cite is None:
            lines.append(f"{_card(article)}: the article does not say who wrote it.")
            continue
        citations.append(cite)
        lines.append(f"{_card(article)}: by {article.author or cite.quote} [{cite.n}]")
    if len(chosen) == 1:
        article = chosen[0]
        if not citations:
            return Draft(text=f"{_card(article)}: {NO_AUTHOR}", citations=(), refused=True)
        return Draft(
            text=f"The article is by {article.author or citations[0].quote} [1].",
            citations=tuple(citations),
            refused=False,
        )
    return Draft(
        text="\n".join(f"- {line}" for line in lines),
        citations=tuple(citations),
        refused=not citations,
    )


def _article_for(question: str, hits: Sequence[Hit], articles: Mapping[str, Article]) -> Article:
    """The article the question points to: of the retrieved passages' articles (then the rest),
    the one whose headline and publisher share most of the question's words."""
    order = list(dict.fromkeys(s.doc_id for h in hits for s in h.sources if s.doc_id in articles))
    order += [doc_id for doc_id in articles if doc_id not in order]
    wanted = set(terms(question)) - _FORM

    def shared(doc_id: str) -> int:
        article = articles[doc_id]
        return len(wanted & set(terms(f"{article.title} {article.publisher or ''}")))

    best = max(order, key=lambda doc_id: (shared(doc_id), -order.index(doc_id)))
    return articles[best]


def _byline_citation(article: Article, n: int) -> Citation | None:
    """The byline line, or the bio's sentence that names the author, as a citation."""
    if not article.byline:
        return None
    start = article.text.find(article.byline)
    if start < 0:
        return None
    end = start + len(article.byline)
    name = article.author or ""
    for s, e in sentence_spans(article.byline):
        if name and name in article.byline[s:e]:
            start, end = start + s, start + e
            break
    return Citation(
        n=n, doc_id=article.doc_id, title=article.title, start=start, end=end,
        quote=article.text[start:end], score=1.0, publisher=article.publisher, date=article.date,
        author=article.author,
    )  # fmt: skip


def _card(article: Article) -> str:
    """The short attribution a bullet opens with (publisher or headline's first words, date)."""
    return attribution(
        Citation(
            n=0, doc_id=article.doc_id, title=article.title, start=0, end=0, quote="", score=0.0,
            publisher=article.publisher, date=article.date, author=article.author,
        )
    )  # fmt: skip
