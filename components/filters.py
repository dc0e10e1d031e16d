"""The shared sidebar filters, bound to the URL's query parameters so a copied link reproduces a view.

Every widget that shapes a view is bound with `bind="query-params"`, its key doubling as the parameter
name. The "Copy link" box rebuilds the URL from the widgets' values rather than from `st.query_params`,
because Streamlit does not refresh the server's copy of the query string on same-page reruns.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlencode, urlsplit

import pandas as pd
import streamlit as st

from analysis.tables import article_field
from components.style import Caption, date_span, describe_filters, slugify

# Query-parameter names of the shared filters, in the order they appear in a link.
PARTY, SPEAKER, TARGET, CLAIM, FROM, TO = "party", "speaker", "target", "claim", "from", "to"
# Page widgets that belong in a shared link too (selected target and party on Positions; statement kinds
# and the search words on Statements).
FOCUS_TARGET, FOCUS_PARTY, KIND, SEARCH = "focus", "focus_party", "kind", "q"
LINK_KEYS = (PARTY, SPEAKER, TARGET, CLAIM, FROM, TO, FOCUS_TARGET, FOCUS_PARTY, KIND, SEARCH)
KINDS = ("direct", "reported", "turn")  # the statement kinds of the data contract
MAX_SEARCH = 200  # characters of search words a link carries
# Bounds of the date pickers: wide, so a link with any plausible date stays valid as data changes.
EARLIEST, LATEST = dt.date(1990, 1, 1), dt.date(2100, 12, 31)


@dataclass
class Filters:
    parties: list[str] = field(default_factory=list)  # empty means all
    speakers: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    claim_types: list[str] = field(default_factory=list)
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def options(tables: dict[str, pd.DataFrame]) -> dict[str, list[str]]:
    """The values each filter offers, from the data."""
    statements, claims = tables["statements"], tables["claims"]
    return {
        PARTY: _values(pd.concat([statements["party"], claims["party"]])),
        SPEAKER: _values(statements["speaker"]),
        TARGET: _values(tables["stances"]["target"]),
        CLAIM: _values(claims["claim"]),
    }


def _values(column: pd.Series) -> list[str]:
    return sorted({str(v) for v in column.dropna() if str(v).strip()})


def sidebar_filters(tables: dict[str, pd.DataFrame], page_path: str | None = None) -> Filters:
    """Render the filters in the sidebar (keys double as query-parameter names) and return them.

    `page_path`: the URL path of the page being shown ("" for the main page), so a copied link names the
    page itself even when the browser's address was a mistyped path that landed on the main page."""
    offered = options(tables)
    dates = pd.to_datetime(tables["articles"]["published"], errors="coerce").dropna()
    with st.sidebar:
        st.header("Filters")
        chosen = Filters(
            parties=st.multiselect("Parties", offered[PARTY], key=PARTY, bind="query-params"),
            speakers=st.multiselect("Speakers", offered[SPEAKER], key=SPEAKER, bind="query-params"),
            targets=st.multiselect("Stance targets", offered[TARGET], key=TARGET, bind="query-params"),
            claim_types=st.multiselect("Claim types", offered[CLAIM], key=CLAIM, bind="query-params"),
        )
        # Empty by default (= no limit), so a link without dates keeps meaning "all dates" as articles arrive.
        left, right = st.columns(2)
        chosen.date_from = left.date_input(
            "From", value=None, min_value=EARLIEST, max_value=LATEST, key=FROM, bind="query-params"
        )
        chosen.date_to = right.date_input(
            "To", value=None, min_value=EARLIEST, max_value=LATEST, key=TO, bind="query-params"
        )
        if chosen.date_from and chosen.date_to and chosen.date_from > chosen.date_to:
            st.warning(f"The dates are reversed: From ({chosen.date_from}) is after To ({chosen.date_to}), so no "
                       "dated article can match. Swap them.")
        if len(dates):
            st.caption(f"Articles dated {dates.min().date()} – {dates.max().date()}")
        share_link(offered, page_path)
    st.session_state["filters"] = chosen
    return chosen


def current() -> Filters:
    """The filters the shared sidebar set on this run (all data when none were rendered)."""
    return st.session_state.get("filters", Filters())


