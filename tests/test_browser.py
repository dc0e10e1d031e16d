"""End to end in real Chromium: a fresh dashboard analyses the seed on first visit, then every page renders
real results, and a bad upload is rejected without losing what was loaded."""
import re

from playwright.sync_api import Page, expect

SEED_TITLE = "Russia-Ukraine crisis: Volodymyr Zelenskyy signs decree"


def open_page(page: Page, url: str, heading: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name=heading, exact=True).first).to_be_visible(timeout=180_000)
    # Wait for the script run to finish (Streamlit shows a running indicator meanwhile).
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=180_000)


def test_every_page_renders_the_analysed_seed(page: Page, app_url: str):
    page.set_default_timeout(60_000)
    open_page(page, f"{app_url}/overview", "Parley")
    expect(page.get_by_test_id("stMetric").filter(has_text="Articles")).to_have_text(re.compile(r"Articles\s*1$"))
    expect(page.get_by_text(SEED_TITLE).first).to_be_visible()

    open_page(page, f"{app_url}/statements", "Statements")
    expect(page.get_by_text("Zelenskyy").first).to_be_visible()
    expect(page.get_by_text(re.compile("dignity and honesty")).first).to_be_visible()

    open_page(page, f"{app_url}/positions", "Positions")
    open_page(page, f"{app_url}/territory", "Territory")
    points = page.evaluate(
        "Array.from(document.querySelectorAll('.js-plotly-plot'))"
        ".flatMap(g => (g._fullData || []).filter(t => t.type === 'scattermap').map(t => (t.lat || []).length))"
    )
    assert sum(points) >= 2, f"expected markers for Izium and Kupiansk on the map, got {points}"
    assert page.locator(".js-plotly-plot canvas").count() > 0

    open_page(page, f"{app_url}/export", "Export")
    open_page(page, f"{app_url}/sources", "Sources")
    expect(page.get_by_text(SEED_TITLE).first).to_be_visible()


def test_bad_upload_is_rejected_and_nothing_is_lost(page: Page, fresh_app_url: str, tmp_path):
    page.set_default_timeout(60_000)
    open_page(page, f"{fresh_app_url}/sources", "Sources")
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    good = tmp_path / "talks.txt"
    good.write_text("Talks in Geneva\nThe Swiss foreign minister said on Monday that the talks had been useful.\n")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files([str(binary), str(good)])
    page.get_by_role("button", name="Load and analyse").click()
    report = page.get_by_test_id("stDataFrame").first
    expect(report).to_contain_text("binary", timeout=120_000)
    expect(report).to_contain_text("loaded")
    open_page(page, f"{fresh_app_url}/overview", "Parley")
    expect(page.get_by_test_id("stMetric").filter(has_text="Articles")).to_have_text(re.compile(r"Articles\s*2$"))
