"""Follow-up questions to standalone ones, deterministically (the extractive backend's method).

A question that leans on the conversation (a pronoun, "that", or an elliptical opening such
as "And ...") gets the conversation's key entities: a person pronoun becomes the person the
newest message that names one is about (its first name: the subject; an answer that opens
with "He" is about the person its question names; "his country" keeps the pronoun and the
person joins the topic), "it" the thing the last answer named (never the person a
which-question asked for, nor a name the question gave in another form) or the previous
question measured, "they" or "them" the one thing the last answer opens with when its
question asked for it as its subject ("Which firm was fined?"), "that stream" (a kind of
thing with a name) the name the last answer gave, and an elliptical "and the year before
that?" the previous question with its year moved, and "the spokesman" the name the last
answer gave its spokesman; the topic of the previous question is added in brackets, with the
sum the last answer gave when the question asks about "that money". Questions that stand
alone are returned unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from nato_qa.answering.compose import ATTRIBUTION
from nato_qa.sentences.answer_types import NAMED_KINDS, expected_type
from nato_qa.sentences.names import names_a_place_or_body
from nato_qa.sentences.patterns import A_YEAR, TITLE, TITLES, WORD
from nato_qa.words import without_possessive, word_set

_PERSON_PRONOUNS = re.compile(r"\b(he|him|his|she|her|hers)\b", re.I)
_OPENS_WITH_PERSON_PRONOUN = re.compile(r"^\W*(?:he|she|his|her)\b", re.I)
_OTHER_REFERENCES = re.compile(
    r"\b(it|its|they|them|their|theirs|this|that|these|those|there|the same|then)\b", re.I
)
# "one" standing for a thing named before: "the 2023 one", "the other one", "which ones"
_PRO_ONE = re.compile(
    r"\b(?:the|that|this|which|other|first|second|third|last|latest|next|new|old|\d{4})\s+"
    r"ones?\b(?!\s+of\b)",
    re.I,
)
_ELLIPTICAL_OPENING = re.compile(r"^\s*(and|but|also|so|what about|how about)\b", re.I)
# Runs of capitalised words: candidate names ("Ivo Brandt", "Prime Minister Ann Lee").
_NAME_RUN = re.compile(r"\b([A-Z][a-zà-ÿ’'-]+(?:\s+[A-Z][a-zà-ÿ’'-]+)+)\b")
# General English only: what opens or closes a capitalised run that is not a person's name.
_NOT_NAMES = {
    "The", "A", "An", "Yes", "No", "Who", "What", "When", "Where", "Which", "Why", "How",
    "Is", "Are", "Was", "Were", "Do", "Does", "Did", "Has", "Have", "Had", "Can", "Could",
    "Will", "Would", "Should",
    "North", "South", "East", "West", "Security", "Ministry", "Foreign", "Defense", "Defence",
    "Island", "Islands", "Alliance", "Sea", "Union", "Treaty", "Initiative", "Force", "Forces",
    "Government", "Council", "Republic", "Kingdom", "Office", "Agency", "Authority",
    "On", "In", "At", "By", "For", "From", "As", "Since", "After", "Before", "During",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
    "That", "This", "These", "Those", "It", "There", "Here", "He", "She", "They", "We", "I",
}  # fmt: skip


def _not_a_name(word: str) -> bool:
    """A capitalised word that names nobody ("The", "That's", "Ministry")."""
    return without_possessive(word) in _NOT_NAMES


# "And what about France?", "how about in 2023?", "and the second one?": a new focus and no
# question of its own; it is asked in the previous question's frame.
_ELLIPSIS = re.compile(
    r"^\s*(?:(?:and|but|so|ok|okay)\s*,?\s+)?(?:(?:what|how)\s+about\s+(?P<about>.+?)"
    r"|(?P<bare>(?:the|in|for|at|on|with|from|of)\s+[^?]+?))\s*\??\s*$",
    re.I,
)
_SLOT = re.compile(r"(?<=\s)(?:[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*)|\b\d[\d,.]*\b")
# with the contraction a question word may carry ("What's", "who’d"): no topic opens with "'s"
_QUESTION_WORDS = re.compile(
    r"\b(who|whom|whose|what|when|where|which|why|how|is|are|was|were|do|does|did|has|have|"
    r"had|the|a|an|of|to|in|on|for|with|about|by|and|or|much|many)\b(?:[’'](?:s|re|d|ll|ve)\b)?",
    re.I,
)


def _messages(history: Sequence[Any] | None) -> list[tuple[str, str]]:
    """(role, content) pairs from dicts or (user, assistant) pairs, oldest first."""
    out: list[tuple[str, str]] = []
    for turn in history or []:
        if isinstance(turn, dict):
            out.append((str(turn.get("role", "user")), str(turn.get("content") or "")))
        elif isinstance(turn, (list, tuple)) and len(turn) == 2:
            out.append(("user", str(turn[0] or "")))
            out.append(("assistant", str(turn[1] or "")))
    # our own answers: without their [n] markers and "Publisher (date): " attributions
    return [
        (role, re.sub(r"\[\d+\]", "", ATTRIBUTION.sub("", text) if role == "assistant" else text))
        for role, text in out
        if text
    ]


def needs_context(question: str) -> bool:
    """Whether a question leans on earlier turns."""
    return bool(
        _PERSON_PRONOUNS.search(question)
        or _OTHER_REFERENCES.search(question)
        or _PRO_ONE.search(question)
        or _ELLIPTICAL_OPENING.match(question)
        or _bare(question)
    )


# Words that ask without saying about what: "why?", "how come?", "when exactly?"
_BARE_WORDS = {"come", "so", "exactly", "then", "now", "please", "really"}


def _bare(question: str) -> bool:
    """A question with no word of its own subject ("why?", "how come?", "when exactly?"): it
    asks about what the last answer said."""
    words = WORD.findall(_QUESTION_WORDS.sub(" ", question).lower())
    return bool(question.strip()) and all(w in _BARE_WORDS for w in words)


# What someone said, pointed at by the question's last words ("when he said that?", "why did
# they announce it?", "what did the council say about that?"): what the last answer told
_SAID_THAT = re.compile(
    r"\b(?:said|say|says|announced?|claimed?|stated?)\s+(?:about\s+)?(?:that|this|it)\W*$", re.I
)


def _what_was_said(messages: list[tuple[str, str]]) -> str:
    """The words of the last answer's first full sentence (past a "No." or a "Yes.")."""
    exchange = _last_exchange(messages)
    told = re.split(r"(?<=[.!?])\s+", exchange[1]) if exchange else []
    full = [sentence for sentence in told if len(sentence.split()) > 3]
    return _topic(full[0]) if full else ""


