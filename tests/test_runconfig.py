"""The typed run config: merged once by the plan, handed whole to the notebook, unknown keys rejected."""

import dataclasses
from pathlib import Path

import pytest

from xlib.params import ParamsError, load_params
from xlib.planning import plan
from xlib.runconfig import Resources, RunConfig, target_hparams

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "fixtures" / "params" / "tiny.yaml"


def _write(tmp_path, text: str) -> Path:
    path = tmp_path / "study.yaml"
    path.write_text(text)
    return path


XCOPA_STUDY = """study: merge
model: synthetic
seeds: [0]
conditions: {baseline: []}
targets: [mini-xnli, xcopa]
data: {xcopa_train: "siqa,copa"}
target: {learning_rate: 1.0e-4, max_steps: 5, batch_size: 8}
target_overrides:
  xcopa: {learning_rate: 2.0e-4, stages: {copa: {learning_rate: 3.0e-4}}}
"""


def test_merge_order_is_target_then_recipe_then_override_then_stage(tmp_path):
    params = load_params(_write(tmp_path, XCOPA_STUDY))
    configs = {r.target: RunConfig.from_dict(r.parameters) for r in plan(params, tmp_path / "runs")}
    xnli, xcopa = configs["mini-xnli"], configs["xcopa"]
    assert xnli.hparams["learning_rate"] == 1.0e-4 and xnli.hparams["max_steps"] == 5  # the target: block
    assert xcopa.hparams["learning_rate"] == 2.0e-4 and xcopa.hparams["batch_size"] == 8  # override over target:
    stages = xcopa.train_configs()
    assert list(stages) == ["siqa", "copa"]
    assert stages["siqa"].learning_rate == 2.0e-4 and stages["copa"].learning_rate == 3.0e-4  # stage over override
    assert stages["copa"].max_steps == 5  # target: still below


def test_the_task_recipe_sits_between_the_target_block_and_the_overrides(monkeypatch):
    from xlib import tasks

    spec = dataclasses.replace(tasks.get_task("mini-xnli"), recipe={"learning_rate": 7.0, "epochs": 9.0})
    monkeypatch.setattr(tasks, "get_task", lambda name: spec)
    params = {
        "target": {"learning_rate": 1.0, "epochs": 1.0, "batch_size": 4},
        "target_overrides": {"mini-xnli": {"epochs": 2.0}},
    }
    assert target_hparams(params, "mini-xnli") == {"learning_rate": 7.0, "epochs": 2.0, "batch_size": 4}


def test_a_planned_run_config_round_trips_and_the_notebook_gets_it_whole(monkeypatch, tmp_path):
    from xlib import rundir

    runs = plan(load_params(TINY), tmp_path)
    for run in runs:
        config = RunConfig.from_dict(run.parameters)
        assert config.to_dict() == run.parameters and config.run_id == run.run_id and config.phase == run.phase
    seen = {}
    for name in ("XLIB_NUM_THREADS", "XLIB_RUN_ID", "XLIB_STUDY_PGID"):  # restored after the test
        monkeypatch.setenv(name, "")
    monkeypatch.setattr("xlib.rundir.execute_notebook", lambda name, out, parameters, **k: seen.update(parameters))
    rundir.execute_run(runs[0], tmp_path)
    assert set(seen) == {"config", "out_dir"} and seen["config"] == runs[0].parameters


def test_a_new_field_travels_from_the_plan_to_the_pipeline_without_other_edits(monkeypatch, tmp_path):
    """Adding a run parameter is one field: from_dict, to_dict, run.json and the notebook's config carry it."""
    from xlib import pipeline

    extended = dataclasses.make_dataclass(
        "Extended", [("dropout", float, dataclasses.field(default=0.0))], bases=(RunConfig,), frozen=True
    )
    config = extended.from_dict({**RunConfig().to_dict(), "dropout": 0.25})
    assert config.to_dict()["dropout"] == 0.25 and extended.from_dict(config.to_dict()) == config
    with pytest.raises(ValueError, match="unknown key 'dropout'"):  # the plain config does not know it
        RunConfig.from_dict(config.to_dict())
    seen = {}
    monkeypatch.setattr(pipeline, "run_target", lambda *a, **k: seen.update(args=a, kwargs=k) or {"rows": []})
    pipeline.run(dataclasses.replace(config, target="mini-xnli", encoder="m"), str(tmp_path))
    assert seen["args"][:2] == ("mini-xnli", "m")


