"""The golden gate: the project golden set (or an evaluator's, with --golden FILE) against the
answering targets, through the same service path as the UI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from nato_qa import QAService
from nato_qa.evaluation import (
    GoldenFileError,
    evaluate,
    failed_conditions,
    load_golden,
    normalise,
)

from .conftest import GOLDEN

# The answering issue's targets: (metric, comparison, value).
TARGETS = [
    ("hit@1", ">=", 0.90),
    ("hit@5", ">=", 0.97),
    ("mrr@5", ">=", 0.93),
    ("answer_accuracy", ">=", 0.90),
    ("refusal_accuracy", ">=", 1.0),
    ("false_refusal_rate", "<=", 0.03),
    ("citation_validity", ">=", 1.0),
]
# Targets the extractive backend does not reach yet on the project set; strict, so that a
# test that starts passing fails until this list is updated. Measured figures in the README.
NOT_YET_MET: set[str] = set()


# A second set, written later by another hand (40 questions, 20 of them tempting on-topic
# unanswerables) to see how the answering rules carry beyond the set they were tuned on.
# The rules were then refined looking at both, so it is a second development set, not a clean
# test; its refusal figure (README) is the honest one for tempting questions.
HELDOUT = GOLDEN.with_name("heldout.jsonl")
HELDOUT_NOT_YET_MET = {"refusal_accuracy"}


@pytest.fixture(scope="session")
def golden_path(request: pytest.FixtureRequest) -> Path:
    return request.config.getoption("--golden") or GOLDEN


@pytest.fixture(scope="session")
def report(service: QAService, golden_path: Path):  # type: ignore[no-untyped-def]
    return evaluate(service, load_golden(golden_path))


def test_project_golden_set_shape() -> None:
    questions = load_golden(GOLDEN)
    assert len(questions) >= 45
    assert sum(not q.answerable for q in questions) >= 8
    assert sum(bool(q.history) for q in questions) >= 6
    covered = {s for q in questions for s in q.sources}
    assert covered == {p.stem for p in (GOLDEN.parents[2] / "corpus").glob("*.txt")}


def test_answer_strings_occur_in_each_source(service: QAService, golden_path: Path) -> None:
    for q in load_golden(golden_path):
        for source in q.sources:
            assert source in service.articles, f"{q.id}: unknown source {source}"
            text = normalise(service.articles[source].text)
            assert any(normalise(a) in text for a in q.answers), f"{q.id}: not in {source}"


def check_target(  # type: ignore[no-untyped-def]
    report, metric: str, op: str, value: float, request, not_met: set[str]
) -> None:
    """Assert one target; a target in ``not_met`` is a strict xfail (red once it passes)."""
    if metric in not_met:
        request.applymarker(pytest.mark.xfail(strict=True, reason=f"{metric} target not met yet"))
    measured = report.metrics[metric]
    ok = measured >= value if op == ">=" else measured <= value
    assert ok, f"{metric} = {measured}, target {op} {value}"


@pytest.mark.parametrize(("metric", "op", "value"), TARGETS, ids=[t[0] for t in TARGETS])
def test_target(report, metric: str, op: str, value: float, request) -> None:  # type: ignore[no-untyped-def]
    project_set = request.config.getoption("--golden") is None
    check_target(report, metric, op, value, request, NOT_YET_MET if project_set else set())


@pytest.fixture(scope="session")
def heldout_report(service: QAService):  # type: ignore[no-untyped-def]
    return evaluate(service, load_golden(HELDOUT))


@pytest.mark.parametrize(("metric", "op", "value"), TARGETS, ids=[t[0] for t in TARGETS])
def test_heldout_target(heldout_report, metric: str, op: str, value: float, request) -> None:  # type: ignore[no-untyped-def]
    check_target(heldout_report, metric, op, value, request, HELDOUT_NOT_YET_MET)


def test_heldout_set_is_sound(service: QAService) -> None:
    questions = load_golden(HELDOUT)
    assert len(questions) == 40 and sum(not q.answerable for q in questions) == 20
    golden = {q.question for q in load_golden(GOLDEN)}
    assert not golden & {q.question for q in questions}
    for q in questions:
        for source in q.sources:
            text = normalise(service.articles[source].text)
            assert any(normalise(a) in text for a in q.answers), f"{q.id}: not in {source}"


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
                     "answer_accuracy", "refusal_accuracy", "false_refusal_rate",
                     "citation_validity", "citation_support", "p50_ms", "p95_ms"}  # fmt: skip
    assert set(metrics) == expected_keys
    assert metrics["n"] == 5 and metrics["n_unanswerable"] == 2
    assert "| hit@1 |" in out_md.read_text()
    assert "hit@1" in run.stdout

    failing = subprocess.run([*base, "--fail-under", "answer_accuracy=1.01"],
                             capture_output=True, text=True, timeout=300)  # fmt: skip
    assert failing.returncode == 1 and "answer_accuracy" in failing.stderr

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
