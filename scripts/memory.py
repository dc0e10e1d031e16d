"""Peak memory of the dashboard as a hosted instance sees it: `streamlit run app.py` with a fresh store,
one browser session that waits for the seed to be analysed (both models loaded), opens Positions, and
(unless --no-export) builds the Export page's ZIP, which starts kaleido's Chromium under the server.

With `--corpus FILE.csv [...]` the session first uploads `--rows` texts drawn from those corpora (a fixed
sample, the same on every run) as one CSV on the Sources page, waits for their analysis, then opens every
page before the export, and stays idle for `--idle` seconds to see whether memory returns after the upload.

Prints the peak resident memory (RSS) of the streamlit process and all its children, sampled every
0.2 s from /proc, and the peak proportional set size (PSS, shared pages split between processes), which
is closer to what a container's memory limit counts. Linux only.

    python scripts/memory.py [--no-export] [--hide torch] [--limit-mb 1536] [--corpus FILE.csv ... --rows 200]

`--hide torch` makes `import torch` fail in the server, as on the hosted install (requirements.txt has no
torch), so the figure is the hosted one even on a development machine that has torch installed.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]
from analysis.benchmark import process_tree  # noqa: E402  (the project root is on the path only now)
from screenshots import BROWSER_ARGS, CHROMIUM, Server  # noqa: E402
WAIT_MS = 600_000
UPLOAD_WAIT_MS = 3_600_000  # analysing hundreds of long official texts on two cores takes a while
PAGES = [("statements", "Statements"), ("positions", "Positions"), ("territory", "Territory"),
         ("sources", "Sources")]
# Installed as sitecustomize.py for the server: packages named in PARLEY_HIDE cannot be found or imported.
HIDER = """
import os, sys

# None in sys.modules: `import torch` fails and importlib.util.find_spec("torch") answers None,
# exactly as when the package is not installed.
for name in filter(None, os.environ.get("PARLEY_HIDE", "").split(",")):
    sys.modules[name] = None
"""


def memory_kb(pid: int, field: str) -> int:
    source = "smaps_rollup" if field == "Pss" else "status"
    key = "Pss:" if field == "Pss" else "VmRSS:"
    try:
        for line in Path(f"/proc/{pid}/{source}").read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except OSError:
        pass  # the process ended between listing and reading
    return 0


class Sampler(threading.Thread):
    """Samples the tree's total RSS and PSS; `phase` names what the browser is doing."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.phase, self.stop = pid, "starting", threading.Event()
        self.peaks: dict[str, tuple[int, int]] = {}
        self.last: tuple[int, int] = (0, 0)  # the latest sample: where memory settled

    def run(self) -> None:
        while not self.stop.is_set():
            pids = process_tree(self.pid)
            rss = sum(memory_kb(p, "VmRSS") for p in pids)
            pss = sum(memory_kb(p, "Pss") for p in pids)
            old = self.peaks.get(self.phase, (0, 0))
            self.peaks[self.phase] = (max(old[0], rss), max(old[1], pss))
            self.last = (rss, pss)
            time.sleep(0.2)


def sample_corpus(files: list[str], rows: int, folder: Path) -> Path:
    """`rows` texts drawn from the corpora (the same ones on every run), as one CSV to upload."""
    import pandas as pd

    frames = [pd.read_csv(f, dtype=str, keep_default_na=False) for f in files]
    corpus = pd.concat(frames, ignore_index=True)
    if "text" not in corpus and "body" in corpus:
        corpus = corpus.rename(columns={"body": "text"})
    chosen = corpus.sample(n=min(rows, len(corpus)), random_state=0)
    path = folder / f"upload-{len(chosen)}.csv"
    chosen.to_csv(path, index=False)
    print(f"uploading {len(chosen)} texts, {path.stat().st_size / 1e6:.1f} MB, "
          f"longest {chosen['text'].str.len().max():,} characters", flush=True)
    return path


