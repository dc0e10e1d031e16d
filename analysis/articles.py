"""Loading articles: files, folders, uploads, pasted text and CSV/JSONL corpora → article rows.

Every input gets a FileReport (loaded, duplicate or rejected, with the reason), so one bad file never
stops the others and the analyst learns exactly what was wrong with which file.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable
from urllib.parse import urlsplit

import pandas as pd
import yaml
from dateutil import parser as dateparser

from analysis import encodings
from analysis.tables import conform, empty

CONFIG = Path(__file__).resolve().parent.parent / "config" / "loading.yaml"
TEXT_TYPES = {".txt", ".md", ".text"}
HTML_TYPES = {".html", ".htm"}
CORPUS_TYPES = {".csv", ".jsonl", ".ndjson"}
SUPPORTED = TEXT_TYPES | HTML_TYPES | CORPUS_TYPES


@dataclass
class FileReport:
    name: str
    status: str  # loaded | duplicate | rejected
    message: str = ""
    articles: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class LoadResult:
    articles: pd.DataFrame
    reports: list[FileReport]

    def __add__(self, other: "LoadResult") -> "LoadResult":
        return combine([self, other])


class LoadError(ValueError):
    """What was wrong with a file, in words for the analyst."""


def settings() -> dict:
    """config/loading.yaml, re-read when it changes."""
    return _settings(CONFIG.stat().st_mtime_ns)


@lru_cache(maxsize=1)
def _settings(stamp: int) -> dict:
    return yaml.safe_load(CONFIG.read_text(encoding="utf-8"))


# -- public entry points ------------------------------------------------------------------------
def load_paths(paths: Iterable[str | Path]) -> LoadResult:
    """Files and folders (searched recursively for supported types)."""
    results = []
    for path in map(Path, paths):
        if path.is_dir():
            path = path.resolve()
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED)
            if not files:
                results.append(rejected(str(path), "No .txt, .md, .html, .csv or .jsonl files in this folder."))
            for file in files:  # named from the folder down, so no machine path reaches the origin column
                results.append(load_file(str(file.relative_to(path.parent)), file.read_bytes()))
        elif path.is_file():
            results.append(load_file(str(path), path.read_bytes()))
        else:
            results.append(rejected(str(path), "No such file or folder."))
    return combine(results)


def combine(results: list[LoadResult]) -> LoadResult:
    """Many results as one (a single concat, so thousands of files stay fast)."""
    frames = [r.articles for r in results if len(r.articles)]
    merged = pd.concat(frames, ignore_index=True) if frames else empty("articles")
    return LoadResult(conform(merged, "articles"), [report for r in results for report in r.reports])


def rejected(name: str, message: str, warnings: list[str] | None = None) -> LoadResult:
    return LoadResult(empty("articles"), [FileReport(name, "rejected", message, warnings=warnings or [])])


def load_file(name: str, data: bytes) -> LoadResult:
    """One file's bytes (from disk or an upload); never raises for bad input, reports it instead."""
    suffix = Path(name).suffix.lower()
    try:
        if suffix not in SUPPORTED:
            raise LoadError(f"Unsupported file type {suffix or '(none)'}; use .txt, .md, .html, .csv or .jsonl.")
        limit = settings()["max_corpus_mb" if suffix in CORPUS_TYPES else "max_article_mb"]
        if len(data) > limit * 1024 * 1024:
            raise LoadError(
                f"File is {len(data) / 1024 / 1024:.1f} MB; a single {suffix} file may be at most {limit} MB. "
                + ("Split it into smaller files." if suffix in CORPUS_TYPES else "Split it, or load it as a CSV/JSONL corpus.")
            )
        if not data.strip():
            raise LoadError("File is empty.")
        text, warnings = decode(data, Path(name).name)
        if suffix in CORPUS_TYPES:
            rows, row_warnings = (_read_csv if suffix == ".csv" else _read_jsonl)(text)
            warnings += row_warnings
        elif suffix in HTML_TYPES:
            rows = [_read_html(text)]
        else:
            rows = [_read_text(text)]
    except LoadError as error:
        return rejected(name, str(error))
    return _finish(name, rows, warnings)


def load_pasted(text: str, title: str = "") -> LoadResult:
    """Text pasted into the dashboard; the first line is the title unless one is given."""
    if not text.strip():
        return rejected("pasted text", "Nothing was pasted.")
    row = _read_text(text) if not title.strip() else {"title": title.strip(), "text": text.strip()}
    return _finish("pasted text", [row], [])


