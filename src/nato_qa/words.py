"""Word-level helpers that every stage shares."""

from __future__ import annotations


def without_possessive(word: str) -> str:
    """``word`` without a closing possessive "'s" or "’s" ("Ministry's" → "Ministry")."""
    return word[:-2] if word.endswith(("’s", "'s")) else word
