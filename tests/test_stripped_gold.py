"""Test data whose gold XTREME's download script removed is refused, not scored against blanks.

The blanked files are made here from the invented fixtures the way google-research/xtreme's
utils_preprocess.py makes them (remove_qa_test_annotations: one paragraph per question, answer
``{"answer_start": 0, "text": ""}``; xcopa_preprocess: every label 0).
"""

import json
import shutil
from pathlib import Path

import pytest

from xlib.loaders.gold import MIN_FOR_LABELS, ORIGINAL_RELEASE, StrippedGoldError, stripped_gold
from xlib.tasks import get_task

FIX = Path(__file__).parent / "fixtures" / "xtreme"


def _blank_squad(source: Path, target: Path):
    """Write ``source`` (SQuAD v1.1 JSON) to ``target`` as remove_qa_test_annotations writes it."""
    data = json.loads(source.read_text(encoding="utf-8"))
    new = [
        {
            "paragraphs": [
                {
                    "context": p["context"],
                    "qas": [{"answers": [{"answer_start": 0, "text": ""}], "question": qa["question"], "id": qa["id"]}],
                }
            ]
        }
        for doc in data["data"]
        for p in doc["paragraphs"]
        for qa in p["qas"]
    ]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({"data": new, "version": data.get("version", "1.1")}), encoding="utf-8")


def _copa_records(n: int, labels) -> str:
    return "".join(
        json.dumps(
            {
                "premise": f"Vela mora {i}.",
                "choice1": "Tiku sapo.",
                "choice2": "Sapo tiku.",
                "question": "cause" if i % 2 else "effect",
                "label": labels[i],
                "idx": i,
            }
        )
        + "\n"
        for i in range(n)
    )


def _assert_refused(info, task: str, release: str):
    message = str(info.value)
    assert f"task {task!r}" in message and "gold labels were removed" in message, message
    assert "download_data.sh" in message and release in message, message


def test_blanked_xquad_test_file_is_refused(tmp_path):
    _blank_squad(FIX / "xquad" / "xquad.de.json", tmp_path / "xquad" / "xquad.de.json")
    with pytest.raises(StrippedGoldError) as info:
        get_task("xquad").load("test", "de", data_dir=str(tmp_path))
    _assert_refused(info, "xquad", "github.com/deepmind/xquad")
    assert "every answer of the 2 questions is empty" in str(info.value)


def test_blanked_mlqa_test_file_is_refused_and_the_original_loads(tmp_path):
    name = "test-context-zh-question-zh.json"
    _blank_squad(FIX / "mlqa" / "MLQA_V1" / "test" / name, tmp_path / "mlqa" / "MLQA_V1" / "test" / name)
    with pytest.raises(StrippedGoldError) as info:
        get_task("mlqa").load("test", "zh", data_dir=str(tmp_path))
    _assert_refused(info, "mlqa", "MLQA_V1.zip")
    assert get_task("mlqa").load("test", "zh", data_dir=str(FIX))  # the original fixture is scored


def test_blanked_xcopa_test_file_in_xtremes_layout_is_refused(tmp_path):
    folder = tmp_path / "xcopa"
    folder.mkdir()
    (folder / "test-et.jsonl").write_text(_copa_records(MIN_FOR_LABELS, [0] * MIN_FOR_LABELS), encoding="utf-8")
    with pytest.raises(StrippedGoldError) as info:
        get_task("xcopa").load("test", "et", data_dir=str(tmp_path))
    _assert_refused(info, "xcopa", "github.com/cambridgeltl/xcopa")
    assert f"all {MIN_FOR_LABELS} labels are 0" in str(info.value)
    labels = [0] * (MIN_FOR_LABELS - 1) + [1]  # one real label among them: the gold is there
    (folder / "test-et.jsonl").write_text(_copa_records(MIN_FOR_LABELS, labels), encoding="utf-8")
    assert [e["label"] for e in get_task("xcopa").load("test", "et", data_dir=str(tmp_path))] == labels


