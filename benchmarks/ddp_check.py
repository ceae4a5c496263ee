#!/usr/bin/env python
"""Check xlib's training path under ``accelerate launch`` with several processes (CPU: gloo backend).

    ACCELERATE_USE_CPU=1 accelerate launch --multi_gpu --num_processes 2 --num_machines 1 \\
        --mixed_precision no --dynamo_backend no benchmarks/ddp_check.py

(``accelerate launch --cpu --num_processes 2`` starts several CPU processes only through
``mpirun``; without MPI, ``--multi_gpu`` starts them with torchrun and ``ACCELERATE_USE_CPU=1``
makes accelerate run them as ``MULTI_CPU`` with the gloo backend. On GPUs drop that variable.)

Trains a tiny random XLM-R-architecture model on two tasks at once (sentence classification and
token tagging sharing one encoder, so DDP must tolerate the head that a step does not use) and
checks, across processes: every process drew the same task at every micro-step but different
examples; the parameters are identical afterwards (gradients were all-reduced); the loss log exists
on the main process and is the same everywhere (losses are reduced before logging). Prints
``ddp-check ok`` on the main process, or raises.
"""

from __future__ import annotations

import sys
from pathlib import Path

import torch
import torch.distributed as dist

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    from accelerate.state import AcceleratorState
    from transformers import XLMRobertaConfig, XLMRobertaForSequenceClassification, XLMRobertaForTokenClassification

    from xlib.train import TrainConfig, train

    torch.manual_seed(0)
    config = XLMRobertaConfig(
        vocab_size=100,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        type_vocab_size=1,
        pad_token_id=1,
        num_labels=3,
    )
    models = {"cls": XLMRobertaForSequenceClassification(config), "tag": XLMRobertaForTokenClassification(config)}
    g = torch.Generator().manual_seed(1)

    def example(task, i):
        n = 4 + i % 13
        ids = [0] + torch.randint(5, 100, (n,), generator=g).tolist() + [2]
        labels = int(ids[1] % 3) if task == "cls" else [-100] + [t % 3 for t in ids[1:-1]] + [-100]
        return {"input_ids": ids, "attention_mask": [1] * len(ids), "labels": labels}

    features = {t: [example(t, i) for i in range(96)] for t in models}
    cfg = TrainConfig(learning_rate=2e-3, max_steps=12, batch_size=8, warmup_ratio=0.0, mixed_precision="no")
    stats: dict = {}
    shared, log = train(models, features, 1, cfg, seed=0, log_every=4, stats=stats)

    checksum = float(sum(p.detach().double().sum() for p in shared.parameters()))
    mine = {"batches": stats["batches"], "checksum": checksum, "log": log, "processes": stats["processes"]}
    state = AcceleratorState()  # the state train() set up (a PartialState made earlier would pin it)
    if not dist.is_initialized() or state.num_processes < 2:
        raise SystemExit(
            f"ddp-check: expected several processes, got {state.num_processes} "
            f"({state.distributed_type}); see the launch command in this file's docstring"
        )
    everyone = [None] * state.num_processes
    dist.all_gather_object(everyone, mine)
    if state.is_main_process:
        assert all(e["processes"] == state.num_processes for e in everyone), "train() did not see every process"
        steps = list(zip(*[e["batches"] for e in everyone]))
        assert len(steps) == cfg.max_steps, len(steps)
        for draws in steps:
            assert len({task for task, _ in draws}) == 1, f"processes drew different tasks: {draws}"
            seen = [set(idx) for _, idx in draws]
            assert not set.intersection(*seen), f"processes drew the same examples: {draws}"
        sums = [e["checksum"] for e in everyone]
        assert max(sums) - min(sums) < 1e-9 * max(1.0, abs(sums[0])), f"parameters diverged: {sums}"
        assert log and all(e["log"] == log for e in everyone), "loss logs differ between processes"
        tasks = {r["task"] for r in log}
        assert tasks == {"cls", "tag"}, tasks
        print(
            f"ddp-check ok: {state.num_processes} processes, backend {dist.get_backend()}, "
            f"{cfg.max_steps} steps, {len(log)} loss-log rows, final losses "
            + ", ".join(f"{r['task']} {r['loss']:.3f}" for r in log[-2:])
        )
    state.wait_for_everyone()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
