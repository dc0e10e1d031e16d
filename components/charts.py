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
from plotly.subplots import make_subplots

from analysis.parties import UNKNOWN
from analysis.tables import article_field
from components import style
from components.style import (
    Caption, empty_figure, finish, label_color, party_color,
)

STANCE_SCALE = [[0.0, label_color("against")], [0.5, "#F7F7F7"], [1.0, label_color("favor")]]
TOP_SPEAKERS = 15


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


# The row the rare parties fold into. Not "Other parties": the party "Other" (states, outlets and bodies
# not listed in config/parties.yaml) has a row of its own, and a reader would take one for the other.
OTHERS = "less quoted parties"


def party_order(statements: pd.DataFrame) -> list[str]:
    """Parties by statement count, most quoted first; Unknown last, because it is not a party."""
    counts = statements.groupby("party")["statement_id"].nunique()
    ranked = sorted(counts.index, key=lambda p: (p == UNKNOWN, -counts[p], str(p)))
    return [str(p) for p in ranked]


def fold_parties(statements: pd.DataFrame, top: int | None) -> tuple[pd.DataFrame, list[str], list[str]]:
    """The statements with every party after the `top` most quoted relabelled as one "k less
    quoted parties" row; the rows' order; and the parties folded into it."""
    order = party_order(statements)
    named = [p for p in order if p != UNKNOWN]
    if top is None or len(named) <= top + 1:  # folding a single party into "others" hides it for nothing
        return statements, order, []
    kept, folded = named[:top], named[top:]
    label = folded_label(len(folded))
    relabelled = statements.assign(party=statements["party"].where(~statements["party"].isin(folded), label))
    return relabelled, kept + [label] + ([UNKNOWN] if UNKNOWN in order else []), folded


def folded_label(count: int) -> str:
    return f"{count} {OTHERS}"


def net_text(net: float) -> str:
    """Net stance as signed points out of 100 ("+42", "−7"), the one number a cell shows."""
    points = round(net * 100)
    return "0" if points == 0 else f"{points:+d}".replace("-", "−")


