"""Command line: python -m analysis analyze PATH [PATH ...] --out DIR [--no-models] [--db FILE]
[--engine local|ray] [--workers N] [--address ADDR] [--batch-size N]."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from tqdm import tqdm

from analysis.articles import load_paths
from analysis.engines import ENGINES, open_engine
from analysis.pipeline import AnalysisError, Tally, analyse
from analysis.store import Store, StoreBusy
from analysis.tables import TABLES

# Each table's rows are sorted on these columns (its key) before they are written.
SORT_KEYS = {"stances": ("statement_id", "target")}


def main(argv: list[str] | None = None) -> int:
    try:
        return _analyze(argv)
    except StoreBusy as error:  # another program held the store too long: say so, no traceback
        print(f"Error: {error}", file=sys.stderr)
        return 3


def _analyze(argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis", description="Parley's analysis pipeline.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("analyze", help="analyse files or folders and write the contract tables as CSV")
    run.add_argument("paths", nargs="+", help=".txt/.md/.html files, .csv/.jsonl corpora, or folders of them")
    run.add_argument("--out", required=True, help="folder for articles.csv, statements.csv, ... (created)")
    run.add_argument("--no-models", action="store_true", help="skip sentiment and stance models")
    run.add_argument("--db", default=":memory:", help="DuckDB file to keep results in and reuse (default: none)")
    run.add_argument("--engine", choices=ENGINES, default="local",
                     help="local: worker processes on this machine (default); ray: a Ray cluster "
                          "(pip install -r requirements-ray.txt)")
    run.add_argument("--workers", type=int, default=None,
                     help="cores to use (default: all of this machine's, or all of the Ray cluster's)")
    run.add_argument("--address", default=None,
                     help="Ray cluster to join, e.g. HOST:6379 after `ray start --head` (default: a local Ray)")
    run.add_argument("--batch-size", type=int, default=25,
                     help="articles per batch: the unit of work of a worker and of a store transaction")
    args = parser.parse_args(argv)
    if args.batch_size < 1:
        parser.error(f"--batch-size must be at least 1, not {args.batch_size}.")
    try:
        engine = open_engine(args.engine, args.workers, args.address)
    except ImportError as error:
        parser.error(f"--engine ray needs Ray: pip install -r requirements-ray.txt ({error})")
    except ValueError as error:
        parser.error(str(error))

    loaded = load_paths(args.paths)
    for report in loaded.reports:
        if report.status != "loaded" or report.warnings:
            print(f"{report.name}: {report.status}. {report.message} {' '.join(report.warnings)}".strip(), file=sys.stderr)
    if loaded.articles.empty:
        print("No articles to analyse.", file=sys.stderr)
        return 1

    store = Store(args.db)
    with tqdm(desc="Analysing", unit="doc", file=sys.stderr, dynamic_ncols=True) as bar:
        started = time.monotonic()

        def on_batch(tally: Tally) -> None:
            bar.total = tally.total
            rate = tally.statements / max(time.monotonic() - started, 1e-9)
            bar.set_postfix_str(f"{tally.statements} statements, {rate:.1f} statements/s", refresh=False)
            bar.update(tally.done - bar.n)

        try:
            summary = analyse(loaded.articles, store, use_models=not args.no_models, engine=engine,
                              on_batch=on_batch, batch_size=args.batch_size)
        except AnalysisError as error:
            print(f"Error: {error}", file=sys.stderr)
            return 2
    for failure in summary.failed:
        print(f"Skipped article {failure}", file=sys.stderr)
    for notice in summary.notices[: len(summary.notices) - bool(summary.failed)]:  # failures: listed above
        print(f"Notice: {notice}", file=sys.stderr)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    ids = set(loaded.articles["article_id"])
    articles = store.read("articles")
    statements = store.read("statements")
    wanted_statements = set(statements.loc[statements["article_id"].isin(ids), "statement_id"])
    for table in TABLES:
        frame = {"articles": articles, "statements": statements}.get(table)
        frame = store.read(table) if frame is None else frame
        key = "article_id" if "article_id" in frame.columns else "statement_id"
        keep = frame[key].isin(ids if key == "article_id" else wanted_statements)
        # Rows in one order whatever order the batches were stored in (engines finish batches in any order).
        order = [c for c in SORT_KEYS.get(table, ()) if c in frame.columns] or [frame.columns[0]]
        frame[keep].sort_values(order, kind="stable").to_csv(out / f"{table}.csv", index=False)
    print(
        f"{summary.analysed} article(s) analysed, {summary.skipped} unchanged; "
        f"{summary.statements} statements, {summary.claims} claims, {len(summary.failed)} skipped → {out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
