"""The fault suite: bad inputs, a kill in mid-run, two programs and two sessions on one store, injected
Markdown, HTML and formulas, tampered URLs. Every fault must end in a clear message naming what was wrong,
with everything good stored; none in a traceback. Texts and payloads are written here.
"""
from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis import pipeline
from analysis.store import Store

ROOT = Path(__file__).resolve().parent.parent

GOOD_TEXT = ("Talks resume in Geneva\n"
             "The Swiss foreign minister said on Monday that the talks had been useful. \"We will meet again "
             "next month,\" the Ukrainian envoy told reporters after the meeting in Geneva.\n")
FRENCH = ("Déclaration à Genève\nLe ministre a déclaré à Genève que la délégation « soutient pleinement » "
          "l'Ukraine. Où en sont les négociations ? Déjà, on évoque une trêve à l'été.")
GERMAN = ("Erklärung in Kiew\nDer Außenminister sagte am Dienstag, die Gespräche über die Waffenruhe würden "
          "fortgesetzt. Größere Schäden wurden aus den östlichen Städten gemeldet.")
RUSSIAN = ("Переговоры в Стамбуле\nДелегации Украины и России встретились в Стамбуле во вторник, сообщили "
           "официальные лица. Ещё одна встреча запланирована на следующей неделе.")
ENGLISH_UTF16 = ("Aid package announced\nThe defence minister said on Tuesday that a further aid package worth "
                 "€40 million would be sent “within weeks”.")
MENU_PAGE = (b"<html><head><title>Empty page</title></head><body><nav><a href='/'>Home</a> <a href='/news'>News</a>"
             b"</nav><footer>(c) 2024 Example Media. <a href='/privacy'>Privacy</a></footer></body></html>")
ARTICLE_PAGE = (b"<html><head><title>Shelling near Kharkiv</title></head><body><nav><a href='/'>Home</a></nav>"
                b"<article><h1>Shelling near Kharkiv</h1><p>Regional officials said on Wednesday that shelling had "
                b"damaged two schools in the north of the city overnight.</p><p>\"Nobody was hurt,\" the governor "
                b"said in a statement on his channel.</p></article></body></html>")


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis", "analyze", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, env={**os.environ, **(env or {})})


def body(text: str) -> str:
    return text.partition("\n")[2].strip()


