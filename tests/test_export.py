"""Exports: real images rendered by kaleido with the system Chromium, the CSV behind a chart, and the ZIP."""
from __future__ import annotations

import io
import os
import struct
import sys
import zipfile
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from components import export
from components.style import Caption, HEIGHT, WIDTH, finish

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Skipped only where there is no Chromium at all; with /usr/bin/chromium present, a failing detection must fail.
needs_chromium = pytest.mark.skipif(not Path("/usr/bin/chromium").exists() and not export.can_render(),
                                    reason="no Chromium for kaleido on this machine")


def figure(title: str = "Tone by party") -> go.Figure:
    fig = go.Figure(go.Bar(x=["Russia", "Ukraine"], y=[-0.4, 0.2], marker_color=["#C0392B", "#1F77B4"]))
    return finish(fig, title, Caption("Parley · 2 article(s)", "Parties: Russia, Ukraine", "Dates: 2022-10-01 – 2022-10-02"),
                  x_title="Party", y_title="Net tone")


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    return struct.unpack(">II", data[16:24])


@needs_chromium
def test_png_is_slide_sized_and_cached(monkeypatch):
    fig = figure("A chart only this test renders")
    data = export.image_bytes(fig, "png")
    assert png_size(data) == (WIDTH * 2, HEIGHT * 2)
    assert len(data) > 20_000  # a drawn chart, not a blank canvas
    calls = []
    monkeypatch.setattr(export, "_kaleido_render", lambda *a, **k: calls.append(1) or b"")
    assert export.image_bytes(figure("A chart only this test renders"), "png") == data  # same JSON: no re-render
    assert calls == []


@needs_chromium
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the single-process browser is used on Linux")
def test_images_are_rendered_by_one_chromium_process():
    options = export.kaleido_options()
    assert Path(options["path"]) == export.LEAN_CHROMIUM and options["mathjax"] is False
    assert os.environ["PARLEY_CHROMIUM"] == export.browser_path()
    data = export.image_bytes(figure("Rendered by the single-process browser"), "png")
    assert png_size(data) == (WIDTH * 2, HEIGHT * 2) and len(data) > 20_000


@needs_chromium
def test_svg_and_pdf_carry_title_and_footer():
    svg = export.image_bytes(figure(), "svg").decode("utf-8")
    assert svg.lstrip().startswith("<svg")
    assert "Tone by party" in svg and "Parties: Russia, Ukraine" in svg and "2022-10-01" in svg
    pdf = export.image_bytes(figure(), "pdf")
    assert pdf.startswith(b"%PDF-") and len(pdf) > 2_000


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="png, svg, pdf"):
        export.render_json(figure().to_json(), "gif")


def test_csv_round_trips_with_accents():
    frame = pd.DataFrame({"speaker": ["Volodymyr Zelenskyy’s aide", "Ömer"], "statements": [3, 1]})
    data = export.csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads the accents right
    assert pd.read_csv(io.BytesIO(data), encoding="utf-8-sig").equals(frame)


def test_file_names_say_chart_and_filters():
    assert export.file_name("Stance toward NATO over time", "parties-russia", "png") == \
        "parley-stance-toward-nato-over-time-parties-russia.png"


@needs_chromium
def test_zip_holds_every_chart_in_each_format_and_the_tables():
    steps = []
    tables = {"statements": pd.DataFrame({"statement_id": ["s1"], "text": ["We will win."]}),
              "chart - tone by party": pd.DataFrame({"party": ["Russia"], "net": [-0.4]})}
    data = export.zip_bytes({"tone by party": figure(), "statements over time": figure("Statements over time")},
                            tables, "all", progress=lambda fraction, message: steps.append((fraction, message)))
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert sorted(archive.namelist()) == [
        "charts/parley-statements-over-time-all.png", "charts/parley-statements-over-time-all.svg",
        "charts/parley-tone-by-party-all.png", "charts/parley-tone-by-party-all.svg",
        "tables/chart-tone-by-party.csv", "tables/statements.csv",
    ]
    assert png_size(archive.read("charts/parley-tone-by-party-all.png")) == (WIDTH * 2, HEIGHT * 2)
    assert b"Statements over time" in archive.read("charts/parley-statements-over-time-all.svg")
    assert pd.read_csv(archive.open("tables/statements.csv"), encoding="utf-8-sig")["text"].tolist() == ["We will win."]
    fractions = [f for f, _ in steps]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(steps) == 7


def test_without_chromium_the_zip_says_so_and_keeps_the_tables(monkeypatch):
    monkeypatch.setattr(export, "browser_path", lambda: None)
    data = export.zip_bytes({"tone by party": go.Figure()}, {"claims": pd.DataFrame({"place": ["Izium"]})})
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert sorted(archive.namelist()) == ["README.txt", "tables/claims.csv"]
    assert "No Chromium" in archive.read("README.txt").decode()
    with pytest.raises(export.NoBrowser):
        export.render_json(figure("never rendered before").to_json(), "png")


