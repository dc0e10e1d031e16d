"""The briefing's findings: a few sentences generated from the contract tables, each with the criteria that
find the statements (or the claims) behind it. Pure functions, no Streamlit, so every sentence is tested.

A finding is only made when the data holds enough statements for it (`findings_min_n` in
config/colors.yaml); nothing here is written unless a number in the tables says it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from analysis.tables import article_field
from components import charts, style

# How a claim type reads in a sentence ("Russia captured Lyman").
CLAIM_VERBS = {"annexed": "annexed", "captured": "captured", "reclaimed": "retook", "advancing": "advanced on",
               "contested": "fought for"}
HOLDS = ("annexed", "captured", "reclaimed")  # claim types that say who holds the place afterwards


@dataclass
class Finding:
    """One sentence of the briefing and what lies behind it."""

    kind: str  # stance, divide, shift, claims, hands, speakers, tone
    text: str
    statements: list[dict] = field(default_factory=list)  # criteria for evidence.statements_behind
    claim_ids: list[str] = field(default_factory=list)
    freq: str | None = None  # how long a "period" in the criteria is


def points(net: float) -> str:
    return charts.net_text(net)


def dates(values: pd.Series) -> pd.Series:
    """Timestamps without a time zone (a feed may mix "2022-06-24" and "2022-06-24T23:23:00Z"); NaT if unreadable."""
    return pd.to_datetime(values, errors="coerce", utc=True, format="mixed").dt.tz_localize(None)


def signed(value: float) -> str:
    """+0.47 / −0.01 with a true minus sign, as the charts print them; 0.00 without a sign."""
    text = f"{value:+.2f}"
    return "0.00" if text in ("+0.00", "-0.00") else text.replace("-", "\u2212")


def _n(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _joined(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def major_parties(statements: pd.DataFrame, limit: int = 3) -> list[str]:
    """The most quoted named parties (never Unknown)."""
    return [p for p in charts.party_order(statements) if p != charts.UNKNOWN][:limit]


def stance_positions(stances: pd.DataFrame, statements: pd.DataFrame, min_n: int) -> list[Finding]:
    """For each major party, the target it takes the clearest side on (largest |net| with enough statements)."""
    table = charts.stance_table(stances, statements)
    table = table[(table["statements"] >= min_n) & (table["party"] != charts.UNKNOWN)]
    out = []
    for party in major_parties(statements):
        cells = table[table["party"] == party]
        if cells.empty:
            continue
        best = cells.loc[cells["net"].abs().idxmax()]
        n = _n(int(best["statements"]), "statement")
        sided = best["favor_share"] + best["against_share"]
        if abs(best["net"]) < 0.05:
            text = f"{party} takes no side on any target: its largest net stance is {points(best['net'])} on " \
                   f"{best['target']} ({n})."
        else:
            # "Clearest position" with the shares, not "strongly for": a net of +13 is a lean, and says so.
            text = (f"{party}'s clearest position is {'for' if best['net'] > 0 else 'against'} {best['target']}: "
                    f"net stance {points(best['net'])} over {n} ({best['favor_share']:.0%} favor, "
                    f"{best['against_share']:.0%} against, {max(1 - sided, 0):.0%} no side).")
        out.append(Finding("stance", text, [{"party": party, "target": best["target"]}]))
    return out


def widest_divide(stances: pd.DataFrame, statements: pd.DataFrame, min_n: int) -> list[Finding]:
    """The target on which two major parties stand furthest apart."""
    table = charts.stance_table(stances, statements)
    table = table[(table["statements"] >= min_n) & table["party"].isin(major_parties(statements, 5))]
    best = None
    for target, cells in table.groupby("target"):
        if len(cells) < 2:
            continue
        high, low = cells.loc[cells["net"].idxmax()], cells.loc[cells["net"].idxmin()]
        gap = high["net"] - low["net"]
        if best is None or gap > best[0]:
            best = (gap, target, high, low)
    if best is None or best[0] < 0.2:
        return []
    gap, target, high, low = best
    text = (f"The widest divide is on {target}: {high['party']} at {points(high['net'])} "
            f"(n={int(high['statements']):,}) versus {low['party']} at {points(low['net'])} "
            f"(n={int(low['statements']):,}), {round(gap * 100)} points apart.")
    return [Finding("divide", text, [{"party": high["party"], "target": target},
                                     {"party": low["party"], "target": target}])]


def windows(when: pd.Series) -> tuple[pd.Timestamp, pd.Timestamp, pd.Timestamp, str] | None:
    """The last period and the one before it: [start_before, start_last, end) and how to name the length.

    Four weeks when the corpus spans at least eight, else one week when it spans two, else nothing."""
    when = when.dropna()
    if when.empty:
        return None
    first, last = when.min().normalize(), when.max().normalize() + pd.Timedelta(days=1)
    span = (last - first).days
    for days, name in ((28, "four weeks"), (7, "week")):
        if span >= 2 * days:
            return last - pd.Timedelta(days=2 * days), last - pd.Timedelta(days=days), last, name
    return None


def stance_shift(stances: pd.DataFrame, statements: pd.DataFrame, articles: pd.DataFrame,
                 min_n: int) -> list[Finding]:
    """The largest change of a party's net stance on a target between the last period and the one before."""
    when = dates(article_field(statements, articles, "published"))
    span = windows(when)
    if span is None:
        return []
    before_start, last_start, end = span[:3]
    dated = statements.assign(when=when.values)
    before = dated[(dated["when"] >= before_start) & (dated["when"] < last_start)]
    latest = dated[(dated["when"] >= last_start) & (dated["when"] < end)]
    old = charts.stance_table(stances, before).set_index(["party", "target"])
    new = charts.stance_table(stances, latest).set_index(["party", "target"])
    both = old.join(new, lsuffix="_old", rsuffix="_new", how="inner")
    both = both[(both["statements_old"] >= min_n) & (both["statements_new"] >= min_n)]
    both = both[both.index.get_level_values("party") != charts.UNKNOWN]
    if both.empty:
        return []
    change = (both["net_new"] - both["net_old"])
    key = change.abs().idxmax()
    party, target = key
    row = both.loc[key]
    moved = change[key]
    last_day = (end - pd.Timedelta(days=1)).date()
    if abs(moved) < 0.15:
        text = (f"No position moved much in the last {span[3]} (to {last_day}) against the {span[3]} before: the "
                f"largest change is {party} on {target}, {points(row['net_old'])} → {points(row['net_new'])}.")
    else:
        text = (f"In the last {span[3]} (to {last_day}) {party}'s stance on {target} moved "
                f"{'toward favor' if moved > 0 else 'toward against'}: {points(row['net_old'])} "
                f"(n={int(row['statements_old']):,}) → {points(row['net_new'])} (n={int(row['statements_new']):,}) "
                f"against the {span[3]} before.")
    return [Finding("shift", text, [{"party": party, "target": target}])]


