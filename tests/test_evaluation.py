"""Evaluation that tells the truth: kinds, key-point coverage, lenient unknown fields, the peer."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from nato_qa import QAService
from nato_qa.evaluation import (
    KIND_COLUMNS,
    BackendReport,
    GoldenFileError,
    GoldenQuestion,
    QuestionResult,
    compute_metrics,
    evaluate,
    key_point_coverage,
    kind_rows,
    load_golden,
    metrics_by_kind,
    report_json,
)
from nato_qa.types import Answer

from .conftest import CORPUS


def answer(text: str, refused: bool = False) -> Answer:
    return Answer(question="q", text=text, citations=(), refused=refused,
                  standalone_question="q", backend="extractive", timings={})  # fmt: skip


def question(qid: str, kind: str, answerable: bool = True, points: tuple = ()) -> GoldenQuestion:
    answers = ("Izawa",) if answerable else ()
    sources = ("doc",) if answerable else ()
    return GoldenQuestion(qid, "Q?", answers, sources, answerable, kind=kind, key_points=points)


def write(tmp_path: Path, *rows: dict) -> Path:
    path = tmp_path / "g.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


BASE = {"id": "a", "question": "Q?", "answers": ["x"], "sources": ["d"], "answerable": True}


def test_key_point_coverage_counts_points_not_alternatives() -> None:
    points = (("liaison office",), ("ITPP", "Individually Tailored"), ("Ukraine",))
    assert key_point_coverage(answer("The Liaison Office and the ITPP."), points) == pytest.approx(
        2 / 3
    )
    assert key_point_coverage(answer("individually tailored…, Ukraine"), points) == pytest.approx(
        2 / 3
    )
    assert key_point_coverage(answer("nothing relevant"), points) == 0.0
    # a refusal covers nothing, even when the refusal text happens to name a point
    assert (
        key_point_coverage(answer("Ukraine: the articles don't say.", refused=True), points) == 0.0
    )


def test_metrics_split_by_kind_with_coverage() -> None:
    broad = (("a",), ("b",))
    results = [
        QuestionResult(question("1", "factual"), answer("Izawa"), 1, True),
        QuestionResult(question("2", "factual"), answer("no"), 3, False),
        QuestionResult(question("3", "synthesis", points=broad), answer("Izawa a"), None, True),
        QuestionResult(question("4", "synthesis", points=broad), answer("x", True), None, False),
        QuestionResult(question("5", "off_topic", answerable=False), answer("", True), None, True),
    ]
    by_kind = metrics_by_kind(results)
    assert set(by_kind) == {"factual", "synthesis", "off_topic"}
    assert by_kind["factual"]["n"] == 2 and by_kind["factual"]["hit@1"] == 0.5
    assert by_kind["factual"]["hit@5"] == 1.0 and by_kind["factual"]["answer_accuracy"] == 0.5
    assert by_kind["synthesis"]["key_point_coverage"] == 0.25  # (1/2 + 0) / 2
    assert "key_point_coverage" not in by_kind["factual"]
    assert by_kind["off_topic"]["refusal_accuracy"] == 1.0
    overall = compute_metrics(results)
    assert overall["key_point_coverage"] == 0.25 and overall["n"] == 5
    # in the JSON, a figure a kind has nothing to measure with is null, not 0.0
    report = BackendReport("extractive", overall, results, by_kind)
    in_json = report_json([report])["by_kind"]
    assert in_json["factual"]["refusal_accuracy"] is None and in_json["factual"]["hit@1"] == 0.5
    assert in_json["off_topic"]["hit@1"] is None and in_json["off_topic"]["mrr@5"] is None
    assert in_json["off_topic"]["refusal_accuracy"] == 1.0
    _, rows = kind_rows(report)
    off_topic = next(r for r in rows if r[0] == "off_topic")
    assert off_topic[KIND_COLUMNS.index("hit@1") + 1] == "-"
    # no kinds at all: no split
    assert metrics_by_kind([QuestionResult(GoldenQuestion("x", "Q", ("a",), ("d",), True),
                                           answer("a"), 1, True)]) == {}  # fmt: skip


def test_unknown_fields_are_kept_with_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    rows = [dict(BASE, id=str(i), note="why", difficulty=i, kind="factual") for i in range(3)]
    with caplog.at_level(logging.WARNING, logger="nato_qa.evaluation"):
        loaded = load_golden(write(tmp_path, *rows))
    assert [q.kind for q in loaded] == ["factual"] * 3
    assert loaded[2].extra == {"note": "why", "difficulty": 2}
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 2, warnings  # one per unknown field, not one per line
    assert any("'difficulty'" in w for w in warnings) and any("'note'" in w for w in warnings)
    assert all(":1: unknown field" in w for w in warnings)


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"kind": 5}, "kind"),
        ({"kind": " "}, "kind"),
        ({"key_points": "liaison office"}, "key_points"),
        ({"key_points": ["liaison office"]}, "key_points"),
        ({"key_points": [[]]}, "key_points"),
        ({"key_points": [["ok", 3]]}, "key_points"),
    ],
)
def test_known_fields_of_the_wrong_type_name_line_and_field(
    tmp_path: Path, extra: dict, field: str
) -> None:
    path = write(tmp_path, BASE, dict(BASE, id="b", **extra))
    with pytest.raises(GoldenFileError, match=rf"g\.jsonl:2: field '{field}'"):
        load_golden(path)


def test_eval_cli_peer_and_kinds_match_a_hand_count(service: QAService, tmp_path: Path) -> None:
    """Three questions whose outcome is known by construction, ours and the peer's."""
    rows = [
        # answerable, plainly worded: both pipelines find Izawa's passage in the top 5
        {"id": "e1", "kind": "factual", "question": "Who heads Japan's independent mission to NATO?",
         "answers": ["Osamu Izawa"], "key_points": [["Izawa"], ["no such point zzqx"]],
         "sources": ["japan-establishes-diplomatic-mission-to-nato",
                     "japan-launches-independent-mission-to-nato"], "answerable": True},
        # answerable by the file's say-so, but the answer string is in no article: no hit anywhere
        {"id": "e2", "kind": "factual", "question": "What is the mission's postal code?",
         "answers": ["zzqx-1040"], "sources": ["japan-launches-independent-mission-to-nato"],
         "answerable": True},
        {"id": "e3", "kind": "off_topic", "question": "Who won the 1998 football World Cup?",
         "answers": [], "sources": [], "answerable": False},
    ]  # fmt: skip
    golden = write(tmp_path, *rows)
    out_json, out_md = tmp_path / "m.json", tmp_path / "r.md"
    run = subprocess.run(
        [sys.executable, "-m", "nato_qa.cli", "eval", "--golden", str(golden), "--peer",
         "--corpus", str(CORPUS), "--json", str(out_json), "--report", str(out_md)],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    m = json.loads(out_json.read_text())
    assert (m["n"], m["n_answerable"], m["n_unanswerable"]) == (3, 2, 1)
    assert m["hit@5"] == 0.5 and m["answer_accuracy"] == 0.5 and m["refusal_accuracy"] == 1.0
    assert m["key_point_coverage"] == 0.5
    assert m["by_kind"]["factual"]["n"] == 2 and m["by_kind"]["off_topic"]["n"] == 1
    assert m["by_kind"]["factual"]["hit@5"] == 0.5
    peer = m["peer"]
    assert peer["n_answerable"] == 2 and peer["hit@5"] == 0.5 and peer["retrieval_p50_ms"] > 0
    assert peer["by_kind"]["factual"]["hit@5"] == 0.5 and "off_topic" not in peer["by_kind"]
    report = out_md.read_text()
    assert "### By kind: extractive" in report and "| peer hit@1 |" in report
    assert "### Ours and the peer" in report
    assert "by kind: extractive" in run.stdout and "ours and the peer" in run.stdout
    # --corpus ingested into a temporary store: the default store folder was never made
    assert not (tmp_path / "vectorstore").exists() and not (tmp_path / "data").exists()


def test_chained_follow_ups_follow_our_own_answers(service: QAService) -> None:
    """With ``chained``, a follow-up follows the system's answer to the history's question,
    not the file's assistant turn (here one that names nobody)."""
    follow_up = GoldenQuestion(
        "c1", "Whom did he succeed?", ("Masahiro Mikami", "Mikami"),
        ("japan-launches-independent-mission-to-nato",), True, kind="follow_up",
        history=({"role": "user", "content": "Who heads Japan's independent mission to NATO?"},
                 {"role": "assistant", "content": "I would rather not say."}),
    )  # fmt: skip
    as_written = evaluate(service, [follow_up]).results[0].answer
    chained = evaluate(service, [follow_up], chained=True).results[0].answer
    assert as_written is not None and chained is not None
    assert "Izawa" not in as_written.standalone_question
    assert "Izawa" in chained.standalone_question  # our first answer named him
