"""Loading articles from every supported format, and every kind of bad input."""
import json
import re

import pytest

from analysis.articles import article_id, load_file, load_pasted, load_paths, mark_duplicates, parse_date

ARTICLE = """Ministers meet in Geneva as talks resume

Date: 4 Oct 2022
The foreign ministers met in Geneva on Tuesday. "The talks were constructive," the Swiss host said.
Officials said the next round would take place within a month.

(With inputs from Reuters)
"""


def only(result):
    assert len(result.reports) == 1
    return result.reports[0]


def test_text_file_title_header_and_credit_line():
    result = load_file("geneva.txt", ARTICLE.encode())
    report = only(result)
    assert report.status == "loaded" and report.articles == 1
    row = result.articles.iloc[0]
    assert row["title"] == "Ministers meet in Geneva as talks resume"
    assert row["published"] == "2022-10-04"
    assert row["source"] == "Reuters"
    assert row["text"].startswith("The foreign ministers met")
    assert "With inputs" not in row["text"]
    assert row["origin"] == "geneva.txt"


def test_seed_folder_loads_the_seed_article():
    result = load_paths(["seeds"])
    assert [r.status for r in result.reports] == ["loaded"]
    row = result.articles.iloc[0]
    assert row["title"].startswith("Russia-Ukraine crisis: Volodymyr Zelenskyy signs decree")
    assert row["source"] == "IANS"
    assert "(With inputs from IANS)" not in row["text"]


@pytest.mark.parametrize("value", ["2022-10-04", "October 4, 2022", "4 Oct 2022", "Oct 4 2022"])
def test_common_date_forms(value):
    assert parse_date(value) == ("2022-10-04", "")


def test_same_text_twice_is_one_article():
    first = load_file("a.txt", ARTICLE.encode())
    second = load_file("b.md", ARTICLE.replace("\n", "\r\n").encode())
    assert first.articles["article_id"][0] == second.articles["article_id"][0]
    both = first + second
    assert both.articles["article_id"].nunique() == 1
    deduped = mark_duplicates(second, set(first.articles["article_id"]))
    assert deduped.articles.empty and deduped.reports[0].status == "duplicate"


def test_markdown_title_hash_is_stripped():
    result = load_file("note.md", b"# A markdown title\n\nSome body text about the talks in Istanbul today.")
    assert result.articles["title"][0] == "A markdown title"


def test_html_extracts_title_and_text_and_drops_scripts():
    html = b"""<html><head><title>Site | Talks</title><script>alert('x')</script></head><body>
    <nav>Home | World | Sport</nav><article><h1>Talks resume in Istanbul</h1>
    <p>Delegations from both countries met in Istanbul on Tuesday, officials said, for the first time in months.</p>
    <script>document.write('<b>injected</b>')</script>
    <p>The foreign minister said the meeting had been useful and that a further round was planned soon.</p>
    </article></body></html>"""
    result = load_file("page.html", html)
    assert only(result).status == "loaded"
    row = result.articles.iloc[0]
    assert "Talks resume in Istanbul" in row["title"]
    assert "Delegations from both countries" in row["text"]
    assert "alert" not in row["text"] and "injected" not in row["text"] and "<" not in row["text"]


def test_csv_corpus_with_optional_columns():
    csv = (
        "title,date,source,url,author,text\n"
        'One,2022-09-30,Kremlin,https://example.org/1,Vladimir Putin,"We will defend our land, he said."\n'
        'Two,"October 4, 2022",,,,"The talks, officials said, were postponed."\n'
    )
    result = load_file("corpus.csv", csv.encode())
    assert only(result).articles == 2
    frame = result.articles
    assert list(frame["published"]) == ["2022-09-30", "2022-10-04"]
    assert frame["author"][0] == "Vladimir Putin" and frame["url"][0] == "https://example.org/1"
    assert list(frame["origin"]) == ["corpus.csv#row2", "corpus.csv#row3"]


def test_jsonl_corpus():
    lines = [{"text": "Ukraine will never give up its land, the minister said.", "title": "A", "date": "4 Oct 2022"},
             {"text": "Moscow announced new measures on Friday.", "source": "TASS"}]
    result = load_file("c.jsonl", "\n".join(json.dumps(x) for x in lines).encode())
    assert only(result).articles == 2
    assert list(result.articles["source"]) == ["", "TASS"]


def test_pasted_text_first_line_is_title():
    result = load_pasted("My title\nThe minister said the talks were constructive.")
    assert result.articles["title"][0] == "My title"
    assert result.articles["origin"][0] == "pasted text"
    titled = load_pasted("The minister said the talks were constructive.", title="Given")
    assert titled.articles["title"][0] == "Given"


