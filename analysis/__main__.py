"""Command line: python -m analysis analyze PATH [PATH ...] --out DIR [--no-models] [--db FILE]."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from analysis.articles import load_paths
from analysis.pipeline import AnalysisError, analyse
from analysis.store import Store
from analysis.tables import TABLES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis", description="Parley's analysis pipeline.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("analyze", help="analyse files or folders and write the contract tables as CSV")
    run.add_argument("paths", nargs="+", help=".txt/.md/.html files, .csv/.jsonl corpora, or folders of them")
    run.add_argument("--out", required=True, help="folder for articles.csv, statements.csv, ... (created)")
    run.add_argument("--no-models", action="store_true", help="skip sentiment and stance models")
    run.add_argument("--db", default=":memory:", help="DuckDB file to keep results in and reuse (default: none)")
    args = parser.parse_args(argv)

    loaded = load_paths(args.paths)
    for report in loaded.reports:
        if report.status != "loaded" or report.warnings:
            print(f"{report.name}: {report.status}. {report.message} {' '.join(report.warnings)}".strip(), file=sys.stderr)
    if loaded.articles.empty:
        print("No articles to analyse.", file=sys.stderr)
        return 1

    store = Store(args.db)
    with tqdm(total=100, desc="Analysing", unit="%", file=sys.stderr, bar_format="{l_bar}{bar}| {postfix}") as bar:
        def progress(fraction: float, message: str) -> None:
            bar.n = round(100 * fraction)
            bar.set_postfix_str(message, refresh=True)

        try:
            summary = analyse(loaded.articles, store, use_models=not args.no_models, progress=progress)
        except AnalysisError as error:
            print(f"Error: {error}", file=sys.stderr)
            return 2
    for notice in summary.notices:
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
        frame[keep].to_csv(out / f"{table}.csv", index=False)
    print(
        f"{summary.analysed} article(s) analysed, {summary.skipped} unchanged; "
        f"{summary.statements} statements, {summary.claims} claims → {out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
