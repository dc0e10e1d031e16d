"""Command line of the models.

    python -m models predict --task sentiment|stance --input IN.csv --out OUT.csv
    python -m models train sentiment|stance [--limit N] [--epochs N] [--out DIR] [--scratch DIR]
                                            [--shape frozen|tuned|cross] [--exclude-target NAME]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m models", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    predict = commands.add_parser("predict", help="label a CSV of texts")
    predict.add_argument("--task", choices=["sentiment", "stance"], required=True)
    predict.add_argument("--input", required=True, type=Path, help="CSV with a text column (and target for stance)")
    predict.add_argument("--out", required=True, type=Path, help="CSV to write: the input plus label and score")

    train = commands.add_parser("train", help="rebuild a bundled model from its data recipe (stance: both models, "
                                              "which share one fine-tuned encoder)")
    train.add_argument("task", choices=["sentiment", "stance"])
    train.add_argument("--limit", type=int, help="train on the first N rows only (a quick check of the code path)")
    train.add_argument("--epochs", type=int)
    train.add_argument("--out", type=Path, help="write here instead of models/weights/<name>")
    train.add_argument("--scratch", type=Path, help="keep the fp32 ONNX graph here (for comparisons)")
    train.add_argument("--threads", type=int, default=2, help="torch threads (1 when training both models at once)")
    train.add_argument("--shape", choices=["frozen", "tuned", "cross", "classifier"],
                       help="a candidate other than the shipped recipe (see the model cards): stance frozen, tuned "
                            "or cross; sentiment frozen or classifier")
    train.add_argument("--exclude-target", action="append", default=[], metavar="NAME",
                       help="stance only: leave this default target out of training (measures an unseen target)")

    args = parser.parse_args(argv)
    if args.command == "train":
        from models.training import train as run_training

        run_training(args.task, out_dir=args.out, limit=args.limit, epochs=args.epochs, scratch=args.scratch,
                     threads=args.threads, shape=args.shape, exclude=tuple(args.exclude_target))
        return 0
    try:
        return _predict(args.task, args.input, args.out)
    except (ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _predict(task: str, source: Path, out: Path) -> int:
    from models import registry, targets

    if not source.is_file():
        raise FileNotFoundError(f"Input file {source} does not exist.")
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    needed = ["text"] + (["target"] if task == "stance" else [])
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ValueError(f"{source} needs the column(s) {', '.join(missing)}; it has {', '.join(frame.columns)}.")
    model = registry.load(task)
    if model.notice:
        print(model.notice, file=sys.stderr)
    texts = frame["text"].tolist()
    if task == "stance":
        configured = targets.load()
        descriptions = [targets.description(t, configured) for t in frame["target"]]
        labels, scores = model.predict_stance(texts, descriptions)
    else:
        labels, scores = model.predict(texts)
    frame["label"] = labels
    frame["score"] = [round(s, 4) for s in scores]
    out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out, index=False)
    print(f"Wrote {len(frame)} labelled row(s) to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
