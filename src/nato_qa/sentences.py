"""Sentence scoring shared by retrieval (passage rerank) and the extractive backend.

Every sentence of a set of passages is scored against the question:

* semantic: cosine between the question's embedding and the sentence's vector, made at
  ingestion from the passage's own model run (``Embedder.encode_passages``) and saved with
  the keyword index, so only the question is embedded at query time; averaged with a second
  model's cosine for the sentence read alone (``second_reader``), when one is set;
* lexical: the share of the question's (IDF-weighted, stemmed) terms the sentence contains;
  a sentence that points back to the one before it ("This plan will make …", "a trial on
  that charge …") is read halfway with that sentence's terms too;
* answer type (``AnswerType``): "what did X say" wants reported speech, "what post did X
  hold" a post held by X, "how much did X spend" an amount of money, "how many" a number,
  "when" a date, "who" a name, "where" a place; never only what the question already says.

``measured_phrase`` and ``SentenceScorer.phrase_similarity`` check that the answer to a
quantity question names what is measured.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import numpy as np

from nato_qa.chunking import is_heading, sentence_spans
from nato_qa.citations import mentioned
from nato_qa.embedders import Embedder
from nato_qa.keyword import KeywordIndex, terms
from nato_qa.second_reader import SecondReader
from nato_qa.types import Hit
from nato_qa.vector_cache import VectorCache
from nato_qa.words import without_possessive

_NUMBER = re.compile(
    r"\d[\d,.]*|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|"
    r"thirty|hundred|thousand|million|billion|trillion|dozen|several|many|few|first|second|"
    r"third|fourth|fifth|single|sole)\b",
    re.I,
)
_MONEY = re.compile(
    r"[$€£¥]\s?\d|\b(USD|JPY|EUR|GBP)\s?\d|\b\d[\d,.]*\s*(million|billion|trillion|yen|"
    r"dollars?|euros?|pounds?)\b",
    re.I,
)
_PERCENT = re.compile(
    r"\d[\d,.]*\s*(%|per ?cent\b)|\bpercent\b"
    # a share written as a fraction: "half of its normal capacity", "two-thirds of the staff"
    r"|\b(?:half|(?:a|one|two)[- ]thirds?|(?:a|one|three)[- ]quarters?|a (?:fifth|tenth))\s+of\b",
    re.I,
)
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_YEAR_DIGITS = r"(?:1[89]|20)\d\d"  # a year, as news writes one
# A word capitalised mid-sentence (after a word or a comma): a name, or a day or a month.
_AFTER_A_WORD = r"(?<=[\w,;:’'] )"
MID_CAPITAL = re.compile(rf"{_AFTER_A_WORD}[A-Z][\w’'-]+")
# One that is not a day or a month (those are times, not names).
_PROPER = re.compile(rf"{_AFTER_A_WORD}(?!(?i:{_MONTHS}|{_DAYS})\b)[A-Z][\w’'-]+")
_UNITS = r"(?:second|minute|hour|day|night|week|fortnight|month|year|decade|century|centurie)s?"
# A count, for "how many": a cardinal number that is not part of a date ("January 16",
# "16 January", a year), not an ordinal ("first", "3rd"), a time of day ("5.30am"), a sum
# ("£600,000"), a percentage or a duration ("fifteen years": "how many years" is asked as a
# duration), nor "many" or "several".
_NOT_AFTER_A_MONTH = "".join(f"(?<!{m} )" for m in _MONTHS.split("|"))
_COUNT = re.compile(
    rf"(?:{_NOT_AFTER_A_MONTH}(?<![\w.,£$€¥])(?!{_YEAR_DIGITS}s?\b)\d[\d,.]*(?![\d.,]*\d)"
    rf"(?!\s*(?:st|nd|rd|th|am|pm|a\.m\.|p\.m\.|%|per ?cent)(?!\w))(?!\s+(?:of\s+)?(?:{_MONTHS})\b)"
    r"|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
    rf"thirty|forty|fifty|hundreds?|thousands?|millions?|billions?|dozens?)\b)(?![\s-]+{_UNITS}\b)",
    re.I,
)
# A point in time, for "when": a date (read whole: "January 16" tells more than a question's
# "in January 2025"), a day, a month, a year, a time of day, or a time told relative to
# another ("two days later", "since 2021", "last month", "by the end of the month"). Not a
# duration alone: "who has worked there for 11 years" does not say when the works opened;
# nor "before" or "after" alone: "denied the charge of failing to act after the leak" does
# not say when its trial is.
_TIME = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?)?(?:{_MONTHS})\b(?:\s+\d{{1,2}}(?:st|nd|rd|th)?\b)?"
    rf"(?:,?\s+{_YEAR_DIGITS}\b)?|\b(?:{_DAYS})\b|\b{_YEAR_DIGITS}s?\b|\b\d{{1,2}}(?:st|nd|rd|th)\b"
    r"|\b\d{1,2}(?:[.:]\d\d)?\s*(?:am|pm|a\.m\.|p\.m\.)"
    r"|\b(?:since|until|till|ago|recent(?:ly)?|today|tonight|tomorrow|yesterday|later|earlier|"
    r"previously|formerly|war)\b"
    rf"|\b(?:last|next|this|that|past|coming|same|following|previous|early|late|mid)[\s-]+"
    rf"(?:{_UNITS}|spring|summer|autumn|winter|morning|afternoon|evening)\b"
    # a point in a span: "by the end of the month", "at the start of next year"
    rf"|\b(?:end|start|beginning|middle|close|turn)\s+of\s+(?:the\s+|this\s+|next\s+|last\s+)?"
    rf"(?:{_UNITS}|spring|summer|autumn|winter)\b",
    re.I,
)
_DURATION = re.compile(
    rf"\b(?:\d[\d,.]*|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    rf"(?:thir|four|fif|six|seven|eigh|nine)teen|(?:twenty|thirty|forty|fifty)(?:-\w+)?|"
    rf"several|few|many|some)[\s-]+{_UNITS}\b|\b(?:until|since|through|throughout)\b"
    # a span without a count: "the river will take years to come back"
    rf"|\b(?:take|takes|took|taking|taken)\s+(?:many\s+|several\s+)?{_UNITS}\b",
    re.I,
)
# How often: "once a week", "twice a year", "every month", "daily", "three times". Read whole,
# so that "once a week" tells more than a question's "once the plant reopened".
_FREQUENCY = re.compile(
    rf"\b(?:once|twice|thrice|(?:\w+\s+)?times)\s+(?:a|an|per|every|each)\s+(?:\w+\s+)?{_UNITS}\b"
    rf"|\b(?:every|each)\s+(?:other\s+|\w+\s+)?{_UNITS}\b"
    rf"|\b(?:once|twice|thrice|every|each|daily|weekly|monthly|yearly|annually|hourly|"
    rf"fortnightly|nightly)\b|\btimes\s+(?:a|an|per|each)\b|\bper\s+{_UNITS}\b",
    re.I,
)
# Reported speech: a verb of saying, or a quotation closed by a comma (“…,” she said). Quote
# marks alone are not enough: they also mark terms ("the so-called “global partners”").
_SPEECH = re.compile(
    r"[,?!][”\"]|\b(said|says|told|tells|stated|states|announced|declared|claimed|commented|"
    r"remarked|noted|stressed|warned|added|explained|argued|insisted|underscored|urged|"
    r"emphasi[sz]ed|expressed|voiced|acknowledged|highlighted|according to)\b",
    re.I,
)
# Verbs of reacting, by their stems ("welcomed", "condemned", "rejected").
_REACTING = r"welcom|condemn|criticis|criticiz|denounc|prais|protest|reject|object|oppos"
# A response: reported speech, or a word of reacting ("respond", "reply", "welcomed" …).
_RESPONSE = re.compile(
    _SPEECH.pattern + rf"|\b(?:respond|react|repl(?:y|i)|{_REACTING}|retaliat|summon)\w*",
    re.I,
)
# A statement: reported speech, or a verb of reacting ("welcomed the prosecution"), not a
# noun ("the opposition of …" says no words of its own).
_STATEMENT = re.compile(_SPEECH.pattern + rf"|\b(?:{_REACTING})(?:e|es|ed|ing|s)\b", re.I)
# A post someone holds.
_TITLES = (
    r"ambassador|envoy|minister|secretary|director|chief|head|leader(?:ship)?|president|"
    r"chair(?:man|woman)?|commander|consul|spokes(?:man|woman|person)|representative|deputy|"
    r"adviser|advisor|governor|mayor|general|admiral|officer|diplomat|counsell?or|premier|"
    r"chancellor"
)
_TITLE = re.compile(rf"\b({_TITLES})s?\b", re.I)


@dataclass(frozen=True)
class AnswerType:
    """The kind of answer a question asks for, and how to find one in a sentence.

    A sentence fits when it holds a match that the question does not already say ("When did
    Ishiba become prime minister?" is not answered by the date the question gives), and, for a
    post (``attributed``), when the post's holder (``_holder``) is the person asked about:
    "Izawa takes over the position previously filled by Masahiro Mikami, the ambassador to
    Belgium" does not say which post Izawa held. For a response or a statement (``by_actor``:
    "How did Moscow respond to …?", "What did the Kremlin say …?"), the sentence also names
    the actor: Tokyo's minister speaking of Russia is not Moscow's response. For a person
    asked after by role or by a verb of succession (``person``: "the name of the worker who…",
    "whom did she succeed"), the match is a person's name the question does not give, in a
    sentence that names the role or a post: an acronym or a place is nobody's name.
    """

    name: str
    pattern: re.Pattern[str]
    attributed: bool = False
    by_actor: bool = False
    # a person's name (``_PERSON_PAIR``), none of whose words the question gives
    person: bool = False

    def search(self, text: str) -> re.Match[str] | None:
        """The first match in ``text``, new or not."""
        return self.pattern.search(text)

    def fits(self, text: str, question: str, common: frozenset[str] = frozenset()) -> bool:
        """Whether ``text`` holds an answer of this kind that ``question`` does not give
        (``common``: the corpus's common names, ``KeywordIndex.common_names``)."""
        asked = question.lower()
        if self.by_actor and not _actor_named(text, question):
            return False
        if self.name in _QUANTITIES and _ON_ITS_OWN.search(question) and _INCLUDES.search(text):
            return False  # a whole that includes the part is not the part's own value
        if self.person:
            if not _plays_role(text, question):
                return False
            given = set(re.findall(r"\w+", asked))
            pairs = ([without_possessive(w) for w in pair] for pair in self.pattern.findall(text))
            return any(
                _could_be_named(a, b)
                and not _TITLE.fullmatch(b)
                and not {a.lower(), b.lower()} & given
                for a, b in pairs
            )
        for match in self.pattern.finditer(text):
            if match.group(0).rstrip(".,").lower() in asked:
                continue
            if self.attributed:
                people = _named(question)
                if people and not _holder(text, match, common) & people:
                    continue
            return True
        return False


# A part's own value ("how much did the tank cost on its own?") is not told by a sum that
# includes it ("spent £600,000 on improvements, including a new tank"; "… about £1.4m. That
# includes removing the silt").
_QUANTITIES = frozenset({"money", "number", "count"})
_ON_ITS_OWN = re.compile(
    r"\b(?:on (?:its|their|his|her) own|by (?:it|them)sel(?:f|ves)|in (?:it|them)sel(?:f|ves)|"
    r"alone|separately|individually)\b",
    re.I,
)
_INCLUDES = re.compile(r"\binclud(?:e|es|ed|ing)\b", re.I)


# A question after a response, and its actor ("How did Moscow respond …"): the response type.
_ACTOR = re.compile(
    r"^\s*(?:and )?how (?:did|does|do|has|have|had|will|would) (?P<a>.+?) "
    r"(?:respond|react|reply|answer)\b|^\s*(?:and )?what (?:was|is|were|has been) "
    r"(?P<b>.+?)(?:[’']s)? (?:\w+ )?(?:response|reaction|reply)\b",
    re.I,
)
# A question after what someone said, and its speaker ("What did the Kremlin say about …"):
# the statement type. Not when the speaker is the texts themselves ("what do the articles
# say about …" asks what is written, in any sentence: a broad question).
_SPEAKER = re.compile(
    r"^\s*(?:and )?what (?:did|does|do|has|have|had|will|would) "
    r"(?!(?:the |these |all the )?(?:articles?|sources?|reports?|texts?|pages?|stories|"
    r"coverage)\b(?![’']))(?P<s>.+?) "
    r"(?P<verb>say|tell|state|announce|declare|claim|comment|remark|write)\b",
    re.I,
)
_ACTOR_FILLER = re.compile(r"the|an?|its|their|his|her|he|she|it|they|we|you|\w+ly", re.I)


@lru_cache(maxsize=1024)
def _actor(question: str) -> frozenset[str]:
    """The words that name who responds in "How did Moscow respond …", "what was Seoul's
    official response …": its capitalised words, or its first word when none is
    capitalised."""
    asked = core_question(question)
    found = _ACTOR.search(asked) or _SPEAKER.search(asked)
    if not found:
        return frozenset()
    who = next(g for g in found.groups() if g)
    words = [without_possessive(w) for w in who.split()]
    words = [w for w in words if not _ACTOR_FILLER.fullmatch(w)]
    # written in lower case ("how did russia's foreign ministry respond"), the actor is told
    # by its first word: "foreign" or "ministry" alone names anybody's
    named = [w for w in words if w[:1].isupper()] or words[:1]
    return frozenset(w.lower() for w in named)


def _actor_named(text: str, question: str) -> bool:
    """Whether ``text`` names the actor, or a close form of it ("Chinese" for "China")."""
    actor = _actor(question)
    if not actor:
        return True
    words = set(re.findall(r"\w+", text.lower()))
    return any(mentioned(word, words) for word in actor)


@lru_cache(maxsize=1024)
def _named(question: str) -> frozenset[str]:
    """The words of the names a question gives (asked once per question, not per sentence)."""
    return frozenset(w for entity in required_entities(question) for w in entity)


_NAME_RUN = re.compile(r"\b[A-Z][a-z’'-]+(?:\s+[A-Z][a-z’'-]+)*")
# Capitalised words that are not a person's: articles and prepositions, and the words of
# posts and institutions (general English, not one corpus's).
_NOT_A_NAME = re.compile(_TITLE.pattern + r"|^(The|A|An|In|On|At|Defense|Defence|Foreign|"
                         r"Prime|Self|Force|Ministry|Government|State|National|Federal)$",
                         re.I)  # fmt: skip


def _holder(text: str, title: re.Match[str], common: frozenset[str] = frozenset()) -> set[str]:
    """The words of the name a post belongs to: the name right after it ("Ambassador Osamu
    Izawa", "Defense Minister Gen Nakatani"), else the nearest name before it ("Masahiro
    Mikami, the ambassador to Belgium": Belgium is the post's, not its holder). The corpus's
    common names (the places and bodies most of its articles name) are nobody's."""

    def names(words: str) -> set[str]:
        bare = (without_possessive(w) for w in words.split())
        return {w.lower() for w in bare if not _NOT_A_NAME.fullmatch(w)} - common

    runs = [(r.start(), r.end(), names(r.group(0))) for r in _NAME_RUN.finditer(text)]
    runs = [run for run in runs if run[2]]
    for start, end, found in runs:
        if title.start() <= start <= title.end() + 1:  # the run begins with the title or after
            return found
        if start < title.start() < end:  # the title inside a run: "Defense Minister Gen …"
            after = names(text[title.end() : end])
            if after:
                return after
    before = [r for r in runs if r[1] <= title.start()]
    return before[-1][2] if before else set()


# Verbs of handing over money: "how much did Japan give/spend/pledge …".
_GIVING = (
    r"spen[dt]\w*|giv\w*|gave|put|pa(?:y|id)|contribut\w*|invest\w*|pledg\w*|donat\w*|fined?|"
    r"earn\w*|charg\w*|rais\w*|award\w*|owe[sd]?"
)
_MONEY_NOUNS = (
    r"budget|cost|price|salary|fine|fee|wage|pay|compensation|damages|penalty|profits?|"
    r"turnover|revenues?|income|earnings"
)
# "What is the (annual) budget …", "what are the firm's annual profits", "what is Acme
# Holdings plc's revenue": the quantity a question asks for by name.
_WHAT_IS_THE = (
    r"\b(what|how much) (is|was|were|are|will be|would be) "
    r"(?:(?:the|its|their|his|her) |(?:(?:the|its|their|his|her) )?(?:(?-i:[A-Z])[\w&-]* ){0,2}"
    r"[\w&-]+[’']s )(?:[\w-]+ ){0,2}"
)
# A year as news writes one; an age.
_A_YEAR = re.compile(rf"\b{_YEAR_DIGITS}\b")
_AN_AGE = re.compile(r"\b\d+[\s-]years?[\s-]old\b|\baged\s+\d+|\bage\s+(?:of\s+)?\d+", re.I)
# People by calling (general English): both named kinds and persons asked after by role.
_CALLINGS = r"lawyer|barrister|solicitor|judge|person|man|woman|official|campaigner|scientist"
NAMED_KINDS = (
    r"organi[sz]ation|compan(?:y|ie)|firm|group|body|agency|authority|utility|charity|"
    r"foundation|institution|institute|association|society|union|party|bank|newspaper|"
    r"court|university|school|hospital|building|hall|base|port|river|stream|brook|lake|sea|"
    r"island|mountain|street|road|bridge|"
    rf"{_CALLINGS}|politician|contractor|manufacturer|supplier|expert|"
    r"spokes(?:man|woman|person)"
)
# Nouns for a person by role or calling (general English): a question after one asks for a
# person's name.
_PERSON_NOUNS = (
    rf"{_TITLES}|{_CALLINGS}|worker|employee|angler|fisherman|resident|boy|girl|child|victim|"
    r"manager|engineer|prosecutor|attach[eé]|predecessor|successor|founder|owner|boss|"
    r"executive|author|reporter|journalist|witness|driver|pilot|captain|doctor|analyst|"
    r"activist|organi[sz]er|inspector|investigator|councill?or|researcher"
)
_PERSON_ASKED = re.compile(
    rf"\bnames? of (?:(?:the|that|this|a|an|his|her|their|its) )?(?:[\w’'-]+ ){{0,3}}?"
    rf"(?P<role>{_PERSON_NOUNS})s?\b"
    r"|^\s*(?:and )?who(?:[’']s| is| was| are| were| will be| has been| would be| became)? "
    r"[\w’'-]+(?: [\w’'-]+){0,3}? "
    rf"(?P<role2>{_PERSON_NOUNS})s?\b"
    r"|^\s*(?:and )?(?:who|whom)\b.*\b(?:succeed(?:ed|s)?|replac(?:e|ed|es)|preced(?:e|ed|es)|"
    r"t(?:a|oo)ken? over from)\b",
    re.I,
)


@lru_cache(maxsize=1024)
def _role(question: str) -> frozenset[str]:
    """The stems of the role a person question asks after ("the night-shift worker", "the
    head of enforcement"); none when it asks by a verb ("whom did she succeed")."""
    found = _PERSON_ASKED.search(question)
    role = found and (found.group("role") or found.group("role2"))
    return frozenset(terms(role)) if role else frozenset()


def _plays_role(text: str, question: str) -> bool:
    """Whether the sentence names the role the question asks after, or a post: a name in a
    sentence that never says "worker" is not the worker's, but the alliance's "top boss" may
    be written as its "Secretary General"."""
    stems = _role(question)
    return not stems or bool(stems & set(terms(text))) or bool(_TITLE.search(text))


# A place, for "where was it held": a name after a word of place ("in St Anne's Hall", "into
# Fenwick Brook", "at Weir Bridge"), not any name ("handed a petition to the TCA officers")
_LOCATED = re.compile(
    r"(?i:\b(?:in|at|into|inside|near|outside|from|on|across|along|between|beside|within|off|"
    r"around|through|towards?|via|above|below|beyond|opposite|based\s+in|headquartered\s+in)"
    rf"\s+(?:the\s+)?)(?!(?i:{_MONTHS}|{_DAYS})\b)[A-Z][\w’'-]+|\b[A-Z][\w’'-]+-based\b"
)
# "What are the empty islets called that …", "what is the scheme known as": a name asked for
ASKS_WHAT_CALLED = re.compile(
    r"^\s*(?:and\s+)?what(?:[’']s|\s+(?:is|are|was|were))\b.*?\b(?:called|named|known\s+as)\b"
    r"(?!\s+(?:on|for|off|in|out|up|to|by|after)\b)",
    re.I,
)
# Two capitalised words in a row (overlapping: "Defense Minister Gen Nakatani" gives "Gen
# Nakatani"), as a person's name is written; ``AnswerType.fits`` drops those a place or an
# institution opens or ends (``_NOT_PERSON``).
_PERSON_PAIR = re.compile(r"(?<![\w’'-])(?=([A-Z](?![A-Z])[\w’'-]+) ([A-Z](?![A-Z])[\w’'-]+)\b)")
# Words that end a wh-phrase ("what did the court hear" asks for no name of a court)
_NOT_A_MODIFIER = r"(?:is|was|were|are|be|do|did|does|has|have|had|will|would|can|could|the|an?)"
_TYPES: tuple[tuple[re.Pattern[str], AnswerType], ...] = (
    (_SPEAKER, AnswerType("statement", _STATEMENT, by_actor=True)),
    # "How did Moscow respond to …", "what was Seoul's reaction …": what the actor said or did
    (_ACTOR, AnswerType("response", _RESPONSE, by_actor=True)),
    (re.compile(r"\b(what|which) (\w+ ){0,2}(post|position|title|job|rank)s? "
                r"(did|does|do|has|had|will|was|is)\b"
                # "what was Ann Lee's job before …", "what is her post on the council" (not a
                # "position", which may be a stance)
                r"|\bwhat (?:is|was|are|were) (?:(?:his|her|their) |(?:(?-i:[A-Z])[\w’'-]* ){0,3}?"
                r"(?-i:[A-Z])[\w-]*[’']s )(?:\w+ )?(?:post|job|rank)s?\b", re.I),
     AnswerType("post", _TITLE, attributed=True)),
    (re.compile(r"\bwhat (percentage|percent|proportion|share)\b|\bhow many per ?cent\b", re.I),
     AnswerType("percentage", _PERCENT)),
    (re.compile(r"\bhow old\b|\bwhat age\b|\bat what age\b", re.I), AnswerType("age", _AN_AGE)),
    (re.compile(rf"^\s*(?:and )?how much\b.*\b({_GIVING}|cost|worth)\b|\bwhat sum\b"
                # "how much money …" (not "what is the money for", a purpose)
                rf"|^\s*(?:and )?how much (?:\w+ )?({_MONEY_NOUNS}|money|cash|funding|funds)\b"
                rf"|{_WHAT_IS_THE}({_MONEY_NOUNS})\b|^\s*(?:and )?what (?:\w+ )?({_MONEY_NOUNS})\b",
                re.I),
     AnswerType("money", _MONEY)),
    (re.compile(r"^\s*(?:and )?how long (did|does|do|has|have|had|will|would|can|could)\b"
                rf"|\bfor how long\b|^\s*(?:and )?how many (?:more )?{_UNITS}\b", re.I),
     AnswerType("duration", _DURATION)),
    (re.compile(r"^\s*(?:and )?how many\b", re.I), AnswerType("count", _COUNT)),
    (re.compile(r"^\s*(?:and )?how often\b", re.I), AnswerType("frequency", _FREQUENCY)),
    (re.compile(r"^\s*how (many|much|large|big|long|old)\b"
                r"|\bwhat (amount|sum|concentration|quantity|volume|dose)\b"
                rf"|{_WHAT_IS_THE}(population|displacement|tonnage|length|height|weight|"
                r"(total |land |surface )?area|headcount|workforce)\b"
                # a whole asked for by name: "what's the total headcount …", "what was the
                # overall value of the aid …"
                r"|\b(?:the|its|their) (?:total|overall|combined) (?:number|amount|value|sum|"
                r"size|volume|quantity|headcount|workforce)\b", re.I),
     AnswerType("number", _NUMBER)),
    (re.compile(r"\b(?:what|which) year\b", re.I), AnswerType("year", _A_YEAR)),
    (re.compile(r"^\s*when\b|\bwhat (?:exact |precise )?(date|day|month|time)\b"
                r"|\bwhat (?:is|was|are|were|will be) the (?:exact |precise )?(?:date|day)\b", re.I),
     AnswerType("time", _TIME)),
    # a person, by the role asked about ("the name of the worker who…", "who is the mission's
    # deputy", "whom did she succeed"): any capitalised word will not do, a person's name will
    (_PERSON_ASKED, AnswerType("person", _PERSON_PAIR, person=True)),
    (re.compile(r"^\s*(who|whom|whose)\b|\bnames? of\b", re.I), AnswerType("name", _PROPER)),
    (ASKS_WHAT_CALLED, AnswerType("name", _PROPER)),
    # where an event was held or a thing stands: a name after a word of place
    (re.compile(r"^\s*(?:and\s+)?where\b.*\b(?:held|hosted|staged|located|situated|based|"
                r"take\s+place|took\s+place|taking\s+place)\b", re.I),
     AnswerType("place", _LOCATED)),
    # any other "where" may be a rank or a source ("where will it rank", "where did the water
    # come from"): any name
    (re.compile(r"^\s*where\b|\bwhich (city|town|country|place)\b|\bin which (city|country)\b", re.I),
     AnswerType("place", _PROPER)),
    # "Which organisation will manage the fund?", "what lawyer spoke for the firm?": one of a
    # kind of thing that has a name (general English: bodies, firms, people of a calling)
    (re.compile(rf"\b(?:which|what) (?:(?!{_NOT_A_MODIFIER}\b)[\w-]+ ){{0,2}}?(?:{NAMED_KINDS})s?\b",
                re.I),
     AnswerType("name", _PROPER)),
)  # fmt: skip
# The answer types whose answer is one value (a number, a sum, a date, a name, a place, a
# post); not a statement or a response, which are about their subject without naming it.
VALUE_TYPES = frozenset(wants.name for _, wants in _TYPES) - {"statement", "response"}


_ENTITY_RUN = re.compile(r"\b[A-Z][\w-]*(?:[’']s)?(?:\s+[A-Z][\w-]*(?:[’']s)?)+")
_NUMBER_TOKEN = re.compile(r"\b\d[\d,.]*\b")


_CONTEXT_NOTE = re.compile(r"\s*\(context:.*\)\s*$")
_QUALIFIERS = {"north", "south", "east", "west", "new", "united"}


def core_question(question: str) -> str:
    """The question without the context note that follow-up rewriting appends."""
    return _CONTEXT_NOTE.sub("", question)


def required_entities(question: str) -> list[list[str]]:
    """Names and numbers the question asks about; an answer sentence must mention each.

    A name is reduced to its head word ("Mark Rutte" -> rutte), keeping a qualifier that
    changes the place ("South Korea" -> south korea).
    """
    return [entity for entity, _ in _entities(question)]


def split_entities(question: str) -> tuple[list[list[str]], list[list[str]]]:
    """The question's names and numbers in two lists: those of the thing asked about, which
    the answering sentence must mention, and those of its setting, which its passage may:
    a year ("the July 2023 summit") and a place or body after "in" or "at" ("dead fish in
    the River Tessel"), which news sentences leave to the sentences around them."""
    asked: list[list[str]] = []
    setting: list[list[str]] = []
    for entity, is_setting in _entities(question):
        (setting if is_setting else asked).append(entity)
    return asked, setting


_SETTING_BEFORE = re.compile(r"\b(?:in|at)\s+(?:the\s+)?$", re.I)
_YEAR = re.compile(_YEAR_DIGITS)


def _entities(question: str) -> list[tuple[list[str], bool]]:
    """Each name and number of the question, and whether it is part of the setting."""
    found: list[tuple[list[str], bool]] = []
    question = core_question(question)
    opening = re.match(r"^\s*\w+", question)
    skip = opening.end() if opening else 0  # the first word is capitalised anyway
    for run in _ENTITY_RUN.finditer(question, skip):
        words = [without_possessive(w).lower() for w in run.group(0).split()]
        parts = [part for w in words for part in w.split("-") if part]
        if _TITLE.fullmatch(parts[-1]):
            continue  # a post ("Secretary General", "Japan's Defense Minister"), not a name
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


_NUMBER_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]
# A small number written either way: "5" in the question, "five-year" in the article.
_SAME_NUMBER = {str(i): w for i, w in enumerate(_NUMBER_WORDS)} | {
    w: str(i) for i, w in enumerate(_NUMBER_WORDS)
}