def stance_matrix(
    stances: pd.DataFrame, statements: pd.DataFrame, caption: Caption | None = None,
    top: int | None = -1, min_n: int | None = None,
) -> go.Figure:
    """Party × target grid of net stance (favor share − against share), one number per cell.

    Parties run from most to least quoted; after the `top` most quoted (config `matrix_parties`; None shows
    all) the rest fold into one "k less quoted parties" row. A cell's strength grows with its number of statements;
    below `min_n` it is grey with its number in grey, because a share of two statements says little."""
    title = "Stance by party and target"
    keys = ["party", "target"]
    top = style.readability("matrix_parties") if top == -1 else top
    min_n = min_n or style.readability("matrix_min_n")
    full_n = max(style.readability("matrix_full_n"), min_n)
    scored = statements[statements["statement_id"].isin(stances["statement_id"])]
    folded_statements, parties, folded = fold_parties(scored, top)
    table = stance_table(stances, folded_statements)
    if table.empty:
        return _meta(empty_figure(title, caption), "stance_matrix", keys)
    targets = sorted(table["target"].unique())
    labels = {t: wrap_label(t, 13) for t in targets}
    row = {p: i for i, p in enumerate(parties)}
    col = {t: i for i, t in enumerate(targets)}
    table = table[table["party"].isin(row)]
    fig = go.Figure()
    shapes, texts, inks, custom, xs, ys = [], [], [], [], [], []
    for cell in table.itertuples():
        n, net = int(cell.statements), float(cell.net)
        text = net_text(net)
        if n < min_n:
            # Greyed, number in grey: still there for a small corpus, but not to be read as a position.
            fill, alpha, ink = "#E4E4E4", 1.0, "#8A8A8A"
        else:
            fill = style.scale_color(STANCE_SCALE, (net + 1) / 2)
            alpha = 0.35 + 0.65 * min(1.0, ((n - min_n) / max(full_n - min_n, 1)) ** 0.5)
            ink = style.ink_on(fill, alpha)
        x, y = col[cell.target], row[cell.party]
        shapes.append(dict(type="rect", x0=x - 0.48, x1=x + 0.48, y0=y - 0.46, y1=y + 0.46, layer="below",
                           line=dict(width=0), fillcolor=style.rgba(fill, alpha)))
        xs.append(labels[cell.target])
        ys.append(cell.party)
        texts.append(text)
        inks.append(ink)
        custom.append([cell.party, cell.target, n, float(cell.favor_share), float(cell.against_share), net])
    rows_text = ("<b>%{customdata[0]}</b> on <b>%{customdata[1]}</b><br>net stance %{customdata[5]:+.2f}: "
                 "%{customdata[3]:.0%} favor, %{customdata[4]:.0%} against<br>%{customdata[2]} statement(s)")
    # Invisible square markers carry the numbers, the hover and the click (shapes cannot be clicked).
    fig.add_trace(go.Scatter(
        x=xs, y=ys, mode="markers+text", text=texts, textposition="middle center",
        textfont=dict(size=15 if len(parties) <= 12 else 13, color=inks),
        marker=dict(size=40, symbol="square", opacity=0, color="#000000"),
        customdata=custom, showlegend=False, name="cells",
        hovertemplate=rows_text + "<extra></extra>",
    ))
    # The colour scale, drawn by a point-less trace so that the cells stay plain shapes.
    fig.add_trace(go.Scatter(
        x=[None], y=[None], mode="markers", showlegend=False, hoverinfo="skip", name="scale",
        marker=dict(color=[0], cmin=-1, cmax=1, colorscale=STANCE_SCALE, showscale=True,
                    colorbar=dict(title=dict(text="Net stance"), tickvals=[-1, 0, 1], thickness=14, len=0.8,
                                  ticktext=["−100 against", "0", "+100 favor"])),
    ))
    fig.update_layout(shapes=shapes)
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=parties, autorange="reversed",
                     showgrid=False, range=[len(parties) - 0.5, -0.5])
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=[labels[t] for t in targets],
                     side="bottom", tickangle=0, showgrid=False, range=[-0.5, len(targets) - 0.5])
    shown = f" (the {len(parties) - 1 - (UNKNOWN in parties)} most quoted parties, the other {len(folded)} folded)" \
        if folded else ""
    finish(fig, title + shown, caption, x_title="Stance target", y_title=None,
           x_label_lines=max(label.count("<br>") + 1 for label in labels.values()))
    _subtitle(fig, f"Number: % favor \u2212 % against, confidence-weighted. Paler: fewer statements; grey: "
                   f"under {min_n}, too few to read as a position.")
    # On a page, enough height for every row to hold its number; an export is always slide-sized.
    fig.update_layout(margin=dict(l=150), height=max(560, 300 + 30 * len(parties)))
    # The folded row stands for its parties: a click on it finds their statements (components/evidence.py).
    groups = {folded_label(len(folded)): folded} if folded else {}
    return _meta(fig, "stance_matrix", keys, folded=folded, groups=groups, min_n=min_n)


TREND_COLUMNS = ["party", "period", "statements", "net", "low", "high"]


def _interval(group: pd.DataFrame) -> pd.Series:
    """Confidence-weighted net stance of a period and its 95 % interval (normal approximation of a
    weighted mean of +1 favor, −1 against, 0 none)."""
    weight = group["weight"].to_numpy(dtype="float64")
    value = group["value"].to_numpy(dtype="float64")
    total = weight.sum()
    if total <= 0:
        return pd.Series({"net": 0.0, "low": -1.0, "high": 1.0})
    net = float((weight * value).sum() / total)
    spread = float(((weight * (value - net)) ** 2).sum() ** 0.5 / total)
    # One statement has no spread of its own: its interval is the whole scale, not a false certainty.
    half = 1.96 * spread if len(group) > 1 else 2.0
    return pd.Series({"net": net, "low": max(net - half, -1.0), "high": min(net + half, 1.0)})


def stance_trend(
    stances: pd.DataFrame, statements: pd.DataFrame, articles: pd.DataFrame, target: str | None,
    party: str | None = None,
) -> tuple[pd.DataFrame, str | None, int]:
    """Net stance toward one target per party and period with its 95 % interval (the numbers behind
    stance_over_time), the period length, and how many statements had no date."""
    if not target:
        return pd.DataFrame(columns=TREND_COLUMNS), None, 0
    scoped = _with_party(stances[stances["target"] == target], statements, ("party", "article_id"))
    if party:
        scoped = scoped[scoped["party"] == party]
    joined, undated = _dated(scoped, articles)
    if joined.empty:
        return pd.DataFrame(columns=TREND_COLUMNS), None, undated
    freq = period_for(joined["when"], joined["party"], style.readability("trend_min_n"))
    joined["period"] = joined["when"].dt.to_period(freq).dt.start_time
    joined["weight"] = joined["score"].astype("float64").fillna(0.0)
    joined["value"] = joined["label"].map({"favor": 1.0, "against": -1.0}).fillna(0.0)
    grouped = joined.groupby(["party", "period"])
    table = grouped[["weight", "value"]].apply(_interval).reset_index()
    table["statements"] = grouped["statement_id"].nunique().values
    return table[TREND_COLUMNS], freq, undated


