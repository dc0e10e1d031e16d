"""Figures for territorial claims: the claims map, the timeline and the cumulative claimed area.

Pure functions from frames to plotly figures (no Streamlit). The map needs no internet: it uses
`map_style="white-bg"` with the bundled oblast boundaries (config/oblasts.geojson) as local GeoJSON
layers, so no tile, style or topojson is fetched, in the browser or in kaleido's image export.
"""
from __future__ import annotations

import html
import math
import textwrap
from functools import lru_cache

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analysis import places
from components import style

NO_CLAIMS = "No claims for these filters"
NO_PLACED = "No claims with a known place for these filters"
# Claim types that say a party gained ground; their areas add up to what the party claims to hold.
GAINS = ("annexed", "captured", "reclaimed")
AREA_TYPES = ("oblast", "region")
# What a map point's customdata holds (layout.meta["keys"]), so a click finds the claims behind it.
KEYS = ("party", "claim", "place")
# The map's drawing area in pixels on a slide-sized figure, less the legend: what the zoom must fit.
MAP_PIXELS = (900, 430)


def _wrap(text: str, width: int = 90) -> str:
    """Evidence for a hover label: escaped (it is article text, never markup) and wrapped."""
    return "<br>".join(textwrap.wrap(html.escape(str(text)), width)) or "—"


def _evidence(rows: pd.DataFrame, limit: int = 3) -> str:
    lines = []
    for row in rows.head(limit).itertuples():
        when = f"{row.date}: " if isinstance(row.date, str) and row.date else ""
        lines.append(f"{html.escape(when)}“{_wrap(row.evidence)}”")
    more = len(rows) - limit
    return "<br><br>".join(lines) + (f"<br>… and {more} more" if more > 0 else "")


def placed(claims: pd.DataFrame) -> pd.DataFrame:
    """Claims with a resolved place and coordinates (the rest stay in tables, off the map)."""
    has_place = claims["place"].fillna("").astype(str).str.len() > 0
    return claims[has_place & claims["lat"].notna() & claims["lon"].notna()]


def _base_layers() -> list[dict]:
    shapes = places.boundaries()
    colours = style.palette().get("map", {})
    return [
        dict(sourcetype="geojson", source=shapes, type="fill", color=colours.get("land", "#F4F1EA"), below="traces"),
        dict(sourcetype="geojson", source=shapes, type="line", color=colours.get("border", "#9A9A9A"),
             line=dict(width=0.8), below="traces"),
    ]


@lru_cache(maxsize=1)
def _view() -> dict:
    """Centre and zoom that frame the bundled boundaries, whatever country or conflict they cover."""
    points = [xy for f in places.boundaries()["features"] for rings in places.polygons(f) for ring in rings for xy in ring]
    if not points:
        return dict(center=dict(lat=0, lon=0), zoom=1)
    lons, lats = [p[0] for p in points], [p[1] for p in points]

    def mercator(lat: float) -> float:  # degrees of longitude a degree of latitude takes on the map
        return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))

    wide = max(max(lons) - min(lons), 0.5)
    tall = max(mercator(max(lats)) - mercator(min(lats)), 0.5)
    # Zoom z shows 512 * 2**z pixels for 360°: fit the shapes in the map's area on a slide (and on a page).
    zoom = min(math.log2(MAP_PIXELS[0] * 360 / (512 * wide)), math.log2(MAP_PIXELS[1] * 360 / (512 * tall)))
    return dict(center=dict(lat=(min(lats) + max(lats)) / 2, lon=(min(lons) + max(lons)) / 2),
                zoom=round(zoom, 2))


def claims_map(claims: pd.DataFrame, caption: style.Caption | None = None, title: str = "Territorial claims") -> go.Figure:
    """Places filled in the claim type's colour and ringed in the party's colour, sized by the number of
    claims; oblast-level claims shade the oblast. Hover shows the evidence sentences.

    The legend lists claim types and parties once each (not every pair), in one column right of the map, so
    it never runs into the footer however many parties claim ground."""
    if claims.empty:
        return style.empty_figure(title, caption, NO_CLAIMS)
    shown = placed(claims)
    if shown.empty:
        return style.empty_figure(title, caption, NO_PLACED)
    fig = go.Figure()
    features = {f["properties"]["name"] for f in places.boundaries()["features"]}
    is_area = shown["place_type"].isin(AREA_TYPES) & shown["place"].isin(features)
    _shade_oblasts(fig, shown[is_area])
    _markers(fig, shown[~is_area])
    _legend_entries(fig, shown)
    fig.update_layout(map=dict(style="white-bg", layers=_base_layers(), **_view()))
    fig.update_layout(meta=dict(chart="claims_map", keys=list(KEYS)))
    fig = style.finish(fig, title, caption)
    # The footer sits just under the map, inside the figure.
    fig.update_annotations(selector=dict(name="footer"), yshift=-8)
    fig.update_layout(
        margin=dict(l=10, r=10, t=70, b=40),
        # Right of the map, never on it: on a narrow page a legend inside would cover the eastern oblasts.
        legend=dict(x=1.01, xanchor="left", y=1.0, yanchor="top", groupclick="toggleitem", tracegroupgap=10,
                    font=dict(size=13)),
    )
    return fig