def test_an_unknown_config_key_is_named_with_the_fields():
    with pytest.raises(ValueError) as err:
        RunConfig.from_dict({"phase": "target", "hparms": {}})
    assert "config: unknown key 'hparms'" in str(err.value) and "hparams" in str(err.value)
    with pytest.raises(ValueError, match="phase"):
        RunConfig(phase="pretrain")
    assert "perturb:" in RunConfig.help() and all(f.metadata["help"] for f in dataclasses.fields(RunConfig))


def test_an_unknown_key_in_a_condition_is_rejected_naming_file_and_key(tmp_path):
    path = _write(
        tmp_path,
        "study: s\nmodel: synthetic\nseeds: [0]\ntargets: [mini-xnli]\n"
        "conditions: {shuffled: {tasks: [mini-mnli], shufle_labels: true}}\n",
    )
    with pytest.raises(ParamsError) as err:
        load_params(path)
    assert str(path) in str(err.value) and "conditions.shuffled: unknown key 'shufle_labels'" in str(err.value)


def test_bad_stage_options_stop_the_plan_naming_the_run(tmp_path):
    params = load_params(_write(tmp_path, XCOPA_STUDY))
    params["target_overrides"]["xcopa"]["stages"]["copa"]["learning_rat"] = 1.0  # past the params checks
    with pytest.raises(ValueError, match="run target--baseline--xcopa--s0: unknown training option"):
        plan(params, tmp_path / "runs")


def test_resources_come_from_the_cluster_block():
    assert Resources.from_params({}) == Resources(cpus=1, gpus=0, memory_gb=None)
    assert Resources.from_params({"cluster": {"cpus": 4, "memory_gb": 8, "partition": "p"}}).cpus == 4


def test_load_parses_the_params_file_once_into_a_typed_study():
    from xlib.data_config import DataConfig
    from xlib.params import TOP_LEVEL, load
    from xlib.studyconfig import Condition, Study

    study = load(ROOT / "params" / "smoke.yaml")
    assert isinstance(study, Study) and isinstance(study.data, DataConfig) and study.data.sizes["train"] == 300
    assert study.conditions["multi-task"] == Condition("multi-task", ("mini-mnli", "mini-squad"))
    assert study.path.endswith("smoke.yaml") and study.jobs == 2
    assert list(TOP_LEVEL) == [f.name for f in dataclasses.fields(Study) if "kind" in f.metadata]
    assert all(f.metadata["help"] for cls in (Study, Condition) for f in dataclasses.fields(cls))
    mapping = load_params(ROOT / "params" / "smoke.yaml")
    assert [r.parameters for r in plan(study, "runs")] == [r.parameters for r in plan(mapping, "runs")]


def test_condition_options_travel_to_phase_ii_only(tmp_path):
    path = _write(
        tmp_path,
        "study: s\nmodel: synthetic\nseeds: [0]\ntargets: [mini-xnli]\n"
        "conditions: {shuffled: {tasks: [mini-mnli], shuffle_labels: true}}\n",
    )
    inter, target = plan(load_params(path), tmp_path / "runs")
    assert inter.parameters["options"] == {"shuffle_labels": True} and target.parameters["options"] == {}


def test_a_study_wide_run_parameter_is_a_study_field_and_a_run_config_field(monkeypatch, tmp_path):
    """A new study key that every run reads: one Study field, one RunConfig field (study=True); nothing else."""
    from xlib import params as params_module
    from xlib import planning, runconfig, studyconfig

    run_config = dataclasses.make_dataclass(
        "RunConfig",
        [("dropout", float, runconfig._option(0.0, "dropout of every run", study=True))],
        bases=(RunConfig,),
        frozen=True,
    )
    study_config = dataclasses.make_dataclass(
        "Study",
        [("dropout", float, studyconfig._key(float, 0.0, "dropout of every run"))],
        bases=(studyconfig.Study,),
        frozen=True,
    )
    monkeypatch.setattr(planning, "RunConfig", run_config)
    monkeypatch.setattr(planning, "Study", study_config)
    monkeypatch.setattr(params_module, "TOP_LEVEL", study_config.keys())
    path = _write(tmp_path, TINY.read_text() + "dropout: 0.25\n")
    runs = planning.plan(params_module.load_params(path), tmp_path / "runs")
    assert {r.parameters["dropout"] for r in runs} == {0.25}
    with pytest.raises(ParamsError, match="unknown key 'dropout'"):  # without the field: an error naming it
        monkeypatch.undo()
        params_module.load_params(path)
