"""Run a sentence-embedding model on the CPU: onnxruntime for the encoder, tokenizers for text.

One encoder per process and model, shared by every callflow and call. Sessions run one thread
each: a caller's turn is one short sentence, and calls run side by side on their own threads.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from functools import cache

import numpy as np

from voice.nlu.models import NluModel, NluModelMissing, find_nlu_model
from voice.settings import Settings

log = logging.getLogger(__name__)
CACHE_SIZE = 4096  # recent texts' vectors: examples and replays repeat them


class Encoder:
    """Turn texts into unit vectors with one installed model."""

    def __init__(self, model: NluModel):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.model = model
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # onnxruntime's own warnings go to stderr, not our log
        self._session = ort.InferenceSession(
            str(model.path / model.onnx), options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._tokenizer = Tokenizer.from_file(str(model.path / model.tokenizer))
        self._tokenizer.enable_truncation(model.max_tokens)
        self._tokenizer.enable_padding()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def id(self) -> str:
        """Return the model's id, which names its calibration."""
        return self.model.id

    def embed(self, texts: list[str]) -> np.ndarray:
        """Return one L2-normalised float32 row per text (an empty text gives a zero row)."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        todo: list[int] = []
        with self._lock:
            for i, text in enumerate(texts):
                hit = self._cache.get(text)
                if hit is not None:
                    out[i] = hit
                    self._cache.move_to_end(text)
                elif text:
                    todo.append(i)
        for start in range(0, len(todo), 32):
            batch = todo[start : start + 32]
            vectors = self._run([texts[i] for i in batch])
            with self._lock:
                for i, vector in zip(batch, vectors, strict=True):
                    out[i] = vector
                    self._cache[texts[i]] = vector
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
        return out

    def forget(self) -> None:
        """Drop the cached vectors (benchmarks time the model, not the cache)."""
        with self._lock:
            self._cache.clear()

    @property
    def dim(self) -> int:
        """Return the vectors' width."""
        return int(self._session.get_outputs()[0].shape[-1])

    def _run(self, texts: list[str]) -> np.ndarray:
        encoded = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feed)[0]
        if hidden.ndim == 2:  # the graph pools already
            pooled = hidden
        elif self.model.pooling == "mean":
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(1) / np.maximum(weights.sum(1), 1.0)
        else:
            pooled = hidden[:, 0]
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)


@cache
def encoder_for(language: str) -> Encoder | None:
    """Return the process's encoder for a language's model; None (and a warning) when missing."""
    try:
        model = find_nlu_model(language, Settings())
    except NluModelMissing as exc:
        log.warning("understanding degraded for %s: %s", language, exc)
        return None
    return _load(model.path)


@cache
def _load(path: object) -> Encoder | None:
    from voice.nlu.models import read_model, verify_nlu_model

    model = read_model(path)  # type: ignore[arg-type]
    if model is None:
        return None
    if problems := verify_nlu_model(model.path):  # a tampered or truncated file is not run
        log.error("understanding model %s not used: %s", path, "; ".join(problems))
        return None
    try:
        return Encoder(model)
    except Exception as exc:  # noqa: BLE001 - a corrupt or unreadable model file: run degraded, say why
        log.error("understanding model %s could not be loaded: %s", path, exc)
        return None


def reset() -> None:
    """Forget loaded encoders (tests, and `voice models download` in a running process)."""
    encoder_for.cache_clear()
    _load.cache_clear()
