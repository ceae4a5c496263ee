"""One notebook kernel per worker process, reused by the runs it executes (imports paid once, not per run).

A fresh kernel costs a process start plus importing torch, transformers, accelerate, datasets and
pandas: most of a small run's wall time (``docs/speed.md``). A run's notebook sets every variable it
uses in its parameters cell and every run seeds its own random number generators, so executing the
next run's notebook in the same kernel gives the same numbers; the kernel is started afresh whenever
the environment the runs read at import time changes (thread count, GPU, fault injection), when it
has died, and after ``MAX_RUNS`` runs. ``XLIB_FRESH_KERNELS=1`` starts one kernel per run as before.
"""

from __future__ import annotations

import atexit
import os

from jupyter_client.manager import KernelManager

# what a kernel reads from the environment when it starts (and never again)
ENVIRONMENT = (
    "XLIB_NUM_THREADS",
    "CUDA_VISIBLE_DEVICES",
    "XLIB_STUDY_PGID",
    "XLIB_FAULT",
    "XLIB_CACHE",
    "XLIB_FEATURE_CACHE",
    "PYTHONPATH",
    "OMP_NUM_THREADS",
)
MAX_RUNS = 200

_kernel: dict = {"km": None, "key": None, "runs": 0}


class ReusedKernelManager(KernelManager):
    """A kernel manager whose kernel outlives the notebook clients: each new client closes the previous one's channels."""

    _last_client = None

    def client(self, **kwargs):
        """Return a new kernel client after stopping the channels of the one handed out before."""
        if self._last_client is not None:
            self._last_client.stop_channels()
        self._last_client = super().client(**kwargs)
        return self._last_client


def _key() -> tuple:
    fault = os.environ.get("XLIB_FAULT")
    # fault injection matches the run id the kernel saw at start: one kernel per run then
    return (
        os.getcwd(),
        *(os.environ.get(name) for name in ENVIRONMENT),
        os.environ.get("XLIB_RUN_ID") if fault else None,
    )


def shutdown() -> None:
    """Shut down this process's reused kernel, if any."""
    km = _kernel["km"]
    _kernel.update(km=None, key=None, runs=0)
    if km is not None:
        if km._last_client is not None:
            km._last_client.stop_channels()
        if km.has_kernel:
            km.shutdown_kernel(now=True)
        km.cleanup_resources()


def reused_kernel(kernel_name: str, extra_arguments: list[str]) -> KernelManager | None:
    """Return this process's running kernel for the current environment (started when needed); None if disabled."""
    if os.environ.get("XLIB_FRESH_KERNELS", "") not in ("", "0"):
        return None
    key = _key()
    km = _kernel["km"]
    if km is not None and (_kernel["key"] != key or _kernel["runs"] >= MAX_RUNS or not km.is_alive()):
        shutdown()
        km = None
    if km is None:
        km = ReusedKernelManager(kernel_name=kernel_name)
        km.start_kernel(extra_arguments=[*extra_arguments, "--HistoryManager.hist_file=:memory:"])
        _kernel.update(km=km, key=key, runs=0)
    _kernel["runs"] += 1
    return km


atexit.register(shutdown)
