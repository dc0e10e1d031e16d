"""Export: every chart of the current view as images, and the tables behind them, in one ZIP."""
import datetime as dt

import streamlit as st

from components import charts, data, filters
from components import export as exporting
from components.plaintext import escape
from components.style import is_empty

st.title("Export")
st.caption("One archive with every chart (as images) and every table (as CSV) for the filters in the sidebar.")

tables = data.tables()
f = filters.current()
selected = filters.select(tables, f)
scope, stances, sentiments, claims, caption = (selected.statements, selected.stances, selected.sentiments,
                                                 selected.claims, selected.caption)



def territory_figures() -> dict:
    """The Territory page's figures, with the claims behind each."""
    try:
        from components import maps
    except ImportError:  # a deployment without the territory part still exports the positions charts
        return {}
    shown = claims[["claim_id", "party", "claim", "place", "place_type", "lat", "lon", "area_km2", "date", "evidence"]]
    return {
        "territorial claims map": (maps.claims_map(claims, caption), shown),
        "territorial claims over time": (maps.claims_timeline(claims, caption), shown),
        "claimed area cumulative": (maps.cumulative_area(claims, None, caption), maps.area_table(claims)),
    }


every = {**charts.positions_figures(tables, scope, stances, sentiments, caption), **territory_figures()}
# A page of "no data" images helps no briefing: charts empty under these filters stay out of the archive.
figures = {name: built for name, built in every.items() if not is_empty(built[0])}
left_out = [name for name in every if name not in figures]

shown_articles = tables["articles"][tables["articles"]["article_id"].isin(
    set(scope["article_id"]) | set(claims["article_id"]))]
csv_tables = {
    "articles": shown_articles.drop(columns=["text"]),
    "statements": scope,
    "sentiments": sentiments,
    "stances": stances,
    "claims": claims,
    **{f"chart - {name}": frame for name, (_, frame) in figures.items()},
}

st.subheader("In the archive", divider="gray")
# Chart names and the caption carry filter values (speaker names from articles): escaped, never Markdown.
st.markdown(f"**{len(figures)} chart(s)**: " + (escape(", ".join(figures)) or "none"))
if left_out:
    st.caption("Left out, no data for these filters: " + escape(", ".join(left_out)))
st.markdown(f"**{len(csv_tables)} table(s)** as CSV: " + escape(", ".join(csv_tables)))
st.caption(escape(caption.line()))

formats = st.pills("Image formats", list(exporting.FORMATS), selection_mode="multi", default=["png", "svg"],
                   format_func=str.upper, key="zip_formats")
if not exporting.can_render():
    st.warning("No Chromium was found on this server, so the archive will hold the tables only. "
               "Each chart's toolbar (camera icon) still saves a PNG in your browser.")

slug = filters.slug(f)
name = f"parley-export-{slug}-{dt.date.today().isoformat()}.zip"
# An archive built for other filters or formats is not offered for this view.
wanted = (name, tuple(formats or ()), caption.line(), data.store().generation)  # new data: a new archive
if st.session_state.get("export_zip", (None,))[0] != wanted:
    st.session_state.pop("export_zip", None)
if st.button("Build archive", type="primary", icon=":material/archive:"):
    bar = st.progress(0.0, text="Starting…")
    archive = exporting.zip_bytes(
        {n: fig for n, (fig, _) in figures.items()}, csv_tables, slug, tuple(formats or ()),
        progress=lambda fraction, message: bar.progress(min(fraction, 1.0), text=message))
    bar.empty()
    st.session_state["export_zip"] = (wanted, archive)

if "export_zip" in st.session_state:
    archive = st.session_state["export_zip"][1]
    st.success(escape(f"Archive ready: {name} ({len(archive) / 1e6:.1f} MB)"))
    st.download_button("Download ZIP", data=archive, file_name=name, mime="application/zip",
                       icon=":material/download:", on_click="ignore", key="download_zip")
