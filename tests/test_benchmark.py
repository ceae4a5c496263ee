"""The throughput benchmark and the multi-process check run (their timings are printed, never asserted)."""

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_throughput_benchmark_runs_and_ends_with_the_speedup_lines():
    cmd = [
        sys.executable,
        str(ROOT / "benchmarks" / "throughput.py"),
        "--steps",
        "2",
        "--warmup",
        "1",
        "--train-examples",
        "16",
        "--eval-examples",
        "8",
        "--batch-size",
        "4",
        "--queries",
        "4",
        "--candidates",
        "2000",
        "--grid",
        str(ROOT / "params" / "smoke.yaml"),
        "--threads",
        "1",
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-3000:]
    lines = out.stdout.strip().splitlines()
    assert re.fullmatch(r"speedup: \d+\.\d\d", lines[-2]), lines[-2]
    assert re.fullmatch(r"speedup_vs_best: \d+\.\d\d", lines[-1]), lines[-1]
    text = out.stdout
    for pattern in (
        r"\(a\) standard recipe .*: [\d,]+ real tokens/s, peak memory [\d,]+ MiB",
        r"\(c\) peer at its best \(Trainer, group_by_length \+ DataCollatorWithPadding.*: [\d,]+ real "
        r"tokens/s, peak memory [\d,]+ MiB",
        r"\(b\) xlib .*: [\d,]+ real tokens/s, peak memory [\d,]+ MiB",
        r"evaluation: \(a\) .* [\d,]+ tokens/s .* \(c\) .* [\d,]+ tokens/s .* \(b\) .* [\d,]+ tokens/s",
        r"ratios \(b\) xlib over: \(a\) standard recipe training \d+\.\d\d, evaluation \d+\.\d\d; "
        r"\(c\) peer at its best training \d+\.\d\d, evaluation \d+\.\d\d",
        r"retrieval: exact cosine top-20, 2,000 candidates .*: [\d,]+ queries/s",
        r"saved: [\d,]+ training examples",
    ):
        assert re.search(pattern, text), (pattern, text)
    a = float(re.search(r"\(a\) standard recipe .*?: ([\d,]+) real", text).group(1).replace(",", ""))
    b = float(re.search(r"\(b\) xlib .*?: ([\d,]+) real", text).group(1).replace(",", ""))
    c = float(re.search(r"\(c\) peer at its best .*?: ([\d,]+) real", text).group(1).replace(",", ""))
    assert float(lines[-2].split()[1]) == pytest.approx(b / a, abs=0.01)
    assert float(lines[-1].split()[1]) == pytest.approx(b / c, abs=0.01)


def test_benchmark_rejects_a_warmup_as_long_as_the_run():
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "throughput.py"), "--steps", "2", "--warmup", "2"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert out.returncode == 2 and "--warmup" in out.stderr


@pytest.mark.slow
def test_training_under_accelerate_launch_with_two_cpu_processes():
    env = {**os.environ, "ACCELERATE_USE_CPU": "1", "OMP_NUM_THREADS": "1"}
    with socket.socket() as sock:  # a free port for the rendezvous (other runs may hold the default one)
        sock.bind(("127.0.0.1", 0))
        port = str(sock.getsockname()[1])
    cmd = [
        "accelerate",
        "launch",
        "--multi_gpu",
        "--num_processes",
        "2",
        "--num_machines",
        "1",
        "--mixed_precision",
        "no",
        "--dynamo_backend",
        "no",
        "--main_process_port",
        port,
        str(ROOT / "benchmarks" / "ddp_check.py"),
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=ROOT, env=env)
    assert out.returncode == 0, (out.stdout[-2000:], out.stderr[-3000:])
    assert "ddp-check ok: 2 processes, backend gloo" in out.stdout
