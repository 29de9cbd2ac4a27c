"""People's names in a sentence: two capitalised words in a row, neither a general word of
places and institutions ("Hall", "Court", "Ministry": ``names_a_place_or_body``)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from nato_qa.sentences.patterns import DAYS, MONTHS
from nato_qa.words import without_possessive

NAME_RUN = re.compile(r"\b[A-Z][a-z’'-]+(?:\s+[A-Z][a-z’'-]+)*")

# Two capitalised words in a row (overlapping: "Defence Minister Gen Brandt" gives "Gen
# Brandt"), as a person's name is written; ``AnswerType.fits`` drops those a place or an
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

# A name that opens a sentence, set off by a comma, after an honorific or not: "Ann Lee,
# prosecuting for the board, …", "Dr Ann Lee, head of the board, …"
OPENING_PAIR = re.compile(
    r"^\W*(?:(?:Dr|Mr|Mrs|Ms|Prof|Sir|Dame)\.? )?([A-Z][a-z]+) ([A-Z][a-z]+),"
)

# Every pair, overlapping: "Prime Minister Ann Lee" holds "Ann Lee" after "Minister Ann"
# (round 37: the pairs had been taken one after another, so a name after a title was never
# read, and "Prime Minister Ann Lee is attending …" named no one for "who")
_CAPITAL_PAIR = re.compile(r"(?<=[a-z,] )(?=([A-Z][a-z]+) ([A-Z][a-z]+)\b)")


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


CAPITALISED = re.compile(r"\b[A-Z][a-z’'-]+")  # a capitalised word

_WORD = re.compile(r"[A-Za-z][\w’'-]*")

_HONORIFIC = re.compile(r"Mr|Mrs|Ms|Miss|Dr|Prof")

_SENTENCE_END = re.compile(r"[.!?:\n]")


@dataclass(frozen=True)
class CorpusNames:
    """What a corpus's own text says about people's names (``read``), for any articles.

    ``surnames``: the words (lower case) it writes both as the last of a two-word name ("…
    talks with Gen Ivo Brandt") and alone mid-sentence ("…,” Brandt stated", "said Mr
    Brandt"), as news names a person once in full and then by surname; ``lower``: the words
    it writes in lower case somewhere, words of the language, which neither begin nor end a
    person's name ("the Harbour Security Assistance programme": "assistance" is written so
    too); ``people``: the words (lower case) of the two-word names it writes ("Ivo Brandt"),
    which a chat question may write in lower case ("what was ivo brandt's job?").
    """

    surnames: frozenset[str] = frozenset()
    lower: frozenset[str] = frozenset()
    people: frozenset[str] = frozenset()

    @classmethod
    def read(cls, texts: Iterable[str], common: frozenset[str]) -> CorpusNames:
        """The statistics of ``texts``; ``common``: the corpus's common names
        (``KeywordIndex.common_names``), which are nobody's surname."""
        last: set[str] = set()
        named: set[str] = set()
        alone: set[str] = set()
        lower: set[str] = set()
        for text in texts:
            for first, second in PERSON_PAIR.findall(text):
                first, second = without_possessive(first), without_possessive(second)
                if could_be_named(first, second):
                    last.add(second.lower())
                    named.update((first.lower(), second.lower()))
            words = list(_WORD.finditer(text))
            for i, word in enumerate(words):
                token = word.group(0)
                if not token[0].isupper():
                    lower.add(without_possessive(token))
                    continue
                before = words[i - 1] if i else None
                if before is None or _SENTENCE_END.search(text[before.end() : word.start()]):
                    continue  # a sentence's first word is capitalised anyway
                after = words[i + 1] if i + 1 < len(words) else None
                joined_before = (
                    text[before.end() : word.start()] == " "
                    and before.group(0)[0].isupper()
                    and not _HONORIFIC.fullmatch(before.group(0))
                )
                joined_after = (
                    after is not None
                    and text[word.end() : after.start()] == " "
                    and after.group(0)[0].isupper()
                )
                if not joined_before and not joined_after:
                    alone.add(without_possessive(token).lower())
        return cls(
            frozenset((last & alone) - lower - common),
            frozenset(lower),
            frozenset(named - lower - common),
        )

    def is_person(self, first: str, second: str) -> bool:
        """Whether two capitalised words in a row can be a person's name: neither a general
        word of places and institutions, nor a word of the language ("Marine Permitting
        Rules": the corpus writes "marine" in lower case too)."""
        return (
            could_be_named(first, second)
            and second.lower() not in self.lower
            and first.lower() not in self.lower
        )

    def in_full(self, text: str, surname: str) -> bool:
        """Whether ``text`` gives a person's name that ends in ``surname`` in full ("Ivo
        Brandt", not "Minister Brandt")."""
        return any(
            self.is_person(m.group(1), surname)
            for m in re.finditer(rf"\b([A-Z][a-z’'-]+) {re.escape(surname)}\b", text)
        )

    def names_someone(self, text: str, given: set[str]) -> bool:
        """Whether ``text`` has one of the corpus's surnames, capitalised, that is not one of
        the ``given`` words (lower case): "Prime Minister Brandt said …"."""
        return any(
            (word := without_possessive(w).lower()) in self.surnames and word not in given
            for w in CAPITALISED.findall(text)
        )


# No corpus read: no surnames, no words known to be the language's
NO_CORPUS = CorpusNames()