def _legend_entries(fig: go.Figure, shown: pd.DataFrame) -> None:
    """One legend entry per claim type (the dot's colour) and per party (the ring's colour); the traces that
    draw the map stay out of the legend."""
    order = [c for c in style.palette().get("claims", {}) if c in set(shown["claim"])]
    order += sorted(set(shown["claim"]) - set(order))
    for claim in order:
        fig.add_trace(go.Scattermap(
            lat=[None], lon=[None], mode="markers", name=claim, legendgroup="claim",
            legendgrouptitle=dict(text="Claim (dot)"), marker=dict(size=12, color=style.claim_color(claim)),
            hoverinfo="skip", showlegend=True,
        ))
    counts = shown.groupby("party").size()
    for party in sorted(counts.index, key=lambda p: (-counts[p], str(p))):
        fig.add_trace(go.Scattermap(
            lat=[None], lon=[None], mode="markers", name=party, legendgroup="party",
            legendgrouptitle=dict(text="Party (ring)"), marker=dict(size=12, color=style.party_color(party)),
            hoverinfo="skip", showlegend=True,
        ))


def _shade_oblasts(fig: go.Figure, claims: pd.DataFrame) -> None:
    for (claim, party), rows in claims.groupby(["claim", "party"], sort=True):
        counts = rows.groupby("place")
        names = list(counts.groups)
        colour = style.claim_color(claim)
        fig.add_trace(go.Choroplethmap(
            geojson=places.boundaries(), featureidkey="properties.name", locations=names,
            z=[len(counts.get_group(n)) for n in names], colorscale=[[0, colour], [1, colour]],
            showscale=False, marker=dict(opacity=0.45, line=dict(color=style.party_color(party), width=2)),
            name=f"{claim} — {party} (oblast)", showlegend=False,
            text=[f"<b>{html.escape(n)}</b><br>{html.escape(party)} · {claim} · {len(counts.get_group(n))} claim(s)"
                  f"<br><br>{_evidence(counts.get_group(n))}" for n in names],
            customdata=[[party, claim, n] for n in names],
            hovertemplate="%{text}<extra></extra>",
        ))


def _markers(fig: go.Figure, claims: pd.DataFrame) -> None:
    if claims.empty:
        return
    grouped = (
        claims.groupby(["claim", "party", "place"], sort=True)
        .agg(lat=("lat", "first"), lon=("lon", "first"), n=("claim_id", "size"), place_type=("place_type", "first"))
        .reset_index()
    )
    biggest = max(int(grouped["n"].max()), 1)
    grouped["size"] = [12 + 18 * (n / biggest) ** 0.5 for n in grouped["n"]]
    texts = []
    for row in grouped.itertuples():
        evidence = claims[(claims["claim"] == row.claim) & (claims["party"] == row.party) & (claims["place"] == row.place)]
        approximate = places.precision_of(row.place, row.lat, row.lon) in ("hromada", "raion")
        where = " · location approximate (centre of its community)" if approximate else ""
        texts.append(
            f"<b>{html.escape(row.place)}</b> ({html.escape(str(row.place_type))}){where}<br>"
            f"{html.escape(row.party)} · {row.claim} · {row.n} claim(s)<br><br>{_evidence(evidence)}"
        )
    grouped["hover"] = texts
    # Rings (party colour) first, under every dot (claim colour): both encodings on one marker.
    for party, rows in grouped.groupby("party", sort=True):
        fig.add_trace(go.Scattermap(
            lat=rows["lat"], lon=rows["lon"], mode="markers", showlegend=False, hoverinfo="skip",
            marker=dict(size=[s + 7 for s in rows["size"]], color=style.party_color(party)),
            name=f"{party} ring", customdata=rows[["party", "claim", "place"]].values.tolist(),
        ))
    # Markers only, no text labels: map text needs font glyphs fetched from the internet.
    for claim, rows in grouped.groupby("claim", sort=True):
        fig.add_trace(go.Scattermap(
            lat=rows["lat"], lon=rows["lon"], mode="markers", showlegend=False,
            marker=dict(size=list(rows["size"]), color=style.claim_color(claim)), text=list(rows["place"]),
            name=f"{claim} places", customdata=rows[["party", "claim", "place"]].values.tolist(),
            hovertext=list(rows["hover"]), hovertemplate="%{hovertext}<extra></extra>",
        ))


