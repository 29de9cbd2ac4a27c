"""The prompts every LLM backend sends, and the clean-up of what comes back."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from nato_qa.answering.compose import REFUSAL_MESSAGE
from nato_qa.chunking import sentence_spans
from nato_qa.citations import move_markers
from nato_qa.types import Hit

# The first sentence of the refusal is what a model is asked to say; short enough for small ones.
REFUSAL_SENTENCE = REFUSAL_MESSAGE.split(". ")[0].rstrip(".") + "."

ANSWER_SYSTEM = (
    "You answer questions about news articles using only the numbered passages the user "
    "gives you. Answer in one or two short sentences. After each sentence, write the number "
    "of the passage it comes from in square brackets, like [1]. Do not use anything you know "
    "from elsewhere. If the passages do not answer the question, reply exactly: "
    f"{REFUSAL_SENTENCE}"
)

REWRITE_SYSTEM = (
    "You rewrite the user's last question so that it can be understood without the "
    "conversation: replace pronouns and vague references with the names they stand for. "
    "Keep the meaning. Reply with the rewritten question only."
)

# Characters per token, conservatively: English news text runs at about 4.
_CHARS_PER_TOKEN = 3
_PROMPT_OVERHEAD_TOKENS = 300


def passage_header(n: int, hit: Hit) -> str:
    src = hit.source
    meta = ", ".join(x for x in (src.publisher, src.date or "undated") if x)
    return f'[{n}] "{src.title}" ({meta})'


def fit_passages(hits: Sequence[Hit], context_tokens: int, max_tokens: int) -> list[Hit]:
    """The leading passages that fit in the context window beside the answer (at least one)."""
    budget = (context_tokens - max_tokens - _PROMPT_OVERHEAD_TOKENS) * _CHARS_PER_TOKEN
    chosen: list[Hit] = []
    used = 0
    for i, hit in enumerate(hits, start=1):
        size = len(passage_header(i, hit)) + len(hit.text) + 2
        if chosen and used + size > budget:
            break
        chosen.append(hit)
        used += size
    return chosen


def answer_messages(question: str, hits: Sequence[Hit]) -> list[tuple[str, str]]:
    """(role, content) pairs: the instructions, then the numbered passages and the question."""
    passages = "\n\n".join(f"{passage_header(i, h)}\n{h.text}" for i, h in enumerate(hits, 1))
    user = (
        f"Passages:\n\n{passages}\n\nQuestion: {question}\n\n"
        "Answer from the passages in one or two short sentences, with [n] after each sentence."
    )
    return [("system", ANSWER_SYSTEM), ("user", user)]


def _turns(history: Sequence[Any]) -> list[tuple[str, str]]:
    from nato_qa.answering.followup import _messages

    return _messages(history)


def rewrite_messages(question: str, history: Sequence[Any]) -> list[tuple[str, str]]:
    """(role, content) pairs asking for a standalone version of a follow-up question."""
    lines = [
        f"{'User' if role == 'user' else 'Assistant'}: {text.strip()}"
        for role, text in _turns(history)[-6:]
    ]
    user = (
        "Conversation:\n" + "\n".join(lines) + f"\n\nFollow-up question: {question}\n\n"
        "Rewrite the follow-up question so that it stands alone."
    )
    return [("system", REWRITE_SYSTEM), ("user", user)]


_LEADING_JUNK = re.compile(
    r"^\s*(?:(?:the\s+)?(?:final\s+)?answer(?:\s+is)?\s*[:\-–]\s*|answer\s*:\s*|"
    r"based on the passages?,?\s*|according to the passages?,?\s*|"
    r"the passages?[^.:]{0,60}(?:is|are|say|says)\s*:\s*)+",
    re.I,
)
# A passage header copied from the prompt: "Title" (Publisher, 2025-01-17)
_COPIED_HEADER = re.compile(
    r"\[?\d*\]?\s*[\"“][^\"“”]{3,200}[\"”]\s*\([^()]{0,80}(?:\d{4}-\d\d-\d\d|undated)\)[:.]?"
)
# "... as mentioned in passages 2-4" -> a marker the checks understand
_PASSAGE_REFERENCE = re.compile(
    r"[,;]?\s*\(?(?:(?:as\s+)?(?:mentioned|stated|noted|said|shown)\s+)?(?:in\s+|see\s+)?"
    r"passages?\s+(\d+(?:\s*(?:[,–-]|and)\s*\d+)*)\)?",
    re.I,
)
# "...; 2. The next item" - an inline numbered list
_INLINE_NUMBER = re.compile(r"(?<=[;,])\s*\d{1,2}[.)](?=\s)")


def clean_answer(text: str) -> str:
    """The model's answer without chat-template leftovers, lead-ins, copied passage headers
    and list numbering; "see passage 2" becomes the marker [2]."""
    text = re.sub(r"<\|[^|>]*\|>|</?s>", " ", text)
    lines = []
    for line in text.splitlines():
        line = re.sub(r"^\s*(?:[-*•]|\d+[.)])\s+", "", line)
        line = _COPIED_HEADER.sub(" ", line)
        line = _LEADING_JUNK.sub("", line.strip())
        line = _PASSAGE_REFERENCE.sub(lambda m: f" [{m.group(1)}]", line)
        line = _INLINE_NUMBER.sub("", line).strip()
        if line:
            lines.append(line)
    return re.sub(r"\s+", " ", " ".join(lines)).strip()


_FINISHED = re.compile(r"(?:[.!?…]|[.!?…][\"”’')]+|\])\s*$")


def drop_unfinished(text: str) -> str:
    """The answer without a last sentence cut off by the token limit (if another one is left)."""
    text = move_markers(text.strip())
    spans = sentence_spans(text)
    if len(spans) < 2 or _FINISHED.search(text):
        return text
    return text[: spans[-2][1]]


def strip_titles(text: str, hits: Sequence[Hit]) -> str:
    """The answer without passage titles copied into it (small models echo headlines)."""
    for title in sorted({h.source.title for h in hits if len(h.source.title) >= 12}, key=len)[::-1]:
        words = [re.escape(w) for w in re.findall(r"\w+", title)]
        pattern = r"[\"“]?" + r"\W{1,3}".join(words) + r"[\"”]?[:.]?"
        text = re.sub(pattern, " ", text, flags=re.I)
    return re.sub(r"\s+", " ", text).strip()


def _plain(text: str) -> str:
    text = text.lower().replace("’", "'").replace("do not", "don't")
    return re.sub(r"[^a-z' ]+", " ", text).strip()


def is_refusal(text: str) -> bool:
    """Whether an answer opens with the refusal sentence (or is only a variant of it)."""
    plain = _plain(text)
    refusal = _plain(REFUSAL_SENTENCE)
    return plain.startswith(refusal) or plain in {
        "i don't know",
        "the passages don't say",
        "the passages don't answer the question",
    }


def strip_refusal(text: str) -> str:
    """The answer without sentences that are the refusal sentence."""
    pattern = re.compile(r"the articles (?:don[’']t|do not) say\.?", re.I)
    return re.sub(r"\s+", " ", pattern.sub(" ", text)).strip()


def clean_question(text: str, original: str) -> str | None:
    """A rewritten question from a model's reply, or None when the reply is not one."""
    text = re.sub(r"<\|[^|>]*\|>", " ", text)
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    if not lines:
        return None
    line = re.sub(
        r"^(?:standalone|rewritten|new)?\s*(?:follow-up\s+)?question\s*:\s*",
        "",
        lines[0],
        flags=re.I,
    )
    line = line.strip().strip("\"'“”‘’`").strip()
    if not 3 <= len(line) <= max(300, 3 * len(original)):
        return None
    if is_refusal(line) or "[" in line:
        return None
    return line
