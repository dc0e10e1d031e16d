"""Throughput of the Scorer against a naive baseline, in the same run.

    python -m models.benchmark [--statements N] [--baseline-statements N] [--input CSV]

Both score sentiment plus stance toward every default target. The Scorer runs the bundled ONNX models in
length-sorted batches, embedding each statement once for all targets; the baseline calls a `transformers`
pipeline (torch) once per statement for sentiment and, for each target, runs the encoder on the statement and
on the target and applies the head, as a first implementation would. The baseline runs the same architectures (MiniLM,
6 layers: a 3-class sequence classifier, and a mean-pooled encoder with the stance head's shape): only ONNX
graphs are committed, and speed depends on the architecture, not on the weights. Each side runs in its own process so load time and peak memory are its own.
"""
from __future__ import annotations

import argparse
import multiprocessing
import re
import resource
import time
from pathlib import Path

import pandas as pd

from models import recipes


def sample_statements(n: int, source: Path | None = None) -> list[str]:
    """Realistic statements: sentences of the official transcripts and releases (or a CSV's text column)."""
    if source:
        texts = pd.read_csv(source, dtype=str, keep_default_na=False)["text"].tolist()
    else:
        texts = []
        for path in sorted((recipes.eval_dir() / "corpus-official").glob("*.csv")):
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            texts += frame["text" if "text" in frame.columns else "body"].tolist()
    sentences, seen = [], set()
    for text in texts:
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            sentence = " ".join(sentence.split())
            if 30 <= len(sentence) <= 600 and sentence not in seen:
                seen.add(sentence)
                sentences.append(sentence)
    # Spread over the whole corpus rather than the first few documents.
    step = max(len(sentences) // max(n, 1), 1)
    return sentences[::step][:n]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_scorer(texts: list[str]) -> dict:
    import sys

    # As deployed: no torch installed (transformers would otherwise import it alongside the tokenizer).
    sys.modules["torch"] = None
    started = time.perf_counter()
    from models.scoring import Scorer

    scorer = Scorer.default()
    loaded = time.perf_counter() - started
    statements = pd.DataFrame({"statement_id": [str(i) for i in range(len(texts))], "text": texts})
    started = time.perf_counter()
    sentiments, stances = scorer.score(statements, cache=None)
    seconds = time.perf_counter() - started
    return {"load_s": loaded, "seconds": seconds, "statements": len(texts), "targets": len(scorer.targets),
            "rows": len(sentiments) + len(stances), "peak_mb": _peak_mb()}


def run_baseline(texts: list[str], descriptions: list[str]) -> dict:
    started = time.perf_counter()
    import numpy as np
    import torch
    from transformers import AutoModel, AutoModelForSequenceClassification, AutoTokenizer, pipeline

    from models import registry
    from models.classifier import HEAD_FILE
    from models.training import LAYERS, base_model_dir

    torch.set_num_threads(2)
    base = str(base_model_dir())
    tokenizer = AutoTokenizer.from_pretrained(base)
    classify = pipeline("text-classification", model=AutoModelForSequenceClassification.from_pretrained(
        base, num_labels=3), tokenizer=tokenizer, device=-1)
    encoder = AutoModel.from_pretrained(base).eval()
    # The head runs in torch too: numpy's BLAS threads between torch calls would fight torch's for the cores
    # and triple the baseline's time, which would flatter the comparison.
    with np.load(registry.SPECS["stance"].bundled / HEAD_FILE) as head:
        w1, w2 = (torch.from_numpy(head[name].astype(np.float32)) for name in ("w1", "w2"))

    def embed(text: str):
        # The bundled encoder's embedding: the last LAYERS layers, each mean-pooled to unit length (a
        # feature-extraction pipeline gives the last layer only, so the encoder is called as the pipeline would).
        layers = encoder(**tokenizer(text, truncation=True, max_length=256, return_tensors="pt"),
                         output_hidden_states=True).hidden_states[-LAYERS:]
        return torch.cat([torch.nn.functional.normalize(layer[0].mean(dim=0), dim=0) for layer in layers])

    loaded = time.perf_counter() - started
    started = time.perf_counter()
    with torch.no_grad():
        for text in texts:
            classify(text, truncation=True, max_length=256)
            for description in descriptions:
                u, v = embed(text), embed(description)
                torch.relu(torch.cat([u, v, u * v, (u - v).abs()]) @ w1) @ w2
    seconds = time.perf_counter() - started
    return {"load_s": loaded, "seconds": seconds, "statements": len(texts), "peak_mb": _peak_mb()}


def _in_child(function, *args) -> dict:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(function, args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m models.benchmark", description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=400, help="statements for the Scorer")
    parser.add_argument("--baseline-statements", type=int, default=40, help="statements for the slow baseline")
    parser.add_argument("--input", type=Path, help="CSV with a text column to use instead of the official corpus")
    args = parser.parse_args(argv)

    from models import targets

    texts = sample_statements(args.statements, args.input)
    descriptions = [t.description for t in targets.load()]
    scorer = _in_child(run_scorer, texts)
    baseline = _in_child(run_baseline, texts[: args.baseline_statements], descriptions)
    fast = scorer["statements"] / scorer["seconds"]
    slow = baseline["statements"] / baseline["seconds"]
    chars = sum(map(len, texts)) / max(len(texts), 1)
    print(f"{len(texts)} statements (mean {chars:.0f} characters), sentiment + {len(descriptions)} stance targets each")
    print(f"  Scorer (ONNX Runtime, batched):  {fast:7.1f} statements/s   load {scorer['load_s']:.1f}s   "
          f"peak memory {scorer['peak_mb']:.0f} MB")
    print(f"  naive transformers pipeline:      {slow:7.1f} statements/s   load {baseline['load_s']:.1f}s   "
          f"peak memory {baseline['peak_mb']:.0f} MB   ({baseline['statements']} statements)")
    print(f"  speed-up: {fast / slow:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
