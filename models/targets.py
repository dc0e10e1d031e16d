"""The stance targets an analyst has configured (config/targets.yaml): name → description.

The description is what the stance model reads as the target, so editing it changes scores (and the
scorer's version) without any retraining.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

TARGETS_FILE = Path(__file__).resolve().parent.parent / "config" / "targets.yaml"


@dataclass(frozen=True)
class Target:
    name: str
    description: str


def load(path: Path = TARGETS_FILE) -> list[Target]:
    """The configured targets, in file order; an unreadable file is an error that names the file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ValueError(f"Could not read the stance targets in {path}: {error}") from error
    targets, seen = [], set()
    for entry in raw.get("targets") or []:
        if isinstance(entry, str):
            entry = {"name": entry}
        name = str(entry.get("name") or "").strip()
        if not name:
            raise ValueError(f"Every target in {path} needs a name; found {entry!r}.")
        if name in seen:
            continue
        seen.add(name)
        targets.append(Target(name, str(entry.get("description") or "").strip() or name))
    return targets


def description(name: str, targets: list[Target] | None = None) -> str:
    """The description the model reads for a target; a target not in the file stands for itself."""
    for target in load() if targets is None else targets:
        if target.name.casefold() == name.strip().casefold():
            return target.description
    return name.strip()
