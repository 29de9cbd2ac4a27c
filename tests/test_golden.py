"""The golden gate: every question set in tests/golden/ (and the second corpus's) against the
targets stated for it, through the same service path as the UI; or an evaluator's file with
``--golden FILE``.

A set's unmet targets are strict xfails: the gate turns red the moment one starts passing, so
the lists below and the figures in docs/evaluation.md must be updated. A target is never
lowered to pass.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from nato_qa import QAService
from nato_qa.evaluation import (
    GoldenFileError,
    evaluate,
    evaluate_peer,
    failed_conditions,
    load_golden,
    normalise,
    parse_conditions,
)

from .conftest import GOLDEN, SECOND_CORPUS

CORPORA = GOLDEN.parents[1] / "corpora"
KINDS = {"factual", "paraphrase", "why_how", "synthesis", "follow_up", "unanswerable", "off_topic"}

# The first answering issue's targets, for the sets written before the blind-set rule.
ANSWERING = [
    ("hit@1", ">=", 0.90),
    ("hit@5", ">=", 0.97),
    ("mrr@5", ">=", 0.93),
    ("answer_accuracy", ">=", 0.90),
    ("refusal_accuracy", ">=", 1.0),
    ("false_refusal_rate", "<=", 0.03),
    ("citation_validity", ">=", 1.0),
]
# The generalisation issues' targets (retrieval; answers for every kind of question), for the
# blind sets and the second corpus. "KIND/metric" is one kind's figure, "*/metric" the worst
# kind's, "peer-gap/metric" ours minus the peer's in the same run.
GENERAL = [
    ("hit@1", ">=", 0.85),
    ("hit@5", ">=", 0.95),
    ("mrr@5", ">=", 0.90),
    ("peer-gap/hit@1", ">=", 0.15),
    ("paraphrase/hit@5", ">=", 0.90),
    ("accuracy", ">=", 0.85),
    ("*/accuracy", ">=", 0.70),
    ("key_point_coverage", ">=", 0.5),
    ("refusal_accuracy", ">=", 0.90),
    ("false_refusal_rate", "<=", 0.05),
    ("citation_validity", ">=", 1.0),
]

# Targets not met yet, per set (figures in docs/evaluation.md).
# Round 29's best-sentence ranking (a third ranking in the fusion) met 29 targets of older
# sets (hit@5, paraphrase hit@5, leads over the peer, key points) and lost 16 that were met:
# blind r1, r7 and r16 key points, r4, r38 and r41 hit@5 (r38 and r41 paraphrase hit@5 too),
# r13 lead over the peer, r14 and r16 accuracy; the second corpus's r13 paraphrase hit@5,
# r20 accuracy, r25 lead over the peer, r27 hit@5 and r32 hit@1. Over all development sets
# hit@1 rose 0.738 -> 0.753 (home) and 0.667 -> 0.691 (second corpus).
# Round 30's follow-up and speaker rules met one more, losing none: the second corpus's r33
# false refusals.
# Round 31 (answer types by calling and kind, the corpus's surnames, a cause in the passive,
# fusion that ranks a passage a list leaves out just after its last, follow-ups' context
# note at half weight) met 26 targets of older sets (hit@5 of blind r4, r6, r8, r14, r38,
# r39, r44 and the second corpus's r15; paraphrase hit@5 of r1, r4, r7, r38, r39, r44 and
# r15; accuracy of r4, r5, r10 and r14, every kind's of r13 and r26; key points of r1 and
# r7; r8's hit@1, r13's lead over the peer, r15's MRR@5) and lost 7: hit@5 of r12, r17 and
# r23 (paraphrase hit@5 of r17 and r23 too), r22's false refusals and r37's MRR@5, one
# question each.
# Round 32 (a share asked as a fraction, a month by name, no count from a designation, a
# broad question scored again on its topic, the rerank's best sentence weighing meaning 0.6)
# met 10 targets of older sets (r8's MRR@5 and key points, r11's key points, r12's hit@5,
# r15's lead over the peer, r22's refusals; the second corpus's r6 accuracy, r9 every kind's,
# r11 paraphrase hit@5, r15 hit@1) and lost 2: r19's hit@1 and the second corpus's r32
# MRR@5, one question each.
# Round 33 (a purpose asked for, one copy of a sentence, the power to block, a response by
# its actor) met 8 targets of older sets (r6's hit@1, r10's false refusals, accuracy of r11,
# r15, r16 and r29, r33's every kind's; the second corpus's r21 hit@5) and lost 1: the
# second corpus's r21 false refusals (a follow-up answered wrongly before is refused now).
# Round 34 (abbreviations the articles define, a name after an honorific and words of the
# language for "who", an earlier state as a reason) met 15 targets of older sets (r14's lead
# over the peer; the second corpus's r5, r7 and r10 paraphrase hit@5, r7, r10 and r41 hit@5,
# r7's lead over the peer, r18 and r47 hit@1, MRR@5 of r18, r20, r41 and r47, r39's
# accuracy) and lost 3, one question each: r10's lead over the peer, the second corpus's r16
# hit@5 and r17 lead over the peer.
# Round 35 (abbreviations the articles spell out, a cause by what brings it about, a route,
# what money goes on, a lawyer named with their side) met 30 targets of older sets and lost
# none: r6's and r37's MRR@5, r7's hit@1 and accuracy, r9's hit@1, hit@5 and MRR@5, the leads
# over the peer of r10 and r23; the second corpus's r3 and r41 accuracy and every kind's, r7
# accuracy, r7, r41 and r47 false refusals, r11 MRR@5 and accuracy, r14 lead over the peer
# and paraphrase hit@5, r19 hit@5 and paraphrase hit@5, r25 hit@5, r43 lead over the peer,
# accuracy and every kind's, r48 hit@1, MRR@5 and every kind's.
# Round 36 (follow-ups that resolve "it" and a year moved by one, a predecessor asked for,
# the unit of a count, a quantity asked "overall", what came of a meeting) met 3 targets of
# older sets and lost none: r12's accuracy, r13's and r14's refusals.
# Round 37 (a cause after the event is its setting, "what has been said about …" is broad, a
# doer named in the passive cues "who", names after a title) met 8 targets of older sets and
# lost none: r24's hit@5 and paraphrase hit@5, the second corpus's r31's hit@5 and
# paraphrase hit@5, r32's MRR@5, and r51's hit@5, paraphrase hit@5 and every kind's accuracy.
# Round 38 (an author's bio only for questions about the author, a follow-up's own words
# rank passages and its note never outweighs them, broad plurals and views, the person asked
# for named in full) met 9 targets of older sets: r7's, r43's and r55's MRR@5, the second
# corpus's r10 MRR@5 and accuracy, r17's and r50's lead over the peer, r21's false refusals
# and r46's MRR@5. It lost 3, each by one follow-up whose passage now ranks lower: r37's
# MRR@5 (r37-42, second → third), the second corpus's r21 hit@5 (ts21-31, out of the top 5)
# and r42 hit@1 (t42-34, first → third). Over the development sets the round moved the
# first relevant passage of 24 follow-ups up and of 10 down.
# Round 39 (a value of another event is not the answer, "the 2023 one", a change told by a
# before and an after, "the budget for X", a plural head before a modal) met 11 targets of
# older sets: r11's every kind's accuracy, r44's key points; the second corpus's key points of
# its first set and of r5, r10 and r50, r9's, r47's and r50's accuracy, r14's hit@1 and
# MRR@5. It lost 3, the second corpus's key points of r2, r16 and r31: each set's one "how did
# the account change / the prosecution develop" summary now quotes other sentences. Over
# the development sets the change cue moved 14 summaries' key points up and 7 down.
# Round 40 (a number word in a name is no count, reports told apart are broad, a summary set
# in a year) met and lost no target of an older set: no development answer moved.
# Round 41 (a one-word subject says the next sentence's "he", figures that differ depending on
# who you ask are broad, "how big was X" measures X, a reason before the restating sentence's
# follower, "the spokesman" the last answer named) met 4 targets of older sets and lost none:
# r24's accuracy (its "who pointed out …" paraphrase, said by a one-word subject), r10's and
# r51's every kind's accuracy and r51's false refusals (their "what did the spokesman say"
# follow-ups).
# Round 42 ("in terms of X" measures X, where someone went is a place, a follow-up's "they" is
# the one thing named, a post asked in lower case, "since" of time, a part of a whole,
# conditions met) met 9 targets of older sets and lost none: r29's hit@5; the second corpus's
# accuracy of r5, r58 and r60, every kind's accuracy of r7, r8 and r60, r27's hit@5 and
# r58's refusals.
# Round 43 (a chat word that opens a question is not its form, a count of things is no amount
# in a unit of measure, money committed is given, what someone said of a plan, members of a
# body are people) met r19's accuracy (its "which japanese cabinet member …" paraphrase) and
# lost r7's MRR@5 (0.90 → 0.89): "ok and what are its goals for japan expected to be" had been
# read as two questions in one, by its "ok and"; read as the purpose question it is, it gets
# the reason cue, which ranks another passage first.
# Round 44 (the retriever searches without the opening chat word, numbers in words, questions
# of nothing known, prepositions, "spoke up for", obstacles) met r7's MRR@5 again and r59's
# accuracy (its "what else makes it hard for them to join?", by the obstacle cue), and lost
# none.
# Round 45 (what has come about so far is broad, a reason or manner told before what only
# restates it, a quantity per span of time answered by a rate, a clause's "when" asks no time)
# met nine older targets and lost none: by the rate, r4's */accuracy, r15's */accuracy and
# refusals, the second corpus's r45 accuracy, */accuracy and refusals and r64's accuracy and
# refusals ("how much … each year", "how many litres … per day" refused); by "so far", the
# second corpus's r44 key points ("What action has the TCA taken against Brightwell so far?"
# gets a summary, 0.2 → 0.6).
# Round 46 ("how come" asks a reason, a question's form and when it is asked tell no subject,
# "how does X fit into …" asks a role, a rate is asked of a quantity, "it" after "what's the
# campaign group that …" is the body the answer named) met the second corpus's r58 hit@5 and
# accuracy in every kind ("who's in charge of it?" after "Save the Tessel." now asks who
# chairs Save the Tessel) and lost none.
# Round 47 (a question a later clause asks is no byline question, the words said after a
# stance, a part played is a role) met no older target and lost none.
# Round 48 (several kinds cued by a list, "end up in" a route, "buying" a purpose, "again" a
# restart, who leads a body, how a side argues its grounds, the wording a maker or an earlier
# case needs, the first time of a deed told by that deed) met 18 older targets and lost none:
# by the wording and the first time of a deed, the refusals of the second corpus's r6, r8,
# r10, r15 and r25, r15's accuracy, r11's */accuracy and blind r33's accuracy ("Had he been
# to one before that?"); by the list cue, blind r24's hit@1 and mrr@5 ("In what kinds of
# settings …") and the second corpus's r58 mrr@5 and peer gap; by the restart cue, r23's
# hit@1 and mrr@5; by who leads a body, r42's and r59's hit@5 and paraphrase/hit@5. "how
# does X justify …" as a reason question met r63's peer gap but lost blind r59's hit@1 and
# mrr@5 (its passage second), so it was left out.
# Round 49 ("how frequently" asks how often, a "once" that opens a clause is no frequency, a
# sum asked of an owner in lower case, a post the articles write held by its title, "how
# much" an amount) met three older targets and lost none: by "how frequently", the second
# corpus's accuracy ("How frequently will officials turn up without warning at the
# factory?"); by the amount, r62's accuracy and accuracy in every kind ("In the end, how
# much liquid did the firm concede had actually leaked out?").
# Round 50 (a person asked after by what they are or do is no titled official, "in what
# venue" asks a place, a name typed in lower case ends what is measured) met three older
# targets and lost none: by the worker, the second corpus's r35 accuracy, accuracy in every
# kind and refusals ("What was the name of the night-shift worker who found the leaking
# tank …?"); by what was said, pointed at, blind r84's MRR@5 ("where was he when he said
# that?").
NOT_MET_PROJECT = {"hit@1", "mrr@5", "refusal_accuracy"}
NOT_MET_HELDOUT = {"refusal_accuracy"}
NOT_MET_BLIND_R1 = {"hit@1", "mrr@5", "peer-gap/hit@1", "accuracy", "*/accuracy",
                    "refusal_accuracy"}  # fmt: skip
NOT_MET_BLIND_R4 = {"hit@1", "mrr@5", "peer-gap/hit@1", "refusal_accuracy"}
NOT_MET_BLIND_R5 = {"hit@1", "mrr@5", "peer-gap/hit@1", "*/accuracy"}
NOT_MET_BLIND_R6: set[str] = set()
NOT_MET_BLIND_R7 = {"hit@5", "refusal_accuracy"}
NOT_MET_BLIND_R8: set[str] = set()
NOT_MET_TESSEL_R4 = {"hit@1", "hit@5", "mrr@5", "paraphrase/hit@5", "accuracy", "*/accuracy",
                     "refusal_accuracy"}  # fmt: skip
# Key points: met until round 28, when a summary's reach down to 0.8 of the refusal
# threshold gave "what has Save the Tessel been doing" the restoration-fund sentence in place
# of the petition's (0.6 -> 0.4 on that line; the development sets' key points rose overall).
NOT_MET_TESSEL_R5 = {"hit@1", "hit@5", "mrr@5", "*/accuracy", "refusal_accuracy"}
NOT_MET_BLIND_R9: set[str] = set()
NOT_MET_TESSEL_R6 = {"hit@1", "hit@5", "mrr@5", "paraphrase/hit@5", "*/accuracy"}
NOT_MET_BLIND_R10 = {"hit@1", "mrr@5"}
NOT_MET_TESSEL_R7 = {"hit@1", "mrr@5", "refusal_accuracy"}
NOT_MET_BLIND_R11 = {"hit@1", "mrr@5", "refusal_accuracy"}
NOT_MET_TESSEL_R8 = {"hit@1", "mrr@5"}
NOT_MET_BLIND_R12 = {"hit@1", "mrr@5", "*/accuracy", "refusal_accuracy"}
NOT_MET_TESSEL_R9 = {"hit@1", "mrr@5", "refusal_accuracy", "false_refusal_rate"}
NOT_MET_BLIND_R13 = {"hit@1", "mrr@5"}
NOT_MET_TESSEL_R10 = {"hit@1", "*/accuracy"}
NOT_MET_BLIND_R14 = {"hit@1", "mrr@5"}
NOT_MET_TESSEL_R11 = {"hit@1", "key_point_coverage", "refusal_accuracy"}
NOT_MET_BLIND_R15 = {"hit@1", "hit@5", "mrr@5"}
NOT_MET_TESSEL_R12 = {"hit@1", "hit@5", "mrr@5", "peer-gap/hit@1", "accuracy", "*/accuracy",
                      "refusal_accuracy"}  # fmt: skip
NOT_MET_BLIND_R16 = {"hit@1", "hit@5", "mrr@5", "peer-gap/hit@1", "*/accuracy",
                     "key_point_coverage", "refusal_accuracy"}  # fmt: skip
NOT_MET_TESSEL_R13 = {"hit@1", "hit@5", "mrr@5", "peer-gap/hit@1", "paraphrase/hit@5", "accuracy",
                      "*/accuracy", "refusal_accuracy", "false_refusal_rate"}  # fmt: skip
NOT_MET_BLIND_R17 = {"hit@1", "hit@5", "mrr@5", "paraphrase/hit@5", "accuracy", "*/accuracy",
                     "key_point_coverage", "refusal_accuracy"}  # fmt: skip
NOT_MET_TESSEL_R14 = {"hit@5", "accuracy", "*/accuracy", "refusal_accuracy"}
NOT_MET_BLIND_R18 = {"hit@1", "hit@5", "mrr@5", "paraphrase/hit@5", "accuracy", "*/accuracy",
                     "refusal_accuracy"}  # fmt: skip
NOT_MET_TESSEL_R15 = {"*/accuracy", "key_point_coverage", "false_refusal_rate"}
NOT_MET_BLIND_R19 = {"hit@1", "hit@5", "mrr@5", "paraphrase/hit@5", "*/accuracy"}
NOT_MET_TESSEL_R16 = {"hit@1", "hit@5", "mrr@5", "peer-gap/hit@1", "accuracy", "*/accuracy",
                      "key_point_coverage", "refusal_accuracy", "false_refusal_rate"}  # fmt: skip
NOT_MET_BLIND_R20 = {"hit@1", "hit@5", "mrr@5", "paraphrase/hit@5", "accuracy", "*/accuracy"}
NOT_MET_TESSEL_R17 = {"hit@1", "hit@5", "mrr@5", "paraphrase/hit@5", "accuracy", "*/accuracy",
                      "refusal_accuracy", "false_refusal_rate"}  # fmt: skip
NOT_MET_BLIND_R21 = {"hit@1", "mrr@5", "accuracy", "*/accuracy", "key_point_coverage",
                     "refusal_accuracy"}  # fmt: skip
NOT_MET_TESSEL_R18 = {"accuracy", "*/accuracy", "refusal_accuracy"}
NOT_MET_BLIND_R22 = {"hit@1", "mrr@5", "peer-gap/hit@1", "accuracy", "*/accuracy",
                     "key_point_coverage", "false_refusal_rate"}  # fmt: skip
NOT_MET_TESSEL_R19 = {"hit@1", "mrr@5", "peer-gap/hit@1", "accuracy", "*/accuracy",
                      "refusal_accuracy"}  # fmt: skip
NOT_MET_BLIND_R23 = {"hit@1", "hit@5", "mrr@5", "paraphrase/hit@5", "accuracy", "*/accuracy",
                     "refusal_accuracy", "false_refusal_rate"}  # fmt: skip
NOT_MET_TESSEL_R20 = {"hit@1", "accuracy", "*/accuracy", "refusal_accuracy"}
NOT_MET_BLIND_R24 = {"peer-gap/hit@1", "*/accuracy", "refusal_accuracy"}
NOT_MET_TESSEL_R21 = {"hit@1", "hit@5", "mrr@5", "accuracy", "*/accuracy", "refusal_accuracy"}
NOT_MET_BLIND_R25 = {"hit@1", "hit@5", "mrr@5", "peer-gap/hit@1", "paraphrase/hit@5", "accuracy",
                     "*/accuracy", "refusal_accuracy"}  # fmt: skip
NOT_MET_BLIND_R26 = {"hit@1", "hit@5", "mrr@5", "peer-gap/hit@1"}
NOT_MET_BLIND_R27: set[str] = set()  # all met on its 11 lines
NOT_MET_TESSEL_R23 = {"accuracy", "*/accuracy", "refusal_accuracy", "false_refusal_rate"}
NOT_MET_TESSEL_R24 = {"hit@1", "hit@5", "mrr@5", "peer-gap/hit@1", "paraphrase/hit@5",
                      "accuracy", "*/accuracy", "refusal_accuracy"}  # fmt: skip
NOT_MET_BLIND_R28 = {"hit@1", "hit@5", "mrr@5", "peer-gap/hit@1", "paraphrase/hit@5", "*/accuracy",
                     "refusal_accuracy"}  # fmt: skip
NOT_MET_TESSEL_R25 = {"hit@1", "mrr@5", "peer-gap/hit@1", "accuracy", "*/accuracy"}
NOT_MET_BLIND_R29 = {"hit@1", "mrr@5", "peer-gap/hit@1", "*/accuracy", "key_point_coverage"}
NOT_MET_TESSEL_R26 = {"hit@1", "mrr@5", "accuracy", "*/accuracy", "refusal_accuracy",
                      "false_refusal_rate"}  # fmt: skip
NOT_MET_BLIND_R30 = {"hit@1", "hit@5", "mrr@5", "paraphrase/hit@5", "accuracy", "*/accuracy",
                     "key_point_coverage"}  # fmt: skip
NOT_MET_TESSEL_R27 = {"hit@1", "mrr@5", "peer-gap/hit@1", "accuracy", "*/accuracy",
                      "key_point_coverage", "refusal_accuracy"}  # fmt: skip
NOT_MET_BLIND_R31 = {"hit@1", "hit@5", "mrr@5", "peer-gap/hit@1", "accuracy", "*/accuracy"}
NOT_MET_TESSEL_R28 = {"hit@1", "peer-gap/hit@1", "*/accuracy", "refusal_accuracy"}
NOT_MET_BLIND_R32 = {"hit@1", "mrr@5", "peer-gap/hit@1", "accuracy", "*/accuracy",
                     "key_point_coverage"}  # fmt: skip
NOT_MET_TESSEL_R29 = {"hit@1", "hit@5", "mrr@5", "accuracy", "*/accuracy", "key_point_coverage",
                      "refusal_accuracy"}  # fmt: skip
NOT_MET_BLIND_R33 = {"hit@1", "hit@5", "mrr@5", "paraphrase/hit@5"}
NOT_MET_TESSEL_R30 = {"hit@5", "mrr@5", "paraphrase/hit@5", "accuracy", "*/accuracy",
                      "false_refusal_rate"}  # fmt: skip
NOT_MET_BLIND_R34 = {"hit@1", "hit@5", "mrr@5", "*/accuracy"}
NOT_MET_TESSEL_R31 = {"hit@1", "mrr@5", "peer-gap/hit@1", "accuracy", "*/accuracy",
                      "key_point_coverage", "false_refusal_rate"}  # fmt: skip
NOT_MET_BLIND_R35 = {"hit@1", "hit@5", "mrr@5", "paraphrase/hit@5", "accuracy", "*/accuracy",
                     "key_point_coverage"}  # fmt: skip
NOT_MET_BLIND_R36 = {"hit@1", "hit@5", "mrr@5", "peer-gap/hit@1", "paraphrase/hit@5", "accuracy",
                     "*/accuracy"}  # fmt: skip
NOT_MET_BLIND_R37 = {"hit@1", "mrr@5", "peer-gap/hit@1", "*/accuracy", "false_refusal_rate"}
NOT_MET_BLIND_R38 = {"hit@1", "mrr@5", "peer-gap/hit@1", "accuracy", "*/accuracy"}
NOT_MET_TESSEL_R34 = set[str]()  # every target met on its ten lines
NOT_MET_TESSEL_R35 = {"false_refusal_rate"}
NOT_MET_BLIND_R39 = {"hit@1", "mrr@5", "accuracy", "*/accuracy", "false_refusal_rate"}
NOT_MET_BLIND_R40 = {"hit@1", "mrr@5", "peer-gap/hit@1", "accuracy", "*/accuracy",
                     "false_refusal_rate"}  # fmt: skip
NOT_MET_TESSEL_R36 = set[str]()  # every target met on its six lines
NOT_MET_TESSEL_R37 = {"hit@1", "mrr@5", "accuracy", "*/accuracy", "refusal_accuracy"}
NOT_MET_BLIND_R41 = {"hit@1", "hit@5", "mrr@5", "paraphrase/hit@5", "accuracy", "*/accuracy"}
NOT_MET_BLIND_R42 = {"hit@1", "hit@5", "mrr@5", "peer-gap/hit@1", "accuracy", "*/accuracy",
                     "key_point_coverage"}  # fmt: skip
NOT_MET_TESSEL_R38 = {"*/accuracy"}
NOT_MET_TESSEL_R39 = {"*/accuracy"}
NOT_MET_BLIND_R43 = {"hit@1", "accuracy", "*/accuracy", "false_refusal_rate"}
NOT_MET_BLIND_R44 = {"hit@1", "mrr@5", "accuracy", "*/accuracy"}
NOT_MET_BLIND_R45 = {"hit@1", "hit@5", "mrr@5", "peer-gap/hit@1", "paraphrase/hit@5", "accuracy",
                     "*/accuracy", "key_point_coverage"}  # fmt: skip
NOT_MET_BLIND_R46 = {"hit@1", "mrr@5", "paraphrase/hit@5", "accuracy", "*/accuracy",
                     "key_point_coverage", "refusal_accuracy", "false_refusal_rate"}  # fmt: skip
NOT_MET_TESSEL_R42 = {"hit@1", "mrr@5", "accuracy", "*/accuracy", "refusal_accuracy"}
NOT_MET_TESSEL_R43 = {"hit@1", "hit@5", "mrr@5", "paraphrase/hit@5", "false_refusal_rate"}
NOT_MET_BLIND_R47 = {"hit@1", "mrr@5", "*/accuracy", "false_refusal_rate"}
NOT_MET_BLIND_R48 = {"hit@1", "hit@5", "mrr@5", "peer-gap/hit@1", "paraphrase/hit@5", "accuracy",
                     "*/accuracy", "false_refusal_rate"}  # fmt: skip
NOT_MET_BLIND_R49 = {"hit@1", "hit@5", "mrr@5", "peer-gap/hit@1", "paraphrase/hit@5", "*/accuracy"}
NOT_MET_BLIND_R50 = {"hit@1", "hit@5", "mrr@5", "paraphrase/hit@5", "accuracy", "*/accuracy",
                     "false_refusal_rate"}  # fmt: skip
NOT_MET_BLIND_R51 = {"hit@1", "mrr@5", "key_point_coverage"}
NOT_MET_TESSEL_R47 = {"*/accuracy", "refusal_accuracy"}
NOT_MET_TESSEL_R48 = {"peer-gap/hit@1"}
NOT_MET_BLIND_R52 = {"hit@1", "hit@5", "mrr@5", "*/accuracy"}
NOT_MET_BLIND_R53 = {"peer-gap/hit@1", "accuracy", "*/accuracy", "refusal_accuracy"}
NOT_MET_BLIND_R54: set[str] = set()
NOT_MET_BLIND_R55 = {"hit@1", "accuracy", "*/accuracy", "key_point_coverage", "false_refusal_rate"}
NOT_MET_TESSEL_R51 = {"mrr@5", "key_point_coverage", "refusal_accuracy"}
NOT_MET_TESSEL_R52 = {"hit@1", "mrr@5", "*/accuracy"}
NOT_MET_BLIND_R56: set[str] = set()
NOT_MET_BLIND_R57 = {"hit@1", "mrr@5", "*/accuracy"}
NOT_MET_TESSEL_R53 = {"hit@1", "mrr@5", "*/accuracy", "key_point_coverage"}
NOT_MET_TESSEL_R54 = {"accuracy", "*/accuracy", "refusal_accuracy", "false_refusal_rate"}
NOT_MET_BLIND_R58 = {"hit@1", "mrr@5"}
NOT_MET_BLIND_R59 = {"*/accuracy", "refusal_accuracy", "false_refusal_rate"}
NOT_MET_TESSEL_R55 = {"*/accuracy", "refusal_accuracy"}
NOT_MET_TESSEL_R56: set[str] = set()
NOT_MET_BLIND_R60 = {"hit@1", "hit@5", "mrr@5", "paraphrase/hit@5", "accuracy", "*/accuracy",
                     "key_point_coverage"}  # fmt: skip
NOT_MET_BLIND_R61 = {"hit@1", "hit@5", "mrr@5", "paraphrase/hit@5"}
NOT_MET_TESSEL_R57 = {"hit@1", "hit@5", "mrr@5", "paraphrase/hit@5", "accuracy", "*/accuracy",
                      "key_point_coverage"}  # fmt: skip
NOT_MET_TESSEL_R58 = {"hit@1"}
NOT_MET_BLIND_R62 = {"hit@1", "hit@5", "mrr@5", "peer-gap/hit@1", "paraphrase/hit@5", "accuracy",
                     "*/accuracy", "refusal_accuracy"}  # fmt: skip
NOT_MET_BLIND_R63 = {"hit@1", "mrr@5", "key_point_coverage"}
NOT_MET_TESSEL_R59 = {
    "hit@1",
    "mrr@5",
    "peer-gap/hit@1",
    "accuracy",
    "*/accuracy",
    "refusal_accuracy",
    "false_refusal_rate",
}
NOT_MET_TESSEL_R60 = {"hit@1", "mrr@5", "peer-gap/hit@1", "key_point_coverage",
                      "refusal_accuracy"}  # fmt: skip
NOT_MET_BLIND_R64 = {"hit@1", "hit@5", "mrr@5", "peer-gap/hit@1", "paraphrase/hit@5", "accuracy",
                     "*/accuracy", "refusal_accuracy", "false_refusal_rate"}  # fmt: skip
NOT_MET_BLIND_R65 = {"hit@1", "hit@5", "mrr@5", "paraphrase/hit@5", "accuracy", "*/accuracy",
                     "key_point_coverage"}  # fmt: skip
NOT_MET_TESSEL_R61 = {"peer-gap/hit@1", "accuracy", "*/accuracy", "key_point_coverage",
                      "refusal_accuracy"}  # fmt: skip
NOT_MET_TESSEL_R62: set[str] = set()
NOT_MET_BLIND_R66 = {"hit@1", "hit@5", "mrr@5", "paraphrase/hit@5", "accuracy", "*/accuracy",
                     "key_point_coverage", "refusal_accuracy"}  # fmt: skip
NOT_MET_BLIND_R67: set[str] = set()
NOT_MET_TESSEL_R63 = {"hit@1", "hit@5", "mrr@5", "peer-gap/hit@1", "*/accuracy"}
NOT_MET_TESSEL_R64 = {"hit@5", "mrr@5", "paraphrase/hit@5", "*/accuracy",
                      "key_point_coverage"}  # fmt: skip
NOT_MET_BLIND_R68 = {"hit@1", "hit@5", "mrr@5", "paraphrase/hit@5", "peer-gap/hit@1", "accuracy",
                     "*/accuracy"}  # fmt: skip
NOT_MET_BLIND_R69 = {"hit@1", "mrr@5", "accuracy", "*/accuracy", "refusal_accuracy",
                     "false_refusal_rate"}  # fmt: skip
NOT_MET_TESSEL_R65 = {"peer-gap/hit@1", "refusal_accuracy"}
NOT_MET_TESSEL_R66 = {"hit@1", "mrr@5", "peer-gap/hit@1"}
NOT_MET_BLIND_R70 = {"hit@1", "mrr@5"}
NOT_MET_BLIND_R71 = {"hit@1", "hit@5", "mrr@5", "accuracy", "*/accuracy", "refusal_accuracy"}
NOT_MET_TESSEL_R67 = {"hit@1", "hit@5", "mrr@5", "paraphrase/hit@5", "peer-gap/hit@1", "accuracy",
                      "*/accuracy"}  # fmt: skip
NOT_MET_TESSEL_R68: set[str] = set()
NOT_MET_BLIND_R72: set[str] = set()
NOT_MET_BLIND_R73 = {"hit@1", "hit@5", "mrr@5", "peer-gap/hit@1", "paraphrase/hit@5", "accuracy",
                     "*/accuracy", "key_point_coverage", "refusal_accuracy"}  # fmt: skip
NOT_MET_TESSEL_R69 = {"hit@1", "mrr@5"}
NOT_MET_TESSEL_R70 = {"accuracy", "*/accuracy", "false_refusal_rate"}
NOT_MET_BLIND_R74 = {"hit@1", "mrr@5", "peer-gap/hit@1"}
NOT_MET_BLIND_R75 = {"hit@1", "mrr@5", "accuracy", "*/accuracy"}
NOT_MET_TESSEL_R71 = {"hit@1", "mrr@5", "peer-gap/hit@1"}
NOT_MET_TESSEL_R72 = {"hit@1", "mrr@5", "peer-gap/hit@1", "accuracy", "*/accuracy",
                      "refusal_accuracy"}  # fmt: skip
NOT_MET_BLIND_R76 = {"hit@1", "hit@5", "mrr@5", "paraphrase/hit@5", "accuracy", "*/accuracy",
                     "key_point_coverage"}  # fmt: skip
NOT_MET_BLIND_R77 = {"hit@1", "mrr@5", "refusal_accuracy"}
NOT_MET_TESSEL_R73 = {"hit@1", "mrr@5", "accuracy", "*/accuracy", "refusal_accuracy"}
NOT_MET_TESSEL_R74 = {"hit@1", "mrr@5", "peer-gap/hit@1", "refusal_accuracy"}
NOT_MET_BLIND_R78 = {"accuracy", "*/accuracy", "refusal_accuracy"}
NOT_MET_BLIND_R79 = {"hit@1", "hit@5", "mrr@5", "accuracy", "*/accuracy", "key_point_coverage"}
NOT_MET_TESSEL_R75 = {"hit@1", "hit@5", "mrr@5", "peer-gap/hit@1", "accuracy", "*/accuracy",
                      "refusal_accuracy", "false_refusal_rate"}  # fmt: skip
NOT_MET_TESSEL_R76 = {"hit@1", "hit@5", "mrr@5", "accuracy", "*/accuracy"}
NOT_MET_BLIND_R80 = {"hit@1", "hit@5", "mrr@5", "paraphrase/hit@5", "accuracy", "*/accuracy",
                     "false_refusal_rate"}  # fmt: skip
NOT_MET_BLIND_R81 = {"hit@1", "mrr@5", "accuracy", "*/accuracy", "key_point_coverage",
                     "refusal_accuracy", "false_refusal_rate"}  # fmt: skip
NOT_MET_TESSEL_R77 = {"hit@1", "hit@5", "mrr@5", "*/accuracy"}
NOT_MET_TESSEL_R78 = {"hit@1", "hit@5", "mrr@5", "*/accuracy"}
NOT_MET_BLIND_R82 = {"accuracy", "*/accuracy", "refusal_accuracy", "false_refusal_rate"}
NOT_MET_BLIND_R83 = {"hit@1", "hit@5", "mrr@5", "accuracy", "*/accuracy", "refusal_accuracy"}
NOT_MET_TESSEL_R79: set[str] = set()
NOT_MET_TESSEL_R80 = {"hit@1", "hit@5", "mrr@5", "peer-gap/hit@1", "accuracy", "*/accuracy",
                      "refusal_accuracy", "false_refusal_rate"}  # fmt: skip
NOT_MET_BLIND_R84 = {"hit@1"}
NOT_MET_BLIND_R85 = {"hit@1", "hit@5", "mrr@5", "paraphrase/hit@5", "accuracy", "*/accuracy",
                     "refusal_accuracy"}  # fmt: skip
NOT_MET_TESSEL_R81 = {"hit@1", "hit@5", "mrr@5", "*/accuracy", "key_point_coverage",
                      "refusal_accuracy", "false_refusal_rate"}  # fmt: skip
NOT_MET_TESSEL_R82 = {"hit@1", "hit@5", "mrr@5", "accuracy", "*/accuracy", "key_point_coverage",
                      "refusal_accuracy", "false_refusal_rate"}  # fmt: skip
NOT_MET_BLIND_R86 = {"*/accuracy"}
NOT_MET_BLIND_R87 = {"hit@1", "hit@5", "mrr@5", "accuracy", "*/accuracy"}
NOT_MET_TESSEL_R83 = {"hit@1", "hit@5", "mrr@5", "paraphrase/hit@5", "accuracy", "*/accuracy",
                      "refusal_accuracy"}  # fmt: skip
NOT_MET_TESSEL_R84 = {"hit@1", "hit@5", "mrr@5", "peer-gap/hit@1", "accuracy", "*/accuracy",
                      "key_point_coverage", "false_refusal_rate"}  # fmt: skip
NOT_MET_TESSEL_R49 = {"hit@1", "hit@5", "mrr@5", "peer-gap/hit@1"}
NOT_MET_TESSEL_R50 = {"hit@1", "mrr@5", "*/accuracy"}
NOT_MET_TESSEL_R44 = {"accuracy", "*/accuracy", "refusal_accuracy"}
NOT_MET_TESSEL_R45 = {"hit@5", "mrr@5", "paraphrase/hit@5"}
NOT_MET_TESSEL_R46 = {"hit@1", "peer-gap/hit@1"}
NOT_MET_TESSEL_R40 = {"hit@1", "mrr@5", "peer-gap/hit@1", "accuracy", "*/accuracy"}
NOT_MET_TESSEL_R41: set[str] = set()
NOT_MET_TESSEL_R32 = {"hit@1", "key_point_coverage"}
NOT_MET_TESSEL_R33 = {"hit@1", "hit@5", "mrr@5", "peer-gap/hit@1"}
NOT_MET_TESSEL_R22 = {"hit@1", "hit@5", "mrr@5", "accuracy", "*/accuracy", "false_refusal_rate"}
NOT_MET_TESSEL_R3 = {"hit@1", "hit@5", "mrr@5", "paraphrase/hit@5"}
NOT_MET_TESSEL_R2 = {"hit@1", "hit@5", "mrr@5", "paraphrase/hit@5", "accuracy", "*/accuracy",
                     "key_point_coverage", "refusal_accuracy"}  # fmt: skip
NOT_MET_TESSEL = {"hit@1", "hit@5", "mrr@5", "paraphrase/hit@5", "*/accuracy",
                  "false_refusal_rate"}  # fmt: skip


@dataclass(frozen=True)
class GoldenSet:
    """A question file, the corpus it is asked of, its targets and those not met yet."""

    name: str
    path: Path
    targets: list[tuple[str, str, float]]
    not_met: frozenset[str] = frozenset()
    corpus: Path | None = None  # None: the project corpus


SETS = [
    # The project set: the first 74 questions, then 63 more of every kind (137 in all).
    GoldenSet("project", GOLDEN, ANSWERING, frozenset(NOT_MET_PROJECT)),
    # Written later by another hand (20 tempting on-topic unanswerables); refined against.
    GoldenSet("heldout", GOLDEN.with_name("heldout.jsonl"), ANSWERING, frozenset(NOT_MET_HELDOUT)),
    # The first blind set: written from the articles alone before the generalisation work and
    # measured before and after it (docs/evaluation.md); a development set since.
    GoldenSet("blind-r1", GOLDEN.with_name("blind-r1.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R1)),
    # The fourth blind set (rounds 2 and 3's were lost with the machine they lived on):
    # written from the articles alone before the round that brought typed answers their own
    # bar, and measured before and after it (docs/evaluation.md); a development set since.
    GoldenSet("blind-r4", GOLDEN.with_name("blind-r4.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R4)),
    # The fifth, written the same way after that round and measured before and after the
    # follow-up round (docs/evaluation.md); a development set since.
    GoldenSet("blind-r5", GOLDEN.with_name("blind-r5.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R5)),
    # The sixth, written the same way before the round that added the paired search embedder
    # and the plan-is-not-done rule, and measured before and after it (docs/evaluation.md).
    GoldenSet("blind-r6", GOLDEN.with_name("blind-r6.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R6)),
    # The seventh and eighth, written the same way after round 6 and measured before and
    # after round 7 (follow-ups; docs/evaluation.md).
    GoldenSet("blind-r7", GOLDEN.with_name("blind-r7.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R7)),
    GoldenSet("blind-r8", GOLDEN.with_name("blind-r8.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R8)),
    # The ninth: written after round 7, measured before and after round 8 (answers).
    GoldenSet("blind-r9", GOLDEN.with_name("blind-r9.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R9)),
    # The tenth: written after round 8, measured before and after round 9 (counts).
    GoldenSet(
        "blind-r10", GOLDEN.with_name("blind-r10.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R10)
    ),
    # The eleventh: written after round 9, measured before and after round 10 (broad questions).
    GoldenSet(
        "blind-r11", GOLDEN.with_name("blind-r11.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R11)
    ),
    # The twelfth: written after round 10, measured before and after round 11 (the setting).
    GoldenSet(
        "blind-r12", GOLDEN.with_name("blind-r12.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R12)
    ),
    # The thirteenth: written after round 11, measured before and after round 12 (outcomes).
    GoldenSet(
        "blind-r13", GOLDEN.with_name("blind-r13.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R13)
    ),
    # The fourteenth: written after round 12, measured before and after round 13 (answer types).
    GoldenSet(
        "blind-r14", GOLDEN.with_name("blind-r14.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R14)
    ),
    # The fifteenth: written after round 13, measured before and after round 14 (events).
    GoldenSet(
        "blind-r15", GOLDEN.with_name("blind-r15.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R15)
    ),
    # The sixteenth: written after round 14, measured before and after round 15 (quotes, kinds).
    GoldenSet(
        "blind-r16", GOLDEN.with_name("blind-r16.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R16)
    ),
    # The seventeenth: written after round 15, measured before and after round 16 (readings).
    GoldenSet(
        "blind-r17", GOLDEN.with_name("blind-r17.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R17)
    ),
    # The eighteenth: written during round 16, measured before and after its second half.
    GoldenSet(
        "blind-r18", GOLDEN.with_name("blind-r18.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R18)
    ),
    # The nineteenth: written after round 16, measured before and after round 17 (a second
    # reader).
    GoldenSet(
        "blind-r19", GOLDEN.with_name("blind-r19.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R19)
    ),
    # The twentieth: written after round 17, measured before and after round 18 (e5-small
    # search measured again; the store re-embeds on an embedder change).
    GoldenSet(
        "blind-r20", GOLDEN.with_name("blind-r20.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R20)
    ),
    # The twenty-first: written during round 18, measured at its end (nothing changed after).
    GoldenSet(
        "blind-r21", GOLDEN.with_name("blind-r21.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R21)
    ),
    # The twenty-second: written before round 19, measured before and after it (a person
    # asked after by role is answered by a person's name).
    GoldenSet(
        "blind-r22", GOLDEN.with_name("blind-r22.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R22)
    ),
    # The twenty-third: written during round 19, measured at its end and at its start.
    GoldenSet(
        "blind-r23", GOLDEN.with_name("blind-r23.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R23)
    ),
    # The twenty-fourth: written before round 20, measured before and after it (a broad
    # answer of up to seven sentences, a why or how answer of up to three).
    GoldenSet(
        "blind-r24", GOLDEN.with_name("blind-r24.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R24)
    ),
    # The twenty-fifth: written during round 20, measured at its end and at its start.
    GoldenSet(
        "blind-r25", GOLDEN.with_name("blind-r25.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R25)
    ),
    # The twenty-sixth: written before round 21, measured before and after it (who wrote an
    # article; page furniture and mastheads).
    GoldenSet(
        "blind-r26", GOLDEN.with_name("blind-r26.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R26)
    ),
    # The twenty-seventh: written during round 21, measured at its end and at its start.
    GoldenSet(
        "blind-r27", GOLDEN.with_name("blind-r27.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R27)
    ),
    # The twenty-eighth: written at round 22's start, measured before and after it.
    GoldenSet(
        "blind-r28", GOLDEN.with_name("blind-r28.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R28)
    ),
    # The twenty-ninth: written at round 23's start, measured before and after it.
    GoldenSet(
        "blind-r29", GOLDEN.with_name("blind-r29.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R29)
    ),
    # The thirtieth: written at round 24's start, measured before and after it.
    GoldenSet(
        "blind-r30", GOLDEN.with_name("blind-r30.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R30)
    ),
    # The thirty-first and thirty-second: written during round 24 and at its end, measured on
    # its first and last commits, never read before they were.
    GoldenSet(
        "blind-r31", GOLDEN.with_name("blind-r31.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R31)
    ),
    GoldenSet(
        "blind-r32", GOLDEN.with_name("blind-r32.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R32)
    ),
    # The thirty-third and thirty-fourth: written at round 25's start; r33 measured first and
    # read, r34 measured on the round's first and last commits, never read before.
    GoldenSet(
        "blind-r33", GOLDEN.with_name("blind-r33.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R33)
    ),
    GoldenSet(
        "blind-r34", GOLDEN.with_name("blind-r34.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R34)
    ),
    # The thirty-fifth and thirty-sixth: written at round 26's start; r35 measured first and
    # read, r36 measured on the round's first and last commits, never read before.
    GoldenSet(
        "blind-r35", GOLDEN.with_name("blind-r35.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R35)
    ),
    GoldenSet(
        "blind-r36", GOLDEN.with_name("blind-r36.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R36)
    ),
    # The thirty-seventh and thirty-eighth: written at round 27's start; r37 measured first and
    # read, r38 measured on the round's commits, never read before.
    GoldenSet(
        "blind-r37", GOLDEN.with_name("blind-r37.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R37)
    ),
    GoldenSet(
        "blind-r38", GOLDEN.with_name("blind-r38.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R38)
    ),
    # The thirty-ninth and fortieth: written at round 28's start; r39 measured first and
    # read, r40 measured on the round's commits, never read before.
    GoldenSet(
        "blind-r39", GOLDEN.with_name("blind-r39.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R39)
    ),
    GoldenSet(
        "blind-r40", GOLDEN.with_name("blind-r40.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R40)
    ),
    # The forty-first and forty-second: written at round 29's start; r41 measured first and
    # read, r42 measured on the round's commits, never read before.
    GoldenSet(
        "blind-r41", GOLDEN.with_name("blind-r41.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R41)
    ),
    GoldenSet(
        "blind-r42", GOLDEN.with_name("blind-r42.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R42)
    ),
    # The forty-third and forty-fourth: written at round 30's start; r43 measured first and
    # read, r44 measured on the round's commits, never read before.
    GoldenSet(
        "blind-r43", GOLDEN.with_name("blind-r43.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R43)
    ),
    GoldenSet(
        "blind-r44", GOLDEN.with_name("blind-r44.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R44)
    ),
    # The forty-fifth: written at round 30's end, measured then, read in round 31; the
    # forty-sixth: written at round 31's start, measured on its commits, never read before.
    GoldenSet(
        "blind-r45", GOLDEN.with_name("blind-r45.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R45)
    ),
    GoldenSet(
        "blind-r46", GOLDEN.with_name("blind-r46.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R46)
    ),
    # Round 32's: r47 written at round 31's end (the first copy was lost with its machine;
    # written again at round 32's start) and read during it; r48 written at its start and
    # r49 at its end, never read, measured on its first and last commits.
    GoldenSet(
        "blind-r47", GOLDEN.with_name("blind-r47.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R47)
    ),
    GoldenSet(
        "blind-r48", GOLDEN.with_name("blind-r48.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R48)
    ),
    GoldenSet(
        "blind-r49", GOLDEN.with_name("blind-r49.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R49)
    ),
    # Round 33's: r50 written at its start and read during it; r51 written at its start, never
    # read, measured on its first and last commits.
    GoldenSet(
        "blind-r50", GOLDEN.with_name("blind-r50.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R50)
    ),
    GoldenSet(
        "blind-r51", GOLDEN.with_name("blind-r51.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R51)
    ),
    # Round 34's: r52 written at its start and read during it; r53 written at its start, never
    # read, measured on its first and last commits.
    GoldenSet(
        "blind-r52", GOLDEN.with_name("blind-r52.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R52)
    ),
    GoldenSet(
        "blind-r53", GOLDEN.with_name("blind-r53.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R53)
    ),
    # Round 35's: r54 written at its start and read during it; r55 written at its start, never
    # read, measured on its first and last commits.
    GoldenSet(
        "blind-r54", GOLDEN.with_name("blind-r54.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R54)
    ),
    GoldenSet(
        "blind-r55", GOLDEN.with_name("blind-r55.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R55)
    ),
    # Round 36's: r56 written at its start and read during it; r57 written at its start, never
    # read, measured on its first and last commits.
    GoldenSet(
        "blind-r56", GOLDEN.with_name("blind-r56.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R56)
    ),
    GoldenSet(
        "blind-r57", GOLDEN.with_name("blind-r57.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R57)
    ),
    # Round 37's: r58 written at its start and read during it; r59 written at its start, never
    # read, measured on its first and last commits.
    GoldenSet(
        "blind-r58", GOLDEN.with_name("blind-r58.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R58)
    ),
    GoldenSet(
        "blind-r59", GOLDEN.with_name("blind-r59.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R59)
    ),
    # Round 38's: r60 written at its start and read during it; r61 written at its start, never
    # read, measured on its first and last commits.
    GoldenSet(
        "blind-r60", GOLDEN.with_name("blind-r60.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R60)
    ),
    GoldenSet(
        "blind-r61", GOLDEN.with_name("blind-r61.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R61)
    ),
    # Round 39's: r62 written at its start and read during it; r63 written at its start, never
    # read, measured on its first and last commits.
    GoldenSet(
        "blind-r62", GOLDEN.with_name("blind-r62.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R62)
    ),
    GoldenSet(
        "blind-r63", GOLDEN.with_name("blind-r63.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R63)
    ),
    # Round 40's: r64 written at its start and read during it; r65 written at its start, never
    # read, measured on its first and last commits.
    GoldenSet(
        "blind-r64", GOLDEN.with_name("blind-r64.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R64)
    ),
    GoldenSet(
        "blind-r65", GOLDEN.with_name("blind-r65.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R65)
    ),
    # Round 41's: r66 written at its start and read during it; r67 written at its start, never
    # read, measured on its first and last commits.
    GoldenSet(
        "blind-r66", GOLDEN.with_name("blind-r66.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R66)
    ),
    GoldenSet(
        "blind-r67", GOLDEN.with_name("blind-r67.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R67)
    ),
    # Round 42's: r68 written at its start and read during it; r69 written at its start, never
    # read, measured on its first and last commits.
    GoldenSet(
        "blind-r68", GOLDEN.with_name("blind-r68.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R68)
    ),
    GoldenSet(
        "blind-r69", GOLDEN.with_name("blind-r69.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R69)
    ),
    # Round 43's: r70 written at its start and read during it; r71 written at its start, never
    # read, measured on its first and last commits.
    GoldenSet(
        "blind-r70", GOLDEN.with_name("blind-r70.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R70)
    ),
    GoldenSet(
        "blind-r71", GOLDEN.with_name("blind-r71.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R71)
    ),
    # Round 44's: r72 written at its start and read during it; r73 written at its start, never
    # read, measured on its first and last commits.
    GoldenSet(
        "blind-r72", GOLDEN.with_name("blind-r72.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R72)
    ),
    GoldenSet(
        "blind-r73", GOLDEN.with_name("blind-r73.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R73)
    ),
    # Round 45's: r74 written at its start and read during it; r75 written at its start, never
    # read, measured on its first and last commits.
    GoldenSet(
        "blind-r74", GOLDEN.with_name("blind-r74.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R74)
    ),
    GoldenSet(
        "blind-r75", GOLDEN.with_name("blind-r75.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R75)
    ),
    # Round 46's: r76 written at its start and read during it; r77 written at its start, never
    # read, measured on its first and last commits.
    GoldenSet(
        "blind-r76", GOLDEN.with_name("blind-r76.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R76)
    ),
    GoldenSet(
        "blind-r77", GOLDEN.with_name("blind-r77.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R77)
    ),
    # Round 47's: r78 written at its start and read during it; r79 written at its start, never
    # read, measured on its first and last commits.
    GoldenSet(
        "blind-r78", GOLDEN.with_name("blind-r78.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R78)
    ),
    GoldenSet(
        "blind-r79", GOLDEN.with_name("blind-r79.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R79)
    ),
    # Round 48's: r80 written at its start and read during it; r81 written at its start, never
    # read, measured on its first and last commits.
    GoldenSet(
        "blind-r80", GOLDEN.with_name("blind-r80.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R80)
    ),
    GoldenSet(
        "blind-r81", GOLDEN.with_name("blind-r81.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R81)
    ),
    # Round 49's: r82 written at its start and read during it; r83 written at its start, never
    # read, measured on its first and last commits.
    GoldenSet(
        "blind-r82", GOLDEN.with_name("blind-r82.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R82)
    ),
    GoldenSet(
        "blind-r83", GOLDEN.with_name("blind-r83.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R83)
    ),
    # Round 50's: r84 written at its start and read during it; r85 written at its start, never
    # read, measured on its first and last commits.
    GoldenSet(
        "blind-r84", GOLDEN.with_name("blind-r84.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R84)
    ),
    GoldenSet(
        "blind-r85", GOLDEN.with_name("blind-r85.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R85)
    ),
    # Round 51's: r86 written at its start and read during it; r87 written at its start, never
    # read, measured on its first and last commits.
    GoldenSet(
        "blind-r86", GOLDEN.with_name("blind-r86.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R86)
    ),
    GoldenSet(
        "blind-r87", GOLDEN.with_name("blind-r87.jsonl"), GENERAL, frozenset(NOT_MET_BLIND_R87)
    ),
    # The second corpus: five scraped-style pages on an unrelated story, and its questions.
    GoldenSet(
        "tessel-spill",
        CORPORA / "tessel-spill" / "questions.jsonl",
        GENERAL,
        frozenset(NOT_MET_TESSEL),
        SECOND_CORPUS,
    ),
    # Its second blind set, written and measured like blind r4.
    GoldenSet(
        "tessel-spill-r2",
        CORPORA / "tessel-spill" / "questions-r2.jsonl",
        GENERAL,
        frozenset(NOT_MET_TESSEL_R2),
        SECOND_CORPUS,
    ),
    # Its third, written and measured like blind r6.
    GoldenSet(
        "tessel-spill-r3",
        CORPORA / "tessel-spill" / "questions-r3.jsonl",
        GENERAL,
        frozenset(NOT_MET_TESSEL_R3),
        SECOND_CORPUS,
    ),
    # Its fourth and fifth, written and measured like blind r7 and r8; its sixth like r9, its
    # seventh like r10, its eighth like r11, its ninth like r12, its tenth like r13,
    # its eleventh like r14, its twelfth like r15, its thirteenth like r16, its fourteenth
    # like r17, its fifteenth like r18, its sixteenth like r19, its seventeenth like r20,
    # its eighteenth like r21, its nineteenth like r22, its twentieth like r23, its
    # twenty-first like r24, its twenty-second like r25, its twenty-third like r26, its
    # twenty-fourth like r27, its twenty-fifth like r28, its twenty-sixth like r29, its
    # twenty-seventh like r30, its twenty-eighth like r31, its twenty-ninth like r32, its
    # thirtieth like r33, its thirty-first like r34, its thirty-second like r35, its
    # thirty-third like r36, its thirty-fourth like r37, its thirty-fifth like r38, its
    # thirty-sixth like r39, its thirty-seventh like r40, its thirty-eighth like r41, its
    # thirty-ninth like r42, its fortieth like r43, its forty-first like r44, its
    # forty-second like r45, its forty-third like r46.
    *(
        GoldenSet(
            f"tessel-spill-r{n}",
            CORPORA / "tessel-spill" / f"questions-r{n}.jsonl",
            GENERAL,
            frozenset(not_met),
            SECOND_CORPUS,
        )
        for n, not_met in (
            (4, NOT_MET_TESSEL_R4),
            (5, NOT_MET_TESSEL_R5),
            (6, NOT_MET_TESSEL_R6),
            (7, NOT_MET_TESSEL_R7),
            (8, NOT_MET_TESSEL_R8),
            (9, NOT_MET_TESSEL_R9),
            (10, NOT_MET_TESSEL_R10),
            (11, NOT_MET_TESSEL_R11),
            (12, NOT_MET_TESSEL_R12),
            (13, NOT_MET_TESSEL_R13),
            (14, NOT_MET_TESSEL_R14),
            (15, NOT_MET_TESSEL_R15),
            (16, NOT_MET_TESSEL_R16),
            (17, NOT_MET_TESSEL_R17),
            (18, NOT_MET_TESSEL_R18),
            (19, NOT_MET_TESSEL_R19),
            (20, NOT_MET_TESSEL_R20),
            (21, NOT_MET_TESSEL_R21),
            (22, NOT_MET_TESSEL_R22),
            (23, NOT_MET_TESSEL_R23),
            (24, NOT_MET_TESSEL_R24),
            (25, NOT_MET_TESSEL_R25),
            (26, NOT_MET_TESSEL_R26),
            (27, NOT_MET_TESSEL_R27),
            (28, NOT_MET_TESSEL_R28),
            (29, NOT_MET_TESSEL_R29),
            (30, NOT_MET_TESSEL_R30),
            (31, NOT_MET_TESSEL_R31),
            (32, NOT_MET_TESSEL_R32),
            (33, NOT_MET_TESSEL_R33),
            (34, NOT_MET_TESSEL_R34),
            (35, NOT_MET_TESSEL_R35),
            (36, NOT_MET_TESSEL_R36),
            (37, NOT_MET_TESSEL_R37),
            (38, NOT_MET_TESSEL_R38),
            (39, NOT_MET_TESSEL_R39),
            (40, NOT_MET_TESSEL_R40),
            (41, NOT_MET_TESSEL_R41),
            (42, NOT_MET_TESSEL_R42),
            (43, NOT_MET_TESSEL_R43),
            (44, NOT_MET_TESSEL_R44),  # round 32's, like r47, r48 and r49
            (45, NOT_MET_TESSEL_R45),
            (46, NOT_MET_TESSEL_R46),
            (47, NOT_MET_TESSEL_R47),  # round 33's, like r50 and r51
            (48, NOT_MET_TESSEL_R48),
            (49, NOT_MET_TESSEL_R49),  # round 34's, like r52 and r53
            (50, NOT_MET_TESSEL_R50),
            (51, NOT_MET_TESSEL_R51),  # round 35's, like r54 and r55
            (52, NOT_MET_TESSEL_R52),
            (53, NOT_MET_TESSEL_R53),  # round 36's, like r56 and r57
            (54, NOT_MET_TESSEL_R54),
            (55, NOT_MET_TESSEL_R55),  # round 37's, like r58 and r59
            (56, NOT_MET_TESSEL_R56),
            (57, NOT_MET_TESSEL_R57),  # round 38's, like r60 and r61
            (58, NOT_MET_TESSEL_R58),
            (59, NOT_MET_TESSEL_R59),  # round 39's, like r62 and r63
            (60, NOT_MET_TESSEL_R60),
            (61, NOT_MET_TESSEL_R61),  # round 40's, like r64 and r65
            (62, NOT_MET_TESSEL_R62),
            (63, NOT_MET_TESSEL_R63),  # round 41's, like r66 and r67
            (64, NOT_MET_TESSEL_R64),
            (65, NOT_MET_TESSEL_R65),  # round 42's, like r68 and r69
            (66, NOT_MET_TESSEL_R66),
            (67, NOT_MET_TESSEL_R67),  # round 43's, like r70 and r71
            (68, NOT_MET_TESSEL_R68),
            (69, NOT_MET_TESSEL_R69),  # round 44's, like r72 and r73
            (70, NOT_MET_TESSEL_R70),
            (71, NOT_MET_TESSEL_R71),  # round 45's, like r74 and r75
            (72, NOT_MET_TESSEL_R72),
            (73, NOT_MET_TESSEL_R73),  # round 46's, like r76 and r77
            (74, NOT_MET_TESSEL_R74),
            (75, NOT_MET_TESSEL_R75),  # round 47's, like r78 and r79
            (76, NOT_MET_TESSEL_R76),
            (77, NOT_MET_TESSEL_R77),  # round 48's, like r80 and r81
            (78, NOT_MET_TESSEL_R78),
            (79, NOT_MET_TESSEL_R79),  # round 49's, like r82 and r83
            (80, NOT_MET_TESSEL_R80),
            (81, NOT_MET_TESSEL_R81),  # round 50's, like r84 and r85
            (82, NOT_MET_TESSEL_R82),
            (83, NOT_MET_TESSEL_R83),  # round 51's, like r86 and r87
            (84, NOT_MET_TESSEL_R84),
        )
    ),
]


@dataclass
class SetRun:
    report: Any
    peer: Any
    service: QAService


_runs: dict[str, SetRun] = {}


def run_set(gs: GoldenSet, service: QAService, tmp_factory: pytest.TempPathFactory) -> SetRun:
    """Evaluate a set once per session, ours and the peer's, over its own corpus."""
    if gs.name not in _runs:
        svc = service
        if gs.corpus is not None:
            tmp = tmp_factory.mktemp(gs.name)
            svc = QAService(service.settings.with_overrides(
                corpus_dir=gs.corpus, store_dir=tmp / "vectorstore", data_dir=tmp / "data"))  # fmt: skip
            svc.__dict__["embedder"] = service.embedder
            assert svc.ingest().ok
        questions = load_golden(gs.path)
        paths = sorted(svc.settings.corpus_dir.glob("*.txt"))
        peer = evaluate_peer(paths, questions, tmp_factory.mktemp(f"{gs.name}-peer"))
        _runs[gs.name] = SetRun(evaluate(svc, questions), peer, svc)
    return _runs[gs.name]