def _dated(claims: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    when = pd.to_datetime(claims["date"], errors="coerce")
    return claims.assign(when=when)[when.notna()], int(when.isna().sum())


def _note(fig: go.Figure, text: str) -> go.Figure:
    fig.add_annotation(text=text, xref="paper", yref="paper", x=1, y=1.06, xanchor="right", showarrow=False,
                       font=dict(size=12, color="#555555"), name="note")
    return fig


def claims_timeline(claims: pd.DataFrame, caption: style.Caption | None = None,
                    title: str = "Territorial claims over time") -> go.Figure:
    """One row per claim type, one marker per (date, party), sized by the number of claims; hover shows
    the places and evidence. Claims without a date (an undated article) stand in a column of their own, and
    so do claims about a past long before the rest ("Ten years ago, Putin occupied Crimea"), so that one
    such claim does not squeeze the others into a sliver of the axis."""
    if claims.empty:
        return style.empty_figure(title, caption, NO_CLAIMS)
    dated, _ = _dated(claims)
    undated = claims[~claims.index.isin(dated.index)].assign(when=pd.NaT)
    earlier, dated = _long_before(dated)
    panels = [(part, name) for part, name in ((earlier, "earlier"), (dated, "Date"), (undated, "")) if len(part)]
    widths = {"earlier": 0.15, "Date": 0.7, "": 0.15}
    fig = make_subplots(rows=1, cols=len(panels), shared_yaxes=True, horizontal_spacing=0.03,
                        column_widths=[widths[name] for _, name in panels] if len(panels) > 1 else None)
    order = [c for c in style.palette().get("claims", {}) if c in set(claims["claim"])]  # the legend's order
    order += sorted(set(claims["claim"]) - set(order))
    in_legend: set[str] = set()
    for column, (part, _) in enumerate(panels, start=1):
        for party, rows in part.groupby("party", sort=True):
            cells = rows.groupby(["when", "claim"], dropna=False)
            keys = list(cells.groups)
            day = ["" if pd.isna(k[0]) else f"{k[0]:%Y-%m-%d}" for k in keys]
            fig.add_trace(go.Scatter(
                x=[d or "undated" for d in day], y=[k[1] for k in keys], mode="markers", name=party,
                legendgroup=party, showlegend=party not in in_legend,
                marker=dict(color=style.party_color(party),
                            size=[10 + 4 * min(len(cells.get_group(k)), 8) for k in keys],
                            line=dict(width=1, color="white")),
                hovertext=[
                    f"<b>{html.escape(party)}</b> · {k[1]} · {d or 'undated'}<br>"
                    f"{html.escape(', '.join(p for p in cells.get_group(k)['place'].fillna('') if p) or 'no place named')}"
                    f"<br><br>{_evidence(cells.get_group(k))}"
                    for k, d in zip(keys, day)
                ],
                customdata=[[party, k[1], d] for k, d in zip(keys, day)],
                hovertemplate="%{hovertext}<extra></extra>",
            ), row=1, col=column)
            in_legend.add(party)
    fig.update_layout(scattermode="group", scattergap=0.5, meta=dict(chart="claims_timeline", keys=["party", "claim", "date"]))
    fig.update_yaxes(categoryorder="array", categoryarray=order[::-1])
    for column, (part, name) in enumerate(panels, start=1):
        if name:
            # A margin of days either side, so the first and last markers are not cut by the axis edges.
            low, high = part["when"].min(), part["when"].max()
            pad = max((high - low) * 0.03, pd.Timedelta(days=2 if name == "Date" else 90))
            fig.update_xaxes(range=[low - pad, high + pad], row=1, col=column)
            if name == "earlier":  # few claims, far apart: a tick at each one's month
                months = sorted({w.to_period("M") for w in part["when"]})
                ticks = [m.to_timestamp() for m in months][:: max(1, len(months) // 3)]
                fig.update_xaxes(tickvals=ticks, ticktext=[f"{t:%b %Y}" for t in ticks], tickangle=0,
                                 row=1, col=column)
    fig = style.finish(fig, title, caption, x_title="Date" if len(dated) else "", y_title="Claim",
                       legend_title="Party")
    for column, (_, name) in enumerate(panels, start=1):  # one "Claim" title, on the left
        fig.update_xaxes(title_text=name, col=column)
        if column > 1:
            fig.update_yaxes(title_text="", col=column)
    return fig


def _long_before(dated: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(claims dated long before the rest, the rest): those before the widest gap between claim dates, when
    that gap is over a year and wider than the span of the claims after it."""
    days = pd.Series(sorted(dated["when"].dropna().unique()))
    if len(days) < 3:
        return dated.iloc[:0], dated
    gaps = days.diff()
    widest = int(gaps.idxmax())
    after = days.iloc[-1] - days.iloc[widest]
    if gaps.iloc[widest] <= pd.Timedelta(days=365) or gaps.iloc[widest] <= after:
        return dated.iloc[:0], dated
    early = dated["when"] < days.iloc[widest]
    return dated[early], dated[~early]


def area_table(claims: pd.DataFrame) -> pd.DataFrame:
    """Claimed km² per party and date (gains only; a repeated figure counted once, on its first date), with the
    running total: the numbers behind the chart."""
    gains = claims[claims["claim"].isin(GAINS) & claims["area_km2"].notna()]
    dated, _ = _dated(gains)
    # News repeats the same figure ("Ukraine has reclaimed 6,000 km²") for days: count it once, when first claimed.
    dated = dated.sort_values("when").drop_duplicates(["party", "claim", "area_km2"])
    if dated.empty:
        return pd.DataFrame(columns=["party", "date", "km2", "cumulative_km2"])
    daily = dated.groupby(["party", "when"])["area_km2"].sum().reset_index().sort_values(["party", "when"])
    daily["cumulative_km2"] = daily.groupby("party")["area_km2"].cumsum()
    return daily.rename(columns={"area_km2": "km2"}).assign(date=lambda f: f["when"].dt.date.astype(str))[
        ["party", "date", "km2", "cumulative_km2"]
    ].reset_index(drop=True)


def cumulative_area(claims: pd.DataFrame, reference: pd.DataFrame | None = None, caption: style.Caption | None = None,
                    reference_name: str = "Reference", title: str = "Claimed area, cumulative") -> go.Figure:
    """Running total of the km² each party claims to have annexed, captured or reclaimed; an optional
    reference series (date, km2), e.g. measured area under a party's control, on a second axis."""
    table = area_table(claims)
    has_reference = reference is not None and not reference.empty
    if table.empty and not has_reference:
        return style.empty_figure(title, caption, "No dated claims with an area for these filters")
    fig = go.Figure()
    last = pd.to_datetime(table["date"]).max() if not table.empty else None
    for party, rows in table.groupby("party", sort=True):
        x, y, added = list(pd.to_datetime(rows["date"])), list(rows["cumulative_km2"]), list(rows["km2"])
        if x[-1] < last:  # the total holds until the last date shown, so every party's step is visible
            x, y, added = x + [last], y + [y[-1]], added + [0.0]
        fig.add_trace(go.Scatter(
            x=x, y=y, mode="lines+markers", name=f"{party} (claimed)",
            line=dict(shape="hv", color=style.party_color(party), width=3),
            customdata=added, hovertemplate="%{x|%Y-%m-%d}: +%{customdata:,.0f} km², total %{y:,.0f} km²<extra></extra>",
        ))
    if has_reference:
        ref = reference.sort_values("date")
        fig.add_trace(go.Scatter(
            x=pd.to_datetime(ref["date"]), y=ref["km2"], mode="lines", name=reference_name, yaxis="y2",
            line=dict(color="#555555", width=2, dash="dot"),
            hovertemplate="%{x|%Y-%m-%d}: %{y:,.0f} km²<extra>" + html.escape(reference_name) + "</extra>",
        ))
        fig.update_layout(yaxis2=dict(overlaying="y", side="right", showgrid=False))
    fig = style.finish(fig, title, caption, x_title="Date", y_title="Claimed area (km², cumulative)", legend_title="")
    fig.update_yaxes(tickformat=",.0f", rangemode="tozero")
    if has_reference:
        # finish() titles every y axis alike; the reference axis says what it measures.
        fig.update_layout(yaxis2=dict(title=dict(text=f"{reference_name} (km²)")))
    fig.update_layout(legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom"))
    return fig


def claims_behind(wanted: list[dict], claims: pd.DataFrame) -> pd.DataFrame:
    """The claims behind clicked points: each criterion matches on party, claim, place and date."""
    keep = pd.Series(False, index=claims.index)
    for item in wanted:
        match = pd.Series(True, index=claims.index)
        for key in ("party", "claim", "place", "date"):
            if key in item:
                match &= claims[key].fillna("") == item[key]
        keep |= match.fillna(False)
    return claims[keep]