def _person(messages: list[tuple[str, str]]) -> str | None:
    """The person the newest message that names one is about: its first name-like run (the
    subject: "Ivo Brandt visited Zembla and met Ann Lee" is about Brandt), not a place or a
    body ("the Corn Exchange Hall"), nor a pronoun that opens the answer ("He's", "That's")."""
    for role, text in reversed(messages):
        if role == "assistant" and _OPENS_WITH_PERSON_PRONOUN.match(text):
            continue  # "He met Ann Lee …" answers about the person its question names
        for run in _NAME_RUN.findall(text):
            words = [w for w in run.split() if not _not_a_name(w)]
            if words and names_a_place_or_body(words[-1]):
                continue  # "Corn Exchange Hall" is nobody
            if len(words) >= 2 and words == run.split()[-len(words) :]:
                return " ".join(words)
    # no full name anywhere: the one-word subject of the last question ("What does Brandt
    # want?"), whom "he" most likely means
    previous = _previous_question(messages)
    subject = _SUBJECT.search(previous or "")
    if subject and not _not_a_name(subject.group(1)):
        return without_possessive(subject.group(1))
    return None


# The subject of a question: the capitalised word after its auxiliary ("does Brandt want")
_SUBJECT = re.compile(
    r"\b(?:do|does|did|is|was|are|were|has|have|had|will|would|can|could)\s+([A-Z][\w’'-]+)\b"
)


_THING_PRONOUN = re.compile(r"\b(it|its)\b", re.I)
# A body a person belongs to, named by their possessive: "his country", "her group's petition"
_THEIR_BODY = re.compile(
    r"\b(?:his|her)\s+(?:own\s+)?(?:country|nation|government|party|company|firm|group|team|"
    r"organi[sz]ation|ministry|agency|side|administration|office|club|union|campaign)\b",
    re.I,
)
# A question that asks for a thing by name: "Which company …", "What ship …", "Whose …"; not
# "Who …", which is answered with a person, whom "it" never means.
_ENTITY_QUESTION = re.compile(
    r"^\s*(?:and\s+)?(?:whose|which|what\s+(?!(?:is|was|are|were|do|does|did|has|have|had|"
    r"will|would|can|could|should|kind|sort|type)\b)[a-z]+\s+(?:is|was|are|were|do|does|did|has|"
    r"have|had|will|would)\b"
    # one of a kind of thing that has a name: "what's the campaign group that organised …"
    rf"|what(?:[’']s|\s+(?:is|was))\s+the\s+(?:[a-z-]+\s+)?(?:{NAMED_KINDS})\b)",
    re.I,
)
# A name in an answer: capitalised words, with "of" or "the" between them ("Bank of Zembla",
# "Friends of the Weir", "Keep the Harbour Open")
_ANSWER_NAME = re.compile(r"\b[A-Z][\w’'&-]*(?:\s+(?:of\s+)?(?:the\s+)?[A-Z][\w’'&-]*)*")