# A sentence said by someone it does not name: one that opens with "he" or "she" ("She
# added that …"), a quotation's "…," she said, the last sentence of a quotation opened in an
# earlier one (one quotation mark, at its end), or a whole quotation on its own.
_SAID_BY_SOMEONE_BEFORE = re.compile(
    r"^\W*(?:he|she)\b|[,?!][”\"]\s*(?:he|she)\s+\w+|^[^“”\"]*[”\"]\W*$"
    # a sentence that is a whole quotation, after one its speaker is named by
    r"|^\s*[“\"][^“”\"]+[”\"]\s*$",
    re.I,
)


def opens_quote(text: str) -> bool:
    """Whether the text opens a quotation it does not close (it goes on in what follows)."""
    if text.count("“") > text.count("”"):
        return True
    marks = [i for i, ch in enumerate(text) if ch == '"']
    return len(marks) % 2 == 1 and (marks[-1] == 0 or text[marks[-1] - 1] in " :(—–-\n")


_OPENS_WITH_A_QUOTE_OR_PRONOUN = re.compile(r"^\s*(?:[“\"‘']|(?:he|she)\b)", re.I)


def speaker_before(text: str, before: str) -> str:
    """Who says ``text`` when it does not name them ("She added that …", a quotation's last
    sentence), from ``before``, the text just before it: its nearest sentence that is not
    inside a quotation and opens with neither "he", "she" nor a quotation mark gives the
    name it opens with, else the last person it names. Empty when ``text`` does not point
    back."""
    if not _SAID_BY_SOMEONE_BEFORE.search(text):
        return ""
    for start, end in reversed(sentence_spans(before)):
        sentence = before[start:end]
        if _OPENS_WITH_A_QUOTE_OR_PRONOUN.match(sentence) or opens_quote(before[:start]):
            continue
        opening = _NAME_RUN.match(sentence.lstrip())
        if opening and " " in opening.group(0):
            return opening.group(0)  # the name its sentence opens with: "Dr Ann Lee, …, said"
        # else the last person it names ("…, led by Ann Lee.")
        people = _person_pairs(sentence)
        return " ".join(people[-1]) if people else ""
    return ""


