"""Golden files in, metrics out. Questions go through the same service path as the UI."""

from __future__ import annotations

import json
import math
import re
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nato_qa.errors import NatoQAError
from nato_qa.service import QAService
from nato_qa.types import Answer, Hit

_FIELDS = {"id", "question", "answers", "sources", "answerable", "history"}


class GoldenFileError(NatoQAError):
    """A golden file line is malformed; the message names the line and the field."""


@dataclass(frozen=True)
class GoldenQuestion:
    id: str
    question: str
    answers: tuple[str, ...]
    sources: tuple[str, ...]
    answerable: bool
    history: tuple[dict[str, str], ...] = ()


def normalise(text: str) -> str:
    """Lower case; curly quotes, dashes and runs of white space made plain."""
    text = text.lower()
    text = re.sub(r"[‘’ʼ`´]", "'", text)
    text = re.sub(r"[“”„«»]", '"', text)
    text = re.sub(r"[‐‑‒–—―−]", "-", text)
    return re.sub(r"\s+", " ", text).strip()


def contains_any(text: str, answers: Iterable[str]) -> bool:
    norm = normalise(text)
    return any(normalise(a) in norm for a in answers if a.strip())


def _fail(path: Path, line_no: int, field_name: str, problem: str) -> GoldenFileError:
    return GoldenFileError(f"{path}:{line_no}: field {field_name!r}: {problem}")


def load_golden(path: Path) -> list[GoldenQuestion]:
    """Parse and check a golden JSON Lines file before any question is asked.

    Raises:
        GoldenFileError: the file is missing or a line is malformed (line number and field).
    """
    if not path.is_file():
        raise GoldenFileError(f"{path}: no such golden file")
    questions: list[GoldenQuestion] = []
    seen: set[str] = set()
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise _fail(path, line_no, "(line)", f"not valid JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise _fail(path, line_no, "(line)", "must be a JSON object")
        extra = set(row) - _FIELDS
        if extra:
            raise _fail(path, line_no, sorted(extra)[0], "unknown field")
        for name, kind in (("id", str), ("question", str), ("answerable", bool)):
            if not isinstance(row.get(name), kind):
                raise _fail(path, line_no, name, f"missing or not a {kind.__name__}")
        if row["id"] in seen:
            raise _fail(path, line_no, "id", f"duplicate id {row['id']!r}")
        seen.add(row["id"])
        if not row["question"].strip():
            raise _fail(path, line_no, "question", "empty")
        for name in ("answers", "sources"):
            value = row.get(name)
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise _fail(path, line_no, name, "missing or not a list of strings")
        if row["answerable"] and (not row["answers"] or not row["sources"]):
            name = "answers" if not row["answers"] else "sources"
            raise _fail(path, line_no, name, "an answerable question needs at least one")
        if not row["answerable"] and (row["answers"] or row["sources"]):
            name = "answers" if row["answers"] else "sources"
            raise _fail(path, line_no, name, "must be empty when answerable is false")
        history = row.get("history", [])
        if not isinstance(history, list) or not all(
            isinstance(t, dict)
            and t.get("role") in {"user", "assistant"}
            and isinstance(t.get("content"), str)
            for t in history
        ):
            raise _fail(path, line_no, "history", "must be a list of {role, content} turns")
        questions.append(
            GoldenQuestion(
                row["id"], row["question"], tuple(row["answers"]), tuple(row["sources"]),
                row["answerable"], tuple(history),
            )
        )  # fmt: skip
    if not questions:
        raise GoldenFileError(f"{path}: holds no questions")
    return questions


def is_relevant(hit: Hit, q: GoldenQuestion) -> bool:
    """A passage is relevant when one of its articles is a source and it contains an answer."""
    return any(s.doc_id in q.sources for s in hit.sources) and contains_any(hit.text, q.answers)


@dataclass
class QuestionResult:
    question: GoldenQuestion
    answer: Answer | None
    first_relevant_rank: int | None
    correct: bool
    error: str | None = None
    valid_citations: int = 0


@dataclass
class BackendReport:
    backend: str
    metrics: dict[str, float]
    results: list[QuestionResult] = field(default_factory=list)

    @property
    def failures(self) -> list[QuestionResult]:
        return [r for r in self.results if not r.correct]


def _percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    idx = min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))
    return ordered[idx]


def evaluate(
    service: QAService,
    questions: Sequence[GoldenQuestion],
    backend: str | None = None,
    k: int = 5,
    on_progress: Callable[[], None] | None = None,
) -> BackendReport:
    """Ask every golden question and compute the metrics (see the README for definitions)."""
    spec = backend or service.settings.model
    results: list[QuestionResult] = []
    articles = service.articles
    if articles:
        service.warm_up(spec)  # latency figures are of warm answers
    for q in questions:
        try:
            answer = service.ask(q.question, list(q.history), k=k, model=spec)
            hits = service.search(answer.standalone_question, k) if q.answerable else []
            error = None
        except NatoQAError as exc:
            answer, hits, error = None, [], str(exc)
        rank = next((i for i, h in enumerate(hits, start=1) if is_relevant(h, q)), None)
        if answer is None:
            correct = False
        elif q.answerable:
            correct = not answer.refused and contains_any(answer.text, q.answers)
        else:
            correct = answer.refused and not answer.citations
        valid = 0
        for c in answer.citations if answer else ():
            article = articles.get(c.doc_id)
            valid += bool(article and c.quote and article.text[c.start : c.end] == c.quote)
        results.append(QuestionResult(q, answer, rank, correct, error, valid))
        if on_progress:
            on_progress()
    return BackendReport(spec, compute_metrics(results, k), results)


