"""Shared fixtures: a throwaway store per test, and a live dashboard in real Chromium."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect

# Charts draw and reruns finish after the page's script run: on a loaded CI machine that takes longer than
# Playwright's 5 s default, so every browser expectation may wait up to 30 s (explicit timeouts still win).
expect.set_options(timeout=30_000)

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
sys.path.insert(0, str(ROOT))


@pytest.fixture
def store(tmp_path):
    from analysis.store import Store

    opened = Store(tmp_path / "test.duckdb")
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium, never a browser downloaded by Playwright; no network besides localhost.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"],
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve(folder: Path, script: str = "dashboard.py"):
    """`streamlit run dashboard.py` (or `script`) on a free port with a fresh store in `folder`; yields the URL."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Browser tests need Debian's chromium at /usr/bin/chromium (apt-get install -y chromium).")
    port = _free_port()
    env = {**os.environ, "PARLEY_DB": str(folder / "parley.duckdb")}
    log_path = folder / "streamlit.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / script), "--server.port", str(port),
             "--server.headless", "true", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.time() + 90
            while True:
                try:
                    if urllib.request.urlopen(url + "/_stcore/health", timeout=2).status == 200:
                        break
                except OSError:
                    if time.time() > deadline or server.poll() is not None:
                        pytest.fail("streamlit did not start: " + log_path.read_text()[-2000:])
                    time.sleep(0.5)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """One dashboard for the session's browser tests; the seed is analysed on the first visit."""
    with serve(tmp_path_factory.mktemp("app")) as url:
        yield url


@pytest.fixture
def asgi_app_url(tmp_path):
    """The dashboard served as app.py serves it (an ASGI app with Parley's own middleware)."""
    with serve(tmp_path, "app.py") as url:
        yield url


@pytest.fixture
def fresh_app_url(tmp_path):
    """A dashboard process no browser has visited yet, with an empty store."""
    with serve(tmp_path) as url:
        yield url
