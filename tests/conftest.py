"""Shared fixtures: real embedding model, real Chroma, the real corpus. Expensive things load once."""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from nato_qa import QAService, Settings
from nato_qa.config import load_settings
from nato_qa.embedders import Embedder, create_embedder, reader_of

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SECOND_CORPUS = ROOT / "tests" / "corpora" / "tessel-spill" / "articles"
GOLDEN = ROOT / "tests" / "golden" / "golden.jsonl"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--golden", action="store", default=None, type=Path,
        help="run the golden-set checks on this JSON Lines file instead of the project's",
    )  # fmt: skip


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """No local-model worker may outlive the tests that started it."""
    from nato_qa.backends.worker import worker_processes

    left = worker_processes(os.getpid())
    if left:
        print(f"\nerror: local model worker process(es) left running: {left}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The default embedder (the settings' defaults: MiniLM), loaded once."""
    defaults = Settings()
    return create_embedder(
        defaults.embedder, defaults.embedding_model, defaults.embed_batch_size,
        defaults.search_embedder,
    )  # fmt: skip


@pytest.fixture(scope="session")
def minilm(embedder: Embedder) -> Embedder:
    """The packaged MiniLM alone: the default embedder, or its reader if the default pairs."""
    return reader_of(embedder)


def make_settings(tmp: Path, **overrides: object) -> Settings:
    """Settings that keep everything under ``tmp`` and never read the user's files."""
    return load_settings(
        store_dir=tmp / "vectorstore", data_dir=tmp / "data", corpus_dir=tmp / "corpus",
        **overrides,
    )  # fmt: skip


def copy_corpus(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for f in CORPUS.iterdir():
        if f.is_file():
            shutil.copyfile(f, dest / f.name)
    return dest


@pytest.fixture
def fresh_service(tmp_path: Path, embedder: Embedder) -> QAService:
    """A service over an empty temporary store, a corpus copy in tmp_path/corpus, shared model."""
    copy_corpus(tmp_path / "corpus")
    service = QAService(make_settings(tmp_path))
    service.__dict__["embedder"] = embedder  # share the loaded model across tests
    return service


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Iterator[QAService]:
    """The real corpus ingested once into a temporary persistent store."""
    tmp = tmp_path_factory.mktemp("svc")
    copy_corpus(tmp / "corpus")
    svc = QAService(make_settings(tmp))
    svc.__dict__["embedder"] = embedder
    report = svc.ingest()
    assert report.ok, report.failed
    yield svc


@pytest.fixture(scope="session")
def second_service(
    tmp_path_factory: pytest.TempPathFactory, embedder: Embedder
) -> Iterator[QAService]:
    """The second corpus (an unrelated story, five scraped-style pages) ingested once."""
    tmp = tmp_path_factory.mktemp("second")
    with QAService(make_settings(tmp).with_overrides(corpus_dir=SECOND_CORPUS)) as svc:
        svc.__dict__["embedder"] = embedder
        report = svc.ingest()
        assert report.ok, report.failed
        yield svc
