"""Word-level helpers that every stage shares."""

from __future__ import annotations

import re


def without_possessive(word: str) -> str:
    """``word`` without a closing possessive "'s" or "’s" ("Ministry's" → "Ministry")."""
    return word[:-2] if word.endswith(("’s", "'s")) else word


def word_set(text: str) -> set[str]:
    """The text's words, in lower case ("Whom did Ann Lee succeed?" -> {"whom", "did", "ann",
    "lee", "succeed"})."""
    return set(re.findall(r"\w+", text.lower()))
