"""Look at the dashboard as a reader does: analyse a corpus into a DuckDB file, open every page in headless
Chromium and save a screenshot of each, and render every chart the way the export buttons do (PNG at slide
size). The images are for looking at, page by page, before a release.

    python scripts/screenshots.py --out shots/seed                          # the seed corpus
    python scripts/screenshots.py --corpus FILE_OR_FOLDER --sample 200 --db corpus.duckdb --out shots/corpus

`--sample N` takes N texts spread evenly over the corpus files' rows (dated on or after `--since`), so a large
corpus gives a realistic but quick load. `--no-models` skips the sentiment and stance models (no Positions
figures then). `scripts/first_visit.py` times a first visit.
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CHROMIUM = "/usr/bin/chromium"
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-sync"]
PAGES = ("overview", "statements", "positions", "territory", "sources", "export")
WAIT_MS = 900_000
MAX_HEIGHT = 7000  # pixels of a page screenshot; longer pages are cut


def sample(paths: list[Path], n: int, since: str | None, out: Path) -> Path:
    """N rows spread evenly over the rows of the corpus files (CSV/JSONL), written as one CSV."""
    import pandas as pd

    from analysis.articles import load_paths

    articles = load_paths(paths).articles
    if since:
        when = pd.to_datetime(articles["published"], errors="coerce", utc=True)
        articles = articles[when >= pd.Timestamp(since, tz="UTC")]
    step = max(len(articles) // max(n, 1), 1)
    chosen = articles.iloc[::step].head(n)
    columns = {"title": "title", "published": "date", "source": "source", "url": "url", "author": "author",
               "text": "text"}
    chosen[list(columns)].rename(columns=columns).to_csv(out, index=False)
    return out


def analyse(paths: list[Path], db: Path, models: bool) -> None:
    command = [sys.executable, "-m", "analysis", "analyze", *map(str, paths), "--db", str(db),
               "--out", tempfile.mkdtemp(prefix="parley-shots-")]
    if not models:
        command.append("--no-models")
    subprocess.run(command, cwd=ROOT, check=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`streamlit run app.py` (or `script`) on the given store, with `env` added to the environment; the URL
    once it answers."""

    def __init__(self, db: Path, port: int | None, script: str = "app.py", env: dict[str, str] | None = None):
        self.port = port or _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(Path(tempfile.mkdtemp(prefix="parley-shots-")) / "streamlit.log", "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / script), "--server.port", str(self.port),
             "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env={**os.environ, **(env or {}), "PARLEY_DB": str(db)}, stdout=self.log,
            stderr=subprocess.STDOUT)

    def wait(self) -> float:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if urllib.request.urlopen(self.url + "/_stcore/health", timeout=2).status == 200:
                    return time.time()
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        self.log.flush()
        raise SystemExit(f"streamlit did not start:\n{Path(self.log.name).read_text()[-3000:]}")

    def cpu_seconds(self) -> float:
        """CPU time the server has used so far (user + system): what the first visit costs on an idle machine,
        whatever else the machine is running."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def settle(page) -> None:
    """Wait until the script run has finished and every plotly chart has drawn."""
    page.wait_for_selector("[data-testid='stStatusWidget']", state="detached", timeout=WAIT_MS)
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.js-plotly-plot')).every(g => g._fullLayout)",
        timeout=WAIT_MS)
    page.wait_for_timeout(1500)  # plotly and the data grids finish drawing after the run


def shoot_pages(server: Server, out: Path, width: int) -> None:
    """Screenshots of every page."""
    from playwright.sync_api import sync_playwright

    url = server.url
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        page = browser.new_page(viewport={"width": width, "height": 900})
        for name in PAGES:
            start = time.time()
            page.goto(f"{url}/" if name == "overview" else f"{url}/{name}")  # the default page lives at /
            page.get_by_role("heading").first.wait_for(timeout=WAIT_MS)
            settle(page)
            # Streamlit scrolls inside its main block, not the page: grow the window to the block's height.
            height = page.evaluate("() => document.querySelector(\"[data-testid='stMain']\").scrollHeight")
            page.set_viewport_size({"width": width, "height": min(max(int(height), 900), MAX_HEIGHT)})
            settle(page)
            page.screenshot(path=str(out / f"page-{name}.png"))
            page.set_viewport_size({"width": width, "height": 900})
            print(f"page {name}: {time.time() - start:.1f} s", flush=True)
        browser.close()


def export_images(db: Path, out: Path) -> None:
    """Every Positions and Territory chart rendered as the PNG export button renders it."""
    os.environ["PARLEY_DB"] = str(db)
    from analysis.claims import contested  # noqa: F401  (imports the claims config, as the page does)
    from analysis.store import Store
    from components import charts, export, maps
    from components.filters import Filters, caption as footer
    from components.style import slugify

    tables = Store(db).tables()
    caption = footer(tables, Filters())  # as the pages print it, with no filter set
    figures = {name: fig for name, (fig, _) in charts.positions_figures(
        tables, tables["statements"], tables["stances"], tables["sentiments"], caption).items()}
    figures["claims map"] = maps.claims_map(tables["claims"], caption)
    figures["claims timeline"] = maps.claims_timeline(tables["claims"], caption)
    figures["claimed area"] = maps.cumulative_area(tables["claims"], None, caption)
    from components.style import is_empty

    for name, fig in figures.items():
        if is_empty(fig):  # the page shows one line of text instead; nothing to look at
            print(f"export {name}: empty, skipped", flush=True)
            continue
        (out / f"export-{slugify(name)}.png").write_bytes(export.image_bytes(fig, "png"))
        print(f"export {name}", flush=True)


def shrink(folder: Path, width: int, crop: int | None) -> None:
    """Every PNG in the folder at most `width` pixels wide (and pages at most `crop` tall), small enough to
    commit beside the README. Full colour: cut to 256 colours, the matrix's pale cells turned white or grey,
    so a cell read as a different position."""
    from PIL import Image

    for path in sorted(folder.glob("*.png")):
        image = Image.open(path).convert("RGB")
        if crop and path.name.startswith("page-") and image.height > crop:
            image = image.crop((0, 0, image.width, crop))
        if image.width > width:
            image = image.resize((width, round(image.height * width / image.width)), Image.LANCZOS)
        image.save(path, optimize=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", nargs="*", type=Path, default=[], help="files or folders to analyse")
    parser.add_argument("--sample", type=int, help="take this many texts spread over the corpus")
    parser.add_argument("--since", help="with --sample: only texts dated on or after this day (YYYY-MM-DD)")
    parser.add_argument("--db", type=Path, help="DuckDB file to analyse into and show (default: a fresh one)")
    parser.add_argument("--out", type=Path, required=True, help="folder for the PNG files")
    parser.add_argument("--port", type=int, help="port for the dashboard (default: a free one)")
    parser.add_argument("--width", type=int, default=1280, help="browser window width in pixels")
    parser.add_argument("--no-models", action="store_true", help="analyse without the sentiment and stance models")
    parser.add_argument("--no-export", action="store_true", help="skip the exported PNGs")
    parser.add_argument("--shrink", type=int, metavar="WIDTH",
                        help="afterwards, scale every image to at most WIDTH pixels wide")
    parser.add_argument("--crop", type=int, metavar="HEIGHT", help="with --shrink: cut pages at HEIGHT pixels")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    db = args.db or Path(tempfile.mkdtemp(prefix="parley-shots-")) / "parley.duckdb"
    if args.corpus:
        paths = args.corpus
        if args.sample:
            paths = [sample(paths, args.sample, args.since, Path(tempfile.mkdtemp(prefix="parley-shots-")) / "sample.csv")]
        analyse(paths, db, not args.no_models)
    server = Server(db, args.port)
    try:
        server.wait()
        shoot_pages(server, args.out, args.width)
    finally:
        server.stop()
    if not args.no_export:
        export_images(db, args.out)
    if args.shrink:
        shrink(args.out, args.shrink, args.crop)


if __name__ == "__main__":
    main()
