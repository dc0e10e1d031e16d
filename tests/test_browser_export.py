"""In real Chromium: a copied link reproduces the view in a new browser, a chart downloads as a real PNG,
and the Export page's ZIP holds every chart and table."""
from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Browser, Page, expect

from components.export import file_name

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TARGET = "peace negotiations"  # from config/targets.yaml
LINK = f"/positions?party=Ukraine&focus={TARGET.replace(' ', '+')}"
WAIT = 240_000  # the first visit analyses the seed with both models


def start(page: Page, app_url: str) -> None:
    """Open the app at its root first: the seed is analysed there on a new store (a deep link as the very
    first request of a process is tested on its own below)."""
    page.set_default_timeout(60_000)
    open_page(page, app_url, "Parley")


def open_page(page: Page, url: str, heading: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name=heading, exact=True).first).to_be_visible(timeout=WAIT)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=WAIT)


def expect_positions_view(page: Page) -> None:
    """The view LINK stands for: filtered to Ukraine, target chosen, its statements listed."""
    parties = page.get_by_test_id("stMultiSelect").filter(has_text="Parties")
    expect(parties).to_contain_text("Ukraine")
    expect(parties).not_to_contain_text("Russia")
    expect(page.get_by_role("combobox", name="Target", exact=True)).to_have_value(TARGET)
    expect(page.get_by_role("heading", name=f"Statements on {TARGET}")).to_be_visible()
    footer = page.locator(".js-plotly-plot").first
    expect(footer).to_contain_text("Parties: Ukraine")


def copied_link(page: Page) -> str:
    page.get_by_test_id("stExpander").filter(has_text="Copy link").locator("summary").click()
    code = page.get_by_test_id("stCode").filter(has_text="party=")
    expect(code).to_be_visible()
    return code.inner_text().strip()


def test_copied_link_reproduces_the_view_in_a_new_browser(page: Page, browser: Browser, app_url: str):
    start(page, app_url)
    open_page(page, app_url + LINK, "Positions")
    expect_positions_view(page)

    link = copied_link(page)
    assert link.startswith(f"{app_url}/positions?")
    assert parse_qs(urlsplit(link).query) == {"party": ["Ukraine"], "focus": [TARGET]}

    fresh = browser.new_context()  # no cookies, no session: a colleague's browser
    try:
        other = fresh.new_page()
        other.set_default_timeout(60_000)
        open_page(other, link, "Positions")
        expect_positions_view(other)
    finally:
        fresh.close()


def test_clicking_a_matrix_cell_lists_its_statements(page: Page, app_url: str):
    start(page, app_url)
    open_page(page, f"{app_url}/positions?party=Ukraine", "Positions")
    cell = page.locator(".js-plotly-plot").first.locator(".scatterlayer .point").first
    box = cell.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)  # plotly selects the point under the pointer on click
    page.mouse.click(x, y)
    expect(page.get_by_role("heading", name="Statements behind the cell: Ukraine,")).to_be_visible()
    expect(page.get_by_text("statement(s); the statement is marked")).to_have_count(2)  # the cell and the chosen target


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE, "not a PNG"
    return struct.unpack(">II", data[16:24])


def test_chart_downloads_as_png_named_after_chart_and_filters(page: Page, app_url: str):
    start(page, app_url)
    open_page(page, f"{app_url}/positions?party=Ukraine", "Positions")
    # At least the matrix and the two tone charts (over-time charts of undated articles are one line of text).
    expect(page.locator(".js-plotly-plot").nth(2)).to_be_visible(timeout=WAIT)
    button = page.locator(".st-key-export-matrix-png").get_by_role("button", name="PNG")  # under the matrix
    with page.expect_download(timeout=120_000) as info:
        button.click()
    download = info.value
    assert download.suggested_filename == "parley-stance-by-party-and-target-parties-ukraine.png"
    data = Path(download.path()).read_bytes()
    assert png_size(data) == (2400, 1350)
    assert len(data) > 30_000  # a drawn chart with text, not an empty canvas


def test_export_page_zips_every_chart_and_table(page: Page, app_url: str):
    start(page, app_url)
    open_page(page, f"{app_url}/export?party=Ukraine", "Export")
    listing = page.get_by_test_id("stMarkdown").filter(has_text="chart(s)").inner_text()
    charts = [name.strip() for name in listing.split(":", 1)[1].split(",")]
    assert "stance by party and target" in charts and "tone by party" in charts
    page.get_by_role("button", name="Build archive").click()
    download_button = page.get_by_test_id("stDownloadButton").filter(has_text="Download ZIP")
    expect(download_button).to_be_visible(timeout=240_000)
    with page.expect_download(timeout=60_000) as info:
        download_button.click()
    download = info.value
    assert download.suggested_filename.startswith("parley-export-parties-ukraine-")
    archive = zipfile.ZipFile(io.BytesIO(Path(download.path()).read_bytes()))
    names = set(archive.namelist())
    for chart in charts:
        for fmt in ("png", "svg"):
            assert f"charts/{file_name(chart, 'parties-ukraine', fmt)}" in names, (chart, sorted(names))
    assert len([n for n in names if n.startswith("charts/")]) == 2 * len(charts)
    for table in ("articles", "statements", "sentiments", "stances", "claims"):
        assert f"tables/{table}.csv" in names
    png = archive.read("charts/parley-stance-by-party-and-target-parties-ukraine.png")
    assert png_size(png) == (2400, 1350)
    statements = archive.read("tables/statements.csv").decode("utf-8-sig").splitlines()
    assert len(statements) > 1 and all(",Ukraine," in row for row in statements[1:])


# -- a link opened on a server that has just started (a hosted app waking up) ----------------------
def test_link_is_the_first_request_a_new_server_gets(page: Page, fresh_app_url: str):
    # The first script run of a process must go through dashboard.py (sidebar filters, seed analysis)
    # even when it is a deep link to a page.
    page.set_default_timeout(60_000)
    open_page(page, fresh_app_url + LINK, "Positions")
    expect_positions_view(page)
