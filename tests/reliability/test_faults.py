"""Faults: a Chroma server that dies or freezes, ingestion killed with SIGKILL, a damaged or
read-only store. The app must say what is wrong and how to fix it, keep the last good index,
and recover without a restart once the cause is gone.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import select
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

from nato_qa import QAService, Settings, cli
from nato_qa.chunking import chunk_article, sentence_spans
from nato_qa.embedders.minilm import MiniLMEmbedder as Embedder
from nato_qa.errors import NatoQAError, StoreUnavailableError
from nato_qa.keyword import vocabulary
from nato_qa.loaders import load_article
from nato_qa.ui import add_upload, launch

from ..conftest import CORPUS, copy_corpus, free_port, make_settings
from .conftest import (
    ChromaServer,
    check_answer,
    fill_disk,
    shared_service,
    store_state,
    tmpfs,
)

QUESTION = "Who heads Japan's independent mission to NATO?"
HELD_OUT = "japan-seeks-role-in-nato-ukraine-mission"
MISSION = [
    "japan-establishes-diplomatic-mission-to-nato",
    "japan-launches-independent-mission-to-nato",
]
FIRST, SECOND = (
    "japan-deepens-cooperation-with-nato",
    "japan-establishes-diplomatic-mission-to-nato",
)


def copy_articles(dest: Path, doc_ids: list[str]) -> Path:
    """A corpus folder with a few of the articles (small: less to embed, faster tests)."""
    dest.mkdir(parents=True, exist_ok=True)
    for doc_id in doc_ids:
        shutil.copyfile(CORPUS / f"{doc_id}.txt", dest / f"{doc_id}.txt")
    return dest


def reference_state(reference: QAService, doc_ids: list[str]) -> tuple[list[str], int]:
    """What a clean ingest of ``doc_ids`` holds (chunk ids depend on the article alone)."""
    ids = [c for c in store_state(reference)[0] if c.split(":")[0] in doc_ids]
    return ids, len(ids)


# -- a Chroma server that dies, comes back, freezes, or comes back empty ----------------------


@pytest.fixture(scope="module")
def server_mode(
    tmp_path_factory: pytest.TempPathFactory, embedder: Embedder
) -> Iterator[tuple[ChromaServer, QAService, str]]:
    """The corpus in a ``chroma run`` server, and the app serving it."""
    tmp = tmp_path_factory.mktemp("server-mode")
    server = ChromaServer(tmp / "chroma-data")
    server.start()
    copy_articles(tmp / "corpus", MISSION)
    svc = shared_service(make_settings(tmp, chroma_url=server.url), embedder)
    app = None
    try:
        assert svc.ingest().ok
        app = launch(svc, server_port=free_port(), prevent_thread_lock=True, quiet=True)
        yield server, svc, app.local_url
    finally:
        if app is not None:
            app.close()
        if server.proc is not None:
            server.thaw()
        server.kill()


def _chat_message(client: Client, question: str) -> str:
    chat, _ = Client(client.src, verbose=False).predict(question, "extractive", 5, api_name="/chat")
    content = chat[-1]["content"]
    return "".join(c.get("text", "") for c in content) if isinstance(content, list) else content


@pytest.mark.slow
def test_killed_chroma_server_is_a_clear_error_then_recovers_without_restart(
    server_mode: tuple[ChromaServer, QAService, str], embedder: Embedder
) -> None:
    server, svc, url = server_mode
    client = Client(url, verbose=False)
    before = svc.ask(QUESTION)
    check_answer(client.predict(QUESTION, [], api_name="/ask"), svc.articles)

    server.kill()
    with pytest.raises(StoreUnavailableError, match=r"does not answer.*chroma run"):
        svc.ask(QUESTION)
    with pytest.raises(StoreUnavailableError, match="does not answer"):
        svc.ingest()
    with pytest.raises(AppError, match="does not answer") as info:
        client.predict(QUESTION, [], api_name="/ask")
    assert "Traceback" not in str(info.value)
    message = _chat_message(client, QUESTION)
    assert "nqa-error" in message and "does not answer" in message
    started_in_outage = shared_service(svc.settings, embedder)  # an app started while it is down
    with pytest.raises(StoreUnavailableError, match="does not answer"):
        started_in_outage.ask(QUESTION)

    server.start()  # same port, same data folder; the app and the services keep running
    after = svc.ask(QUESTION)
    assert (after.text, after.citations) == (before.text, before.citations)
    check_answer(client.predict(QUESTION, [], api_name="/ask"), svc.articles)
    assert "nqa-error" not in _chat_message(client, QUESTION)
    check_answer(started_in_outage.ask(QUESTION).to_dict(), svc.articles)
    assert svc.ingest().chunks_written == 0  # the store is whole: nothing to redo


@pytest.mark.slow
def test_chroma_server_back_empty_can_be_reingested_without_restart(
    server_mode: tuple[ChromaServer, QAService, str], tmp_path: Path
) -> None:
    server, svc, _url = server_mode
    original = server.path
    try:
        server.kill()
        server.path = tmp_path / "empty-chroma-data"
        server.start()
        with pytest.raises(NatoQAError):  # clear at least: the store lost its data
            svc.ask(QUESTION)
        report = svc.ingest()
        assert sorted(report.added) == MISSION
        check_answer(svc.ask(QUESTION).to_dict(), svc.articles)
    finally:
        server.kill()
        server.path = original
        server.start()


FROZEN_WAIT = 6.0  # seconds; a fix would time store calls out well before this


@pytest.mark.slow
def test_frozen_chroma_server_fails_within_a_bounded_time(
    server_mode: tuple[ChromaServer, QAService, str], embedder: Embedder
) -> None:
    server, svc, _url = server_mode
    if "store_timeout" in Settings.model_fields:  # the setting the fix is expected to add
        svc = shared_service(svc.settings.with_overrides(store_timeout=2.0), embedder)
        svc.ask(QUESTION)  # connected and loaded before the freeze
    outcome: dict[str, Any] = {}

    def ask() -> None:
        try:
            outcome["answer"] = svc.ask("Which naval base did Rutte visit?")
        except Exception as exc:
            outcome["error"] = exc

    server.freeze()
    worker = threading.Thread(target=ask, daemon=True)
    try:
        worker.start()
        worker.join(timeout=FROZEN_WAIT)
        hung = worker.is_alive()
    finally:
        server.kill()  # the blocked request ends with a connection error
        server.start()
        worker.join(timeout=30)
    assert not hung, f"a question waited over {FROZEN_WAIT} s for a frozen Chroma server"
    assert isinstance(outcome.get("error"), StoreUnavailableError)


# -- ingestion killed with SIGKILL ------------------------------------------------------------

# Each stage brings the store to a state, then stops at one point and waits to be killed.
# tests/test_ingest.py kills before the 2nd chunk upsert, the 3rd write of article records and the 4th
# chunk deletion; CI here adds two points between other writes, --stress runs the rest.
_KILL_SCRIPT = r"""
import json, sys, time
from pathlib import Path
import numpy as np
from nato_qa import QAService, load_settings
EDIT = ("led by Osamu Izawa", "led by Ambassador Osamu Izawa")
stage, tmp, held_out, table = sys.argv[1], Path(sys.argv[2]), sys.argv[3] + ".txt", Path(sys.argv[4])
svc = QAService(load_settings(store_dir=tmp / "vectorstore", data_dir=tmp / "data",
                              corpus_dir=tmp / "corpus", embed_batch_size=4))
