"""Ingestion into a real persistent Chroma and a real `chroma run` server, with the real model."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nato_qa import QAService
from nato_qa.chunking import chunk_article, sentence_spans
from nato_qa.errors import IndexCorruptError
from nato_qa.files import written_whole
from nato_qa.types import Article

from .conftest import ROOT, copy_corpus, free_port, make_settings

BNE = "japan-establishes-diplomatic-mission-to-nato"


def _store_state(service: QAService) -> tuple[list[str], int]:
    chunks, _ = service.store.all_chunks()
    return sorted(c.chunk_id for c in chunks), service.store.count()


def test_ingest_corpus(service: QAService) -> None:
    articles = service.articles
    assert len(articles) == 5
    assert all(a.title for a in articles.values())
    assert articles[BNE].date == "2025-01-17"
    assert articles[BNE].publisher and "IntelliNews" in articles[BNE].publisher
    chunks, vectors = service.store.all_chunks(with_embeddings=True)
    assert vectors is not None and len(chunks) == len(vectors) > 20
    for chunk in chunks:  # offsets slice the clean text exactly
        assert articles[chunk.doc_id].text[chunk.start : chunk.end] == chunk.text
    norms = (vectors**2).sum(axis=1) ** 0.5
    assert abs(norms - 1).max() < 1e-3  # normalised
    # ids are deterministic: document, offsets, content hash
    assert all(c.chunk_id.startswith(f"{c.doc_id}:{c.start}-{c.end}:") for c in chunks)


def test_chunks_hold_whole_sentences(service: QAService) -> None:
    for article in service.articles.values():
        starts = {s for s, _ in sentence_spans(article.text)}
        ends = {e for _, e in sentence_spans(article.text)}
        for chunk in chunk_article(article, 600, 1):
            assert chunk.start in starts and chunk.end in ends


def test_near_duplicates_are_marked(fresh_service: QAService) -> None:
    corpus = fresh_service.settings.corpus_dir
    src = corpus / "japan-seeks-role-in-nato-ukraine-mission.txt"
    shutil.copyfile(src, corpus / "syndicated-copy.txt")
    fresh_service.ingest()
    keyword = fresh_service.keyword
    copy_chunks = [kc for kc in keyword.chunks if kc.chunk.doc_id == "syndicated-copy"]
    assert copy_chunks
    for kc in copy_chunks:
        twins = keyword.near_duplicates(kc.chunk.chunk_id)
        assert any(t.doc_id == "japan-seeks-role-in-nato-ukraine-mission" for t in twins)
    hits = fresh_service.search("Which naval base did Rutte visit to tour the frigate Mogami?")
    top = hits[0]
    assert {s.doc_id for s in top.sources} == {
        "syndicated-copy", "japan-seeks-role-in-nato-ukraine-mission"
    }  # fmt: skip
    assert len({h.chunk_id for h in hits}) == len(hits)


def test_incremental_ingest(fresh_service: QAService) -> None:
    svc = fresh_service
    first = svc.ingest()
    assert len(first.added) == 5 and first.ok
    ids_before, count_before = _store_state(svc)

    second = svc.ingest()
    assert second.chunks_written == 0 and len(second.unchanged) == 5
    assert _store_state(svc) == (ids_before, count_before)

    path = svc.settings.corpus_dir / f"{BNE}.txt"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("led by Osamu Izawa", "led by Ambassador Osamu Izawa"), encoding="utf-8"
    )
    third = svc.ingest()
    assert third.updated == [BNE] and len(third.unchanged) == 4
    ids_after, _ = _store_state(svc)
    changed = set(ids_after) ^ set(ids_before)
    assert changed and all(cid.startswith(BNE + ":") for cid in changed)
    assert 0 < third.chunks_written <= len([c for c in ids_after if c.startswith(BNE)])
    stored = [c for c in svc.store.all_chunks()[0] if c.doc_id == BNE]
    assert any("Ambassador Osamu Izawa" in c.text for c in stored)
    assert not any("led by Osamu Izawa" in c.text for c in stored)  # no stale chunk left
    assert "Ambassador Osamu Izawa" in svc.search("Ambassador Osamu Izawa")[0].text

    path.unlink()
    fourth = svc.ingest()
    assert fourth.removed == [BNE]
    assert not any(cid.startswith(BNE) for cid in _store_state(svc)[0])
    assert BNE not in svc.articles
    assert all(kc.chunk.doc_id != BNE for kc in svc.keyword.chunks)


def test_rebuild_gives_the_same_store(fresh_service: QAService) -> None:
    fresh_service.ingest()
    before = _store_state(fresh_service)
    report = fresh_service.ingest(rebuild=True)
    assert len(report.added) == 5
    assert _store_state(fresh_service) == before


def test_bad_inputs_fail_clearly_and_lose_nothing(fresh_service: QAService) -> None:
    svc = fresh_service
    svc.ingest()
    before = _store_state(svc)
    bad = svc.settings.corpus_dir.parent / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_text("   \n", encoding="utf-8")
    (bad / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00" * 50)
    (bad / "latin1.txt").write_bytes("Japan’s café article, résumé".encode("cp1252") * 5)
    (bad / "notes.docx").write_bytes(b"PK\x03\x04 not supported")
    (bad / "huge.txt").write_text("Japan and NATO. " * 400_000, encoding="utf-8")
    good = bad / "good-article.txt"
    good.write_text(
        "Japan and NATO agreed to hold annual cyber defence exercises starting next spring, "
        "officials said on Monday in Tokyo.",
        encoding="utf-8",
    )
    report = svc.ingest([bad / "empty.txt", bad / "binary.txt", bad / "latin1.txt",
                         bad / "notes.docx", bad / "huge.txt", bad / "missing.txt", good])  # fmt: skip
    reasons = "\n".join(report.failed)
    assert len(report.failed) == 6, reasons
    assert "empty.txt: the file is empty" in reasons
    assert "binary.txt: looks like a binary file" in reasons
    assert "latin1.txt: is not UTF-8" in reasons
    assert "notes.docx: unsupported file type '.docx'" in reasons
    assert "huge.txt:" in reasons and "over the limit" in reasons
    assert "missing.txt: no such file or folder" in reasons
    assert report.added == ["good-article"]
    ids, _ = _store_state(svc)
    assert set(before[0]) <= set(ids)  # nothing already stored is lost
    assert len(svc.articles) == 6


def test_cli_ingest_twice_and_bad_path(tmp_path: Path) -> None:
    corpus = copy_corpus(tmp_path / "corpus")
    env = {**os.environ, "NATO_QA_STORE_DIR": str(tmp_path / "vs"),
           "NATO_QA_DATA_DIR": str(tmp_path / "data")}  # fmt: skip
    cmd = [sys.executable, "-m", "nato_qa.cli", "ingest", str(corpus), "--no-progress"]
    first = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert first.returncode == 0, first.stderr
    assert "5 added" in first.stdout
    second = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert second.returncode == 0
    assert "5 unchanged" in second.stdout and "chunks written: 0" in second.stdout
    bad = subprocess.run([*cmd[:-2], str(tmp_path / "nope"), "--no-progress"],
                         capture_output=True, text=True, env=env, timeout=300)  # fmt: skip
    assert bad.returncode == 1
    assert "nope: no such file or folder" in bad.stderr
    assert "Traceback" not in bad.stderr


_KILL_SCRIPT = """
import sys, time
from pathlib import Path
from nato_qa import QAService, load_settings
from nato_qa import ingest as ingest_module
from nato_qa.store import VectorStore
stage, tmp = sys.argv[1], Path(sys.argv[2])
svc = QAService(load_settings(store_dir=tmp / "vectorstore", data_dir=tmp / "data", corpus_dir=tmp / "corpus",
                              embed_batch_size=4))
