"""Share of the evaluation localities that the gazetteer places inside their listed oblast.

    python scripts/gazetteer_coverage.py [CSV]

CSV defaults to the 400-locality Wikipedia table in ../shared/eval/territory/ (columns oblast, name). Each
name is resolved twice: alone (as a bare mention in text), and with its oblast as context (as in
"Lyman, Donetsk region"); a hit is a point that lies inside the listed oblast's boundary. The script
reads the evaluation file and prints figures; nothing from it is written anywhere.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis import places  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "eval" / "territory" / "territorial_control_settlements_wikipedia_asof_2022-10-05.csv"


def inside(place: places.Place | None, oblasts: set[str]) -> bool:
    return place is not None and places.oblast_at(place.lat, place.lon) in oblasts


def main(path: Path) -> None:
    table = pd.read_csv(path)
    gazetteer = places.gazetteer()
    bare = hinted = unresolved = 0
    misses = []
    for row in table.itertuples():
        oblasts = gazetteer.resolve_oblast(row.oblast)
        alone = gazetteer.resolve(row.name)
        with_hint = gazetteer.resolve(row.name, oblast=row.oblast)
        bare += inside(alone, oblasts)
        hit = inside(with_hint, oblasts)
        hinted += hit
        unresolved += with_hint is None
        if not hit:
            misses.append(f"{row.name} ({row.oblast}) -> {with_hint.name + ', ' + with_hint.oblast if with_hint else 'not found'}")
    n = len(table)
    print(f"localities: {n}")
    print(f"resolved inside their listed oblast, name alone:       {bare}/{n} = {bare / n:.1%}")
    print(f"resolved inside their listed oblast, with oblast hint: {hinted}/{n} = {hinted / n:.1%}")
    print(f"not found in the gazetteer: {unresolved}")
    if misses:
        print("misses:")
        for miss in misses:
            print("  " + miss)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
