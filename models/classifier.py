"""The bundled models' shapes, run with ONNX Runtime and a `transformers` tokenizer: no torch at inference.

Classifier: one graph reads a text (or a pair of texts) and gives class logits.
BiEncoder: one graph embeds a text, a small head reads (statement embedding, target embedding); the stance
model. Each statement is embedded once whatever the number of targets, and each target once per run.
EmbeddingClassifier: the same kind of graph, a small head reads one text's embedding; the sentiment model.

The hosted deployment installs no torch (a PyPI torch is a multi-GB CUDA build), so the bundled models
are ONNX graphs; torch is only needed to train and export them.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import OrderedDict
from functools import lru_cache
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

    head_file = ""  # a numpy head stored beside the graph (the shapes over embeddings), part of the weights

    def __init__(self, directory: Path, labels: Sequence[str] | None = None, threads: int | None = None):
        from transformers import AutoTokenizer

        self.directory = Path(directory)
        self.graph = _graph_file(self.directory)
        self.graph_digest = _digest(self.graph)
        self.session = _session(self.graph, threads, self.graph_digest)
        self.tokenizer = AutoTokenizer.from_pretrained(str(self.directory))
        # Texts are tokenized whole and then cut into windows (models/windows.py); the tokenizer's own limit
        # would only warn that a long text cannot be fed at once, which it never is.
        self.tokenizer.model_max_length = 1 << 30
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.labels = list(labels) if labels else _labels(self.directory)
        self.none_bias, self.default_none_bias = calibration.load(self.directory)
        self.digest = digest_of(self.directory, type(self))

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


class _HeadOverEmbeddings(OnnxModel):
    """A text encoder (ONNX: mean-pooled layer states, each scaled to unit length) plus a small two-layer
    head in numpy, stored beside the graph in `head_file`."""

    head_file = ""
    features = 1  # how many embedding-wide blocks the head reads

    def __init__(self, directory: Path, labels: Sequence[str] | None = None, threads: int | None = None):
        super().__init__(directory, labels, threads)
        with np.load(self.directory / self.head_file) as head:
            self.head = {name: head[name].astype(np.float32) for name in ("w1", "b1", "w2", "b2")}
        config = json.loads((self.directory / "config.json").read_text(encoding="utf-8"))
        self.hidden_size = int(config["hidden_size"])

    def embed(self, texts: Sequence[str], batch_size: int = BATCH_SIZE, progress: Progress | None = None) -> np.ndarray:
        """One embedding per text.

        The sentiment and stance models share one encoder graph, and the scorer asks both about the same
        statements: embeddings are remembered (a bounded number, per graph) so each statement is encoded once.
        """
        width = self.head["w1"].shape[0] // self.features
        graph = self.graph_digest
        with _memo_lock:
            known = {t: _embedded.get((graph, t)) for t in dict.fromkeys(texts)}
        todo = [t for t, v in known.items() if v is None or v.shape[0] != width]
        if todo:
            fresh = self._outputs(todo, None, width, batch_size, progress, blocks=width // self.hidden_size)
            with _memo_lock:
                for text, vector in zip(todo, fresh):
                    known[text] = vector
                    _embedded[(graph, text)] = vector
                while len(_embedded) > EMBEDDING_MEMO:
                    _embedded.popitem(last=False)
        elif progress:
            progress(len(texts), len(texts))
        if not texts:
            return np.zeros((0, width), dtype=np.float32)
        return np.stack([known[t] for t in texts])

    def _head(self, features: np.ndarray) -> np.ndarray:
        hidden = np.maximum(features @ self.head["w1"] + self.head["b1"], 0.0)
        return hidden @ self.head["w2"] + self.head["b2"]


class EmbeddingClassifier(_HeadOverEmbeddings):
    """A head over one text's embedding: the sentiment model when it shares the stance model's encoder."""

    head_file = "text_head.npz"

    def probabilities(self, texts: Sequence[str], pairs: Sequence[str] | None = None,
                      batch_size: int = BATCH_SIZE, progress: Progress | None = None) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        distinct = list(dict.fromkeys(texts))
        row = {t: i for i, t in enumerate(distinct)}
        n = len(texts)
        report = (lambda done, total: progress(round(done / total * n), n)) if progress else None
        u = self.embed(distinct, batch_size, report)[[row[t] for t in texts]]
        return _softmax(self._head(u))


class BiEncoder(_HeadOverEmbeddings):
    """A text encoder plus a two-layer head over (text, target) embeddings.

    The head reads [u, v, u·v, |u − v|] of the statement embedding u and the target embedding v, so a target
    it never saw is read through its embedding, and a statement scored toward six targets is encoded once.
    """

    head_file = "head.npz"
    features = 4

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
        return _softmax(self._calibrated(self._head(features), pairs))


# Embeddings remembered across models sharing a graph: (graph digest, text) → embedding, oldest dropped first.
EMBEDDING_MEMO = 8192
_embedded: "OrderedDict[tuple[str, str], np.ndarray]" = OrderedDict()
_memo_lock = threading.Lock()

HEAD_FILE = BiEncoder.head_file
TEXT_HEAD_FILE = EmbeddingClassifier.head_file


def shape_of(directory: Path) -> type[OnnxModel]:
    """Which of the three shapes the model in `directory` was saved in."""
    if (Path(directory) / HEAD_FILE).is_file():
        return BiEncoder
    if (Path(directory) / TEXT_HEAD_FILE).is_file():
        return EmbeddingClassifier
    return Classifier


def open_model(directory: Path, labels: Sequence[str] | None = None, threads: int | None = None) -> OnnxModel:
    """The model in `directory`, in whichever of the three shapes it was saved."""
    return shape_of(directory)(directory, labels, threads)


def weight_files(directory: Path, shape: type[OnnxModel] | None = None) -> list[Path]:
    """The files whose bytes decide the model's outputs: the graph, its calibration and its head."""
    directory = Path(directory)
    shape = shape or shape_of(directory)
    files = [_graph_file(directory)]
    if (directory / calibration.CALIBRATION_FILE).is_file():
        files.append(directory / calibration.CALIBRATION_FILE)
    if shape.head_file:
        files.append(directory / shape.head_file)
    return files