def mentions(entities: list[list[str]], text: str) -> bool:
    """Whether every entity's words all occur in ``text`` (a small number as digits or as a
    word; a place as the adjective made from it: "Ruritania" as "Ruritanian")."""
    words = set(re.findall(r"[\w]+(?:[.,]\d+)*", text.lower().replace("’", "'")))
    return all(
        all(
            w in words or _SAME_NUMBER.get(w) in words or not words.isdisjoint(_adjectives(w))
            for w in entity
        )
        for entity in entities
    )


@lru_cache(maxsize=4096)
def _adjectives(word: str) -> frozenset[str]:
    """The adjectives English makes of a place's name ("-n", "-an", "-ian", "-ese", "-ish",
    "-i"; after its last vowel dropped: "Ruritania" -> "Ruritanian", "Zembla" -> "Zemblese")."""
    if len(word) < 4 or not word.isalpha():
        return frozenset()
    stems = {word, word[:-1]} if word[-1] in "aeiouy" else {word}
    return frozenset(stem + end for stem in stems for end in ("n", "an", "ian", "ese", "ish", "i"))


# Cues that a sentence carries the kind of answer asked for: a reason for "why", a person's
# name for "who" (two capitalised words that are not a place or an institution).
_REASON = re.compile(
    r"\b(because|due to|owing to|as a result|the reason|in order to|so that|aligns? with|"
    r"since|given that|thanks to"
    # a motive: how the actor sees it ("views such moves as …", "perceiving it as a threat"),
    # or what it fears ("apprehensive of …", "concerned that …")
    r"|(?:sees?|saw|seen|views?|viewed|viewing|regards?|regarded|perceiv\w+)\s+(?:[\w’'-]+\s+){0,6}?as"
    r"|fears?|feared|fearing|apprehensive|concerned\s+(?:about|over|that)|worried)\b",
    re.I,
)
# A quotation: words of the speaker's own, between quotation marks.
_QUOTATION = re.compile(r"[“\"]\s*[\w‘']|[\w.,?!’'][”\"]")
# General English words that open or end a capitalised run that is not a person.
_NOT_PERSON = re.compile(
    r"North|South|East|West|New|United|Ministry|Foreign|Defense|Defence|Prime|Minister|"
    r"President|Secretary|General|Self|Force|Forces|Sea|Island|Islands|Group|Council|Union|"
    r"Republic|Kingdom|Office|Agency|Authority|Court|Department|University|Institute|"
    r"Street|Road|Lane|Avenue|Square|Park|River|Brook|Lake|Bridge|Lock|Hall|Church|Station|"
    r"Airport|Port|Bay|Valley|Mount|Ltd|Plc|Inc|Company|Bank|News|Times|Post|Water|School|"
    r"Hospital|Centre|Center|Museum|Party|Association|Society|Foundation|Trust|Fund|Committee|"
    r"Commission|Parliament|Assembly|Summit|Alliance|Organi[sz]ation|Embassy|Mission|"
    rf"(?i:{_DAYS}|{_MONTHS})"
)
# A name that opens a sentence, set off by a comma: "Ann Lee, prosecuting for the board, …"
_OPENING_PAIR = re.compile(r"^\W*([A-Z][a-z]+) ([A-Z][a-z]+),")
_CAPITAL_PAIR = re.compile(r"(?<=[a-z,] )([A-Z][a-z]+) ([A-Z][a-z]+)\b")


