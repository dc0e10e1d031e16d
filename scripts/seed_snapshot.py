"""Write snapshot/: the seed corpus (seeds/) analysed by this release, with both models, and the versions
that made it. The dashboard loads it on a fresh store instead of analysing the seed, so the first page shows
figures at once. Run it after changing the seeds, the extraction code, config/ or the models:

    python scripts/seed_snapshot.py

tests/test_seed_snapshot.py fails while the snapshot is out of date.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis import pipeline  # noqa: E402
from analysis.articles import load_paths  # noqa: E402
from analysis.store import Store  # noqa: E402
from components.data import SEEDS, SNAPSHOT, write_snapshot  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "seed.duckdb")
        summary = pipeline.analyse(load_paths([SEEDS]).articles, store)
        if summary.notices:
            raise SystemExit("Not written: " + " ".join(summary.notices))
        version, models = pipeline.versions(pipeline.load_scorer()[0])
        frames = {table: store.read(table) for table in ("articles", "statements", "sentiments", "stances", "claims")}
        store.close()
    write_snapshot(frames, {"pipeline": version, "models": models})
    print(f"{SNAPSHOT}: {len(frames['articles'])} article(s), {len(frames['statements'])} statement(s), "
          f"{len(frames['claims'])} claim(s); pipeline {version}, models {models}")


if __name__ == "__main__":
    main()
