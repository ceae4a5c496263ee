"""Same params, same numbers: run one study from fresh clones and compare ``results.csv`` byte for byte.

Each variant runs in its own fresh ``git clone`` of the checkout's committed HEAD, from an empty
cache (so each builds its own pretrained model and features), and is compared with the first
(``plain``: a local run):

    plain      python -m xlib run PARAMS                         (the reference)
    again      the same, in a second fresh clone
    kill       SIGKILL the whole study once KILL_AFTER runs have finished, then run it again to the end
    ray        --executor ray (a local Ray instance; pip install ".[ray]")
    submitit   --executor slurm --submitit-cluster local (submitit's local executor)

    python tools/check_reproducible.py                       # params/smoke.yaml, every variant
    python tools/check_reproducible.py --variants plain again kill --work /tmp/repro
    python tools/check_reproducible.py --variants kill ray --jobs 2 --reference runs/smoke/results.csv

Prints one line per variant (identical or not, with ``python -m xlib diff``'s explanation) and
exits 1 when any differs. Uncommitted changes are not in the clones: commit first.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = {
    "plain": [],
    "again": [],
    "kill": [],
    "ray": ["--executor", "ray"],
    "submitit": ["--executor", "slurm", "--submitit-cluster", "local"],
}


def resolve_commit(commit: str) -> str:
    """Return the full hash that ``commit`` names in the checkout."""
    return subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", commit], check=True, capture_output=True, text=True
    ).stdout.strip()


def fresh_clone(work: Path, name: str, commit: str) -> Path:
    """Return a fresh clone of the checkout at the full hash ``commit`` under ``work/name`` (no cache, no runs)."""
    clone = work / name
    shutil.rmtree(clone, ignore_errors=True)
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "checkout", "--quiet", "--detach", commit], check=True)
    return clone


def environment(clone: Path) -> dict:
    """Return the environment of a study in ``clone``: its own xlib, its own empty cache."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLIB_")}
    return {**env, "PYTHONPATH": str(clone), "XLIB_CACHE": str(clone / ".cache" / "xlib")}


def run_study(clone: Path, params: str, extra: list[str], log: Path) -> int:
    """Run the study in ``clone`` to the end; return the exit status."""
    with open(log, "a") as out:
        return subprocess.call(
            [sys.executable, "-m", "xlib", "run", params, "--no-figures", *extra],
            cwd=clone,
            env=environment(clone),
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def finished_runs(study_dir: Path) -> int:
    """Return how many runs of the study have finished (renamed into place)."""
    return sum(1 for p in study_dir.glob("*/run.json") if not p.parent.name.startswith("."))


def run_killed_then_resumed(clone: Path, params: str, study: str, kill_after: int, log: Path) -> int:
    """SIGKILL the study's whole process group once ``kill_after`` runs finished, then resume it; return the status."""
    with open(log, "a") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "xlib", "run", params, "--no-figures"],
            cwd=clone,
            env=environment(clone),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        while proc.poll() is None and finished_runs(clone / "runs" / study) < kill_after:
            time.sleep(0.5)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            out.write(f"\n*** killed after {finished_runs(clone / 'runs' / study)} finished runs ***\n")
        else:
            out.write("\n*** the study ended before it could be killed ***\n")
    return run_study(clone, params, [], log)


def main(argv: list[str] | None = None) -> int:
    """Run the variants and return 0 when every ``results.csv`` equals the reference byte for byte."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--params", default="params/smoke.yaml", help="study to run (default: params/smoke.yaml)")
    parser.add_argument("--variants", nargs="+", choices=list(VARIANTS), default=list(VARIANTS))
    parser.add_argument("--work", default=None, help="where the clones go (default: a new temporary directory)")
    parser.add_argument("--kill-after", type=int, default=3, help="kill: finished runs before the SIGKILL")
    parser.add_argument("--jobs", type=int, default=1, help="variants run at once (default: 1)")
    parser.add_argument("--commit", default="HEAD", help="the commit every clone checks out (default: HEAD)")
    parser.add_argument(
        "--reference",
        default=None,
        help="compare with this results.csv (from another fresh clone) instead of running plain first",
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from xlib.params import load_params

    study = load_params(ROOT / args.params)["study"]
    commit = resolve_commit(args.commit)  # one commit for every clone, even if the checkout moves meanwhile
    work = Path(args.work or tempfile.mkdtemp(prefix="xlib-repro-"))
    work.mkdir(parents=True, exist_ok=True)
    variants = [v for v in args.variants if v != "plain"]
    reference = Path(args.reference).resolve() if args.reference else None
    if reference is None:
        variants.insert(0, "plain")

    def execute(name: str) -> tuple[int, Path, float]:
        clone = fresh_clone(work, name, commit)
        log = work / f"{name}.log"
        start = time.time()
        if name == "kill":
            status = run_killed_then_resumed(clone, args.params, study, args.kill_after, log)
        else:
            status = run_study(clone, args.params, VARIANTS[name], log)
        return status, clone / "runs" / study / "results.csv", time.time() - start

    failures = 0
    if reference is None:
        status, reference, seconds = execute(variants[0])
        if status != 0 or not reference.exists():
            print(f"plain: FAILED (exit {status}; log {work / 'plain.log'})")
            return 1
        print(f"plain: reference {reference} ({seconds:.0f}s)")
    from concurrent.futures import ThreadPoolExecutor

    others = [v for v in variants if v != "plain"]
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        outcomes = list(pool.map(execute, others))
    for name, (status, results, seconds) in zip(others, outcomes):
        if status != 0 or not results.exists():
            print(f"{name}: FAILED (exit {status}; log {work / (name + '.log')})")
            failures += 1
            continue
        same = filecmp.cmp(reference, results, shallow=False)
        print(f"{name}: {'identical to' if same else 'DIFFERS from'} the reference, byte for byte ({seconds:.0f}s)")
        if not same:
            failures += 1
            diff = subprocess.run(
                [sys.executable, "-m", "xlib", "diff", str(reference.parent), str(results.parent)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                env=environment(ROOT),
            )
            print("  " + diff.stdout.replace("\n", "\n  "))
    print(f"{len(others) - failures} of {len(others)} variants agree with the reference; clones and logs in {work}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