meta = json.loads(table.with_suffix(".json").read_text(encoding="utf-8"))
vectors = dict(zip(meta["texts"], np.load(table.with_suffix(".npy"))))
rows = np.split(np.load(table.with_suffix(".sentences.npy")), np.cumsum(meta["counts"])[:-1])
sentences = dict(zip(meta["texts"], rows))
vectors.update(zip(meta["words"], np.load(table.with_suffix(".words.npy"))))

class Precomputed:  # the packaged model's own vectors, computed by the test process
    name, batch_size, dimension = meta["name"], 4, meta["dimension"]
    def encode(self, texts, progress=False):
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        return np.stack([vectors[t] for t in texts]).astype(np.float32)
    def encode_one(self, text):
        return self.encode([text])[0]
    def encode_words(self, words):
        return self.encode(words)
    encode_queries = encode_passages = encode
    def encode_passages_and_sentences(self, texts, spans):
        return self.encode(texts), [sentences[t] for t in texts]

svc.__dict__["embedder"] = Precomputed()
corpus, parked = tmp / "corpus", tmp / "parked"
parked.mkdir(exist_ok=True)

def pause(where):
    print("READY", where, flush=True)
    time.sleep(600)

def patch(owner, name, before=None, after=None):
    real = getattr(owner, name)
    def wrapped(*args, **kwargs):
        if before and before(*args, **kwargs):
            pause(f"before {name}")
        result = real(*args, **kwargs)
        if after and after(*args, **kwargs):
            pause(f"after {name}")
        return result
    setattr(owner, name, wrapped)

calls = {}
def nth(name, n):
    def check(*args, **kwargs):
        calls[name] = calls.get(name, 0) + 1
        return calls[name] >= n
    return check

