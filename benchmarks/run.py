"""nato-qa benchmarks: ingestion, query latency, cold starts, memory, and the naive peer.

    python benchmarks/run.py [--sizes 5,200,1000] [--out benchmarks/results/latest.json]

1. Ingestion, for each corpus size (the five real articles plus synthetic ones from
   ``make_corpus.py``) into a fresh temporary store: end-to-end chunks/s of
   ``QAService.ingest`` against raw ``Embedder.encode`` on the same chunk texts in the same
   process (a seeded sample, half encoded just before the ingest and half just after, so
   that both see the same machine); then re-ingest of the unchanged corpus (median of 3).
   The peer (``peer.py``, the LangChain-tutorial pipeline) indexes the same files.
2. Warm queries: p50/p95 of ``search`` and of ``ask`` (extractive) over the golden
   questions, and hit@1/hit@5 ("relevant" = a passage of a source article that contains an
   answer string), for us and the peer. Each question goes to every size and to the peer
   before the next question, so that sizes and systems are compared under the same load.
3. Cold starts in fresh processes (CLI ``nato-qa ask``; UI ``nato-qa serve`` to the first
   gradio_client answer on ``/ask``) and the server's peak RSS (VmHWM).

Every target is marked met or missed; ``--profile`` profiles each miss with pyinstrument
(text trees in the output folder). See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import coldstart  # noqa: E402
import make_corpus  # noqa: E402
import profiling  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from nato_qa import peer  # noqa: E402
from nato_qa.config import load_settings, make_offline  # noqa: E402

make_offline()

from nato_qa.chunking import chunk_article, sentence_spans  # noqa: E402
from nato_qa.embedders import Embedder, made_passages  # noqa: E402
from nato_qa.embedders.paired import PairedEmbedder  # noqa: E402
from nato_qa.errors import NatoQAError  # noqa: E402
from nato_qa.evaluation import GoldenQuestion, contains_any, is_relevant, load_golden  # noqa: E402
from nato_qa.loaders import iter_article_files, load_article  # noqa: E402
from nato_qa.service import QAService  # noqa: E402

console = Console(stderr=True)
# Warm-up questions are not golden ones: the service caches question and sentence vectors,
# and a measured question must not have been seen before.
WARMUP_QUESTIONS = (
    "What did NATO's secretary general say in Tokyo?",
    "How large is Japan's five-year defence plan?",
    "Why does China object to a NATO office in Asia?",
    "Which partners in the Indo-Pacific work with NATO?",
    "What is the Individually Tailored Partnership Programme?",
)
REINGEST_RUNS = 3
SAMPLE_SEED = 7
RAW_SLICES = 4  # the raw baseline is encoded in this many slices spread over the ingest

# name -> (description, comparison, limit)
TARGETS: dict[str, tuple[str, str, float]] = {
    "ingest_ratio": ("ingest chunks/s ÷ raw encode chunks/s", ">=", 0.8),
    "reingest_s": ("re-ingest unchanged corpus (s), largest size", "<=", 5.0),
    "retrieve_p95_ms": ("search() p95 (ms), largest size", "<=", 50.0),
    "answer_p95_ms": ("ask() extractive p95 (ms), largest size", "<=", 150.0),
    "retrieve_p50_growth": ("search() p50 largest ÷ smallest", "<=", 3.0),
    "answer_p50_growth": ("ask() p50 largest ÷ smallest", "<=", 3.0),
    "cli_cold_start_s": ("CLI cold start to first answer (s)", "<=", 10.0),
    "ui_cold_start_s": ("UI cold start to first HTTP answer (s)", "<=", 10.0),
    "server_peak_rss_mb": ("server peak RSS (MiB)", "<=", 1536.0),
}


# -- helpers ---------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (p95 of 74 values is the 71st smallest)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def summary_ms(values: Sequence[float]) -> dict[str, Any]:
    if not values:
        return {"n": 0, "p50_ms": None, "p95_ms": None, "max_ms": None}
    return {
        "n": len(values),
        "p50_ms": round(statistics.median(values), 2),
        "p95_ms": round(percentile(values, 0.95), 2),
        "max_ms": round(max(values), 2),
    }


def loadavg() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def machine() -> dict[str, Any]:
    """nproc, CPU model, RAM, and the software versions that shape the figures."""
    cpu = "unknown"
    ram_gb = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    import chromadb
    import sentence_transformers
    import torch

    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_model": cpu,
        "ram_gb": ram_gb,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "(unset)"),
        "sentence_transformers": sentence_transformers.__version__,
        "chromadb": chromadb.__version__,
        "loadavg_at_start": loadavg(),
    }


def raw_encode(embedder: Embedder, texts: list[str]) -> None:
    """What a caller of the raw model would run on the chunk texts: its plain ``encode`` (no
    sentence vectors); for a pair, the search model's passages and the reader's, unmemoised."""
    if isinstance(embedder, PairedEmbedder):
        type(embedder.search).encode_passages(embedder.search, texts)
        embedder = embedder.reader
    type(embedder).encode(embedder, texts)


class _EncodeTimer:
    """Counts the seconds an embedder spends in ``encode_passages_and_sentences`` (the model
    run that gives chunk and sentence vectors) during an ingest, and encodes the
    raw baseline's slices in between the ingest's own batches (timed apart), so that the
    baseline sees the same load as the ingest however the machine's load moves."""

    def __init__(self, embedder: Embedder, slices: list[list[str]], expected_calls: int) -> None:
        self.embedder = embedder
        self.seconds = 0.0
        self.calls = 0
        self.pending = list(slices)
        every = max(1, expected_calls // max(len(slices), 1))
        self.due = {i * every for i in range(len(slices))}
        self.raw_seconds = 0.0
        self.raw_texts = 0
        self.raw_rates: list[float] = []

    def raw_slice(self) -> None:
        """Encode the next baseline slice, the way a caller of the raw model would."""
        texts = self.pending.pop(0)
        started = time.perf_counter()
        raw_encode(self.embedder, texts)
        elapsed = time.perf_counter() - started
        self.raw_seconds += elapsed
        self.raw_texts += len(texts)
        self.raw_rates.append(round(len(texts) / elapsed, 2))

    def __enter__(self) -> _EncodeTimer:
        original = self.embedder.encode_passages_and_sentences

        def timed(texts: Sequence[str], spans: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(texts, spans)
            finally:
                self.seconds += time.perf_counter() - started
                if self.calls in self.due and self.pending:
                    self.raw_slice()
                self.calls += 1

        self.embedder.encode_passages_and_sentences = timed  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        del self.embedder.encode_passages_and_sentences  # back to the class's method
        while self.pending:  # an ingest with fewer batches than slices
            self.raw_slice()


# -- the measurements ------------------------------------------------------------------------


def chunk_texts(paths: list[Path], service: QAService) -> list[str]:
    """The chunk texts ingestion will embed, made by the same loader and chunker."""
    s = service.settings
    texts: list[str] = []
    for path in iter_article_files(paths):
        article = load_article(path, s.max_file_bytes)
        texts.extend(c.text for c in chunk_article(article, s.chunk_size, s.chunk_overlap))
    return texts


def bench_ingest(service: QAService, corpus: Path, raw_sample: int) -> dict[str, Any]:
    embedder = service.embedder
    texts = chunk_texts([corpus], service)
    sample = (
        texts if len(texts) <= raw_sample else random.Random(SAMPLE_SEED).sample(texts, raw_sample)
    )
    n_slices = max(1, min(RAW_SLICES, len(sample) // 100))
    slices = [sample[i::n_slices] for i in range(n_slices)]
    # ingest embeds in calls of batch_size * 4 texts (ingest._embed)
    expected_calls = math.ceil(len(texts) / max(embedder.batch_size * 4, 1))
    raw_encode(embedder, texts[:64])  # warm the model(s)
    made_passages.cache_clear()  # no vector made by an earlier size's ingest is reused

    with _EncodeTimer(embedder, slices, expected_calls) as timer:
        started = time.perf_counter()
        report = service.ingest([corpus])
        ingest_s = time.perf_counter() - started - timer.raw_seconds

    if report.failed or len(report.added) == 0:
        raise RuntimeError(f"ingestion failed: {report.summary()} {report.failed[:3]}")
    raw_rate = timer.raw_texts / timer.raw_seconds
    e2e_rate = report.chunks_written / ingest_s
    # The second reader embeds every sentence too (second_reader.py): its raw rate on the
    # sample's sentences, so that the ingest can also be held against both models' raw work.
    second = service.second_reader
    both_rate = raw_rate
    if second is not None:
        sentences = [t[a:b] for t in sample for a, b in sentence_spans(t)]
        started = time.perf_counter()
        second.embedder.encode_passages(sentences)
        second_s = time.perf_counter() - started
        both_rate = len(sample) / (len(sample) / raw_rate + second_s)

    reingest: list[float] = []
    for _ in range(REINGEST_RUNS):
        started = time.perf_counter()
        again = service.ingest([corpus])
        reingest.append(time.perf_counter() - started)
        if again.chunks_written or again.added or again.updated:
            raise RuntimeError(f"re-ingest of an unchanged corpus did work: {again.summary()}")
        if reingest[-1] > 30:
            break
    return {
        "articles": len(report.added),
        "chunks": report.chunks_written,
        "mean_chunk_chars": round(sum(map(len, texts)) / max(len(texts), 1), 1),
        "ingest_s": round(ingest_s, 2),
        "ingest_chunks_per_s": round(e2e_rate, 2),
        "encode_s_inside_ingest": round(timer.seconds, 2),
        "non_encode_s_inside_ingest": round(ingest_s - timer.seconds, 2),
        "raw_sample_chunks": timer.raw_texts,
        "raw_encode_s": round(timer.raw_seconds, 2),
        "raw_encode_chunks_per_s": round(raw_rate, 2),
        "raw_slice_rates": timer.raw_rates,
        "ratio": round(e2e_rate / raw_rate, 3),
        "second_reader": second.name if second is not None else None,
        "raw_encode_both_models_chunks_per_s": round(both_rate, 2),
        "ratio_both_models": round(e2e_rate / both_rate, 3),
        "reingest_runs_s": [round(t, 3) for t in reingest],
        "reingest_s": round(statistics.median(reingest), 3),
    }


def first_relevant(hits: Sequence[Any], relevant: Callable[[Any], bool]) -> int | None:
    return next((i for i, h in enumerate(hits, start=1) if relevant(h)), None)


def hit_rates(ranks: Sequence[int | None]) -> dict[str, float]:
    n = len(ranks) or 1
    return {
        "hit@1": round(sum(1 for r in ranks if r == 1) / n, 3),
        "hit@5": round(sum(1 for r in ranks if r and r <= 5) / n, 3),
        "n_answerable": len(ranks),
    }


def warm_service(settings: Any, embedder: Embedder) -> QAService:
    """A new service on a store (its caches empty), sharing the loaded model, warmed up on
    questions outside the golden set."""
    service = QAService(settings)
    service.embedder = embedder  # type: ignore[misc]
    for question in WARMUP_QUESTIONS:
        service.search(question, 5)
        service.ask(question)
    return service


def _rotated(keys: list[str], i: int) -> list[str]:
    """The sizes in turn, starting one further on for each question (no size always first)."""
    j = i % len(keys)
    return keys[j:] + keys[:j]


def bench_queries(
    settings_by_size: dict[str, Any],
    embedder: Embedder,
    pipelines: dict[str, peer.NaivePipeline],
    golden: list[GoldenQuestion],
) -> dict[str, dict[str, Any]]:
    """Warm latencies and hit rates at every size, measured in turn.

    Each golden question goes to search(), to ask() and to the peer at every size before the
    next question (the order turning from question to question), so that sizes, operations
    and systems are compared under the same load on a shared machine. search() and ask()
    have services of their own: ask() would otherwise find each question's vectors cached
    by search().
    """
    keys = list(settings_by_size)
    searchers = {k: warm_service(settings_by_size[k], embedder) for k in keys}
    askers = {k: warm_service(settings_by_size[k], embedder) for k in keys}
    for pipeline in pipelines.values():
        for question in WARMUP_QUESTIONS:
            pipeline.search(question)

    ms: dict[str, dict[str, list[float]]] = {k: {"search": [], "ask": [], "peer": []} for k in keys}
    ranks: dict[str, dict[str, list[int | None]]] = {k: {"ours": [], "peer": []} for k in keys}
    inner: dict[str, dict[str, list[float]]] = {
        k: {"retrieve_ms": [], "generate_ms": []} for k in keys
    }
    errors: dict[str, list[str]] = {k: [] for k in keys}
    refused = dict.fromkeys(keys, 0)
    peer_over_ours: dict[str, list[float]] = {k: [] for k in pipelines}

    for i, q in enumerate(golden):
        for k in _rotated(keys, i):
            ops = ["search", "ask", "peer"] if k in pipelines else ["search", "ask"]
            took: dict[str, float] = {}
            for op in _rotated(ops, i):
                started = time.perf_counter()
                if op == "search":
                    hits: Sequence[Any] = searchers[k].search(q.question, 5)
                    took[op] = (time.perf_counter() - started) * 1000
                    if q.answerable:
                        ranks[k]["ours"].append(
                            first_relevant(hits, lambda h, q=q: is_relevant(h, q))
                        )
                elif op == "peer":
                    hits = pipelines[k].search(q.question, 5)
                    took[op] = (time.perf_counter() - started) * 1000
                    if q.answerable:
                        ranks[k]["peer"].append(
                            first_relevant(
                                hits,
                                lambda h, q=q: (
                                    h.doc_id in q.sources and contains_any(h.text, q.answers)
                                ),
                            )
                        )
                else:
                    try:
                        answer = askers[k].ask(q.question, list(q.history))
                    except NatoQAError as exc:
                        errors[k].append(f"{q.id}: {exc}")
                        continue
                    took[op] = (time.perf_counter() - started) * 1000
                    refused[k] += answer.refused
                    for key, values in inner[k].items():
                        values.append(float(answer.timings.get(key, 0.0)))
            for op, value in took.items():
                ms[k][op].append(value)
            if took.get("peer"):
                peer_over_ours[k].append(took["search"] / took["peer"])
    del searchers, askers

    out: dict[str, dict[str, Any]] = {}
    for k in keys:
        out[k] = {
            "queries": {
                "search": summary_ms(ms[k]["search"]),
                "ask": summary_ms(ms[k]["ask"]),
                "ask_inner_p50_ms": {
                    name: round(statistics.median(v), 2) for name, v in inner[k].items() if v
                },
                "refused": refused[k],
                "errors": errors[k],
                "quality": hit_rates(ranks[k]["ours"]),
            }
        }
        if k in pipelines:
            out[k]["peer"] = {
                "search": summary_ms(ms[k]["peer"]),
                "quality": hit_rates(ranks[k]["peer"]),
                "our_search_over_peer_median_ratio": round(statistics.median(peer_over_ours[k]), 2),
            }
    return out


# -- targets ---------------------------------------------------------------------------------


def evaluate_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    sizes = results["sizes"]
    keys = sorted(sizes, key=int)
    small, large = sizes[keys[0]], sizes[keys[-1]]
    rows: list[dict[str, Any]] = []

    def add(name: str, value: float | None, where: str, note: str = "") -> None:
        desc, op, limit = TARGETS[name]
        if value is None:
            status = "skipped"
        else:
            status = "met" if (value >= limit if op == ">=" else value <= limit) else "missed"
        rows.append(
            {"target": name, "description": desc, "where": where, "value": value,
             "limit": f"{op} {limit:g}", "status": status, "note": note}
        )  # fmt: skip

    for key in keys:
        add("ingest_ratio", sizes[key]["ingest"]["ratio"], f"{key} articles")
    add("reingest_s", large["ingest"]["reingest_s"], f"{keys[-1]} articles")
    add("retrieve_p95_ms", large["queries"]["search"]["p95_ms"], f"{keys[-1]} articles")
    add("answer_p95_ms", large["queries"]["ask"]["p95_ms"], f"{keys[-1]} articles")
    if len(keys) > 1:
        for name, part in (("retrieve_p50_growth", "search"), ("answer_p50_growth", "ask")):
            lo, hi = small["queries"][part]["p50_ms"], large["queries"][part]["p50_ms"]
            growth = round(hi / lo, 2) if lo and hi else None
            add(name, growth, f"{keys[0]} → {keys[-1]} articles")
    cold = results.get("cold_start", {})
    cli = cold.get("cli", {}).get(keys[-1], {})
    add("cli_cold_start_s", cli.get("median_s"), f"{keys[-1]} articles", cli.get("note", ""))
    ui = cold.get("ui", {})
    add("ui_cold_start_s", ui.get("median_s"), f"{keys[-1]} articles", ui.get("note", ""))
    add("server_peak_rss_mb", ui.get("peak_rss_mb"), f"{keys[-1]} articles", ui.get("note", ""))
    return rows


# -- output ----------------------------------------------------------------------------------


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        digits = 2 if abs(value) < 10 else 1 if abs(value) < 100 else 0
        return f"{value:,.{digits}f}"
    return str(value)


def tables(results: dict[str, Any]) -> list[Table]:
    sizes = results["sizes"]
    keys = sorted(sizes, key=int)
    out: list[Table] = []

    t = Table(title="Ingestion (fresh store)")
    for col in ("articles", "chunks", "ingest s", "ingest chunks/s", "raw encode chunks/s",
                "ratio", "ratio (both models' raw)", "encode share of ingest",
                "re-ingest unchanged s"):  # fmt: skip
        t.add_column(col, justify="right")
    for k in keys:
        i = sizes[k]["ingest"]
        share = i["encode_s_inside_ingest"] / i["ingest_s"] if i["ingest_s"] else 0.0
        t.add_row(k, _fmt(i["chunks"]), _fmt(i["ingest_s"]), _fmt(i["ingest_chunks_per_s"]),
                  _fmt(i["raw_encode_chunks_per_s"]), _fmt(i["ratio"]),
                  _fmt(i.get("ratio_both_models")), f"{share:.0%}",
                  _fmt(i["reingest_s"]))  # fmt: skip
    out.append(t)

    t = Table(title="Warm queries over the golden questions (ms)")
    for col in ("articles", "search p50", "search p95", "ask p50", "ask p95",
                "ask: retrieve p50", "ask: generate p50", "refused"):  # fmt: skip
        t.add_column(col, justify="right")
    for k in keys:
        q = sizes[k]["queries"]
        t.add_row(
            k, _fmt(q["search"]["p50_ms"]), _fmt(q["search"]["p95_ms"]), _fmt(q["ask"]["p50_ms"]),
            _fmt(q["ask"]["p95_ms"]), _fmt(q["ask_inner_p50_ms"].get("retrieve_ms")),
            _fmt(q["ask_inner_p50_ms"].get("generate_ms")), f"{q['refused']}/{q['ask']['n']}",
        )  # fmt: skip
    out.append(t)

    t = Table(title="Retrieval against the naive LangChain-tutorial peer (top 5)")
    for col in ("articles", "search p50 ms", "peer p50 ms", "search p95 ms", "peer p95 ms",
                "ours ÷ peer (paired)", "hit@1", "peer hit@1", "hit@5", "peer hit@5",
                "peer chunks"):  # fmt: skip
        t.add_column(col, justify="right")
    for k in keys:
        q = sizes[k]["queries"]
        p = sizes[k].get("peer")

        def pv(*path: str, p: Any = p) -> str:
            value = p
            for part in path:
                value = value[part] if value else None
            return _fmt(value)

        t.add_row(
            k, _fmt(q["search"]["p50_ms"]), pv("search", "p50_ms"), _fmt(q["search"]["p95_ms"]),
            pv("search", "p95_ms"), pv("our_search_over_peer_median_ratio"),
            _fmt(q["quality"]["hit@1"]), pv("quality", "hit@1"),
            _fmt(q["quality"]["hit@5"]), pv("quality", "hit@5"), pv("ingest", "chunks"),
        )  # fmt: skip
    out.append(t)

    cold = results.get("cold_start", {})
    t = Table(title="Cold start (fresh process, median of runs)")
    for col in ("what", "articles", "median s", "runs s", "peak RSS MiB", "note"):
        t.add_column(col)
    for k, c in cold.get("cli", {}).items():
        t.add_row(
            "CLI ask", k, _fmt(c.get("median_s")), _fmt(c.get("runs_s")), "-", c.get("note", "")
        )
    ui = cold.get("ui", {})
    if ui:
        t.add_row("UI /ask", keys[-1], _fmt(ui.get("median_s")), _fmt(ui.get("runs_s")),
                  _fmt(ui.get("peak_rss_mb")), ui.get("note", ""))  # fmt: skip
    out.append(t)

    t = Table(title="Targets")
    for col in ("target", "where", "value", "limit", "status"):
        t.add_column(col)
    colour = {"met": "green", "missed": "red", "skipped": "yellow"}
    for r in results["targets"]:
        t.add_row(r["description"], r["where"], _fmt(r["value"]), r["limit"],
                  f"[{colour[r['status']]}]{r['status']}[/]")  # fmt: skip
    out.append(t)
    return out


def markdown(results: dict[str, Any]) -> str:
    """The same figures as Markdown tables (written beside the JSON)."""
    sizes = results["sizes"]
    keys = sorted(sizes, key=int)
    m = results["machine"]
    lines = [
        f"# nato-qa benchmark results ({results['finished_at']})",
        "",
        f"Machine: {m['nproc']} CPUs ({m['cpu_model']}), {m['ram_gb']} GB RAM; torch "
        f"{m['torch']} with {m['torch_threads']} threads, OMP_WAIT_POLICY {m['omp_wait_policy']}; "
        f"load average at start {m['loadavg_at_start']}, at end {results['loadavg_at_end']}. "
        f"Run took {results['wall_s']:.0f} s.",
        "",
        "| articles | chunks | ingest chunks/s | raw encode chunks/s | ratio | encode share | "
        "re-ingest s |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for k in keys:
        i = sizes[k]["ingest"]
        share = i["encode_s_inside_ingest"] / i["ingest_s"] if i["ingest_s"] else 0.0
        lines.append(
            f"| {k} | {i['chunks']} | {i['ingest_chunks_per_s']} | {i['raw_encode_chunks_per_s']} "
            f"| {i['ratio']} | {share:.0%} | {i['reingest_s']} |"
        )
    lines += [
        "",
        "| articles | search p50 / p95 ms | ask p50 / p95 ms | hit@1 / hit@5 | "
        "peer search p50 / p95 ms | ours ÷ peer search (paired median) | peer hit@1 / hit@5 |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for k in keys:
        q = sizes[k]["queries"]
        p = sizes[k].get("peer")
        peer_lat = f"{p['search']['p50_ms']} / {p['search']['p95_ms']}" if p else "-"
        peer_q = f"{p['quality']['hit@1']} / {p['quality']['hit@5']}" if p else "-"
        paired = p["our_search_over_peer_median_ratio"] if p else "-"
        lines.append(
            f"| {k} | {q['search']['p50_ms']} / {q['search']['p95_ms']} | {q['ask']['p50_ms']} / "
            f"{q['ask']['p95_ms']} | {q['quality']['hit@1']} / {q['quality']['hit@5']} | "
            f"{peer_lat} | {paired} | {peer_q} |"
        )
    lines += ["", "| target | where | value | limit | status |", "|---|---|---:|---|---|"]
    for r in results["targets"]:
        note = f" ({r['note']})" if r["note"] else ""
        lines.append(
            f"| {r['description']} | {r['where']} | {_fmt(r['value'])} | {r['limit']} | "
            f"{r['status']}{note} |"
        )
    return "\n".join(lines) + "\n"


# -- profiling of misses ---------------------------------------------------------------------


def profile_misses(
    results: dict[str, Any], settings_by_size: dict[str, Any], golden: list[GoldenQuestion],
    work: Path, out_dir: Path, embedder: Embedder,
) -> dict[str, Any]:  # fmt: skip
    missed = {r["target"] for r in results["targets"] if r["status"] == "missed"}
    keys = sorted(settings_by_size, key=int)
    large_settings = settings_by_size[keys[-1]]
    corpus_large = work / f"corpus-{keys[-1]}"
    profiles: dict[str, Any] = {}

    def run(name: str, fn: Callable[[], Any]) -> None:
        console.log(f"profiling {name}")
        profiles[name] = profiling.profile_call(name, fn, out_dir)

    if "ingest_ratio" in missed:
        n = min(30, int(keys[-1]))
        corpus = work / "corpus-profile"
        make_corpus.make_corpus(n, corpus)
        settings = load_settings(store_dir=work / "store-profile", data_dir=work / "data-profile",
                                 corpus_dir=corpus)  # fmt: skip
        svc = QAService(settings)
        svc.embedder = embedder  # type: ignore[misc]
        run(f"ingest-fresh-{n}", lambda: svc.ingest([corpus]))
    if "reingest_s" in missed:
        large = warm_service(large_settings, embedder)
        run(f"reingest-{keys[-1]}", lambda: large.ingest([corpus_large]))
    if missed & {"retrieve_p95_ms", "retrieve_p50_growth"}:
        searcher = warm_service(large_settings, embedder)
        run(f"search-{keys[-1]}", lambda: [searcher.search(q.question, 5) for q in golden])
    if missed & {"answer_p95_ms", "answer_p50_growth"}:
        asker = warm_service(large_settings, embedder)
        run(f"ask-{keys[-1]}", lambda: [asker.ask(q.question, list(q.history)) for q in golden])
    if "cli_cold_start_s" in missed:
        console.log("profiling the CLI cold start")
        profiles["cli-cold-start"] = profiling.profile_command(
            "cli-cold-start",
            ["-m", "nato_qa.cli", "ask", golden[0].question, "--store-dir",
             str(work / f"store-{keys[-1]}")],
            out_dir, coldstart.clean_env(), work,
        )  # fmt: skip
    return profiles


# -- main ------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="nato-qa benchmarks (see docs/benchmarks.md)")
    parser.add_argument("--sizes", default="5,200,1000", help="corpus sizes, comma-separated")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "latest.json")
    parser.add_argument("--peer-sizes", default="5,200",
                        help="sizes at which to run the peer pipeline ('' = none)")  # fmt: skip
    parser.add_argument("--raw-sample", type=int, default=600,
                        help="chunks encoded raw for the baseline (all when fewer)")  # fmt: skip
    parser.add_argument("--cold-runs", type=int, default=3, help="runs per cold-start median")
    parser.add_argument("--ui-questions", type=int, default=10,
                        help="questions the UI answers before its peak RSS is read")  # fmt: skip
    parser.add_argument("--no-ui", action="store_true", help="skip the UI cold start")
    parser.add_argument("--golden", type=Path, default=REPO / "tests" / "golden" / "golden.jsonl")
    parser.add_argument("--seed", type=int, default=make_corpus.DEFAULT_SEED)
    parser.add_argument("--profile", action="store_true",
                        help="profile each missed target with pyinstrument")  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the temporary corpora and stores")
    args = parser.parse_args(argv)

    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    peer_sizes = {int(s) for s in args.peer_sizes.split(",") if s.strip()}
    golden = load_golden(args.golden)
    out: Path = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="nato-qa-bench-"))
    began = time.perf_counter()
    results: dict[str, Any] = {
        "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "settings": {
            "sizes": sizes,
            "peer_sizes": sorted(peer_sizes),
            "raw_sample": args.raw_sample,
            "cold_runs": args.cold_runs,
            "seed": args.seed,
            "golden": str(args.golden),
            "golden_questions": len(golden),
        },
        "sizes": {},
    }
    console.log(f"work folder {work}; {len(golden)} golden questions; sizes {sizes}")
    embedder: Embedder | None = None
    peer_model: Any = None
    settings_by_size: dict[str, Any] = {}
    try:
        pipelines: dict[str, peer.NaivePipeline] = {}
        for n in sizes:
            corpus = work / f"corpus-{n}"
            paths = make_corpus.make_corpus(n, corpus, args.seed)
            words = sum(len(p.read_text(encoding="utf-8").split()) for p in paths)
            settings = load_settings(store_dir=work / f"store-{n}", data_dir=work / f"data-{n}",
                                     corpus_dir=corpus)  # fmt: skip
            service = QAService(settings)
            if embedder is None:
                embedder = service.embedder
            service.embedder = embedder  # type: ignore[misc]  # one model for all sizes
            entry: dict[str, Any] = {"corpus_words": words}
            console.log(f"[{n}] ingesting {n} articles ({words:,} words)")
            entry["ingest"] = bench_ingest(service, corpus, args.raw_sample)
            console.log(f"[{n}] ingest: {entry['ingest']}")
            if n in peer_sizes:
                console.log(f"[{n}] peer pipeline: ingesting")
                peer_model = peer_model or peer.load_model()
                pipelines[str(n)] = peer.NaivePipeline(peer_model, work / f"peer-{n}")
                entry["peer_ingest"] = pipelines[str(n)].ingest(paths)
                console.log(f"[{n}] peer ingest: {entry['peer_ingest']}")
            entry["loadavg_after_ingest"] = loadavg()
            results["sizes"][str(n)] = entry
            settings_by_size[str(n)] = settings
            del service

        assert embedder is not None
        console.log("warm queries, every size and the peer in turn for each question")
        for k, measured in bench_queries(settings_by_size, embedder, pipelines, golden).items():
            results["sizes"][k].update(measured)
            if "peer" in measured:
                measured["peer"]["ingest"] = results["sizes"][k].pop("peer_ingest")
            console.log(f"[{k}] {measured}")
        results["loadavg_after_queries"] = loadavg()

        console.log("cold starts")
        question = golden[0].question
        cold: dict[str, Any] = {"cli": {}, "question": question}
        stores = {str(n): work / f"store-{n}" for n in sorted({sizes[0], sizes[-1]})}
        cold["cli"] = coldstart.cli_cold_starts(stores, question, args.cold_runs, work)
        console.log(f"CLI cold starts: {cold['cli']}")
        if args.no_ui:
            cold["ui"] = {"ok": False, "skipped": True, "note": "--no-ui"}
        else:
            asked = [q.question for q in golden[: max(1, args.ui_questions)]]
            cold["ui"] = coldstart.ui_cold_start(
                work / f"store-{sizes[-1]}", asked, args.cold_runs, work, work
            )
            console.log(f"UI cold start: {cold['ui']}")
        cold["llamacpp"] = coldstart.local_model_cold_start(
            work / f"store-{sizes[0]}", question, args.cold_runs, work
        )
        console.log(f"local model (llamacpp:) cold start: {cold['llamacpp']}")
        results["cold_start"] = cold

        results["targets"] = evaluate_targets(results)
        results["loadavg_at_end"] = loadavg()
        results["wall_s"] = round(time.perf_counter() - began, 1)
        results["finished_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")

        if args.profile and embedder is not None:
            results["profiles"] = profile_misses(
                results, settings_by_size, golden, work, out.parent, embedder
            )

        out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
        out.with_suffix(".md").write_text(markdown(results))
        view = Console(width=max(Console().width, 160))
        for table in tables(results):
            view.print(table)
        for name, prof in results.get("profiles", {}).items():
            view.print(f"\n[bold]profile {name}[/bold] ({prof.get('total_s')} s)")
            for row in prof.get("inclusive_app", [])[:8]:
                view.print(f"  incl {row['share']:6.1%}  {row['function']}")
            for row in prof.get("self", [])[:8]:
                view.print(f"  self {row['share']:6.1%}  {row['function']}")
        view.print(f"\nwrote {out} and {out.with_suffix('.md')} in {results['wall_s']:.0f} s")
    finally:
        if args.keep:
            console.log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
