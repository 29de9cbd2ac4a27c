"""The names and numbers a question asks about, and whether a sentence mentions them.

``split_entities`` tells those of the thing asked about, which the answering sentence must
mention, from those of its setting (a year, a place after "in" or "at"), which its passage
may; ``mentions`` reads a sentence for them, with a country's adjective for its name and a
number written either way. ``core_question`` drops the context note that follow-up
rewriting appends and a chat word that opens the question ("ok and …"), which
``without_opening_word`` drops alone (for the retriever, which needs the note)."""

from __future__ import annotations

import re
from functools import lru_cache

from nato_qa.sentences.patterns import TITLE, YEAR_DIGITS
from nato_qa.words import figure_of, spoken_number, without_possessive

_ENTITY_RUN = re.compile(r"\b[A-Z][\w-]*(?:[’']s)?(?:\s+[A-Z][\w-]*(?:[’']s)?)+")

_NUMBER_TOKEN = re.compile(r"\b\d[\d,.]*\b")

_CONTEXT_NOTE = re.compile(r"\s*\(context:.*\)\s*$")

_QUALIFIERS = {"north", "south", "east", "west", "new", "united"}


# A chat word that opens a question before what it asks ("ok and who took over?", "so, what
# did it cost?"): not part of the question's form
_OPENING_WORD = re.compile(
    r"^\s*(?:ok(?:ay)?|so|right|alright|well|oh|hmm+|cool|thanks|great|yeah|yes|sure|i see)"
    r"[\s,.!]+(?=(?:and|what|who|whom|whose|which|when|where|why|how|is|are|was|were|do|does|"
    r"did|can|could|will|would|has|have|had)\b)",
    re.I,
)


def has_context_note(question: str) -> bool:
    """Whether follow-up rewriting appended a context note to the question."""
    return bool(_CONTEXT_NOTE.search(question))


def without_opening_word(question: str) -> str:
    """The question without a chat word that opens it ("ok and who …" -> "and who …")."""
    return _OPENING_WORD.sub("", question)


def core_question(question: str) -> str:
    """The question without the context note that follow-up rewriting appends, nor a chat
    word that opens it ("ok and who …")."""
    return without_opening_word(_CONTEXT_NOTE.sub("", question))


def required_entities(question: str) -> list[list[str]]:
    """Names and numbers the question asks about; an answer sentence must mention each.

    A name is reduced to its head word ("Ivo Brandt" -> brandt), keeping a qualifier that
    changes the place ("North Ruritania" -> north ruritania).
    """
    return [entity for entity, _ in _entities(question)]


def split_entities(question: str) -> tuple[list[list[str]], list[list[str]]]:
    """The question's names and numbers in two lists: those of the thing asked about, which
    the answering sentence must mention, and those of its setting, which its passage may:
    a year ("the July 2023 summit") and a place or body after "in" or "at" ("dead fish in
    the River Zembla"), which news sentences leave to the sentences around them."""
    asked: list[list[str]] = []
    setting: list[list[str]] = []
    for entity, is_setting in _entities(question):
        (setting if is_setting else asked).append(entity)
    return asked, setting


_SETTING_BEFORE = re.compile(r"\b(?:in|at)\s+(?:the\s+)?$", re.I)

_YEAR = re.compile(YEAR_DIGITS)


def _entities(question: str) -> list[tuple[list[str], bool]]:
    """Each name and number of the question, and whether it is part of the setting."""
    found: list[tuple[list[str], bool]] = []
    question = core_question(question)
    opening = re.match(r"^\s*\w+", question)
    skip = opening.end() if opening else 0  # the first word is capitalised anyway
    for run in _ENTITY_RUN.finditer(question, skip):
        words = [without_possessive(w).lower() for w in run.group(0).split()]
        parts = [part for w in words for part in w.split("-") if part]
        if TITLE.fullmatch(parts[-1]):
            continue  # a post ("Secretary General", "Ruritania's Defence Minister"), not a name
        head = [parts[-1]]
        if len(parts) >= 2 and parts[-2] in _QUALIFIERS:
            head.insert(0, parts[-2])
        found.append((head, bool(_SETTING_BEFORE.search(question[: run.start()]))))
    for match in _NUMBER_TOKEN.finditer(question):
        number = match.group(0).rstrip(".,")
        if len(number) == 2 and match.start() > 0 and question[match.start() - 1] in "'’":
            number = f"{20 if int(number) <= 50 else 19}{number}"  # a year written short: '23
        found.append(([number], bool(_YEAR.fullmatch(number))))
    return found


def mentions(entities: list[list[str]], text: str) -> bool:
    """Whether every entity's words all occur in ``text`` (a number as figures or as words:
    "5" as "five", "18,000" as "Eighteen thousand"; a place as the adjective made from it:
    "Ruritania" as "Ruritanian")."""
    lowered = text.lower().replace("’", "'")
    words = set(re.findall(r"[\w]+(?:[.,]\d+)*", lowered))
    return all(
        all(
            w in words
            or figure_of(w) in words
            or not words.isdisjoint(_adjectives(w))
            or _says_in_words(w, lowered)
            for w in entity
        )
        for entity in entities
    )


def _says_in_words(figure: str, lowered: str) -> bool:
    """Whether the lower-cased text writes the number in words."""
    spoken = spoken_number(figure)
    return spoken is not None and re.search(rf"\b{spoken}\b", lowered.replace("-", " ")) is not None


@lru_cache(maxsize=4096)
def _adjectives(word: str) -> frozenset[str]:
    """The adjectives English makes of a place's name ("-n", "-an", "-ian", "-ese", "-ish",
    "-i"; after its last vowel dropped: "Ruritania" -> "Ruritanian", "Zembla" -> "Zemblese")."""
    if len(word) < 4 or not word.isalpha():
        return frozenset()
    stems = {word, word[:-1]} if word[-1] in "aeiouy" else {word}
    return frozenset(stem + end for stem in stems for end in ("n", "an", "ian", "ese", "ish", "i"))