def session(url: str, sampler: Sampler, export: bool, upload: Path | None = None, idle: float = 3) -> None:
    from playwright.sync_api import expect, sync_playwright

    def settle(page, timeout=WAIT_MS) -> None:
        expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=timeout)

    def visit(page, path: str, heading: str) -> None:
        page.goto(url + "/" + path)
        expect(page.get_by_role("heading", name=heading, exact=True).first).to_be_visible(timeout=WAIT_MS)
        settle(page)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        sampler.phase = "seed analysed, models loaded"
        started = time.time()
        page.goto(url)
        expect(page.get_by_role("heading", name="Parley", exact=True).first).to_be_visible(timeout=WAIT_MS)
        settle(page)
        print(f"first page (seed analysed) after {time.time() - started:.1f} s", flush=True)
        if upload is not None:
            sampler.phase = f"uploading and analysing {upload.stem.split('-')[-1]} texts"
            visit(page, "sources", "Sources")
            started = time.time()
            page.locator("input[type=file]").set_input_files(str(upload))
            page.get_by_role("button", name="Load and analyse").click()
            time.sleep(2)
            settle(page, UPLOAD_WAIT_MS)
            expect(page.get_by_role("heading", name="Last load")).to_be_visible(timeout=WAIT_MS)
            print(f"upload analysed in {time.time() - started:.1f} s", flush=True)
            sampler.phase = "every page opened"
            visit(page, "", "Parley")
            for path, heading in PAGES:
                visit(page, path, heading)
        else:
            sampler.phase = "Positions page"
            visit(page, "positions", "Positions")
        if export:
            sampler.phase = "Export ZIP (kaleido Chromium)"
            visit(page, "export", "Export")
            started = time.time()
            page.get_by_role("button", name="Build archive").click()
            expect(page.get_by_test_id("stDownloadButton").filter(has_text="Download ZIP")).to_be_visible(
                timeout=WAIT_MS)
            print(f"ZIP built in {time.time() - started:.1f} s", flush=True)
        sampler.phase = "idle with session open"
        time.sleep(idle)
        browser.close()


def model_rows(path: Path) -> dict[str, int]:
    """Rows per table after the session: sentiments and stances prove that both models ran."""
    import duckdb

    with duckdb.connect(str(path), read_only=True) as db:
        return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("articles", "statements", "sentiments", "stances", "claims")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-export", action="store_true", help="skip building the ZIP (no kaleido Chromium)")
    parser.add_argument("--limit-mb", type=float, default=1536, help="the host's memory limit, for the verdict")
    parser.add_argument("--hide", action="append", default=[], metavar="PACKAGE",
                        help="make this package unimportable in the server (e.g. torch, as when hosted)")
    parser.add_argument("--corpus", nargs="+", default=[], metavar="FILE.csv",
                        help="upload texts drawn from these corpora (a text or body column) before opening every page")
    parser.add_argument("--rows", type=int, default=200, help="how many texts to upload with --corpus")
    parser.add_argument("--idle", type=float, default=3, help="seconds to stay idle with the session open at the end")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="parley-memory-") as scratch:
        db = Path(scratch) / "parley.duckdb"
        env = {}
        if args.hide:
            (Path(scratch) / "sitecustomize.py").write_text(HIDER)
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [scratch, os.environ.get("PYTHONPATH", "")]))
            env["PARLEY_HIDE"] = ",".join(args.hide)
            print(f"hidden from the server: {', '.join(args.hide)}", flush=True)
        server = Server(db, None, env=env)
        sampler = Sampler(server.process.pid)
        sampler.start()
        try:
            server.wait()
            upload = sample_corpus(args.corpus, args.rows, Path(scratch)) if args.corpus else None
            session(server.url, sampler, export=not args.no_export, upload=upload, idle=args.idle)
        finally:
            sampler.stop.set()
            sampler.join()
            server.stop()
        scored = model_rows(db)

    print("rows in the store: " + ", ".join(f"{n} {table}" for table, n in scored.items()))
    if not scored.get("sentiments") or not scored.get("stances"):
        print("WARNING: the models scored nothing, so this is not the memory of a session with both models loaded")
    print(f"{'phase':32} {'peak RSS MB':>12} {'peak PSS MB':>12}")
    for phase, (rss, pss) in sampler.peaks.items():
        print(f"{phase:32} {rss / 1024:12.0f} {pss / 1024:12.0f}")
    print(f"{'settled (last sample)':32} {sampler.last[0] / 1024:12.0f} {sampler.last[1] / 1024:12.0f}")
    peak_rss = max(r for r, _ in sampler.peaks.values()) / 1024
    peak_pss = max(p for _, p in sampler.peaks.values()) / 1024
    verdict = "within" if peak_rss <= args.limit_mb else "OVER"
    print(f"peak RSS of the streamlit process tree: {peak_rss:.0f} MB (PSS {peak_pss:.0f} MB), "
          f"{verdict} the {args.limit_mb:.0f} MB limit")


if __name__ == "__main__":
    main()