if stage == "keyword-swap":  # four articles indexed; the fifth's run dies mid-swap of BM25
    (corpus / held_out).rename(parked / held_out)
    svc.ingest()
    (parked / held_out).rename(corpus / held_out)
    import os
    patch(os, "replace", before=lambda src, dst, *a, **k: Path(src).name.startswith(".keyword-"))
    svc.ingest()
elif stage == "after-reset":  # --rebuild dies after dropping the collections
    svc.ingest()
    from nato_qa.store import VectorStore
    patch(VectorStore, "reset", after=lambda *a, **k: True)
    svc.ingest(rebuild=True)
elif stage == "article-record-deleted":  # a removed file: its record gone, its chunks not yet
    svc.ingest()
    (corpus / held_out).rename(parked / held_out)
    from chromadb.api.models.Collection import Collection
    patch(Collection, "delete", before=lambda *a, **k: bool(k.get("where")))
    svc.ingest()
elif stage in ("upsert_chunks#2", "put_articles#3"):  # as in tests/test_ingest.py
    from nato_qa.store import VectorStore
    name, n = stage.split("#")
    patch(VectorStore, name, before=nth(name, int(n)))
    svc.ingest()
elif stage == "stale-chunks":  # an edited article: new chunks written, old ones not yet deleted
    svc.ingest()
    path = corpus / "japan-establishes-diplomatic-mission-to-nato.txt"
    path.write_text(path.read_text().replace(*EDIT))
    from nato_qa.store import VectorStore
    patch(VectorStore, "delete_chunks", before=lambda self, ids: bool(ids))
    svc.ingest()
elif stage == "random-write":  # killed at a random moment once writing has begun
    from nato_qa.store import VectorStore
    real = VectorStore.upsert_chunks
    def first(self, *args, **kwargs):
        if not calls:
            calls["w"] = 1
            print("READY writing", flush=True)
        return real(self, *args, **kwargs)
    VectorStore.upsert_chunks = first
    svc.ingest()
print("DONE", flush=True)
"""

EDIT = ("led by Osamu Izawa", "led by Ambassador Osamu Izawa")
CI_STAGES = ["keyword-swap", "after-reset"]
STRESS_STAGES = ["article-record-deleted", "stale-chunks", "upsert_chunks#2", "put_articles#3"]


@pytest.fixture(scope="module")
def vector_table(
    tmp_path_factory: pytest.TempPathFactory, service: QAService, embedder: Embedder
) -> Path:
    """Every chunk text the kill runs can meet, with the packaged model's vector for it.

    The killed process embeds by looking these up instead of loading torch and the model:
    what it writes is what the model would write, and it starts in a second, not fifteen.
    """
    chunks, _ = service.store.all_chunks()
    settings = service.settings
    extra: list[str] = []
    for path in sorted(CORPUS.glob("*.txt")):
        article = load_article(path, settings.max_file_bytes)
        extra.append(article.title)
        edited = path.read_text(encoding="utf-8").replace(*EDIT)
        if edited != path.read_text(encoding="utf-8"):
            copy = tmp_path_factory.mktemp("edited") / path.name
            copy.write_text(edited, encoding="utf-8")
            article = load_article(copy, settings.max_file_bytes)
            extra.extend(c.text for c in chunk_article(article, settings.chunk_size,
                                                       settings.chunk_overlap))  # fmt: skip
    texts = list(dict.fromkeys([c.text for c in chunks] + extra))
    vectors, sentences = embedder.encode_passages_and_sentences(
        texts, [sentence_spans(t) for t in texts]
    )
    out = tmp_path_factory.mktemp("vectors") / "table"
    words = vocabulary(texts)  # for query expansion, embedded one by one at ingestion
    meta = {"name": embedder.name, "dimension": embedder.dimension,
            "texts": texts, "counts": [len(rows) for rows in sentences], "words": words}  # fmt: skip
    out.with_suffix(".json").write_text(json.dumps(meta), encoding="utf-8")
    np.save(out.with_suffix(".words.npy"), embedder.encode(words).astype(np.float32))
    np.save(out.with_suffix(".npy"), vectors.astype(np.float32))
    np.save(out.with_suffix(".sentences.npy"), np.concatenate(sentences).astype(np.float32))
    return out


def _start_kill_run(stage: str, tmp: Path, table: Path) -> subprocess.Popen[str]:
    copy_corpus(tmp / "corpus")
    script = tmp / "kill.py"
    script.write_text(_KILL_SCRIPT, encoding="utf-8")
    return subprocess.Popen(
        [sys.executable, str(script), stage, str(tmp), HELD_OUT, str(table)],
        stdout=subprocess.PIPE, stderr=(tmp / "kill.err").open("w"), text=True,
    )  # fmt: skip


def _kill_when_ready(proc: subprocess.Popen[str], timeout: float, delay: float = 0.0) -> str:
    """Wait for the READY line, SIGKILL the process (after ``delay``), return the line."""
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    line = proc.stdout.readline() if ready else ""
    if delay:
        time.sleep(delay)
    proc.kill()
    proc.wait(timeout=30)
    err = Path(proc.args[3]) / "kill.err"  # type: ignore[index]
    tail = err.read_text(encoding="utf-8")[-1500:] if err.exists() else ""
    assert line.startswith("READY"), f"never reached the kill point ({line!r}); stderr: {tail}"
    return line


def _expected(reference: QAService, stage: str) -> tuple[list[str], int]:
    """The clean ingest's chunk ids (ids are deterministic: same files, same ids)."""
    ids, _ = store_state(reference)
    if stage == "article-record-deleted":
        ids = [c for c in ids if not c.startswith(HELD_OUT + ":")]
    return ids, len(ids)


