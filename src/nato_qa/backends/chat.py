"""The answer backend shared by every LLM: a LangChain chat model behind the prompt and checks.

``ChatBackend`` builds the prompt from the evidence, streams the model's tokens as they come,
then verifies the answer (``nato_qa.citations``) and turns it into a Draft:

* the model says the refusal sentence -> a refusal with related reading;
* no sentence is supported by the passages -> the extractive answer, with a note;
* otherwise the verified text with renumbered citations, unsupported sentences flagged.

Errors of the model (unreachable, timeout, bad key, unknown model, empty output) become
``BackendError``/``BackendUnavailableError`` with a clear message, never a traceback; the
service then falls back to the extractive answer.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from nato_qa.answering.compose import refusal
from nato_qa.answering.followup import needs_context
from nato_qa.answering.followup import standalone_question as rule_based_rewrite
from nato_qa.backends.base import BackendContext, Draft, Evidence
from nato_qa.backends.prompt import (
    answer_messages,
    clean_answer,
    clean_question,
    drop_unfinished,
    fit_passages,
    is_refusal,
    rewrite_messages,
    strip_refusal,
    strip_titles,
)
from nato_qa.citations import Verification, Verifier
from nato_qa.errors import BackendError, BackendUnavailableError, NatoQAError
from nato_qa.keyword import terms

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from nato_qa.sentences.scorer import SentenceScorer

log = logging.getLogger(__name__)

ErrorTranslator = Callable[[Exception], NatoQAError]

NO_SUPPORT_NOTE = (
    "The model's answer could not be verified: no sentence of it is supported by the passage "
    "it cites. This is the extractive answer instead."
)


def _unsupported_note(count: int) -> str:
    which = "sentence is" if count == 1 else "sentences are"
    return (
        f"{count} {which} not supported by the cited passages and carry no citation; "
        "read them with care."
    )


class _CachedEncoder:
    """The embedder through the sentence-vector cache retrieval already fills."""

    def __init__(self, scorer: SentenceScorer) -> None:
        self.embedder = scorer.embedder
        self.cache = scorer.cache

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return self.cache.get_many(list(texts), self.embedder.encode)


class ChatBackend:
    """Answers with a LangChain chat model and verifies every sentence it writes.

    Args:
        context: settings, the sentence scorer (embedder and vector cache) and the
            extractive fallback.
        chat: the chat model; ``max_tokens`` and the timeout are its own settings.
        label: what the messages call the model, e.g. ``"llama.cpp model smollm2.gguf"``.
        translate: turns an SDK exception into a NatoQAError with a clear message.
        check: called once before the first answer (e.g. "is this model served?").
    """

    name: ClassVar[str] = "llm"
    supports_streaming: ClassVar[bool] = True
    key_env_var: ClassVar[str | None] = None

    def __init__(
        self,
        context: BackendContext,
        chat: BaseChatModel,
        label: str,
        translate: ErrorTranslator | None = None,
        check: Callable[[], None] | None = None,
    ) -> None:
        self.context = context
        self.settings = context.settings
        self.chat = chat
        self.label = label
        self._translate = translate or (lambda exc: generic_error(label, exc))
        self._check = check
        self._checked = False

    # -- talking to the model ------------------------------------------------------------------

    def _ensure_checked(self) -> None:
        if self._check is not None and not self._checked:
            self._call(self._check)
            self._checked = True

    def _call(self, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except NatoQAError:
            raise
        except Exception as exc:  # SDK errors of every kind become one clear message
            raise self._translate(exc) from exc

    def _tokens(self, messages: list[tuple[str, str]]) -> Iterator[str]:
        """The model's answer, piece by piece, within the time limit."""
        self._ensure_checked()
        timeout = self.settings.llm_timeout
        started = time.monotonic()
        stream = self._call(lambda: iter(self.chat.stream(messages)))
        while True:
            chunk = self._call(lambda: next(stream, None))
            if chunk is None:
                return
            text = chunk.text
            if text:
                yield text
            if time.monotonic() - started > timeout:
                close = getattr(stream, "close", None)
                if close is not None:
                    close()
                raise BackendError(
                    f"{self.label} did not finish within {timeout:g} s "
                    "(raise NATO_QA_LLM_TIMEOUT or lower NATO_QA_LLM_MAX_TOKENS)"
                )

    # -- the protocol --------------------------------------------------------------------------

    def stream(self, evidence: Evidence) -> Iterator[str | Draft]:
        """Yield the model's tokens as generated, then the verified Draft.

        Raises:
            BackendError: the model failed, timed out or returned nothing.
            BackendUnavailableError: the model cannot be reached or used (key, name, server).
        """
        if not evidence.hits:
            yield refusal(evidence.hits)
            return
        settings = self.settings
        hits = fit_passages(evidence.hits, settings.llm_context, settings.llm_max_tokens)
        pieces: list[str] = []
        for piece in self._tokens(answer_messages(evidence.question, hits)):
            pieces.append(piece)
            yield piece
        raw = "".join(pieces)
        if not raw.strip():
            raise BackendError(f"{self.label} returned an empty answer")
        yield self.finish(raw, evidence, hits)

    def finish(self, raw: str, evidence: Evidence, hits: Sequence[Any]) -> Draft:
        """The Draft for a model's complete answer to ``evidence`` over ``hits``."""
        text = drop_unfinished(strip_titles(clean_answer(raw), evidence.hits))
        if is_refusal(text):
            return refusal(evidence.hits)
        text = strip_refusal(text)
        checked = self.verifier.verify(text, hits, evidence.articles, evidence.question)
        if not checked.supported:
            log.info("%s: no supported sentence in %r; extractive fallback", self.label, raw[:200])
            return self._extractive(evidence)
        return self._draft(checked)

    @property
    def verifier(self) -> Verifier:
        return Verifier(
            _CachedEncoder(self.context.scorer()), self.settings.verify_similarity, terms
        )

    @staticmethod
    def _draft(checked: Verification) -> Draft:
        notes = (_unsupported_note(len(checked.unsupported)),) if checked.unsupported else ()
        return Draft(
            text=checked.text,
            citations=checked.citations,
            refused=False,
            notes=notes,
            unsupported=checked.unsupported,
        )

    def _extractive(self, evidence: Evidence) -> Draft:
        draft: Draft | None = None
        for piece in self.context.fallback().stream(evidence):
            if isinstance(piece, Draft):
                draft = piece
        assert draft is not None
        return Draft(
            text=draft.text,
            citations=draft.citations,
            refused=draft.refused,
            notes=(NO_SUPPORT_NOTE, *draft.notes),
            unsupported=draft.unsupported,
            related=draft.related,
        )

    # -- follow-up questions -------------------------------------------------------------------

    def standalone_question(self, question: str, history: Sequence[Any] | None) -> str:
        """A follow-up rewritten by the model into a question that stands alone.

        Questions without history, or that do not lean on it, are returned unchanged. When
        the model fails or its reply is not a usable question, the rule-based rewrite is used.
        """
        if not history or not needs_context(question):
            return question
        try:
            reply = "".join(self._tokens(rewrite_messages(question, history)))
        except NatoQAError as exc:
            log.info("%s could not rewrite the question (%s); using the rules", self.label, exc)
            return rule_based_rewrite(question, history)
        rewritten = clean_question(reply, question)
        if rewritten is None or not _keeps_terms(question, rewritten):
            log.info("%s rewrote %r into junk %r; using the rules", self.label, question, reply)
            return rule_based_rewrite(question, history)
        return rewritten


def _keeps_terms(question: str, rewritten: str) -> bool:
    """Whether the rewrite keeps at least half of the question's content words."""
    asked = set(terms(question))
    return not asked or len(asked & set(terms(rewritten))) * 2 >= len(asked)


_SECRET = re.compile(r"\b(sk|pk|key|ollama)-[A-Za-z0-9_\-]{6,}")


def redact(message: str, secret: str | None = None) -> str:
    """A message with the API key (and anything shaped like one) masked."""
    if secret:
        message = message.replace(secret, "***")
    return _SECRET.sub(lambda m: f"{m.group(1)}-***", message)


def generic_error(label: str, exc: Exception) -> NatoQAError:
    """A clear message for an exception no SDK-specific rule knows."""
    detail = redact(str(exc).strip().splitlines()[0] if str(exc).strip() else "")
    if isinstance(exc, TimeoutError):
        return BackendError(f"{label} timed out")
    if isinstance(exc, (ConnectionError, OSError)):
        return BackendUnavailableError(f"cannot reach {label}: {detail or type(exc).__name__}")
    return BackendError(f"{label} failed: {type(exc).__name__}{': ' + detail if detail else ''}")
