"""The nine English intermediate tasks: registry, loaders for the original release formats, training through
``pipeline.run_intermediate`` (single-task, multi-task, translate-train) and the conditions schema."""

import json
import os
from pathlib import Path

import pytest

from xlib.loaders.common import DataFileError, DataUnavailableError
from xlib.tasks import get_task
from xlib.tasks.intermediate import HUB, INTERMEDIATE_TASKS

FIXTURES = Path(__file__).parent / "fixtures" / "intermediate"
DATA = {"data_dir": str(FIXTURES)}
# examples per split in the fixture files (ANLI+ = 3 x 6 ANLI + 12 MNLI + 7 SNLI with a gold label)
SIZES = {
    "anli": (37, 18),
    "ccg": (10, 4),
    "commonsenseqa": (10, 5),
    "cosmosqa": (8, 4),
    "hellaswag": (8, 4),
    "mnli": (12, 6),
    "qqp": (12, 6),
    "squad": (12, 4),
    "sst2": (12, 6),
}
KEYS = {
    "classification": {"id", "text", "text_pair", "label"},
    "multiple_choice": {"id", "context", "question", "choices", "label"},
    "tagging": {"id", "tokens", "tags"},
    "qa": {"id", "context", "question", "answers"},
}
FAST = {"learning_rate": 1e-3, "max_steps": 2, "batch_size": 4, "max_length": 64}


def test_the_nine_tasks_are_registered_with_format_metric_and_source():
    expected = {
        "anli": ("classification", "accuracy"),
        "ccg": ("tagging", "accuracy"),
        "commonsenseqa": ("multiple_choice", "accuracy"),
        "cosmosqa": ("multiple_choice", "accuracy"),
        "hellaswag": ("multiple_choice", "accuracy"),
        "mnli": ("classification", "accuracy"),
        "qqp": ("classification", "accuracy"),
        "squad": ("qa", "em_f1"),
        "sst2": ("classification", "accuracy"),
    }
    assert set(INTERMEDIATE_TASKS) == set(expected)
    for name, (fmt, metric) in expected.items():
        spec = get_task(name)
        assert (spec.format, spec.metric, spec.role, spec.languages, spec.eval_split) == (
            fmt,
            metric,
            "intermediate",
            ("en",),
            "dev",
        )
    assert get_task("mnli").labels == ("entailment", "neutral", "contradiction")
    hub_ids = {HUB[t][0] for t in HUB}
    assert {
        "nyu-mll/glue",
        "facebook/anli",
        "tau/commonsense_qa",
        "allenai/cosmos_qa",
        "Rowan/hellaswag",
        "rajpurkar/squad",
        "stanfordnlp/snli",
    } == hub_ids
    assert "ccg" not in HUB  # licensed: local files only


@pytest.mark.parametrize("task", sorted(SIZES))
def test_each_task_loads_its_original_format(task):
    spec = get_task(task)
    for split, n in zip(("train", "dev"), SIZES[task]):
        examples = spec.load(split, "en", **DATA)
        assert len(examples) == n
        assert all(set(e) == KEYS[spec.format] for e in examples)
        if spec.format == "classification":
            assert all(0 <= e["label"] < len(spec.labels) for e in examples)
        if spec.format == "multiple_choice":
            assert {len(e["choices"]) for e in examples} == {5 if task == "commonsenseqa" else 4}
            assert all(0 <= e["label"] < len(e["choices"]) for e in examples)
        if spec.format == "qa":
            assert all(
                e["context"][s : s + len(t)] == t
                for e in examples
                for s, t in zip(e["answers"]["answer_start"], e["answers"]["text"])
            )


def test_loaders_read_the_fields_they_should():
    csqa = get_task("commonsenseqa").load("train", "en", **DATA)[1]
    assert csqa["choices"][csqa["label"]] == "tea"  # answerKey B of the second question
    hella = get_task("hellaswag").load("train", "en", **DATA)[1]
    assert hella["choices"][hella["label"]].endswith("until it shines.") and hella["context"].startswith("Orrin")
    cosmos = get_task("cosmosqa").load("train", "en", **DATA)[0]
    assert '"almost there"' in cosmos["context"]  # CSV quoting undone
    ccg = get_task("ccg").load("train", "en", **DATA)
    assert ccg[0]["tags"] == ["N", "(S[dcl]\\NP)/NP", "NP[nb]/N", "N", "."]
    assert {e["id"].split(".")[0] for e in ccg} == {"wsj_0201", "wsj_2101"}  # sections 02-21 only
    only_anli = get_task("anli").load("train", "en", anli_components=["anli-r1", "anli-r3"], **DATA)
    assert len(only_anli) == 12 and all(e["id"].startswith("fx-R") for e in only_anli)
    assert get_task("mnli").load("train", "en", sizes={"train": 5}, **DATA)[4]["label"] == 1


