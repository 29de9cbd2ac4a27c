"""Golden files in, metrics out. Questions go through the same service path as the UI."""

from __future__ import annotations

import json
import logging
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

log = logging.getLogger(__name__)

_FIELDS = {"id", "question", "answers", "sources", "answerable", "history", "kind", "key_points"}
# Retrieval metrics the peer is scored on too.
PEER_METRICS = ("hit@1", "hit@5", "mrr@5")


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
    kind: str | None = None
    # Points a broad answer should cover; each point lists alternative strings.
    key_points: tuple[tuple[str, ...], ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False)


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
    warned: set[str] = set()
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise _fail(path, line_no, "(line)", f"not valid JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise _fail(path, line_no, "(line)", "must be a JSON object")
        for name in sorted(set(row) - _FIELDS - warned):
            warned.add(name)
            log.warning("%s:%d: unknown field %r is kept and ignored", path, line_no, name)
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
        label = row.get("kind")
        if label is not None and (not isinstance(label, str) or not label.strip()):
            raise _fail(path, line_no, "kind", "must be a non-empty string")
        points = row.get("key_points", [])
        if not isinstance(points, list) or not all(
            isinstance(p, list) and p and all(isinstance(a, str) and a.strip() for a in p)
            for p in points
        ):
            raise _fail(
                path, line_no, "key_points", "must be a list of points, each a list of strings"
            )
        questions.append(
            GoldenQuestion(
                row["id"], row["question"], tuple(row["answers"]), tuple(row["sources"]),
                row["answerable"], tuple(history), label.strip() if label else None,
                tuple(tuple(p) for p in points),
                {k: v for k, v in row.items() if k not in _FIELDS},
            )
        )  # fmt: skip
    if not questions:
        raise GoldenFileError(f"{path}: holds no questions")
    return questions


def is_relevant(hit: Hit, q: GoldenQuestion) -> bool:
    """A passage is relevant when one of its articles is a source and it contains an answer."""
    return any(s.doc_id in q.sources for s in hit.sources) and contains_any(hit.text, q.answers)


def key_point_coverage(answer: Answer | None, points: Sequence[Sequence[str]]) -> float:
    """The share of ``points`` the answer covers (any alternative present); 0 when refused."""
    if not points:
        return 0.0
    if answer is None or answer.refused:
        return 0.0
    return sum(contains_any(answer.text, p) for p in points) / len(points)


@dataclass
class QuestionResult:
    question: GoldenQuestion
    answer: Answer | None
    first_relevant_rank: int | None
    correct: bool
    error: str | None = None
    valid_citations: int = 0

    @property
    def coverage(self) -> float | None:
        """Key-point coverage, for a question that has key points."""
        if not self.question.key_points:
            return None
        return key_point_coverage(self.answer, self.question.key_points)


@dataclass
class BackendReport:
    backend: str
    metrics: dict[str, float]
    results: list[QuestionResult] = field(default_factory=list)
    by_kind: dict[str, dict[str, float]] = field(default_factory=dict)

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
    chained: bool = False,
) -> BackendReport:
    """Ask every golden question and compute the metrics (see the README for definitions).

    ``chained``: a follow-up's history is replayed as the chat would have it: each earlier
    user turn is asked in order, and the system's own answer, not the golden file's
    assistant turn, is what the next question follows (``chained_history``).
    """
    spec = backend or service.settings.model
    results: list[QuestionResult] = []
    articles = service.articles
    if articles:
        service.warm_up(spec)  # latency figures are of warm answers
    for q in questions:
        try:
            history = chained_history(service, q.history, k, spec) if chained else list(q.history)
            answer = service.ask(q.question, history, k=k, model=spec)
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
    return BackendReport(spec, compute_metrics(results, k), results, metrics_by_kind(results, k))


def chained_history(
    service: QAService, history: Sequence[dict[str, str]], k: int, spec: str
) -> list[dict[str, str]]:
    """The history as the chat would have built it: each user turn of ``history`` asked in
    order, each followed by the system's own answer (the file's assistant turns dropped)."""
    built: list[dict[str, str]] = []
    for turn in history:
        if turn.get("role") != "user":
            continue
        answer = service.ask(turn["content"], list(built), k=k, model=spec)
        built += [turn, {"role": "assistant", "content": answer.text}]
    return built


