"""LangChain interfaces for developers who compose chains: a BaseRetriever and an LCEL runnable.

Both go through the same QAService as the CLI and the UI.
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import ConfigDict

from nato_qa.service import QAService
from nato_qa.types import Answer


class NatoQARetriever(BaseRetriever):
    """Hybrid retrieval as a LangChain retriever; each Document is one passage.

    Document metadata: chunk_id, doc_id, title, publisher, author, date, start, end, score, also_in.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    service: QAService
    k: int = 5

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        hits = self.service.search(self.service.validate_question(query), self.k)
        return [
            Document(
                page_content=hit.text,
                metadata={
                    "chunk_id": hit.chunk_id,
                    "doc_id": hit.source.doc_id,
                    "title": hit.source.title,
                    "publisher": hit.source.publisher,
                    "author": hit.source.author,
                    "date": hit.source.date,
                    "start": hit.source.start,
                    "end": hit.source.end,
                    "score": hit.score,
                    "also_in": [s.doc_id for s in hit.sources[1:]],
                },
            )
            for hit in hits
        ]


def answer_chain(service: QAService, **overrides: Any) -> Runnable[Any, Answer]:
    """An LCEL runnable: a question string or {"question", "history"} dict in, an Answer out."""

    def run(inputs: Any) -> Answer:
        if isinstance(inputs, str):
            return service.ask(inputs, **overrides)
        return service.ask(inputs["question"], inputs.get("history"), **overrides)

    return RunnableLambda(run, name="nato_qa_answer")
