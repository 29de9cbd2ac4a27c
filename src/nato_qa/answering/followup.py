"""Follow-up questions to standalone ones, deterministically (the extractive backend's method).

A question that leans on the conversation (a pronoun, "that", or an elliptical opening such
as "And ...") gets the conversation's key entities: a person pronoun becomes the last person
named, and the topic of the previous question is added in brackets. Questions that stand
alone are returned unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

_PERSON_PRONOUNS = re.compile(r"\b(he|him|his|she|her|hers)\b", re.I)
_OTHER_REFERENCES = re.compile(
    r"\b(it|its|they|them|their|theirs|this|that|these|those|there|the same|then)\b", re.I
)
_ELLIPTICAL_OPENING = re.compile(r"^\s*(and|but|also|so|what about|how about)\b", re.I)
# Runs of capitalised words: candidate names ("Osamu Izawa", "Prime Minister Shigeru Ishiba").
_NAME_RUN = re.compile(r"\b([A-Z][a-zà-ÿ’'-]+(?:\s+[A-Z][a-zà-ÿ’'-]+)+)\b")
# General English only: what opens or closes a capitalised run that is not a person's name.
_NOT_NAMES = {
    "The", "A", "An", "Yes", "No", "Who", "What", "When", "Where", "Which", "Why", "How",
    "North", "South", "East", "West", "Security", "Ministry", "Foreign", "Defense", "Defence",
    "Island", "Islands", "Alliance", "Sea", "Union", "Treaty", "Initiative", "Force", "Forces",
    "Government", "Council", "Republic", "Kingdom", "Office", "Agency", "Authority",
    "On", "In", "At", "By", "For", "From", "As", "Since", "After", "Before", "During",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
}  # fmt: skip
_QUESTION_WORDS = re.compile(
    r"\b(who|whom|whose|what|when|where|which|why|how|is|are|was|were|do|does|did|has|have|"
    r"had|the|a|an|of|to|in|on|for|with|about|by|and|or|much|many)\b",
    re.I,
)


def _messages(history: Sequence[Any] | None) -> list[tuple[str, str]]:
    """(role, content) pairs from dicts or (user, assistant) pairs, oldest first."""
    out: list[tuple[str, str]] = []
    for turn in history or []:
        if isinstance(turn, dict):
            out.append((str(turn.get("role", "user")), str(turn.get("content") or "")))
        elif isinstance(turn, (list, tuple)) and len(turn) == 2:
            out.append(("user", str(turn[0] or "")))
            out.append(("assistant", str(turn[1] or "")))
    return [(role, re.sub(r"\[\d+\]", "", text)) for role, text in out if text]


def needs_context(question: str) -> bool:
    """Whether a question leans on earlier turns."""
    return bool(
        _PERSON_PRONOUNS.search(question)
        or _OTHER_REFERENCES.search(question)
        or _ELLIPTICAL_OPENING.match(question)
    )


def _person(messages: list[tuple[str, str]]) -> str | None:
    """The most recently named person: the last name-like run, newest message first."""
    for _role, text in reversed(messages):
        for run in reversed(_NAME_RUN.findall(text)):
            words = [w for w in run.split() if w not in _NOT_NAMES]
            if len(words) >= 2 and words == run.split()[-len(words) :]:
                return " ".join(words)
    return None


def _topic(messages: list[tuple[str, str]]) -> str:
    """The previous user question's content words."""
    for role, text in reversed(messages):
        if role == "user":
            words = _QUESTION_WORDS.sub(" ", text.rstrip("?. "))
            return re.sub(r"\s+", " ", words).strip(" ,")
    return ""


def standalone_question(question: str, history: Sequence[Any] | None) -> str:
    """Rewrite a follow-up into a question that can be searched on its own.

    Args:
        question: the new question.
        history: earlier turns, oldest first, as {"role", "content"} dicts or (user, bot) pairs.

    Returns:
        The question itself when it stands alone or there is no history; else the question
        with its references resolved.
    """
    messages = _messages(history)
    if not messages or not needs_context(question):
        return question
    rewritten = question
    person = _person(messages)
    if person and _PERSON_PRONOUNS.search(rewritten):

        def name_for(match: re.Match[str]) -> str:
            word = match.group(1).lower()
            return f"{person}’s" if word in {"his", "hers"} else str(person)

        rewritten = _PERSON_PRONOUNS.sub(name_for, rewritten, count=1)
    topic = _topic(messages)
    if topic and (
        _OTHER_REFERENCES.search(rewritten) or _ELLIPTICAL_OPENING.match(rewritten) or not person
    ):
        rewritten = f"{rewritten.rstrip()} (context: {topic})"
    return rewritten
