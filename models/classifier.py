"""The bundled models' two shapes, run with ONNX Runtime and a `transformers` tokenizer: no torch at inference.

Classifier: one graph reads a text (or a pair of texts) and gives class logits; the sentiment model.
BiEncoder: one graph embeds a text, a small head reads (statement embedding, target embedding); the stance
model. Each statement is embedded once whatever the number of targets, and each target once per run.

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

from models import calibration, windows as windowing

BATCH_SIZE = windowing.MAX_ROWS

Progress = Callable[[int, int], None]


class OnnxModel:
    """An ONNX graph plus its tokenizer and labels, loaded from a directory; `digest` names the weights.

    Each shape below gives `probabilities(texts, pairs=None, batch_size=…, progress=…)`; `predict` picks from it.
    """

    def __init__(self, directory: Path, labels: Sequence[str] | None = None, threads: int | None = None):
        from transformers import AutoTokenizer

        self.directory = Path(directory)
        self.graph = _graph_file(self.directory)
        self.session = _session(self.graph, threads)
        self.tokenizer = AutoTokenizer.from_pretrained(str(self.directory))
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.labels = list(labels) if labels else _labels(self.directory)
        self.none_bias, self.default_none_bias = calibration.load(self.directory)
        self.digest = _digest(*self._weight_files())

    def _weight_files(self) -> list[Path]:
        extra = [self.directory / calibration.CALIBRATION_FILE]
        return [self.graph] + [p for p in extra if p.is_file()]

    def _calibrated(self, logits: np.ndarray, pairs: Sequence[str] | None) -> np.ndarray:
        """Stance logits with each target's `none` bias added (models/calibration.py)."""
        if pairs is None or "none" not in self.labels or not (self.none_bias or self.default_none_bias):
            return logits
        column = self.labels.index("none")
        logits = logits.copy()
        logits[:, column] += np.array([self.none_bias.get(p, self.default_none_bias) for p in pairs],
                                      dtype=np.float32)
        return logits

    def _outputs(self, texts: Sequence[str], firsts: Sequence[str] | None, width: int, batch_size: int,
                 progress: Progress | None, blocks: int = 0) -> np.ndarray:
        """The graph's output row for each text (paired with `firsts[i]` in front when given).

        Each text is read whole, in windows of at most WINDOW_TOKENS tokens whose outputs are pooled
        (models/windows.py); windows are batched by length within a token budget, so memory stays bounded
        however long a transcript turn is, and padding, which costs as much as text, stays small.
        `batch_size` caps the rows per batch.
        """
        n = len(texts)
        if n == 0:
            return np.zeros((0, width), dtype=np.float32)
        rows = windowing.windows(self.tokenizer, texts, firsts)
        out = np.zeros((len(rows), width), dtype=np.float32)
        done = 0
        for index in windowing.batches(rows, max_rows=batch_size):
            feed = {k: v for k, v in windowing.padded(rows, index).items() if k in self.inputs}
            out[index] = self.session.run(None, feed)[0]
            done += len(index)
            if progress:
                progress(min(round(done / len(rows) * n), n), n)
        return windowing.pool(out, rows, n, blocks)

    def predict(self, texts: Sequence[str], pairs: Sequence[str] | None = None, **kwargs) -> tuple[list[str], list[float]]:
        """The most probable label of each text (or pair) and its probability."""
        probs = self.probabilities(texts, pairs, **kwargs)
        best = probs.argmax(axis=1)
        return [self.labels[i] for i in best], [float(probs[r, i]) for r, i in enumerate(best)]


class Classifier(OnnxModel):
    """A classification graph: text (or pair of texts) in, class logits out."""

    def probabilities(
        self,
        texts: Sequence[str],
        pairs: Sequence[str] | None = None,
        batch_size: int = BATCH_SIZE,
        progress: Progress | None = None,
    ) -> np.ndarray:
        """Class probabilities, one row per text (optionally paired: `pairs[i]` first, `texts[i]` second)."""
        return _softmax(self._calibrated(self._outputs(texts, pairs, len(self.labels), batch_size, progress), pairs))


