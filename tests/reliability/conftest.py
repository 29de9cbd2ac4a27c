"""Reliability helpers: the ``--stress`` option, a restartable ``chroma run``, a small tmpfs.

The fixtures of ``tests/conftest.py`` (``service``, ``fresh_service``, ``embedder``) apply here
too. Tests marked ``stress`` run only with ``--stress``; pass it with this folder on the command
line (``pytest tests/reliability --stress``), since pytest reads options from the conftest
files of the folders it is given.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from nato_qa import QAService
from nato_qa.embedders.minilm import MiniLMEmbedder as Embedder

from ..conftest import free_port, make_settings

# Figures the stress tests measured, printed at the end of the run.
STRESS_RESULTS: list[dict[str, Any]] = []


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--stress", action="store_true", default=False,
        help="also run the heavy reliability tests (32 users x 10 questions at concurrency "
        "1, 2, 4 and 8; every SIGKILL point; the full-disk rebuild)",
    )  # fmt: skip


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "stress: heavy; runs only with --stress")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--stress"):
        return
    skip = pytest.mark.skip(reason="heavy: run with --stress")
    for item in items:
        if "stress" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not STRESS_RESULTS:
        return
    tr = terminalreporter
    tr.section("nato-qa load figures (client-side latency of /ask, seconds)")
    tr.write_line(
        f"{'run':<28} {'conc.':>5} {'users':>5} {'q/user':>6} {'requests':>8} {'errors':>6} "
        f"{'p50':>7} {'p95':>7} {'max':>7} {'req/s':>7} {'wall':>7}"
    )
    for r in STRESS_RESULTS:
        tr.write_line(
            f"{r['name']:<28} {r['concurrency']:>5} {r['users']:>5} {r['questions']:>6} "
            f"{r['requests']:>8} {r['errors']:>6} {r['p50']:>7.3f} {r['p95']:>7.3f} "
            f"{r['max']:>7.3f} {r['throughput']:>7.2f} {r['wall']:>7.1f}"
        )


# -- shared helpers ---------------------------------------------------------------------------


def shared_service(settings: Any, embedder: Embedder) -> QAService:
    """A service over ``settings`` that reuses the already loaded embedding model."""
    svc = QAService(settings)
    svc.__dict__["embedder"] = embedder
    return svc


@pytest.fixture(scope="session")
def warm_service(service: QAService) -> QAService:
    """The session service after one answer: the models are loaded and the first-call costs paid.

    Property tests run under hypothesis deadlines; the first answer's one-off work would
    otherwise count against the first example.
    """
    service.ask("Who heads Japan's mission to NATO?")
    return service


def store_state(service: QAService) -> tuple[list[str], int]:
    """The chunk ids in the store and its count: what a clean ingest must reproduce."""
    chunks, _ = service.store.all_chunks()
    return sorted(c.chunk_id for c in chunks), service.store.count()


def check_answer(answer: Mapping[str, Any], articles: Mapping[str, Any]) -> None:
    """An Answer dict is well formed: text, a refused flag, citations that quote exactly."""
    assert isinstance(answer.get("text"), str) and answer["text"].strip(), answer
    assert isinstance(answer.get("refused"), bool), answer
    citations = answer.get("citations")
    assert isinstance(citations, list), answer
    if answer["refused"]:
        assert citations == [], answer
        return
    assert citations, f"an answer that is not refused cites nothing: {answer}"
    assert [c["n"] for c in citations] == list(range(1, len(citations) + 1)), citations
    for c in citations:
        article = articles[c["doc_id"]]
        assert article.text[c["start"] : c["end"]] == c["quote"], c
        assert c["quote"].strip(), c
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", answer["text"])}
    assert markers and markers <= {c["n"] for c in citations}, answer["text"]


def wait_for_port(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f} s")


class ChromaServer:
    """``chroma run`` on 127.0.0.1 that a test can kill, freeze and start again (same port, path)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        chroma = Path(sys.executable).with_name("chroma")
        self.proc = subprocess.Popen(
            [str(chroma), "run", "--host", "127.0.0.1", "--port", str(self.port),
             "--path", str(self.path)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(self.port)

    def kill(self) -> None:
        """SIGKILL: no goodbye to the clients."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(timeout=30)
            self.proc = None
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # the port is free again before a restart
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) != 0:
                    return
            time.sleep(0.1)

    def freeze(self) -> None:
        """SIGSTOP: the port accepts connections but nothing ever answers."""
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGCONT)


@pytest.fixture
def chroma(tmp_path: Path) -> Iterator[ChromaServer]:
    server = ChromaServer(tmp_path / "chroma-data")
    server.start()
    try:
        yield server
    finally:
        if server.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                server.thaw()
        server.kill()


@contextlib.contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    """A small tmpfs at ``path`` (needs CAP_SYS_ADMIN; the test is skipped without it)."""
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip() or done.returncode})")
    try:
        yield path
    finally:
        for opts in ([], ["-l"]):  # lazy unmount if something still holds a file open
            if subprocess.run(["umount", *opts, str(path)], capture_output=True).returncode == 0:
                break


def fill_disk(folder: Path) -> Path:
    """Write zeros into ``folder`` until the file system is full; returns the filler file."""
    filler = folder / "filler.bin"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        while True:
            os.write(fd, b"\0" * 65536)
    except OSError:
        pass
    try:  # the last small blocks too
        while True:
            os.write(fd, b"\0" * 512)
    except OSError:
        pass
    finally:
        os.close(fd)
    return filler


__all__ = [
    "STRESS_RESULTS",
    "ChromaServer",
    "check_answer",
    "fill_disk",
    "make_settings",
    "shared_service",
    "store_state",
    "tmpfs",
    "wait_for_port",
]
