#!/usr/bin/env python
"""Training, evaluation and retrieval-search throughput: the standard recipe against xlib, side by side.

Trains the same randomly initialised XLM-R-architecture sequence-pair classifier on the same
synthetic XNLI-like data for the same number of steps, three times in this one process:

(a) the standard recipe: ``transformers.Trainer`` as in the Hugging Face XNLI example
    (``run_xnli.py`` defaults: every example padded to ``max_seq_length`` 128, fp32, the
    Trainer's default optimizer),
(c) the peer at its best: the same Trainer with length-grouped batches
    (``train_sampling_strategy="group_by_length"``, the transformers 5 name of the old
    ``group_by_length=True``) and dynamic padding (``DataCollatorWithPadding``), bf16 (``bf16=True``)
    on GPUs that support it, fp32 on CPU unless ``--cpu-bf16``, and
(b) ``xlib.train.train``: length-grouped batches padded to their longest member, fused AdamW,
    the last layer computed for the first token only (the one the classification head reads:
    ``xlib.first_token``; ``--no-first-token`` trains the full last layer), bf16 autocast on GPUs
    that support it (fp32 on CPU).

Both use the same initial weights, data, steps, batch size, learning rate, warm-up, weight decay and
clipping. Throughput counts real (non-padding) tokens only and is measured from the end of the
``--warmup``-th optimizer step to the end of the last one; with ``--repeats N`` the two paths run
N times, alternating, and the best of each is reported. Then it times evaluation (tokens per
second; Trainer.predict padded to max length vs ``forward_outputs``) and exact cosine top-k
retrieval search (queries per second at each ``--candidates`` pool size), prints the compute that
phase-(ii) reuse saves on the study grids, and ends with ``speedup: <(b)/(a) training tokens/s>`` and
``speedup_vs_best: <(b)/(c) training tokens/s>`` (best of the repeats of each).

The length distribution (XNLI/MNLI premise + hypothesis in XLM-R subword tokens, specials included):
log-normal with median ``--median-length`` 40 and sigma 0.5 (mean about 45), clipped to [8, max length].

    python benchmarks/throughput.py                      # CPU: the miniature model's shape
    python benchmarks/throughput.py --model large        # GPU: XLM-R Large shape, bf16, MFU
"""

from __future__ import annotations

