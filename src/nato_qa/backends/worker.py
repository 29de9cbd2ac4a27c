"""A local GGUF model in a child process that nato-qa starts, supervises and restarts.

A native crash inside llama.cpp (a segfault, an abort) must never take down the CLI, the web
UI or an evaluation, so the model never runs in nato-qa's own process. As Ollama runs its
llama.cpp runners, ``ModelWorker`` runs llama-cpp-python's OpenAI-compatible server in a
child process on a free 127.0.0.1 port, and the ``llamacpp`` backend talks to it with the
``openai`` backend's client:

* the worker is started on first use and its start-up time recorded (``startup_seconds``);
* before each request ``ensure()`` checks that it is alive and starts a fresh one if not;
* ``stopped()`` says how a dead worker ended ("killed by SIGSEGV"), for the user's note;
* ``stop()`` ends it; the service calls it when it closes, and an ``atexit`` hook when the
  process exits. If nato-qa itself is killed (SIGKILL), the worker notices that its parent
  is gone and exits within a second (``python -m nato_qa.backends.worker`` watches it).
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import weakref
from pathlib import Path

from nato_qa.errors import BackendUnavailableError

log = logging.getLogger(__name__)

MODEL_ALIAS = "local"
_LOG_TAIL = 1500
_live: weakref.WeakSet[ModelWorker] = weakref.WeakSet()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def worker_processes(parent: int) -> list[int]:
    """The pids of running workers started by process ``parent`` (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if b"nato_qa.backends.worker" in argv and state != "Z":
            i = argv.index(b"--parent") if b"--parent" in argv else -1
            if 0 <= i < len(argv) - 1 and argv[i + 1] == str(parent).encode():
                found.append(int(entry.name))
    return found


def describe_exit(returncode: int) -> str:
    """``-11`` -> ``"killed by SIGSEGV"``; ``3`` -> ``"exited with status 3"``."""
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exited with status {returncode}"


class ModelWorker:
    """llama-cpp-python's server for one GGUF file, in a supervised child process.

    Args:
        model_path: the GGUF file.
        n_ctx: the context window.
        threads: llama.cpp threads (default: one per physical core, llama.cpp's own default).
        startup_timeout: seconds to wait for the server to answer after it starts.
    """

    def __init__(
        self,
        model_path: Path,
        n_ctx: int = 2048,
        threads: int | None = None,
        startup_timeout: float = 120.0,
    ) -> None:
        self.model_path = Path(model_path)
        self.n_ctx = n_ctx
        self.threads = threads or max(1, (os.cpu_count() or 2) // 2)
        self.startup_timeout = startup_timeout
        self.startup_seconds: float | None = None
        self.starts = 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._port = 0
        self._lock = threading.Lock()
        self._log_path: Path | None = None
        _live.add(self)

    # -- state ---------------------------------------------------------------------------------

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible API of the running worker (``http://127.0.0.1:PORT/v1``)."""
        return f"http://127.0.0.1:{self._port}/v1"

    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def wait_stopped(self, timeout: float = 1.0) -> str | None:
        """``stopped()``, after waiting up to ``timeout`` s for a dying worker to be reaped."""
        deadline = time.monotonic() + timeout
        while self._proc is not None and self._proc.poll() is None:
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.05)
        return self.stopped()

    def stopped(self) -> str | None:
        """How the last worker ended (``"killed by SIGSEGV"``), or None while it runs."""
        if self._proc is None:
            return None
        code = self._proc.poll()
        return None if code is None else describe_exit(code)

    # -- lifetime ------------------------------------------------------------------------------

    def ensure(self) -> str:
        """The base URL of a running worker, starting one if none runs (or the last died).

        Raises:
            BackendUnavailableError: the worker could not start (the message quotes its log).
        """
        with self._lock:
            if self.alive():
                return self.base_url
            if self._proc is not None:
                log.warning(
                    "the local model worker (pid %s) %s; starting a new one",
                    self._proc.pid, self.stopped(),
                )  # fmt: skip
            self._start()
            return self.base_url

    def _command(self) -> list[str]:
        return [
            sys.executable, "-m", "nato_qa.backends.worker", "--parent", str(os.getpid()), "--",
            "--model", str(self.model_path), "--model_alias", MODEL_ALIAS,
            "--host", "127.0.0.1", "--port", str(self._port),
            "--n_ctx", str(self.n_ctx), "--n_threads", str(self.threads),
            "--n_threads_batch", str(self.threads),
        ]  # fmt: skip

    def _start(self) -> None:
        started = time.monotonic()
        self._port = free_port()
        handle, name = tempfile.mkstemp(prefix="nato-qa-worker-", suffix=".log")
        self._log_path = Path(name)
        env = dict(os.environ, OMP_WAIT_POLICY="PASSIVE")
        with os.fdopen(handle, "wb") as out:  # a file, not a pipe: llama.cpp logs a lot
            self._proc = subprocess.Popen(
                self._command(), stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, env=env,
            )  # fmt: skip
        self.starts += 1
        deadline = started + self.startup_timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise BackendUnavailableError(
                    f"the local model worker for {self.model_path.name} {self.stopped()} while "
                    f"starting: {self.log_tail()}"
                )
            if _answers(f"{self.base_url}/models"):
                self.startup_seconds = round(time.monotonic() - started, 3)
                log.info(
                    "local model worker pid %s on %s, ready in %.1f s",
                    self._proc.pid, self.base_url, self.startup_seconds,
                )  # fmt: skip
                return
            time.sleep(0.1)
        self._terminate()
        raise BackendUnavailableError(
            f"the local model worker for {self.model_path.name} did not answer within "
            f"{self.startup_timeout:g} s: {self.log_tail()}"
        )

    def log_tail(self) -> str:
        """The last lines the worker printed (for error messages)."""
        if self._log_path is None or not self._log_path.exists():
            return "(no log)"
        text = self._log_path.read_text(encoding="utf-8", errors="replace").strip()
        tail = text[-_LOG_TAIL:].strip()
        return " / ".join(line for line in tail.splitlines() if line.strip()) or "(empty log)"

    def stop(self) -> None:
        """End the worker (if it runs) and remove its log."""
        with self._lock:
            self._terminate()
            if self._log_path is not None:
                with contextlib.suppress(OSError):
                    self._log_path.unlink()
                self._log_path = None

    def _terminate(self) -> None:
        proc = self._proc
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as reply:
            return bool(reply.status == 200)
    except OSError:
        return False


@atexit.register
def _stop_all() -> None:
    for worker in list(_live):
        with contextlib.suppress(Exception):
            worker.stop()


# -- the child process -------------------------------------------------------------------------


def _watch_parent(parent: int) -> None:
    """Exit at once when the process that started us is gone (even if it was SIGKILLed)."""
    while True:
        if os.getppid() != parent:
            os._exit(0)
        time.sleep(0.5)


def main(argv: list[str] | None = None) -> None:
    """``python -m nato_qa.backends.worker --parent PID -- SERVER-ARGS``: llama_cpp.server."""
    import runpy

    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) < 3 or args[0] != "--parent" or args[2] != "--":
        sys.exit("usage: python -m nato_qa.backends.worker --parent PID -- SERVER-ARGS")
    parent = int(args[1])
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    sys.argv = ["llama_cpp.server", *args[3:]]
    runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