def measured(run: SetRun, metric: str) -> float:
    """A target's figure: overall, one kind's (``KIND/m``), the worst kind's (``*/m``), or
    ours minus the peer's (``peer-gap/m``)."""
    scope, _, name = metric.rpartition("/")
    if not scope:
        return float(run.report.metrics[metric])
    if scope == "peer-gap":
        return round(run.report.metrics[name] - run.peer.metrics[name], 4)
    if scope == "*":
        return min(float(m[name]) for m in run.report.by_kind.values() if name in m)
    return float(run.report.by_kind[scope][name])


def check_target(  # type: ignore[no-untyped-def]
    value: float, metric: str, op: str, target: float, request, not_met
) -> None:
    """Assert one target; a target in ``not_met`` is a strict xfail (red once it passes)."""
    if metric in not_met:
        request.applymarker(pytest.mark.xfail(strict=True, reason=f"{metric} target not met yet"))
    ok = value >= target if op == ">=" else value <= target
    assert ok, f"{metric} = {value}, target {op} {target}"


@pytest.mark.parametrize(
    ("gs", "target"),
    [pytest.param(gs, t, id=f"{gs.name}:{t[0]}") for gs in SETS for t in gs.targets],
)
def test_set_target(  # type: ignore[no-untyped-def]
    gs: GoldenSet, target: tuple[str, str, float], service: QAService, tmp_path_factory, request
) -> None:
    metric, op, value = target
    run = run_set(gs, service, tmp_path_factory)
    if metric == "key_point_coverage" and not any(q.key_points for q in load_golden(gs.path)):
        pytest.skip(f"{gs.name} has no broad question with key points")
    kind = metric.rpartition("/")[0]
    if kind not in {"", "*", "peer-gap"} and kind not in run.report.by_kind:
        pytest.skip(f"{gs.name} has no {kind} question")
    check_target(measured(run, metric), metric, op, value, request, gs.not_met)