import argparse
import copy
import gc
import math
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SHAPES = {  # XLM-R-architecture shapes: the embedded miniature (params/miniature.yaml) and XLM-R Large
    "miniature": dict(
        vocab_size=4000, hidden_size=128, num_hidden_layers=4, num_attention_heads=4, intermediate_size=512
    ),
    "large": dict(
        vocab_size=250002, hidden_size=1024, num_hidden_layers=24, num_attention_heads=16, intermediate_size=4096
    ),
}
# Dense bf16 tensor-core peaks (TFLOPS) from the vendors' data sheets, matched on the device name.
PEAK_BF16_TFLOPS = [
    ("H200", 989.4),
    ("H100 PCIe", 756.0),
    ("H100 NVL", 835.0),
    ("H100", 989.4),
    ("GH200", 989.4),
    ("A100", 312.0),
    ("L40S", 362.05),
    ("L4", 121.0),
]
PAD, BOS, EOS = 1, 0, 2


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument(
        "--model",
        choices=["auto", "miniature", "large"],
        default="auto",
        help="model shape (auto: large on a GPU, miniature on CPU)",
    )
    p.add_argument("--steps", type=int, default=100, help="optimizer steps per training path")
    p.add_argument("--warmup", type=int, default=5, help="steps excluded from the timing")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--grad-accum", type=int, default=1)
    p.add_argument("--gradient-checkpointing", action="store_true")
    p.add_argument("--max-length", type=int, default=128)
    p.add_argument("--median-length", type=float, default=40.0)
    p.add_argument("--train-examples", type=int, default=4000)
    p.add_argument("--eval-examples", type=int, default=2000)
    p.add_argument(
        "--eval-batch-size",
        type=int,
        default=64,
        help="xlib's sorted evaluation batches (64: xlib.pipeline.evaluate's default)",
    )
    p.add_argument("--queries", type=int, default=1000)
    p.add_argument("--candidates", default="100000,1000000", help="comma-separated pool sizes ('' skips)")
    p.add_argument("--top-k", type=int, default=20)
    p.add_argument(
        "--peak-tflops", type=float, default=None, help="bf16 peak for MFU (default: looked up from the GPU's name)"
    )
    p.add_argument(
        "--grid",
        action="append",
        default=None,
        help="params file(s) for the phase-(ii) reuse summary (default: params/miniature.yaml "
        "and params/phang2020.yaml where present)",
    )
    p.add_argument(
        "--repeats",
        type=int,
        default=1,
        help="run (a) then (b) this many times, alternating, and report the best of each "
        "(damps interference from other load on a shared machine)",
    )
    p.add_argument(
        "--clock",
        choices=["auto", "wall", "cpu"],
        default="auto",
        help="time base of tokens/s (auto: wall on a GPU; process CPU time on CPU, which other "
        "load on a shared machine does not inflate)",
    )
    p.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    p.add_argument(
        "--cpu-bf16",
        action="store_true",
        help="on CPU, train (b) and (c) under bf16 autocast (the Trainer's bf16=True, xlib's "
        "mixed_precision bf16); (a) stays the fp32 recipe",
    )
    p.add_argument(
        "--no-first-token",
        action="store_true",
        help="(b) trains the full last layer (xlib's first_token_shortcut off): the shortcut's share of the lead",
    )
    p.add_argument("--lr", type=float, default=1e-5)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    if args.repeats < 1:
        p.error("--repeats must be at least 1")
    if not 1 <= args.warmup < args.steps:
        p.error(f"--warmup ({args.warmup}) must be at least 1 and smaller than --steps ({args.steps})")
    return args


def synthetic_data(n: int, vocab: int, max_length: int, median: float, rng: np.random.Generator):
    """Return features with XNLI-like lengths (log-normal, clipped) and random token ids and labels."""
    lengths = np.clip(np.round(rng.lognormal(math.log(median), 0.5, n)), 8, max_length).astype(int)
    feats = []
    for length in lengths:
        ids = [BOS] + rng.integers(5, vocab, int(length) - 2).tolist() + [EOS]
        feats.append({"input_ids": ids, "attention_mask": [1] * len(ids), "labels": int(rng.integers(0, 3))})
    return feats


def padded(feats, max_length: int):
    """Return the features padded to ``max_length`` (the XNLI example's pad_to_max_length)."""
    return [
        {
            "input_ids": f["input_ids"] + [PAD] * (max_length - len(f["input_ids"])),
            "attention_mask": f["attention_mask"] + [0] * (max_length - len(f["input_ids"])),
            "labels": f["labels"],
        }
        for f in feats
    ]


class PeakMemory:
    """Peak memory of a block: CUDA allocator peak on GPUs, else the process's peak RSS (Linux VmHWM)."""

    def __init__(self, device: torch.device):
        self.device, self.peak_mib, self.start_mib = device, float("nan"), float("nan")

    @staticmethod
    def _status_mib(key: str) -> float:
        try:
            for line in Path("/proc/self/status").read_text().splitlines():
                if line.startswith(key):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return float("nan")

    def __enter__(self):
        if self.device.type == "cuda":
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
            self.start_mib = torch.cuda.memory_allocated() / 2**20
        else:
            try:  # "5" resets the peak RSS (VmHWM) to the current RSS (Linux >= 4.0)
                Path("/proc/self/clear_refs").write_text("5")
            except OSError:
                pass
            self.start_mib = self._status_mib("VmRSS:")
        return self

    def __exit__(self, *exc):
        if self.device.type == "cuda":
            torch.cuda.synchronize()
            self.peak_mib = torch.cuda.max_memory_allocated() / 2**20
        else:
            self.peak_mib = self._status_mib("VmHWM:")
        return False

    def __str__(self):
        return f"peak memory {self.peak_mib:,.0f} MiB (+{self.peak_mib - self.start_mib:,.0f} over the start)"