def digest_of(directory: Path, shape: type[OnnxModel] | None = None) -> str:
    """The digest that names the model's weights (`OnnxModel.digest`), read from the files without loading
    the model: what a stored analysis is keyed on can be learnt without ONNX Runtime or the tokenizer."""
    files = weight_files(directory, shape)
    return _cached_digest(tuple(files), tuple((p.stat().st_mtime_ns, p.stat().st_size) for p in files))


@lru_cache(maxsize=16)
def _cached_digest(files: tuple[Path, ...], stamps: tuple[tuple[int, int], ...]) -> str:
    # Hashing a graph of 45 MB takes a tenth of a second: done again only when a file has changed.
    return _digest(*files)


_sessions: dict[tuple[str, int | None], object] = {}


def _session(graph: Path, threads: int | None, digest: str):
    """One ONNX Runtime session per distinct graph: models that share an encoder share its memory."""
    with _memo_lock:
        if (digest, threads) not in _sessions:
            _sessions[(digest, threads)] = _new_session(graph, threads)
        return _sessions[(digest, threads)]


def _new_session(graph: Path, threads: int | None):
    import onnxruntime as ort

    options = ort.SessionOptions()
    # PARLEY_ONNX_THREADS: set by the analysis engines so that each worker uses the cores it was given.
    options.intra_op_num_threads = threads or int(os.environ.get("PARLEY_ONNX_THREADS") or 0) or min(os.cpu_count() or 1, 4)
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    # No arena: it keeps the largest batch's buffers for the life of the process (and each scoring lane's, when
    # lanes run at once), so a process's size followed the longest batch it ever scored. Without it, and with
    # the freed memory given back after each batch (analysis/engines.py), a run over 400 official texts peaked
    # at 797 MB instead of 873 MB (one process, same output), for about a tenth more CPU in the models.
    # Memory patterns only pay off for fixed input shapes.
    options.enable_mem_pattern = False
    options.enable_cpu_mem_arena = False
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
