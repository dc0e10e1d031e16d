"""Long texts read whole in bounded token windows, batched by tokens, and pooled back to one row per text.

A transcript turn can run to 60,000 characters. Truncating it reads only its opening lines (and misses the
position stated later); feeding it whole makes one batch as large as the longest text, which is what took
scoring to 2 GB. So every text is cut into windows of at most WINDOW_TOKENS tokens, each window is one
input row, rows are grouped into batches of at most TOKEN_BUDGET padded tokens, and each text's window
outputs are pooled, weighted by how many tokens each window holds. A text that fits one window is read
exactly as before. Training embeds through the same functions, so the models learn what they will see.

No torch here: the ONNX inference and the training code share it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterator, Sequence

import numpy as np

# The encoder was pre-trained (and our heads trained) on inputs of up to 128 tokens.
WINDOW_TOKENS = 128
# Padded tokens per batch: the batch's rows × its longest row. Bounds the activations a batch holds.
TOKEN_BUDGET = 2048
MAX_ROWS = 32


@dataclass(frozen=True)
class Window:
    owner: int  # index of the text this window belongs to
    input_ids: list[int]
    token_type_ids: list[int]
    weight: int  # content tokens it holds, its share in the pooled output


def windows(tokenizer, texts: Sequence[str], firsts: Sequence[str] | None = None,
            size: int = WINDOW_TOKENS) -> list[Window]:
    """The windows of every text, in text order; with `firsts`, each window is the pair (firsts[i], window).

    A text is cut into the fewest windows that fit, of near-equal length, so that no window is a stub of a
    few tokens that would weigh as much in the model's reading as it does little in the text.
    """
    cls, sep = tokenizer.cls_token_id, tokenizer.sep_token_id
    body = tokenizer(list(texts), add_special_tokens=False)["input_ids"]
    heads = tokenizer(list(firsts), add_special_tokens=False)["input_ids"] if firsts is not None else None
    out = []
    for owner, ids in enumerate(body):
        head = heads[owner][: size // 2] if heads is not None else None
        room = size - 2 - (len(head) + 1 if head is not None else 0)
        parts = max(1, math.ceil(len(ids) / room))
        base, extra = divmod(len(ids), parts)
        begin = 0
        for part in range(parts):
            piece = ids[begin : begin + base + (part < extra)]
            begin += len(piece)
            if head is None:
                tokens, types = [cls, *piece, sep], [0] * (len(piece) + 2)
            else:
                tokens = [cls, *head, sep, *piece, sep]
                types = [0] * (len(head) + 2) + [1] * (len(piece) + 1)
            out.append(Window(owner, tokens, types, max(len(piece), 1)))
    return out


def batches(rows: Sequence[Window], budget: int = TOKEN_BUDGET, max_rows: int = MAX_ROWS) -> Iterator[list[int]]:
    """Indices of `rows` in batches of similar length, each within `budget` padded tokens."""
    order = sorted(range(len(rows)), key=lambda i: len(rows[i].input_ids))
    batch: list[int] = []
    for i in order:
        width = len(rows[i].input_ids)  # the longest so far, as the order is by length
        if batch and ((len(batch) + 1) * width > budget or len(batch) >= max_rows):
            yield batch
            batch = []
        batch.append(i)
    if batch:
        yield batch


def padded(rows: Sequence[Window], index: Sequence[int]) -> dict[str, np.ndarray]:
    """The encoder inputs of the windows `index`, right-padded to the longest (int64, as the graphs take)."""
    width = max(len(rows[i].input_ids) for i in index)
    ids = np.zeros((len(index), width), dtype=np.int64)
    types = np.zeros_like(ids)
    mask = np.zeros_like(ids)
    for r, i in enumerate(index):
        n = len(rows[i].input_ids)
        ids[r, :n] = rows[i].input_ids
        types[r, :n] = rows[i].token_type_ids
        mask[r, :n] = 1
    return {"input_ids": ids, "token_type_ids": types, "attention_mask": mask}


def pool(outputs: np.ndarray, rows: Sequence[Window], n: int, blocks: int = 0) -> np.ndarray:
    """One row per text: the token-weighted mean of its windows' outputs.

    `blocks` > 0 means each output row is that many unit-length embeddings side by side (the bi-encoder's
    layers); each pooled block is scaled back to unit length so that a long text's embedding lives where
    the head was trained. Logits (blocks = 0) are averaged as they are.
    """
    width = outputs.shape[1]
    total = np.zeros((n, width), dtype=np.float64)
    weights = np.zeros(n, dtype=np.float64)
    for row, window in zip(outputs, rows):
        total[window.owner] += window.weight * row
        weights[window.owner] += window.weight
    pooled = total / np.maximum(weights, 1e-9)[:, None]
    if blocks:
        parts = pooled.reshape(n, blocks, width // blocks)
        parts /= np.maximum(np.linalg.norm(parts, axis=2, keepdims=True), 1e-12)
        pooled = parts.reshape(n, width)
    return pooled.astype(np.float32)
