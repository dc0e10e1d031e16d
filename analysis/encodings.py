"""Bytes → text when a file does not say how it was encoded.

UTF-8 and UTF-16/32 are recognised by their byte patterns. Legacy single-byte files (Latin-1, cp1252,
cp1251, KOI8-R, …) carry no marker at all, so each candidate encoding from config/loading.yaml is tried and
every reading scored by how much it looks like text: common letters score, rare letters score less, and
symbols, control characters, words that mix Latin and Cyrillic letters or put a capital in the middle of a
word count against it. ASCII reads the same in all of them, so only the other characters are judged.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

SAMPLE = 200_000  # bytes judged; the whole file is decoded with the winner
_WORD = re.compile(r"[^\W\d_]+")  # runs of letters (and of other alphanumerics such as ½, dropped below)


class EncodingError(ValueError):
    """The bytes are not text in any encoding we can recognise."""


@dataclass
class Decoded:
    text: str
    encoding: str  # Python codec name
    warning: str = ""  # empty when UTF-8, or when the guess was clear


def decode(data: bytes, rules: dict, name: str = "this file") -> Decoded:
    """The text of `data`; `rules` is the `encodings` section of config/loading.yaml."""
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return Decoded(data.decode(codec), codec)
            except UnicodeDecodeError as error:
                raise EncodingError(f"{name} starts with a {codec.upper()} byte-order mark but is not valid "
                                    f"{codec.upper()} (at byte {error.start}). Save it again as UTF-8.") from error
    if b"\x00" in data[:4096]:
        wide = _utf16_without_bom(data)
        if wide is not None:
            return wide
        raise EncodingError("This looks like a binary file, not text. Save the article as .txt, .html, .csv or .jsonl.")
    if _control_share(data[:8192]) > 0.05:
        raise EncodingError("This looks like a binary file, not text. Save the article as .txt, .html, .csv or .jsonl.")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    return _single_byte(data, rules, name)


def _utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 without a byte-order mark: the reading (little or big endian) whose characters are European
    script, punctuation and spaces; None when neither reads as text."""
    best, best_share = None, 0.0
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = data[: len(data) - len(data) % 2].decode(codec)
        except UnicodeDecodeError:
            continue
        sample = text[:20_000]
        if not sample:
            continue
        # The wrong byte order turns ASCII into CJK ideographs, which are "printable" too: count only the
        # scripts Parley reads (Latin, Greek, Cyrillic, general punctuation) and whitespace.
        share = sum(1 for ch in sample if ord(ch) < 0x0530 and (ch.isprintable() or ch in "\r\n\t")
                    or 0x2000 <= ord(ch) <= 0x206F) / len(sample)
        if share > best_share:
            best, best_share = Decoded(text, codec), share
    return best if best_share >= 0.9 else None


def _control_share(sample: bytes) -> float:
    if not sample:
        return 0.0
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls / len(sample)


def _single_byte(data: bytes, rules: dict, name: str) -> Decoded:
    sample = data[:SAMPLE]
    readings: list[tuple[float, str, str]] = []  # score, codec, decoded sample
    for codec in rules["candidates"]:
        try:
            text = sample.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        readings.append((plausibility(text, rules), codec, text))
    if not readings:
        raise EncodingError(f"Could not work out the text encoding of {name}; save it as UTF-8.")
    readings.sort(key=lambda r: -r[0])  # stable: on a tie the earlier candidate stays first
    score, codec, text = readings[0]
    label = rules.get("names", {}).get(codec, codec)
    rivals = [r for r in readings[1:] if r[2] != text]  # encodings that agree on these bytes are no rival
    rival = rivals[0] if rivals else None
    if score <= 0 or (rival and score - rival[0] < rules.get("margin", 0.25) * abs(score)):
        rival_label = rules.get("names", {}).get(rival[1], rival[1]) if rival else "another encoding"
        warning = (f"{name} is not UTF-8 and its encoding is uncertain: read as {label}, but it could also be "
                   f"{rival_label}. Check its accented letters, or save it as UTF-8.")
    else:
        warning = f"{name} is not UTF-8; read as {label}."
    return Decoded(data.decode(codec, errors="replace"), codec, warning)


def plausibility(text: str, rules: dict) -> float:
    """How much the non-ASCII part of `text` looks like real writing (higher is better)."""
    common = set(rules["common_letters"].replace(" ", ""))
    other = set(rules["other_letters"].replace(" ", ""))
    other_weight = float(rules.get("other_letter_weight", 0.5))
    punctuation = set(rules["punctuation"])
    punctuation_weight = float(rules.get("punctuation_weight", 1.0))
    one_letter_words = set(rules.get("one_letter_words", ""))
    neutral = set(rules.get("neutral", ""))
    # The script most letters are in (ASCII letters count as Latin): a few Cyrillic letters in English
    # prose, or a few accented Latin ones in Russian, are a wrong code page, not a quotation.
    letters = [ch for ch in text if ch.isalpha()]
    cyrillic = sum(1 for ch in letters if _script(ch) == "cyrillic")
    main_script = "cyrillic" if cyrillic * 2 > len(letters) else "latin"
    score = 0.0
    for ch in text:
        if ch < "\x80":
            continue
        if ch.isalpha() and _script(ch) != main_script:
            score -= 1.0
        elif ch in common:
            score += 1.0 if ch.islower() else 0.6  # capitals are rarer than small letters in any text
        elif ch in other:
            score += other_weight
        elif ch in punctuation:
            score += punctuation_weight
        elif ch in neutral:
            continue
        elif unicodedata.category(ch)[0] in "CZ":  # control, unassigned, odd spaces
            score -= 5.0
        else:  # rare letters, box drawing, currency signs, ¤ ¦ ¬ and the like
            score -= 1.0
    for word in _WORD.findall(text):
        if word.isascii() or not word.isalpha():
            continue
        scripts = {_script(ch) for ch in word}
        if len(word) == 1 and scripts == {"latin"} and word not in one_letter_words:
            score -= 1.0
        if "latin" in scripts and "cyrillic" in scripts:
            score -= 3.0
        if not (word.islower() or word.isupper() or word.istitle()):
            score -= 2.0  # "оРИВЕТ": a capital inside a word is a wrong code page's signature
        if scripts == {"latin"} and len(word) >= 4 and sum(not ch.isascii() for ch in word) * 2 > len(word):
            score -= 2.0  # Western words are mostly ASCII: "Ïðèâåò" is Cyrillic read as Latin
    return score


def _script(ch: str) -> str:
    code = ord(ch)
    if 0x0400 <= code <= 0x04FF:
        return "cyrillic"
    if code < 0x0250 or 0x1E00 <= code <= 0x1EFF:
        return "latin"
    return "other"
