"""What every task format provides, and the batching shared by all of them."""

from __future__ import annotations

import contextlib
from typing import Any, Sequence

import torch


class Format:
    """Interface of one task format; subclasses live in the sibling modules."""

    name: str = ""
    # the keyword options ``predict`` accepts beyond the common ones: a params file's ``retrieval:`` block and a
    # training config's ``extra.<format>`` options are checked against them and passed on by name
    predict_options: tuple[str, ...] = ()
    # the ways this format can score a task, the first the default; a task picks one with ``TaskSpec.scoring``
    scorings: tuple[str, ...] = ()

    def scoring(self, spec) -> str:
        """Return how this format scores ``spec``: its declared ``scoring``, else the format's first ("" if none)."""
        return spec.scoring or (self.scorings[0] if self.scorings else "")

    def build_model(self, encoder_path: str, spec, **load_kwargs):
        """Return a transformers model with this format's head on the encoder at ``encoder_path``."""
        raise NotImplementedError

    def featurize(self, examples: Sequence[dict], tokenizer, spec, max_length: int) -> list[dict]:
        """Return training features: dicts of python lists ready for ``pad_collate`` (with labels)."""
        raise NotImplementedError

    def predict(self, model, tokenizer, examples: Sequence[dict], spec, max_length: int, batch_size: int = 64) -> list:
        """Return one prediction per example, in example order (label id, tag list, answer text...)."""
        raise NotImplementedError

    def predict_details(
        self, model, tokenizer, examples: Sequence[dict], spec, max_length: int, batch_size: int = 64, **options
    ) -> tuple[list, dict[str, list]]:
        """Return ``(predictions, details)``: ``predict``'s output and extra per-example columns kept with the
        predictions (a dict of lists; none by default)."""
        return self.predict(model, tokenizer, examples, spec, max_length, batch_size, **options), {}

    def score(self, examples: Sequence[dict], predictions: list, spec) -> dict[str, float]:
        """Return the official metrics of this format on a 0-100 scale."""
        raise NotImplementedError


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Return the mean of ``hidden`` over the non-padding positions of ``mask`` (batch x hidden)."""
    m = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)


def pad_collate(features: Sequence[dict], pad_token_id: int, multiple_of: int = 1) -> dict[str, torch.Tensor]:
    """Return a batch dict of tensors, each key padded to the longest item in this batch.

    ``input_ids`` pad with ``pad_token_id``, ``labels`` lists with -100, everything else with 0;
    scalar values (class labels, start/end positions) are stacked. Nested lists (multiple choice:
    one sequence per choice) are padded on their last dimension. ``multiple_of`` rounds the padded
    width up (8 suits GPU tensor cores).
    """
    batch: dict[str, torch.Tensor] = {}
    for key in features[0]:
        values = [f[key] for f in features]
        if not isinstance(values[0], (list, tuple)):
            batch[key] = torch.tensor(values)
            continue
        pad = pad_token_id if key == "input_ids" else (-100 if key == "labels" else 0)
        if values[0] and isinstance(values[0][0], (list, tuple)):  # [choices][seq]
            width = _round_up(max(len(seq) for v in values for seq in v), multiple_of)
            batch[key] = torch.tensor([[list(seq) + [pad] * (width - len(seq)) for seq in v] for v in values])
        else:
            width = _round_up(max(len(v) for v in values), multiple_of)
            batch[key] = torch.tensor([list(v) + [pad] * (width - len(v)) for v in values])
    return batch


def _round_up(n: int, multiple: int) -> int:
    return -(-n // multiple) * multiple if multiple > 1 else n


def batches(items: Sequence[Any], size: int):
    """Yield consecutive slices of ``items`` of at most ``size`` elements."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def sorted_batches(lengths: Sequence[int], size: int):
    """Yield lists of indices grouped by length (longest first) so evaluation pads little."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    yield from batches(order, size)


def inference_autocast(device: torch.device):
    """Return an autocast context: bf16 on GPUs that support it (fp32 weights stay), else a no-op."""
    if device.type == "cuda" and torch.cuda.is_bf16_supported():
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def forward_outputs(
    model,
    features: Sequence[dict],
    pad_token_id: int,
    batch_size: int,
    key: str = "logits",
    drop: Sequence[str] = ("labels",),
) -> list[torch.Tensor]:
    """Return ``output[key]`` for each feature (in feature order), batched by length without gradients.

    Runs in ``torch.inference_mode`` (bf16 autocast on GPUs), longest batches first so padding is
    minimal and a batch that does not fit fails at once; outputs come back to the CPU as fp32
    (per-token outputs keep the batch's padded width).
    """
    device = next(model.parameters()).device
    lengths = [
        len(f["input_ids"]) if not isinstance(f["input_ids"][0], list) else max(len(s) for s in f["input_ids"])
        for f in features
    ]
    out: list[torch.Tensor | None] = [None] * len(features)
    multiple = 8 if device.type == "cuda" else 1
    model.eval()
    with torch.inference_mode(), inference_autocast(device):
        for idx in sorted_batches(lengths, batch_size):
            batch = pad_collate(
                [{k: v for k, v in features[i].items() if k not in drop} for i in idx],
                pad_token_id,
                multiple_of=multiple,
            )
            result = model(**{k: v.to(device, non_blocking=True) for k, v in batch.items()})
            values = result[key].float().cpu()
            for row, i in enumerate(idx):
                out[i] = values[row]
    return out  # type: ignore[return-value]