@dataclass(frozen=True)
class PersonCue:
    """A person's name in a sentence: two capitalised words mid-sentence, neither a general
    word of places and institutions nor one of the corpus's common names (the places and
    bodies most of its articles name, ``KeywordIndex.common_names``).

    When the question says what the person did ("Who prosecuted the case?": ``verb``, as the
    index stems it) and the sentence tells of it in any form, the name stands within
    ``reach`` words of it ("Ann Lee, prosecuting for the board, told …"), where a name that
    opens the sentence, set off by a comma, counts too; a name elsewhere in a sentence that
    only mentions the deed ("Rob Dale said the board had not ruled out prosecution") does
    not. A sentence that tells of the deed in other words ("led by Ann Lee" for "who heads")
    is cued by any person's name, as before.
    """

    common: frozenset[str] = frozenset()
    verb: str = ""
    reach: int = 4

    def search(self, text: str) -> bool:
        pairs = [
            (a, b)
            for a, b in _person_pairs(text)
            if a.lower() not in self.common and b.lower() not in self.common
        ]
        if not self.verb:
            return bool(pairs)
        opening = _OPENING_PAIR.match(text)
        named_first = bool(opening and _could_be_named(*opening.groups()))
        if not pairs and not named_first:
            return False  # no name at all: the words need not be stemmed
        words = re.findall(r"[\w’'-]+", text)
        deed = [i for i, word in enumerate(words) if self.verb in terms(word)]
        if not deed:
            return bool(pairs)  # the deed in other words ("led by Ann Lee" for "who heads")
        if opening and named_first:
            pairs.append((opening.group(1), opening.group(2)))
        ends = {i for i, word in enumerate(words) for _, last in pairs if word == last}
        return any(abs(i - j) <= self.reach for i in deed for j in ends)


