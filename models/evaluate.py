"""Measures the bundled models on the shared evaluation sets and on the held-out hand-written rows.

    python -m models.evaluate [--task sentiment|stance] [--sentiment-dir DIR] [--stance-dir DIR] [--json OUT]

Sentiment: macro-F1 on NewsMTSC devtest_mt (each labelled target gets the sentence's sentiment, since a
statement carries one sentiment), on TweetEval validation, on the real statements' dev split and on the
hand-written dev split.
Stance: the mean of F1(favor) and F1(against) on the RUW validation split toward Russia and toward Ukraine,
on the real statements' dev split and on the hand-written dev split, per default target.
(The real-text yardstick, dev-news, is measured end to end by its own score.py.)
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import pandas as pd

from models import recipes, registry, targets as targets_config
from models.classifier import Classifier, OnnxModel, open_model

NEWSMTSC_POLARITY = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}
TWEETEVAL_LABELS = {0: "negative", 1: "neutral", 2: "positive"}


def f1_per_label(gold: list[str], predicted: list[str], labels) -> dict[str, float]:
    scores = {}
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(gold, predicted))
        fp = sum(g != label and p == label for g, p in zip(gold, predicted))
        fn = sum(g == label and p != label for g, p in zip(gold, predicted))
        scores[label] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return scores


def macro_f1(gold, predicted, labels) -> float:
    per = f1_per_label(gold, predicted, labels)
    return sum(per.values()) / len(per)


def stance_f1(gold, predicted) -> float:
    """The RUW / SemEval stance measure: mean of F1(favor) and F1(against)."""
    per = f1_per_label(gold, predicted, ("favor", "against"))
    return (per["favor"] + per["against"]) / 2


def accuracy(gold, predicted) -> float:
    return sum(g == p for g, p in zip(gold, predicted)) / max(len(gold), 1)


# -- sentiment --------------------------------------------------------------------------------------
def newsmtsc() -> tuple[list[str], list[str]]:
    """(sentence per labelled target, gold label per labelled target)."""
    sentences, gold = [], []
    path = recipes.eval_dir() / "sentiment-newsmtsc" / "devtest_mt.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        for target in row["targets"]:
            sentences.append(row["sentence_normalized"])
            gold.append(NEWSMTSC_POLARITY[float(target["polarity"])])
    return sentences, gold


def tweeteval() -> tuple[list[str], list[str]]:
    folder = recipes.eval_dir() / "sentiment-tweeteval"
    texts = (folder / "val_text.txt").read_text(encoding="utf-8").splitlines()
    labels = (folder / "val_labels.txt").read_text(encoding="utf-8").split()
    return texts[: len(labels)], [TWEETEVAL_LABELS[int(x)] for x in labels]


def evaluate_sentiment(model: Classifier) -> dict[str, dict[str, float]]:
    results = {}
    labels = recipes.SENTIMENT_LABELS
    sentences, gold = newsmtsc()
    distinct = sorted(set(sentences))
    predicted_by_sentence = dict(zip(distinct, model.predict(distinct)[0]))
    predicted = [predicted_by_sentence[s] for s in sentences]
    results["NewsMTSC devtest_mt"] = {"macro_f1": macro_f1(gold, predicted, labels),
                                      "accuracy": accuracy(gold, predicted), "n": len(gold)}
    texts, gold = tweeteval()
    predicted = model.predict(texts)[0]
    results["TweetEval val"] = {"macro_f1": macro_f1(gold, predicted, labels),
                                "accuracy": accuracy(gold, predicted), "n": len(gold)}
    real = recipes.real_sentiment("dev")
    predicted = model.predict(real["text"].tolist())[0]
    gold = real["label"].tolist()
    results["real statements dev"] = {"macro_f1": macro_f1(gold, predicted, labels),
                                      "accuracy": accuracy(gold, predicted), "n": len(gold),
                                      **{f"F1 {k}": v for k, v in f1_per_label(gold, predicted, labels).items()}}
    dev = recipes.news_sentiment("dev")
    if len(dev):
        predicted = model.predict(dev["text"].tolist())[0]
        gold = dev["label"].tolist()
        results["hand-written news dev"] = {"macro_f1": macro_f1(gold, predicted, labels),
                                            "accuracy": accuracy(gold, predicted), "n": len(gold)}
    return results


# -- stance -----------------------------------------------------------------------------------------
def _stance_predictions(model: OnnxModel, frame: pd.DataFrame) -> list[str]:
    configured = targets_config.load()
    descriptions = [targets_config.description(t, configured) for t in frame["target"]]
    return model.predict(frame["text"].tolist(), descriptions)[0]


def _stance_rows(frame: pd.DataFrame) -> dict[str, float]:
    gold, predicted = frame["label"].tolist(), frame["predicted"].tolist()
    return {"favor_against_f1": stance_f1(gold, predicted),
            "macro_f1": macro_f1(gold, predicted, recipes.STANCE_LABELS),
            "accuracy": accuracy(gold, predicted), "n": len(gold)}


def _by_target(model: OnnxModel, frame: pd.DataFrame, whole: str, each: str,
               targets: list[str]) -> dict[str, dict[str, float]]:
    """The set's figures over all its rows (named `whole`) and for each of `targets` it has (`each → target`);
    the rows with targets outside the list under `each → other targets`."""
    frame = frame.assign(predicted=_stance_predictions(model, frame))
    results = {whole: _stance_rows(frame)}
    for target in targets:
        part = frame[frame["target"] == target]
        if len(part):
            results[f"{each} → {target}"] = _stance_rows(part)
    others = frame[~frame["target"].isin(targets)]
    if len(others):
        results[f"{each} → other targets"] = _stance_rows(others)
    return results


def evaluate_stance(model: OnnxModel) -> dict[str, dict[str, float]]:
    ruw = recipes.ruw("val")
    results = _by_target(model, ruw, "RUW val (both targets)", "RUW val", ["Russia", "Ukraine"])
    results["RUW val (mean of both targets)"] = {
        "favor_against_f1": (results["RUW val → Russia"]["favor_against_f1"]
                             + results["RUW val → Ukraine"]["favor_against_f1"]) / 2,
        "n": len(ruw),
    }
    defaults = [t.name for t in targets_config.load()]
    results.update(_by_target(model, recipes.real_stance("dev"), "real statements dev (all targets)", "real dev",
                              defaults))
    dev = recipes.stance_hand_written("dev")
    if len(dev):
        results.update(_by_target(model, dev, "hand-written dev (all targets)", "hand-written dev", defaults))
    return results


def show(task: str, results: dict[str, dict[str, float]]) -> None:
    print(f"\n{task}")
    for name, figures in results.items():
        shown = "  ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in figures.items())
        print(f"  {name:<48} {shown}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m models.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("--task", choices=["sentiment", "stance", "all"], default="all")
    parser.add_argument("--sentiment-dir", type=Path, help="evaluate this model directory instead of the bundled one")
    parser.add_argument("--stance-dir", type=Path, help="evaluate this model directory instead of the bundled one")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    out = {}
    for task, directory in (("sentiment", args.sentiment_dir), ("stance", args.stance_dir)):
        if args.task not in (task, "all"):
            continue
        spec = registry.SPECS[task]
        model = open_model(directory or spec.bundled, labels=spec.labels)
        started = time.time()
        results = (evaluate_sentiment if task == "sentiment" else evaluate_stance)(model)
        show(f"{task} ({directory or spec.bundled.name}, {model.digest}, {time.time() - started:.0f}s)", results)
        out[task] = results
    if args.json:
        args.json.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