class Clocks:
    """Wall-clock and process-CPU time of a block (device synchronised on GPUs)."""

    def __init__(self, device):
        self.device = device

    def __enter__(self):
        sync(self.device)
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        sync(self.device)
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu
        return False

    def rate(self, amount: float) -> dict:
        """Return ``amount`` per second of each clock."""
        return {"wall": amount / self.wall, "cpu": amount / max(self.cpu, 1e-9)}


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def tokens_per_second(step_end, step_tokens, warmup: int) -> float:
    """Return real tokens per second (of the clock ``step_end`` was read from) after the first ``warmup`` steps."""
    return sum(step_tokens[warmup:]) / (step_end[-1] - step_end[warmup - 1])


def padding_tokenizer():
    """Return a tokenizer that only pads (``<pad>`` = PAD), for DataCollatorWithPadding on pre-tokenised ids."""
    from tokenizers import Tokenizer, models
    from transformers import PreTrainedTokenizerFast

    vocab = {"<s>": BOS, "<pad>": PAD, "</s>": EOS, "<unk>": 3}
    return PreTrainedTokenizerFast(
        tokenizer_object=Tokenizer(models.WordLevel(vocab, unk_token="<unk>")),
        bos_token="<s>",
        pad_token="<pad>",
        eos_token="</s>",
        unk_token="<unk>",
    )


def standard_collator(grouped: bool):
    """Return the Trainer's collator: default_data_collator on padded rows (a), DataCollatorWithPadding (c)."""
    from transformers import DataCollatorWithPadding, default_data_collator

    return DataCollatorWithPadding(padding_tokenizer()) if grouped else default_data_collator


def peer_bf16(args, device) -> bool:
    """Return whether (c) trains in bf16: on GPUs that support it (the peer at its best), on CPU with --cpu-bf16."""
    if device.type == "cuda":
        return torch.cuda.is_bf16_supported()
    return bool(args.cpu_bf16)


def run_standard(model, feats, args, device, workdir, grouped: bool = False):
    """Train with transformers.Trainer as in the XNLI example (``grouped``: length-grouped batches with
    dynamic padding, the peer at its best); return (tokens/s, peak MiB, trainer, seconds)."""
    from datasets import Dataset
    from transformers import Trainer, TrainerCallback, TrainingArguments
    from transformers.trainer_callback import PrinterCallback

    batch_tokens = []
    collator = standard_collator(grouped)

    def collate(rows):  # the recipe's collator, counting the real tokens it hands over
        batch = collator(rows)
        batch_tokens.append(int(batch["attention_mask"].sum()))
        return batch

    step_end, step_cpu, step_tokens = [], [], []

    class Clock(TrainerCallback):
        def on_step_end(self, targs, state, control, **kw):
            sync(device)
            step_end.append(time.perf_counter())
            step_cpu.append(time.process_time())
            step_tokens.append(
                sum(batch_tokens[len(step_tokens) * args.grad_accum : (len(step_tokens) + 1) * args.grad_accum])
            )

    targs = TrainingArguments(
        output_dir=str(workdir),
        per_device_train_batch_size=args.batch_size,
        gradient_accumulation_steps=args.grad_accum,
        max_steps=args.steps,
        learning_rate=args.lr,
        warmup_steps=int(0.1 * args.steps),
        weight_decay=0.01,
        adam_epsilon=1e-8,
        max_grad_norm=1.0,
        logging_strategy="no",
        save_strategy="no",
        report_to="none",
        seed=args.seed,
        disable_tqdm=True,
        use_cpu=device.type == "cpu",
        dataloader_num_workers=0,
        per_device_eval_batch_size=args.batch_size,
        train_sampling_strategy="group_by_length" if grouped else "random",
        bf16=grouped and peer_bf16(args, device),
        **({"gradient_checkpointing": True} if args.gradient_checkpointing else {}),
    )
    trainer = Trainer(
        model=model,
        args=targs,
        data_collator=collate,
        callbacks=[Clock()],
        train_dataset=Dataset.from_list(feats if grouped else padded(feats, args.max_length)),
    )
    trainer.remove_callback(PrinterCallback)
    start = time.perf_counter()
    with PeakMemory(device) as mem:
        trainer.train()
    seconds = time.perf_counter() - start
    return (
        {
            "wall": tokens_per_second(step_end, step_tokens, args.warmup),
            "cpu": tokens_per_second(step_cpu, step_tokens, args.warmup),
        },
        mem,
        trainer,
        seconds,
    )


