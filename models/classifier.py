"""A sequence classifier run with ONNX Runtime and a `transformers` tokenizer: no torch at inference.

The hosted deployment installs no torch (a PyPI torch is a multi-GB CUDA build), so the bundled models
are ONNX graphs; torch is only needed to train and export them.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

# Long statements are truncated; the models were trained on at most 128 tokens, a little more context
# still helps and costs little on the few long quotes.
MAX_LENGTH = 256
BATCH_SIZE = 32

Progress = Callable[[int, int], None]


class Classifier:
    """One ONNX classification model plus its tokenizer, loaded from a directory."""

    def __init__(self, directory: Path, labels: Sequence[str] | None = None, threads: int | None = None):
        import onnxruntime as ort
        from transformers import AutoTokenizer

        self.directory = Path(directory)
        graph = _graph_file(self.directory)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or min(os.cpu_count() or 1, 4)
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])
        self.tokenizer = AutoTokenizer.from_pretrained(str(self.directory))
        self.inputs = {i.name for i in self.session.get_inputs()}
        config = json.loads((self.directory / "config.json").read_text(encoding="utf-8"))
        id2label = {int(k): v.lower() for k, v in (config.get("id2label") or {}).items()}
        self.labels = list(labels) if labels else [id2label[i] for i in sorted(id2label)]
        self.digest = _digest(graph)

    def probabilities(
        self,
        texts: Sequence[str],
        pairs: Sequence[str] | None = None,
        batch_size: int = BATCH_SIZE,
        progress: Progress | None = None,
    ) -> np.ndarray:
        """Class probabilities, one row per text (optionally paired: `pairs[i]` first, `texts[i]` second).

        Inputs are batched in order of length so that padding, which costs as much as text, stays small.
        """
        n = len(texts)
        out = np.zeros((n, len(self.labels)), dtype=np.float32)
        if n == 0:
            return out
        firsts = list(pairs) if pairs is not None else None
        order = sorted(range(n), key=lambda i: len(texts[i]) + (len(firsts[i]) if firsts else 0))
        for begin in range(0, n, batch_size):
            idx = order[begin : begin + batch_size]
            if firsts is not None:
                enc = self.tokenizer(
                    [firsts[i] for i in idx], [texts[i] for i in idx], padding=True,
                    truncation="only_second", max_length=MAX_LENGTH, return_tensors="np",
                )
            else:
                enc = self.tokenizer(
                    [texts[i] for i in idx], padding=True, truncation=True, max_length=MAX_LENGTH,
                    return_tensors="np",
                )
            feed = {k: v.astype(np.int64) for k, v in enc.items() if k in self.inputs}
            logits = self.session.run(None, feed)[0].astype(np.float32)
            logits -= logits.max(axis=1, keepdims=True)
            probs = np.exp(logits)
            out[idx] = probs / probs.sum(axis=1, keepdims=True)
            if progress:
                progress(min(begin + batch_size, n), n)
        return out

    def predict(self, texts: Sequence[str], pairs: Sequence[str] | None = None, **kwargs) -> tuple[list[str], list[float]]:
        probs = self.probabilities(texts, pairs, **kwargs)
        best = probs.argmax(axis=1)
        return [self.labels[i] for i in best], [float(probs[r, i]) for r, i in enumerate(best)]


def _graph_file(directory: Path) -> Path:
    for name in ("model.onnx", "model_quantized.onnx", "onnx/model.onnx", "onnx/model_quantized.onnx"):
        if (directory / name).is_file():
            return directory / name
    raise FileNotFoundError(f"No ONNX model (model.onnx) in {directory}.")


def _digest(path: Path) -> str:
    sha = hashlib.sha1()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            sha.update(chunk)
    return sha.hexdigest()[:10]
