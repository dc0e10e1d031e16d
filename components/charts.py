"""Chart builders: contract tables in, plotly Figures out. No Streamlit here, so a figure is built once
and then shown, exported or tested alike.

Every figure names in `layout.meta["keys"]` what its points' customdata hold (party, target, period…),
so the evidence panel can find the statements behind any clicked cell, bar or point.
"""
from __future__ import annotations

import html
import textwrap

import pandas as pd
import plotly.graph_objects as go

from analysis.tables import article_field
from components.style import (
    Caption, empty_figure, finish, label_color, party_color,
)

STANCE_SCALE = [[0.0, label_color("against")], [0.5, "#F7F7F7"], [1.0, label_color("favor")]]
TOP_SPEAKERS = 15
MATRIX_PARTIES = 12  # rows that stay readable on a 16:9 slide


def wrap_label(text: str, width: int = 16) -> str:
    """A long category name on several lines, so axis labels stay level and readable on a slide."""
    # Names come from articles; plotly renders tags in labels, so escape them.
    return "<br>".join(textwrap.wrap(html.escape(str(text)), width)) or html.escape(str(text))


def _meta(fig: go.Figure, chart: str, keys: list[str], **extra) -> go.Figure:
    fig.update_layout(meta=dict(chart=chart, keys=keys, **extra))
    return fig


def _with_party(frame: pd.DataFrame, statements: pd.DataFrame, columns=("party",)) -> pd.DataFrame:
    cols = ["statement_id", *columns]
    joined = frame.merge(statements[cols], on="statement_id", how="inner")
    return joined


# -- stance -----------------------------------------------------------------------------------
def stance_table(stances: pd.DataFrame, statements: pd.DataFrame) -> pd.DataFrame:
    """Per party and target: statements counted, and favor/against shares weighted by model confidence.

    A confident "favor" counts more than a hesitant one: share = sum of scores with that label over the
    sum of all scores in the cell.
    """
    cols = ["party", "target", "statements", "favor", "against", "none", "favor_share", "against_share", "net"]
    joined = _with_party(stances, statements)
    if joined.empty:
        return pd.DataFrame(columns=cols)
    joined["weight"] = joined["score"].astype("float64").fillna(0.0)
    weights = joined.pivot_table(index=["party", "target"], columns="label", values="weight",
                                 aggfunc="sum", fill_value=0.0)
    for label in ("favor", "against", "none"):
        if label not in weights:
            weights[label] = 0.0
    total = weights[["favor", "against", "none"]].sum(axis=1).replace(0.0, float("nan"))
    table = pd.DataFrame({
        "statements": joined.groupby(["party", "target"])["statement_id"].nunique(),
        "favor": (joined["label"] == "favor").groupby([joined["party"], joined["target"]]).sum(),
        "against": (joined["label"] == "against").groupby([joined["party"], joined["target"]]).sum(),
        "none": (joined["label"] == "none").groupby([joined["party"], joined["target"]]).sum(),
        "favor_share": (weights["favor"] / total).fillna(0.0),
        "against_share": (weights["against"] / total).fillna(0.0),
    }).reset_index()
    table["net"] = table["favor_share"] - table["against_share"]
    return table[cols].sort_values(["party", "target"]).reset_index(drop=True)


