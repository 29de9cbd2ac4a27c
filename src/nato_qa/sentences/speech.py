"""Reported speech: verbs of saying and reacting, quotations, and who says a sentence that
names nobody ("She added that …", a quotation's "…," she said: ``speaker_before``)."""

from __future__ import annotations

import re

from nato_qa.chunking import sentence_spans
from nato_qa.sentences.names import NAME_RUN, person_pairs
from nato_qa.words import word_set

# Reported speech: a verb of saying, or a quotation closed by a comma (“…,” she said). Quote
# marks alone are not enough: they also mark terms ("the so-called “global partners”").
_SPEECH = re.compile(
    r"[,?!][”\"]|\b(said|says|told|tells|stated|states|announced|declared|claimed|commented|"
    r"remarked|noted|stressed|warned|added|explained|argued|insisted|underscored|urged|"
    r"emphasi[sz]ed|expressed|voiced|acknowledged|highlighted|according to)\b"
    # written words given whole: placards reading “…”, a sign saying “…”
    r"|\b(?:read|reads|reading|saying)\s*:?\s*[“\"]",
    re.I,
)

# Verbs of reacting, by their stems ("welcomed", "condemned", "rejected").
_REACTING = r"welcom|condemn|criticis|criticiz|denounc|prais|protest|reject|object|oppos"

# A response: reported speech, or a word of reacting ("respond", "reply", "welcomed" …).
RESPONSE = re.compile(
    _SPEECH.pattern + rf"|\b(?:respond|react|repl(?:y|i)|{_REACTING}|retaliat|summon)\w*",
    re.I,
)

# A statement: reported speech, or a verb of reacting ("welcomed the prosecution"), not a
# noun ("the opposition of …" says no words of its own).
STATEMENT = re.compile(_SPEECH.pattern + rf"|\b(?:{_REACTING})(?:e|es|ed|ing|s)\b", re.I)

# A sentence said by, or about, someone it does not name: one that opens with "he" or "she"
# ("She added that …") or has one after an opening phrase, a quotation's "…," she said, the
# first or last sentence of a quotation that spans several (one quotation mark), or a whole
# quotation on its own.
SAID_BY_SOMEONE_BEFORE = re.compile(
    r"^\W*(?:he|she)\b|[,?!][”\"]\s*(?:he|she)\s+\w+|^[^“”\"]*[”\"]\W*$"
    # "In 2023, on the 11th of July, he is again scheduled …": he after an opening phrase
    r"|^(?:[^,“”\"]{1,50},\s*){1,3}(?:he|she)\b"
    # a sentence that is a whole quotation, after one its speaker is named by
    r"|^\s*[“\"][^“”\"]+[”\"]\s*$"
    # the first sentence of a quotation that goes on in the next one
    r"|^\s*[“\"][^“”\"]+$",
    re.I,
)


def opens_quote(text: str) -> bool:
    """Whether the text opens a quotation it does not close (it goes on in what follows)."""
    if text.count("“") > text.count("”"):
        return True
    marks = [i for i, ch in enumerate(text) if ch == '"']
    return len(marks) % 2 == 1 and (marks[-1] == 0 or text[marks[-1] - 1] in " :(—–-\n")


# A quotation its speaker's name or pronoun breaks off ("“We swim in it too,” she said."),
# which the next sentence may take up again ("“But if the works shuts …”")
_SAID_MIDWAY = re.compile(
    r"[,?!][”\"]\s*(?:he|she|they|(?:[A-Z][\w’'-]*\s+){1,3})\s*(?:said|says|added|adds)\.\s*$"
)


def breaks_off_quote(text: str) -> bool:
    """Whether the text ends a quotation's first part by naming who said it ("“…,” she
    said."): the quotation may go on in the next sentence."""
    return _SAID_MIDWAY.search(text) is not None


_OPENS_WITH_HE_OR_SHE = re.compile(r"^\W*(?:he|she)\b", re.I)


def named_just_before(text: str, speaker: str, given: set[str]) -> bool:
    """Whether ``text`` names its person only as "he" or "she" ("He succeeds Ann Lee …"),
    ``speaker`` (``speaker_before``) being who that is and not a person the question names
    (``given``: its words, lower case)."""
    return (
        bool(speaker)
        and _OPENS_WITH_HE_OR_SHE.match(text) is not None
        and not word_set(speaker) & given
    )


_OPENS_WITH_A_QUOTE_OR_PRONOUN = re.compile(r"^\s*(?:[“\"‘']|(?:he|she)\b)", re.I)
# A one-word name as the subject of its verb ("Brandt commended Olaf Brun's visit."), not an
# adverb that opens the sentence ("Previously managed by …"). Round 41: blind r66's "He
# underscored …" had been said by the country named two sentences back.
_ONE_WORD_SUBJECT = re.compile(r"(?![A-Z][a-z]+ly\b)[A-Z][a-z’'-]+\s+(?:[a-z]+ed|said|told|says)\b")


def speaker_before(text: str, before: str) -> str:
    """Who says ``text`` when it does not name them ("She added that …", a quotation's last
    sentence), from ``before``, the text just before it: its nearest sentence that is not
    inside a quotation, opens with neither "he", "she" nor a quotation mark, and names
    someone gives the name it opens with (two words or more, or one that is its verb's
    subject), else the last person it names (not in the possessive). Empty when ``text``
    does not point back or nobody is named."""
    if not SAID_BY_SOMEONE_BEFORE.search(text):
        return ""
    for start, end in reversed(sentence_spans(before)):
        sentence = before[start:end]
        if _OPENS_WITH_A_QUOTE_OR_PRONOUN.match(sentence) or opens_quote(before[:start]):
            continue
        opening = NAME_RUN.match(sentence.lstrip())
        if opening and (" " in opening.group(0) or _ONE_WORD_SUBJECT.match(sentence.lstrip())):
            # the name its sentence opens with: "Dr Ann Lee, …, said", "Brandt commended …"
            return opening.group(0)
        # else the last person it names ("…, led by Ann Lee."), not in the possessive ("…
        # commended Ann Lee's visit" is not what she did); one that names nobody ("The
        # effluent flowed into a drain.") is passed over
        people = [
            pair
            for pair in person_pairs(sentence)
            if not re.search(rf"\b{re.escape(' '.join(pair))}[’']s\b", sentence)
        ]
        if people:
            return " ".join(people[-1])
    return ""


# A quotation: words of the speaker's own, between quotation marks.
QUOTATION = re.compile(r"[“\"]\s*[\w‘']|[\w.,?!’'][”\"]")
