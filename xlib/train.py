"""Training phases on top of transformers + accelerate: single-task and multi-task fine-tuning.

Single-task training is multi-task training with one task, so there is one loop. The encoder is
shared by every task's head; batches are drawn from the tasks by a sampler (examples-proportional
with a cap, or temperature sampling). Mixed precision, gradient accumulation and multi-GPU come from
``accelerate``; the schedule (10% linear warm-up, linear decay) from ``transformers``.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field, fields
from typing import Sequence

import numpy as np
import torch
from accelerate import Accelerator
from transformers import get_linear_schedule_with_warmup, set_seed

from .formats.base import pad_collate


@dataclass
class TrainConfig:
    """Hyperparameters of one training phase (defaults: jiant's XTREME recipe, scaled by the params file)."""

    learning_rate: float = 1e-5
    epochs: float = 3.0
    max_steps: int | None = None          # overrides epochs when set
    batch_size: int = 32                  # effective batch = batch_size * grad_accum * processes
    grad_accum: int = 1
    warmup_ratio: float = 0.1
    weight_decay: float = 0.01
    adam_epsilon: float = 1e-8
    max_grad_norm: float = 1.0
    max_length: int = 128
    mixed_precision: str = "no"           # "no", "bf16" or "fp16" (accelerate)
    sampling: str = "proportional"        # "proportional" (with cap) or "temperature"
    sampling_cap: int | None = None       # examples-proportional cap (Raffel et al. 2020)
    temperature: float = 2.0
    gradient_checkpointing: bool = False
    extra: dict = field(default_factory=dict)  # per-format options (e.g. QA doc stride)

    @classmethod
    def from_dict(cls, values: dict | None) -> "TrainConfig":
        """Return a config from a params mapping, rejecting unknown keys with their names."""
        values = dict(values or {})
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown training option(s) {', '.join(unknown)}; expected some of {', '.join(sorted(known))}")
        return cls(**values)


def task_weights(sizes: dict[str, int], cfg: TrainConfig) -> dict[str, float]:
    """Return the probability of drawing each task's next batch under the configured sampling scheme."""
    if cfg.sampling == "proportional":
        raw = {t: float(min(n, cfg.sampling_cap) if cfg.sampling_cap else n) for t, n in sizes.items()}
    elif cfg.sampling == "temperature":
        raw = {t: float(n) ** (1.0 / cfg.temperature) for t, n in sizes.items()}
    else:
        raise ValueError(f"unknown sampling {cfg.sampling!r}; expected 'proportional' or 'temperature'")
    total = sum(raw.values())
    return {t: w / total for t, w in raw.items()}


def length_grouped_batches(lengths: Sequence[int], batch_size: int, rng: random.Random,
                           group: int = 50) -> list[list[int]]:
    """Return shuffled batches of indices in which examples of similar length sit together."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    chunk = batch_size * group
    out = []
    for start in range(0, len(order), chunk):
        part = sorted(order[start:start + chunk], key=lambda i: lengths[i])
        out.extend(part[j:j + batch_size] for j in range(0, len(part), batch_size))
    rng.shuffle(out)
    return out


def _length(feature: dict) -> int:
    ids = feature["input_ids"]
    return max(len(s) for s in ids) if ids and isinstance(ids[0], list) else len(ids)


class SharedEncoderModel(torch.nn.Module):
    """Task heads (transformers models) that share one encoder module."""

    def __init__(self, models: dict[str, torch.nn.Module]):
        super().__init__()
        names = list(models)
        first = models[names[0]]
        self.prefix = first.base_model_prefix
        encoder = getattr(first, self.prefix)
        for name in names[1:]:
            setattr(models[name], self.prefix, encoder)
        self.heads = torch.nn.ModuleDict({_key(n): m for n, m in models.items()})

    def forward(self, task: str, **batch):
        """Return the output of ``task``'s model on ``batch`` (loss included when labels are given)."""
        return self.heads[_key(task)](**batch)

    def encoder(self):
        """Return the shared encoder module."""
        return getattr(next(iter(self.heads.values())), self.prefix)


def _key(task: str) -> str:
    return task.replace(".", "_")


def train(models: dict[str, torch.nn.Module], features: dict[str, list[dict]], pad_token_id: int,
          cfg: TrainConfig, seed: int = 0, log_every: int = 50) -> tuple[SharedEncoderModel, list[dict]]:
    """Fine-tune the task models (sharing one encoder) and return the trained module and a loss log."""
    set_seed(seed)
    rng = random.Random(seed)
    shared = SharedEncoderModel(models)
    if cfg.gradient_checkpointing:
        for m in shared.heads.values():
            m.gradient_checkpointing_enable()
    accelerator = Accelerator(mixed_precision=cfg.mixed_precision, gradient_accumulation_steps=cfg.grad_accum)

    no_decay = ("bias", "LayerNorm.weight", "layer_norm.weight")
    named = list(shared.named_parameters())
    groups = [
        {"params": [p for n, p in named if not any(nd in n for nd in no_decay)], "weight_decay": cfg.weight_decay},
        {"params": [p for n, p in named if any(nd in n for nd in no_decay)], "weight_decay": 0.0},
    ]
    fused = torch.cuda.is_available()
    optimizer = torch.optim.AdamW(groups, lr=cfg.learning_rate, eps=cfg.adam_epsilon, fused=fused)

    sizes = {t: len(f) for t, f in features.items()}
    empty = [t for t, n in sizes.items() if n == 0]
    if empty:
        raise ValueError(f"no training examples for task(s) {', '.join(empty)}")
    weights = task_weights(sizes, cfg)
    per_step = cfg.batch_size * cfg.grad_accum
    if cfg.max_steps:
        total_steps = int(cfg.max_steps)
    else:
        total_steps = max(1, math.ceil(cfg.epochs * sum(sizes.values()) / per_step))
    scheduler = get_linear_schedule_with_warmup(optimizer, int(cfg.warmup_ratio * total_steps), total_steps)
    shared, optimizer, scheduler = accelerator.prepare(shared, optimizer, scheduler)

    lengths = {t: [_length(f) for f in feats] for t, feats in features.items()}
    queues: dict[str, list[list[int]]] = {t: [] for t in features}
    tasks, probs = list(weights), np.array([weights[t] for t in weights])
    np_rng = np.random.default_rng(seed)
    log, running = [], {t: [] for t in features}
    shared.train()
    for step in range(total_steps):
        for _ in range(cfg.grad_accum):
            task = tasks[int(np_rng.choice(len(tasks), p=probs))]
            if not queues[task]:
                queues[task] = length_grouped_batches(lengths[task], cfg.batch_size, rng)
            idx = queues[task].pop()
            batch = pad_collate([features[task][i] for i in idx], pad_token_id)
            batch = {k: v.to(accelerator.device) for k, v in batch.items()}
            with accelerator.accumulate(shared):
                loss = shared(task, **batch).loss
                accelerator.backward(loss)
                if accelerator.sync_gradients and cfg.max_grad_norm:
                    accelerator.clip_grad_norm_(shared.parameters(), cfg.max_grad_norm)
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad()
            running[task].append(float(loss.detach()))
        if (step + 1) % log_every == 0 or step + 1 == total_steps:
            for t, values in running.items():
                if values:
                    log.append({"step": step + 1, "task": t, "loss": float(np.mean(values))})
            running = {t: [] for t in features}
    return accelerator.unwrap_model(shared), log
