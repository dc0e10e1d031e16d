"""Scaling benchmark: documents/s of `python -m analysis analyze` for 1 and 2 workers, local engine vs Ray.

    python -m analysis.benchmark CORPUS [CORPUS ...] [--sample N] [--no-models] [--runs local:1,local:2,ray:1,ray:2] [--keep DIR]

Every variant runs the real command line in its own process, on the same articles (a sample of N of
them, taken by article id so that it is the same every time; all of them without --sample), with a fresh
store. Prints wall time, documents/s, the speed-up over one worker, Ray's throughput as a share of the
local engine's, and the peak resident memory summed over every process of the run (the driver, its
workers, and under a local Ray its raylet, object store and actors), sampled from /proc every 0.2 s
(Linux), and the CPU time of the run's processes. On a machine that other work keeps busy, wall times
move with that load; CPU seconds per document hardly do. Ends with what 10^6 documents would cost.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from analysis.articles import load_paths

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RUNS = "local:1,local:2,ray:1,ray:2"
EXTRAPOLATE_TO = 1_000_000


@dataclass
class Result:
    engine: str
    workers: int
    documents: int
    statements: int
    wall: float
    peak_mb: float
    cpu: float  # user + system seconds of every process of the run

    @property
    def cpu_per_document(self) -> float:
        return self.cpu / max(self.documents, 1)

    @property
    def rate(self) -> float:
        return self.documents / self.wall if self.wall else 0.0


class TreeSampler(threading.Thread):
    """Peak of the summed RSS of a process and all its descendants, and the CPU time each of them used.

    Sampled from /proc rather than taken from the kernel's accounting of reaped children: Ray's actors are
    not reaped by the command that started them, so their CPU time would not be counted there.
    """

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.running = pid, 0, True
        self.cpu_ticks: dict[int, int] = {}

    def run(self) -> None:
        while self.running:
            tree = process_tree(self.pid)
            self.peak_kb = max(self.peak_kb, sum(_rss_kb(p) for p in tree))
            for pid in tree:
                self.cpu_ticks[pid] = max(self.cpu_ticks.get(pid, 0), _cpu_ticks(pid))
            time.sleep(0.2)

    @property
    def cpu(self) -> float:
        return sum(self.cpu_ticks.values()) / os.sysconf("SC_CLK_TCK")


def process_tree(pid: int) -> list[int]:
    """The process and all its descendants (Ray actors, worker processes, a server's renderer), from /proc."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:  # the process ended while we looked
                pass
    return found


def _cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime of the process itself, not of its reaped children


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def sample(paths: list[str], size: int | None, folder: Path) -> tuple[Path, int]:
    """The articles to run on, written as one JSON-lines corpus; (its path, how many)."""
    loaded = load_paths(paths)
    for report in loaded.reports:
        if report.status != "loaded":
            print(f"{report.name}: {report.status}. {report.message}", file=sys.stderr)
    articles = loaded.articles.drop_duplicates("article_id").sort_values("article_id")
    if size:
        articles = articles.head(size)  # ids are hashes of the text: an arbitrary but fixed sample
    corpus = folder / "sample.jsonl"
    columns = {"title": "title", "published": "date", "source": "source", "url": "url", "author": "author",
               "text": "text"}
    articles.rename(columns=columns)[list(columns.values())].to_json(corpus, orient="records", lines=True,
                                                                     force_ascii=False)
    return corpus, len(articles)


def run_one(corpus: Path, engine: str, workers: int, models: bool, batch_size: int, folder: Path) -> Result:
    command = [sys.executable, "-m", "analysis", "analyze", str(corpus), "--out", str(folder / f"{engine}{workers}"),
               "--engine", engine, "--workers", str(workers), "--batch-size", str(batch_size)]
    if not models:
        command.append("--no-models")
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    sampler = TreeSampler(process.pid)
    sampler.start()
    _, errors = process.communicate()
    wall = time.monotonic() - started
    sampler.running = False
    sampler.join()
    if process.returncode != 0:
        raise RuntimeError(f"{engine} with {workers} worker(s) failed:\n{errors[-2000:]}")
    done = re.search(r"(\d+) article\(s\) analysed, \d+ unchanged; (\d+) statements", errors)
    if not done:
        raise RuntimeError(f"No summary line in the output of {engine} with {workers} worker(s):\n{errors[-2000:]}")
    return Result(engine, workers, int(done.group(1)), int(done.group(2)), wall, sampler.peak_kb / 1024, sampler.cpu)


def table(results: list[Result]) -> str:
    rows = ["| engine | workers | documents | statements | wall (s) | documents/s | vs 1 worker | vs local | "
            "CPU s per document | cores busy | peak RSS, all processes (MB) |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    by = {(r.engine, r.workers): r for r in results}
    for r in results:
        one = by.get((r.engine, 1))
        local = by.get(("local", r.workers))
        speedup = f"{r.rate / one.rate:.2f}×" if one and one.rate else ""
        versus = f"{r.rate / local.rate:.0%}" if local and local.rate and r.engine != "local" else ""
        rows.append(f"| {r.engine} | {r.workers} | {r.documents} | {r.statements} | {r.wall:.0f} | {r.rate:.2f} | "
                    f"{speedup} | {versus} | {r.cpu_per_document:.2f} | {r.cpu / r.wall:.2f} | {r.peak_mb:,.0f} |")
    return "\n".join(rows)


def extrapolation(results: list[Result]) -> str:
    best = max(results, key=lambda r: r.rate)
    seconds = EXTRAPOLATE_TO / best.rate
    # CPU seconds per document hardly depend on what else the machine runs; wall time does.
    frugal = min(results, key=lambda r: r.cpu_per_document)
    core_hours = frugal.cpu_per_document * EXTRAPOLATE_TO / 3600
    statements = best.statements / max(best.documents, 1) * EXTRAPOLATE_TO
    return (f"{EXTRAPOLATE_TO:,} documents (about {statements:,.0f} statements): {seconds / 3600:,.0f} hours on this "
            f"machine at the fastest run's {best.rate:.2f} documents/s ({best.engine}, {best.workers} workers); "
            f"{core_hours:,.0f} core-hours at {frugal.cpu_per_document:.2f} CPU s per document ({frugal.engine}, "
            f"{frugal.workers} workers), so about {core_hours / 64:,.1f} hours on a 64-core Ray cluster "
            f"if it scales as measured here.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.benchmark", description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", help="corpus files or folders (e.g. the corpus-official CSVs)")
    parser.add_argument("--sample", type=int, default=None, help="run on this many articles (default: all)")
    parser.add_argument("--no-models", action="store_true", help="extraction only")
    parser.add_argument("--runs", default=DEFAULT_RUNS, help=f"engine:workers, comma-separated ({DEFAULT_RUNS})")
    parser.add_argument("--batch-size", type=int, default=25)
    parser.add_argument("--keep", default=None, metavar="DIR",
                        help="keep each run's CSV tables in DIR/ENGINE+WORKERS (default: thrown away)")
    args = parser.parse_args(argv)
    try:
        runs = [(engine, int(workers)) for engine, workers in (r.split(":") for r in args.runs.split(","))]
    except ValueError:
        parser.error(f"--runs takes engine:workers pairs such as {DEFAULT_RUNS}, not {args.runs!r}.")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        corpus, n = sample(args.paths, args.sample, folder)
        if args.keep:
            folder = Path(args.keep).resolve()
            folder.mkdir(parents=True, exist_ok=True)
        print(f"{n} documents, {'without' if args.no_models else 'with'} models", flush=True)
        results = []
        for engine, workers in runs:
            result = run_one(corpus, engine, workers, not args.no_models, args.batch_size, folder)
            print(f"  {engine} × {workers}: {result.wall:.0f} s, {result.rate:.2f} documents/s, "
                  f"{result.cpu:.0f} CPU s, peak {result.peak_mb:,.0f} MB, load average {os.getloadavg()[0]:.1f}",
                  flush=True)
            results.append(result)
    print()
    print(table(results))
    print()
    print(extrapolation(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