def test_data_files_and_a_mapping_data_dir_work_too(tmp_path):
    squad = get_task("squad").load("dev", "en", data_files={"squad": {"dev": str(FIXTURES / "squad/dev-v1.1.json")}})
    assert len(squad) == 4
    sst = get_task("sst2").load("train", "en", data_dir={"sst2": str(FIXTURES / "sst2")})
    assert len(sst) == 12


def test_bad_files_name_the_file_the_line_and_the_expectation(tmp_path):
    bad = tmp_path / "mnli"
    bad.mkdir()
    lines = (FIXTURES / "mnli/train.tsv").read_text().splitlines()
    lines[3] = lines[3].rsplit("\t", 1)[0] + "\tmaybe"
    (bad / "train.tsv").write_text("\n".join(lines) + "\n")
    with pytest.raises(DataFileError, match=r"train\.tsv, line 4: expected a gold_label among entailment"):
        get_task("mnli").load("train", "en", data_dir=str(tmp_path))
    hs = tmp_path / "hellaswag"
    hs.mkdir()
    rec = json.loads((FIXTURES / "hellaswag/hellaswag_train.jsonl").read_text().splitlines()[0])
    rec["endings"] = rec["endings"][:3]
    (hs / "hellaswag_train.jsonl").write_text(json.dumps(rec) + "\n")
    with pytest.raises(DataFileError, match=r"hellaswag_train\.jsonl, record 1: expected a list of 4 endings"):
        get_task("hellaswag").load("train", "en", data_dir=str(tmp_path))
    (tmp_path / "sst2").mkdir()
    with pytest.raises(DataUnavailableError, match=r"no dev file under .*sst2.*dev\.tsv"):
        get_task("sst2").load("dev", "en", data_dir=str(tmp_path))


def test_missing_data_says_what_to_download_and_where():
    with pytest.raises(DataUnavailableError, match=r"LDC.*not on the Hugging Face hub.*data/AUTO"):
        get_task("ccg").load("train", "en")
    with pytest.raises(DataUnavailableError, match=r"nyu-mll/glue.*offline.*<data_dir>/qqp/"):
        get_task("qqp").load("train", "en")


# --------------------------------------------------------------------------------------------------
# training through the same code path as hub data


@pytest.mark.parametrize("task", sorted(SIZES))
def test_single_task_training_on_each_fixture(task, tiny_model_dir, tmp_path):
    from safetensors import safe_open
    from xlib.pipeline import run_intermediate

    report = run_intermediate([task], tiny_model_dir, str(tmp_path), FAST, seed=0, data=DATA)
    rows = report["rows"]
    assert {r["task"] for r in rows} == {task} and {r["split"] for r in rows} == {"dev"}
    assert rows[0]["n"] == SIZES[task][1]
    metric = get_task(task).metric
    assert any(r["metric"] == metric and 0 <= r["value"] <= 100 for r in rows)
    assert [e["task"] for e in report["log"]] == [task]
    with safe_open(str(Path(report["encoder"]) / "model.safetensors"), "pt") as f:
        keys = list(f.keys())
    assert keys and not any(k.startswith(("classifier", "qa_outputs", "lm_head")) for k in keys)
    config = json.loads((Path(report["encoder"]) / "config.json").read_text())
    assert not config.get("id2label") or set(config["id2label"].values()) <= {"LABEL_0", "LABEL_1"}


def test_multi_task_over_all_nine_one_head_each(tiny_model_dir, tmp_path):
    from xlib.pipeline import run_intermediate, run_target

    hp = {**FAST, "max_steps": 12, "batch_size": 2, "sampling": "temperature", "temperature": 1000.0}
    report = run_intermediate(list(INTERMEDIATE_TASKS), tiny_model_dir, str(tmp_path), hp, seed=0, data=DATA)
    assert {r["task"] for r in report["rows"]} == set(INTERMEDIATE_TASKS)
    assert (Path(report["encoder"]) / "model.safetensors").exists()
    # a classification task listed before the multiple-choice ones: the shared encoder still has a pooler
    assert len({e["task"] for e in report["log"]}) >= 5
    # phase (iii) starts from the saved encoder with a fresh head (multiple choice: XCOPA-like)
    target = run_target(
        "mini-xcopa",
        report["encoder"],
        FAST,
        seed=0,
        languages=["en", "sov"],
        data={"sizes": {"train": 8, "dev": 4, "test": 4}},
    )
    assert {(r["language"], r["split"]) for r in target["rows"]} >= {("en", "test"), ("sov", "test")}