# -- bad input: each is reported with the file's name and the problem; nothing raises --------------------
def test_empty_file():
    report = only(load_file("empty.txt", b""))
    assert report.status == "rejected" and "empty" in report.message.lower()
    assert only(load_file("blank.txt", b"  \n\n ")).status == "rejected"


def test_binary_file_renamed_txt():
    report = only(load_file("photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40))
    assert report.status == "rejected" and "binary" in report.message


def test_huge_text_file_is_refused_with_its_size():
    report = only(load_file("huge.txt", b"The war goes on. " * (20 * 1024 * 1024 // 17)))
    assert report.status == "rejected"
    assert "20.0 MB" in report.message and "at most 5 MB" in report.message


def test_cp1251_cyrillic_is_decoded_and_flagged_as_not_english():
    text = "Переговоры в Стамбуле\nДелегации Украины и России встретились в Стамбуле во вторник, сообщили официальные лица."
    result = load_file("ru.txt", text.encode("cp1251"))
    report = only(result)
    assert report.status == "loaded"
    assert result.articles["title"][0] == "Переговоры в Стамбуле"
    assert any("cp1251" in w.lower() or "1251" in w for w in report.warnings)
    assert any("English" in w for w in report.warnings)


# -- encodings: each test text is read back exactly, whatever it was saved as ----------------------------
FRENCH = ("Déclaration à Genève\nLe ministre a déclaré à Genève que la délégation française « soutient "
          "pleinement » l'Ukraine. Où en sont les négociations ? Déjà, on évoque une trêve à l'été.")
FRENCH_1252 = FRENCH + " Le cœur du problème reste l'aide : 5 millions d'€ – « pas assez », dit-il…"
GERMAN = ("Erklärung in Kiew\nDer Außenminister sagte am Dienstag, die Gespräche über die Waffenruhe würden "
          "fortgesetzt. Größere Schäden wurden aus den östlichen Städten gemeldet; die Übergabe sei später geplant.")
ENGLISH = ("Talks in Geneva\nThe minister said the talks were “constructive” – a word he used twice… "
           "He added: ‘We’ll see what Moscow does.’ The aid package is worth €5 million.")
RUSSIAN = ("Переговоры в Стамбуле\nДелегации Украины и России встретились в Стамбуле во вторник, сообщили "
           "официальные лица. Ещё одна встреча запланирована на следующей неделе.")


@pytest.mark.parametrize("text, encoding, guess", [
    (FRENCH, "latin-1", "1252"), (FRENCH_1252, "cp1252", "1252"), (GERMAN, "latin-1", "1252"),
    (GERMAN, "cp1252", "1252"), (ENGLISH, "cp1252", "1252"), (RUSSIAN, "cp1251", "1251"),
    (RUSSIAN, "koi8-r", "KOI8-R"), (RUSSIAN, "iso-8859-5", "8859-5"),
])
def test_single_byte_encodings_come_out_exact(text, encoding, guess):
    result = load_file("legacy.txt", text.encode(encoding))
    title, _, body = text.partition("\n")
    assert (result.articles["title"][0], result.articles["text"][0]) == (title, body)
    warnings = " ".join(only(result).warnings)
    assert "not UTF-8" in warnings and guess in warnings and "legacy.txt" in warnings


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
@pytest.mark.parametrize("text", [FRENCH_1252, GERMAN, ENGLISH, RUSSIAN])
def test_unicode_with_or_without_byte_order_mark(text, encoding):
    result = load_file("wide.txt", text.encode(encoding))
    title, _, body = text.partition("\n")
    assert (result.articles["title"][0], result.articles["text"][0]) == (title, body)
    assert not [w for w in only(result).warnings if "UTF-8" in w]


def test_utf16_corpus_as_spreadsheets_save_it():
    corpus = 'title\ttext\n"Gespräche"\t"Der Außenminister sagte, die Gespräche würden fortgesetzt."\n'
    result = load_file("export.csv", corpus.replace("\t", ",").encode("utf-16"))
    assert result.articles["text"][0] == "Der Außenminister sagte, die Gespräche würden fortgesetzt."


def test_an_uncertain_guess_names_the_file_and_the_encoding():
    # Mac Roman is not among the encodings tried: the text is still read, and the warning says the guess is
    # uncertain, which encoding it was read as, and which other one it could be.
    result = load_file("short.txt", "Note\nThe café in Zürich said ‘fine’.".encode("mac-roman"))
    warnings = " ".join(only(result).warnings)
    assert only(result).status == "loaded" and "short.txt" in warnings
    assert re.search(r"uncertain: read as .+, but it could also be .+\.", warnings)


def test_utf16_that_is_not_text_is_still_binary():
    report = only(load_file("noise.txt", bytes(range(256)) * 64))
    assert report.status == "rejected" and "binary" in report.message


# -- HTML pages without an article -------------------------------------------------------------------
MENU_PAGE = b"""<html><head><title>Empty page</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/about">About us</a></nav>
<footer>(c) 2024 Example Media. All rights reserved. <a href="/privacy">Privacy policy</a></footer></body></html>"""
NOTICE_PAGE = b"""<html><head><title>Ministry</title></head><body><header><h1>Ministry of Defence</h1>
<ul><li><a href="/">Home</a></li><li><a href="/n">News</a></li><li><a href="/c">Contacts</a></li></ul></header>
<div class="cookie-notice">We use cookies to improve your experience on our website. By continuing you agree.</div>
<footer><p>Subscribe to our newsletter for the latest updates from the ministry.</p></footer></body></html>"""


@pytest.mark.parametrize("page", [MENU_PAGE, NOTICE_PAGE])
def test_a_page_of_menus_and_notices_is_refused(page):
    report = only(load_file("landing.html", page))
    assert report.status == "rejected" and "no article text" in report.message


def test_a_short_article_with_links_in_it_is_kept():
    page = b"""<html><head><title>Talks</title></head><body><nav><a href="/">Home</a></nav><article>
    <p>The minister said the talks in <a href="/geneva">Geneva</a> would resume on Monday after a break.</p>
    </article></body></html>"""
    result = load_file("short.html", page)
    assert only(result).status == "loaded" and "would resume on Monday" in result.articles["text"][0]


def test_utf8_bom_is_removed():
    result = load_file("bom.txt", "\ufeffTitle with BOM\nThe minister said so on Monday.".encode("utf-8"))
    assert result.articles["title"][0] == "Title with BOM"
    assert not only(result).warnings


def test_csv_without_text_column_names_the_columns_found():
    report = only(load_file("bad.csv", b"title,summary\nA,B\n"))
    assert report.status == "rejected"
    assert "text" in report.message and "summary, title" in report.message


def test_common_column_names_are_understood():
    result = load_file("feed.csv", b'headline,body,link\nTalks,"The minister said the talks were useful.",https://example.org/t\n')
    row = result.articles.iloc[0]
    assert (row["title"], row["url"]) == ("Talks", "https://example.org/t")
    assert row["text"] == "The minister said the talks were useful."


def test_malformed_csv():
    report = only(load_file("broken.csv", b'text,title\n"unterminated,quote\nx,y,z,w\n'))
    assert report.status == "rejected" and "CSV" in report.message


def test_malformed_jsonl_line_is_reported_with_its_number():
    body = b'{"text": "First good line about the talks."}\n{"text": oops}\n{"text": "Third good line about the front."}\n'
    result = load_file("lines.jsonl", body)
    report = only(result)
    assert report.status == "loaded" and report.articles == 2
    assert any(w.startswith("Line 2:") for w in report.warnings)


def test_unparseable_date_loads_with_empty_date_and_warning():
    result = load_file("d.csv", b'text,date\n"The minister spoke on Monday.",sometime in 2022ish\n')
    report = only(result)
    assert report.status == "loaded" and result.articles["published"][0] == ""
    assert any("date" in w for w in report.warnings)


def test_unsupported_type_and_missing_path():
    assert only(load_file("sheet.xlsx", b"PK\x03\x04")).status == "rejected"
    assert only(load_paths(["does/not/exist.txt"])).message == "No such file or folder."


def test_article_id_ignores_whitespace_only():
    assert article_id("a  b\nc") == article_id("a b c")
    assert article_id("a b c") != article_id("a b d")


def test_day_first_dates_follow_the_setting(monkeypatch):
    from analysis import articles

    assert parse_date("04/10/2022") == ("2022-04-10", "")
    monkeypatch.setattr(articles, "settings", lambda: {**articles._settings(articles.CONFIG.stat().st_mtime_ns), "day_first": True})
    assert parse_date("04/10/2022") == ("2022-10-04", "")


def test_a_corpus_without_sources_takes_each_articles_site_from_its_url():
    text = ("title,url,text\n"
            "A,https://www.example.gov/news/1,The minister said the talks were constructive.\n"
            "B,https://web.archive.org/web/2022/https://www.example.org/2,Moscow announced new measures.\n"
            "C,,Kyiv said the shelling went on overnight.\n")
    result = load_file("c.csv", text.encode())
    assert list(result.articles["source"]) == ["example.gov", "example.org", ""]
