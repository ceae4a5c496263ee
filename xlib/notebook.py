"""Executing a study notebook with Papermill: the notebooks directory, the kernel's arguments, start retries."""

from __future__ import annotations

import time
from pathlib import Path

from .paths import project_root


def notebooks_dir() -> Path:
    """Return the directory holding the study notebooks (the checkout's ``notebooks/``)."""
    return project_root() / "notebooks"


# the kernel's own log at CRITICAL: ipykernel warns on every start that it runs over local TCP without
# encryption, and logs "KeyboardInterrupt caught in kernel" (ERROR) whenever jupyter_client's shutdown
# interrupts it while it is still answering a message: one harmless line per run, which buried the
# progress lines. Cell errors still reach the run's error.txt; a dead kernel is nbclient's DeadKernelError.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL"]


# a kernel that dies or stays silent while it starts has run no cell: starting it again is safe. Seen once
# in 19 runs of the smoke study on a 2-core machine running four studies at once ("Kernel died before
# replying to kernel_info"); the cause was not pinned down (jupyter_client's kernels can lose the TCP
# ports their parent chose to another process, a known race).
KERNEL_START_ERRORS = ("Kernel died before replying to kernel_info", "Kernel didn't respond in")
KERNEL_START_ATTEMPTS = 3


def execute_notebook(name: str, out: Path, parameters: dict, reuse_kernel: bool = False, **options):
    """Execute ``notebooks/<name>`` with Papermill into ``out`` with ``parameters`` (a python3 kernel, no progress bar).

    ``reuse_kernel``: run it in this process's kept kernel (``xlib.kernels``) instead of a new one. A
    kernel that fails to start (before any cell ran) is started again, up to ``KERNEL_START_ATTEMPTS``
    times; any other error is raised at once.
    """
    import papermill

    from . import kernels

    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        try:
            km = kernels.reused_kernel("python3", KERNEL_ARGUMENTS) if reuse_kernel else None
            return papermill.execute_notebook(
                str(notebooks_dir() / name),
                str(out),
                parameters=parameters,
                kernel_name="python3",
                progress_bar=False,
                extra_arguments=KERNEL_ARGUMENTS,
                **options,
                **({"km": km} if km is not None else {}),
            )
        except (RuntimeError, TimeoutError) as exc:
            if attempt == KERNEL_START_ATTEMPTS or not any(m in str(exc) for m in KERNEL_START_ERRORS):
                raise
            if reuse_kernel:
                kernels.shutdown()
            time.sleep(attempt)
