"""Where the wall time of one phase-(iii) run goes: kernel start and imports, model load, data, tokenising,
training, evaluation, writing; then the whole run through the executor with a fresh and with a reused kernel.

``python tools/run_breakdown.py [params/miniature.yaml] [--target mini-xnli]`` (the params' pretrained
model is built first if absent). Prints one line per part and the reference workload
(``tools/reference_workload.py``) timed just before, so the figures compare across machines.
Uses one torch thread, as every run of the study does.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def kernel_start_and_imports() -> tuple[float, float]:
    """Return the seconds to start a notebook kernel, and to run the target notebook's imports in it."""
    from jupyter_client.manager import KernelManager

    from xlib.notebook import KERNEL_ARGUMENTS

    start = time.perf_counter()
    km = KernelManager(kernel_name="python3")
    km.start_kernel(extra_arguments=KERNEL_ARGUMENTS)
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=120)
    ready = time.perf_counter()
    reply = kc.execute_interactive(
        "import tempfile\nimport pandas as pd\nfrom xlib import pipeline, rundir, study\n"
        "from xlib.formats import get_format\nfrom xlib.features import featurize_cached\n"
        "import datasets",
        timeout=300,
    )
    imported = time.perf_counter()
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"imports failed in the kernel: {reply['content']}")
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    return ready - start, imported - ready


def timed(module, name: str, parts: dict, label: str) -> None:
    """Wrap ``module.name`` so that its calls add their seconds to ``parts[label]``."""
    real = getattr(module, name)

    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            parts[label] = parts.get(label, 0.0) + time.perf_counter() - start

    setattr(module, name, wrapper)


def in_process(params: dict, model: str, target: str, parts: dict) -> float:
    """Run the baseline run of ``target`` in this process with its parts timed; return its wall seconds."""
    import torch

    from xlib import pipeline, planning, rundir
    from xlib.formats import get_format
    from xlib.tasks import get_task

    torch.set_num_threads(1)
    spec = get_task(target)
    fmt = type(get_format(spec.format))
    timed(fmt, "build_model", parts, "model load (encoder + new head)")
    timed(pipeline, "load_tokenizer", parts, "tokenizer load")
    timed(type(spec), "load", parts, "examples generated (train, dev, test x 7)")
    timed(pipeline, "featurize_cached", parts, "tokenising the training set")
    timed(pipeline, "train", parts, "training")
    timed(pipeline, "evaluate", parts, "evaluation (dev en, test x 7; tokenising included)")
    run = next(
        r
        for r in planning.plan(params, tempfile.mkdtemp(), base_model=model)
        if r.phase == "target" and r.condition == "baseline" and r.target == target
    )
    start = time.perf_counter()
    report = pipeline.run({**run.parameters, "encoder": model}, tempfile.mkdtemp())
    out = Path(tempfile.mkdtemp())
    write = time.perf_counter()
    rundir.write_report(out, report)
    parts["writing metrics.json"] = time.perf_counter() - write
    return time.perf_counter() - start


def through_executor(params: dict, model: str, target: str, fresh: bool) -> list[float]:
    """Return the wall seconds of the baseline run of ``target`` through ``execute_run``, twice in one process."""
    from xlib import kernels, planning, rundir

    os.environ["XLIB_FRESH_KERNELS"] = "1" if fresh else "0"
    seconds = []
    try:
        for _ in range(2):
            root = Path(tempfile.mkdtemp())
            run = next(
                r
                for r in planning.plan(params, root, base_model=model)
                if r.phase == "target" and r.condition == "baseline" and r.target == target
            )
            (root / params["study"]).mkdir()
            outcome = rundir.execute_run(run, root / params["study"])
            if not outcome.ok:
                raise RuntimeError(outcome.error)
            seconds.append(outcome.seconds)
    finally:
        kernels.shutdown()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("params", nargs="?", default="params/miniature.yaml")
    parser.add_argument("--target", default="mini-xnli")
    args = parser.parse_args()
    from reference_workload import reference_seconds

    from xlib.params import load_params
    from xlib.study import resolve_model
    from xlib.studyconfig import Study

    params = load_params(args.params)
    model = resolve_model(Study.of(params))
    print(f"reference workload: {reference_seconds():.2f} s")
    ready, imports = kernel_start_and_imports()
    print(f"kernel start: {ready:.2f} s\nimports in the kernel (xlib.pipeline, pandas, datasets): {imports:.2f} s")
    parts: dict = {}
    total = in_process(params, model, args.target, parts)
    for label, value in parts.items():
        print(f"{label}: {value:.2f} s")
    print(f"the run's work in one process (all of the above but kernel and imports): {total:.2f} s")
    fresh = through_executor(params, model, args.target, fresh=True)
    reused = through_executor(params, model, args.target, fresh=False)
    print(f"whole run through the executor, fresh kernel each: {fresh[0]:.2f} s, {fresh[1]:.2f} s")
    print(f"whole run through the executor, one kernel reused: {reused[0]:.2f} s (starts it), {reused[1]:.2f} s")
    print(f"reference workload: {reference_seconds():.2f} s")


if __name__ == "__main__":
    main()
