"""Answer ratings, appended as JSON Lines; each line carries a golden-line suggestion.

A thumbs-up keeps what the service said as the expected outcome. A thumbs-down suggests the
opposite: a refused question becomes answerable (the comment, when given, is the expected
answer), a rejected answer becomes an expected refusal unless a comment gives the right answer.
Suggestions follow the golden-file format of ``nato_qa.evaluation``; review them before use.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from nato_qa.errors import NatoQAError
from nato_qa.types import Answer

try:  # POSIX: a file lock also guards against other processes appending to the same file
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

MAX_COMMENT_CHARS = 2000
_RATINGS = {"up": "up", "like": "up", "down": "down", "dislike": "down"}
_MARKER = re.compile(r"\s*\[\d+\]")
_lock = threading.Lock()


def normalise_rating(rating: Any) -> str:
    """``"up"`` or ``"down"`` from a rating ("up", "like", True; "down", "dislike", False).

    Raises:
        NatoQAError: the rating is none of these.
    """
    if isinstance(rating, bool):
        return "up" if rating else "down"
    value = _RATINGS.get(str(rating).strip().lower())
    if value is None:
        raise NatoQAError(f"the rating must be 'up' or 'down', not {rating!r}")
    return value


def _turns(history: Sequence[Any] | None) -> list[dict[str, str]]:
    """History as {role, content} dicts, whatever shape it came in."""
    out: list[dict[str, str]] = []
    for turn in history or []:
        if isinstance(turn, Mapping):
            role = str(turn.get("role", "user"))
            out.append({"role": role if role == "assistant" else "user",
                        "content": str(turn.get("content") or "")})  # fmt: skip
        elif isinstance(turn, (list, tuple)) and len(turn) == 2:
            out.append({"role": "user", "content": str(turn[0] or "")})
            out.append({"role": "assistant", "content": str(turn[1] or "")})
    return [t for t in out if t["content"]]


def golden_suggestion(
    rating: str,
    comment: str,
    question: str,
    history: list[dict[str, str]],
    answer: Mapping[str, Any],
    stamp: str,
) -> dict[str, Any]:
    """A golden-file line that records what the rating says the right outcome is."""
    digest = hashlib.sha1(f"{stamp}|{question}".encode()).hexdigest()[:6]
    refused = bool(answer.get("refused"))
    cited = list(dict.fromkeys(str(c["doc_id"]) for c in answer.get("citations") or []))
    related = list(dict.fromkeys(str(c["doc_id"]) for c in answer.get("related") or []))
    plain = _MARKER.sub("", str(answer.get("text") or "")).strip()
    if rating == "up":
        answerable = not refused
        answers = [plain] if answerable else []
        sources = cited if answerable else []
    elif refused:  # the reader says the articles do answer it
        answerable = True
        answers = [comment] if comment else ["TODO: the expected answer"]
        sources = related or ["TODO: the doc_id that answers it"]
    elif comment:  # a wrong answer, and the reader gave the right one
        answerable, answers, sources = True, [comment], cited
    else:  # a wrong answer: the articles probably don't say
        answerable, answers, sources = False, [], []
    line: dict[str, Any] = {
        "id": f"fb-{re.sub(r'[^0-9]', '', stamp)[:14]}-{digest}",
        "question": question,
        "answers": answers,
        "sources": sources,
        "answerable": answerable,
    }
    if history:
        line["history"] = history
    return line


def feedback_record(
    rating: Any,
    comment: str | None,
    question: str,
    history: Sequence[Any] | None,
    answer: Answer | Mapping[str, Any],
) -> dict[str, Any]:
    """The JSON object written for one rating.

    Raises:
        NatoQAError: the rating is not up or down, or the question is empty.
    """
    value = normalise_rating(rating)
    if not isinstance(question, str) or not question.strip():
        raise NatoQAError("feedback needs the question that was asked")
    if not isinstance(answer, (Answer, Mapping)):
        raise NatoQAError("feedback needs the answer object that /ask returned")
    if comment is not None and not isinstance(comment, str):
        raise NatoQAError("the comment must be text")
    if history is not None and not isinstance(history, (list, tuple)):
        raise NatoQAError("the history must be a list of turns")
    data = answer.to_dict() if isinstance(answer, Answer) else dict(answer)
    for key in ("citations", "related"):
        items = data.get(key) or []
        if not isinstance(items, (list, tuple)) or not all(
            isinstance(c, Mapping) and c.get("doc_id") for c in items
        ):
            raise NatoQAError(f"the answer's {key} must be a list of objects with a doc_id")
    note = (comment or "").strip()[:MAX_COMMENT_CHARS]
    turns = _turns(history)
    stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return {
        "timestamp": stamp,
        "rating": value,
        "comment": note,
        "question": question.strip(),
        "history": turns,
        "answer": str(data.get("text") or ""),
        "citations": list(data.get("citations") or []),
        "backend": str(data.get("backend") or ""),
        "refused": bool(data.get("refused")),
        "standalone_question": str(data.get("standalone_question") or question.strip()),
        "golden": golden_suggestion(value, note, question.strip(), turns, data, stamp),
    }


def append_jsonl(path: Path, record: Mapping[str, Any]) -> None:
    """Append one JSON line, creating folders; concurrent writers never interleave."""
    line = json.dumps(record, ensure_ascii=False) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    with _lock, path.open("a", encoding="utf-8") as f:
        if fcntl is not None:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            f.write(line)
            f.flush()
        finally:
            if fcntl is not None:
                fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def record_feedback(
    path: Path,
    rating: Any,
    comment: str | None,
    question: str,
    history: Sequence[Any] | None,
    answer: Answer | Mapping[str, Any],
) -> dict[str, Any]:
    """Append a rating of one answer to the feedback file.

    Args:
        path: the JSON Lines file (``settings.feedback_file``).
        rating: "up" or "down" (also "like"/"dislike" or True/False).
        comment: optional free text from the reader.
        question: the question as asked.
        history: the turns before the question.
        answer: the Answer, or its ``to_dict()``.

    Returns:
        The record written.

    Raises:
        NatoQAError: the rating or the question is invalid.
    """
    record = feedback_record(rating, comment, question, history, answer)
    append_jsonl(path, record)
    return record
