"""Abbreviations the articles define, read from the articles themselves.

A page that writes "the Harbour Safety Board (HSB)" once calls it "the HSB" from then on, and
a reader may ask with either form. The definitions are found the way Schwartz and Hearst's
algorithm finds them: an upper-case word in brackets, and the words just before it whose
capitals spell it ("Harbour Safety Board" for "HSB"; small words such as "of" and "and" in
between are kept: "Institute of Marine Studies (IMS)").

A reader also writes abbreviations that no article writes ("the G20" for "the Group of
Twenty", "PZ" for "the Port of Zembla"): such an abbreviation stands for the capitalised run
of the articles whose capitals spell it (a number word by its figure), the most frequent one
when several do (``spelled_out``). Nothing here lists a word of any corpus.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from nato_qa.sentences.patterns import WORD
from nato_qa.words import figure_of

_DEFINED = re.compile(r"\(([A-Z][A-Z0-9]{1,7})\)")
_MOST_SMALL_WORDS = 2  # lower-case words in a row inside a long form
# an abbreviation as a reader writes it: capitals and figures ("PZ", "G20"), or lower case
# with a figure ("g20"); other lower-case words are words ("pm", "us")
_WRITTEN = re.compile(r"\b(?:[A-Z][A-Z0-9]{1,6}|[a-z][a-z]?\d{1,2})\b")
_RUN = re.compile(r"[^\n.,;:!?()\[\]\"“”]+")  # a stretch of words without punctuation
_MOST_CAPITALS = 7


def long_form(before: str, abbreviation: str) -> str | None:
    """The words that end ``before`` and whose capitals spell ``abbreviation``, or None."""
    words = WORD.findall(before.rsplit("\n", 1)[-1])[-(2 * len(abbreviation) + 2) :]
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


def aliases(
    question: str, defined: dict[str, str], spelled: dict[str, str] | None = None
) -> list[tuple[str, str]]:
    """Each abbreviation the question uses, as (the form it uses, the other form): a defined
    one in either form, and one the articles only spell out (``spelled_out``)."""
    found: list[tuple[str, str]] = []
    for abbreviation, meaning in defined.items():
        # in lower case too ("the hsb"), unless two letters: "it" is no "IT"
        flags = re.I if len(abbreviation) > 2 else 0
        if re.search(rf"\b{re.escape(abbreviation)}\b", question, flags):
            found.append((abbreviation, meaning))
        elif re.search(rf"\b{re.escape(meaning)}\b", question, re.I):
            found.append((meaning, abbreviation))
    spelled = spelled or {}
    for token in written_abbreviations(question):
        run = spelled.get(token.lower())
        if run and token.upper() not in defined:
            found.append((token, run))
    return found


def written_abbreviations(question: str) -> list[str]:
    """What in the question looks like an abbreviation ("PZ", "G20", "g20"), once each."""
    return list(dict.fromkeys(_WRITTEN.findall(question)))


def _capital(word: str) -> str:
    """The letter (or figure) a capitalised word gives an abbreviation."""
    return figure_of(word) or word[0].lower()  # "Group of Twenty" is the "G20"


def spelled_out(texts: Iterable[str]) -> dict[str, str]:
    """Each abbreviation no text writes that the capitals of a run of their words spell (two
    to seven capitalised words, small words between them allowed as in a definition), with
    the run the texts write most often; when two runs are written as often, neither."""
    counts: Counter[tuple[str, str]] = Counter()
    written: set[str] = set()
    for text in texts:
        written.update(w.lower() for w in WORD.findall(text))
        for stretch in _RUN.findall(text):
            words = WORD.findall(stretch)
            for i, first in enumerate(words):
                if not first[0].isupper():
                    continue
                small = capitals = 0
                for j in range(i, len(words)):
                    word = words[j]
                    if not word[0].isupper():
                        small += 1
                        if small > _MOST_SMALL_WORDS:
                            break
                        continue
                    small = 0
                    capitals += 1
                    if capitals > _MOST_CAPITALS:
                        break
                    if capitals >= 2:
                        span = words[i : j + 1]
                        key = "".join(_capital(w) for w in span if w[0].isupper())
                        counts[(key, " ".join(span))] += 1
    best: dict[str, tuple[int, str]] = {}
    tied: set[str] = set()
    for (key, run), n in counts.items():
        if key in written:
            continue
        if key not in best or n > best[key][0]:
            best[key] = (n, run)
            tied.discard(key)
        elif n == best[key][0]:
            tied.add(key)
    return {key: run for key, (_, run) in best.items() if key not in tied}
