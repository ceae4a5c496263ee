"""XCOPA's two-stage phase (iii), as XTREME-R: Social IQa first, then COPA from the Social IQa model, head included."""

from pathlib import Path

import pytest
import torch
import yaml

from xlib import compute, pipeline
from xlib.formats import get_format
from xlib.loaders.xcopa import parse_schedule
from xlib.params import ParamsError, load, load_params
from xlib.tasks import get_task

FIX = Path(__file__).parent / "fixtures" / "xtreme"
DATA = {"data_dir": str(FIX)}
HP = {"learning_rate": 5e-2, "max_steps": 3, "batch_size": 2, "max_length": 48, "warmup_ratio": 0.0}


# ------------------------------------------------------------------------------------------- the schedule
def test_default_schedule_is_siqa_then_copa_and_stage_data_names_one_stage():
    stages = get_task("xcopa").stages(DATA)
    assert [name for name, _ in stages] == ["siqa", "copa"]
    assert [d["xcopa_train"] for _, d in stages] == ["siqa", "copa"]
    assert all(d["data_dir"] == str(FIX) for _, d in stages)
    assert [n for n, _ in get_task("xcopa").stages({"xcopa_train": "siqa+copa"})] == ["siqa+copa"]
    assert get_task("xnli").stages(DATA) == [("", DATA)]  # every other task: one unnamed stage


@pytest.mark.parametrize("bad", ["copa,", "cosmos", "siqa;copa", "", "siqa++copa"])
def test_bad_schedules_are_refused_with_the_allowed_forms(bad):
    with pytest.raises(ValueError, match=r"xcopa_train must name stages of siqa and copa.*got"):
        parse_schedule("xcopa", bad)


def test_each_stage_loads_its_own_train_and_dev_sets():
    spec = get_task("xcopa")
    siqa = spec.load("train", "en", xcopa_train="siqa", **DATA)
    assert siqa and all(len(e["choices"]) == 3 for e in siqa)
    siqa_dev = spec.load("dev", "en", xcopa_train="siqa", **DATA)
    assert len(siqa_dev) == 3 and [e["label"] for e in siqa_dev] == [0, 1, 2]
    copa = spec.load("train", "en", xcopa_train="copa", **DATA)
    assert copa and all(len(e["choices"]) == 2 for e in copa)
    assert spec.load("dev", "en", xcopa_train="siqa+copa", **DATA) == spec.load("dev", "en", xcopa_train="copa", **DATA)
    with pytest.raises(ValueError, match="has 2 stages"):
        spec.load("train", "en", **DATA)  # the default schedule is trained stage by stage, not loaded at once


def test_copa_questions_are_asked_as_run_xcopa_does_in_every_language():
    spec = get_task("xcopa")
    questions = {e["question"] for e in spec.load("train", "en", xcopa_train="copa", **DATA)}
    questions |= {e["question"] for e in spec.load("test", "zh", **DATA)}
    assert questions == {"What was the cause?", "What was the effect?"}


@pytest.mark.parametrize("sep", ["-", "."], ids=["current-download_data.sh", "older"])
def test_xtremes_download_folder_is_read_as_it_is(tmp_path, sep):
    """XTREME's download/: xcopa/{train,val}-en.jsonl, xcopa/{val,test}-<lang>.jsonl (today's download_data.sh;
    older: {train,val}.en.jsonl, {val,test}.<lang>.jsonl), siqa/ beside xcopa/."""
    import shutil

    (tmp_path / "xcopa").mkdir()
    (tmp_path / "siqa").mkdir()
    for split in ("train", "val"):
        shutil.copy(FIX / "xcopa" / "COPA" / f"{split}.jsonl", tmp_path / "xcopa" / f"{split}{sep}en.jsonl")
    for split in ("val", "test"):  # (a test file with its labels: XTREME's own has them removed)
        shutil.copy(FIX / "xcopa" / "data" / "et" / f"{split}.et.jsonl", tmp_path / "xcopa" / f"{split}{sep}et.jsonl")
    for name in ("trn", "dev"):
        shutil.copy(FIX / "xcopa" / f"socialIQa_v1.4_{name}.jsonl", tmp_path / "siqa")
    spec, xtreme, ours = get_task("xcopa"), {"data_dir": str(tmp_path)}, DATA
    for split, lang, schedule in (
        ("train", "en", "siqa"),
        ("dev", "en", "siqa"),
        ("train", "en", "copa"),
        ("dev", "en", "copa"),
        ("dev", "et", "copa"),
        ("test", "et", "copa"),
    ):
        assert spec.load(split, lang, xcopa_train=schedule, **xtreme) == spec.load(
            split, lang, xcopa_train=schedule, **ours
        )
    assert len(spec.load("dev", "et", **xtreme)) == 2


def test_social_iqa_hub_script_is_read_from_the_parquet_export(monkeypatch):
    """allenai/social_i_qa is a loading script on the hub: datasets >= 4 refuses it, its Parquet export is read."""
    import datasets

    calls = []
    row = {
        "context": "Ana fed the cat.",
        "question": "Why?",
        "answerA": "to be kind",
        "answerB": "to sleep",
        "answerC": "to run",
        "label": "1",
    }

    def fake_load_dataset(path, name=None, split=None, **kwargs):
        calls.append((path, kwargs.get("revision")))
        if kwargs.get("revision") != "refs/convert/parquet":
            raise RuntimeError("Dataset scripts are no longer supported, but found social_i_qa.py")
        return datasets.Dataset.from_list([row])

    monkeypatch.setattr(datasets, "load_dataset", fake_load_dataset)
    got = get_task("xcopa").load("train", "en", xcopa_train="siqa")
    assert calls == [("allenai/social_i_qa", None), ("allenai/social_i_qa", "refs/convert/parquet")]
    assert got[0]["choices"] == ["to be kind", "to sleep", "to run"] and got[0]["label"] == 0


