"""``nato-qa ingest | ask | eval | serve``. Errors are one clear line, never a traceback."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nato_qa.config import Settings, load_settings, make_offline
from nato_qa.errors import NatoQAError


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--chroma-url", help="Chroma server URL (default: persistent store)")
    common.add_argument("--store-dir", type=Path, help="persistent store folder")
    common.add_argument("--collection", help="Chroma collection name")
    common.add_argument("-v", "--verbose", action="store_true", help="log more")

    parser = argparse.ArgumentParser(
        prog="nato-qa", description="Cited answers from news articles on Japan and NATO."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", parents=[common], help="index articles into the store")
    p.add_argument("paths", nargs="*", type=Path, help="files or folders (default: corpus/)")
    p.add_argument("--rebuild", action="store_true", help="drop the store and index afresh")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")

    p = sub.add_parser("ask", parents=[common], help="answer one question")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print the Answer as JSON")
    p.add_argument("--k", type=int, help="passages to retrieve")
    p.add_argument("--backend", "--model", dest="model", help="answer backend")

    p = sub.add_parser("eval", parents=[common], help="run a golden-question file")
    p.add_argument("--golden", type=Path, required=True, help="JSON Lines golden file")
    p.add_argument("--backend", "--model", dest="backends", action="append",
                   help="backend to evaluate; repeat to compare")  # fmt: skip
    p.add_argument("--k", type=int, default=5, help="cut-off for retrieval metrics")
    p.add_argument("--json", dest="json_out", type=Path, help="write metrics JSON here")
    p.add_argument("--report", type=Path, help="write a Markdown report here")
    p.add_argument("--fail-under", action="append", default=[], metavar="METRIC=VALUE",
                   help="exit 1 when a metric misses this floor")  # fmt: skip
    p.add_argument(
        "--peer",
        action="store_true",
        help="also score the naive LangChain tutorial pipeline on the same file",
    )
    p.add_argument("--corpus", type=Path, metavar="DIR",
                   help="ingest DIR into a temporary store and evaluate there")  # fmt: skip
    p.add_argument("--chained", action="store_true",
                   help="follow-ups follow the system's own earlier answers, not the file's")  # fmt: skip

    p = sub.add_parser("serve", parents=[common], help="start the web UI")
    p.add_argument("--host", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default 7860)")
    p.add_argument("--no-ingest", action="store_true", help="don't ingest corpus/ at start")
    return parser


def _settings(args: argparse.Namespace, **extra: Any) -> Settings:
    return load_settings(
        chroma_url=args.chroma_url, store_dir=args.store_dir, collection=args.collection, **extra
    )


def _print_answer(answer: Any) -> None:
    from rich.console import Console
    from rich.markup import escape

    console = Console()
    console.print(escape(answer.text))
    if answer.standalone_question != answer.question:
        console.print(f"[dim]searched for: {escape(answer.standalone_question)}[/dim]")
    for note in answer.notes:
        console.print(f"[yellow]note:[/yellow] {escape(note)}")
    if answer.citations:
        console.print("\n[bold]Sources[/bold]")
    for c in answer.citations:
        by = f"by {c.author}" if c.author else None
        meta = ", ".join(x for x in (c.publisher, by, c.date or "undated") if x)
        console.print(f"[{c.n}] [bold]{escape(c.title)}[/bold] ({escape(meta)}) · {c.doc_id}")
        console.print(f"    “{escape(c.quote)}”", soft_wrap=True)
    if answer.refused and answer.related:
        console.print("\n[bold]Related reading[/bold]")
        for c in answer.related:
            console.print(f"- {escape(c.title)} ({c.date or 'undated'}): {escape(c.quote[:160])}…")


def cmd_ingest(args: argparse.Namespace) -> int:
    from nato_qa.ingest import Progress
    from nato_qa.service import QAService

    settings = _settings(args)
    service = QAService(settings)
    paths = args.paths or [settings.corpus_dir]
    report = service.ingest(
        paths, rebuild=args.rebuild,
        progress=None if args.no_progress else (lambda n: Progress(n, enabled=n > 0)),
    )  # fmt: skip
    for line in report.failed:
        print(f"failed: {line}", file=sys.stderr)
    print(report.summary())
    return 0 if report.ok else 1


def cmd_ask(args: argparse.Namespace) -> int:
    from nato_qa.service import QAService

    with QAService(_settings(args, model=args.model, k=args.k)) as service:
        answer = service.ask(args.question)
    if args.json:
        print(answer.to_json(indent=2))
    else:
        _print_answer(answer)
    return 0


def _eval_settings(args: argparse.Namespace, stack: contextlib.ExitStack) -> Settings:
    """The settings to evaluate with: a temporary store over ``--corpus DIR`` when given."""
    settings = _settings(args)
    if args.corpus is None:
        return settings
    if not args.corpus.is_dir():
        raise NatoQAError(f"--corpus {args.corpus}: no such folder of articles")
    tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="nato-qa-eval-")))
    settings = settings.with_overrides(
        corpus_dir=args.corpus, store_dir=tmp / "vectorstore", data_dir=tmp / "data"
    )
    return settings.model_copy(update={"chroma_url": None})  # never the user's store


def _print_eval(console: Any, title: str, reports: Sequence[Any], peer: Any) -> None:
    from rich.table import Table

    from nato_qa.evaluation import kind_rows, peer_rows

    table = Table(title=title)
    table.add_column("metric")
    for r in reports:
        table.add_column(r.backend, justify="right")
    for name in reports[0].metrics:
        table.add_row(name, *(str(r.metrics.get(name, "-")) for r in reports))
    console.print(table)
    if peer is not None:
        side = Table(title="ours and the peer (LangChain tutorial pipeline, top 5)")
        for col in ("metric", reports[0].backend, "peer"):
            side.add_column(col, justify="right" if col != "metric" else "left")
        for row in peer_rows(reports[0], peer):
            side.add_row(*row)
        console.print(side)
    for r in reports:
        if r.by_kind:
            header, rows = kind_rows(r, peer)
            by_kind = Table(title=f"by kind: {r.backend}")
            for col in header:
                by_kind.add_column(col, justify="left" if col == "kind" else "right")
            for row in rows:
                by_kind.add_row(*row)
            console.print(by_kind)
    for r in reports:
        if r.failures:
            fails = Table(title=f"failures: {r.backend}", show_lines=False)
            for col in ("id", "kind", "question", "expected", "got", "first relevant rank"):
                fails.add_column(col, overflow="fold")
            for f in r.failures:
                got = f.error or ("(refused)" if f.answer and f.answer.refused else "")
                got = got or (f.answer.text[:100] if f.answer else "")
                fails.add_row(f.question.id, f.question.kind or "", f.question.question,
                              ", ".join(f.question.answers) or "(refusal)", got,
                              str(f.first_relevant_rank or "-"))  # fmt: skip
            console.print(fails)


def cmd_eval(args: argparse.Namespace) -> int:
    from rich.console import Console
    from tqdm import tqdm

    from nato_qa.evaluation import (
        evaluate,
        evaluate_peer,
        failed_conditions,
        load_golden,
        parse_conditions,
        report_json,
        report_markdown,
    )  # fmt: skip
    from nato_qa.loaders import SUPPORTED_SUFFIXES
    from nato_qa.service import QAService

    try:
        conditions = parse_conditions(args.fail_under, args.k)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    questions = load_golden(args.golden)  # checks every line before any question is asked
    with contextlib.ExitStack() as stack:
        settings = _eval_settings(args, stack)
        service = stack.enter_context(QAService(settings))
        if args.corpus is not None:
            ingested = service.ingest([args.corpus])
            for line in ingested.failed:
                print(f"failed: {line}", file=sys.stderr)
            print(f"--corpus {args.corpus}: {ingested.summary()}", file=sys.stderr)
        backends = args.backends or [service.settings.model]
        for spec in backends:
            service.backend(spec)  # an unknown backend fails now, not after half the questions
        reports = []
        for spec in backends:
            with tqdm(total=len(questions), desc=f"eval {spec}", unit="q", file=sys.stderr) as bar:
                reports.append(
                    evaluate(service, questions, spec, args.k, lambda: bar.update(1), args.chained)
                )
        peer = None
        if args.peer:
            folder = settings.corpus_dir
            paths = sorted(p for p in folder.rglob("*") if p.suffix.lower() in {".txt", ".md"})
            if not paths:
                raise NatoQAError(f"--peer: no .txt or .md articles in {folder} to index")
            ignored = [p.name for p in folder.rglob("*")
                       if p.is_file() and p.suffix.lower() in set(SUPPORTED_SUFFIXES) - {".txt", ".md"}]  # fmt: skip
            if ignored:
                print(
                    f"--peer reads plain text only; skipped {', '.join(ignored)}", file=sys.stderr
                )
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="nato-qa-peer-")))
            peer = evaluate_peer(paths, questions, tmp)

    console = Console()
    if not console.is_terminal:
        console = Console(width=200)  # a log or a pipe: wide tables, not folded columns
    _print_eval(console, f"{args.golden} ({len(questions)} questions)", reports, peer)
    if args.json_out:
        args.json_out.write_text(json.dumps(report_json(reports, peer), indent=2) + "\n")
    if args.report:
        args.report.write_text(report_markdown(reports, peer))
    misses = [
        f"{r.backend}: {m}" for r in reports for m in failed_conditions(r.metrics, conditions)
    ]
    for miss in misses:
        print(f"fail-under: {miss}", file=sys.stderr)
    return 1 if misses else 0


def cmd_serve(args: argparse.Namespace) -> int:
    from nato_qa.service import QAService
    from nato_qa.ui import launch

    with QAService(_settings(args, host=args.host, port=args.port)) as service:
        if not args.no_ingest:
            report = service.ingest()
            print(report.summary())
        launch(service)
    return 0


COMMANDS = {"ingest": cmd_ingest, "ask": cmd_ask, "eval": cmd_eval, "serve": cmd_serve}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``nato-qa`` command."""
    make_offline()
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s"
    )
    try:
        return COMMANDS[args.command](args)
    except NatoQAError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly, as Unix tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # Python's final flush must not raise again
        return 141


if __name__ == "__main__":
    sys.exit(main())