def names_a_place_or_body(word: str) -> bool:
    """Whether a capitalised word, possessive or not, is a general word of places and
    institutions ("Hall", "Court", "Ministry's"), which ends no person's name."""
    return bool(_NOT_PERSON.fullmatch(without_possessive(word)))


def _person_pairs(text: str) -> list[tuple[str, str]]:
    """Two capitalised words in a row mid-sentence that can be a person's name, in order."""
    return [(a, b) for a, b in _CAPITAL_PAIR.findall(text) if _could_be_named(a, b)]


def _could_be_named(first: str, second: str) -> bool:
    """Whether two capitalised words in a row can be a person's name: neither is a general
    word of places and institutions (``_NOT_PERSON``)."""
    return not names_a_place_or_body(first) and not names_a_place_or_body(second)


# Words after "who" that are not what the person did: auxiliaries ("who is …"), "used to".
_NOT_A_DEED = frozenset({
    "is", "was", "are", "were", "did", "does", "do", "has", "have", "had", "will", "would",
    "can", "could", "should", "may", "might", "must", "else", "exactly", "s", "in", "of", "at",
    "used",
})  # fmt: skip


def _deed(question: str) -> str:
    """What "who" did, as the index stems it ("Who prosecuted …" → "prosecut"); "" when the
    word after "who" is no verb of its own ("who is …", "who used to …")."""
    doer = re.match(r"^\s*who\s+([a-z]+)\b", question, re.I)
    if not doer or doer.group(1).lower() in _NOT_A_DEED:
        return ""
    stems = terms(doer.group(1))
    return stems[0] if stems else ""


