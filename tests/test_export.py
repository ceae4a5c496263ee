"""Export in the XTREME-R submission layout: re-read with evaluate.py's rules, re-scored, equal to results.csv."""

import json
import shutil

import pytest
import yaml

from helpers_runs import FIXTURE_LANGS, write_fixture_runs
from xlib import metrics
from xlib.export import ExportError, export
from xlib.tasks import get_task

TASKS = sorted(FIXTURE_LANGS)


@pytest.fixture(scope="module")
def study(tiny_model_dir, tmp_path_factory):
    runs = tmp_path_factory.mktemp("export-runs")
    results = write_fixture_runs(tiny_model_dir, runs / "fixtures")
    params = {
        "study": "fixtures",
        "model": "synthetic",
        "seeds": [0],
        "conditions": {"baseline": []},
        "targets": TASKS,
        "languages": {t: list(l) for t, l in FIXTURE_LANGS.items()},
    }
    return params, runs, results


# evaluate.py's readers (google-research/xtreme), restated: what a file means to the official scorer
def read_tag(path):
    labels, example = [], []
    for line in path.read_text().splitlines():
        line = line.strip()
        if line:
            example.append(line)
        else:
            labels.append(example)
            example = []
    if example:
        labels.append(example)
    return labels


def read_label(path):
    return [l.strip() for l in path.read_text().splitlines()]


def read_json(path):
    data = json.loads(path.read_text())
    return data["data"] if "data" in data else data


def read_xcopa(path):
    return [json.loads(row)["label"] for row in path.read_text().splitlines()]


def official_score(task, pred_file, label_file, language):
    """Return evaluate.py's METRIC_FUNCTION[task] value for one language, computed with xlib.metrics."""
    if task in ("udpos", "panx"):
        return metrics.tag_f1(read_tag(label_file), read_tag(pred_file))["f1"]
    if task in ("xnli", "pawsx", "tatoeba"):
        return metrics.accuracy(read_label(label_file), read_label(pred_file))["accuracy"]
    if task == "xcopa":
        return metrics.accuracy(read_xcopa(label_file), read_xcopa(pred_file))["accuracy"]
    if task == "bucc2018":
        return metrics.bucc_f1(read_label(label_file), read_label(pred_file))["f1"]
    if task == "mewslix":
        return metrics.mewslix_map_at_k(read_json(label_file), read_json(pred_file), k=20)["map@20"]
    if task == "mlqa":
        return metrics.em_f1_mean(metrics.mlqa_em_f1(read_json(label_file), read_json(pred_file), language))
    return metrics.em_f1_mean(metrics.squad_em_f1(read_json(label_file), read_json(pred_file)))


def test_every_fixture_task_exported_reread_and_rescored_equals_results(study, tmp_path):
    params, runs, results = study
    out = export(params, "baseline", tmp_path / "submission", runs, labels=True, log=lambda *_: None)
    written = sorted(p.relative_to(out / "predictions").as_posix() for p in (out / "predictions").rglob("*.*"))
    suffix = {"xquad": "json", "mlqa": "json", "tydiqa": "json", "mewslix": "json", "xcopa": "jsonl"}
    expected = sorted(f"{t}/test-{l}.{suffix.get(t, 'tsv')}" for t in TASKS if t != "lareqa" for l in FIXTURE_LANGS[t])
    assert written == expected
    for task in sorted(set(TASKS) - {"lareqa"}):
        spec = get_task(task)
        metric = "em_f1" if spec.format == "qa" else spec.metric
        for language in FIXTURE_LANGS[task]:
            name = f"{task}/test-{language}.{suffix.get(task, 'tsv')}"
            value = official_score(task, out / "predictions" / name, out / "labels" / name, language)
            row = results[
                (results.target == task)
                & (results.language == language)
                & (results.metric == metric)
                & (results.split == spec.eval_split)
            ]
            assert len(row) == 1 and value == pytest.approx(row["value"].iloc[0], abs=1e-9), (task, language)
    assert read_label(out / "predictions" / "xnli" / "test-de.tsv")[0] in {"entailment", "neutral", "contradiction"}
    assert set(read_label(out / "predictions" / "pawsx" / "test-de.tsv")) <= {"0", "1"}


