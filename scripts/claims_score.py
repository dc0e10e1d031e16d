"""Scores the claims extractor on the hand-labelled war-narratives claims (models/data).

    python scripts/claims_score.py [--errors N] [--texts DIR]

Each labelled document is read from the war-narratives folder of the evaluation data (default
../shared/eval/war-narratives beside the project; the texts are not in the project), its claims are
extracted, and the set of (document, place, claim type, party) is compared with the labels the way the
dev-news scorer does: place names compared without "oblast"/"region"/"city"/"the", one entry per key.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis import claims  # noqa: E402

LABELS = ROOT / "models" / "data" / "claims_war_narratives.jsonl"
TEXTS = ROOT.parent / "shared" / "eval" / "war-narratives"


def place_key(name: str) -> str:
    name = re.sub(r"\b(oblast|region|province|city|the)\b", " ", (name or "").lower())
    return " ".join(re.findall(r"\w+", name))


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--errors", type=int, default=0, help="list up to N misses and false hits")
    ap.add_argument("--texts", type=Path, default=TEXTS, help="folder holding the war-narratives .txt files")
    a = ap.parse_args()
    labels = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]
    gold = {(g["doc_id"], place_key(g["place"]), g["claim"], g["party"]): g for g in labels}
    system = {}
    for doc_id in sorted({g["doc_id"] for g in labels}):
        path = a.texts / f"{doc_id}.txt"
        if not path.exists():
            sys.exit(f"{path}: not found; pass --texts with the folder of the war-narratives texts.")
        found = claims.extract({"article_id": doc_id, "text": path.read_text(encoding="utf-8"), "published": ""})
        for row in found.itertuples():
            system.setdefault((doc_id, place_key(row.place), row.claim, row.party), row)
    for name, k in (("place+type+party", 4), ("place+type, party ignored", 3)):
        g, s = {x[:k] for x in gold}, {x[:k] for x in system}
        tp = len(g & s)
        p, r = (tp / len(s) if s else 0.0), (tp / len(g) if g else 0.0)
        print(f"claims {name}: gold {len(g)}, system {len(s)}, P {p:.3f} R {r:.3f} F1 {f1(p, r):.3f}")
    for key in sorted(set(gold) - set(system))[: a.errors]:
        print(f"  missed   {key[0]}: {gold[key]['place']} {key[2]} by {key[3]} | {gold[key]['evidence'][:90]}")
    for key in sorted(set(system) - set(gold))[: a.errors]:
        row = system[key]
        print(f"  extra    {key[0]}: {row.place} {key[2]} by {key[3]} | {row.evidence[:90]}")


if __name__ == "__main__":
    main()