def run_xlib(model, feats, args, device):
    """Train with xlib.train.train; return (tokens/s, peak MiB, trained model, seconds, stats)."""
    from xlib.train import TrainConfig, train

    cfg = TrainConfig(
        learning_rate=args.lr,
        max_steps=args.steps,
        batch_size=args.batch_size,
        grad_accum=args.grad_accum,
        warmup_ratio=0.1,
        weight_decay=0.01,
        max_length=args.max_length,
        gradient_checkpointing=args.gradient_checkpointing,
        mixed_precision="bf16" if args.cpu_bf16 and device.type == "cpu" else "auto",
        first_token_shortcut=not args.no_first_token,
    )
    stats: dict = {}
    start = time.perf_counter()
    with PeakMemory(device) as mem:
        shared, _ = train(
            {"bench": model}, {"bench": feats}, PAD, cfg, seed=args.seed, log_every=args.steps, stats=stats
        )
    seconds = time.perf_counter() - start
    tps = {
        "wall": tokens_per_second(stats["step_end"], stats["step_tokens"], args.warmup),
        "cpu": tokens_per_second(stats["step_cpu"], stats["step_tokens"], args.warmup),
    }
    return tps, mem, shared.heads["bench"], seconds, stats


def eval_standard(trainer, feats, args, device, grouped: bool = False) -> dict:
    """Return real tokens per second (per clock) of Trainer.predict on features padded to max length
    (``grouped``: padded per batch by the trainer's DataCollatorWithPadding, in the data's order)."""
    from datasets import Dataset

    ds = Dataset.from_list(feats if grouped else padded(feats, args.max_length))
    with Clocks(device) as t:
        trainer.predict(ds)
    return t.rate(sum(len(f["input_ids"]) for f in feats))


def eval_xlib(model, feats, args, device) -> dict:
    """Return real tokens per second (per clock) of xlib's evaluation path (inference mode, sorted batches)."""
    from xlib.formats.base import forward_outputs

    model.to(device)
    eval_feats = [{k: v for k, v in f.items() if k != "labels"} for f in feats]
    with Clocks(device) as t:
        forward_outputs(model, eval_feats, PAD, args.eval_batch_size)
    return t.rate(sum(len(f["input_ids"]) for f in feats))


def retrieval_qps(n_queries: int, n_candidates: int, dim: int, k: int, seed: int) -> dict:
    """Return queries per second (per clock) of exact cosine top-k search over ``n_candidates`` random vectors."""
    from xlib.formats.embedding import nearest

    g = torch.Generator().manual_seed(seed)
    candidates = torch.randn(n_candidates, dim, generator=g)
    queries = torch.randn(n_queries, dim, generator=g)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    with Clocks(device) as t:
        nearest(queries, candidates, k=k)
    return t.rate(n_queries)


def model_flops_per_token(model, feats) -> float:
    """Return training FLOPs per real token: 6 x non-embedding parameters + 12 x layers x hidden x attended length.

    The attended length is the token-weighted mean sequence length (sum of squares / sum), so
    padding counts for nothing; embeddings are lookups, not matmuls, and are left out.
    """
    cfg = model.config
    embed = sum(p.numel() for n, p in model.named_parameters() if "embeddings" in n)
    n = sum(p.numel() for p in model.parameters()) - embed
    lengths = np.array([len(f["input_ids"]) for f in feats], dtype=float)
    attended = float((lengths**2).sum() / lengths.sum())
    return 6.0 * n + 12.0 * cfg.num_hidden_layers * cfg.hidden_size * attended