def metrics_by_kind(results: Sequence[QuestionResult], k: int = 5) -> dict[str, dict[str, float]]:
    """``compute_metrics`` for each ``kind`` of question (questions without one: "(none)")."""
    kinds: dict[str, list[QuestionResult]] = {}
    for r in results:
        kinds.setdefault(r.question.kind or "(none)", []).append(r)
    if set(kinds) == {"(none)"}:
        return {}
    return {kind: compute_metrics(rs, k) for kind, rs in sorted(kinds.items())}


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
            "accuracy": share(sum(r.correct for r in results), len(results)),
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
    covered = [c for r in results if (c := r.coverage) is not None]
    if covered:
        metrics["key_point_coverage"] = round(sum(covered) / len(covered), 4)
    return metrics


def retrieval_metrics(ranks: Sequence[int | None], k: int = 5) -> dict[str, float]:
    """hit@1, hit@5 and mrr@5 from the first relevant rank of each answerable question."""
    n = len(ranks)
    if not n:
        return {"n_answerable": 0, "hit@1": 0.0, "hit@5": 0.0, "mrr@5": 0.0}
    return {
        "n_answerable": n,
        "hit@1": round(sum(1 for r in ranks if r == 1) / n, 4),
        "hit@5": round(sum(1 for r in ranks if r and r <= 5) / n, 4),
        "mrr@5": round(sum(1.0 / r for r in ranks if r and r <= 5) / n, 4),
    }


def metric_names(k: int = 5) -> list[str]:
    """Every metric a report can hold for cut-off ``k`` (key points: with broad questions)."""
    return [*compute_metrics([], k), "key_point_coverage"]


def parse_conditions(items: Sequence[str], k: int = 5) -> dict[str, float]:
    """``["hit@1=0.9", ...]`` to a dict; raises ValueError on bad input or an unknown metric,
    before any question is asked."""
    out: dict[str, float] = {}
    known = metric_names(k)
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
        if name.strip() not in known:
            raise ValueError(
                f"--fail-under {item!r}: no metric {name.strip()!r}; choose one of "
                f"{', '.join(known)}"
            )
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


@dataclass
class PeerReport:
    """The naive tutorial pipeline (``nato_qa.peer``) scored on the same questions."""

    metrics: dict[str, float]
    by_kind: dict[str, dict[str, float]] = field(default_factory=dict)
    ranks: dict[str, int | None] = field(default_factory=dict)


def evaluate_peer(
    paths: Sequence[Path], questions: Sequence[GoldenQuestion], work_dir: Path
) -> PeerReport:
    """Index ``paths`` with the peer pipeline in ``work_dir`` and rank each answerable question.

    The peer sees the question as typed (it has no follow-up rewriting); a passage is
    relevant by the same rule as ours (``is_relevant``).
    """
    import time

    from nato_qa import peer

    pipeline = peer.NaivePipeline(peer.load_model(), work_dir)
    pipeline.ingest(paths)
    pipeline.search("warm up")
    ranks: dict[str, int | None] = {}
    times: list[float] = []
    for q in questions:
        if not q.answerable:
            continue
        started = time.perf_counter()
        hits = pipeline.search(q.question, 5)
        times.append((time.perf_counter() - started) * 1000)
        ranks[q.id] = next(
            (i for i, h in enumerate(hits, 1)
             if h.doc_id in q.sources and contains_any(h.text, q.answers)),
            None,
        )  # fmt: skip
    metrics = retrieval_metrics(list(ranks.values()))
    metrics["retrieval_p50_ms"] = round(statistics.median(times), 2) if times else 0.0
    kinds: dict[str, list[int | None]] = {}
    for q in questions:
        if q.id in ranks:
            kinds.setdefault(q.kind or "(none)", []).append(ranks[q.id])
    by_kind = {kind: retrieval_metrics(r) for kind, r in sorted(kinds.items())}
    return PeerReport(metrics, by_kind if set(kinds) != {"(none)"} else {}, ranks)


def our_retrieval_p50(report: BackendReport) -> float:
    """Median retrieval time of our answers (the ``retrieve_ms`` of each)."""
    times = [r.answer.timings.get("retrieve_ms", 0.0) for r in report.results if r.answer]
    return round(statistics.median(times), 2) if times else 0.0


