"""The exception hierarchy. Every message says what went wrong and what to do."""

from __future__ import annotations


class NatoQAError(Exception):
    """Base of every error nato-qa raises on purpose; its message is meant for the user."""


class ConfigError(NatoQAError):
    """A setting has a bad value."""


class IngestError(NatoQAError):
    """One input file could not be ingested."""


class IndexNotFoundError(NatoQAError):
    """The store holds no articles yet."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message or "the store is empty: run `nato-qa ingest corpus/` to index the articles"
        )


class IndexCorruptError(NatoQAError):
    """The store on disk cannot be read."""


class EmbedderMismatchError(NatoQAError):
    """The store was built by another embedder than the one configured."""


class StoreUnavailableError(NatoQAError):
    """The Chroma server does not answer."""


class StoreNotWritableError(NatoQAError):
    """The store's folder cannot be written (read-only, no space); the index is unchanged."""


class InvalidQuestionError(NatoQAError):
    """The question is empty or too long."""


class BackendUnavailableError(NatoQAError):
    """An answer backend cannot be used here (unknown name, missing package, unreachable)."""


class BackendError(NatoQAError):
    """An answer backend failed while answering."""


class ModelStoppedError(BackendError):
    """A local model's worker process died while answering; the message is the user's note."""