def peak_tflops(device, given):
    """Return the bf16 peak used for MFU: ``given``, else looked up from the GPU name, else None."""
    if given:
        return given
    if device.type != "cuda":
        return None
    name = torch.cuda.get_device_name(device)
    return next((tf for key, tf in PEAK_BF16_TFLOPS if key in name), None)


def main(argv=None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from transformers import XLMRobertaConfig, XLMRobertaForSequenceClassification
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()

    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    shape = args.model if args.model != "auto" else ("large" if device.type == "cuda" else "miniature")
    rng = np.random.default_rng(args.seed)
    vocab = SHAPES[shape]["vocab_size"]
    train_feats = synthetic_data(args.train_examples, vocab, args.max_length, args.median_length, rng)
    eval_feats = synthetic_data(args.eval_examples, vocab, args.max_length, args.median_length, rng)
    lengths = [len(f["input_ids"]) for f in train_feats]
    torch.manual_seed(args.seed)
    config = XLMRobertaConfig(
        **SHAPES[shape],
        max_position_embeddings=514,
        type_vocab_size=1,
        pad_token_id=PAD,
        bos_token_id=BOS,
        eos_token_id=EOS,
        num_labels=3,
    )
    base = XLMRobertaForSequenceClassification(config)
    n_params = sum(p.numel() for p in base.parameters())
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else (platform.processor() or "cpu")
    print(f"device: {device.type} ({name}), torch threads {torch.get_num_threads()}")
    print(f"model: {shape} XLM-R shape, {n_params / 1e6:.1f}M parameters, random weights")
    print(
        f"data: {len(train_feats)} train / {len(eval_feats)} eval examples, length log-normal median "
        f"{args.median_length:g} sigma 0.5 clipped [8, {args.max_length}]: mean {np.mean(lengths):.1f}, "
        f"p95 {np.percentile(lengths, 95):.0f}, share at max {np.mean(np.array(lengths) == args.max_length):.3f}"
    )
    print(
        f"training: {args.steps} steps (first {args.warmup} untimed), batch {args.batch_size} x accum "
        f"{args.grad_accum}, lr {args.lr:g}, gradient checkpointing {args.gradient_checkpointing}"
    )

    clock = args.clock if args.clock != "auto" else ("wall" if device.type == "cuda" else "cpu")
    other_clock = "wall" if clock == "cpu" else "cpu"
    print(
        f"tokens/s are per second of {'process CPU time' if clock == 'cpu' else 'wall-clock time'}"
        f" (the other clock in brackets)"
    )

    def other(tps):
        return f" [{other_clock}: {tps[other_clock]:,.0f} tokens/s]"

    runs = []  # per repeat: training tokens/s of (a), (b), (c), then evaluation tokens/s of (a), (b), (c)
    for repeat in range(1, args.repeats + 1):
        tag = f" [repeat {repeat}/{args.repeats}]" if args.repeats > 1 else ""
        peers = {}
        for grouped, label in (
            (False, f"(a) standard recipe (Trainer, pad to {args.max_length}, fp32)"),
            (
                True,
                "(c) peer at its best (Trainer, group_by_length + DataCollatorWithPadding, "
                f"{'bf16' if peer_bf16(args, device) else 'fp32'})",
            ),
        ):
            with tempfile.TemporaryDirectory() as workdir:
                tps, mem, trainer, sec = run_standard(copy.deepcopy(base), train_feats, args, device, workdir, grouped)
                print(
                    f"{label}{tag}: {tps[clock]:,.0f} real tokens/s, {mem}, {sec:.1f} s total{other(tps)}", flush=True
                )
                peers[grouped] = (tps, eval_standard(trainer, eval_feats, args, device, grouped))
                del trainer  # free the peer's model and optimizer before the next path is measured
                gc.collect()
                if device.type == "cuda":
                    torch.cuda.empty_cache()
        (tps_a, ev_a), (tps_c, ev_c) = peers[False], peers[True]
        tps_b, mem_b, model_b, sec_b, stats = run_xlib(copy.deepcopy(base), train_feats, args, device)
        precision = "bf16" if stats["mixed_precision"] == "bf16" else "fp32"
        shortcut = "" if args.no_first_token else "first-token last layer, "
        print(
            f"(b) xlib (length-grouped dynamic padding, fused AdamW, {shortcut}{precision}){tag}: {tps_b[clock]:,.0f} real "
            f"tokens/s, {mem_b}, {sec_b:.1f} s total, padding share "
            f"{1 - stats['tokens'] / stats['padded_tokens']:.3f}{other(tps_b)}",
            flush=True,
        )
        ev_b = eval_xlib(model_b, eval_feats, args, device)
        print(
            f"evaluation{tag}: (a) Trainer.predict padded to {args.max_length}, batch {args.batch_size}: "
            f"{ev_a[clock]:,.0f} tokens/s  (c) Trainer.predict padded per batch: {ev_c[clock]:,.0f} tokens/s  "
            f"(b) xlib sorted batches of {args.eval_batch_size}, inference mode: {ev_b[clock]:,.0f} tokens/s  "
            f"ratio {ev_b[clock] / ev_a[clock]:.2f} (vs best {ev_b[clock] / ev_c[clock]:.2f})",
            flush=True,
        )
        del model_b
        gc.collect()
        runs.append((tps_a, tps_b, tps_c, ev_a, ev_b, ev_c))
    print(
        f"peak memory is {'CUDA allocated memory' if device.type == 'cuda' else 'the process peak RSS (VmHWM)'}"
        " during each training call"
    )
    tps_a, tps_b, tps_c = (max(r[i][clock] for r in runs) for i in range(3))
    ev_a, ev_b, ev_c = (max(r[i][clock] for r in runs) for i in range(3, 6))
    if args.repeats > 1:
        print(
            f"best of {args.repeats}: training (a) {tps_a:,.0f}  (b) {tps_b:,.0f}  (c) {tps_c:,.0f} real tokens/s; "
            f"evaluation (a) {ev_a:,.0f}  (b) {ev_b:,.0f}  (c) {ev_c:,.0f} tokens/s; per-repeat training ratios "
            f"(b)/(a) "
            + ", ".join(f"{r[1][clock] / r[0][clock]:.2f}" for r in runs)
            + "; (b)/(c) "
            + ", ".join(f"{r[1][clock] / r[2][clock]:.2f}" for r in runs)
        )
    print(
        f"ratios (b) xlib over: (a) standard recipe training {tps_b / tps_a:.2f}, evaluation {ev_b / ev_a:.2f}; "
        f"(c) peer at its best training {tps_b / tps_c:.2f}, evaluation {ev_b / ev_c:.2f}"
    )
    peak = peak_tflops(device, args.peak_tflops)
    if peak:
        flops = model_flops_per_token(base, train_feats)
        print(
            f"MFU against {peak:g} TFLOPS bf16 peak: (a) {100 * flops * tps_a / (peak * 1e12):.1f}%  "
            f"(b) {100 * flops * tps_b / (peak * 1e12):.1f}%  ({flops / 1e9:.2f} GFLOPs per real token)"
        )
    else:
        print("MFU: n/a (no bf16 peak known for this device; pass --peak-tflops)")

    dim = SHAPES[shape]["hidden_size"]
    for n in [int(float(c)) for c in args.candidates.split(",") if c.strip()]:
        qps = retrieval_qps(args.queries, n, dim, args.top_k, args.seed)
        print(
            f"retrieval: exact cosine top-{args.top_k}, {n:,} candidates x {dim} dims, {args.queries} queries: "
            f"{qps[clock]:,.0f} queries/s [{other_clock}: {qps[other_clock]:,.0f}]",
            flush=True,
        )

    from xlib.compute import format_compute, grid_compute
    from xlib.params import load

    grids = (
        args.grid
        if args.grid is not None
        else [str(p) for p in (ROOT / "params" / "miniature.yaml", ROOT / "params" / "phang2020.yaml") if p.exists()]
    )
    for path in grids:
        try:
            print(format_compute(grid_compute(load(path))))
        except ValueError as exc:
            print(f"grid {path}: {exc}")
    print(f"speedup: {tps_b / tps_a:.2f}")
    print(f"speedup_vs_best: {tps_b / tps_c:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
