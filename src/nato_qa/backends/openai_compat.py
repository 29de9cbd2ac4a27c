"""``openai:MODEL`` and ``ollama:MODEL``: chat models behind an OpenAI-compatible HTTP API.

Both go through langchain-openai's ``ChatOpenAI``:

* ``openai:MODEL`` talks to ``NATO_QA_OPENAI_BASE_URL`` (default: the OpenAI API) with the
  key in ``OPENAI_API_KEY``; a server on this machine (llama.cpp's, vLLM, LM Studio) needs no
  key, a placeholder is sent;
* ``ollama:MODEL`` talks to Ollama's OpenAI-compatible ``/v1`` endpoint at
  ``NATO_QA_OLLAMA_BASE_URL``.

Before the first answer the backend asks the server which models it serves (``/models``),
because some servers (llama.cpp's) silently answer with another model when the name is wrong.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlparse

from nato_qa.backends.base import BackendContext, register
from nato_qa.backends.chat import ChatBackend, generic_error, redact
from nato_qa.errors import BackendError, BackendUnavailableError, NatoQAError

if TYPE_CHECKING:
    from nato_qa.config import Settings

OPENAI_KEY_ENV = "OPENAI_API_KEY"
# Sent to servers on this machine that want no key; the SDK refuses to run without one.
PLACEHOLDER_KEY = "not-needed"


def is_local(url: str | None) -> bool:
    """Whether a base URL points at this machine."""
    if not url:
        return False
    host = (urlparse(url).hostname or "").lower()
    return (
        host in {"localhost", "::1", "0.0.0.0"}
        or host.startswith("127.")
        or host.endswith(".localhost")
    )


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class OpenAIBackend(ChatBackend):
    """Answers with a model behind an OpenAI-compatible API."""

    name: ClassVar[str] = "openai"
    supports_streaming: ClassVar[bool] = True
    key_env_var: ClassVar[str | None] = OPENAI_KEY_ENV


class OllamaBackend(ChatBackend):
    """Answers with a model served by Ollama."""

    name: ClassVar[str] = "ollama"
    supports_streaming: ClassVar[bool] = True
    key_env_var: ClassVar[str | None] = None


def translator(
    label: str, model: str, url: str, timeout: float, key: str, key_hint: str, pull_hint: str
) -> Callable[[Exception], NatoQAError]:
    def translate(exc: Exception) -> NatoQAError:
        import openai

        detail = _short(redact(str(getattr(exc, "message", None) or exc), key))
        if isinstance(exc, openai.APITimeoutError):
            return BackendError(
                f"{label} did not answer within {timeout:g} s (NATO_QA_LLM_TIMEOUT)"
            )
        if isinstance(exc, openai.APIConnectionError):
            return BackendUnavailableError(f"cannot reach {label} at {url}: is the server running?")
        if isinstance(exc, openai.AuthenticationError):
            return BackendUnavailableError(f"{label} rejected the API key: {key_hint}")
        if isinstance(exc, openai.PermissionDeniedError):
            return BackendUnavailableError(f"{label} denied access to {model!r}: {detail}")
        if isinstance(exc, openai.NotFoundError):
            return BackendUnavailableError(
                f"{label} answered 404 for model {model!r}: the model name is unknown there "
                f"or {url} is not an OpenAI-compatible API base URL{pull_hint}"
            )
        if isinstance(exc, openai.RateLimitError):
            return BackendError(f"{label} is rate-limiting requests or out of quota: {detail}")
        if isinstance(exc, openai.APIStatusError):
            return BackendError(f"{label} answered HTTP {exc.status_code}: {detail}")
        if isinstance(exc, (openai.APIResponseValidationError, ValueError, KeyError)):
            return BackendError(f"{label} sent a malformed response: {detail}")
        return generic_error(label, exc)

    return translate


def _model_check(chat: Any, model: str, label: str, pull_hint: str) -> Callable[[], None]:
    def check() -> None:
        import openai

        try:
            served = [m.id for m in chat.root_client.models.list()]
        except (openai.NotFoundError, openai.UnprocessableEntityError):
            return  # the server has no model list; the chat call will tell
        except openai.APIStatusError as exc:
            if exc.status_code in {404, 405, 501}:
                return
            raise
        if served and model not in served and f"{model}:latest" not in served:
            listed = ", ".join(sorted(served)[:10]) + (" …" if len(served) > 10 else "")
            raise BackendUnavailableError(
                f"{label} does not serve model {model!r}; it serves: {listed}{pull_hint}"
            )

    return check


def chat_openai(
    settings: Settings, model: str, base_url: str | None, key: str, extra: str = "openai"
) -> Any:
    """langchain-openai's ChatOpenAI for ``model`` at ``base_url``, with nato-qa's limits."""
    if importlib.util.find_spec("langchain_openai") is None:
        raise BackendUnavailableError(
            f"the {extra} backend needs langchain-openai: pip install 'nato-qa[{extra}]'"
        )
    from langchain_openai import ChatOpenAI
    from pydantic import SecretStr

    kwargs: dict[str, Any] = {}
    if base_url:
        # Servers other than OpenAI's (llama.cpp, Ollama, vLLM) read max_tokens, not
        # max_completion_tokens, which ChatOpenAI sends.
        kwargs["extra_body"] = {"max_tokens": settings.llm_max_tokens}
    return ChatOpenAI(
        model=model,
        base_url=base_url,
        api_key=SecretStr(key),
        timeout=settings.llm_timeout,
        max_retries=1,
        temperature=0.0,
        max_completion_tokens=settings.llm_max_tokens,
        **kwargs,
    )


def _need_model(argument: str, prefix: str, example: str) -> str:
    model = argument.strip()
    if not model:
        raise BackendUnavailableError(
            f"{prefix} needs a model name: set NATO_QA_MODEL={prefix}:MODEL, e.g. {prefix}:{example}"
        )
    return model


@register("openai")
def _openai_factory(argument: str, context: BackendContext) -> OpenAIBackend:
    """The backend for ``openai:MODEL`` (OpenAI, or any server at NATO_QA_OPENAI_BASE_URL).

    Raises:
        BackendUnavailableError: no model name, langchain-openai missing, or no API key for
            a server that is not on this machine.
    """
    model = _need_model(argument, "openai", "gpt-4o-mini")
    base_url = context.settings.openai_base_url
    key = os.environ.get(OPENAI_KEY_ENV, "").strip()
    if not key:
        if not is_local(base_url):
            where = base_url or "the OpenAI API"
            raise BackendUnavailableError(
                f"openai:{model} needs an API key for {where}: set {OPENAI_KEY_ENV}, or point "
                "NATO_QA_OPENAI_BASE_URL at a server on this machine"
            )
        key = PLACEHOLDER_KEY
    chat = chat_openai(context.settings, model, base_url, key, "openai")
    url = base_url or "https://api.openai.com/v1"
    label = f"the OpenAI-compatible server at {url}" if base_url else "the OpenAI API"
    translate = translator(
        label, model, url, context.settings.llm_timeout, key,
        f"check {OPENAI_KEY_ENV}", " (check the model name and NATO_QA_OPENAI_BASE_URL)",
    )  # fmt: skip
    check = _model_check(chat, model, label, "")
    return OpenAIBackend(context, chat, label=label, translate=translate, check=check)


@register("ollama")
def _ollama_factory(argument: str, context: BackendContext) -> OllamaBackend:
    """The backend for ``ollama:MODEL``, through Ollama's OpenAI-compatible endpoint.

    Raises:
        BackendUnavailableError: no model name, or langchain-openai missing.
    """
    model = _need_model(argument, "ollama", "llama3.2")
    base = context.settings.ollama_base_url.rstrip("/")
    url = base if base.endswith("/v1") else f"{base}/v1"
    chat = chat_openai(context.settings, model, url, "ollama", "ollama")
    label = f"Ollama at {base}"
    pull = f" (run `ollama pull {model}`)"
    translate = translator(
        label, model, url, context.settings.llm_timeout, "", "Ollama needs no key", pull
    )
    check = _model_check(chat, model, label, pull)
    return OllamaBackend(context, chat, label=label, translate=translate, check=check)