def stance_matrix(stances: pd.DataFrame, statements: pd.DataFrame, caption: Caption | None = None) -> go.Figure:
    """Party × target heatmap of net stance (favor share − against share), each cell labelled with both
    shares and its statement count."""
    title = "Stance by party and target"
    table = stance_table(stances, statements)
    if table.empty:
        return _meta(empty_figure(title, caption), "stance_matrix", ["party", "target"])
    volume = table.groupby("party")["statements"].max().sort_values(ascending=False)
    if len(volume) > MATRIX_PARTIES:
        title += f" (the {MATRIX_PARTIES} most quoted of {len(volume)} parties)"
        table = table[table["party"].isin(volume.index[:MATRIX_PARTIES])]
    parties = sorted(table["party"].unique())
    targets = sorted(table["target"].unique())
    grid = table.set_index(["party", "target"])
    z, text, custom = [], [], []
    for party in parties:
        z_row, text_row, custom_row = [], [], []
        for target in targets:
            if (party, target) in grid.index:
                cell = grid.loc[(party, target)]
                z_row.append(float(cell["net"]))
                text_row.append(f"{cell['favor_share']:.0%} favor<br>{cell['against_share']:.0%} against"
                                f"<br>n={int(cell['statements'])}")
                custom_row.append([party, target, int(cell["statements"]),
                                   float(cell["favor_share"]), float(cell["against_share"])])
            else:
                z_row.append(None)
                text_row.append("")
                custom_row.append([party, target, 0, 0.0, 0.0])
        z.append(z_row)
        text.append(text_row)
        custom.append(custom_row)
    labels = {t: wrap_label(t) for t in targets}
    fig = go.Figure(go.Heatmap(
        z=z, x=[labels[t] for t in targets], y=parties, text=text, texttemplate="%{text}",
        textfont=dict(size=14 if len(targets) <= 4 else 12),
        customdata=custom, colorscale=STANCE_SCALE, zmin=-1, zmax=1, xgap=3, ygap=3,
        colorbar=dict(title=dict(text="Net stance"), tickvals=[-1, 0, 1],
                      ticktext=["against", "balanced", "favor"]),
        hoverinfo="skip",
    ))
    # Heatmaps cannot be selected in the browser; invisible markers on the filled cells take the hover and
    # the click instead, so a click on a cell selects it.
    filled = table[["party", "target", "statements", "favor_share", "against_share"]]
    fig.add_trace(go.Scatter(
        x=filled["target"].map(labels), y=filled["party"], mode="markers",
        marker=dict(size=44, symbol="square", opacity=0, color="#000000"),
        customdata=filled.values.tolist(), showlegend=False, name="cells",
        hovertemplate=("<b>%{customdata[0]}</b> on <b>%{customdata[1]}</b><br>%{customdata[3]:.0%} favor, "
                       "%{customdata[4]:.0%} against<br>%{customdata[2]} statement(s)<extra></extra>"),
    ))
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(type="category", side="bottom", tickangle=0)
    finish(fig, title, caption, x_title="Stance target", y_title="Party",
           x_label_lines=max(label.count("<br>") + 1 for label in labels.values()))
    return _meta(fig, "stance_matrix", ["party", "target"])


TREND_COLUMNS = ["party", "period", "statements", "net"]


def stance_trend(
    stances: pd.DataFrame, statements: pd.DataFrame, articles: pd.DataFrame, target: str | None,
    party: str | None = None,
) -> tuple[pd.DataFrame, str | None, int]:
    """Net stance toward one target per party and period (the numbers behind stance_over_time), the period
    length, and how many statements had no date."""
    if not target:
        return pd.DataFrame(columns=TREND_COLUMNS), None, 0
    scoped = _with_party(stances[stances["target"] == target], statements, ("party", "article_id"))
    if party:
        scoped = scoped[scoped["party"] == party]
    joined, undated = _dated(scoped, articles)
    if joined.empty:
        return pd.DataFrame(columns=TREND_COLUMNS), None, undated
    freq = period_for(joined["when"])
    joined["period"] = joined["when"].dt.to_period(freq).dt.start_time
    joined["weight"] = joined["score"].astype("float64").fillna(0.0)
    joined["signed"] = joined["weight"] * joined["label"].map({"favor": 1.0, "against": -1.0}).fillna(0.0)
    grouped = joined.groupby(["party", "period"]).agg(
        signed=("signed", "sum"), weight=("weight", "sum"), statements=("statement_id", "nunique")).reset_index()
    grouped["net"] = (grouped["signed"] / grouped["weight"].where(grouped["weight"] > 0)).fillna(0.0)
    return grouped[TREND_COLUMNS], freq, undated


def stance_over_time(
    stances: pd.DataFrame, statements: pd.DataFrame, articles: pd.DataFrame, target: str | None,
    caption: Caption | None = None, party: str | None = None,
) -> go.Figure:
    """Net stance toward one target per period, one line per party: does a position shift?"""
    title = f"Stance toward {target or '…'} over time" + (f": {party}" if party else "")
    keys = ["party", "period", "target"]
    if not target:
        return _meta(empty_figure(title, caption, "Choose a stance target"), "stance_over_time", keys)
    grouped, freq, undated = stance_trend(stances, statements, articles, target, party)
    if grouped.empty:
        return _meta(empty_figure(title, caption), "stance_over_time", keys)
    fig = go.Figure()
    for name, rows in grouped.groupby("party", sort=True):
        fig.add_trace(go.Scatter(
            x=rows["period"], y=rows["net"], mode="lines+markers", name=name,
            line=dict(color=party_color(name), width=3),
            marker=dict(size=(rows["statements"].clip(upper=20) * 1.5 + 8).tolist(), color=party_color(name)),
            customdata=[[name, p.date().isoformat(), target, int(n)] for p, n in zip(rows["period"], rows["statements"])],
            hovertemplate="<b>%{customdata[0]}</b> %{x|%Y-%m-%d}<br>net stance %{y:+.2f}"
                          "<br>%{customdata[3]} statement(s)<extra></extra>",
        ))
    fig.update_yaxes(range=[-1.05, 1.05], zeroline=True, zerolinecolor="#888888",
                     tickvals=[-1, -0.5, 0, 0.5, 1], ticktext=["against", "", "balanced", "", "favor"])
    finish(fig, title, caption, x_title=_period_label(freq), y_title="Net stance (confidence-weighted)",
           legend_title="Party")
    return _meta(_note_undated(fig, undated), "stance_over_time", keys, freq=freq, undated=undated)


