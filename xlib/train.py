"""Training phases on top of transformers + accelerate: single-task and multi-task fine-tuning.

Single-task training is multi-task training with one task, so there is one loop. The encoder is
shared by every task's head; batches are drawn from the tasks by a sampler (examples-proportional
with a cap, or temperature sampling). Mixed precision (bf16 autocast by default on GPUs that
support it), gradient accumulation and multi-GPU come from ``accelerate``; the schedule (10% linear
warm-up, linear decay) from ``transformers``. Batches are grouped by length and padded only to their longest member, AdamW is
fused, and gradient checkpointing is an option (``docs/speed.md``).
"""

from __future__ import annotations

import math
import random
from typing import Sequence

import numpy as np
import torch
from accelerate import Accelerator, DistributedDataParallelKwargs
from accelerate.state import AcceleratorState
from transformers import get_linear_schedule_with_warmup, set_seed

from .first_token import applies, first_token_only
from .formats.base import pad_collate
from .train_stats import ThroughputCounter
from .trainconfig import TrainConfig, resolve_precision


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


def length_grouped_batches(
    lengths: Sequence[int], batch_size: int, rng: random.Random, group: int = 50
) -> list[list[int]]:
    """Return shuffled batches of indices in which examples of similar length sit together."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    chunk = batch_size * group
    out = []
    for start in range(0, len(order), chunk):
        part = sorted(order[start : start + chunk], key=lambda i: lengths[i])
        out.extend(part[j : j + batch_size] for j in range(0, len(part), batch_size))
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


def train(
    models: dict[str, torch.nn.Module],
    features: dict[str, list[dict]],
    pad_token_id: int,
    cfg: TrainConfig,
    seed: int = 0,
    log_every: int = 50,
    stats: dict | None = None,
    selection=None,
) -> tuple[SharedEncoderModel, list[dict]]:
    """Fine-tune the task models (sharing one encoder) and return the trained module and a loss log.

    Batches are length-grouped and padded to their longest member (``pad_collate``), so compute
    follows the real tokens. Under ``accelerate launch`` every process draws the same task at each
    micro-step but its own batch of it (the ``process_index``-th of ``num_processes`` consecutive
    batches), so the effective batch is ``batch_size * grad_accum * num_processes``; the scheduler
    counts optimizer steps. When ``stats`` is a dict it is filled with the throughput counters of
    :class:`xlib.train_stats.ThroughputCounter` (benchmarks read them). ``selection`` (an
    :class:`xlib.selection.DevSelection`) validates the model as it trains, stops early and reloads
    the best weights at the end; its validations go to the log.
    """
    set_seed(seed)
    rng = random.Random(seed)
    shared = SharedEncoderModel(models)
    if cfg.gradient_checkpointing:
        for m in shared.heads.values():
            if hasattr(m, "activation_checkpointing_enable"):  # transformers >= 5.x name
                m.activation_checkpointing_enable(activation_checkpointing_kwargs={"use_reentrant": False})
            else:
                m.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    handlers = [DistributedDataParallelKwargs(find_unused_parameters=True)] if len(models) > 1 else []
    precision = resolve_precision(cfg.mixed_precision)
    fixed = AcceleratorState._shared_state.get("_mixed_precision")
    if fixed is not None and fixed != precision:
        # An earlier Accelerator in this process (a Trainer, a previous phase) fixed another precision;
        # accelerate refuses to change it. Forget that state (the process group, in PartialState, stays).
        AcceleratorState._reset_state()
    accelerator = Accelerator(
        mixed_precision=precision, gradient_accumulation_steps=cfg.grad_accum, kwargs_handlers=handlers
    )
    device = accelerator.device

    no_decay = ("bias", "LayerNorm.weight", "layer_norm.weight")
    named = list(shared.named_parameters())
    groups = [
        {"params": [p for n, p in named if not any(nd in n for nd in no_decay)], "weight_decay": cfg.weight_decay},
        {"params": [p for n, p in named if any(nd in n for nd in no_decay)], "weight_decay": 0.0},
    ]
    # Fused AdamW: one kernel for all parameters on CUDA (and a vectorised loop on CPU).
    optimizer = torch.optim.AdamW(
        groups, lr=cfg.learning_rate, eps=cfg.adam_epsilon, fused=device.type in ("cuda", "cpu")
    )

    sizes = {t: len(f) for t, f in features.items()}
    empty = [t for t, n in sizes.items() if n == 0]
    if empty:
        raise ValueError(f"no training examples for task(s) {', '.join(empty)}")
    weights = task_weights(sizes, cfg)
    world = accelerator.num_processes
    per_step = cfg.batch_size * cfg.grad_accum * world
    if cfg.max_steps:
        total_steps = int(cfg.max_steps)
    else:
        total_steps = max(1, math.ceil(cfg.epochs * sum(sizes.values()) / per_step))
    scheduler = get_linear_schedule_with_warmup(optimizer, int(cfg.warmup_ratio * total_steps), total_steps)
    # The scheduler is stepped by hand once per optimizer step: accelerate's prepared scheduler
    # would step num_processes times, as if the data were sharded by a prepared DataLoader.
    shared, optimizer = accelerator.prepare(shared, optimizer)

    lengths = {t: [_length(f) for f in feats] for t, feats in features.items()}
    queues: dict[str, list[list[int]]] = {t: [] for t in features}
    tasks, probs = list(weights), np.array([weights[t] for t in weights])
    np_rng = np.random.default_rng(seed)
    multiple = 8 if device.type == "cuda" else 1  # tensor-core friendly widths
    pin = device.type == "cuda"
    log = []
    running = {t: torch.zeros(2, device=device) for t in features}  # loss sum, count: no per-step sync
    counter = ThroughputCounter(stats, device) if stats is not None else None  # benchmarks only
    shared.train()
    # the last layer for position 0 only where every head reads nothing else (xlib.first_token)
    model = accelerator.unwrap_model(shared)
    shortcut = cfg.first_token_shortcut and applies(model.heads.values())
    with first_token_only(model.encoder(), shortcut):
        for step in range(total_steps):
            for _ in range(cfg.grad_accum):
                task = tasks[int(np_rng.choice(len(tasks), p=probs))]
                idx = _next_batch(queues, task, lengths[task], cfg.batch_size, rng, world, accelerator.process_index)
                batch = pad_collate([features[task][i] for i in idx], pad_token_id, multiple_of=multiple)
                if counter is not None:
                    counter.batch(task, idx, batch)
                batch = {k: (v.pin_memory() if pin else v).to(device, non_blocking=pin) for k, v in batch.items()}
                with accelerator.accumulate(shared):
                    loss = shared(task, **batch).loss
                    accelerator.backward(loss)
                    if accelerator.sync_gradients and cfg.max_grad_norm:
                        accelerator.clip_grad_norm_(shared.parameters(), cfg.max_grad_norm)
                    optimizer.step()
                    if accelerator.sync_gradients and not accelerator.optimizer_step_was_skipped:
                        scheduler.step()
                    optimizer.zero_grad(set_to_none=True)
                running[task] += torch.stack([loss.detach().float(), torch.ones((), device=device)])
            if counter is not None:
                counter.step(scheduler.get_last_lr()[0])
            if (step + 1) % log_every == 0 or step + 1 == total_steps:
                for t in tasks:  # same order and task draws on every process, so the reduce lines up
                    total = accelerator.reduce(running[t], "sum") if world > 1 else running[t]
                    if float(total[1]) > 0:
                        log.append({"step": step + 1, "task": t, "loss": float(total[0] / total[1])})
                running = {t: torch.zeros(2, device=device) for t in features}
            if selection is not None and selection.due(step + 1, total_steps):
                if selection.update(step + 1, model):
                    break
    if selection is not None:
        log += selection.history + [selection.restore(model)]
    if counter is not None:
        counter.finish(total_steps, world, accelerator.mixed_precision)
    return model, log


def _next_batch(queues, task, lengths, batch_size, rng, world, rank) -> list[int]:
    """Pop ``world`` batches of ``task`` (refilling its epoch queue as needed) and keep this process's one."""
    mine = []
    for r in range(world):
        if not queues[task]:
            queues[task] = length_grouped_batches(lengths, batch_size, rng)
        batch = queues[task].pop()
        if r == rank:
            mine = batch
    return mine
