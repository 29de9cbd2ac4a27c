"""The LLM answer backends: importing this module registers them.

| model setting | backend | module |
|---|---|---|
| ``llamacpp:/path/model.gguf`` | a GGUF model in a supervised worker process | ``llamacpp``, ``worker`` |
| ``openai:MODEL`` | an OpenAI-compatible API (``NATO_QA_OPENAI_BASE_URL``) | ``openai_compat`` |
| ``ollama:MODEL`` | Ollama's OpenAI-compatible endpoint (``NATO_QA_OLLAMA_BASE_URL``) | ``openai_compat`` |

Each is a ``ChatBackend`` (``chat``): the shared prompt (``prompt``), streaming, citation
verification (``nato_qa.citations``) and error handling. SDKs load inside the factories, so
importing this module needs none of them.
"""

from __future__ import annotations

from nato_qa.backends.chat import ChatBackend
from nato_qa.backends.llamacpp import LlamaCppBackend, find_packaged_gguf
from nato_qa.backends.openai_compat import OllamaBackend, OpenAIBackend

__all__ = [
    "ChatBackend",
    "LlamaCppBackend",
    "OllamaBackend",
    "OpenAIBackend",
    "find_packaged_gguf",
]
