"""Abbreviations the articles define, read from the articles themselves.

A page that writes "the Harbour Safety Board (HSB)" once calls it "the HSB" from then on, and
a reader may ask with either form. The definitions are found the way Schwartz and Hearst's
algorithm finds them: an upper-case word in brackets, and the words just before it whose
capitals spell it ("Harbour Safety Board" for "HSB"; small words such as "of" and "and" in
between are kept: "Institute of Marine Studies (IMS)"). Nothing here lists a word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_DEFINED = re.compile(r"\(([A-Z][A-Z0-9]{1,7})\)")
_WORD = re.compile(r"[\w’'-]+")
_MOST_SMALL_WORDS = 2  # lower-case words in a row inside a long form


def long_form(before: str, abbreviation: str) -> str | None:
    """The words that end ``before`` and whose capitals spell ``abbreviation``, or None."""
    words = _WORD.findall(before.rsplit("\n", 1)[-1])[-(2 * len(abbreviation) + 2) :]
    letters = abbreviation.lower()
    for start in range(len(words) - 1, -1, -1):
        run = words[start:]
        if not run[0][0].isupper():
            continue
        capitals = "".join(w[0] for w in run if w[0].isupper()).lower()
        if capitals == letters and _small_runs_ok(run):
            return " ".join(run)
        if len(capitals) > len(letters):
            return None
    return None


def _small_runs_ok(run: list[str]) -> bool:
    """Whether a long form has no more than ``_MOST_SMALL_WORDS`` lower-case words in a row
    and ends with a capitalised one ("Harbour Safety Board and the" is no long form)."""
    small = 0
    for word in run:
        small = small + 1 if not word[0].isupper() else 0
        if small > _MOST_SMALL_WORDS:
            return False
    return not run[-1][0].islower()


def defined_abbreviations(texts: Iterable[str]) -> dict[str, str]:
    """Each abbreviation the texts define, with its long form (the first definition wins)."""
    found: dict[str, str] = {}
    for text in texts:
        for match in _DEFINED.finditer(text):
            abbreviation = match.group(1)
            if abbreviation in found:
                continue
            meaning = long_form(text[max(0, match.start() - 200) : match.start()], abbreviation)
            if meaning:
                found[abbreviation] = meaning
    return found


def aliases(question: str, defined: dict[str, str]) -> list[tuple[str, str]]:
    """Each defined abbreviation the question uses, in either form: the form it uses and the
    other one."""
    found: list[tuple[str, str]] = []
    for abbreviation, meaning in defined.items():
        # in lower case too ("the hsb"), unless two letters: "it" is no "IT"
        flags = re.I if len(abbreviation) > 2 else 0
        if re.search(rf"\b{re.escape(abbreviation)}\b", question, flags):
            found.append((abbreviation, meaning))
        elif re.search(rf"\b{re.escape(meaning)}\b", question, re.I):
            found.append((meaning, abbreviation))
    return found