def mark_duplicates(result: LoadResult, known_ids: set[str]) -> LoadResult:
    """Drop articles already known (in the store) and say so in the reports."""
    seen = result.articles["article_id"].isin(known_ids)
    for report in result.reports:
        if report.status != "loaded":
            continue
        mine = result.articles["origin"].str.startswith(report.name)
        dupes = int((mine & seen).sum())
        if dupes and dupes == report.articles:
            report.status, report.message = "duplicate", "Already loaded; skipped."
        elif dupes:
            report.warnings.append(f"{dupes} article(s) already loaded; skipped.")
        report.articles -= dupes
    return LoadResult(result.articles[~seen].reset_index(drop=True), result.reports)


# -- decoding ---------------------------------------------------------------------------------------
def decode(data: bytes, name: str = "this file") -> tuple[str, list[str]]:
    """Bytes → text and warnings: UTF-8 or UTF-16/32 (with or without a byte-order mark), else the legacy
    encoding that reads most like text (see analysis/encodings.py); a guess is named in a warning."""
    try:
        decoded = encodings.decode(data, settings()["encodings"], name)
    except encodings.EncodingError as error:
        raise LoadError(str(error)) from error
    return decoded.text, [decoded.warning] if decoded.warning else []


# -- formats -------------------------------------------------------------------------------------
def _read_text(text: str) -> dict:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    title = lines.pop(0).strip().lstrip("#").strip() if lines else ""
    row: dict = {"title": title}
    fields = settings()["header_fields"]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and (match := re.match(r"^\s*([A-Za-z]+)\s*:\s*(.+?)\s*$", lines[0])) and match[1].lower() in fields:
        row[fields[match[1].lower()]] = match[2]
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    if lines:
        for pattern in settings()["credit_lines"]:
            credit = re.match(pattern, lines[-1].strip(), flags=re.IGNORECASE)
            if credit:
                row.setdefault("source", credit[1].strip())
                lines.pop()
                break
    row["text"] = "\n".join(lines).strip()
    return row


def _read_html(html: str) -> dict:
    import trafilatura  # heavy; only needed for HTML

    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    if doc is None or not (doc.text or "").strip():
        raise LoadError("No article text found in this HTML page. Save the article's own page, or paste its text.")
    text = doc.text.strip()
    title = (doc.title or "").strip()
    first, _, rest = text.partition("\n")
    if title and first.strip() == title:  # trafilatura repeats the headline as the first line
        text = rest.strip()
    _require_article_body(html, text)
    return {"title": title, "text": text, "published": doc.date or "", "author": doc.author or "",
            "url": doc.url or "", "source": doc.sitename or doc.hostname or ""}


def _require_article_body(html: str, text: str) -> None:
    """Refuse a page whose extracted "text" is only its menus, headers, footers and notices.

    On a page without an article, the extractor falls back to whatever text there is ("Home News About us");
    a line counts as boilerplate when all of it comes from such elements."""
    rules = settings()["html"]
    chrome = _boilerplate_text(html, rules)
    body_words = sum(len(line.split()) for line in text.splitlines()
                     if line.strip() and " ".join(line.split()) not in chrome)
    if body_words < rules["min_article_words"]:
        sample = " ".join(text.split())[:80]
        raise LoadError(
            f"This HTML page has no article text: only navigation, headers or notices were found ({sample!r}). "
            "Save the page of the article itself, or paste its text."
        )


def _boilerplate_text(html: str, rules: dict) -> str:
    """All text of the page's navigation, header, footer, link and notice elements, one space between words."""
    from lxml import html as lxml_html

    try:
        root = lxml_html.fromstring(html)
    except Exception:  # unparseable markup: nothing is known to be boilerplate
        return ""
    tags = set(rules["boilerplate_tags"])
    marks = [m.lower() for m in rules["boilerplate_classes"]]
    parts = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        names = f"{element.get('class', '')} {element.get('id', '')} {element.get('role', '')}".lower()
        if element.tag.lower() in tags or any(mark in names for mark in marks):
            parts.append(" ".join(element.text_content().split()))
    return "\n".join(parts)


def _read_csv(text: str) -> tuple[list[dict], list[str]]:
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, on_bad_lines="error")
    except (pd.errors.ParserError, csv.Error, UnicodeError) as error:
        raise LoadError(f"Not a readable CSV file: {error}") from error
    except pd.errors.EmptyDataError as error:
        raise LoadError("CSV file has no rows.") from error
    return _corpus_rows(frame.to_dict("records"), first_line=2)


