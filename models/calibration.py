"""How readily the stance model leaves `none`, set per target on the real dev split.

Most statements take no position on most targets, and the costly errors are of two kinds: a position read
into a neutral statement, and a position missed in a long one. A trained head's balance between the two
follows its training mix, not the text it will read, so after training a bias is added to the `none` logit
of each target, chosen on the real dev split (statements the model never trained on, documents whole),
never on dev-news, which exists to measure.

Each target's bias maximises the F1 of its positions (a favor or against counts only with the right sign) and
is shrunk toward the bias that is best for all targets together, by how few positions the target has in the
dev split, so a rare target is not set by three statements. A target the file does not name (one an analyst
added) gets the shared bias. The biases are stored beside the weights (calibration.json) keyed by the target
description the model reads, since they belong to these weights and this wording.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

CALIBRATION_FILE = "calibration.json"
GRID = np.arange(-3.0, 3.01, 0.25)
# Positions in the dev split at which a target's own best bias and the shared one weigh the same.
SHRINK = 20


def position_f1(gold: list[str], predicted: list[str]) -> float:
    """F1 over positions: a predicted favor/against is right only when the gold has the same label."""
    tp = sum(g == p != "none" for g, p in zip(gold, predicted))
    fp = sum(p != "none" and g != p for g, p in zip(gold, predicted))
    fn = sum(g != "none" and g != p for g, p in zip(gold, predicted))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def with_bias(log_probs: np.ndarray, labels: list[str], bias: float) -> list[str]:
    shifted = log_probs.copy()
    shifted[:, labels.index("none")] += bias
    return [labels[i] for i in shifted.argmax(axis=1)]


def best_bias(log_probs: np.ndarray, labels: list[str], gold: list[str]) -> float:
    scores = [position_f1(gold, with_bias(log_probs, labels, b)) for b in GRID]
    # Ties go to the bias nearest zero: no evidence, no shift.
    return float(max(zip(scores, -np.abs(GRID), GRID))[2])


def fit(directory: Path, exclude: tuple[str, ...] = (), log=print) -> dict[str, float]:
    """Choose and write the biases for the model in `directory`; returns {target name: bias} (and "*")."""
    from models import recipes, targets as targets_config
    from models.classifier import open_model
    from models.registry import SPECS

    labels = list(SPECS["stance"].labels)
    model = open_model(directory, labels=labels)
    dev = recipes.real_stance("dev")
    configured = {t.name: t.description for t in targets_config.load()}
    dev = dev[dev["target"].isin(configured) & ~dev["target"].isin(exclude)].reset_index(drop=True)
    if dev.empty:
        log("calibration: no real dev rows; no bias set")
        return {}
    probs = model.probabilities(dev["text"].tolist(), [configured[t] for t in dev["target"]])
    log_probs = np.log(np.maximum(probs, 1e-12))
    gold = dev["label"].tolist()
    shared = best_bias(log_probs, labels, gold)
    biases, by_description = {"*": shared}, {}
    for target, part in dev.groupby("target", sort=True):
        index = part.index.to_numpy()
        own = best_bias(log_probs[index], labels, part["label"].tolist())
        positions = int((part["label"] != "none").sum())
        bias = round((positions * own + SHRINK * shared) / (positions + SHRINK), 3)
        biases[target] = bias
        by_description[configured[target]] = bias
        before = position_f1(part["label"].tolist(), with_bias(log_probs[index], labels, 0.0))
        after = position_f1(part["label"].tolist(), with_bias(log_probs[index], labels, bias))
        log(f"calibration: {target}: {positions} positions in dev, bias {bias:+.2f} "
            f"(own best {own:+.2f}), position F1 {before:.3f} → {after:.3f}")
    (Path(directory) / CALIBRATION_FILE).write_text(json.dumps(
        {"none_bias": by_description, "default_none_bias": shared}, indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8")
    return biases


def load(directory: Path) -> tuple[dict[str, float], float]:
    """(bias per target description, bias for any other target); none when the file is absent."""
    path = Path(directory) / CALIBRATION_FILE
    if not path.is_file():
        return {}, 0.0
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {str(k): float(v) for k, v in raw.get("none_bias", {}).items()}, float(raw.get("default_none_bias", 0))
    except (ValueError, TypeError, AttributeError) as error:
        raise ValueError(f"Could not read the stance calibration in {path}: {error}") from error