def answer_cue(question: str, common: frozenset[str] = frozenset()) -> Any:
    """What makes a sentence a likelier answer to this question (``.search(text)``): a reason
    for "why", a person's name for "who", a quotation for "what did X say"; None for other
    questions."""
    question = core_question(question)
    if re.match(r"^\s*(?:and\s+)?(?:why|on\s+what\s+(?:grounds|basis))\b", question, re.I):
        return _REASON
    if re.match(r"^\s*(who|whom)\b", question, re.I):
        return PersonCue(common, _deed(question))
    speaker = _SPEAKER.search(question)
    if speaker and speaker.group("verb").lower() in ("say", "tell", "comment", "remark"):
        # "what did she say …": her own words, quoted, before a summary of them ("what did
        # she announce" asks for what was decided, however it was put)
        return _QUOTATION
    return None


_MEASURED = (
    re.compile(r"^\s*how many (?P<np>.+)", re.I),
    re.compile(r"^\s*how much is (?P<np>.+?) worth\b", re.I),
    re.compile(r"^\s*(?:and )?how much (?:did|does|do|will|would|could) (?P<np>.+?) cost\b", re.I),
    re.compile(r"^\s*(?:and )?(?:how much|what (?:sum|amount))(?: money)? (?:did|does|do|has|have|had|"
               rf"will|would|is|are|was|were) .+? (?:{_GIVING}|allocat\w*)\w* "
               r"(?:on|for|to|into|in) (?:(?:run|keep|build|buy|fund|support|pay for) )?(?P<np>.+)",
               re.I),
    re.compile(r"\bwhat (?:concentration|quantity|volume|dose) of (?P<np>.+)", re.I),
    re.compile(r"\bthe (?:[\w-]+ ){0,2}(?:budget|cost|price|salary|population|displacement|area|"
               r"tonnage|volume|amount|number|value|size) of (?P<np>.+)", re.I),
    # who holds a post: "Who is the managing director of …" must be answered by the holder
    # of that post, not by any sentence with a name (only when the phrase names a post)
    re.compile(r"^\s*(?:and )?who(?:[’']s| is| was| are| were| will be| has been) (?P<np>.+)",
               re.I),
)  # fmt: skip
_PHRASE_END = {
    "did", "does", "do", "is", "are", "was", "were", "will", "would", "can", "could", "has",
    "have", "had", "that", "which", "who", "it", "they", "he", "she", "we", "including",
    "under", "as", "be",
    # a pronoun names nothing: "how many of them were sent home …" (the follow-up's topic
    # note says who they are)
    "them", "him", "us", "you",
}  # fmt: skip
_WORD_SPAN = re.compile(r"[\w’'-]+")
_EDGE_WORDS = {"the", "a", "an", "its", "their", "his", "her", "to", "of", "for", "in", "on", "at"}


