"""Time the first visit of a fresh install: `streamlit run app.py` on a new, empty store (the seed corpus
comes from snapshot/), headless Chromium opening the main page as soon as the server answers, and the seconds
until the first plotly chart is drawn. Repeated on a new store each time; the figures are printed.

    python scripts/first_visit.py [--repeat 3] [--script app.py|dashboard.py]

Besides wall-clock seconds it prints the server's CPU seconds (user + system), which do not depend on what
else the machine is running: until the first chart, and until the page's script run has finished (which
includes the check for stale analyses after the page is drawn).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from screenshots import BROWSER_ARGS, CHROMIUM, Server  # noqa: E402

CHART = "() => Array.from(document.querySelectorAll('.js-plotly-plot')).some(g => g._fullLayout && g.offsetHeight > 0)"
TIMEOUT_MS = 300_000


def visit(browser, width: int, script: str) -> dict[str, float]:
    """One first visit on a new store: seconds and server CPU seconds from the server's first answer."""
    db = Path(tempfile.mkdtemp(prefix="parley-first-visit-")) / "parley.duckdb"
    server = Server(db, None, script)
    try:
        answered = server.wait()  # the moment /_stcore/health first answers
        cpu_start = server.cpu_seconds()
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(server.url + "/")
        page.wait_for_function(CHART, timeout=TIMEOUT_MS)
        figures = time.time() - answered
        cpu_figures = server.cpu_seconds()
        page.wait_for_selector("[data-testid='stStatusWidget']", state="detached", timeout=TIMEOUT_MS)
        done = time.time() - answered
        cpu_done = server.cpu_seconds()
        page.close()
        return {"figures": figures, "run done": done, "server start CPU": cpu_start,
                "CPU to figures": cpu_figures - cpu_start, "CPU to run done": cpu_done - cpu_start}
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="how many fresh installs to time")
    parser.add_argument("--width", type=int, default=1280, help="browser window width in pixels")
    parser.add_argument("--script", default="app.py", choices=["app.py", "dashboard.py"],
                        help="what `streamlit run` starts (default: app.py, as a hosted instance runs it)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        for attempt in range(1, args.repeat + 1):
            result = visit(browser, args.width, args.script)
            results.append(result)
            print(f"visit {attempt}: first chart {result['figures']:.1f} s after the server answered "
                  f"({result['CPU to figures']:.1f} s server CPU); run finished at {result['run done']:.1f} s "
                  f"({result['CPU to run done']:.1f} s CPU); server start {result['server start CPU']:.1f} s CPU; "
                  f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
        browser.close()
    for key in ("figures", "CPU to figures", "run done", "CPU to run done"):
        values = [r[key] for r in results]
        print(f"{key}: median {statistics.median(values):.1f} s (min {min(values):.1f}, max {max(values):.1f})")


if __name__ == "__main__":
    main()
