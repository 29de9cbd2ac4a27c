"""Many gradio_client users at once against the running app (extractive backend, loopback only).

Every answer must be well formed and the same as the one the service gives a single caller:
concurrency may slow answers down but never change or break them.
"""

from __future__ import annotations

import json
import statistics
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gradio_client import Client

from nato_qa import QAService
from nato_qa.embedders.minilm import MiniLMEmbedder as Embedder
from nato_qa.ui import launch

from ..conftest import GOLDEN, free_port
from .conftest import STRESS_RESULTS, check_answer, shared_service

QUESTIONS = [json.loads(line)["question"] for line in GOLDEN.read_text().splitlines() if line]
REQUEST_TIMEOUT = 120.0  # seconds a single user may wait for all its answers, beyond the start


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def _questions_of(user: int, per_user: int) -> list[str]:
    """Each user its own run of golden questions; users overlap so that answers can race."""
    start = (user * 7) % len(QUESTIONS)
    return [QUESTIONS[(start + j) % len(QUESTIONS)] for j in range(per_user)]


def run_load(
    reference: QAService, url: str, users: int, per_user: int, deadline: float
) -> dict[str, Any]:
    """``users`` threads, each its own gradio_client session asking ``per_user`` questions.

    ``reference`` answers every question once, alone, beforehand: what each user must get.
    """
    expected = {  # through JSON, as the client receives it
        q: json.loads(reference.ask(q).to_json())
        for u in range(users)
        for q in _questions_of(u, per_user)
    }
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(users)

    def user(u: int) -> None:
        try:
            client = Client(url, verbose=False)
            barrier.wait(timeout=60)
            for q in _questions_of(u, per_user):
                t0 = time.perf_counter()
                answer = client.predict(q, [], api_name="/ask")
                elapsed = time.perf_counter() - t0
                check_answer(answer, reference.articles)
                want = expected[q]
                assert (answer["text"], answer["citations"]) == (want["text"], want["citations"]), (
                    f"user {u}: the answer to {q!r} differs from the single-caller answer"
                )
                with lock:
                    latencies.append(elapsed)
        except BaseException as exc:  # reported below, with the user that saw it
            with lock:
                errors.append(f"user {u}: {type(exc).__name__}: {exc}"[:600])

    threads = [threading.Thread(target=user, args=(u,), daemon=True) for u in range(users)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(0.0, deadline - time.monotonic()))
    wall = time.perf_counter() - started
    hung = sum(t.is_alive() for t in threads)
    if hung:
        errors.append(f"{hung} user(s) still waiting after the deadline")
    return {
        "users": users,
        "questions": per_user,
        "requests": len(latencies),
        "errors": len(errors),
        "error_list": errors,
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p95": _percentile(latencies, 95),
        "max": max(latencies, default=float("nan")),
        "throughput": len(latencies) / wall if wall else 0.0,
        "wall": wall,
    }


def serve(service: QAService) -> Iterator[str]:
    app = launch(service, server_port=free_port(), prevent_thread_lock=True, quiet=True)
    try:
        assert app.local_url.startswith("http://127.0.0.1:")
        yield app.local_url
    finally:
        app.close()


@pytest.mark.slow
def test_concurrent_users_get_well_formed_identical_answers(service: QAService) -> None:
    users, per_user = 8, 3
    for url in serve(service):
        result = run_load(service, url, users, per_user, time.monotonic() + 150)
    assert not result["error_list"], "\n".join(result["error_list"])
    assert result["requests"] == users * per_user
    STRESS_RESULTS.append({"name": "ci 8x3", "concurrency": service.settings.concurrency, **result})


@pytest.mark.slow
@pytest.mark.stress
@pytest.mark.parametrize("concurrency", [1, 2, 4, 8])
def test_stress_32_users_by_concurrency(
    service: QAService, embedder: Embedder, tmp_path: Path, concurrency: int
) -> None:
    """32 users x 10 questions against an app whose queue runs ``concurrency`` answers at once.

    Each setting gets a fresh service (cold caches) over the same store, warmed up with one
    question, so that the settings are compared on equal terms.
    """
    settings = service.settings.with_overrides(concurrency=concurrency)
    fresh = shared_service(settings, embedder)
    fresh.warm_up()
    fresh.ask(QUESTIONS[0])
    users, per_user = 32, 10
    for url in serve(fresh):
        result = run_load(service, url, users, per_user, time.monotonic() + 900)
    STRESS_RESULTS.append({"name": "stress 32x10", "concurrency": concurrency, **result})
    print(
        f"\nconcurrency={concurrency}: p50={result['p50']:.3f}s p95={result['p95']:.3f}s "
        f"max={result['max']:.3f}s throughput={result['throughput']:.2f} req/s "
        f"wall={result['wall']:.1f}s errors={result['errors']}"
    )
    assert not result["error_list"], "\n".join(result["error_list"][:10])
    assert result["requests"] == users * per_user