def measured_phrase(question: str) -> str | None:
    """What a quantity question measures ("how many F-35 fighters…", "the budget of the
    mission…", "spend on the drones…"), as a short phrase; None when it names nothing.

    Names that lead the phrase ("Japan's independent mission") are left out, and it ends where
    a verb, a pronoun or another name begins.
    """
    question = core_question(question).rstrip(" ?")
    for pattern in _MEASURED:
        found = pattern.search(question)
        if not found:
            continue
        words: list[str] = []
        given = re.split(r"[\s,;]+", found.group("np"))
        while given and given[0].lower() in _EDGE_WORDS:
            given.pop(0)
        for word in given:
            if not words and without_possessive(word) != word:
                continue  # a leading possessive, whoever owns: Norway's …, norway's …
            if word.lower() in _PHRASE_END or (
                words and word[:1].isupper() and any(w[:1].islower() for w in words)
            ):
                break
            words.append(word)
            if len(words) == 4:
                break
        while words and words[0].lower() in _EDGE_WORDS:
            words.pop(0)
        while words and words[-1].lower() in _EDGE_WORDS:
            words.pop()
        if pattern is _MEASURED[-1] and not _TITLE.search(" ".join(words)):
            continue  # "who is he", "who was behind it": no post named
        return " ".join(words) or None
    return None


_WH_WORD = r"(?:how|what|which|who|whom|whose|when|where|why)\b"
# What comes before a question's wh-phrase when it does not open it: a clause closed by a
# comma ("Now the plant is running again, how often …", "when inspectors tested the brook,
# how much oxygen …": the question is what follows), or a word or two ("roughly how many …",
# "by how much …", "do you know when …").
_CLAUSE_BEFORE_WH = re.compile(rf"^[^,;:?]*[,;:]\s*(?={_WH_WORD})", re.I)
_WORDS_BEFORE_WH = re.compile(rf"^(?:(?!{_WH_WORD})\w+\s+){{1,3}}(?={_WH_WORD})", re.I)


# "what's the population …", "who's running …": the wh-word and "is", as the types read them
_WH_IS = re.compile(r"\b(what|who|where|when|how)[’']s\b", re.I)


# A question written as a bare noun phrase ("date of the trial?", "cost of the new tank?"):
# it is read as "what is the …".
_TERSE = re.compile(rf"^(?!.*\b{_WH_WORD})(?:the\s+)?(?=[a-z]+\s+of\b)", re.I)


def expected_type(question: str) -> AnswerType | None:
    """The kind of answer the question asks for, from its wh-phrase (None: any); read from
    where the wh-phrase starts when a clause or a word or two come before it."""
    question = _WH_IS.sub(r"\1 is", core_question(question).strip())
    question = _TERSE.sub("what is the ", question, count=1)
    after_clause = _CLAUSE_BEFORE_WH.sub("", question, count=1)
    after_words = _WORDS_BEFORE_WH.sub("", question, count=1)
    for text in dict.fromkeys((after_clause, question, after_words)):
        for asks, wants in _TYPES:
            if asks.search(text):
                return wants
    return None


# A sentence that points back to the one before it: it opens with a pronoun or a
# demonstrative ("It came a week after …", "This aligns with …"), or names a thing by one
# after a preposition ("A trial on that charge …").
_REFERS_BACK = re.compile(
    r"^\W*(?:it|its|they|their|this|that|these|those|he|his|she|her|the move)\b"
    r"|\b(?:on|in|at|of|for|to|from|by|with|about|over|under|against)\s+"
    r"(?:that|this|these|those)\s+\w+",
    re.I,
)


@dataclass(frozen=True)
class ScoredSentence:
    hit_rank: int
    hit: Hit
    start: int  # offsets into the article's clean text
    end: int
    text: str
    semantic: float
    lexical: float
    type_ok: bool  # the question wants a number, date, name or place, and this has one
    score: float
    cue: bool  # carries the kind of answer asked for (a reason, a person's name)
    vector: np.ndarray = field(compare=False, repr=False)  # its unit vector
    # who says it, when it names nobody and a person named just before does ("She added …")
    speaker: str = ""
    # the sentence before it in its passage, when it points back to it ("It cost £40m …")
    antecedent: str = ""