def test_translate_train_adds_the_translated_training_set(tiny_model_dir, tmp_path):
    from xlib.pipeline import run_intermediate
    from xlib.translate import translated_examples

    translated = {"mnli": {"de": str(FIXTURES / "translated/de/mnli")}}
    extra = translated_examples(get_task("mnli"), {"languages": ["de"]}, {**DATA, "translated": translated})
    assert len(extra) == 6 and extra[0]["id"].startswith("de:") and "Kessel" in extra[0]["text"]
    with pytest.raises(DataUnavailableError, match=r"translate\.dirs\.mnli\.fr"):
        translated_examples(get_task("mnli"), {"languages": ["fr"]}, {**DATA, "translated": translated})
    with pytest.raises(ValueError, match="tagging task"):
        translated_examples(get_task("ccg"), {"languages": ["de"]}, DATA)
    options = {"translate": {"languages": ["de"], "dirs": translated}}
    report = run_intermediate(["mnli"], tiny_model_dir, str(tmp_path), FAST, seed=0, data=DATA, options=options)
    assert report["rows"][0]["n"] == 6  # evaluated on the English dev set only


def test_miniature_translate_train_realises_the_english_meanings():
    from xlib.synth.tasks import generate, translate

    en = generate("mini-mnli", "train", "en", 20)
    sov = translate("mini-mnli", "train", "sov", 20)
    assert [e["label"] for e in en] == [e["label"] for e in sov]
    assert all(a["text"] != b["text"] for a, b in zip(en, sov))
    assert translate("mini-mnli", "train", "en", 20) == en
    with pytest.raises(ValueError, match="tagging"):
        translate("mini-ccg", "train", "sov", 3)


# --------------------------------------------------------------------------------------------------
# conditions schema and the paper's grid


def _params(**conditions):
    return {
        "study": "t",
        "model": "synthetic",
        "seeds": [0],
        "targets": ["mini-xnli"],
        "conditions": {"baseline": [], **conditions},
        "data": {"sizes": {"train": 10}},
    }


def test_conditions_take_options_and_errors_name_condition_and_key():
    from xlib.params import validate

    good = _params(
        **{
            "mlm-continuation": {"tasks": ["mini-mnli"], "mlm": {"languages": ["en", "sov"], "corpus": "synthetic"}},
            "translate-train": {"tasks": ["mini-mnli"], "translate": {"languages": ["sov"]}},
        }
    )
    assert [e for e in validate(good) if "conditions" in e] == []
    bad = _params(
        **{
            "m": {"tasks": ["mini-mnli"], "mlm": {"languages": ["xx"], "corpus": "synthetic", "ratio": 2}},
            "t": {"tasks": ["mini-ccg"], "translate": {"languages": ["sov"], "oops": 1}},
            "e": {"mlm": {"languages": ["en"], "corpus": "synthetic"}},
        }
    )
    errors = "\n".join(validate(bad))
    assert "conditions.m.mlm: ratio: expected a number strictly between 0 and 1" in errors
    assert "conditions.m.mlm.languages: unknown synthetic language(s) xx" in errors
    assert "conditions.t.translate: unknown key 'oops'" in errors
    assert "conditions.t.translate: task 'mini-ccg' is a tagging task" in errors
    assert "conditions.e.tasks: expected a non-empty list" in errors


def test_plan_passes_condition_options_to_phase_two_only():
    from xlib.planning import plan

    params = _params(**{"translate-train": {"tasks": ["mini-mnli"], "translate": {"languages": ["sov"]}}})
    runs = {r.run_id: r for r in plan(params, "/tmp/unused-runs")}
    inter = runs["intermediate--translate-train--s0"]
    assert inter.parameters["tasks"] == ["mini-mnli"]
    assert inter.parameters["options"] == {"translate": {"languages": ["sov"]}}
    assert "translate" not in inter.parameters["data"]  # the data: block is the study's, options travel apart
    assert inter.parameters["data"]["sizes"] == {"train": 10}
    target = runs["target--translate-train--mini-xnli--s0"]
    assert "translate" not in target.parameters["data"] and target.depends_on == inter.run_id