def _recover_and_compare(
    tmp: Path, stage: str, reference: QAService, embedder: Embedder
) -> QAService:
    """Run ingestion again over the killed store: it must equal a clean ingest of the corpus."""
    if stage == "article-record-deleted":
        assert not (tmp / "corpus" / f"{HELD_OUT}.txt").exists()
    svc = shared_service(make_settings(tmp), embedder)
    if stage == "stale-chunks":  # the corpus now holds an edited article: ingest it cleanly
        shutil.copytree(tmp / "corpus", tmp / "clean" / "corpus")
        expected = store_state(_ingested(shared_service(make_settings(tmp / "clean"), embedder)))
    else:
        expected = _expected(reference, stage)
    _check_killed_state(svc, stage, expected[0])
    report = svc.ingest()
    assert report.ok, report.failed
    state = store_state(svc)
    assert state == expected, f"{stage}: the recovered store differs from a clean ingest"
    ids = sorted(kc.chunk.chunk_id for kc in svc.keyword.chunks)
    assert ids == state[0], f"{stage}: the keyword index is out of step with the store"
    leftovers = [p.name for p in svc.settings.keyword_dir.parent.glob(".keyword-*")]
    leftovers += [p.name for p in svc.settings.keyword_dir.parent.glob("keyword.old")]
    assert not leftovers, f"{stage}: a killed save left {leftovers} behind"
    assert set(svc.articles) == {c.split(":")[0] for c in state[0]}
    check_answer(svc.ask(QUESTION).to_dict(), svc.articles)
    return svc


def _check_killed_state(svc: QAService, stage: str, expected: list[str]) -> None:
    """The kill left the store in the half-done state the stage aims at (read directly)."""
    articles, chunks = set(svc.store.articles()), svc.store.chunk_ids()
    if stage == "keyword-swap":
        assert len(articles) == 5 and not (svc.settings.keyword_dir / "chunks.json").exists()
    elif stage == "after-reset":
        assert not articles and not chunks
    elif stage == "article-record-deleted":
        assert HELD_OUT not in articles and HELD_OUT in chunks.values()  # orphaned chunks
    elif stage == "stale-chunks":
        assert set(chunks) - set(expected), "no stale chunk was left by the kill"
    elif stage in ("upsert_chunks#2", "put_articles#3"):
        assert len(articles) < 5


def _ingested(svc: QAService) -> QAService:
    assert svc.ingest().ok
    return svc


@pytest.fixture(scope="module")
def killed_ci_runs(tmp_path_factory: pytest.TempPathFactory, vector_table: Path) -> dict[str, Path]:
    """The CI stages, started together, each killed at its point."""
    runs = {s: tmp_path_factory.mktemp(s.replace("#", "-")) for s in CI_STAGES}
    procs = {s: _start_kill_run(s, tmp, vector_table) for s, tmp in runs.items()}
    errors = []
    for stage, proc in procs.items():
        try:
            _kill_when_ready(proc, timeout=240)
        except AssertionError as exc:
            errors.append(f"{stage}: {exc}")
    assert not errors, errors
    return runs


@pytest.mark.slow
@pytest.mark.parametrize("stage", CI_STAGES)
def test_sigkill_between_writes_is_completed_by_the_next_run(
    stage: str, killed_ci_runs: dict[str, Path], service: QAService, embedder: Embedder
) -> None:
    tmp = killed_ci_runs[stage]
    if stage == "keyword-swap":  # the kill left the old index aside and the new one unplaced
        assert not (tmp / "vectorstore" / "keyword").exists()
    _recover_and_compare(tmp, stage, service, embedder)


