"""Word-level helpers that every stage shares."""

from __future__ import annotations

import re
from functools import lru_cache

from num2words import num2words


def without_possessive(word: str) -> str:
    """``word`` without a closing possessive "'s" or "’s" ("Ministry's" → "Ministry")."""
    return word[:-2] if word.endswith(("’s", "'s")) else word


def word_set(text: str) -> set[str]:
    """The text's words, in lower case ("Whom did Ann Lee succeed?" -> {"whom", "did", "ann",
    "lee", "succeed"})."""
    return set(re.findall(r"\w+", text.lower()))


# a number word and its figure: "twelve" -> "12" (up to a hundred)
_FIGURE_OF_WORD = {num2words(i): str(i) for i in range(101)}


def figure_of(word: str) -> str | None:
    """The figure a number word stands for ("Twelve" -> "12"), or None."""
    return _FIGURE_OF_WORD.get(word.lower())


@lru_cache(maxsize=1024)
def spoken_number(figure: str) -> str | None:
    """A whole number as words are written in prose ("18,000" -> "eighteen thousand",
    "6,500" -> "six thousand five hundred"), or None when ``figure`` is not one."""
    digits = figure.replace(",", "")
    if not digits.isdigit() or len(digits) > 12:
        return None
    return num2words(int(digits)).replace(",", "").replace("-", " ")