def test_cli_export_and_nothing_partial_on_a_missing_language(study, tmp_path):
    from xlib.cli import main

    params, runs, _ = study
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump({**params, "targets": ["xnli", "udpos"]}))
    assert (
        main(["export", str(path), "--condition", "baseline", "--out", str(tmp_path / "ok"), "--runs-dir", str(runs)])
        == 0
    )
    assert sorted(p.name for p in (tmp_path / "ok" / "predictions" / "udpos").iterdir()) == [
        "test-de.tsv",
        "test-en.tsv",
        "test-ru.tsv",
    ]
    assert not (tmp_path / "ok" / "labels").exists()
    wider = {**params, "languages": {**params["languages"], "udpos": ["en", "de", "ru", "fr"]}}
    with pytest.raises(
        ExportError,
        match=r"task 'udpos': no predictions for language 'fr'.*"
        r"target--baseline--udpos--s0/predictions.parquet",
    ):
        export(wider, "baseline", tmp_path / "partial", runs, log=lambda *_: None)
    assert not (tmp_path / "partial").exists() and not list(tmp_path.glob(".partial-*"))
    with pytest.raises(ExportError, match="--strict: study 'fixtures' has no run of XTREME-R task"):
        export({**params, "targets": ["xnli"]}, "baseline", tmp_path / "strict", runs, strict=True)
    with pytest.raises(ExportError, match="condition 'other' is not in study"):
        export(params, "other", tmp_path / "x", runs)
    with pytest.raises(ExportError, match="exists"):
        export(params, "baseline", tmp_path / "ok", runs)


def test_malformed_partial_and_mixed_runs_directories_are_named(study, tmp_path):
    params, runs, _ = study
    copy = tmp_path / "runs"
    shutil.copytree(runs, copy)
    root = copy / "fixtures"
    one = {**params, "targets": ["xnli"]}
    (root / "target--baseline--xnli--s0" / "predictions.parquet").unlink()
    with pytest.raises(ExportError, match="run 'target--baseline--xnli--s0': no predictions.parquet"):
        export(one, "baseline", tmp_path / "a", copy)
    (root / "target--baseline--xnli--s0" / "predictions.parquet").write_bytes(b"PAR1 torn")
    with pytest.raises(ExportError, match=r"target--baseline--xnli--s0.*predictions.parquet is not a readable"):
        export(one, "baseline", tmp_path / "a", copy)
    (root / "target--baseline--xnli--s0" / "run.json").unlink()
    with pytest.raises(ExportError, match="run 'target--baseline--xnli--s0' is not finished: .* lacks run.json"):
        export(one, "baseline", tmp_path / "a", copy)
    shutil.rmtree(root / "target--baseline--xnli--s0")
    with pytest.raises(ExportError, match="missing run 'target--baseline--xnli--s0' \\(task 'xnli'"):
        export(one, "baseline", tmp_path / "a", copy)
    udpos = root / "target--baseline--udpos--s0" / "run.json"
    meta = json.loads(udpos.read_text())
    meta["parameters"]["study"] = "another"
    udpos.write_text(json.dumps(meta))
    with pytest.raises(
        ExportError,
        match=r"run 'target--baseline--udpos--s0': .*run.json belongs to another run: "
        r"study 'another' \(expected 'fixtures'\)",
    ):
        export({**params, "targets": ["udpos"]}, "baseline", tmp_path / "a", copy)
    udpos.write_text("{not json")
    with pytest.raises(ExportError, match="run.json is not readable JSON"):
        export({**params, "targets": ["udpos"]}, "baseline", tmp_path / "a", copy)
    assert not (tmp_path / "a").exists()


def test_runs_left_by_other_executors_export_the_same(study, tmp_path):
    """A Ray or Slurm runs directory has the same run layout plus markers, failure records and temporary
    directories; these are ignored and the export is byte-identical."""
    params, runs, _ = study
    copy = tmp_path / "runs"
    shutil.copytree(runs, copy)
    root = copy / "fixtures"
    (root / ".running").mkdir()
    (root / ".running" / "target--baseline--xnli--s0.json").write_text('{"host": "node7", "pid": 1}')
    (root / ".tmp-target--baseline--xnli--s0-abc").mkdir()
    (root / "failed" / "target--baseline--xnli--s0").mkdir(parents=True)
    for run in root.glob("target--*"):
        meta = json.loads((run / "run.json").read_text())
        (run / "run.json").write_text(json.dumps({**meta, "host": "node7", "slurm_job_id": "123"}))
    first = export(params, "baseline", tmp_path / "local", runs, labels=True, log=lambda *_: None)
    second = export(params, "baseline", tmp_path / "cluster", copy, labels=True, log=lambda *_: None)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)