class BiEncoder(OnnxModel):
    """A text encoder (ONNX: mean-pooled layer states, each scaled to unit length) plus a two-layer head over
    (text, target) embeddings.

    The head reads [u, v, u·v, |u − v|] of the statement embedding u and the target embedding v, so a target
    it never saw is read through its embedding, and a statement scored toward six targets is encoded once.
    """

    def __init__(self, directory: Path, labels: Sequence[str] | None = None, threads: int | None = None):
        super().__init__(directory, labels, threads)
        with np.load(self.directory / HEAD_FILE) as head:
            self.head = {name: head[name].astype(np.float32) for name in ("w1", "b1", "w2", "b2")}
        self.digest = _digest(*self._weight_files(), self.directory / HEAD_FILE)
        config = json.loads((self.directory / "config.json").read_text(encoding="utf-8"))
        self.hidden_size = int(config["hidden_size"])

    def embed(self, texts: Sequence[str], batch_size: int = BATCH_SIZE, progress: Progress | None = None) -> np.ndarray:
        """One embedding per text."""
        width = self.head["w1"].shape[0] // 4
        return self._outputs(texts, None, width, batch_size, progress, blocks=width // self.hidden_size)

    def probabilities(
        self,
        texts: Sequence[str],
        pairs: Sequence[str] | None = None,
        batch_size: int = BATCH_SIZE,
        progress: Progress | None = None,
    ) -> np.ndarray:
        """Class probabilities of each text toward the target `pairs[i]` (required: a stance needs a target)."""
        if pairs is None or len(pairs) != len(texts):
            raise ValueError("A bi-encoder stance model needs one target per text.")
        n = len(texts)
        if n == 0:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        distinct_texts = list(dict.fromkeys(texts))
        distinct_targets = list(dict.fromkeys(pairs))
        report = (lambda done, total: progress(round(done / total * n), n)) if progress else None
        u_all = self.embed(distinct_texts, batch_size, report)
        v_all = self.embed(distinct_targets, batch_size)
        text_row = {t: i for i, t in enumerate(distinct_texts)}
        target_row = {t: i for i, t in enumerate(distinct_targets)}
        u = u_all[[text_row[t] for t in texts]]
        v = v_all[[target_row[t] for t in pairs]]
        features = np.concatenate([u, v, u * v, np.abs(u - v)], axis=1)
        hidden = np.maximum(features @ self.head["w1"] + self.head["b1"], 0.0)
        return _softmax(self._calibrated(hidden @ self.head["w2"] + self.head["b2"], pairs))


HEAD_FILE = "head.npz"


def open_model(directory: Path, labels: Sequence[str] | None = None, threads: int | None = None) -> OnnxModel:
    """The model in `directory`, in whichever of the two shapes it was saved."""
    if (Path(directory) / HEAD_FILE).is_file():
        return BiEncoder(directory, labels, threads)
    return Classifier(directory, labels, threads)


def _session(graph: Path, threads: int | None):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or min(os.cpu_count() or 1, 4)
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    # The arena keeps the largest batch's buffers for the life of the process. Batches are bounded by a
    # token budget (models/windows.py), so what it keeps is bounded too: measured on 400 official sentences,
    # the arena with 2,048-token batches peaked at 527 MB and used 7.4 s of CPU; without the arena, 580 MB and
    # 8.2 s. Memory patterns only pay off for fixed input shapes.
    options.enable_mem_pattern = False
    return ort.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])


def _labels(directory: Path) -> list[str]:
    config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
    id2label = {int(k): v.lower() for k, v in (config.get("id2label") or {}).items()}
    return [id2label[i] for i in sorted(id2label)]


def _softmax(logits: np.ndarray) -> np.ndarray:
    logits = logits.astype(np.float32)
    logits -= logits.max(axis=1, keepdims=True)
    probs = np.exp(logits)
    return probs / probs.sum(axis=1, keepdims=True)


def _graph_file(directory: Path) -> Path:
    for name in ("model.onnx", "model_quantized.onnx", "onnx/model.onnx", "onnx/model_quantized.onnx"):
        if (directory / name).is_file():
            return directory / name
    raise FileNotFoundError(f"No ONNX model (model.onnx) in {directory}.")


def _digest(*paths: Path) -> str:
    sha = hashlib.sha1()
    for path in paths:
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                sha.update(chunk)
    return sha.hexdigest()[:10]