class SentenceScorer:
    """Scores the sentences of passages against a question."""

    semantic_weight = 0.6
    lexical_weight = 0.4
    cue_bonus = 0.1
    carry_share = 0.5

    def __init__(
        self,
        embedder: Embedder,
        keyword: KeywordIndex,
        cache: VectorCache,
        second: SecondReader | None = None,
    ) -> None:
        self.embedder = embedder
        self.keyword = keyword
        self.cache = cache
        self.second = second  # another model's view of each sentence, averaged in

    def vector(self, text: str) -> np.ndarray:
        """The embedding of one text, through the cache."""
        return self.vectors([text])[0]

    def vectors(self, texts: Sequence[str], packed: bool = False) -> np.ndarray:
        """The embeddings of texts, through the cache; those not cached in one model run
        (``packed``: a few short texts laid end to end, ``Embedder.encode_packed``)."""
        return self.cache.get_many(
            texts, self.embedder.encode_packed if packed else self.embedder.encode
        )

    def sentence_vectors(self, hit: Hit, spans: list[tuple[int, int]]) -> np.ndarray:
        """One row per sentence span of the hit's passage: saved at ingestion, else computed."""
        rows = self.keyword.sentence_vectors(hit.chunk_id)
        if rows is not None and len(rows) == len(spans):
            return rows
        return self.cache.passage_sentences(hit.text, spans, self.embedder)

    def phrase_similarity(self, phrase: str, text: str, longest: int = 4) -> float:
        """How closely some run of up to ``longest`` words of ``text`` says ``phrase`` (cosine).

        1.0 when every term of the phrase is in the text; else the runs' vectors are read in
        the text's context, from one model run (as sentence vectors are: ``encode_passages``).
        """
        wanted = set(terms(phrase))
        if wanted and wanted <= set(terms(text)):
            return 1.0
        words = [(m.start(), m.end()) for m in _WORD_SPAN.finditer(text)]
        spans = [
            (words[i][0], words[i + n - 1][1])
            for n in range(1, longest + 1)
            for i in range(len(words) - n + 1)
        ]
        if not spans:
            return 0.0
        _, (rows,) = self.embedder.encode_passages_and_sentences([text], [spans])
        return float(np.max(rows @ self.vector(phrase)))

    def speaker(self, hit: Hit, start: int, text: str) -> str:
        """Who says the sentence at ``start`` of the hit's article when it names nobody
        (``speaker_before``), read from its paragraph and the one before it."""
        if not _SAID_BY_SOMEONE_BEFORE.search(text):
            return ""
        before = self.keyword.text_before(hit.source.doc_id, start)
        return speaker_before(text, "\n\n".join(before.split("\n\n")[-2:]))

    def next_sentence(self, question: str, sentence: ScoredSentence) -> ScoredSentence | None:
        """The sentence after ``sentence`` in its article, scored, read from the chunk that
        holds it (one not retrieved); None at the article's end."""
        chunk = self.keyword.chunk_after(sentence.hit.source.doc_id, sentence.end)
        if chunk is None:
            return None
        source = replace(sentence.hit.source, start=chunk.start, end=chunk.end)
        hit = Hit(chunk.chunk_id, chunk.text, 0.0, 0.0, (source,))
        after = [s for s in self.score(question, [hit]) if s.start > sentence.end]
        first = min(after, key=lambda s: s.start, default=None)
        return replace(first, hit_rank=sentence.hit_rank) if first else None

    def score(self, question: str, hits: Sequence[Hit]) -> list[ScoredSentence]:
        """Every sentence of the passages, scored against the question, best first."""
        keyword = self.keyword
        q_terms = set(terms(question))
        weights = {t: keyword.idf(t) for t in q_terms}
        total = sum(weights.values()) or 1.0
        wants = expected_type(question)
        core = core_question(question)
        common = keyword.common_names()
        cue = answer_cue(question, common)

        pieces: list[tuple[int, Hit, int, int, str]] = []
        vectors: list[np.ndarray] = []
        before: list[str] = []  # the sentence before each, in its passage
        for rank, hit in enumerate(hits):
            base = hit.source.start
            spans = sentence_spans(hit.text)
            rows = self.sentence_vectors(hit, spans) if spans else None
            previous = ""
            for i, (s, e) in enumerate(spans):
                if is_heading(hit.text[s:e]):
                    previous = ""
                    continue  # a subheading is structure, never an answer
                pieces.append((rank, hit, base + s, base + e, hit.text[s:e]))
                vectors.append(rows[i : i + 1])  # type: ignore[index]
                before.append(previous)
                previous = hit.text[s:e]
        if not pieces:
            return []
        q_vec = self.vector(question)
        matrix = np.concatenate(vectors)
        semantic = matrix @ q_vec
        if self.second is not None:  # the two readers' mean, on the reader's scale
            share = self.second.weight
            second = self.second.similarities(question, [p[4] for p in pieces])
            semantic = (1 - share) * semantic + share * second

        def term_share(words: set[str]) -> float:
            """The IDF-weighted share of the question's terms among ``words``."""
            return sum(weights[t] for t in q_terms & words) / total

        scored = []
        for (rank, hit, start, end, text), sem, row, prior in zip(
            pieces, semantic.tolist(), matrix, before, strict=True
        ):
            speaker = self.speaker(hit, start, text)
            own = set(terms(text)) | set(terms(speaker))  # the speaker is its subject
            lexical = term_share(own)
            antecedent = prior if prior and _REFERS_BACK.search(text) else ""
            if antecedent:
                # "A trial on that charge …": half the words of the sentence it points back to
                lexical += self.carry_share * (term_share(own | set(terms(antecedent))) - lexical)
            type_ok = wants is None or wants.fits(text, core, common)
            cued = bool(cue and cue.search(text) and not cue.search(question))
            score = self.semantic_weight * sem + self.lexical_weight * lexical
            score += self.cue_bonus * cued
            scored.append(
                ScoredSentence(
                    rank,
                    hit,
                    start,
                    end,
                    text,
                    sem,
                    lexical,
                    type_ok,
                    score,
                    cued,
                    row,
                    speaker,
                    antecedent,
                )
            )
        scored.sort(key=lambda s: (-s.score, s.hit_rank, s.start))
        return scored