def _read_jsonl(text: str) -> tuple[list[dict], list[str]]:
    records, warnings = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            warnings.append(f"Line {number}: not valid JSON ({error.msg}); skipped.")
            continue
        if not isinstance(record, dict):
            warnings.append(f"Line {number}: not a JSON object; skipped.")
            continue
        records.append({**record, "_line": number})
    if not records and warnings:
        raise LoadError("No valid JSON lines. " + " ".join(warnings[:3]))
    rows, row_warnings = _corpus_rows(records, first_line=None)
    return rows, warnings + row_warnings


def _corpus_rows(records: list[dict], first_line: int | None) -> tuple[list[dict], list[str]]:
    columns = settings()["corpus_columns"]
    names = {str(k).strip().lower() for r in records[:1] for k in r}
    text_columns = sorted(column for column, target in columns.items() if target == "text")
    if records and not names & set(text_columns):
        found = ", ".join(sorted(n for n in names if n != "_line")) or "none"
        raise LoadError(f"No text column (looked for {', '.join(text_columns)}; found: {found}). "
                        "A corpus needs one; title, date, source, url and author are optional.")
    rows, warnings = [], []
    for index, record in enumerate(records):
        line = record.get("_line", (first_line or 1) + index)
        fields = {str(k).strip().lower(): v for k, v in record.items()}
        row = {}
        for column, target in columns.items():
            value = fields.get(column)
            if value not in (None, "") and target not in row:
                row[target] = str(value)
        if not row.get("text", "").strip():
            warnings.append(f"{'Row' if first_line else 'Line'} {line}: empty text; skipped.")
            continue
        row["_where"] = f"#{'row' if first_line else 'line'}{line}"
        rows.append(row)
    return rows, warnings


# -- finishing rows -----------------------------------------------------------------------------
def _finish(name: str, rows: list[dict], warnings: list[str]) -> LoadResult:
    out = []
    for row in rows:
        text = normalise(row.get("text", ""))
        if not text:
            continue
        published, problem = parse_date(row.get("published", ""))
        label = row.get("title") or text[:60]
        if problem:
            warnings.append(f"{label!r}: {problem}")
        if not looks_english(text):
            warnings.append(f"{label!r}: does not look like English; statements and claims are extracted from English text only.")
        out.append({
            "article_id": article_id(text),
            "title": (row.get("title") or "").strip(),
            "published": published,
            "source": (row.get("source") or "").strip() or site(row.get("url") or ""),
            "url": (row.get("url") or "").strip(),
            "author": (row.get("author") or "").strip(),
            "text": text,
            "origin": name + row.get("_where", ""),
        })
    if not out:
        return rejected(name, "No article text found.", warnings)
    frame = conform(pd.DataFrame(out), "articles")
    repeated = frame.duplicated("article_id")
    if repeated.any():
        warnings.append(f"{int(repeated.sum())} repeated article(s) in this file; kept once.")
        frame = frame[~repeated].reset_index(drop=True)
    return LoadResult(frame, [FileReport(name, "loaded", f"{len(frame)} article(s)", len(frame), warnings)])


def site(address: str) -> str:
    """The site an address is on ("https://www.kremlin.ru/events/1" and "kremlin.ru" are "kremlin.ru"); a copy
    in a web archive (config/loading.yaml `archives`) is of the site archived."""
    address = (address or "").strip()
    parts = urlsplit(address if "://" in address else "//" + address)
    host = (parts.hostname or "").lower()
    archived = (settings().get("archives") or {}).get(host)
    inner = re.match(archived, parts.path) if archived else None
    if inner:
        return site(inner.group(1))
    return host.removeprefix("www.") if re.fullmatch(r"[\w-]+(?:\.[\w-]+)+", host) else ""


def normalise(text: str) -> str:
    """Unicode NFC, unified line ends, trailing spaces and runs of blank lines removed."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def article_id(text: str) -> str:
    """Stable id: the same text (up to whitespace) always gives the same id."""
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()[:16]


def parse_date(value: str) -> tuple[str, str]:
    """ISO date and an empty problem, or an empty date and what was wrong."""
    value = (value or "").strip()
    if not value:
        return "", ""
    if not re.search(r"\d{4}", value):  # without a year, a parser would guess one
        return "", f"date {value!r} has no year; left empty."
    try:
        parsed = dateparser.parse(value, dayfirst=bool(settings().get("day_first")), default=dt.datetime(1900, 1, 1))
    except (ValueError, OverflowError):
        return "", f"could not read the date {value!r}; left empty."
    return parsed.date().isoformat(), ""


def looks_english(text: str) -> bool:
    words = re.findall(r"[^\W\d_]+", text[:5000].lower())
    if len(words) < 8:
        return True  # too short to judge
    markers = set(settings()["english_markers"])
    return sum(w in markers for w in words) / len(words) > 0.08