def test_phang2020_params_dry_run_lists_runs_without_loading():
    import subprocess
    import sys

    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "xlib",
            "run",
            "params/phang2020.yaml",
            "--dry-run",
            "--runs-dir",
            "/tmp/xlib-phang2020-dry-run",
        ],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent.parent,
        timeout=120,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"},
    )
    assert out.returncode == 0, out.stderr
    lines = [l for l in out.stdout.splitlines() if l.startswith(("intermediate--", "target--"))]
    inter = [l for l in lines if l.startswith("intermediate--")]
    # 9 single tasks + multi-task + MLM continuation + 2 translate-train conditions, 3 seeds each
    assert len(inter) == 13 * 3
    assert len(lines) - len(inter) == 14 * 9 * 3  # (13 + baseline) x 9 XTREME targets x 3 seeds
    assert any("--mlm-continuation--" in l for l in inter) and any("--translate-train-squad--" in l for l in inter)
    assert not Path("/tmp/xlib-phang2020-dry-run/phang2020").exists() or not any(
        Path("/tmp/xlib-phang2020-dry-run/phang2020").iterdir()
    )


def test_hub_rows_map_to_the_same_schema(monkeypatch):
    """Rows shaped like the hub datasets' features (invented text) go through the hub path of every task."""
    import xlib.tasks.intermediate as inter

    rows = {
        "facebook/anli": [{"uid": "a1", "premise": "P.", "hypothesis": "H.", "label": 2, "reason": ""}],
        "nyu-mll/glue/mnli": [
            {"premise": "P.", "hypothesis": "H.", "label": 1, "idx": 0},
            {"premise": "P.", "hypothesis": "H.", "label": -1, "idx": 1},
        ],
        "stanfordnlp/snli": [
            {"premise": "P.", "hypothesis": "H.", "label": -1},
            {"premise": "Q.", "hypothesis": "R.", "label": 0},
        ],
        "nyu-mll/glue/qqp": [{"question1": "Q1?", "question2": "Q2?", "label": 1, "idx": 3}],
        "nyu-mll/glue/sst2": [{"sentence": "fine film", "label": 0, "idx": 4}],
        "tau/commonsense_qa": [
            {
                "id": "c",
                "question": "Q?",
                "question_concept": "x",
                "choices": {"label": list("ABCDE"), "text": list("vwxyz")},
                "answerKey": "D",
            }
        ],
        "allenai/cosmos_qa": [
            {
                "id": "k",
                "context": "C.",
                "question": "Q?",
                "answer0": "a",
                "answer1": "b",
                "answer2": "c",
                "answer3": "d",
                "label": 3,
            }
        ],
        "Rowan/hellaswag": [
            {
                "ind": 5,
                "ctx_a": "A man sits.",
                "ctx_b": "he",
                "ctx": "A man sits. he",
                "endings": ["e0", "e1", "e2", "e3"],
                "label": "2",
                "activity_label": "x",
            }
        ],
        "rajpurkar/squad": [
            {
                "id": "s",
                "title": "t",
                "context": "Ada lives here.",
                "question": "Who?",
                "answers": {"text": ["Ada"], "answer_start": [0]},
            }
        ],
    }
    calls = []

    def fake_hub(dataset_id, config, split, task, hint="", **kwargs):
        calls.append((dataset_id, config, split, kwargs.get("revision")))
        return rows[f"{dataset_id}/{config}" if dataset_id == "nyu-mll/glue" else dataset_id]

    monkeypatch.setattr(inter, "hub_split", fake_hub)
    assert len(get_task("anli").load("dev", "en")) == 3 + 1 + 1  # r1-r3, MNLI (labelled), SNLI (gold only)
    assert get_task("mnli").load("train", "en") == [{"id": "0", "text": "P.", "text_pair": "H.", "label": 1}]
    assert get_task("qqp").load("train", "en")[0]["label"] == 1
    assert get_task("sst2").load("train", "en")[0]["text_pair"] is None
    assert get_task("commonsenseqa").load("train", "en")[0]["label"] == 3
    assert get_task("cosmosqa").load("dev", "en")[0]["choices"][3] == "d"
    assert get_task("hellaswag").load("train", "en")[0]["choices"][2] == "he e2"
    assert get_task("squad").load("dev", "en")[0]["answers"] == {"text": ["Ada"], "answer_start": [0]}
    assert ("facebook/anli", "plain_text", "dev_r3", None) in calls
    assert ("nyu-mll/glue", "mnli", "validation_matched", None) in calls
    assert ("allenai/cosmos_qa", None, "validation", "refs/convert/parquet") in calls
