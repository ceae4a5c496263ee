"""Throughput counters of one training loop, kept apart from it: what ``train(..., stats=dict)`` reports."""

from __future__ import annotations

import time

import torch


class ThroughputCounter:
    """Counts real and padded tokens, examples and per-step times of a training loop into the dict ``stats``.

    ``stats`` receives, at :meth:`finish`: ``tokens`` (non-padding), ``padded_tokens``, ``examples``,
    ``optimizer_steps``, wall ``seconds`` and per optimizer step the end time (``step_end``, device
    synchronised), process CPU time (``step_cpu``), real tokens (``step_tokens``) and learning rate
    (``step_lr``), plus every drawn batch (``batches``: task, example indices).
    """

    def __init__(self, stats: dict, device: torch.device):
        self.stats, self.device = stats, device
        self.counters = {"tokens": 0, "padded_tokens": 0, "examples": 0}
        self.step_end, self.step_cpu, self.step_tokens, self.step_lr, self.drawn = [], [], [], [], []
        self.tokens_this_step = 0
        self.start = time.perf_counter()

    def batch(self, task: str, idx: list[int], batch: dict) -> None:
        """Count one drawn batch (before it moves to the device)."""
        ids = [v for k, v in batch.items() if k.endswith("input_ids")]  # pos_input_ids too
        masks = [v for k, v in batch.items() if k.endswith("attention_mask")]
        real = sum(int(m.sum()) for m in masks) if masks else sum(int(v.numel()) for v in ids)
        self.tokens_this_step += real
        self.counters["tokens"] += real
        self.counters["padded_tokens"] += sum(int(v.numel()) for v in ids)
        self.counters["examples"] += len(idx)
        self.drawn.append((task, list(idx)))

    def step(self, learning_rate: float) -> None:
        """Record the end of one optimizer step (waiting for the device first)."""
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)
        self.step_end.append(time.perf_counter())
        self.step_cpu.append(time.process_time())
        self.step_tokens.append(self.tokens_this_step)
        self.step_lr.append(learning_rate)
        self.tokens_this_step = 0

    def finish(self, optimizer_steps: int, processes: int, mixed_precision: str) -> None:
        """Write every counter into ``stats``."""
        self.stats.update(
            self.counters,
            optimizer_steps=optimizer_steps,
            seconds=time.perf_counter() - self.start,
            step_end=self.step_end,
            step_cpu=self.step_cpu,
            step_tokens=self.step_tokens,
            step_lr=self.step_lr,
            batches=self.drawn,
            processes=processes,
            mixed_precision=mixed_precision,
            device=str(self.device),
        )