def volume_shift(statements: pd.DataFrame, articles: pd.DataFrame) -> list[Finding]:
    """Who was quoted more, or less, in the last period than in the one before."""
    when = dates(article_field(statements, articles, "published"))
    span = windows(when)
    if span is None:
        return []
    before_start, last_start, end, name = span
    dated = statements.assign(when=when.values)
    named = dated[dated["party"] != charts.UNKNOWN]
    old = named[(named["when"] >= before_start) & (named["when"] < last_start)].groupby("party").size()
    new = named[(named["when"] >= last_start) & (named["when"] < end)].groupby("party").size()
    counts = pd.DataFrame({"old": old, "new": new}).fillna(0).astype(int)
    if counts.empty or counts.values.sum() == 0:
        return []
    change = counts["new"] - counts["old"]
    party = change.abs().idxmax()
    if change[party] == 0:
        return []
    text = (f"{party} was quoted {'more' if change[party] > 0 else 'less'} in the last {name} (to "
            f"{(end - pd.Timedelta(days=1)).date()}): {_n(int(counts.loc[party, 'new']), 'statement')} "
            f"against {counts.loc[party, 'old']:,} in the {name} before.")
    return [Finding("shift", text, [{"party": party}])]


def claim_dates(claims: pd.DataFrame, articles: pd.DataFrame) -> pd.Series:
    # A claim without its own date takes its article's publication date (as the filters do).
    own = claims["date"].where(claims["date"].fillna("").astype(str).str.strip() != "")
    return dates(own.fillna(article_field(claims, articles, "published")))