def link_params(offered: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    """The query parameters that reproduce this view: widget values first, the URL for widgets not yet drawn.

    Only Parley's own keys, each with values it can take (`offered`: the filters' options from the data):
    a hand-edited or stale URL's unknown keys and impossible values are not passed on to the next reader."""
    valid = _validators(offered or {})
    params: dict[str, list[str]] = {}
    for key in LINK_KEYS:
        if key in st.session_state:
            values = _serialise(st.session_state[key])
        elif key in st.query_params:
            values = [v for v in st.query_params.get_all(key) if v != ""]
        else:
            continue
        values = [v for v in values if valid[key](v)]
        if values:
            params[key] = values
    return params


def _validators(offered: dict[str, list[str]]) -> dict[str, Callable[[str], bool]]:
    def among(key: str) -> Callable[[str], bool]:
        known = set(offered.get(key, []))
        return known.__contains__

    return {
        PARTY: among(PARTY), SPEAKER: among(SPEAKER), TARGET: among(TARGET), CLAIM: among(CLAIM),
        FROM: _is_date, TO: _is_date, FOCUS_TARGET: among(TARGET), FOCUS_PARTY: among(PARTY),
        KIND: set(KINDS).__contains__, SEARCH: lambda value: len(value) <= MAX_SEARCH,
    }


def _is_date(value: str) -> bool:
    try:
        return EARLIEST <= dt.date.fromisoformat(value) <= LATEST
    except ValueError:
        return False


def _serialise(value) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return [v for item in value for v in _serialise(item)]
    if isinstance(value, dt.date):
        return [value.isoformat()]
    if isinstance(value, (str, int, float)):
        return [str(value)]
    return []  # selections, button states and other non-view state stay out of links


def share_url(offered: dict[str, list[str]] | None = None, page_path: str | None = None) -> str:
    """The page's URL plus the query string of this view (relative when the browser URL is unknown)."""
    query = urlencode(link_params(offered), doseq=True)
    base = st.context.url or ""
    if base and page_path is not None:
        parts = urlsplit(base)
        prefix = "/".join(p for p in (st.get_option("server.baseUrlPath") or "").split("/") if p)
        path = "/".join(p for p in (prefix, page_path) if p)
        base = f"{parts.scheme}://{parts.netloc}/{path}"
    return f"{base}?{query}" if query else (base or "?")


def share_link(offered: dict[str, list[str]] | None = None, page_path: str | None = None) -> None:
    """A "Copy link" box: the code block's copy button puts the URL on the clipboard."""
    with st.expander("Copy link", icon=":material/link:"):
        st.caption("Opening this URL reproduces the page, filters and selected target.")
        st.code(share_url(offered, page_path), language=None, wrap_lines=True)


def caption(tables: dict[str, pd.DataFrame], f: Filters, shown_articles: pd.Series | None = None) -> Caption:
    """The footer of every chart: corpus size, filters and date range."""
    articles = tables["articles"]
    if shown_articles is not None:
        articles = articles[articles["article_id"].isin(shown_articles)]
    sources = articles["source"].dropna()
    sources = sources[sources.str.strip() != ""]
    corpus = f"Parley · {len(articles)} article(s)"
    if len(sources):
        corpus += f" from {sources.nunique()} source(s)"
    return Caption(corpus=corpus, filters=describe_filters(f),
                   dates=date_span(articles["published"], f.date_from, f.date_to))


def slug(f: Filters) -> str:
    """The filters in a file name ("all" when none are set)."""
    parts = []
    if f.parties or f.speakers or f.targets or f.claim_types:
        parts.append(describe_filters(f))
    if f.date_from or f.date_to:
        parts.append(f"{f.date_from or ''} {f.date_to or ''}")
    return slugify(" ".join(parts), 80) if parts else "all"


def _in_dates(published: pd.Series, f: Filters) -> pd.Series:
    when = pd.to_datetime(published, errors="coerce")
    keep = pd.Series(True, index=published.index)
    # Undated rows stay in: most pasted texts carry no date, and dropping them would hide them silently.
    if f.date_from:
        keep &= when.isna() | (when >= pd.Timestamp(f.date_from))
    if f.date_to:
        keep &= when.isna() | (when < pd.Timestamp(f.date_to) + pd.Timedelta(days=1))
    return keep


def _chosen(frame: pd.DataFrame, choices: dict[str, list[str]]) -> pd.Series:
    """Rows whose value in each column is among the chosen ones (an empty choice keeps every row)."""
    keep = pd.Series(True, index=frame.index)
    for column, values in choices.items():
        if values:
            keep &= frame[column].isin(values)
    return keep


def filter_statements(statements: pd.DataFrame, articles: pd.DataFrame, f: Filters) -> pd.DataFrame:
    keep = _chosen(statements, {"party": f.parties, "speaker": f.speakers})
    return statements[keep & _in_dates(article_field(statements, articles, "published"), f)]


def filter_stances(stances: pd.DataFrame, statements: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """Stances of the (already filtered) statements, toward the chosen targets."""
    return stances[stances["statement_id"].isin(statements["statement_id"]) & _chosen(stances, {"target": f.targets})]


def filter_articles(articles: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """The articles published in the chosen dates (undated ones stay in)."""
    return articles[_in_dates(articles["published"], f)]


def filter_claims(claims: pd.DataFrame, articles: pd.DataFrame, f: Filters) -> pd.DataFrame:
    keep = _chosen(claims, {"party": f.parties, "claim": f.claim_types})
    # A claim without its own date takes its article's publication date.
    when = claims["date"].where(claims["date"].fillna("").str.strip() != "", article_field(claims, articles, "published"))
    return claims[keep & _in_dates(when, f)]


@dataclass
class Selection:
    """The rows of every table that the current filters select, and the footer describing them."""
    statements: pd.DataFrame
    stances: pd.DataFrame
    sentiments: pd.DataFrame
    claims: pd.DataFrame
    caption: Caption


def select(tables: dict[str, pd.DataFrame], f: Filters) -> Selection:
    statements = filter_statements(tables["statements"], tables["articles"], f)
    return Selection(
        statements=statements,
        stances=filter_stances(tables["stances"], statements, f),
        sentiments=tables["sentiments"][tables["sentiments"]["statement_id"].isin(statements["statement_id"])],
        claims=filter_claims(tables["claims"], tables["articles"], f),
        caption=caption(tables, f, statements["article_id"]),
    )
