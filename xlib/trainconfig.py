"""The training options of one phase (the params' ``intermediate:`` and ``target:`` blocks) as a typed record.

Each field carries its type, default and help text in one place (as ``HfArgumentParser`` dataclasses
do), so ``python -m xlib run --help`` lists them; :meth:`TrainConfig.from_dict` rejects a key that is
not a field. Kept apart from :mod:`xlib.train` so that reading it needs no torch.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from .fielddocs import Documented

PRECISIONS = ("auto", "no", "bf16", "fp16")


def _option(default=None, help: str = ""):  # noqa: A002  (the dataclass-argument convention of HfArgumentParser)
    if isinstance(default, dict):
        return field(default_factory=dict, metadata={"help": help})
    return field(default=default, metadata={"help": help})


@dataclass
class TrainConfig(Documented):
    """Hyperparameters of one training phase (defaults: jiant's XTREME recipe, scaled by the params file)."""

    learning_rate: float = _option(1e-5, "peak learning rate of AdamW")
    epochs: float = _option(3.0, "passes over the training data (fractions allowed)")
    max_steps: int | None = _option(None, "optimizer steps to train; overrides epochs when set")
    batch_size: int = _option(
        32, "examples per batch and process; effective batch = batch_size * grad_accum * processes"
    )
    grad_accum: int = _option(1, "batches whose gradients are accumulated before each optimizer step")
    warmup_ratio: float = _option(0.1, "share of the steps with a linear learning-rate warm-up (then linear decay)")
    weight_decay: float = _option(0.01, "AdamW weight decay")
    adam_epsilon: float = _option(1e-8, "AdamW epsilon")
    max_grad_norm: float = _option(1.0, "gradients are clipped to this norm")
    max_length: int = _option(128, "longest input in sub-word tokens; longer inputs are cut (QA: split into windows)")
    mixed_precision: str = _option("auto", '"auto" (bf16 on GPUs that support it), "no", "bf16" or "fp16"')
    sampling: str = _option(
        "proportional", 'how a multi-task run picks the next batch\'s task: "proportional" (with cap) or "temperature"'
    )
    sampling_cap: int | None = _option(
        None, "examples-proportional sampling: a task counts at most this many examples (Raffel et al. 2020)"
    )
    temperature: float = _option(2.0, "temperature sampling: task weights are sizes ** (1 / temperature)")
    gradient_checkpointing: bool = _option(False, "recompute activations in the backward pass (less memory, slower)")
    first_token_shortcut: bool = _option(
        True,
        "classification and multiple-choice heads: the last layer computes only the first token, the one they read "
        "(xlib.first_token; same function, fewer multiply-adds)",
    )
    # dev-based checkpoint selection / early stopping (xlib.selection; jiant's values: 1000, 30, 500)
    select_on_dev: bool = _option(
        False, "keep the checkpoint that scores best on the English dev set, and stop early (xlib.selection)"
    )
    eval_every: int = _option(1000, "select_on_dev: optimizer steps between validations on the English dev set")
    patience: int = _option(30, "select_on_dev: validations without a gain before stopping (0: never stop early)")
    eval_examples: int | None = _option(500, "select_on_dev: the first n dev examples validate (None: all)")
    eval_split: str | None = _option(
        None, "the split scored in every language: test or validation (None: the task's eval_split)"
    )
    extra: dict = _option(
        {},
        "options per format family, e.g. {qa: {stride: 128, max_query_length: 64}} or {retrieval: {query_length: 96}}",
    )

    @classmethod
    def from_dict(cls, values: dict | None) -> "TrainConfig":
        """Return a config from a params mapping, rejecting unknown keys with their names."""
        values = dict(values or {})
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(
                f"unknown training option(s) {', '.join(unknown)}; expected some of {', '.join(sorted(known))}"
            )
        cfg = cls(**values)
        resolve_precision(cfg.mixed_precision)
        return cfg


def resolve_precision(mixed_precision: str) -> str:
    """Return accelerate's mixed-precision mode for a config value ("auto": bf16 where the GPU supports it)."""
    if mixed_precision not in PRECISIONS:
        raise ValueError(f"unknown mixed_precision {mixed_precision!r}; expected one of {', '.join(PRECISIONS)}")
    if mixed_precision == "auto":
        import torch

        return "bf16" if torch.cuda.is_available() and torch.cuda.is_bf16_supported() else "no"
    return mixed_precision