calls = {"n": 0}
def pause(name, original):
    def wrapped(*args, **kwargs):
        calls["n"] += 1
        if name == stage.split("#")[0] and calls["n"] >= int(stage.split("#")[1]):
            print("READY", flush=True)
            time.sleep(60)
        return original(*args, **kwargs)
    return wrapped
for name in ("upsert_chunks", "delete_chunks", "put_articles", "delete_article"):
    setattr(VectorStore, name, pause(name, getattr(VectorStore, name)))
svc.ingest(rebuild=stage.startswith("rebuild"))
print("DONE", flush=True)
"""


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["upsert_chunks#2", "put_articles#3", "delete_chunks#4"])
def test_sigkill_during_ingest_is_completed_by_next_run(
    tmp_path: Path, stage: str, fresh_service: QAService
) -> None:
    copy_corpus(tmp_path / "corpus")
    script = tmp_path / "kill.py"
    script.write_text(_KILL_SCRIPT, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script), stage, str(tmp_path)],
                            stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert "READY" in line
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)

    svc = QAService(make_settings(tmp_path))
    svc.__dict__["embedder"] = fresh_service.embedder
    report = svc.ingest()
    assert report.ok
    recovered = _store_state(svc)

    clean = QAService(make_settings(tmp_path / "clean"))
    clean.__dict__["embedder"] = fresh_service.embedder
    copy_corpus(tmp_path / "clean" / "corpus")
    clean.ingest()
    # Same chunk ids (offsets and hashes; doc ids are the same stems), same count, no orphans.
    assert recovered == _store_state(clean)
    assert len(svc.articles) == 5


def test_a_kept_file_is_written_whole_or_not_at_all(tmp_path: Path) -> None:
    target = tmp_path / "new" / "vectors.npz"
    with written_whole(target) as out:  # the folder is made
        out.write(b"first")
    assert target.read_bytes() == b"first"
    with pytest.raises(RuntimeError), written_whole(target) as out:
        out.write(b"half of the sec")
        raise RuntimeError("killed halfway")
    assert target.read_bytes() == b"first"  # the old file, not half of the new one
    assert [p.name for p in target.parent.iterdir()] == ["vectors.npz"]  # no temporary left


def test_corrupt_store_says_how_to_rebuild(tmp_path: Path) -> None:
    store = tmp_path / "vectorstore"
    store.mkdir()
    (store / "chroma.sqlite3").write_bytes(b"this is not a database" * 100)
    svc = QAService(make_settings(tmp_path))
    with pytest.raises(IndexCorruptError, match="--rebuild"):
        _ = svc.articles


def _wait_for_port(port: int, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    raise TimeoutError(f"chroma server did not open port {port}")


@pytest.fixture
def chroma_server(tmp_path: Path):  # type: ignore[no-untyped-def]
    chroma = Path(sys.executable).with_name("chroma")
    port = free_port()
    proc = subprocess.Popen(
        [str(chroma), "run", "--host", "127.0.0.1", "--port", str(port),
         "--path", str(tmp_path / "server-data")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_for_port(port)
        yield f"http://127.0.0.1:{port}", proc
    finally:
        proc.kill()
        proc.wait(timeout=30)


@pytest.mark.slow
def test_chroma_server_mode(tmp_path: Path, chroma_server, fresh_service: QAService) -> None:  # type: ignore[no-untyped-def]
    url, _proc = chroma_server
    copy_corpus(tmp_path / "corpus")
    svc = QAService(make_settings(tmp_path, chroma_url=url))
    svc.__dict__["embedder"] = fresh_service.embedder
    report = svc.ingest()
    assert len(report.added) == 5
    assert not (tmp_path / "vectorstore").exists()  # nothing written to the local store
    assert (svc.settings.keyword_dir / "chunks.json").exists()  # BM25 kept beside, in data_dir
    again = svc.ingest()
    assert again.chunks_written == 0
    answer = svc.ask("Which naval base did Rutte visit?")
    assert "Yokosuka" in answer.text and not answer.refused
    assert answer.citations[0].doc_id == "japan-seeks-role-in-nato-ukraine-mission"


def test_article_records_match_loader(service: QAService) -> None:
    for article in service.articles.values():
        assert isinstance(article, Article)
        assert Path(article.source_path).exists()
        assert article.source_path.startswith(str(Path(article.source_path).parent))


def test_no_connection_beyond_loopback(tmp_path: Path) -> None:
    """Ingest and a query in a fresh process whose sockets may only reach loopback."""
    guard = tmp_path / "sitecustomize.py"
    guard.write_text(
        "import socket\n"
        "_orig = socket.socket.connect\n"
        "def _check(addr):\n"
        "    host = addr[0] if isinstance(addr, tuple) else addr\n"
        "    if isinstance(host, str) and not (host.startswith('127.') or host in "
        "('::1', 'localhost') or host.startswith('/')):\n"
        "        raise SystemExit(f'NON-LOOPBACK CONNECTION to {addr}')\n"
        "def connect(self, addr):\n"
        "    _check(addr)\n"
        "    return _orig(self, addr)\n"
        "socket.socket.connect = connect\n"
        "_orig_ex = socket.socket.connect_ex\n"
        "def connect_ex(self, addr):\n"
        "    _check(addr)\n"
        "    return _orig_ex(self, addr)\n"
        "socket.socket.connect_ex = connect_ex\n"
        "_orig_cc = socket.create_connection\n"
        "def create_connection(addr, *a, **k):\n"
        "    _check(addr)\n"
        "    return _orig_cc(addr, *a, **k)\n"
        "socket.create_connection = create_connection\n",
        encoding="utf-8",
    )
    corpus = copy_corpus(tmp_path / "corpus")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "NATO_QA_"))}
    env.update(PYTHONPATH=f"{tmp_path}:{ROOT / 'src'}", NATO_QA_STORE_DIR=str(tmp_path / "vs"),
               NATO_QA_DATA_DIR=str(tmp_path / "data"))  # fmt: skip
    run = subprocess.run(
        [sys.executable, "-c",
         "import sys\nfrom nato_qa.cli import main\n"
         f"rc = main(['ingest', {str(corpus)!r}, '--no-progress'])\n"
         "rc = rc or main(['ask', 'Who heads the mission to NATO?', '--json'])\n"
         "sys.exit(rc)"],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert "NON-LOOPBACK" not in run.stdout + run.stderr
    assert run.returncode == 0, run.stderr[-2000:]
    assert '"refused": false' in run.stdout
