"""Score statement extraction against PolNeAR dev (news attributions annotated as source / cue / content).

    python -m analysis.evaluate [--data DIR] [--limit N]

DIR defaults to ../shared/eval/quotes-polnear-dev next to the project. For each article the first
annotator's file is the gold. A predicted statement matches a gold attribution when their content
tokens overlap by at least half of the longer of the two (so a clause cut in half, or a prediction
twice the gold's length, does not count). Each gold and each prediction is matched at most once.
Speaker accuracy is measured on matched pairs: the predicted speaker mention names the gold source
when the words of one contain the words of the other, or they share at least half of their words.
PolNeAR's sources are mentions ("he", "the Post"), not resolved names, so the mention is what is compared.

The parts of one speaker's quote in a paragraph ("…," he said, "…" / "…," he said. "…") are one
attribution in PolNeAR; direct quotes of the same paragraph with the same speaker mention and cue are
merged first.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from analysis import nlp, statements

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "quotes-polnear-dev"
_TOKEN = re.compile(r"\w+")


@dataclass
class Gold:
    content: set[int]
    source: str
    direct: bool


def tokens(text: str, spans: list[tuple[int, int]]) -> set[int]:
    """Start offsets of the word tokens inside the spans."""
    out: set[int] = set()
    for start, end in spans:
        out |= {start + m.start() for m in _TOKEN.finditer(text[start:end])}
    return out


def words(text: str) -> set[str]:
    return {w.lower() for w in _TOKEN.findall(text or "")}


def read_gold(ann: Path, text: str) -> list[Gold]:
    spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    events: list[dict[str, str]] = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            label, _, ranges = parts[1].partition(" ")
            pieces = [tuple(int(x) for x in r.split()) for r in ranges.split(";")]
            spans[parts[0]] = (label, pieces)
        elif line.startswith("E") and len(parts) >= 2:
            events.append(dict(arg.split(":", 1) for arg in parts[1].split() if ":" in arg))
    gold = []
    for event in events:
        content = spans.get(event.get("Content", ""))
        if not content:
            continue
        source = spans.get(event.get("Source", ""))
        source_text = " ".join(text[a:b] for a, b in source[1]) if source else ""
        first = text[content[1][0][0] : content[1][0][0] + 1]
        gold.append(Gold(tokens(text, content[1]), source_text, first in "\"\u201c'\u2018"))
    return gold


def merge_split_quotes(rows: list[dict], text: str) -> list[dict]:
    rows = sorted(rows, key=lambda r: r["start"])
    merged: list[dict] = []
    for row in rows:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and prev["kind"] == row["kind"] == "direct"
            and prev["speaker_mention"] == row["speaker_mention"]
            and prev["cue"] == row["cue"]
            and 0 <= row["start"] - prev["end"]
            and "\n" not in text[prev["end"] : row["start"]]
        ):
            prev["spans"].append((row["start"], row["end"]))
            prev["end"] = row["end"]
            continue
        merged.append({**row, "spans": [(row["start"], row["end"])]})
    return merged


def same_speaker(predicted: str, gold: str) -> bool:
    p, g = words(predicted), words(gold)
    if not p or not g:
        return False
    return p <= g or g <= p or len(p & g) >= 0.5 * len(p | g)


def score(data: Path, limit: int | None = None) -> dict[str, float]:
    texts = sorted((data / "dev" / "text").glob("*.txt"))[:limit]
    tp = n_pred = n_gold = speaker_ok = 0
    gold_direct = found_direct = 0
    seconds = 0.0
    for path in texts:
        anns = sorted((data / "dev" / "attributions").glob(path.stem + "_*.ann"))
        if not anns:
            continue
        text = path.read_text(encoding="utf-8")
        gold = read_gold(anns[0], text)
        began = time.perf_counter()
        frame = statements.extract({"article_id": path.stem, "text": text, "author": "", "published": ""})
        seconds += time.perf_counter() - began
        # one prediction per span: a statement split per party is one attribution
        rows = frame.drop_duplicates(["start", "end"]).to_dict("records")
        predicted = merge_split_quotes(rows, text)
        pred_tokens = [tokens(text, p["spans"]) for p in predicted]
        used: set[int] = set()
        n_pred += len(predicted)
        n_gold += len(gold)
        for g in gold:
            gold_direct += g.direct
            best, best_overlap = None, 0.0
            for i, toks in enumerate(pred_tokens):
                if i in used or not toks or not g.content:
                    continue
                overlap = len(toks & g.content) / max(len(toks), len(g.content))
                if overlap >= 0.5 and overlap > best_overlap:
                    best, best_overlap = i, overlap
            if best is None:
                continue
            used.add(best)
            tp += 1
            found_direct += g.direct
            speaker_ok += same_speaker(predicted[best]["speaker_mention"], g.source)
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "articles": len(texts),
        "gold": n_gold,
        "predicted": n_pred,
        "matched": tp,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "speaker_accuracy": speaker_ok / tp if tp else 0.0,
        "recall_direct": found_direct / gold_direct if gold_direct else 0.0,
        "recall_indirect": (tp - found_direct) / (n_gold - gold_direct) if n_gold > gold_direct else 0.0,
        "articles_per_second": len(texts) / seconds if seconds else 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score statement extraction against PolNeAR dev.")
    parser.add_argument("--data", type=Path, default=DEFAULT, help="the quotes-polnear-dev folder")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N articles")
    args = parser.parse_args(argv)
    if not (args.data / "dev" / "text").is_dir():
        print(f"No PolNeAR dev data in {args.data}: pass --data pointing at quotes-polnear-dev.", file=sys.stderr)
        return 2
    nlp.model()  # load the model before timing
    figures = score(args.data, args.limit)
    for name, value in figures.items():
        print(f"{name:>20}: {value:.3f}" if isinstance(value, float) else f"{name:>20}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
