"""Test helpers: run the tiny study through the CLI, compare results, start/stop a private Ray cluster."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

# The test clusters are private and reached on loopback only. Ray 2.60 turns token authentication on by
# default, and here drivers of a fresh test cluster were refused (ConnectionError) until it was off.
os.environ.setdefault("RAY_AUTH_MODE", "disabled")

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "fixtures" / "params" / "tiny.yaml"


def study_env(runs_dir) -> dict:
    """Return the environment of a study run into ``runs_dir``: its own model and feature cache beside it.

    Two studies compared by a test never share the pretrained model (or features built from it):
    each side builds its own, so a build that is not reproducible shows as a difference.
    """
    return {"XLIB_CACHE": str(Path(runs_dir) / ".xlib-cache")}


def run_cli(*args, env=None, timeout=600, **kwargs) -> subprocess.CompletedProcess:
    """Return the finished ``python -m xlib ARGS`` process (output captured).

    With ``--runs-dir DIR`` the study uses the model cache of :func:`study_env` unless ``env`` says otherwise.
    """
    args = [str(a) for a in args]
    own = study_env(args[args.index("--runs-dir") + 1]) if "--runs-dir" in args else {}
    return subprocess.run(
        [sys.executable, "-m", "xlib", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **own, **(env or {})},
        timeout=timeout,
        **kwargs,
    )


def results(runs_dir: Path, study: str = "tiny") -> pd.DataFrame:
    """Return the study's results.csv."""
    return pd.read_csv(Path(runs_dir) / study / "results.csv")


def assert_same_results(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Fail unless both tables hold exactly the same rows and values (no duplicates)."""
    assert len(a) > 0
    assert not a.duplicated().any() and not b.duplicated().any()
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_exact=True)


def assert_same_study(reference_runs: Path, runs_dir: Path, study: str = "tiny") -> None:
    """Fail unless two studies give the same results from pretrained models built apart, byte for byte equal."""
    import json

    assert_same_results(results(reference_runs, study), results(runs_dir, study))
    starts = 0
    for run_json in sorted((Path(reference_runs) / study).glob("*/run.json")):
        mine = json.loads(run_json.read_text())
        theirs = json.loads((Path(runs_dir) / study / run_json.parent.name / "run.json").read_text())
        if not mine.get("depends_on"):  # starts from the pretrained model
            starts += 1
            env_a, env_b = mine["environment"], theirs["environment"]
            assert env_a["model"] != env_b["model"], "both sides used one pretrained model"
            assert env_a["model_sha256"] == env_b["model_sha256"], "the two builds of the model differ"
    assert starts


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RayCluster:
    """A two-node Ray cluster on this machine (head + one worker node, 1 CPU each) in its own temp dir.

    Every process it starts is in a session of its own; ``stop`` kills those sessions and any
    leftover process naming its temp dir, never another Ray.
    """

    def __init__(self, cpus_per_node: int = 1):
        self.temp = tempfile.mkdtemp(prefix="r", dir="/tmp")  # short: Ray's socket paths are length-limited
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.cpus = cpus_per_node
        self.procs: list[subprocess.Popen] = []

    def _start(self, *args) -> None:
        cmd = [
            str(Path(sys.executable).with_name("ray")),
            "start",
            *args,
            f"--num-cpus={self.cpus}",
            f"--temp-dir={self.temp}",
            "--node-ip-address=127.0.0.1",
            "--object-store-memory=80000000",
            "--disable-usage-stats",
            "--block",
        ]
        log = open(Path(self.temp) / f"start-{len(self.procs)}.log", "w")
        self.procs.append(
            subprocess.Popen(
                cmd,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env={**os.environ, "RAY_USAGE_STATS_ENABLED": "0"},
            )
        )

    def start(self, timeout: float = 240, attempts: int = 3) -> "RayCluster":
        """Start the head, then the worker node; return once both nodes are alive.

        ``ray start`` gives a node 30 s to register, which a loaded 2-core machine can miss: a node
        whose ``ray start`` exits is cleaned up (its process group) and started again.
        """
        for n, args in (
            (1, ("--head", f"--port={self.port}", "--include-dashboard=false")),
            (2, (f"--address={self.address}",)),
        ):
            for attempt in range(attempts):
                self._start(*args)
                try:
                    self._wait_nodes(n, timeout)
                    break
                except RuntimeError:
                    failed = self.procs.pop()
                    try:
                        os.killpg(failed.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                    if attempt == attempts - 1:
                        raise
        return self

    def _wait_nodes(self, n: int, timeout: float) -> None:
        deadline = time.time() + timeout
        probe = (
            "import ray; ray.init(address='%s', log_to_driver=False); "
            "print(sum(1 for x in ray.nodes() if x['Alive']))" % self.address
        )
        while time.time() < deadline:
            if any(p.poll() is not None for p in self.procs):
                raise RuntimeError(f"ray start exited: see {self.temp}/start-*.log")
            out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
            if out.returncode == 0 and out.stdout.strip().isdigit() and int(out.stdout.strip()) >= n:
                return
            time.sleep(2)
        raise TimeoutError(f"Ray cluster at {self.address} did not reach {n} nodes in {timeout}s")

    def pids(self) -> list[int]:
        """Return the pids of every live (non-zombie) process this cluster started, workers included."""
        import psutil

        mine = {p.pid for p in self.procs}
        roots = []
        for proc in psutil.process_iter(["pid", "cmdline"]):
            try:
                cmd = " ".join(proc.info["cmdline"] or [])
                named = f"{self.temp}/" in cmd or f"={self.temp} " in cmd + " "
                if proc.info["pid"] in mine or named or os.getpgid(proc.info["pid"]) in mine:
                    roots.append(proc)
            except (psutil.Error, ProcessLookupError, PermissionError):
                continue
        found = {}
        for proc in roots:
            try:
                for p in [proc, *proc.children(recursive=True)]:
                    if p.status() != psutil.STATUS_ZOMBIE:
                        found[p.pid] = p
            except psutil.Error:
                continue
        return sorted(found)

    def stop(self) -> None:
        """Terminate the worker node then the head (their process groups), killing what lingers."""
        for proc in reversed(self.procs):
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.time() + 15
        while time.time() < deadline and any(p.poll() is None for p in self.procs):
            time.sleep(0.5)
        deadline = time.time() + 20
        while time.time() < deadline:
            left = self.pids()
            if not left:
                break
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.5)
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        if not self.pids():
            import shutil

            shutil.rmtree(self.temp, ignore_errors=True)