def test_dev_splits_are_checked_too_and_training_data_is_not(tmp_path):
    folder = tmp_path / "xcopa"
    (folder / "COPA").mkdir(parents=True)
    (folder / "val-et.jsonl").write_text(_copa_records(MIN_FOR_LABELS, [1] * MIN_FOR_LABELS), encoding="utf-8")
    with pytest.raises(StrippedGoldError):
        get_task("xcopa").load("dev", "et", data_dir=str(tmp_path))
    (folder / "COPA" / "train.jsonl").write_text(_copa_records(MIN_FOR_LABELS, [1] * MIN_FOR_LABELS), encoding="utf-8")
    assert len(get_task("xcopa").load("train", "en", data_dir=str(tmp_path), xcopa_train="copa")) == MIN_FOR_LABELS


def test_panx_test_with_every_tag_o_is_refused(tmp_path):
    folder = tmp_path / "panx" / "de"
    folder.mkdir(parents=True)
    shutil.copy(FIX / "panx" / "de" / "train", folder / "train")
    (folder / "test").write_text(
        "".join(f"de:vela{i}\tO\n" + ("\n" if i % 4 == 3 else "") for i in range(MIN_FOR_LABELS)), encoding="utf-8"
    )
    with pytest.raises(StrippedGoldError) as info:
        get_task("panx").load("test", "de", data_dir=str(tmp_path))
    _assert_refused(info, "panx", "Rahimi")


@pytest.mark.parametrize(
    "fmt, examples, stripped",
    [
        ("qa", [{"answers": {"text": ["", ""], "answer_start": [0, 0]}}], True),
        (
            "qa",
            [{"answers": {"text": [""], "answer_start": [0]}}, {"answers": {"text": ["tiku"], "answer_start": [3]}}],
            False,
        ),
        ("classification", [{"label": 2}] * MIN_FOR_LABELS, True),
        ("classification", [{"label": 2}] * (MIN_FOR_LABELS - 1), False),  # too few to tell from chance
        ("multiple_choice", [{"label": 0}] * MIN_FOR_LABELS + [{"label": 1}], False),
        ("tagging", [{"tags": ["O"] * 5}] * 4, True),
        ("tagging", [{"tags": ["O"] * 5}] * 3 + [{"tags": ["B-PER"] + ["O"] * 4}], False),
        ("ranking", [{"targets": [""]}, {"targets": [""]}], True),
        ("mining", [{"targets": []}, {"targets": ["en-1"]}], False),
        ("mining", [{"targets": []}, {"targets": []}], False),  # BUCC: queries without a pair are normal
    ],
)
def test_stripped_gold_per_format(fmt, examples, stripped):
    assert (stripped_gold(fmt, examples) is not None) == stripped


@pytest.mark.parametrize(
    "task, lang, content",
    [
        ("panx", "de", "vela\nmora\n\ntiku\n"),  # tokens only, no tags
        ("xnli", "de", "Vela mora.\tTiku sapo.\nMora vela.\tSapo tiku.\n"),  # no header, no label column
    ],
)
def test_xtremes_label_less_test_tsv_is_refused_with_the_reason(tmp_path, task, lang, content):
    from xlib.loaders.common import DataFileError

    path = tmp_path / f"test-{lang}.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        get_task(task).load("test", lang, data_files={task: {"test": str(path)}})
    message = str(info.value)
    assert "named as XTREME's preprocessed test files, whose labels its download script removed" in message
    assert ORIGINAL_RELEASE[task].split(" ")[0] in message
    other = tmp_path / f"mine-{lang}.tsv"  # the same content under another name: only the format error
    path.rename(other)
    with pytest.raises(DataFileError) as info:
        get_task(task).load("test", lang, data_files={task: {"test": str(other)}})
    assert "download script" not in str(info.value)
