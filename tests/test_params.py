from pathlib import Path

import pytest

from xlib.params import ParamsError, load_params

ROOT = Path(__file__).resolve().parents[1]


def write(tmp_path, text):
    path = tmp_path / "study.yaml"
    path.write_text(text)
    return path


GOOD = """
study: t
model: synthetic
seeds: [0]
conditions: {baseline: [], mini-mnli: [mini-mnli]}
targets: [mini-xnli]
"""


@pytest.mark.parametrize("name", ["miniature", "miniature_full", "smoke"])
def test_shipped_params_are_valid(name):
    params = load_params(ROOT / "params" / f"{name}.yaml")
    assert params["study"] == name


def test_minimal_params_load(tmp_path):
    assert load_params(write(tmp_path, GOOD))["jobs"] == 1


@pytest.mark.parametrize(
    "text, expected",
    [
        (GOOD + "colour: blue\n", "unknown key 'colour'"),
        (GOOD.replace("seeds: [0]", "seeds: 0"), "key 'seeds': expected a list"),
        (GOOD.replace("seeds: [0]", "seeds: [-1]"), "seeds: -1 is not a non-negative integer"),
        (GOOD.replace("[mini-xnli]", "[mini-xnly]"), "targets: unknown task 'mini-xnly'"),
        (GOOD.replace("mini-mnli: [mini-mnli]", "mini-mnli: [nope]"), "conditions.mini-mnli: unknown task 'nope'"),
        (GOOD.replace("mini-mnli: [mini-mnli]", "mini-mnli: mini-mnli"), "conditions.mini-mnli: expected a list"),
        (GOOD + "languages: {mini-xnli: [en, zz]}\n", "languages.mini-xnli: unknown language(s) zz"),
        (GOOD + "target: {learning_rat: 0.1}\n", "target: unknown training option(s) learning_rat"),
        (GOOD + "pretrain: {layers: 3}\n", "pretrain: unknown pretrain option(s) layers"),
        (GOOD.replace("study: t\n", ""), "missing required key 'study'"),
        ("study: [unclosed\n", "not valid YAML"),
        ("- a\n- b\n", "expected a mapping"),
    ],
)
def test_bad_params_name_the_file_and_key(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(ParamsError) as info:
        load_params(path)
    assert str(path) in str(info.value)
    assert expected in str(info.value)


def test_all_errors_reported_at_once(tmp_path):
    text = GOOD.replace("[mini-xnli]", "[nope1]") + "target: {epochz: 1}\n" + "languages: {mini-xnli: [zz]}\n"
    with pytest.raises(ParamsError) as info:
        load_params(write(tmp_path, text))
    message = str(info.value)
    assert "3 problem(s)" in message and "nope1" in message and "epochz" in message and "zz" in message


def test_yaml_is_parsed_safely(tmp_path):
    path = write(tmp_path, "study: !!python/object/apply:os.system ['echo hacked']\n")
    with pytest.raises(ParamsError, match="not valid YAML"):
        load_params(path)


def test_missing_file(tmp_path):
    with pytest.raises(ParamsError, match="no such params file"):
        load_params(tmp_path / "absent.yaml")


@pytest.mark.parametrize(
    "block, expected",
    [
        (
            "data: {data_dri: /data}\n",
            "data: unknown key 'data_dri'; expected one of: data_dir, data_files, sizes, data_seed",
        ),
        ("data: {sizes: 300}\n", "data.sizes: expected dict, got 300"),
        ("retrieval: {layr: 1}\n", "retrieval: unknown key 'layr'; expected one of: layer, direction, top_k"),
    ],
)
def test_a_misspelt_key_in_any_section_is_rejected_before_any_run(tmp_path, block, expected):
    """A typo under data: used to fall back to the hub silently; now the file, the key and the keys expected are named."""
    path = write(tmp_path, GOOD + block)
    with pytest.raises(ParamsError) as info:
        load_params(path)
    assert str(path) in str(info.value) and expected in str(info.value)


def test_every_data_key_has_help_text():
    from xlib.data_config import DataConfig

    lines = DataConfig.help().splitlines()
    assert len(lines) == len(DataConfig.keys()) and all(line.split(": ", 1)[1] for line in lines)


def test_every_training_key_has_help_text_and_run_help_lists_it():
    import subprocess
    import sys

    from xlib.trainconfig import TrainConfig

    lines = TrainConfig.help().splitlines()
    assert len(lines) == len(TrainConfig.keys()) and all(line.split(": ", 1)[1] for line in lines)
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-m", "xlib", "run", "--help"], capture_output=True, text=True, cwd=root)
    assert out.returncode == 0 and all(line in out.stdout for line in lines)
    # --help stays fast: the training options are read without importing torch
    light = subprocess.run(
        [sys.executable, "-c", "import sys, xlib.cli; xlib.cli._parser(); print('torch' in sys.modules)"],
        capture_output=True,
        text=True,
        cwd=root,
    )
    assert light.stdout.strip() == "False", light.stderr
