"""Typed settings: defaults, then ``nato-qa.toml``, then ``NATO_QA_*`` environment, then CLI flags.

This is the only module that reads the environment for configuration.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

CONFIG_FILE_ENV = "NATO_QA_CONFIG"
DEFAULT_CONFIG_FILE = "nato-qa.toml"
_SECRET_WORDS = {"auth", "key", "token", "secret", "password", "apikey"}


def _config_file() -> Path:
    return Path(os.environ.get(CONFIG_FILE_ENV, DEFAULT_CONFIG_FILE))


def make_offline() -> None:
    """Turn off every hub download and telemetry channel before any library is imported."""
    for name, value in {
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "ANONYMIZED_TELEMETRY": "False",
        "TOKENIZERS_PARALLELISM": "false",
    }.items():
        os.environ.setdefault(name, value)


class Settings(BaseSettings):
    """Every knob of nato-qa. See the README's settings table."""

    model_config = SettingsConfigDict(
        env_prefix="NATO_QA_", extra="forbid", validate_default=True, frozen=True
    )

    # where things live
    corpus_dir: Path = Field(Path("corpus"), description="Folder of articles to ingest.")
    store_dir: Path = Field(Path("vectorstore"), description="Persistent Chroma folder.")
    data_dir: Path = Field(
        Path("data"), description="Keyword index for server mode, uploads, feedback."
    )
    chroma_url: str | None = Field(
        None, description="Chroma server URL (http://127.0.0.1:8000); unset = persistent."
    )
    collection: str = Field("nato_qa", description="Chroma collection name.")
    store_timeout: float = Field(30.0, gt=0, description="Seconds to wait for a Chroma server.")

    # ingestion
    embedder: str = Field(
        "minilm", description="Embedder: minilm or e5-small (a change re-embeds at ingestion)."
    )
    search_embedder: str | None = Field(
        None,
        description="Embedder for passage search only (e.g. e5-small); unset = the embedder.",
    )
    second_reader: str | None = Field(
        "e5-small",
        description="Embedder whose view of each sentence is averaged into its score (none = off).",
    )
    embedding_model: str | None = Field(
        None, description="Path of a sentence-transformers model for minilm; unset = packaged."
    )
    chunk_size: int = Field(600, ge=100, le=4000, description="Max characters per chunk.")
    chunk_overlap: int = Field(1, ge=0, le=5, description="Sentences shared by neighbours.")
    embed_batch_size: int = Field(32, ge=1, le=1024, description="Embedding batch size.")
    max_file_bytes: int = Field(5_000_000, ge=1, description="Largest file ingested (bytes).")
    near_duplicate_similarity: float = Field(
        0.95, ge=0.5, le=1.0, description="Cosine above which passages are near-duplicates."
    )

    # answering
    model: str = Field("extractive", description="Answer backend: extractive, llamacpp:PATH, …")
    k: int = Field(5, ge=1, le=50, description="Passages retrieved per question.")
    candidates: int = Field(30, ge=5, le=500, description="Candidates per retriever for fusion.")
    rrf_k: int = Field(60, ge=1, description="Reciprocal-rank-fusion constant.")
    sentence_rerank_depth: int = Field(
        10, ge=0, le=100, description="Passages reranked by their best sentence (0 = off)."
    )
    rerank_model: str | None = Field(None, description="Local cross-encoder path (optional).")
    expansion_similarity: float = Field(
        0.65, ge=0.0, le=1.0, description="Least cosine for a corpus word to expand a query word."
    )
    expansion_per_word: int = Field(
        2, ge=0, le=10, description="Corpus words added per question word to BM25 (0 = off)."
    )
    refusal_threshold: float = Field(
        0.30, ge=0.0, le=1.0, description="Evidence score below which the answer is refused."
    )
    max_answer_sentences: int = Field(
        2, ge=1, le=6, description="Sentences per answer (one more for a why or how question)."
    )
    max_question_chars: int = Field(2000, ge=10, description="Longest question accepted.")
    openai_base_url: str | None = Field(None, description="Base URL of an OpenAI-style server.")
    ollama_base_url: str = Field("http://127.0.0.1:11434", description="Ollama server URL.")
    llm_timeout: float = Field(60.0, gt=0, description="Seconds to wait for a model.")
    llm_max_tokens: int = Field(256, ge=16, description="Tokens an LLM may generate.")
    llm_context: int = Field(4096, ge=512, description="Context window for llama.cpp.")
    verify_similarity: float = Field(
        0.78, ge=0.0, le=1.0, description="Min. support score for a generated sentence."
    )

    # web UI
    host: str = Field("127.0.0.1", description="Address the UI binds.")
    port: int = Field(7860, ge=0, le=65535, description="Port the UI binds (0 = any free).")
    auth: SecretStr | None = Field(
        None, description="user:password to require a login (hidden in logs and reprs)."
    )
    concurrency: int = Field(4, ge=1, le=64, description="Answers computed at once.")
    max_upload_bytes: int = Field(2_000_000, ge=1, description="Largest upload accepted.")

    @field_validator(
        "chroma_url",
        "openai_base_url",
        "rerank_model",
        "embedding_model",
        "search_embedder",
        "second_reader",
    )
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("auth", mode="before")
    @classmethod
    def _auth_shape(cls, value: Any) -> Any:
        raw = value.get_secret_value() if isinstance(value, SecretStr) else value
        if not raw:
            return None
        if isinstance(raw, str) and ":" not in raw:
            raise ValueError("NATO_QA_AUTH must look like user:password")
        return raw

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Highest priority first: CLI flags (init), environment, then the TOML file.
        toml = TomlConfigSettingsSource(settings_cls, toml_file=_config_file())
        return (init_settings, env_settings, toml)

    @property
    def keyword_dir(self) -> Path:
        """Where the BM25 index lives: beside the persistent store, or in data_dir for a server."""
        if self.chroma_url:
            safe = "".join(c if c.isalnum() else "_" for c in self.chroma_url)
            return self.data_dir / "keyword" / f"{safe}_{self.collection}"
        return self.store_dir / "keyword"

    @property
    def feedback_file(self) -> Path:
        return self.data_dir / "feedback.jsonl"

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with some fields replaced (None values are ignored), validated again."""
        clean = {k: v for k, v in overrides.items() if v is not None}
        if not clean:
            return self
        data = self.model_dump()
        data.update(clean)
        return type(self).model_validate(data)


def load_settings(**overrides: Any) -> Settings:
    """Build settings from every source; ``overrides`` (CLI flags) win. None values are ignored."""
    from pydantic import ValidationError

    from nato_qa.errors import ConfigError

    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:

        def shown(e: Any) -> str:
            where = ".".join(str(p) for p in e["loc"]) or "settings"
            secret = set(re.split(r"[_.]", where.lower())) & _SECRET_WORDS
            value = "***" if secret or e["type"] == "extra_forbidden" else repr(e.get("input"))
            return f"{where}: {e['msg']} (got {value})"

        problems = "; ".join(shown(e) for e in exc.errors())
        raise ConfigError(f"invalid settings: {problems}") from None