def test_social_iqa_hub_failure_says_what_to_download(monkeypatch):
    import datasets

    from xlib.loaders.common import DataUnavailableError

    def fake_load_dataset(path, name=None, split=None, **kwargs):
        if kwargs.get("revision"):
            raise FileNotFoundError("Revision 'refs/convert/parquet' does not exist")
        raise RuntimeError("Dataset scripts are no longer supported, but found social_i_qa.py")

    monkeypatch.setattr(datasets, "load_dataset", fake_load_dataset)
    for var in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE"):  # the tests run offline; here the hub "answers"
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(DataUnavailableError) as err:
        get_task("xcopa").load("dev", "en", xcopa_train="siqa")
    msg = str(err.value)
    assert "task 'xcopa'" in msg and "allenai/social_i_qa" in msg and "Parquet export" in msg
    assert "socialIQa_v1.4.tgz" in msg and "<data_dir>/xcopa/" in msg


# ------------------------------------------------------------------------------------------- training
def _head(model) -> torch.Tensor:
    return model.classifier.weight.detach().clone()


def test_stage_two_starts_from_the_stage_one_model_head_included(tiny_model_dir):
    """With a vanishing learning rate in the COPA stage, the final head equals the head trained on Social IQa."""
    hp = {**HP, "stages": {"copa": {"learning_rate": 1e-12}}}
    staged, _, log, _, rows = pipeline.train_target("xcopa", tiny_model_dir, hp, seed=0, data=DATA)
    siqa_only, *_ = pipeline.train_target("xcopa", tiny_model_dir, HP, seed=0, data={**DATA, "xcopa_train": "siqa"})
    torch.manual_seed(0)
    fresh = get_format("multiple_choice").build_model(tiny_model_dir, get_task("xcopa"))
    assert torch.allclose(_head(staged), _head(siqa_only), atol=1e-6)
    assert not torch.allclose(_head(siqa_only), _head(fresh), atol=1e-3)  # stage 1 did move the head
    assert {e["stage"] for e in log} == {"siqa", "copa"}
    splits = {(r["split"], r["n"]) for r in rows}
    assert ("dev-siqa", 3) in splits and ("dev", 2) in splits  # Social IQa dev after stage 1, COPA val at the end


def test_one_stage_schedule_trains_from_the_plain_encoder(tiny_model_dir):
    hp = {**HP, "learning_rate": 1e-12}
    copa_only, _, log, _, rows = pipeline.train_target(
        "xcopa", tiny_model_dir, hp, seed=0, data={**DATA, "xcopa_train": "copa"}
    )
    torch.manual_seed(0)
    fresh = get_format("multiple_choice").build_model(tiny_model_dir, get_task("xcopa"))
    assert torch.allclose(_head(copa_only), _head(fresh), atol=1e-6)
    assert {r["split"] for r in rows} == {"dev"} and all("stage" in e for e in log)


def test_run_target_reports_both_stages_and_scores_every_language(tiny_model_dir):
    report = pipeline.run_target("xcopa", tiny_model_dir, HP, seed=0, languages=["tr", "zh"], data=DATA)
    by_split = {}
    for r in report["rows"]:
        by_split.setdefault(r["split"], set()).add(r["language"])
    assert by_split == {"dev-siqa": {"en"}, "dev": {"en"}, "test": {"tr", "zh"}}


def test_unknown_stage_in_hparams_is_refused(tiny_model_dir):
    with pytest.raises(ValueError, match=r"hparams.stages: unknown stage\(s\) 'mnli'.*'siqa', 'copa'"):
        pipeline.train_target("xcopa", tiny_model_dir, {**HP, "stages": {"mnli": {}}}, data=DATA)


# ------------------------------------------------------------------------------------------- params and cost
def _params(tmp_path, **extra) -> Path:
    params = {
        "study": "x",
        "model": "xlm-roberta-large",
        "seeds": [0],
        "conditions": {"baseline": []},
        "targets": ["xcopa"],
        "target": {"epochs": 5, "batch_size": 32},
        **extra,
    }
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(params))
    return path


def test_params_accept_per_stage_options_and_name_bad_ones(tmp_path):
    ok = load_params(_params(tmp_path, target_overrides={"xcopa": {"stages": {"siqa": {"epochs": 2}}}}))
    assert ok["target_overrides"]["xcopa"]["stages"] == {"siqa": {"epochs": 2}}
    with pytest.raises(ParamsError) as err:
        load_params(
            _params(tmp_path, target_overrides={"xcopa": {"stages": {"cosmos": {}, "copa": {"epochs": -1}}}}, data={})
        )
    assert "target_overrides.xcopa.stages: 'xcopa' has no training stage 'cosmos'" in str(err.value)
    assert "target_overrides.xcopa.stages.copa.epochs: expected a value > 0" in str(err.value)
    with pytest.raises(ParamsError, match=r"data: task 'xcopa': xcopa_train must name stages"):
        load_params(_params(tmp_path, data={"xcopa_train": "copa,mnli"}))


def test_compute_counts_both_stages_with_their_own_options(tmp_path):
    study = load(_params(tmp_path, target_overrides={"xcopa": {"stages": {"siqa": {"epochs": 2}}}}))
    cost = compute.grid_compute(study)
    assert cost["phase_iii"]["steps"] == -(-2 * 33_410 // 32) + -(-5 * 400 // 32)
    one = compute.grid_compute(load(_params(tmp_path, data={"xcopa_train": "copa"})))
    assert one["phase_iii"]["steps"] == -(-5 * 400 // 32)
