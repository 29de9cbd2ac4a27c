"""People's names in a sentence: two capitalised words in a row, neither a general word of
places and institutions ("Hall", "Court", "Ministry": ``names_a_place_or_body``)."""

from __future__ import annotations

import re

from nato_qa.sentences.patterns import DAYS, MONTHS
from nato_qa.words import without_possessive

NAME_RUN = re.compile(r"\b[A-Z][a-z’'-]+(?:\s+[A-Z][a-z’'-]+)*")

# Two capitalised words in a row (overlapping: "Defense Minister Gen Nakatani" gives "Gen
# Nakatani"), as a person's name is written; ``AnswerType.fits`` drops those a place or an
# institution opens or ends (``_NOT_PERSON``).
PERSON_PAIR = re.compile(r"(?<![\w’'-])(?=([A-Z](?![A-Z])[\w’'-]+) ([A-Z](?![A-Z])[\w’'-]+)\b)")

# General English words that open or end a capitalised run that is not a person.
_NOT_PERSON = re.compile(
    r"North|South|East|West|New|United|Ministry|Foreign|Defense|Defence|Prime|Minister|"
    r"President|Secretary|General|Self|Force|Forces|Sea|Island|Islands|Group|Council|Union|"
    r"Republic|Kingdom|Office|Agency|Authority|Court|Department|University|Institute|"
    r"Street|Road|Lane|Avenue|Square|Park|River|Brook|Lake|Bridge|Lock|Hall|Church|Station|"
    r"Airport|Port|Bay|Valley|Mount|Ltd|Plc|Inc|Company|Bank|News|Times|Post|Water|School|"
    r"Hospital|Centre|Center|Museum|Party|Association|Society|Foundation|Trust|Fund|Committee|"
    r"Commission|Parliament|Assembly|Summit|Alliance|Organi[sz]ation|Embassy|Mission|"
    rf"(?i:{DAYS}|{MONTHS})"
)

# A name that opens a sentence, set off by a comma: "Ann Lee, prosecuting for the board, …"
OPENING_PAIR = re.compile(r"^\W*([A-Z][a-z]+) ([A-Z][a-z]+),")

_CAPITAL_PAIR = re.compile(r"(?<=[a-z,] )([A-Z][a-z]+) ([A-Z][a-z]+)\b")


def names_a_place_or_body(word: str) -> bool:
    """Whether a capitalised word, possessive or not, is a general word of places and
    institutions ("Hall", "Court", "Ministry's"), which ends no person's name."""
    return bool(_NOT_PERSON.fullmatch(without_possessive(word)))


def person_pairs(text: str) -> list[tuple[str, str]]:
    """Two capitalised words in a row mid-sentence that can be a person's name, in order."""
    return [(a, b) for a, b in _CAPITAL_PAIR.findall(text) if could_be_named(a, b)]


def could_be_named(first: str, second: str) -> bool:
    """Whether two capitalised words in a row can be a person's name: neither is a general
    word of places and institutions (``_NOT_PERSON``)."""
    return not names_a_place_or_body(first) and not names_a_place_or_body(second)