# -- sentiment --------------------------------------------------------------------------------
def sentiment_table(sentiments: pd.DataFrame, statements: pd.DataFrame, by: str = "party") -> pd.DataFrame:
    """Per party (or speaker): statements, label shares and net tone (mean of +score positive, −score negative)."""
    cols = [by, "party", "statements", "negative", "neutral", "positive", "net"] if by != "party" else \
        ["party", "statements", "negative", "neutral", "positive", "net"]
    joined = _with_party(sentiments, statements, tuple(dict.fromkeys(("party", by))))
    if by != "party":
        joined = joined[joined[by].fillna("").str.strip() != ""]
    if joined.empty:
        return pd.DataFrame(columns=cols)
    joined["signed"] = joined["score"].astype("float64").fillna(0.0) * joined["label"].map(
        {"positive": 1.0, "negative": -1.0}).fillna(0.0)
    groups = [by] if by == "party" else [by, "party"]
    shares = pd.crosstab([joined[g] for g in groups], joined["label"], normalize="index")
    for label in ("negative", "neutral", "positive"):
        if label not in shares:
            shares[label] = 0.0
    table = joined.groupby(groups).agg(statements=("statement_id", "nunique"), net=("signed", "mean"))
    table = table.join(shares[["negative", "neutral", "positive"]]).reset_index()
    if by != "party":
        # A speaker quoted for several parties (a correction, a defection) is charted under the most frequent one.
        table = table.sort_values("statements", ascending=False).drop_duplicates(by)
    return table[cols].sort_values(["statements", by], ascending=[False, True]).reset_index(drop=True)


def sentiment_by_party(sentiments: pd.DataFrame, statements: pd.DataFrame, caption: Caption | None = None) -> go.Figure:
    title = "Tone of statements by party"
    table = sentiment_table(sentiments, statements, "party")
    if table.empty:
        return _meta(empty_figure(title, caption), "sentiment_by_party", ["party"])
    return _meta(_net_bars(table, "party", title, caption, "Party"), "sentiment_by_party", ["party"])


def sentiment_by_speaker(
    sentiments: pd.DataFrame, statements: pd.DataFrame, caption: Caption | None = None, top: int = TOP_SPEAKERS,
) -> go.Figure:
    title = f"Tone of statements by speaker (top {top} by statements)"
    table = sentiment_table(sentiments, statements, "speaker").head(top)
    if table.empty:
        return _meta(empty_figure(title, caption), "sentiment_by_speaker", ["speaker"])
    return _meta(_net_bars(table, "speaker", title, caption, "Speaker"), "sentiment_by_speaker", ["speaker"])


def _net_bars(table: pd.DataFrame, by: str, title: str, caption: Caption | None, label: str) -> go.Figure:
    table = table.sort_values("net")
    colours = [party_color(p) for p in table["party"]]
    fig = go.Figure(go.Bar(
        x=table["net"], y=table[by], orientation="h", marker=dict(color=colours),
        text=[f"n={n}" for n in table["statements"]], textposition="outside", cliponaxis=False,
        customdata=table[[by, "party", "statements", "negative", "neutral", "positive"]].values.tolist(),
        hovertemplate=("<b>%{y}</b> (%{customdata[1]})<br>net tone %{x:+.2f}<br>%{customdata[3]:.0%} negative, "
                       "%{customdata[4]:.0%} neutral, %{customdata[5]:.0%} positive<br>"
                       "%{customdata[2]} statement(s)<extra></extra>"),
        showlegend=False,
    ))
    if by != "party":
        # The bars are coloured by party; one invisible entry per party explains the colours.
        for party in sorted(table["party"].unique()):
            fig.add_trace(go.Bar(x=[None], y=[None], name=party, marker=dict(color=party_color(party)),
                                 showlegend=True, hoverinfo="skip"))
    fig.update_xaxes(range=[-1.15, 1.15], zeroline=True, zerolinecolor="#888888", zerolinewidth=2,
                     tickvals=[-1, -0.5, 0, 0.5, 1], ticktext=["negative", "", "neutral", "", "positive"])
    fig.update_yaxes(type="category")
    fig.update_layout(barmode="overlay")
    return finish(fig, title, caption, x_title="Net tone (confidence-weighted)", y_title=label,
                  legend_title="Party" if by != "party" else None)


