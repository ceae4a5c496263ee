"""What a run records it depended on, and `python -m xlib diff` naming why two studies differ."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from xlib.difference import compare_environments, compare_studies, format_comparison
from xlib.provenance import model_digest, run_environment

ROOT = Path(__file__).resolve().parents[1]


def test_model_digest_follows_the_bytes_not_the_build_log(tmp_path):
    (tmp_path / "model.safetensors").write_bytes(b"\x00\x01weights")
    (tmp_path / "tokenizer.json").write_text('{"vocab": ["a", "b"]}')
    (tmp_path / "pretrain.json").write_text('{"seconds": 12.5}')
    first = model_digest(tmp_path)
    (tmp_path / "pretrain.json").write_text('{"seconds": 99.0}')  # another build's timing: same model
    assert model_digest(tmp_path) == first
    (tmp_path / "tokenizer.json").write_text('{"vocab": ["b", "a"]}')  # same pieces, other ids
    assert model_digest(tmp_path) != first
    assert model_digest("no-such-model/anywhere") is None


def test_run_environment_names_code_libraries_model_threads_and_device(tmp_path):
    (tmp_path / "model.safetensors").write_bytes(b"w")
    env = run_environment(str(tmp_path), threads=3)
    assert env["threads"] == 3 and env["device"] == "cpu" and env["model_sha256"] == model_digest(tmp_path)
    assert {"torch", "transformers", "tokenizers", "datasets", "accelerate"} <= set(env["libraries"])
    assert all(env["libraries"][name] for name in ("torch", "transformers", "tokenizers", "datasets"))
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True)
    if commit.returncode == 0:  # a git checkout (CI, developers): the commit is the checkout's
        assert env["code"]["commit"] == commit.stdout.strip() and env["code"]["dirty"] in (True, False)


def _run(environment: dict | None, depends_on=None, **parameters) -> dict:
    return {
        "run_id": "r",
        "depends_on": depends_on,
        "parameters": {"seed": 0, "encoder": "/somewhere", **parameters},
        **({"environment": environment} if environment else {}),
    }


ENV = {
    "code": {"commit": "abc", "dirty": False},
    "libraries": {"torch": "2.13.0", "transformers": "5.24.0"},
    "model": "/a/model",
    "model_sha256": "111",
    "threads": 1,
    "device": "cpu",
    "cpu": "AMD EPYC",
}


def test_identical_records_give_no_reason():
    assert compare_environments({"r": _run(ENV)}, {"r": _run({**ENV, "model": "/b/model"})}) == []


def test_each_recorded_difference_is_named():
    other = {
        **ENV,
        "code": {"commit": "def", "dirty": True},
        "libraries": {**ENV["libraries"], "torch": "2.12.0"},
        "model_sha256": "222",
        "threads": 2,
    }
    reasons = "\n".join(compare_environments({"r": _run(ENV)}, {"r": _run(other, hparams={"max_steps": 5})}))
    for words in (
        "xlib commit: A abc; B def",
        "uncommitted changes",
        "torch version: A 2.13.0; B 2.12.0",
        "pretrained model's bytes differ",
        "torch threads per run: A 1; B 2",
        "parameters of 1 run(s) differ (hparams)",
    ):
        assert words in reasons, (words, reasons)
    assert "AMD" not in reasons  # the processor is the same: not named
    missing = compare_environments({"r": _run(None)}, {"r": _run(ENV)})
    assert any("recorded no environment" in r for r in missing)
    assert not any("bytes differ" in r for r in missing)  # an unrecorded hash is unknown, not different


def _study(root: Path, value: float, environment: dict) -> Path:
    run = root / "target--baseline--mini-xnli--s0"
    run.mkdir(parents=True)
    (run / "metrics.json").write_text(json.dumps({"rows": []}))
    (run / "run.json").write_text(json.dumps({**_run(environment), "run_id": run.name}))
    pd.DataFrame(
        [
            {
                "study": "s",
                "run_id": run.name,
                "condition": "baseline",
                "intermediate": "",
                "target": "mini-xnli",
                "language": lang,
                "split": "test",
                "metric": "accuracy",
                "seed": 0,
                "value": value + i,
            }
            for i, lang in enumerate(["en", "sva"])
        ]
    ).to_csv(root / "results.csv", index=False)
    return root


def test_diff_command_reports_identical_studies_and_explains_a_gap(tmp_path):
    a = _study(tmp_path / "a" / "s", 50.0, ENV)
    b = _study(tmp_path / "b" / "s", 50.0, {**ENV, "model": "/elsewhere"})
    same = subprocess.run(
        [sys.executable, "-m", "xlib", "diff", str(a), str(b)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert same.returncode == 0, same.stdout + same.stderr
    assert "0 with another value" in same.stdout and "identical results" in same.stdout
    c = _study(tmp_path / "c" / "s", 52.5, {**ENV, "model_sha256": "999"})
    report = compare_studies(a, c)
    assert not report["identical"] and report["results"]["different"] == 2 and report["results"]["max_gap"] == 2.5
    text = format_comparison(report)
    assert "pretrained model's bytes differ" in text and "mini-xnli" in text
    unexplained = format_comparison(compare_studies(a, _study(tmp_path / "d" / "s", 51.0, ENV)))
    assert "please report this as a bug" in unexplained
    missing = subprocess.run(
        [sys.executable, "-m", "xlib", "diff", str(a), str(tmp_path / "nowhere")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert missing.returncode == 2 and "nowhere" in missing.stderr


GENERATE = (
    "import hashlib, json; from xlib.synth.tasks import generate; "
    "from xlib.synth.generators import generated_languages; from xlib.tasks.synthetic import synthetic_tasks; "
    "from xlib.synth.sampling import monolingual_corpus; h = hashlib.sha256(); "
    "[h.update(json.dumps(generate(t, s, l, 20, seed=1), sort_keys=True).encode()) "
    "for t, spec in sorted(synthetic_tasks().items()) for s in spec.splits for l in generated_languages(spec)]; "
    "h.update(json.dumps(monolingual_corpus('grk', 50, seed=0)).encode()); "
    "from xlib.params import load_params; from xlib.planning import plan; "
    "h.update(json.dumps([r.run_id for r in plan(load_params('params/miniature.yaml'), 'runs')]).encode()); "
    "print(h.hexdigest())"
)


def test_synthetic_data_and_run_ids_do_not_depend_on_the_hash_seed():
    digests = set()
    for seed in ("1", "2"):
        out = subprocess.run(
            [sys.executable, "-c", GENERATE],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)},
            timeout=300,
        )
        assert out.returncode == 0, out.stderr[-2000:]
        digests.add(out.stdout.strip())
    assert len(digests) == 1


def test_a_results_table_kept_apart_from_its_runs_can_be_compared(tmp_path):
    import shutil

    from xlib.difference import read_runs, run_records

    a = _study(tmp_path / "a" / "s", 50.0, ENV)
    kept = tmp_path / "kept"
    kept.mkdir()
    shutil.copy(a / "results.csv", kept / "results.csv")
    (kept / "runs.json").write_text(json.dumps(run_records(read_runs(a))))
    report = compare_studies(a, kept)
    assert report["identical"] and report["reasons"] == []
    newer = _study(tmp_path / "n" / "s", 50.0, {**ENV, "libraries": {**ENV["libraries"], "transformers": "5.30.0"}})
    assert any("transformers version" in r for r in compare_studies(kept, newer)["reasons"])