# -- the bad-input catalogue through the command line ---------------------------------------------------
def test_each_bad_file_is_named_with_its_reason_and_the_good_ones_are_stored(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (folder / "page.html").write_bytes(ARTICLE_PAGE)
    (folder / "french-latin1.txt").write_bytes(FRENCH.encode("latin-1"))
    (folder / "german-cp1252.txt").write_bytes(GERMAN.encode("cp1252"))
    (folder / "russian-cp1251.txt").write_bytes(RUSSIAN.encode("cp1251"))
    (folder / "english-utf16.txt").write_bytes(ENGLISH_UTF16.encode("utf-16"))
    (folder / "english-utf16le.txt").write_bytes(ENGLISH_UTF16.replace("Tuesday", "Friday").encode("utf-16-le"))
    bad = {
        "empty.txt": (b"", "empty"),
        "scan.txt": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, "binary"),
        "landing.html": (MENU_PAGE, "no article text"),
        "broken.csv": (b'text,title\n"unterminated,quote\nx,y,z,w\n', "CSV"),
        "summary.csv": (b"title,summary\nA,B\n", "No text column"),
        "huge.txt": (b"The war goes on. " * (6 * 1024 * 1024 // 17), "at most 5 MB"),
    }
    for name, (data, _) in bad.items():
        (folder / name).write_bytes(data)
    out = tmp_path / "out"
    done = cli(str(folder), "--out", str(out), "--no-models")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    for name, (_, reason) in bad.items():
        said = [line for line in lines if name in line]
        assert said and "rejected" in said[0] and reason in said[0], (name, said)
    articles = pd.read_csv(out / "articles.csv", keep_default_na=False)
    texts = set(articles["text"])
    for original in (FRENCH, GERMAN, RUSSIAN, ENGLISH_UTF16):
        assert body(original) in texts  # exact, whatever the file's encoding
    assert body(ENGLISH_UTF16.replace("Tuesday", "Friday")) in texts
    assert any("shelling had damaged two schools" in t for t in texts)
    assert len(articles) == 7


# -- a kill in mid-run loses nothing, and the re-run ends exactly where a clean run does -------------------
def corpus_file(folder: Path, n: int = 60) -> Path:
    rows = [{"title": f"Report {i}", "text": f"Officials in Kyiv said on day {i} that the talks would go on. "
             f"\"We are ready for round {i},\" the envoy told reporters in Geneva."} for i in range(n)]
    path = folder / "reports.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    return path


def kill_when(command: list[str], percent: int) -> None:
    """Run `command` and kill -9 it once its progress bar passes `percent` (a batch is stored by then)."""
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen = bytearray()

    def read() -> None:
        while chunk := os.read(process.stderr.fileno(), 4096):
            seen.extend(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.time() + 300
    while time.time() < deadline and process.poll() is None:
        found = [int(p) for p in re.findall(rb"(\d+)%\|", bytes(seen))]
        if found and max(found) >= percent:
            process.kill()
            break
        time.sleep(0.05)
    process.wait()
    assert process.returncode == -9, "the run ended before it could be killed: " + seen.decode()[-500:]


def test_a_killed_run_reruns_to_the_same_result(tmp_path):
    source = corpus_file(tmp_path)
    killed_db, clean_db = tmp_path / "killed.duckdb", tmp_path / "clean.duckdb"
    command = [sys.executable, "-m", "analysis", "analyze", str(source), "--no-models"]
    kill_when(command + ["--db", str(killed_db), "--out", str(tmp_path / "unused")], percent=45)
    again = cli(str(source), "--no-models", "--db", str(killed_db), "--out", str(tmp_path / "again"))
    assert again.returncode == 0 and "Traceback" not in again.stderr, again.stderr[-2000:]
    clean = cli(str(source), "--no-models", "--db", str(clean_db), "--out", str(tmp_path / "clean"))
    assert clean.returncode == 0, clean.stderr[-2000:]
    for table in ("articles", "statements", "claims"):
        assert (tmp_path / "again" / f"{table}.csv").read_bytes() == (tmp_path / "clean" / f"{table}.csv").read_bytes()
    assert len(pd.read_csv(tmp_path / "again" / "articles.csv")) == 60


# -- two programs on one store at once ----------------------------------------------------------------
def test_two_command_lines_on_one_store_lose_nothing(tmp_path):
    folders = []
    for side in ("east", "west"):
        folder = tmp_path / side
        folder.mkdir()
        for i in range(4):
            (folder / f"{side}-{i}.txt").write_text(
                f"Report {side} {i}\nThe governor of the {side} said on day {i} that the front line held.\n")
        folders.append(folder)
    db = tmp_path / "shared.duckdb"
    runs = [subprocess.Popen([sys.executable, "-m", "analysis", "analyze", str(f), "--no-models", "--db", str(db),
                              "--out", str(tmp_path / f"out-{f.name}")], cwd=ROOT, stderr=subprocess.PIPE, text=True)
            for f in folders]
    errors = [run.communicate(timeout=600)[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], errors
    assert not any("Traceback" in e for e in errors)
    titles = set(Store(db).read("articles")["title"])
    assert titles == {f"Report {side} {i}" for side in ("east", "west") for i in range(4)}


# -- pages: what an analyst sees ------------------------------------------------------------------------
PAYLOAD_SPEAKER = "[click me](https://evil.example/speaker)"
PAYLOAD_PARTY = "**Bold** [party](https://evil.example/party) :red[shouting]"
PAYLOAD_TITLE = "<img src=x onerror=alert(1)> :red[shouting] $x^2$"


def fill_with_payloads(path: Path) -> None:
    """A store as if an article had carried Markdown, HTML and formulas in its names and title."""
    text = ("Diplomats met on Monday. \"=HYPERLINK(\"https://evil.example\") we favour talks,\" said the envoy. "
            "The talks went on.")
    quote = "=HYPERLINK(\"https://evil.example\") we favour talks"
    start = text.index(quote)
    store = Store(path)
    store.write_batch({
        "articles": pd.DataFrame({"article_id": ["a1"], "title": [PAYLOAD_TITLE], "published": ["2023-03-01"],
                                  "text": [text], "url": ["javascript:alert(1)"], "source": ["Wire"], "origin": ["x.txt"]}),
        "statements": pd.DataFrame({"statement_id": ["s1"], "article_id": ["a1"], "kind": ["direct"], "text": [quote],
                                    "start": [start], "end": [start + len(quote)], "speaker": [PAYLOAD_SPEAKER],
                                    "speaker_mention": ["the envoy"], "party": [PAYLOAD_PARTY], "cue": ["said"]}),
        "stances": pd.DataFrame({"statement_id": ["s1"], "target": ["peace talks"], "label": ["favor"],
                                 "score": [0.9], "model": ["m"]}),
        "sentiments": pd.DataFrame({"statement_id": ["s1"], "label": ["positive"], "score": [0.8], "model": ["m"]}),
    }, *pipeline.versions(pipeline.load_scorer()[0]))
    store.set_meta("seeded", "yes")


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    path = tmp_path / "parley.duckdb"
    monkeypatch.setenv("PARLEY_DB", str(path))
    return path


def markdown_of(at: AppTest) -> str:
    """Everything the page sent as Markdown (headings, captions, alerts, markdown)."""
    parts = [e.value for kind in ("markdown", "caption", "subheader", "header", "title", "success", "info",
                                   "warning", "error") for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def test_evidence_headings_and_the_export_caption_escape_article_text(db):
    fill_with_payloads(db)

    def page_with_evidence(party):
        import runpy
        from pathlib import Path

        from components import data, evidence, filters

        tables = data.tables()
        filters.sidebar_filters(tables)
        rows = evidence.statements_behind([{"party": party}], tables, tables["statements"])
        evidence.table(rows, f"Statements by {party}")
        runpy.run_path(str(Path("views") / "export.py"))

    at = AppTest.from_function(page_with_evidence, args=(PAYLOAD_PARTY,), default_timeout=120)
    at.query_params["speaker"] = PAYLOAD_SPEAKER
    at.run()
    assert not at.exception
    sent = markdown_of(at)
    # The payloads arrive with every Markdown character escaped: no "](" and no "**" left to become a link.
    for live in ("](https://evil.example", "**Bold**", "<img", ":red["):
        assert live not in sent, live
    assert r"\[click me\]\(https" in sent and r"\*\*Bold\*\*" in sent
    evidence_table = next(d.value for d in at.dataframe if "source link" in d.value.columns or "url" in d.value.columns)
    assert evidence_table["url"].tolist() == [""]  # a javascript: URL is never offered as a link


def test_sources_never_shows_the_servers_store_path(db):
    fill_with_payloads(db)
    at = AppTest.from_file("../views/sources.py", default_timeout=120).run()
    assert not at.exception
    shown = markdown_of(at) + "".join(str(t.value) for t in at.text)
    assert str(db.parent) not in shown and "duckdb" not in shown


def test_load_without_a_file_says_why(db):
    fill_with_payloads(db)
    at = AppTest.from_file("../views/sources.py", default_timeout=120).run()
    at.button[0].click().run()  # "Load and analyse" with nothing chosen (or a file the browser refused)
    assert not at.exception
    assert any("No file was received" in w.value and "50 MB" in w.value for w in at.warning)


def test_formula_cells_from_articles_are_neutralised_in_every_export(db):
    fill_with_payloads(db)
    from components import export

    statements = Store(db).read("statements")

    def first_text(data: bytes) -> str:
        return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False)["text"][0]

    assert first_text(export.csv_bytes(statements)).startswith("'=HYPERLINK(")
    archive = zipfile.ZipFile(io.BytesIO(export.zip_bytes({}, {"statements": statements})))
    assert first_text(archive.read("tables/statements.csv")).startswith("'=HYPERLINK(")


# -- in the browser: the dashboard, the command line and a second session on one store -------------------
HOLD = """
import sys, time, duckdb
db = duckdb.connect(sys.argv[1])
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
db.close()
"""


def hold_file(path: Path, seconds: float) -> subprocess.Popen:
    """Another program writing the store (its file locked) for `seconds`, holding when this returns."""
    other = subprocess.Popen([sys.executable, "-c", HOLD, str(path), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert other.stdout.readline().strip() == "holding"
    return other


def open_page(page, url: str, heading: str) -> None:
    from playwright.sync_api import expect

    page.goto(url)
    expect(page.get_by_role("heading", name=heading, exact=True).first).to_be_visible(timeout=180_000)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=180_000)


def no_error_on(page) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_dashboard_and_command_line_share_one_store_in_either_order(page, tmp_path):
    from conftest import serve
    from playwright.sync_api import expect

    db = tmp_path / "parley.duckdb"
    with serve(tmp_path) as url:
        open_page(page, url, "Parley")  # the seed is analysed and stored by the dashboard
        # The command line writes the store the dashboard has open.
        article = tmp_path / "cli.txt"
        article.write_text(GOOD_TEXT, encoding="utf-8")
        done = cli(str(article), "--no-models", "--db", str(db), "--out", str(tmp_path / "out"))
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-2000:]
        open_page(page, url + "/sources", "Sources")
        # The dashboard may re-analyse the command line's article (read without models) before it lists it.
        expect(page.get_by_test_id("stDataFrame").filter(has_text="Talks resume in Geneva").first).to_be_visible(
            timeout=180_000)
        no_error_on(page)
        # Another program holds the file while a page opens: the page waits, says so, then shows.
        other = hold_file(db, 300)
        try:
            page.goto(url + "/statements")
            expect(page.get_by_test_id("stToast").filter(has_text="in use by another program")).to_be_visible(
                timeout=120_000)
        finally:
            other.kill()  # the other program lets go
            other.wait()
        expect(page.get_by_role("heading", name="Statements", exact=True)).to_be_visible(timeout=120_000)
        expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=120_000)
        no_error_on(page)
        # And the command line waits for the other program in the same way, then does its work.
        other = hold_file(db, 300)
        waiting = subprocess.Popen([sys.executable, "-m", "analysis", "analyze", str(article), "--no-models",
                                    "--db", str(db), "--out", str(tmp_path / "out2")],
                                   cwd=ROOT, stderr=subprocess.PIPE, text=True)
        try:
            said = ""
            while "in use by another program" not in said and waiting.poll() is None:
                said += waiting.stderr.readline()
        finally:
            other.kill()
            other.wait()
        said += waiting.communicate(timeout=300)[1]
        assert waiting.returncode == 0 and "in use by another program" in said, said[-2000:]
        assert "Traceback" not in said
    titles = set(Store(db).read("articles")["title"])
    assert "Talks resume in Geneva" in titles and any(t.startswith("Russia-Ukraine crisis") for t in titles)


def test_two_sessions_uploading_at_once_lose_nothing(browser, tmp_path):
    from conftest import serve
    from playwright.sync_api import expect

    uploads = []
    for side in ("north", "south"):
        rows = pd.DataFrame({"title": [f"Report {side} {i}" for i in range(3)],
                             "text": [f"The mayor of the {side} said on day {i} that water and power were back."
                                      for i in range(3)]})
        path = tmp_path / f"{side}.csv"
        rows.to_csv(path, index=False)
        uploads.append(path)
    with serve(tmp_path) as url:
        pages = [browser.new_page(), browser.new_page()]
        open_page(pages[0], url, "Parley")  # first visit: the seed
        for page in pages:
            open_page(page, url + "/sources", "Sources")
            page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files([])
        for page, upload in zip(pages, uploads):
            page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(upload))
        for page in pages:  # both press Load together
            page.get_by_role("button", name="Load and analyse").click()
        for page in pages:
            expect(page.get_by_role("heading", name="Last load")).to_be_visible(timeout=300_000)
            expect(page.get_by_test_id("stDataFrame").first).to_contain_text("loaded")
            no_error_on(page)
    titles = set(Store(tmp_path / "parley.duckdb").read("articles")["title"])
    assert {f"Report {side} {i}" for side in ("north", "south") for i in range(3)} <= titles


# -- in the browser: injected text never live, URLs that lead somewhere, limits that are seen -------------
def test_injection_urls_limits_and_no_outside_requests(page, tmp_path):
    from urllib.parse import quote

    from conftest import serve
    from playwright.sync_api import expect

    fill_with_payloads(tmp_path / "parley.duckdb")
    with serve(tmp_path) as url:
        outside = []
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((url, "data:", "blob:")) else None)

        def nothing_live() -> None:
            live = page.locator("a[href*='evil.example']")
            assert live.count() == 0, [live.nth(i).evaluate(
                "e => e.closest('[data-testid]')?.getAttribute('data-testid') + ' ' + e.outerHTML")
                for i in range(live.count())]
            assert page.locator("img[src='x']").count() == 0
            no_error_on(page)

        open_page(page, url + "/statements", "Statements")
        nothing_live()
        open_page(page, f"{url}/positions?focus={quote('peace talks')}&focus_party={quote(PAYLOAD_PARTY)}", "Positions")
        expect(page.get_by_text("**Bold** [party](https:").first).to_be_visible()  # as typed, not bold
        expect(page.get_by_text("red[shouting]").first).to_be_visible()  # not coloured "shouting"
        nothing_live()
        open_page(page, f"{url}/export?speaker={quote(PAYLOAD_SPEAKER)}", "Export")
        expect(page.get_by_text("[click me](https:").first).to_be_visible()
        nothing_live()

        # Every page at its own path; an unknown one lands on the Overview and says so.
        open_page(page, url + "/overview", "Parley")
        expect(page.get_by_test_id("stMetric").filter(has_text="Articles")).to_be_visible()
        expect(page.get_by_test_id("stAlert")).to_have_count(0)  # no "page not found"
        open_page(page, url + "/no-such-page", "Parley")
        expect(page.get_by_test_id("stAlert").filter(has_text="no page at /no-such-page")).to_be_visible()

        # Copy link carries only what the view can show; reversed dates are named.
        open_page(page, f"{url}/statements?kind=gossip&kind=direct&evil=1&focus=Atlantis&party=Nobody"
                        "&from=2023-03-02&to=2023-03-01", "Statements")
        expect(page.get_by_test_id("stSidebar").get_by_text("The dates are reversed")).to_be_visible()
        page.get_by_test_id("stSidebar").get_by_text("Copy link").click()
        link = page.get_by_test_id("stSidebar").get_by_test_id("stCode").inner_text()
        assert "/statements?" in link and "kind=direct" in link
        for dropped in ("gossip", "evil", "Atlantis", "Nobody"):
            assert dropped not in link

        # A file over the upload limit: the browser refuses it, and Load says so in the page.
        open_page(page, url + "/sources", "Sources")
        big = tmp_path / "big.csv"
        with open(big, "wb") as out:
            out.write(b"text\n")
            out.truncate(51 * 1024 * 1024)  # sparse: no 51 MB written to the disk
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(big))
        page.get_by_role("button", name="Load and analyse").click()
        expect(page.get_by_test_id("stAlert").filter(has_text="No file was received")).to_be_visible(timeout=30_000)
        assert page.locator("link[rel*='icon']").count() >= 1
        assert outside == []  # no font, icon or script from elsewhere
