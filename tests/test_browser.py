"""End to end in real Chromium: a fresh dashboard analyses the seed on first visit, then every page renders
real results, and a bad upload is rejected without losing what was loaded."""
import re

from playwright.sync_api import Page, expect

SEED_TITLE = "Russia-Ukraine crisis: Volodymyr Zelenskyy signs decree"


def in_table(page: Page, text) -> None:
    """The text is in a rendered dataframe (its cells live in an accessible grid that is not 'visible')."""
    expect(page.get_by_test_id("stDataFrame").filter(has_text=text).first).to_be_visible()


def open_page(page: Page, url: str, heading: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name=heading, exact=True).first).to_be_visible(timeout=180_000)
    # Wait for the script run to finish (Streamlit shows a running indicator meanwhile).
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=180_000)


def test_every_page_renders_the_analysed_seed(page: Page, app_url: str):
    page.set_default_timeout(60_000)
    open_page(page, f"{app_url}/overview", "Parley")
    expect(page.get_by_test_id("stMetric").filter(has_text="Articles")).to_have_text(re.compile(r"Articles\s*1$"))
    in_table(page, SEED_TITLE)

    open_page(page, f"{app_url}/statements", "Statements")
    in_table(page, "Volodymyr Zelenskyy")
    in_table(page, "dignity and honesty")

    open_page(page, f"{app_url}/positions", "Positions")
    open_page(page, f"{app_url}/territory", "Territory")
    # Plotly draws after the page's script run: wait until the map's marker trace holds the seed's places.
    markers = ("Array.from(document.querySelectorAll('.js-plotly-plot')).flatMap(g => (g._fullData || [])"
               ".filter(t => t.type === 'scattermap').map(t => (t.lat || []).length)).reduce((a, b) => a + b, 0)")
    page.wait_for_function(f"() => ({markers}) >= 2", timeout=60_000)  # Izium and Kupiansk
    assert page.locator(".js-plotly-plot canvas").count() > 0

    open_page(page, f"{app_url}/export", "Export")
    open_page(page, f"{app_url}/sources", "Sources")
    in_table(page, SEED_TITLE)


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


def test_an_address_deeper_than_a_page_lands_on_the_overview(page: Page, asgi_app_url: str):
    # Streamlit alone answers /positions/extra with a page whose scripts never load (a blank page).
    page.set_default_timeout(60_000)
    open_page(page, f"{asgi_app_url}/positions/extra", "Parley")
    expect(page.get_by_test_id("stAlert").filter(has_text="no page at /positions/extra")).to_be_visible()
    expect(page.get_by_test_id("stMetric").filter(has_text="Articles")).to_be_visible()
    open_page(page, f"{asgi_app_url}/positions", "Positions")  # pages themselves are untouched