def report_json(reports: Sequence[BackendReport], peer: PeerReport | None = None) -> dict[str, Any]:
    """Metrics as JSON: one backend's at the top level (several under ``"backends"``),
    ``"by_kind"`` when the questions have kinds, ``"peer"`` when the peer ran."""

    def one(r: BackendReport) -> dict[str, Any]:
        out: dict[str, Any] = dict(r.metrics)
        if r.by_kind:  # a figure with nothing to measure in a kind is null, not 0.0
            out["by_kind"] = {
                kind: {name: (v if applies(m, name) else None) for name, v in m.items()}
                for kind, m in r.by_kind.items()
            }
        return out

    data: dict[str, Any] = (
        one(reports[0]) if len(reports) == 1 else {"backends": {r.backend: one(r) for r in reports}}
    )
    if peer is not None:
        data["peer"] = {**peer.metrics, **({"by_kind": peer.by_kind} if peer.by_kind else {})}
    return data


# Figures of the answerable questions alone, and of the unanswerable ones alone.
_OF_ANSWERABLE = {"hit@1", "hit@5", "mrr@5", "answer_accuracy", "false_refusal_rate"}


def applies(metrics: dict[str, float], name: str) -> bool:
    """Whether a figure measures anything in these metrics: retrieval, answers and false
    refusals need an answerable question, refusal accuracy an unanswerable one."""
    if name in _OF_ANSWERABLE or name.startswith(("hit@", "mrr@", "ndcg@")):
        return bool(metrics.get("n_answerable"))
    if name == "refusal_accuracy":
        return bool(metrics.get("n_unanswerable"))
    return True


KIND_COLUMNS = ("n", "accuracy", "hit@1", "hit@5", "mrr@5", "answer_accuracy", "refusal_accuracy",
                "false_refusal_rate", "key_point_coverage")  # fmt: skip


def kind_rows(
    report: BackendReport, peer: PeerReport | None = None
) -> tuple[list[str], list[list[str]]]:
    """The per-kind table: a header and one row per kind (with the peer's retrieval)."""
    header = ["kind", *KIND_COLUMNS]
    if peer is not None:
        header += [f"peer {m}" for m in PEER_METRICS]
    rows = []
    for kind, m in report.by_kind.items():
        row = [kind]
        for col in KIND_COLUMNS:
            value = m.get(col)
            row.append("-" if value is None or not applies(m, col) else str(value))
        if peer is not None:
            pm = peer.by_kind.get(kind, {})
            row += [str(pm[c]) if pm.get("n_answerable") else "-" for c in PEER_METRICS]
        rows.append(row)
    return header, rows


def peer_rows(report: BackendReport, peer: PeerReport) -> list[list[str]]:
    """Ours beside the peer: hit@1, hit@5, MRR@5 and retrieval p50."""
    rows = [[m, str(report.metrics.get(m, "-")), str(peer.metrics[m])] for m in PEER_METRICS]
    rows.append(["retrieval p50 ms", str(our_retrieval_p50(report)),
                 str(peer.metrics["retrieval_p50_ms"])])  # fmt: skip
    return rows


def _markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
    return lines


def report_markdown(reports: Sequence[BackendReport], peer: PeerReport | None = None) -> str:
    names = list(reports[0].metrics)
    lines = _markdown_table(
        ["metric", *(r.backend for r in reports)],
        [[name, *(str(r.metrics.get(name, "-")) for r in reports)] for name in names],
    )
    if peer is not None:
        lines += ["", "### Ours and the peer (LangChain tutorial pipeline)", ""]
        lines += _markdown_table(
            ["metric", reports[0].backend, "peer"], peer_rows(reports[0], peer)
        )
    for r in reports:
        if r.by_kind:
            lines += ["", f"### By kind: {r.backend}", ""]
            lines += _markdown_table(*kind_rows(r, peer))
    for r in reports:
        if r.failures:
            lines += ["", f"### Failures: {r.backend}", ""]
            rows = []
            for f in r.failures:
                got = f.error or ("(refused)" if f.answer and f.answer.refused else "")
                if not got and f.answer:
                    got = f.answer.text[:120]
                expected = ", ".join(f.question.answers) or "(refusal)"
                rows.append([f.question.id, f.question.kind or "", f.question.question, expected,
                             got.replace("\n", " "), str(f.first_relevant_rank or "-")])  # fmt: skip
            lines += _markdown_table(
                ["id", "kind", "question", "expected", "got", "first relevant rank"], rows
            )
    return "\n".join(lines) + "\n"