@pytest.mark.slow
@pytest.mark.stress
@pytest.mark.parametrize("stage", STRESS_STAGES)
def test_sigkill_at_every_other_point_is_completed_by_the_next_run(
    stage: str, tmp_path: Path, service: QAService, embedder: Embedder, vector_table: Path
) -> None:
    proc = _start_kill_run(stage, tmp_path, vector_table)
    _kill_when_ready(proc, timeout=240)
    _recover_and_compare(tmp_path, stage, service, embedder)


@pytest.mark.slow
@pytest.mark.stress
@pytest.mark.parametrize("seed", range(4))
def test_sigkill_at_a_random_moment_of_writing(
    seed: int, tmp_path: Path, service: QAService, embedder: Embedder, vector_table: Path
) -> None:
    proc = _start_kill_run("random-write", tmp_path, vector_table)
    _kill_when_ready(proc, timeout=240, delay=random.Random(seed).uniform(0.0, 1.0))
    _recover_and_compare(tmp_path, "random-write", service, embedder)


# -- a damaged store: the message says how to rebuild, the CLI exits 2, no loop ---------------


@contextlib.contextmanager
def cli_sharing(embedder: Embedder, data_dir: Path) -> Iterator[None]:
    """Run ``cli.main`` in-process with the model already loaded."""

    class Shared(QAService):
        def __init__(self, settings: Any = None) -> None:
            super().__init__(settings)
            self.__dict__["embedder"] = embedder

    env = {"NATO_QA_DATA_DIR": str(data_dir), "NATO_QA_MODEL": "extractive"}
    with mock.patch("nato_qa.service.QAService", Shared), mock.patch.dict(os.environ, env):
        yield


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(argv))
    assert "Traceback" not in out.getvalue() + err.getvalue(), err.getvalue()[-2000:]
    return code, out.getvalue(), err.getvalue()


def new_process(store: Path) -> None:
    """Forget Chroma's in-process client for ``store``, as a new ``nato-qa`` process would.

    chromadb caches one System per path and keeps it even when it failed to start.
    """
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient._identifier_to_system.pop(str(store), None)
    SharedSystemClient._identifier_to_refcount.pop(str(store), None)


@pytest.fixture(scope="module")
def good_store(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Path:
    """A complete store, written by a service that is then closed (safe to copy)."""
    tmp = tmp_path_factory.mktemp("good-store")
    copy_corpus(tmp / "corpus")
    svc = shared_service(make_settings(tmp), embedder)
    assert svc.ingest().ok
    svc.store._client.close()
    return tmp / "vectorstore"


def _segments(store: Path) -> list[Path]:
    return [p for p in store.iterdir() if p.is_dir() and p.name != "keyword"]


def _set_migration_hash(store: Path) -> None:
    with contextlib.closing(sqlite3.connect(store / "chroma.sqlite3")) as db:
        db.execute("UPDATE migrations SET hash = 'f00d' WHERE version = "
                   "(SELECT MAX(version) FROM migrations WHERE dir = 'sysdb') AND dir = 'sysdb'")  # fmt: skip
        db.commit()


STORE_DAMAGE = {
    "sqlite-garbage": lambda s: (s / "chroma.sqlite3").write_bytes(b"not a database " * 512),
    "sqlite-truncated": lambda s: (s / "chroma.sqlite3").write_bytes(
        (s / "chroma.sqlite3").read_bytes()[:8192]
    ),
    "version-mismatch": _set_migration_hash,  # written by another chromadb schema version
    "store-is-a-file": lambda s: (shutil.rmtree(s), s.write_text("oops")),
}
SEGMENT_DAMAGE = {
    "hnsw-header-garbage": lambda s: [(p / "header.bin").write_bytes(os.urandom(100)) for p in _segments(s)],
    "hnsw-data-truncated": lambda s: [(p / "data_level0.bin").write_bytes(b"\0" * 64) for p in _segments(s)],
    "segments-missing": lambda s: [shutil.rmtree(p) for p in _segments(s)],
}  # fmt: skip
KEYWORD_DAMAGE = {
    "chunks-json-garbage": lambda k: (k / "chunks.json").write_text("{not json"),
    "chunks-json-wrong-shape": lambda k: (k / "chunks.json").write_text(
        '{"version": 1, "fingerprint": "x", "chunks": [[1, 2]]}'
    ),
    "bm25-vocab-garbage": lambda k: (k / "bm25" / "vocab.index.json").write_text("garbage"),
    "bm25-array-garbage": lambda k: (k / "bm25" / "data.csc.index.npy").write_bytes(b"\x93NUMPY!"),
    "bm25-missing": lambda k: shutil.rmtree(k / "bm25"),
}


def _damaged(good_store: Path, tmp_path: Path, damage: Any) -> Path:
    store = tmp_path / "vectorstore"
    shutil.copytree(good_store, store)
    copy_corpus(tmp_path / "corpus")
    damage(store)
    return store


@pytest.mark.slow
@pytest.mark.parametrize("damage", list(STORE_DAMAGE))
def test_damaged_store_exits_2_with_how_to_rebuild(
    damage: str, good_store: Path, tmp_path: Path, embedder: Embedder
) -> None:
    store = _damaged(good_store, tmp_path, STORE_DAMAGE[damage])
    with cli_sharing(embedder, tmp_path / "data"):
        for argv in (["ask", QUESTION], ["ingest", str(tmp_path / "corpus"), "--no-progress"]):
            code, _out, err = run_cli(*argv, "--store-dir", str(store))
            assert code == 2, (argv, err)
            assert err.startswith("error: ") and err.count("\n") == 1, err  # one line
            assert "--rebuild" in err and f"delete {store}" in err, err
        # The way out the message gives works: delete the folder and ingest again.
        new_process(store)
        shutil.rmtree(store) if store.is_dir() else store.unlink()
        one = copy_articles(tmp_path / "one", [SECOND])
        code, out, err = run_cli("ingest", str(one), "--no-progress", "--store-dir", str(store))
        assert code == 0 and "1 added" in out, err
        code, out, _ = run_cli("ask", QUESTION, "--store-dir", str(store))
        assert code == 0 and "Izawa" in out


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["sqlite-garbage", "version-mismatch"])
def test_damaged_store_is_repaired_by_the_advised_rebuild(
    damage: str, good_store: Path, tmp_path: Path, embedder: Embedder
) -> None:
    store = _damaged(good_store, tmp_path, STORE_DAMAGE[damage])
    with cli_sharing(embedder, tmp_path / "data"):
        code, _, err = run_cli("ask", QUESTION, "--store-dir", str(store))
        assert code == 2 and "--rebuild" in err
        new_process(store)
        one = copy_articles(tmp_path / "one", [SECOND])
        code, out, err = run_cli("ingest", str(one), "--rebuild", "--no-progress",
                                 "--store-dir", str(store))  # fmt: skip
        assert code == 0, err
        code, out, _ = run_cli("ask", QUESTION, "--store-dir", str(store))
        assert code == 0 and "Izawa" in out