def _last_exchange(messages: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The last question and the answer to it, when the conversation ends with an answer."""
    if len(messages) < 2 or messages[-1][0] != "assistant" or messages[-2][0] != "user":
        return None
    return messages[-2][1], messages[-1][1]


def _asks_for_a_thing(question: str) -> bool:
    """Whether a question asks for a thing by name ("Which company …?"), not a person
    ("Which leader opposed the plan?": "it" is never the person named)."""
    wants = expected_type(question)
    return bool(_ENTITY_QUESTION.match(question)) and not (wants is not None and wants.person)


def _answered_entity(messages: list[tuple[str, str]]) -> str | None:
    """What the last answer named, when the question before it asked for a thing ("Which
    company …?" -> "Zembla Freight, which …"): the answer's first name that the
    question did not already give, so that "Who owns it?" asks about that company."""
    exchange = _last_exchange(messages)
    if exchange is None or not _asks_for_a_thing(exchange[0]):
        return None
    return _new_name(*exchange)


def _new_name(asked: str, answer: str) -> str | None:
    """The answer's first name that the question did not already give, in this form or
    another ("Zembla" for "the Zemblan ship")."""
    given = word_set(asked)
    for match in _ANSWER_NAME.finditer(answer):
        words = re.sub(r"[’']s\b", "", match.group(0)).split()
        opens = match.start() == 0 or answer[: match.start()].rstrip().endswith((".", "!", "?"))
        if opens and len(words) == 1:
            continue  # a capital that only opens a sentence ("About £1.4m")
        while words and _not_a_name(words[0]):
            words.pop(0)
        if words and any(not _given(w.lower(), given) for w in words):
            return " ".join(words)
    return None


def _given(word: str, given: set[str]) -> bool:
    """Whether the question gives ``word``, or a longer word made from it ("zemblan")."""
    return word in given or (len(word) >= 4 and any(g.startswith(word) for g in given))


# "who owns them?" after "Which company …?": the firm or body the last answer named (round
# 42: blind t65 +1; development level, five follow-ups now name the firm, none changes)
_THEY_PRONOUN = re.compile(r"\b(they|them)\b(?![’'])", re.I)
# A question that asks for its own subject, one thing ("Which company was blamed?", "what
# body regulates …"): not many ("which islands …"), nor the object of another's deed ("which
# court did the firm appear at?", whose "they" is the firm)
_ASKS_ONE_SUBJECT = re.compile(
    r"^\s*(?:and\s+)?(?:which|what)\s+(?![a-z-]*[^su]s\b)[a-z-]+\b"
    r"(?!.*\b(?:do|does|did|will|would|can|could|should|must)\b)"
    r"(?!.*\b(?:is|was|are|were|has|have|had)\s+(?:the\s+|an?\s+)?(?-i:[A-Z]))",
    re.I,
)
# The name an answer opens with, its subject ("Zembla Freight, which …", "The Ostrava Trust
# is …")
_OPENING_NAME = re.compile(rf"^\s*(?:The\s+)?({_ANSWER_NAME.pattern})")


def _answer_subject(messages: list[tuple[str, str]]) -> str | None:
    """The name the last answer opens with ("Zembla Freight, which …"), when the question
    before it asked for one thing as its subject ("Which firm was fined?")."""
    exchange = _last_exchange(messages)
    if exchange is None or not (
        _asks_for_a_thing(exchange[0]) and _ASKS_ONE_SUBJECT.match(exchange[0])
    ):
        return None
    found = _OPENING_NAME.match(exchange[1])
    if found is None or (" " not in found.group(1) and _not_a_name(found.group(1))):
        return None
    return found.group(1)


# "that stream", "this firm": one of a kind of thing that has a name; the one the last answer
# named ("It flowed into Fenwick Brook" -> "where does Fenwick Brook meet the river?")
_THAT_KIND = re.compile(rf"\b(?:that|this|the\s+same)\s+(?:{NAMED_KINDS})\b", re.I)
# "that money", "this sum": the sum the last answer gave ("about £1.4m") joins the topic
_THAT_SUM = re.compile(
    r"\b(?:that|this|the\s+same)\s+(?:money|sum|amount|cash|funding|payment|figure)\b", re.I
)
_SUM = re.compile(
    r"[$€£¥]\s?\d[\d,.]*(?:\s?(?:m|bn|k|million|billion|trillion)\b)?"
    r"|\b(?:USD|JPY|EUR|GBP)\s?\d[\d,.]*(?:\s(?:million|billion|trillion)\b)?"
    r"|\b\d[\d,.]*\s(?:million|billion|trillion)?\s?(?:yen|dollars?|euros?|pounds?)\b",
)


def _that_thing(question: str, messages: list[tuple[str, str]]) -> str:
    """The question with "that stream" named from the last answer: the name it gave that its
    question did not; unchanged when it gave none."""
    exchange = _last_exchange(messages)
    kind = _THAT_KIND.search(question)
    name = _new_name(*exchange) if exchange and kind else None
    if kind is None or name is None:
        return question
    return f"{question[: kind.start()]}{name}{question[kind.end() :]}"


def _that_sum(question: str, messages: list[tuple[str, str]]) -> str | None:
    """The sum the last answer gave, when the question asks about "that money"; it joins the
    topic (a sum named in the question would have to be in the answer, which may only point
    back to it: "That includes …")."""
    exchange = _last_exchange(messages)
    found = _SUM.search(exchange[1]) if exchange and _THAT_SUM.search(question) else None
    return found.group(0) if found else None


# "How much is X worth?", "How big is X?": a question about X's size, whose "it" is X.
_SIZE_QUESTION = re.compile(
    r"^\s*(?:and\s+)?how\s+(?:much|big|large|long|old)\s+(?:is|was|are|were)\s+"
    r"(?P<thing>(?:the\s+|an?\s+)?[^?]+?)(?:\s+worth)?\s*\??\s*$",
    re.I,
)


def _measured_thing(previous: str | None) -> str | None:
    """What the previous question measured, when it asked how much or how big a thing is."""
    found = _SIZE_QUESTION.match(previous or "")
    return found.group("thing") if found else None


def _previous_question(messages: list[tuple[str, str]]) -> str | None:
    return next((text for role, text in reversed(messages) if role == "user"), None)


def _topic(previous: str) -> str:
    """The previous question's content words."""
    words = _QUESTION_WORDS.sub(" ", previous.rstrip("?. "))
    return re.sub(r"\s+", " ", words).strip(" ,")


def _name_first(pronouns: re.Pattern[str], name: str, question: str) -> str:
    """The question with its first pronoun of ``pronouns`` replaced by ``name`` ("his" and
    "its" by the possessive)."""

    def named(match: re.Match[str]) -> str:
        return f"{name}’s" if match.group(1).lower() in {"his", "hers", "its"} else name

    return pronouns.sub(named, question, count=1)


# "and the year before (that)?", "what about the following year?": the frame's year, moved
_RELATIVE_YEAR = re.compile(
    r"(?:in\s+)?(?:the\s+)?(?:year\s+(?P<when>before|after)(?:\s+that)?"
    r"|(?P<which>previous|preceding|prior|following|next)\s+year)",
    re.I,
)


def _year_shifted(focus: str, frame: str) -> str | None:
    """The frame with its one year moved by the year before or after that ``focus`` asks
    about, or None."""
    relative = _RELATIVE_YEAR.fullmatch(focus)
    years = A_YEAR.findall(frame)
    if relative is None or len(set(years)) != 1:
        return None
    word = (relative.group("when") or relative.group("which")).lower()
    step = -1 if word in ("before", "previous", "preceding", "prior") else 1
    return A_YEAR.sub(str(int(years[0]) + step), frame)


def elliptical(question: str, previous: str) -> str | None:
    """An elliptical follow-up asked in the previous question's frame, or None.

    The new focus takes the place of the previous question's name or number of the same
    kind ("What did Germany pledge?" + "and what about France?" -> "What did France
    pledge?"), so the question's kind and answer type carry over; "the year before (that)"
    or "the following year" moves the frame's one year. With no such slot (a new
    focus that is not a name or a number) the rule-based context note serves instead: the
    previous question's words would outweigh the new focus.
    """
    match = _ELLIPSIS.match(question)
    if match is None or len(question.split()) > 8:
        return None
    focus = (match.group("about") or match.group("bare") or "").strip(" ,.")
    if not focus or re.search(r"\b(who|what|when|where|which|why|how)\b", focus, re.I):
        return None
    frame = previous.strip().rstrip("?. ")
    shifted = _year_shifted(focus, frame)
    if shifted is not None:
        return f"{shifted}?"
    number = re.fullmatch(r"(?:in\s+|for\s+)?(\d[\d,.]*)", focus, re.I)
    name = re.fullmatch(r"(?:the\s+)?([A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*)", focus)
    for slot in _SLOT.finditer(frame):
        is_number = slot.group(0)[0].isdigit()
        if (number and is_number) or (name and not is_number):
            new = number.group(1) if number else name.group(1)  # type: ignore[union-attr]
            return f"{frame[: slot.start()]}{new}{frame[slot.end() :]}?"
    return None


# A person the question names by their post ("What did the spokesman say?", "and the
# envoy?"), whom the last answer named with it ("spokesman Ivo Brandt", "Ann Lee, the envoy").
# Round 41: development +2 ("What exactly did the spokesman say?" had been refused), the
# round's read sets level.
_THE_POST = re.compile(rf"\bthe\s+(?:[\w-]+\s+)?({TITLES})s?\b", re.I)
_ASKS_WHO = re.compile(r"^\s*(?:and\s+)?(?:who|whom|whose)\b", re.I)


def _post_holder_named(question: str, messages: list[tuple[str, str]]) -> str:
    """The question with the name the last answer gives the post it names with "the" after
    that post ("did the spokesman Ivo Brandt say"), or the question as it is."""
    asked = _THE_POST.search(question)
    exchange = _last_exchange(messages)
    if not asked or exchange is None or _ASKS_WHO.match(question):
        return question  # "who is the envoy now?" asks for the name itself
    stem = asked.group(1).lower()[:6]  # "spokesperson" for "spokesman"
    answer = exchange[1]
    for post in TITLE.finditer(answer):
        if post.group(1).lower()[:6] != stem:
            continue
        # a full name as the answers' names are read (``_NAME_RUN``), after the post or
        # before it and its comma
        after = re.match(rf"s?\s+{_NAME_RUN.pattern}", answer[post.end() :])
        before = re.search(
            rf"{_NAME_RUN.pattern},\s+(?:the\s+)?(?:[\w-]+\s+){{0,3}}$", answer[: post.start()]
        )
        holder = after or before
        if holder and holder.group(1).lower() not in question.lower():
            return f"{question[: asked.end()]} {holder.group(1)}{question[asked.end() :]}"
    return question


def standalone_question(question: str, history: Sequence[Any] | None) -> str:
    """Rewrite a follow-up into a question that can be searched on its own.

    Args:
        question: the new question.
        history: earlier turns, oldest first, as {"role", "content"} dicts or (user, bot) pairs.

    Returns:
        The question itself when it stands alone or there is no history; else the question
        with its references resolved.
    """
    messages = _messages(history)
    question = _post_holder_named(question, messages)
    if not messages or not needs_context(question):
        return question
    previous = _previous_question(messages)
    framed = elliptical(question, previous) if previous else None
    if framed is not None:
        return framed
    rewritten = question
    joins_topic = ""  # words that join the previous question's topic in the context note
    if _PERSON_PRONOUNS.search(question):
        person = _person(messages)
        if person and _THEIR_BODY.search(question):
            # "his country", "her group's petition": a body the person belongs to, which its
            # answer names without naming the person; the person joins the topic instead
            joins_topic = person
        elif person:
            rewritten = _name_first(_PERSON_PRONOUNS, person, rewritten)
    elif _THING_PRONOUN.search(question):
        thing = _answered_entity(messages) or _measured_thing(previous)
        if thing:
            rewritten = _name_first(_THING_PRONOUN, thing, rewritten)
    elif _THEY_PRONOUN.search(question):
        thing = _answer_subject(messages)
        if thing:
            rewritten = _name_first(_THEY_PRONOUN, thing, rewritten)
    rewritten = _that_thing(rewritten, messages)
    # "why?" asks about what the last answer said: its first full sentence joins the topic;
    # so does "… when he said that?", which points at it
    if _bare(question) or _SAID_THAT.search(question):
        joins_topic = f"{joins_topic} {_what_was_said(messages)}".strip()
    topic = " ".join(
        filter(
            None,
            (_topic(previous) if previous else "", joins_topic, _that_sum(question, messages)),
        )
    )
    resolved = rewritten != question
    if topic and (
        _OTHER_REFERENCES.search(rewritten) or _ELLIPTICAL_OPENING.match(rewritten) or not resolved
    ):
        rewritten = f"{rewritten.rstrip()} (context: {topic})"
    return rewritten
