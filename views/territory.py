"""Territory: who claims which ground, when, and on what evidence: map, timeline, claimed area,
contested places and every claim with its sentence and article."""
import pandas as pd
import streamlit as st

from analysis.claims import contested, read_reference
from components import data, evidence, filters, maps
from components.display import chart as show
from components.plaintext import escape

st.title("Territory")
st.caption("Territorial claims found in the articles: who says they annexed, captured, reclaimed, advance on "
           "or fight for which place. Every number links back to its sentence.")

tables = data.tables()
f = filters.current()
articles = tables["articles"]
# Only claims on a named place the gazetteer locates are shown (an area claimed without a place still counts
# in the claimed area); the rest (a store written by an older release may hold claims without a place) join
# the claim mentions the analysis could not place, counted per article, in one note.
selected = filters.filter_claims(tables["claims"], articles, f)
claims = maps.placed(selected)
caption = filters.caption(tables, f, claims["article_id"])
in_dates = filters.filter_articles(articles, f).drop_duplicates("article_id")
hidden = selected[~selected.index.isin(claims.index) & selected["area_km2"].isna()]
unplaced = int(pd.to_numeric(in_dates["unplaced_claims"], errors="coerce").fillna(0).sum()) + len(hidden)


def show_evidence(fig, event, heading: str) -> None:
    """The claims behind the clicked or selected points, each with its sentence and article (as text)."""
    wanted = evidence.criteria(fig.layout.meta, evidence.fill_customdata(fig, evidence.selected_points(event)))
    if not wanted:
        st.caption("Click a point (or draw a box around several) to see the claims and sentences behind it.")
        return
    rows = maps.claims_behind(wanted, claims)
    st.markdown(f"**{heading}:** " + escape("; ".join(" · ".join(str(v) for v in w.values()) for w in wanted)))
    st.dataframe(
        pd.DataFrame({
            "date": rows["date"], "party": rows["party"], "claim": rows["claim"], "place": rows["place"],
            "area_km2": rows["area_km2"], "evidence": rows["evidence"],
            "article": rows["article_id"].map(titles), "source": rows["article_id"].map(urls),
        }),
        hide_index=True, width="stretch",
        column_config={"evidence": st.column_config.TextColumn("Evidence sentence", width="large"),
                       "source": st.column_config.LinkColumn("Source link", display_text="open source")},
    )


if tables["claims"].empty:
    st.info("No territorial claims yet. Add articles on the Sources page; claims are found as they are analysed.")

unique_articles = articles.drop_duplicates("article_id").set_index("article_id")
titles, urls = unique_articles["title"], unique_articles["url"]

st.subheader("Map")
map_fig = maps.claims_map(claims, caption)
map_event = show(map_fig, "Territorial claims map", claims, key="territory-map",
                 select=("points", "box", "lasso"))
if map_event is not None:
    show_evidence(map_fig, map_event, "Claims at the selected places")
if unplaced:
    whatever = " (counted whatever their party or claim type)" if f.parties or f.claim_types else ""
    st.caption(f"{unplaced} claim mention{'s' if unplaced != 1 else ''} in these articles name{'' if unplaced != 1 else 's'} "
               f"no place Parley can locate (not shown){whatever}.")

st.subheader("Timeline")
timeline = maps.claims_timeline(claims, caption)
timeline_event = show(timeline, "Territorial claims over time", claims, key="territory-timeline",
                      select=("points", "box", "lasso"))
if timeline_event is not None:
    show_evidence(timeline, timeline_event, "Claims on the selected dates")

st.subheader("Claimed area")
upload = st.file_uploader(
    "Reference series to compare with (CSV with a 'date' column and a 'km2' column, e.g. measured km² under a "
    "party's control)", type=["csv"], key="reference",
)
reference, reference_name = None, "Reference"
if upload is not None:
    try:
        reference = read_reference(upload.getvalue(), upload.name)
        reference_name = f"Reference: {upload.name}"
    except ValueError as error:
        st.error(str(error))
area = maps.area_table(selected)
show(maps.cumulative_area(selected, reference, caption, reference_name=reference_name), "Claimed area cumulative",
     area, key="territory-area", select=())

st.subheader("Contested places")
st.caption("Places that two parties claim in conflicting ways, with the latest claim of each as evidence.")
conflicts = contested(claims)
if conflicts.empty:
    st.caption("No place is claimed by two parties in these articles.")
else:
    shown = conflicts.assign(
        article_a=conflicts["article_a"].map(titles), article_b=conflicts["article_b"].map(titles)
    )
    st.dataframe(shown, hide_index=True, width="stretch", column_config={
        "evidence_a": st.column_config.TextColumn("Evidence (A)", width="large"),
        "evidence_b": st.column_config.TextColumn("Evidence (B)", width="large"),
    })

st.subheader("Claims")
if claims.empty:
    st.caption("No claims for these filters.")
else:
    table = claims.assign(
        article=claims["article_id"].map(titles).fillna(""),
        source=claims["article_id"].map(urls).fillna(""),
        where=claims["place"],
    ).sort_values(["date", "party"], na_position="last")
    st.dataframe(
        table[["date", "party", "claim", "where", "place_type", "area_km2", "evidence", "article", "source",
               "statement_id"]],
        hide_index=True, width="stretch",
        column_config={
            "where": st.column_config.TextColumn("Place"),
            "area_km2": st.column_config.NumberColumn("Area (km²)", format="%,.0f"),
            "evidence": st.column_config.TextColumn("Evidence sentence", width="large"),
            "article": st.column_config.TextColumn("Article"),
            "source": st.column_config.LinkColumn("Source link"),
            "statement_id": st.column_config.TextColumn("Statement", help="Empty when the narrator makes the claim"),
        },
    )
    st.download_button("Claims CSV", table.drop(columns=["where"]).to_csv(index=False).encode("utf-8"),
                       file_name=f"parley-claims-{filters.slug(f)}.csv", mime="text/csv", on_click="ignore",
                       icon=":material/table:", key="territory-claims-csv")
