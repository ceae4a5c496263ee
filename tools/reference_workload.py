"""A fixed CPU workload to time beside every timing: machines here are shared and their speed varies ~2x.

``python tools/reference_workload.py`` trains a fixed tiny transformer encoder (2 layers, hidden 64,
sequences of 32 tokens, batch 16, random tokens from seed 0) for 150 AdamW steps on ONE torch thread
and prints ``reference workload: <seconds> s``. A timing reported as "T s (reference R s)" can be
compared across machines and hours through T / R.
"""

from __future__ import annotations

import time

STEPS = 150


def reference_seconds(steps: int = STEPS) -> float:
    """Return the wall seconds of the fixed 150-step training loop on one torch thread (threads restored)."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        gen = torch.Generator().manual_seed(0)
        torch.manual_seed(0)
        layer = torch.nn.TransformerEncoderLayer(d_model=64, nhead=2, dim_feedforward=256, batch_first=True)
        model = torch.nn.Sequential(
            torch.nn.Embedding(1000, 64), torch.nn.TransformerEncoder(layer, num_layers=2), torch.nn.Linear(64, 1000)
        )
        opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
        data = torch.randint(0, 1000, (steps, 16, 32), generator=gen)
        start = time.perf_counter()
        for batch in data:
            loss = torch.nn.functional.cross_entropy(model(batch).reshape(-1, 1000), batch.reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
        return time.perf_counter() - start
    finally:
        torch.set_num_threads(threads)


if __name__ == "__main__":
    print(f"reference workload: {reference_seconds():.2f} s (150 steps, 1 thread)")