# -- volume -----------------------------------------------------------------------------------
def statements_over_time(statements: pd.DataFrame, articles: pd.DataFrame, caption: Caption | None = None) -> go.Figure:
    """Statements per period, one line per party (by the publication date of their article)."""
    title = "Statements over time by party"
    keys = ["party", "period"]
    joined, undated = _dated(statements, articles)
    if joined.empty:
        message = "No dated articles for these filters" if len(statements) else None
        fig = empty_figure(title, caption, message) if message else empty_figure(title, caption)
        return _meta(fig, "statements_over_time", keys)
    freq = period_for(joined["when"])
    joined["period"] = joined["when"].dt.to_period(freq).dt.start_time
    counts = joined.groupby(["party", "period"])["statement_id"].nunique().rename("n").reset_index()
    fig = go.Figure()
    for name, rows in counts.groupby("party", sort=True):
        # Periods without statements are zeros, not gaps: silence is information too.
        full = pd.period_range(counts["period"].min(), counts["period"].max(), freq=freq).start_time
        rows = rows.set_index("period")["n"].reindex(full, fill_value=0)
        fig.add_trace(go.Scatter(
            x=rows.index, y=rows.values, mode="lines+markers", name=name,
            line=dict(color=party_color(name), width=3), marker=dict(size=8),
            customdata=[[name, p.date().isoformat()] for p in rows.index],
            hovertemplate="<b>%{customdata[0]}</b> %{x|%Y-%m-%d}: %{y} statement(s)<extra></extra>",
        ))
    fig.update_yaxes(rangemode="tozero")
    finish(fig, title, caption, x_title=_period_label(freq), y_title="Statements", legend_title="Party")
    return _meta(_note_undated(fig, undated), "statements_over_time", keys, freq=freq, undated=undated)


def volume_table(statements: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Statements per publication date and party (the numbers behind statements_over_time)."""
    published = article_field(statements, articles, "published")
    return (statements.assign(published=published.fillna("undated").replace("", "undated"))
            .groupby(["published", "party"]).size().rename("statements").reset_index())


# -- dates ------------------------------------------------------------------------------------
def _dated(frame: pd.DataFrame, articles: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The rows whose article has a publication date (with it as `when`), and how many had none."""
    when = pd.to_datetime(article_field(frame, articles, "published"), errors="coerce")
    out = frame.assign(when=when)
    return out[out["when"].notna()].copy(), int(when.isna().sum())


def _note_undated(fig: go.Figure, undated: int) -> go.Figure:
    # Said on the chart itself, so a pasted image does not pass for the whole corpus.
    if undated:
        fig.add_annotation(text=f"{undated} undated statement(s) not shown", xref="paper", yref="paper",
                           x=1, y=1.02, xanchor="right", yanchor="bottom", showarrow=False,
                           font=dict(size=12, color="#555555"))
    return fig


def period_for(when: pd.Series) -> str:
    """Days for a month of news, weeks up to two years, months beyond: a readable number of points."""
    span = (when.max() - when.min()).days if len(when) else 0
    if span <= 45:
        return "D"
    if span <= 730:
        return "W-SUN"
    return "M"


def period_end(start: pd.Timestamp, freq: str) -> pd.Timestamp:
    return pd.Period(start, freq=freq).end_time


def _period_label(freq: str) -> str:
    return {"D": "Day", "W-SUN": "Week (starting Monday)", "M": "Month"}.get(freq, "Period")


# -- everything at once (the Export page) -----------------------------------------------------
def positions_figures(
    tables: dict[str, pd.DataFrame], statements: pd.DataFrame, stances: pd.DataFrame,
    sentiments: pd.DataFrame, caption: Caption | None = None,
) -> dict[str, tuple[go.Figure, pd.DataFrame]]:
    """Every Positions chart for these (already filtered) rows, with the table behind each, by file name."""
    articles = tables["articles"]
    out = {
        "stance by party and target": (stance_matrix(stances, statements, caption), stance_table(stances, statements)),
        "tone by party": (sentiment_by_party(sentiments, statements, caption),
                          sentiment_table(sentiments, statements, "party")),
        "tone by speaker": (sentiment_by_speaker(sentiments, statements, caption),
                            sentiment_table(sentiments, statements, "speaker")),
        "statements over time": (statements_over_time(statements, articles, caption),
                                 volume_table(statements, articles)),
    }
    for target in sorted(set(stances["target"].dropna())):
        out[f"stance toward {target} over time"] = (
            stance_over_time(stances, statements, articles, target, caption),
            stance_trend(stances, statements, articles, target)[0])
    return out