def latest_claims(claims: pd.DataFrame, articles: pd.DataFrame, limit: int = 3) -> list[Finding]:
    """The most recent territorial claims with a named place and a known party."""
    known = claims[(claims["place"].fillna("") != "") & (claims["party"].fillna(charts.UNKNOWN) != charts.UNKNOWN)]
    if known.empty:
        return []
    known = known.assign(when=claim_dates(known, articles)).dropna(subset=["when"])
    if known.empty:
        return []
    recent = known.sort_values("when", ascending=False).drop_duplicates(["party", "claim", "place"]).head(limit)
    parts = [f"{r.party} {CLAIM_VERBS.get(r.claim, r.claim)} {r.place} ({r.when.date()})" for r in recent.itertuples()]
    ids = known.merge(recent[["party", "claim", "place"]], on=["party", "claim", "place"])["claim_id"]
    return [Finding("claims", f"Latest territorial claims: {_joined(parts)}.", claim_ids=list(ids))]


def changed_hands(claims: pd.DataFrame, articles: pd.DataFrame) -> list[Finding]:
    """The most recent place whose holder changed in the claims: one party took or held it, then another."""
    holds = claims[claims["claim"].isin(HOLDS) & (claims["place"].fillna("") != "")
                   & (claims["party"].fillna(charts.UNKNOWN) != charts.UNKNOWN)]
    holds = holds.assign(when=claim_dates(holds, articles)).dropna(subset=["when"]).sort_values("when")
    best = None
    for place, rows in holds.groupby("place"):
        last = rows.iloc[-1]
        earlier = rows[(rows["party"] != last["party"]) & (rows["when"] < last["when"])]
        if earlier.empty:
            continue
        first = earlier.iloc[-1]
        if best is None or last["when"] > best[1]["when"]:
            best = (place, last, first)
    if best is None:
        return []
    place, last, first = best
    text = (f"{place} changed hands in the claims: {first['party']} {CLAIM_VERBS.get(first['claim'], first['claim'])} "
            f"it ({first['when'].date()}), then {last['party']} {CLAIM_VERBS.get(last['claim'], last['claim'])} it "
            f"({last['when'].date()}).")
    return [Finding("hands", text, claim_ids=[first["claim_id"], last["claim_id"]])]


def top_speakers(statements: pd.DataFrame, limit: int = 3) -> list[Finding]:
    named = statements[statements["speaker"].fillna("").str.strip() != ""]
    if named.empty:
        return []
    counts = named.groupby("speaker").agg(n=("statement_id", "nunique"), party=("party", lambda p: p.mode().iat[0]))
    counts = counts.sort_values("n", ascending=False, kind="stable").head(limit)
    parts = [f"{name} ({r.party}, {_n(int(r.n), 'statement')})" for name, r in counts.iterrows()]
    share = counts["n"].sum() / max(statements["statement_id"].nunique(), 1)
    text = f"Most quoted: {_joined(parts)}; together {share:.0%} of all statements."
    return [Finding("speakers", text, [{"speaker": s} for s in counts.index])]


def tone(sentiments: pd.DataFrame, statements: pd.DataFrame, min_n: int) -> list[Finding]:
    """The major party whose statements sound most negative, against the most positive one."""
    table = charts.sentiment_table(sentiments, statements, "party")
    table = table[(table["statements"] >= min_n) & table["party"].isin(major_parties(statements, 5))]
    if len(table) < 2:
        return []
    low, high = table.loc[table["net"].idxmin()], table.loc[table["net"].idxmax()]
    # "most negative" only when its net is below zero; otherwise it is the least positive of them
    lowest = "the most negative" if signed(low["net"]).startswith("\u2212") else "the least positive"
    text = (f"Tone: {low['party']} sounds {lowest} (net {signed(low['net'])}, "
            f"{low['negative']:.0%} of {int(low['statements']):,} statements negative), "
            f"{high['party']} the most positive (net {signed(high['net'])}).")
    return [Finding("tone", text, [{"party": low["party"]}, {"party": high["party"]}])]


def briefing(tables: dict[str, pd.DataFrame], statements: pd.DataFrame, stances: pd.DataFrame,
             sentiments: pd.DataFrame, claims: pd.DataFrame, min_n: int | None = None) -> list[Finding]:
    """Every finding the (already filtered) data supports, in reading order."""
    min_n = min_n or style.readability("findings_min_n")
    articles = tables["articles"]
    return [
        *stance_positions(stances, statements, min_n),
        *widest_divide(stances, statements, min_n),
        *stance_shift(stances, statements, articles, min_n),
        *volume_shift(statements, articles),
        *latest_claims(claims, articles),
        *changed_hands(claims, articles),
        *top_speakers(statements),
        *tone(sentiments, statements, min_n),
    ]