@pytest.mark.slow
@pytest.mark.parametrize("damage", list(SEGMENT_DAMAGE))
def test_damaged_vector_segments_answer_or_explain(
    damage: str, good_store: Path, tmp_path: Path, embedder: Embedder
) -> None:
    store = _damaged(good_store, tmp_path, SEGMENT_DAMAGE[damage])
    with cli_sharing(embedder, tmp_path / "data"):
        code, out, err = run_cli("ask", QUESTION, "--store-dir", str(store))
    assert (code == 0 and "Izawa" in out) or (code == 2 and "--rebuild" in err), err


@pytest.mark.slow
@pytest.mark.parametrize("damage", list(KEYWORD_DAMAGE))
def test_damaged_keyword_index_is_rebuilt_or_explained(
    damage: str, good_store: Path, tmp_path: Path, embedder: Embedder
) -> None:
    store = _damaged(good_store, tmp_path, lambda s: KEYWORD_DAMAGE[damage](s / "keyword"))
    with cli_sharing(embedder, tmp_path / "data"):
        code, out, err = run_cli("ask", QUESTION, "--store-dir", str(store))
    if code == 0:
        assert "Izawa" in out
    else:
        assert code == 2 and "keyword index" in err and "--rebuild" in err, err


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["chunks-json-garbage", "bm25-missing"])
def test_damaged_keyword_index_is_repaired_by_the_advised_rebuild(
    damage: str, good_store: Path, tmp_path: Path, embedder: Embedder
) -> None:
    store = _damaged(good_store, tmp_path, lambda s: KEYWORD_DAMAGE[damage](s / "keyword"))
    one = copy_articles(tmp_path / "one", [SECOND])
    with cli_sharing(embedder, tmp_path / "data"):
        code, _, err = run_cli("ingest", str(one), "--rebuild", "--no-progress",
                               "--store-dir", str(store))  # fmt: skip
        assert code == 0, err
        code, out, _ = run_cli("ask", QUESTION, "--store-dir", str(store))
        assert code == 0 and "Izawa" in out