def _grid(count: int) -> tuple[int, int]:
    cols = 1 if count == 1 else 2 if count <= 4 else 3 if count <= 9 else 4
    return -(-count // cols), cols


def _panels(parties: list[str], title_size: int = 14, shared_y: bool = True):
    """A grid of small multiples, one per party, sharing the time axis (and the value axis if `shared_y`)."""
    rows, cols = _grid(len(parties))
    # One time axis for every panel ("all"; True would share it only down each column), so a dot in one
    # panel is at the same date as a dot above or beside it.
    fig = make_subplots(rows=rows, cols=cols, shared_xaxes="all", shared_yaxes=shared_y,
                        subplot_titles=[html.escape(p) for p in parties],
                        horizontal_spacing=0.04, vertical_spacing=0.16 if rows > 1 else 0.1)
    fig.update_annotations(font=dict(size=title_size))
    cells = [(i // cols + 1, i % cols + 1) for i in range(len(parties))]
    for col in range(1, cols + 1):  # dates under the lowest panel of each column, also when the grid is not full
        lowest = max(row for row, c in cells if c == col)
        fig.update_xaxes(showticklabels=True, row=lowest, col=col)
        for row in range(lowest + 1, rows + 1):  # an empty cell draws no axes
            fig.update_xaxes(visible=False, row=row, col=col)
            fig.update_yaxes(visible=False, row=row, col=col)
    return fig, cells


def _panel_parties(frame: pd.DataFrame, party: str | None) -> tuple[list[str], int]:
    """The parties that get a panel (most statements first) and how many were left out."""
    counts = frame.groupby("party")["statements"].sum()
    ranked = sorted(counts.index, key=lambda p: (p == UNKNOWN, -counts[p], str(p)))
    if party:
        return [p for p in ranked if p == party], 0
    limit = style.readability("panels")
    return ranked[:limit], max(len(ranked) - limit, 0)


def stance_over_time(
    stances: pd.DataFrame, statements: pd.DataFrame, articles: pd.DataFrame, target: str | None,
    caption: Caption | None = None, party: str | None = None,
) -> go.Figure:
    """Net stance toward one target per period, one small panel per party with its 95 % band: does a
    position shift? Periods with fewer than `trend_min_n` statements are faint dots, off the line."""
    title = f"Stance toward {target or '…'} over time" + (f": {party}" if party else "")
    keys = ["party", "period", "target"]
    if not target:
        return _meta(empty_figure(title, caption, "Choose a stance target"), "stance_over_time", keys)
    grouped, freq, undated = stance_trend(stances, statements, articles, target, party)
    if grouped.empty:
        return _meta(empty_figure(title, caption), "stance_over_time", keys)
    min_n = style.readability("trend_min_n")
    parties, left_out = _panel_parties(grouped, party)
    fig, cells = _panels(parties)
    for name, (r, c) in zip(parties, cells):
        rows = grouped[grouped["party"] == name].sort_values("period")
        solid, faint = rows[rows["statements"] >= min_n], rows[rows["statements"] < min_n]
        colour = party_color(name)
        runs = _runs(solid["period"], freq)
        for run in runs:
            part = solid[solid["period"].isin(run)]
            # A band where the line runs; a lone point gets its interval as a bar, not a band to nowhere.
            if len(part) > 1:
                x, y = list(part["period"]) + list(part["period"])[::-1], list(part["high"]) + list(part["low"])[::-1]
            else:
                x, y = [part["period"].iat[0]] * 2, [part["low"].iat[0], part["high"].iat[0]]
            fig.add_trace(go.Scatter(
                x=x, y=y, fill="toself" if len(part) > 1 else None, mode="lines",
                line=dict(width=0 if len(part) > 1 else 6, color=style.rgba(colour, 0.25)),
                fillcolor=style.rgba(colour, 0.18), hoverinfo="skip", showlegend=False,
                name=f"{name}: 95% interval", legendgroup=name,
            ), row=r, col=c)
        if len(solid):
            # A gap of a period or more breaks the line: a line across it would invent the months between.
            x, y, custom = [], [], []
            for run in runs:
                part = solid[solid["period"].isin(run)]
                x += list(part["period"]) + [None]
                y += list(part["net"]) + [None]
                custom += [[name, p.date().isoformat(), target, int(n)]
                           for p, n in zip(part["period"], part["statements"])] + [[name, "", target, 0]]
            fig.add_trace(_trend_points(name, x[:-1], y[:-1], custom[:-1], colour, False, freq), row=r, col=c)
        if len(faint):
            custom = [[name, p.date().isoformat(), target, int(n)] for p, n in zip(faint["period"], faint["statements"])]
            fig.add_trace(_trend_points(f"{name}: under {min_n} statements", list(faint["period"]),
                                        list(faint["net"]), custom, colour, True, freq), row=r, col=c)
    fig.update_yaxes(range=[-1.1, 1.1], zeroline=True, zerolinecolor="#888888", tickvals=[-1, 0, 1],
                     ticktext=["against", "0", "favor"], tickfont=dict(size=12))
    fig.update_xaxes(tickfont=dict(size=12))
    _one_period_span(fig, grouped["period"], freq)
    finish(fig, title, caption)
    note = f"Line: net stance per {_period_label(freq).split(' ')[0].lower()} (% favor − % against); " \
           f"band: 95% interval; hollow dots: under {min_n} statements."
    if left_out:
        note += f" {left_out} less quoted part{'y' if left_out == 1 else 'ies'} not shown: pick one under Party."
    _subtitle(fig, note + _undated_text(undated), panels=True)
    _panel_height(fig, len(parties))
    return _meta(fig, "stance_over_time", keys, freq=freq, undated=undated)


def _one_period_span(fig: go.Figure, periods: pd.Series, freq: str) -> None:
    """With every point in one period, plotly zooms the time axis to a millisecond around it (ticks such as
    "23:59:59.9995"): show the period before and after it instead."""
    distinct = pd.Series(periods).dropna().unique()
    if len(distinct) == 1:
        period = pd.Period(pd.Timestamp(distinct[0]), freq=freq)
        fig.update_xaxes(range=[(period - 1).start_time, (period + 1).start_time])


def _runs(periods: pd.Series, freq: str | None) -> list[list[pd.Timestamp]]:
    """Consecutive periods grouped into runs (a missing period starts a new run)."""
    runs: list[list[pd.Timestamp]] = []
    previous = None
    for period in sorted(periods):
        following = None if previous is None else (pd.Period(previous, freq=freq) + 1).start_time
        if previous is None or period != following:
            runs.append([])
        runs[-1].append(period)
        previous = period
    return runs


def _trend_points(name: str, x: list, y: list, custom: list, colour: str, faded: bool, freq: str | None) -> go.Scatter:
    return go.Scatter(
        x=x, y=y, mode="markers" if faded else "lines+markers", name=name, legendgroup=name.split(":")[0],
        showlegend=False, line=dict(color=colour, width=2.5), connectgaps=False,
        marker=dict(size=6 if faded else 7, color="#FFFFFF" if faded else colour, line=dict(color=colour, width=1.5)),
        opacity=0.6 if faded else 1.0, customdata=custom,
        hovertemplate="<b>%{customdata[0]}</b>, " + _period_hover(freq) + "<br>net stance %{y:+.2f}"
                      "<br>%{customdata[3]} statement(s)<extra></extra>",
    )


def _subtitle(fig: go.Figure, text: str, width: int = 105, panels: bool = False) -> None:
    """Lines under the title saying how to read the chart (wrapped: plotly does not wrap); the top margin grows
    to hold them above the plot, and above the panels' own titles when there are `panels`."""
    lines = textwrap.wrap(text, width)
    fig.update_layout(title=dict(subtitle=dict(text="<br>".join(lines), font=dict(size=14, color="#555555")),
                                 y=0.98, yanchor="top", yref="container"),
                      margin=dict(t=66 + 20 * len(lines) + (16 if panels else 0)))


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
    # Bars resting on few statements go to the bottom, faint: one sharp quote must not top the chart.
    min_n = style.readability("matrix_min_n")
    table = table.assign(_thin=table["statements"] < min_n).sort_values(["_thin", "net"], ascending=[False, True])
    colours = [party_color(p) for p in table["party"]]
    fig = go.Figure(go.Bar(
        x=table["net"], y=table[by], orientation="h",
        marker=dict(color=colours, opacity=[0.3 if thin else 1.0 for thin in table["_thin"]]),
        text=[f"n={n:,}" for n in table["statements"]], textposition="outside", cliponaxis=False,
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
    finish(fig, title, caption, x_title="Net tone (confidence-weighted)", y_title=label,
           legend_title="Party" if by != "party" else None)
    if table["_thin"].any():
        _subtitle(fig, f"Faint bars, at the bottom: fewer than {min_n} statements.")
    return fig


# -- volume -----------------------------------------------------------------------------------
def statements_over_time(statements: pd.DataFrame, articles: pd.DataFrame, caption: Caption | None = None) -> go.Figure:
    """Statements per period, one small panel per party (by the publication date of their article)."""
    title = "Statements over time by party"
    keys = ["party", "period"]
    joined, undated = _dated(statements, articles)
    if joined.empty:
        message = "No dated articles for these filters" if len(statements) else None
        fig = empty_figure(title, caption, message) if message else empty_figure(title, caption)
        return _meta(fig, "statements_over_time", keys)
    freq = period_for(joined["when"])
    joined["period"] = joined["when"].dt.to_period(freq).dt.start_time
    counts = joined.groupby(["party", "period"])["statement_id"].nunique().rename("statements").reset_index()
    parties, left_out = _panel_parties(counts, None)
    # Each panel on its own scale: the shape of a party's attention matters here, the totals are on the Overview.
    fig, cells = _panels(parties, shared_y=False)
    full = pd.period_range(counts["period"].min(), counts["period"].max(), freq=freq).start_time
    for name, (r, c) in zip(parties, cells):
        # Periods without statements are zeros, not gaps: silence is information too.
        rows = counts[counts["party"] == name].set_index("period")["statements"].reindex(full, fill_value=0)
        fig.add_trace(go.Bar(
            x=rows.index, y=rows.values, name=name, marker=dict(color=party_color(name)), showlegend=False,
            customdata=[[name, p.date().isoformat()] for p in rows.index],
            hovertemplate="<b>%{customdata[0]}</b>, " + _period_hover(freq) + ": %{y} statement(s)<extra></extra>",
        ), row=r, col=c)
    fig.update_yaxes(rangemode="tozero", tickfont=dict(size=12), nticks=4)
    fig.update_xaxes(tickfont=dict(size=12))
    fig.update_layout(bargap=0.15)
    _one_period_span(fig, counts["period"], freq)
    finish(fig, title, caption)
    note = (f"Statements per {_period_label(freq).split(' ')[0].lower()}, by the article's publication date; "
            "each panel on its own scale.")
    if left_out:
        note += f" {left_out} less quoted part{'y' if left_out == 1 else 'ies'} not shown."
    _subtitle(fig, note + _undated_text(undated), panels=True)
    _panel_height(fig, len(parties))
    return _meta(fig, "statements_over_time", keys, freq=freq, undated=undated)


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


def _undated_text(undated: int) -> str:
    # Said on the chart itself, so a pasted image does not pass for the whole corpus.
    return f" {undated} undated statement(s) not shown." if undated else ""


def _panel_height(fig: go.Figure, panels: int) -> None:
    """On a page, about 150 px per row of panels; an export is always slide-sized."""
    fig.update_layout(height=max(480, 260 + 150 * _grid(panels)[0]))


PERIODS = ("D", "W-SUN", "M", "Q")


def period_for(when: pd.Series, groups: pd.Series | None = None, min_n: int = 1) -> str:
    """Days for a month of news, weeks up to two years, months beyond; then coarser still while the typical
    period of a group (a party) holds fewer than `min_n` statements, so a point stands on a few of them."""
    span = (when.max() - when.min()).days if len(when) else 0
    freq = "D" if span <= 45 else "W-SUN" if span <= 730 else "M"
    if groups is None or min_n <= 1:
        return freq
    for freq in PERIODS[PERIODS.index(freq):]:
        counts = pd.DataFrame({"g": groups.values, "p": when.dt.to_period(freq).values}).value_counts()
        if counts.median() >= min_n:
            return freq
    return freq


def period_end(start: pd.Timestamp, freq: str) -> pd.Timestamp:
    return pd.Period(start, freq=freq).end_time


def _period_label(freq: str) -> str:
    return {"D": "Day", "W-SUN": "Week (starting Monday)", "M": "Month", "Q": "Quarter"}.get(freq, "Period")


def _period_hover(freq: str | None) -> str:
    return {"D": "%{x|%Y-%m-%d}", "W-SUN": "week of %{x|%Y-%m-%d}", "M": "%{x|%B %Y}",
            "Q": "quarter from %{x|%Y-%m-%d}"}.get(freq or "", "%{x|%Y-%m-%d}")


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