def compute_metrics(results: Sequence[QuestionResult], k: int = 5) -> dict[str, float]:
    answerable = [r for r in results if r.question.answerable]
    unanswerable = [r for r in results if not r.question.answerable]
    answered = [r for r in answerable if r.answer is not None and not r.answer.refused]

    def share(part: int, whole: int) -> float:
        return round(part / whole, 4) if whole else 0.0

    ranks = [r.first_relevant_rank for r in answerable]
    n_citations = sum(len(r.answer.citations) for r in results if r.answer)
    times = [r.answer.timings.get("total_ms", 0.0) for r in results if r.answer]
    metrics: dict[str, float] = {
        "n": len(results),
        "n_answerable": len(answerable),
        "n_unanswerable": len(unanswerable),
    }
    for cut in sorted({1, 5, k}):
        if cut > k:
            continue
        metrics[f"hit@{cut}"] = share(sum(1 for r in ranks if r and r <= cut), len(answerable))
    for cut in sorted({5, k}):
        if cut > k:
            continue
        mrr = sum(1.0 / r for r in ranks if r and r <= cut)
        metrics[f"mrr@{cut}"] = round(mrr / len(answerable), 4) if answerable else 0.0
        ndcg = sum(1.0 / math.log2(r + 1) for r in ranks if r and r <= cut)
        metrics[f"ndcg@{cut}"] = round(ndcg / len(answerable), 4) if answerable else 0.0
    metrics.update(
        {
            "answer_accuracy": share(sum(r.correct for r in answerable), len(answerable)),
            "refusal_accuracy": share(sum(r.correct for r in unanswerable), len(unanswerable)),
            "false_refusal_rate": share(
                sum(1 for r in answerable if r.answer is None or r.answer.refused), len(answerable)
            ),
            "citation_validity": share(sum(r.valid_citations for r in results), n_citations)
            if n_citations
            else 1.0,
            "citation_support": share(
                sum(
                    1
                    for r in answered
                    if r.answer
                    and any(
                        c.doc_id in r.question.sources
                        or any(d in r.question.sources for d in c.also_in)
                        for c in r.answer.citations
                    )
                ),
                len(answered),
            ),
            "p50_ms": round(statistics.median(times), 2) if times else 0.0,
            "p95_ms": round(_percentile(times, 0.95), 2),
        }
    )
    return metrics


def parse_conditions(items: Sequence[str]) -> dict[str, float]:
    """``["hit@1=0.9", ...]`` to a dict; raises GoldenFileError-free ValueError on bad input."""
    out: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            raise ValueError(
                f"--fail-under {item!r}: write METRIC=NUMBER, e.g. hit@1=0.9"
            ) from None
        if not sep:
            raise ValueError(f"--fail-under {item!r}: write METRIC=NUMBER, e.g. hit@1=0.9")
    return out


def failed_conditions(metrics: dict[str, float], conditions: dict[str, float]) -> list[str]:
    """Conditions a report misses; an unknown metric name counts as a failure."""
    misses = []
    for name, floor in conditions.items():
        if name not in metrics:
            misses.append(f"{name}: no such metric (known: {', '.join(metrics)})")
        elif name in {"false_refusal_rate", "p50_ms", "p95_ms"}:
            if metrics[name] > floor:
                misses.append(f"{name} = {metrics[name]} is above {floor}")
        elif metrics[name] < floor:
            misses.append(f"{name} = {metrics[name]} is below {floor}")
    return misses


def report_json(reports: Sequence[BackendReport]) -> dict[str, Any]:
    if len(reports) == 1:
        return dict(reports[0].metrics)
    return {"backends": {r.backend: r.metrics for r in reports}}


def report_markdown(reports: Sequence[BackendReport]) -> str:
    names = list(reports[0].metrics)
    lines = ["| metric | " + " | ".join(r.backend for r in reports) + " |",
             "|---|" + "---|" * len(reports)]  # fmt: skip
    for name in names:
        lines.append(f"| {name} | " + " | ".join(str(r.metrics[name]) for r in reports) + " |")
    for r in reports:
        if r.failures:
            lines += ["", f"### Failures: {r.backend}", "",
                      "| id | question | expected | got | first relevant rank |",
                      "|---|---|---|---|---|"]  # fmt: skip
            for f in r.failures:
                got = f.error or ("(refused)" if f.answer and f.answer.refused else "")
                if not got and f.answer:
                    got = f.answer.text[:120]
                expected = ", ".join(f.question.answers) or "(refusal)"
                cells = [f.question.id, f.question.question, expected, got,
                         str(f.first_relevant_rank or "-")]  # fmt: skip
                lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"