# -- a store that cannot be written: clear error, the last index intact ------------------------


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Make ``folder`` unwritable, even for root (``chattr +i``); skip when that is impossible."""
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in [folder, *folder.rglob("*")]}
        for p, mode in modes.items():
            p.chmod(mode & ~0o222)
        try:
            yield
        finally:
            for p, mode in modes.items():
                p.chmod(mode)
        return
    if not shutil.which("chattr"):
        pytest.skip("chattr is not installed")
    done = subprocess.run(["chattr", "-R", "+i", str(folder)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"chattr +i is not possible here: {done.stderr.strip()}")
    try:
        try:
            (folder / ".probe").touch()
        except OSError:
            pass
        else:
            pytest.skip("the folder is still writable after chattr +i")
        yield
    finally:
        subprocess.run(["chattr", "-R", "-i", str(folder)], capture_output=True, check=False)


def _one_article_service(tmp: Path, embedder: Embedder, **overrides: Any) -> QAService:
    """A store holding FIRST, over a corpus folder holding FIRST and SECOND."""
    copy_articles(tmp / "corpus", [FIRST, SECOND])
    settings = make_settings(tmp).with_overrides(**overrides)
    svc = shared_service(settings, embedder)
    assert svc.ingest([tmp / "corpus" / f"{FIRST}.txt"]).added == [FIRST]
    return svc


@pytest.mark.slow
def test_read_only_store_during_ingest_is_an_error_and_keeps_the_index(
    tmp_path: Path, embedder: Embedder, service: QAService
) -> None:
    svc = _one_article_service(tmp_path, embedder)
    before = store_state(svc)
    answer = svc.ask("Why is Japan deepening its ties with NATO?")
    with read_only(svc.settings.store_dir):
        with pytest.raises(NatoQAError) as info:
            svc.ingest()
        assert str(svc.settings.store_dir) in str(info.value)
        assert store_state(svc) == before  # nothing half-written
        again = svc.ask("Why is Japan deepening its ties with NATO?")  # still answers
        assert again.text == answer.text
    report = svc.ingest()  # writable again: the same service finishes the job
    assert report.added == [SECOND]
    assert store_state(svc) == reference_state(service, [FIRST, SECOND])


@pytest.mark.slow
def test_write_failure_is_not_reported_as_corruption(tmp_path: Path, embedder: Embedder) -> None:
    svc = _one_article_service(tmp_path, embedder)
    with read_only(svc.settings.store_dir), pytest.raises(NatoQAError) as info:
        svc.ingest()
    message = str(info.value)
    assert "--rebuild" not in message and "writ" in message, message


@pytest.mark.slow
def test_failed_upload_leaves_the_corpus_folder_as_it_was(
    tmp_path: Path, embedder: Embedder
) -> None:
    svc = _one_article_service(tmp_path, embedder)
    upload = tmp_path / "uploads" / "oslo-drill.txt"
    upload.parent.mkdir()
    upload.write_text(
        "Japan and NATO hold a drill in Oslo\n\n"
        "Japan and NATO held a joint maritime drill off Oslo on Monday, officials said.\n\n"
        "The drill was commanded by Captain Ren Okabe of the Japan Maritime Self-Defense Force.\n\n"
        "Ships from Norway and Denmark joined the exercise in the Skagerrak strait.\n"
    )
    before = sorted(p.name for p in svc.settings.corpus_dir.iterdir())
    with read_only(svc.settings.store_dir), pytest.raises(NatoQAError):
        add_upload(svc, upload)
    assert sorted(p.name for p in svc.settings.corpus_dir.iterdir()) == before


@pytest.mark.slow
def test_full_disk_during_ingest_is_an_error_and_keeps_the_index(
    tmp_path: Path, embedder: Embedder, service: QAService
) -> None:
    with tmpfs(tmp_path / "disk", "8m") as disk:
        svc = _one_article_service(tmp_path, embedder, store_dir=disk / "vectorstore")
        before = store_state(svc)
        filler = fill_disk(disk)
        with pytest.raises(NatoQAError, match="full") as info:
            svc.ingest()
        assert str(svc.settings.store_dir) in str(info.value)
        assert store_state(svc) == before
        assert not svc.ask("Why is Japan deepening its ties with NATO?").refused
        filler.unlink()  # space again: the same service completes the ingest
        report = svc.ingest()
        assert report.added == [SECOND]
        assert store_state(svc) == reference_state(service, [FIRST, SECOND])
        svc.store._client.close()


@pytest.mark.slow
def test_store_on_a_read_only_mount_is_a_clear_error_and_stays_intact(
    tmp_path: Path, good_store: Path, embedder: Embedder
) -> None:
    """A store mounted read-only (as in a locked-down container) cannot be opened by Chroma."""
    with tmpfs(tmp_path / "disk", "16m") as disk:
        shutil.copytree(good_store, disk / "vectorstore")
        view = tmp_path / "ro"
        view.mkdir()
        if subprocess.run(["mount", "--bind", str(disk), str(view)]).returncode != 0:
            pytest.skip("cannot bind-mount here")
        try:
            if subprocess.run(["mount", "-o", "remount,ro,bind", str(view)]).returncode != 0:
                pytest.skip("cannot remount read-only here")
            copy_corpus(tmp_path / "corpus")
            svc = shared_service(
                make_settings(tmp_path).with_overrides(store_dir=view / "vectorstore"), embedder
            )
            with pytest.raises(NatoQAError, match=r"read ?only") as info:
                svc.ask(QUESTION)
            assert str(view / "vectorstore") in str(info.value)
            with pytest.raises(NatoQAError):
                svc.ingest()
        finally:
            subprocess.run(["umount", "-l", str(view)], check=False)
        intact = shared_service(
            make_settings(tmp_path / "rw").with_overrides(store_dir=disk / "vectorstore"), embedder
        )
        assert len(intact.articles) == 5 and not intact.ask(QUESTION).refused
        intact.store._client.close()


@pytest.mark.slow
def test_local_store_recovers_after_a_failed_open_without_restart(
    tmp_path: Path, good_store: Path, embedder: Embedder
) -> None:
    store = tmp_path / "vectorstore"
    shutil.copytree(good_store, store)
    copy_corpus(tmp_path / "corpus")
    svc = shared_service(make_settings(tmp_path), embedder)
    with read_only(store), pytest.raises(NatoQAError):
        svc.ask(QUESTION)
    check_answer(svc.ask(QUESTION).to_dict(), svc.articles)


_FULL_DISK_SCRIPT = r"""
import os, sys
from pathlib import Path
from nato_qa import QAService, load_settings
tmp, disk, block = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
svc = QAService(load_settings(store_dir=disk / "vectorstore", data_dir=tmp / "data",
                              corpus_dir=tmp / "corpus"))