@pytest.mark.parametrize("gs", SETS, ids=[gs.name for gs in SETS])
def test_set_is_sound(gs: GoldenSet, service: QAService, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    """Every answer string occurs in each of its sources; every line has a known kind that
    agrees with its fields; no question is in two sets over the same corpus."""
    run = run_set(gs, service, tmp_path_factory)
    questions = load_golden(gs.path)
    for q in questions:
        assert q.kind in KINDS, f"{q.id}: kind {q.kind!r}"
        if q.kind == "synthesis":
            assert q.key_points, f"{q.id}: a broad question needs key points"
        assert bool(q.history) == (q.kind == "follow_up"), f"{q.id}: history"
        assert q.answerable == (q.kind not in {"unanswerable", "off_topic"}), q.id
        for source in q.sources:
            assert source in run.service.articles, f"{q.id}: unknown source {source}"
            text = normalise(run.service.articles[source].text)
            # a broad question's source may add a key point rather than a short answer
            strings = [*q.answers, *(a for point in q.key_points for a in point)]
            assert any(normalise(a) in text for a in strings), f"{q.id}: not in {source}"
    same_corpus = [o for o in SETS if o is not gs and o.corpus == gs.corpus]
    others = {q.question for o in same_corpus for q in load_golden(o.path)}
    assert not others & {q.question for q in questions}


def test_project_golden_set_shape() -> None:
    questions = load_golden(GOLDEN)
    assert len(questions) >= 120
    counts = Counter(q.kind for q in questions)
    assert set(counts) == KINDS and min(counts.values()) >= 12, counts
    covered = {s for q in questions for s in q.sources}
    assert covered == {p.stem for p in (GOLDEN.parents[2] / "corpus").glob("*.txt")}


# -- an evaluator's file: pytest tests/test_golden.py --golden FILE ---------------------------


@pytest.fixture(scope="session")
def golden_path(request: pytest.FixtureRequest) -> Path:
    return request.config.getoption("--golden") or GOLDEN


@pytest.fixture(scope="session")
def report(service: QAService, golden_path: Path):  # type: ignore[no-untyped-def]
    return evaluate(service, load_golden(golden_path))


@pytest.mark.parametrize(("metric", "op", "value"), ANSWERING, ids=[t[0] for t in ANSWERING])
def test_target(report, metric: str, op: str, value: float, request) -> None:  # type: ignore[no-untyped-def]
    """The answering targets on an evaluator's file (the sets above are checked above)."""
    if request.config.getoption("--golden") is None:
        pytest.skip("the project set is checked by test_set_target; pass --golden FILE")
    check_target(report.metrics[metric], metric, op, value, request, set())


def test_every_citation_is_verbatim(report) -> None:  # type: ignore[no-untyped-def]
    assert report.metrics["citation_validity"] == 1.0
    for r in report.results:
        if r.answer and r.answer.refused:
            assert r.answer.citations == ()


def test_malformed_lines_are_reported_before_asking(tmp_path: Path) -> None:
    good = '{"id": "a", "question": "Q?", "answers": ["x"], "sources": ["d"], "answerable": true}'
    cases = {
        "not json": ("(line)", "not valid JSON"),
        '{"id": "b", "answers": [], "sources": [], "answerable": false}': ("question", "missing"),
        '{"id": "b", "question": "Q", "answers": "x", "sources": ["d"], "answerable": true}':
            ("answers", "list of strings"),
        '{"id": "b", "question": "Q", "answers": ["x"], "sources": ["d"], "answerable": false}':
            ("answers", "must be empty"),
        '{"id": "b", "question": "Q", "answers": [], "sources": [], "answerable": false, '
        '"history": [{"role": "bot", "content": "x"}]}': ("history", "role"),
        '{"id": "a", "question": "Q", "answers": [], "sources": [], "answerable": false}':
            ("id", "duplicate"),
    }  # fmt: skip
    for line, (field, problem) in cases.items():
        path = tmp_path / "g.jsonl"
        path.write_text(good + "\n" + line + "\n", encoding="utf-8")
        with pytest.raises(GoldenFileError) as err:
            load_golden(path)
        message = str(err.value)
        assert f"{path}:2: field {field!r}" in message, message
        assert problem.split()[0] in message


def test_fail_under_conditions() -> None:
    metrics = {"hit@1": 0.8, "false_refusal_rate": 0.02}
    assert failed_conditions(metrics, {"hit@1": 0.7}) == []
    assert failed_conditions(metrics, {"hit@1": 0.9}) == ["hit@1 = 0.8 is below 0.9"]
    assert failed_conditions(metrics, {"false_refusal_rate": 0.01})
    assert "no such metric" in failed_conditions(metrics, {"hit@9": 0.1})[0]
    # a name no report can hold is refused before any question is asked
    assert parse_conditions(["hit@3=0.5", "key_point_coverage=0.5"], k=3)
    with pytest.raises(ValueError, match=r"no metric 'hti@1'; choose one of n, .*hit@1"):
        parse_conditions(["hti@1=0.9"])


def test_eval_cli(service: QAService, tmp_path: Path) -> None:
    lines = GOLDEN.read_text(encoding="utf-8").splitlines()
    small = tmp_path / "small.jsonl"
    small.write_text("\n".join(lines[:3] + lines[-2:]) + "\n", encoding="utf-8")
    base = [sys.executable, "-m", "nato_qa.cli", "eval", "--golden", str(small),
            "--store-dir", str(service.settings.store_dir)]  # fmt: skip
    out_json, out_md = tmp_path / "m.json", tmp_path / "r.md"
    run = subprocess.run([*base, "--json", str(out_json), "--report", str(out_md),
                          "--fail-under", "citation_validity=1.0"],
                         capture_output=True, text=True, timeout=300)  # fmt: skip
    assert run.returncode == 0, run.stderr
    metrics = json.loads(out_json.read_text())
    expected_keys = {"n", "n_answerable", "n_unanswerable", "hit@1", "hit@5", "mrr@5", "ndcg@5",
                     "accuracy", "answer_accuracy", "refusal_accuracy", "false_refusal_rate",
                     "citation_validity", "citation_support", "p50_ms", "p95_ms",
                     "by_kind"}  # fmt: skip
    assert set(metrics) == expected_keys
    assert metrics["n"] == 5 and metrics["n_unanswerable"] == 2
    assert set(metrics["by_kind"]) == {json.loads(line)["kind"] for line in lines[:3] + lines[-2:]}
    assert "| hit@1 |" in out_md.read_text()
    assert "hit@1" in run.stdout

    failing = subprocess.run([*base, "--fail-under", "answer_accuracy=1.01"],
                             capture_output=True, text=True, timeout=300)  # fmt: skip
    assert failing.returncode == 1 and "answer_accuracy" in failing.stderr
    typo = subprocess.run([*base, "--fail-under", "bogus=1"],
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert typo.returncode == 2 and "no metric 'bogus'" in typo.stderr
    assert "eval extractive" not in typo.stderr  # refused before any question was asked

    # a reader that goes away early (`| head -c 100`) ends the command quietly
    ask = subprocess.Popen(
        [sys.executable, "-m", "nato_qa.cli", "ask", "Who heads Japan's independent mission?",
         "--json", "--store-dir", str(service.settings.store_dir)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert ask.stdout is not None and ask.stderr is not None
    ask.stdout.close()  # before it prints a byte
    assert ask.wait(timeout=300) != 0
    assert "Traceback" not in ask.stderr.read().decode()

    k3 = subprocess.run([*base, "--k", "3", "--json", str(out_json)],
                        capture_output=True, text=True, timeout=300)  # fmt: skip
    assert k3.returncode == 0 and {"hit@3", "mrr@3", "ndcg@3"} <= set(
        json.loads(out_json.read_text())
    )

    bad = tmp_path / "bad.jsonl"
    bad.write_text(lines[0] + "\n{oops\n", encoding="utf-8")
    broken = subprocess.run([*base[:5], str(bad), *base[6:]], capture_output=True, text=True,
                            timeout=300)  # fmt: skip
    assert broken.returncode == 2
    assert f"{bad}:2: field '(line)'" in broken.stderr and "Traceback" not in broken.stderr