def buttons_app():
    import plotly.graph_objects as go
    import pandas as pd

    from components.export import export_buttons

    export_buttons(go.Figure(go.Bar(x=[1], y=[2])), "tone by party", pd.DataFrame({"a": [1]}))


def test_buttons_offer_every_format_and_render_nothing_until_clicked(monkeypatch):
    renders = []
    monkeypatch.setattr(export, "_kaleido_render", lambda *a, **k: renders.append(k) or b"")
    at = AppTest.from_function(buttons_app, default_timeout=30).run()
    buttons = at.get("download_button")
    assert [b.proto.label for b in buttons] == ["PNG", "SVG", "PDF", "CSV"]
    assert [b.proto.disabled for b in buttons] == [not export.can_render()] * 3 + [False]
    assert renders == []  # images are deferred to the click: drawing the page costs no Chromium time


def test_buttons_without_chromium_say_so(monkeypatch):
    monkeypatch.setattr(export, "browser_path", lambda: None)
    at = AppTest.from_function(buttons_app, default_timeout=30).run()
    buttons = at.get("download_button")
    assert [b.proto.disabled for b in buttons] == [True, True, True, False]
    assert "camera icon" in at.caption[0].value


# -- spreadsheet formula injection: text from articles must open as text ---------------------------------
PAYLOADS = ['=HYPERLINK("https://evil.example","click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
            "\tfoo", "\rbar"]


def test_csv_cells_that_would_run_as_formulas_are_neutralised():
    frame = pd.DataFrame({"speaker": pd.Series(PAYLOADS + ["Olaf Example"], dtype="string"),
                          "score": [-0.5, 1, 2, 3, 4, 5, 6]})
    read = pd.read_csv(io.BytesIO(export.csv_bytes(frame)), encoding="utf-8-sig", keep_default_na=False)
    assert read["speaker"].tolist()[:-1] == ["'" + p for p in PAYLOADS]
    assert read["speaker"].tolist()[-1] == "Olaf Example"
    assert read["score"].tolist()[0] == -0.5  # numbers stay numbers


def test_zip_tables_are_neutralised_too():
    frame = pd.DataFrame({"text": ['=HYPERLINK("https://evil.example")', "plain"]})
    archive = zipfile.ZipFile(io.BytesIO(export.zip_bytes({}, {"statements": frame})))
    body = archive.read("tables/statements.csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in body and "\n=HYPERLINK" not in body


@needs_chromium
def test_export_page_archive_holds_figures_with_their_data(tmp_path, monkeypatch):
    # The Export page end to end on a store written here: every exported chart shows its data, not a frame.
    from PIL import Image

    from analysis.store import Store
    from components import charts
    from components.style import party_color
    from test_page_positions import corpus

    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    monkeypatch.setenv("PARLEY_DB", str(tmp_path / "parley.duckdb"))
    frames = corpus()
    store = Store(tmp_path / "parley.duckdb")
    store.write_batch(frames, "test", "test")
    store.close()

    def export_app():
        import runpy
        from pathlib import Path

        from components import data, filters

        filters.sidebar_filters(data.tables())
        runpy.run_path(str(Path("views") / "export.py"))

    at = AppTest.from_function(export_app, default_timeout=240).run()
    assert not at.exception
    next(b for b in at.button if b.label == "Build archive").click().run()
    archive = zipfile.ZipFile(io.BytesIO(at.session_state["export_zip"][1]))
    matrix = archive.read("charts/parley-stance-by-party-and-target-all.svg").decode("utf-8")
    net = charts.stance_table(frames["stances"], frames["statements"])
    for row in net.itertuples():  # every cell's number and every party's row label is drawn
        assert charts.net_text(row.net) in matrix and row.party in matrix
    tone = archive.read("charts/parley-tone-by-party-all.svg").decode("utf-8")
    bars = [party_color(p) for p in ("Russia", "Ukraine")]
    assert all(colour.lower() in tone.lower() or _rgb(colour) in tone for colour in bars)
    image = Image.open(io.BytesIO(archive.read("charts/parley-stance-by-party-and-target-all.png"))).convert("RGB")
    ink = sum(1 for pixel in image.getdata() if pixel != (255, 255, 255))
    assert ink > 0.03 * image.width * image.height  # cells and labels, not a blank canvas


def _rgb(colour: str) -> str:
    return "rgb(" + ", ".join(str(int(colour[i:i + 2], 16)) for i in (1, 3, 5)) + ")"
