"""A question about what happened, and sentences that only say it was to happen.

News reports plans: "the programme is expected to be signed", "in negotiations to open an
office". Asked "when was the programme signed?" or "did the office finally open?", such a
sentence is not the answer: it says the event was planned, not that it took place. Reading
it as one is the commonest way a tempting unanswerable question gets answered.

Plain English only: the question is in the past (did, was, has…) and does not itself ask
about a plan; the sentence carries one of the question's words only as the verb of a modal
("will open") or of a plan ("expected to be signed", "plans to visit"), a demand counting as
one ("calls on the authority to revoke"). A question after an outcome ("what was the verdict",
"fined in the end") is not answered by a sentence that has the same thing still to come ("a
trial will take place on 9 June").
"""

from __future__ import annotations

import re
from functools import lru_cache

from nato_qa.keyword import terms
from nato_qa.sentences.answer_types import expected_type
from nato_qa.sentences.entities import core_question
from nato_qa.sentences.patterns import WORD

# "what came (out) of the talks": asked in the past, after an outcome
_CAME_OF = r"came\s+(?:out\s+)?of"
_PAST = re.compile(
    rf"\b(?:did|didn[’']t|was|were|wasn[’']t|weren[’']t|has|have|had|{_CAME_OF})\b", re.I
)
# A question that asks about the plan itself ("when is it expected to…", "what will…").
_ASKS_PLAN = re.compile(
    r"\b(?:will|would|shall|going to|plan\w*|expect\w*|intend\w*|aim\w*|hop(?:e|es|ed|ing)"
    r"|propos\w*|supposed|meant|due|set to|likely|could|may|might|should|scheduled)\b",
    re.I,
)
_MODAL = r"(?:will|would|could|may|might|shall|should|due\s+to\s+be)(?:\s+not)?(?:\s+(?:be|have\s+been))?"
_PLAN_HEAD = (
    r"(?:expect\w*|plan\w*|set|aim\w*|hop(?:e|es|ed|ing)|seek\w*|intend\w*|negotiat\w*|talks"
    r"|propos\w*|likely|wants?|going|scheduled|poised|ready|bid|effort\w*|attempt\w*"
    # a demand is not the event either: "calls on the authority to revoke the permit"
    r"|call(?:s|ed|ing)?\s+(?:on|for)|urg(?:e|es|ed|ing)|demand\w*)"
)
# A question after the result of an event: "what was the verdict", "fined in the end".
_OUTCOME = re.compile(
    r"\b(?:outcome|verdict|results?|in\s+the\s+end|eventually|ultimately|end(?:ed)?\s+up"
    rf"|{_CAME_OF}"
    r"|found\s+guilty|convicted|acquitted)\b",
    re.I,
)
_PLANNED = re.compile(
    rf"\b(?:{_MODAL}|{_PLAN_HEAD}\s+(?:[\w’'-]+\s+){{0,3}}?to(?:\s+be)?)\s+([\w’'-]+)", re.I
)
# What a question has someone oppose is not said to have happened: "why was the president
# against opening an office" does not ask whether the office opened, nor "against the
# Alliance opening one" (a name before the verb is who would do it).
_OPPOSED = re.compile(
    r"\b(?:against|oppos\w*|object(?:s|ed|ing)?\s+to|resist\w*)\s+(?:the\s+|an?\s+)?"
    r"(?:(?-i:[A-Z])[\w’'-]*\s+){0,3}([\w’'-]+)",
    re.I,
)
# Irregular past forms, so that "when they met" finds "plans to meet" (stemming does not).
_IRREGULAR = {
    "met": "meet", "went": "go", "gone": "go", "took": "take", "taken": "take", "gave": "give",
    "given": "give", "made": "make", "held": "hold", "began": "begin", "begun": "begin",
    "won": "win", "lost": "lose", "sent": "send", "spent": "spend", "paid": "pay", "sold": "sell",
    "bought": "buy", "brought": "bring", "built": "build", "chose": "choose", "chosen": "choose",
    "came": "come", "drew": "draw", "drawn": "draw", "fell": "fall", "fallen": "fall",
    "found": "find", "got": "get", "kept": "keep", "knew": "know", "known": "know", "led": "lead",
    "left": "leave", "rose": "rise", "risen": "rise", "said": "say", "saw": "see", "seen": "see",
    "spoke": "speak", "spoken": "speak", "struck": "strike", "told": "tell", "thought": "think",
    "wrote": "write", "written": "write", "ran": "run", "sought": "seek", "taught": "teach",
    "understood": "understand", "withdrew": "withdraw", "withdrawn": "withdraw", "became": "become",
}  # fmt: skip


def _terms(word: str) -> list[str]:
    return terms(_IRREGULAR.get(word.lower().strip("’'"), word))


def asks_what_happened(question: str) -> bool:
    """The question asks whether, when or how something took place, not about a plan, nor
    what someone said of it ("what did she say about joining?" is told by "said it had no
    plans to join")."""
    core = core_question(question)  # without a follow-up's context note
    if not _PAST.search(core) or _ASKS_PLAN.search(core):
        return False
    wants = expected_type(core)
    return wants is None or wants.name != "statement"


@lru_cache(maxsize=20_000)
def _planned_and_stated(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The terms of words ``text`` uses as a planned event, and of all its other words."""
    planned_at = {m.start(1) for m in _PLANNED.finditer(text)}
    planned: set[str] = set()
    stated: set[str] = set()
    for m in WORD.finditer(text):
        (planned if m.start() in planned_at else stated).update(_terms(m.group()))
    return frozenset(planned), frozenset(stated)


def only_planned(question: str, text: str) -> bool:
    """``text`` has a word of the question only as something planned, never as done; or the
    question asks for an outcome ("what was the verdict of the June trial?") and ``text``
    speaks of the same thing ("the trial") only as something still to come ("will take
    place on 9 June")."""
    planned, stated = _planned_and_stated(text)
    core = core_question(question)
    opposed = {t for m in _OPPOSED.finditer(core) for t in _terms(m.group(1))}
    asked = {t for w in WORD.findall(core) for t in _terms(w)} - _planned_and_stated(core)[0]
    asked -= opposed
    if asked & (planned - stated):
        return True
    return bool(_OUTCOME.search(core) and planned and asked & stated)