svc.ingest([tmp / "corpus" / "japan-deepens-cooperation-with-nato.txt"])
fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)
try:  # blocks of this size until one does not fit: up to a block stays free
    while True:
        os.write(fd, b"\0" * block)
except OSError:
    pass
os.close(fd)
for step in ("ask", "ingest", "ask", "rebuild", "ask"):
    try:
        if step == "ask":
            svc.ask("Why is Japan deepening its ties with NATO?")
        else:
            svc.ingest(rebuild=step == "rebuild")
        print(step, "ok", flush=True)
    except Exception as exc:
        print(step, type(exc).__module__ + "." + type(exc).__name__, flush=True)
os.remove(disk / "filler")
print("articles", len(svc.articles), flush=True)
"""


@pytest.mark.slow
@pytest.mark.stress
@pytest.mark.parametrize("block", [65536, 4096])
def test_full_disk_then_rebuild_neither_freezes_nor_loses_the_index(
    block: int, tmp_path: Path, embedder: Embedder
) -> None:
    """A nearly full disk: asks answer, ingest and --rebuild fail clearly, the index stays.

    In some runs (both block sizes, not every time) `ingest --rebuild` froze inside
    chromadb's Rust upsert with the GIL held, so the whole process stops. The child has a
    deadline; after a freeze the store is examined, and the test fails only if the index was
    lost, else it is reported as an expected failure (a chromadb issue, see docs/security.md).
    """
    with tmpfs(tmp_path / "disk", "3m") as disk:
        copy_articles(tmp_path / "corpus", [FIRST, SECOND])
        try:
            done = subprocess.run(
                [sys.executable, "-c", _FULL_DISK_SCRIPT, str(tmp_path), str(disk), str(block)],
                capture_output=True, text=True, timeout=90, check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired as exc:
            steps = exc.stdout.decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
            (disk / "filler").unlink(missing_ok=True)
            after = shared_service(
                make_settings(tmp_path).with_overrides(store_dir=disk / "vectorstore"), embedder
            )
            kept = len(after.articles)
            after.store._client.close()
            assert kept == 1, f"froze after {steps.split()} and lost the index"
            pytest.xfail(
                f"chromadb froze on a nearly full disk after {steps.split()} (index intact); "
                "src mitigation: check free space before a rebuild's reset"
            )
        lines = dict(line.split(" ", 1) for line in done.stdout.splitlines())
        assert done.returncode == 0, done.stderr[-2000:]
        assert lines.get("ask") in ("ok", None) and "Traceback" not in done.stderr
        for step in ("ingest", "rebuild"):
            assert lines[step] == "ok" or lines[step].startswith("nato_qa.errors."), lines
        assert lines["articles"] == "1", f"the index lost its article: {lines}"
