"""Named model specs and loading them once per process, offline by default.

Each task has a bundled model (ONNX weights committed under models/weights/<name>/). A deployment with the
internet may name a hub model instead (PARLEY_SENTIMENT_MODEL / PARLEY_STANCE_MODEL, and PARLEY_ONLINE=1 to
allow the download); if that model cannot be loaded the bundled one is used and a notice says so, because an
analyst must know which model produced the numbers they brief on.
"""
from __future__ import annotations

import importlib.util
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from models.classifier import Classifier, OnnxModel, digest_of, open_model

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
# An NLI model needs a sentence to judge, not a bare target phrase.
NLI_HYPOTHESIS = "The speaker supports {}."

# Hub models name their classes in many ways; these are the ones that mean ours. An NLI model reads a
# stance target as a hypothesis: entailed = in favour, contradicted = against.
_LABEL_ALIASES = {
    "sentiment": {
        "negative": "negative", "neg": "negative", "neutral": "neutral", "neu": "neutral",
        "positive": "positive", "pos": "positive",
        "label_0": "negative", "label_1": "neutral", "label_2": "positive",
    },
    "stance": {
        "favor": "favor", "favour": "favor", "against": "against", "none": "none",
        "entailment": "favor", "contradiction": "against", "neutral": "none",
    },
}


@dataclass(frozen=True)
class ModelSpec:
    name: str
    task: str
    labels: tuple[str, ...]
    bundled: Path
    hub_env: str  # environment variable that may name a hub model for this task


SPECS: dict[str, ModelSpec] = {
    "sentiment": ModelSpec(
        "parley-sentiment", "sentiment", ("negative", "neutral", "positive"),
        WEIGHTS_DIR / "parley-sentiment", "PARLEY_SENTIMENT_MODEL",
    ),
    "stance": ModelSpec(
        "parley-stance", "stance", ("favor", "against", "none"),
        WEIGHTS_DIR / "parley-stance", "PARLEY_STANCE_MODEL",
    ),
}


@dataclass
class LoadedModel:
    spec: ModelSpec
    classifier: OnnxModel
    source: str  # "bundled" or the hub id
    # Bundled stance models read (statement, target); a hub NLI model reads (statement, hypothesis).
    nli: bool = False
    notice: str = ""

    def predict(self, texts: list[str], progress=None) -> tuple[list[str], list[float]]:
        """Labels and their probabilities for single texts (sentiment)."""
        return self.classifier.predict(texts, progress=progress)

    def predict_stance(self, texts: list[str], descriptions: list[str], progress=None) -> tuple[list[str], list[float]]:
        """Stance of each text toward the target described alongside it."""
        if not self.nli:
            return self.classifier.predict(texts, descriptions, progress=progress)
        hypotheses = [NLI_HYPOTHESIS.format(d) for d in descriptions]
        return self.classifier.predict(hypotheses, texts, progress=progress)

    @property
    def name(self) -> str:
        """What the model column of scored tables holds: model name @ weights digest."""
        base = self.spec.name if self.source == "bundled" else self.source
        return model_name(base, self.classifier.digest)


_loaded: dict[tuple[str, str], LoadedModel] = {}
_lock = threading.Lock()


def online() -> bool:
    return os.environ.get("PARLEY_ONLINE", "").strip().lower() in {"1", "true", "yes"}


if not online():
    # Nothing in this process may reach a model hub unless the deployment asked for it.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")


def model_name(base: str, digest: str) -> str:
    return f"{base}@{digest}"


def planned_name(task: str) -> str | None:
    """The name `load(task).name` will have, learnt from the weight files without loading the model; None
    when it cannot be known without loading (a hub model is asked for) or the model could not be loaded (no
    bundled weights, no ONNX Runtime or tokenizer)."""
    spec = SPECS[task]
    if os.environ.get(spec.hub_env, "").strip():
        return None
    with _lock:
        if (task, "") in _loaded:
            return _loaded[(task, "")].name
    if not spec.bundled.is_dir():
        return None
    if any(importlib.util.find_spec(module) is None for module in ("onnxruntime", "transformers")):
        return None
    try:
        return model_name(spec.name, digest_of(spec.bundled))
    except OSError:
        return None


def load(task: str, hub_id: str | None = None) -> LoadedModel:
    """The model for `task` (sentiment or stance), loaded once per process.

    `hub_id` (else the task's environment variable) names a hub model to try first.
    """
    if task not in SPECS:
        raise ValueError(f"Unknown model task {task!r}; choose one of {', '.join(SPECS)}.")
    spec = SPECS[task]
    wanted = (hub_id if hub_id is not None else os.environ.get(spec.hub_env, "")).strip()
    with _lock:
        key = (task, wanted)
        if key not in _loaded:
            _loaded[key] = _load(spec, wanted)
        return _loaded[key]


def _load(spec: ModelSpec, hub_id: str) -> LoadedModel:
    notice = ""
    if hub_id:
        try:
            return _from_hub(spec, hub_id)
        except Exception as error:  # any failure: say so, then serve the bundled model
            reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            notice = (
                f"The {spec.task} model {hub_id!r} could not be loaded ({reason[:200]}); "
                f"using the bundled model {spec.name} instead."
            )
    return LoadedModel(spec, _bundled(spec), "bundled", notice=notice)


def _bundled(spec: ModelSpec) -> OnnxModel:
    if not spec.bundled.is_dir():
        raise FileNotFoundError(
            f"The bundled {spec.task} model is missing from {spec.bundled}; "
            f"rebuild it with `python -m models train {spec.task}`."
        )
    return open_model(spec.bundled, labels=spec.labels)


def _from_hub(spec: ModelSpec, hub_id: str) -> LoadedModel:
    """A hub model that ships an ONNX graph (so no torch is needed), its labels mapped onto ours."""
    from huggingface_hub import snapshot_download

    directory = snapshot_download(
        hub_id,
        allow_patterns=["*.json", "*.txt", "*.model", "model.onnx", "onnx/model.onnx"],
        local_files_only=not online(),
    )
    classifier = Classifier(Path(directory))
    aliases = _LABEL_ALIASES[spec.task]
    mapped = [aliases.get(label.lower()) for label in classifier.labels]
    if None in mapped or set(mapped) != set(spec.labels):
        raise ValueError(f"its labels {classifier.labels} do not map onto {list(spec.labels)}")
    classifier.labels = mapped
    return LoadedModel(spec, classifier, hub_id, nli=spec.task == "stance")
