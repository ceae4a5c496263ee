"""The real XTREME-R targets (plus PAWS-X, BUCC): fixtures in each original format load and score."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers_runs import FIX, FIXTURE_LANGS  # three fixture languages per task, one of them non-Latin
from xlib.loaders.common import DataFileError, DataUnavailableError, read_conll, read_jsonl, read_squad_json, read_tsv
from xlib.formats import family
from xlib.tasks import get_task

ROOT = Path(__file__).resolve().parents[1]
XTREME_R = ("xnli", "xcopa", "udpos", "panx", "xquad", "mlqa", "tydiqa", "tatoeba", "lareqa", "mewslix")


def test_registry_has_the_ten_targets_and_fifty_languages():
    langs = set()
    for name in XTREME_R:
        spec = get_task(name)
        assert spec.role == "target" and spec.loader is not None
        langs |= set(spec.languages)
    assert len(langs) == 50
    assert len(get_task("panx").languages) == 48 and len(get_task("udpos").languages) == 38
    assert len(get_task("tatoeba").languages) == 41 and "en" not in get_task("xcopa").languages
    assert get_task("pawsx").eval_split == "dev" and get_task("bucc2018").metric == "f1"


@pytest.mark.parametrize("task", sorted(FIXTURE_LANGS))
def test_fixture_loads_in_every_language_through_the_task_loader(task):
    spec = get_task(task)
    fmt_keys = {
        "classification": {"text", "text_pair", "label"},
        "multiple_choice": {"context", "choices", "label"},
        "tagging": {"tokens", "tags"},
        "qa": {"context", "question", "answers"},
    }
    for lang in FIXTURE_LANGS[task]:
        examples = spec.load(spec.eval_split, lang, data_dir=str(FIX))
        assert examples, (task, lang)
        keys = fmt_keys.get(spec.format) or (
            {"source", "target"} if task == "tatoeba" else {"query", "targets", "pool"}
        )
        assert keys <= set(examples[0]), (task, set(examples[0]))
        if spec.format == "tagging":
            assert all(len(e["tokens"]) == len(e["tags"]) and set(e["tags"]) <= set(spec.labels) for e in examples)
        if spec.format == "qa":
            for e in examples:
                start, text = e["answers"]["answer_start"][0], e["answers"]["text"][0]
                assert e["context"][start : start + len(text)] == text
    if spec.trains:  # every training stage (XCOPA: Social IQa, then COPA) has English train and dev data
        for _, stage_data in spec.stages({"data_dir": str(FIX)}):
            assert spec.load("train", "en", **stage_data) and spec.load("dev", "en", **stage_data)


def test_fixture_contents_are_read_correctly():
    ru = get_task("xnli").load("test", "ru", data_dir=str(FIX))
    assert ru[1]["text"].startswith("Мила") and get_task("xnli").labels[ru[1]["label"]] == "contradiction"
    train = get_task("xnli").load("train", "en", data_dir=str(FIX))
    assert {e["label"] for e in train} == {0, 1, 2}  # "contradictory" of MultiNLI maps to contradiction
    de = get_task("udpos").load("test", "de", data_dir=str(FIX))
    assert de[1]["tokens"] == ["Sie", "geht", "zum", "Markt", "."]  # fused: zu (fewest ancestors) takes "zum"
    ar = get_task("panx").load("test", "ar", data_dir=str(FIX))  # read from ar.tar.gz, "ar:" prefix dropped
    assert ar[0]["tokens"][1] == "ميلا" and ar[0]["tags"][1:3] == ["B-PER", "I-PER"]
    tydi = get_task("tydiqa").load("test", "fi", data_dir=str(FIX))
    assert all(e["id"].startswith("finnish-") for e in tydi)
    lareqa = get_task("lareqa").load("test", "ar", data_dir=str(FIX))
    assert len(lareqa[0]["pool"]) == 22 and len(lareqa[0]["targets"]) == 11  # answer sentence in all 11 languages
    assert lareqa[0]["pool"] is get_task("lareqa").load("test", "zh", data_dir=str(FIX))[0]["pool"]
    mention = get_task("mewslix").load("test", "en", data_dir=str(FIX))[1]
    assert mention["query"] == "Velmora: Ada Lind opened the new pier in { Velmora } ." and mention["targets"] == [
        "Q101"
    ]
    bucc = get_task("bucc2018").load("dev", "zh", data_dir=str(FIX))
    assert [e["targets"] for e in bucc] == [["en-000000001"], ["en-000000002"], ["en-000000003"], []]
    copa = get_task("xcopa").load("train", "en", data_dir=str(FIX), xcopa_train="siqa+copa")
    assert len(copa[0]["choices"]) == 3 and copa[1]["label"] == 1 and len(copa[-1]["choices"]) == 2


def test_bucc_splits_are_xtremes_sample_and_training_archives(tmp_path):
    """dev = BUCC's sample archive, test = its training archive (XTREME's download_data.sh and the hub)."""
    dev = get_task("bucc2018").load("dev", "de", data_dir=str(FIX))
    test = get_task("bucc2018").load("test", "de", data_dir=str(FIX))
    assert dev[0]["query"] == "Der Hafen ist alt." and len(dev) == 4 and len(dev[0]["pool"]) == 5
    assert test[0]["query"] == "Der Fluss ist breit." and [e["targets"] for e in test] == [["en-000000001"], []]
    # XTREME's own copy renames the files to dev/test and deletes the test gold: the error says what is missing
    xtreme_copy = tmp_path / "bucc2018"
    xtreme_copy.mkdir()
    for side in ("de", "en"):
        (xtreme_copy / f"de-en.test.{side}").write_text(f"{side}-1\tSatz\n", encoding="utf-8")
    with pytest.raises(DataUnavailableError, match=r"de-en\.test\.gold is missing.*split 'test'"):
        get_task("bucc2018").load("test", "de", data_dir=str(tmp_path))


def test_data_files_and_sizes_options(tmp_path):
    path = FIX / "xquad" / "xquad.{lang}.json"
    got = get_task("xquad").load("test", "ru", data_files={"xquad": {"test": str(path)}}, sizes={"test": 1})
    assert len(got) == 1 and got[0]["id"].startswith("xq-ru")


@pytest.mark.parametrize("task,lang", [("xnli", "de"), ("udpos", "en"), ("tatoeba", "de"), ("mlqa", "zh")])
def test_hub_offline_error_names_task_and_what_to_download(task, lang, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(DataUnavailableError) as err:
        get_task(task).load(get_task(task).eval_split, lang)
    msg = str(err.value)
    assert f"task {task!r}" in msg and "<data_dir>" in msg


def test_not_on_hub_is_said_and_unknown_language_rejected():
    with pytest.raises(DataUnavailableError, match="not in the hub copy google/xtreme"):
        get_task("tatoeba").load("test", "pl")
    with pytest.raises(DataUnavailableError, match="no official hub copy"):
        get_task("mewslix").load("test", "en")
    with pytest.raises(ValueError, match="has no language 'xx'"):
        get_task("xnli").load("test", "xx", data_dir=str(FIX))
    with pytest.raises(ValueError, match="unknown task 'xnli2'"):
        get_task("xnli2")


def test_missing_local_file_names_the_expected_path(tmp_path):
    (tmp_path / "xquad").mkdir()
    with pytest.raises(DataUnavailableError, match=r"xquad\.de\.json"):
        get_task("xquad").load("test", "de", data_dir=str(tmp_path))


# ------------------------------------------------------------------------------- malformed files
def test_truncated_json_names_file_and_line(tmp_path):
    bad = tmp_path / "xquad.de.json"
    bad.write_text('{"data": [{"paragraphs": [\n{"context": "x",', encoding="utf-8")
    with pytest.raises(DataFileError, match=r"xquad\.de\.json, line 2: expected a complete JSON document"):
        read_squad_json(bad)


def test_squad_record_without_answers_is_located(tmp_path):
    bad = tmp_path / "s.json"
    bad.write_text(json.dumps({"data": [{"paragraphs": [{"context": "abc", "qas": [{"id": "1", "question": "q"}]}]}]}))
    with pytest.raises(DataFileError, match=r"data\[0\]\.paragraphs\[0\]\.qas\[0\]"):
        read_squad_json(bad)


def test_bad_utf8_and_empty_file(tmp_path):
    bad = tmp_path / "a.jsonl"
    bad.write_bytes(b'{"a": 1}\n{"a": "\xff"}\n')
    with pytest.raises(DataFileError, match=r"a\.jsonl, line 2: expected UTF-8 text"):
        read_jsonl(bad)
    empty = tmp_path / "e.tsv"
    empty.write_text("")
    with pytest.raises(DataFileError, match="e.tsv: expected at least one non-empty line; got an empty file"):
        read_tsv(empty, columns=["a"])


def test_wrong_columns_and_unknown_label(tmp_path):
    d = tmp_path / "xnli" / "XNLI-1.0"
    d.mkdir(parents=True)
    (d / "xnli.test.tsv").write_text("language\tlabel\tsentence1\tsentence2\nen\tentailment\ta\tb\n")
    with pytest.raises(
        DataFileError,
        match=r"task 'xnli', split 'test', language 'en': .*xnli\.test\.tsv, line 1: "
        r"expected a header with the columns .*gold_label",
    ):
        get_task("xnli").load("test", "en", data_dir=str(tmp_path))
    (d / "xnli.test.tsv").write_text("language\tgold_label\tsentence1\tsentence2\nen\tmaybe\ta\tb\n")
    with pytest.raises(DataFileError, match=r"line 2: expected a gold_label among entailment, neutral, contradiction"):
        get_task("xnli").load("test", "en", data_dir=str(tmp_path))


def test_conll_tag_errors_name_the_line(tmp_path):
    d = tmp_path / "panx" / "en"
    d.mkdir(parents=True)
    (d / "test").write_text("en:Mila\tB-PER\nen:Varga\n")
    with pytest.raises(DataFileError, match=r"test, line 2: expected a token and its tag"):
        get_task("panx").load("test", "en", data_dir=str(tmp_path))
    (d / "test").write_text("en:Mila\tB-PERSON\n")
    with pytest.raises(DataFileError, match=r"line 1: expected a tag among O, B-PER"):
        get_task("panx").load("test", "en", data_dir=str(tmp_path))
    with pytest.raises(DataFileError, match="at least one sentence"):
        (tmp_path / "blank.conll").write_text("# only a comment\n\n")
        read_conll(tmp_path / "blank.conll")


def test_tatoeba_sides_must_align(tmp_path):
    d = tmp_path / "tatoeba"
    d.mkdir()
    (d / "tatoeba.deu-eng.deu").write_text("a\nb\n")
    (d / "tatoeba.deu-eng.eng").write_text("a\n")
    with pytest.raises(DataFileError, match=r"tatoeba\.deu-eng\.eng: expected as many lines"):
        get_task("tatoeba").load("test", "de", data_dir=str(tmp_path))


# ------------------------------------------------------------------------------- scoring with a model
@pytest.mark.parametrize("task", ["xnli", "xcopa", "udpos", "panx", "mlqa", "tatoeba", "bucc2018", "lareqa", "mewslix"])
def test_every_format_predicts_and_scores_the_fixtures(task, tiny_model_dir):
    from xlib.pipeline import evaluate, load_tokenizer
    from xlib.formats import get_format

    spec = get_task(task)
    tok = load_tokenizer(tiny_model_dir)
    model = get_format(spec.format).build_model(tiny_model_dir, spec)
    predict = {"layer": 1} if family(spec.format) == "retrieval" else {}
    rows = evaluate(spec, model, tok, FIXTURE_LANGS[task], spec.eval_split, 64, {"data_dir": str(FIX)}, **predict)
    got = {r["metric"] for r in rows}
    assert spec.metric in got and {r["language"] for r in rows} == set(FIXTURE_LANGS[task])
    assert all(0.0 <= r["value"] <= 100.0 for r in rows)


def test_bucc_mining_finds_identical_sentences(tiny_model_dir):
    """Sentences mined against themselves: every gold pair is found and F1 is 100."""
    from xlib.formats import get_format
    from xlib.pipeline import load_tokenizer

    spec = get_task("bucc2018")
    pool = [
        {"id": f"en-{i}", "text": t} for i, t in enumerate(["mola tiku", "sapo vel dunar", "kis oppa lume", "tarek"])
    ]
    examples = [
        {"id": f"de-{i}", "query": c["text"], "targets": [c["id"]], "pool": pool} for i, c in enumerate(pool[:3])
    ]
    fmt = get_format("mining")
    model = fmt.build_model(tiny_model_dir, spec)
    preds = fmt.predict(model, load_tokenizer(tiny_model_dir), examples, spec, 32, layer=1)
    assert [p[0] for p in preds] == ["en-0", "en-1", "en-2"]
    assert fmt.score(examples, preds, spec)["f1"] == pytest.approx(100.0)


# ------------------------------------------------------------------------------- params and notebook
def test_xtreme_r_params_dry_run_is_fast_and_offline():
    """The real study's plan lists one line per run without touching the hub or any data (no `datasets` import)."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}
    code = (
        "import sys; from xlib.cli import main; "
        "rc = main(['run', 'params/xtreme_r.yaml', '--dry-run', '--runs-dir', sys.argv[1]]); "
        "print('DATASETS-IMPORTED' if 'datasets' in sys.modules else 'NO-DATASETS'); sys.exit(rc)"
    )
    start = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code, "/tmp/xlib-xtreme-dry"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert time.time() - start < 60
    lines = [l for l in out.stdout.splitlines() if l.strip()]
    assert lines[-1] == "NO-DATASETS"
    runs = [l.split("\t") for l in lines[:-1]]
    assert all(len(r) == 3 and r[2].split()[0] in ("todo", "done") for r in runs)
    targets = {r[0].split("--")[2] for r in runs if r[1] == "target"}
    assert targets == set(XTREME_R)
    assert len(runs) == 3 * 10 + 3 * 11 * 10  # 10 intermediate conditions + 11 conditions x 10 targets, 3 seeds


def _run_target_notebook(task, model_dir, tmp_path):
    from xlib.notebook import execute_notebook

    spec = get_task(task)
    langs = [l for l in FIXTURE_LANGS[task] if l != "en" or family(spec.format) != "retrieval" or task == "mewslix"]
    langs = [l for l in langs if l in spec.languages]
    out = tmp_path / "run"
    out.mkdir()
    execute_notebook(
        "target.ipynb",
        tmp_path / "out.ipynb",
        {
            "out_dir": str(out),
            "config": {
                "target": task,
                "encoder": model_dir,
                "languages": langs,
                "data": {"data_dir": str(FIX)},
                "predict": {"layer": 1} if family(spec.format) == "retrieval" else {},
                "hparams": {"learning_rate": 1e-3, "max_steps": 2, "batch_size": 4, "max_length": 48},
            },
        },
        cwd=str(ROOT / "notebooks"),
    )
    rows = json.loads((out / "metrics.json").read_text())["rows"]
    scored = {(r["language"], r["split"]) for r in rows if r["metric"] == spec.metric}
    expected = {(l, spec.eval_split) for l in langs} | ({("en", "dev")} if spec.trains else set())
    stages = [name for name, _ in spec.stages()]  # XCOPA: Social IQa's dev set is scored after its stage
    expected |= {("en", f"dev-{name}") for name in stages[:-1]}
    assert scored == expected


def test_target_notebook_runs_on_a_fixture_task(tiny_model_dir, tmp_path):
    _run_target_notebook("xnli", tiny_model_dir, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("task", sorted(set(FIXTURE_LANGS) - {"xnli"}))
def test_target_notebook_runs_every_fixture_task(task, tiny_model_dir, tmp_path):
    _run_target_notebook(task, tiny_model_dir, tmp_path)


@pytest.mark.parametrize("task", ["lareqa", "mewslix"])
def test_dual_encoder_trains_and_is_scored(task, tiny_model_dir):
    """Phase (iii) of LAReQA / Mewsli-X: in-batch-negatives training runs, loss is finite, mAP@20 is scored."""
    from xlib.pipeline import run_target

    report = run_target(
        task,
        tiny_model_dir,
        {"learning_rate": 1e-3, "max_steps": 3, "batch_size": 3, "max_length": 48},
        languages=list(FIXTURE_LANGS[task][1:]),
        data={"data_dir": str(FIX)},
    )
    assert report["log"] and all(l["loss"] == l["loss"] and l["loss"] >= 0 for l in report["log"])
    scored = {(r["language"], r["split"]) for r in report["rows"] if r["metric"] == "map@20"}
    assert scored == {("en", "dev")} | {(l, "test") for l in FIXTURE_LANGS[task][1:]}


def test_dual_encoder_loss_prefers_the_matching_candidate(tiny_model_dir):
    """With queries identical to their candidates the in-batch loss is below chance (log batch size)."""
    import math
    import torch
    from xlib.formats import get_format
    from xlib.formats.dual_encoder import featurize
    from xlib.formats.base import pad_collate
    from xlib.pipeline import load_tokenizer

    tok = load_tokenizer(tiny_model_dir)
    model = get_format("ranking").build_model(tiny_model_dir, get_task("lareqa"))
    texts = ["mola tiku ren", "дома кира лот", "ψαρι λυκο οδος", "3 7 12 ."]
    feats = featurize([{"id": str(i), "query": t, "positive": t} for i, t in enumerate(texts)], tok, 32)
    batch = pad_collate(feats, tok.pad_token_id)
    model.eval()
    with torch.no_grad():
        out = model(**batch)
    assert out.scores.shape == (4, 4)
    assert out.loss.item() < math.log(4)
    assert torch.equal(out.scores.argmax(1), torch.arange(4))


def test_dual_encoder_pools_as_xtreme_r_and_is_scored_the_same_way(tiny_model_dir):
    """XTREME-R's bert-retrieval: L2-normalised pooler output, logits = cosine x a learned scale from 100;
    evaluation embeds queries and candidates the way the model was trained (the pooler output, not a mean)."""
    import torch
    from xlib.formats import get_format
    from xlib.formats.dual_encoder import DualEncoder
    from xlib.formats.embedding import embed
    from xlib.pipeline import load_tokenizer

    tok = load_tokenizer(tiny_model_dir)
    model = get_format("ranking").build_model(tiny_model_dir, get_task("mewslix"))
    assert isinstance(model, DualEncoder) and model.pooling == "cls"
    assert model.logit_scale.requires_grad and model.logit_scale.item() == 100.0
    texts = ["mola tiku ren", "дома кира лот", "ψαρι λυκο οδος"]
    enc = tok(texts, padding=True, return_tensors="pt")
    model.eval()
    with torch.no_grad():
        expected = torch.nn.functional.normalize(model.roberta(**enc).pooler_output, dim=-1)
        trained_view = model._embed(enc["input_ids"], enc["attention_mask"])
    got = embed(model, tok, texts, layer=-1, pooling="cls")
    assert torch.allclose(trained_view, expected, atol=1e-5) and torch.allclose(got, expected, atol=1e-5)
    mean = embed(model, tok, texts, layer=-1, pooling="mean")
    assert not torch.allclose(mean, expected, atol=1e-3)  # the two poolings differ: the choice matters
    with pytest.raises(ValueError, match="pooling must be one of cls, mean"):
        DualEncoder(model.roberta, pooling="max")


def test_format_options_cut_training_and_test_inputs_alike(tiny_model_dir, monkeypatch):
    """extra.<format> options reach prediction too: LAReQA's 96-token questions / 256-token answers, QA's stride."""
    from xlib.formats import get_format, ranking
    from xlib.formats.dual_encoder import featurize
    from xlib.pipeline import load_tokenizer, prediction_options
    from xlib.train import TrainConfig

    tok = load_tokenizer(tiny_model_dir)
    long = " ".join(["mola tiku ren"] * 40)
    feats = featurize([{"id": "0", "query": long, "positive": long, "positive_context": long}], tok, 8, 12)
    assert len(feats[0]["input_ids"]) == 8 and len(feats[0]["pos_input_ids"]) == 12
    cfg = TrainConfig.from_dict(
        {"extra": {"retrieval": {"query_length": 8, "candidate_length": 12}, "qa": {"stride": 32}}}
    )
    options = prediction_options(get_task("lareqa"), cfg, {"top_k": 5})
    assert options == {"query_length": 8, "candidate_length": 12, "top_k": 5}
    assert prediction_options(get_task("xquad"), cfg) == {"stride": 32}
    assert prediction_options(get_task("xnli"), cfg) == {}  # classification's predict takes none of them
    seen = []
    real = ranking.embed
    monkeypatch.setattr(
        ranking,
        "embed",
        lambda m, t, texts, layer, max_length, *a, **k: (
            seen.append(max_length) or real(m, t, texts, layer, max_length, *a, **k)
        ),
    )
    ranking._CACHE.clear()
    spec = get_task("lareqa")
    model = get_format("ranking").build_model(tiny_model_dir, spec)
    examples = spec.load("test", "ar", data_dir=str(FIX))
    get_format("ranking").predict(model, tok, examples, spec, 48, **options)
    assert seen == [12, 8]  # the pool at the candidate length, the questions at the query length


# ------------------------------------------------------------------------------- the hub path (load_dataset faked)
HUB_ROWS = {
    ("google/xtreme", "XNLI", "test"): [
        {"language": "en", "gold_label": "neutral", "sentence1": "A cat sleeps.", "sentence2": "It is noon."},
        {"language": "ru", "gold_label": "contradiction", "sentence1": "Кот спит.", "sentence2": "Кот не спит."},
    ],
    ("cambridgeltl/xcopa", "zh", "test"): [
        {
            "premise": "台灯灭了。",
            "choice1": "我买了沙发。",
            "choice2": "灯泡坏了。",
            "question": "cause",
            "label": 1,
            "idx": 0,
            "changed": False,
        }
    ],
    ("google/xtreme", "udpos.Greek", "test"): [{"tokens": ["Ο", "φάρος"], "pos_tags": [5, 7]}],
    ("unimelb-nlp/wikiann", "pa", "test"): [],  # built with ClassLabel features in the fake below
    ("google/xtreme", "PAN-X.ar", "test"): [{"tokens": ["ميلا", "فارغا"], "ner_tags": [1, 2], "langs": ["ar", "ar"]}],
    ("google/xtreme", "XQuAD.th", "validation"): [
        {"id": "q1", "context": "ประภาคารสีขาว", "question": "สีอะไร", "answers": {"text": ["สีขาว"], "answer_start": [8]}}
    ],
    ("google/xtreme", "MLQA.hi.hi", "test"): [
        {"id": "q2", "context": "दीपस्तंभ सफ़ेद है", "question": "रंग?", "answers": {"text": ["सफ़ेद"], "answer_start": [9]}}
    ],
    ("google/xtreme", "tydiqa", "validation"): [
        {
            "id": "bengali-1-0",
            "title": "t",
            "context": "বাতিঘর সাদা",
            "question": "রং?",
            "answers": {"text": ["সাদা"], "answer_start": [7]},
        },
        {
            "id": "english-2-0",
            "title": "t",
            "context": "It is white",
            "question": "Colour?",
            "answers": {"text": ["white"], "answer_start": [6]},
        },
    ],
    ("google/xtreme", "tatoeba.kat", "validation"): [
        {
            "source_sentence": "შუქურა თეთრია.",
            "target_sentence": "The lighthouse is white.",
            "source_lang": "kat",
            "target_lang": "eng",
        }
    ],
    ("google/xtreme", "PAWS-X.ko", "validation"): [{"id": 7, "sentence1": "가", "sentence2": "나", "label": 1}],
    ("google/xtreme", "bucc18.ru", "validation"): [
        {
            "source_sentence": "Мост новый.",
            "target_sentence": "The bridge is new.",
            "source_lang": "ru",
            "target_lang": "en",
        }
    ],
}


def test_hub_rows_become_canonical_examples(monkeypatch):
    import datasets

    calls = []

    def fake_load_dataset(path, name=None, split=None, **kwargs):
        calls.append((path, name, split))
        if path == "unimelb-nlp/wikiann":  # ClassLabel names are read from the features, whatever their order
            tags = datasets.ClassLabel(names=["O", "B-LOC", "I-LOC", "B-PER", "I-PER", "B-ORG", "I-ORG"])
            return datasets.Dataset.from_dict(
                {"tokens": [["ਮੀਲਾ", "ਵਾਰਗਾ"]], "ner_tags": [[3, 4]]},
                features=datasets.Features(
                    {"tokens": datasets.Sequence(datasets.Value("string")), "ner_tags": datasets.Sequence(tags)}
                ),
            )
        return datasets.Dataset.from_list(HUB_ROWS[(path, name, split)])

    monkeypatch.setattr(datasets, "load_dataset", fake_load_dataset)
    ru = get_task("xnli").load("test", "ru")
    assert len(ru) == 1 and ru[0]["label"] == 2 and ru[0]["text"] == "Кот спит."
    assert get_task("xcopa").load("test", "zh")[0]["choices"] == ["我买了沙发。", "灯泡坏了。"]
    assert get_task("udpos").load("test", "el")[0]["tags"] == ["DET", "NOUN"]
    assert get_task("panx").load("test", "ar")[0]["tags"] == ["B-PER", "I-PER"]  # google/xtreme PAN-X.ar, ints
    assert get_task("panx").load("test", "pa")[0]["tags"] == ["B-PER", "I-PER"]  # wikiann, names from features
    th = get_task("xquad").load("test", "th")[0]
    assert th["context"][8:13] == th["answers"]["text"][0]
    assert get_task("mlqa").load("test", "hi")[0]["answers"]["answer_start"] == [9]
    assert [e["id"] for e in get_task("tydiqa").load("test", "bn")] == ["bengali-1-0"]
    assert get_task("tatoeba").load("test", "ka")[0]["target"] == "The lighthouse is white."
    assert get_task("pawsx").load("dev", "ko")[0]["label"] == 1
    bucc = get_task("bucc2018").load("dev", "ru")
    assert bucc[0]["targets"] == [bucc[0]["pool"][0]["id"]]
    assert ("google/xtreme", "udpos.Greek", "test") in calls and len(calls) == len(HUB_ROWS)


def test_data_file_error_survives_pickling():
    """Errors cross process boundaries in parallel study runs: message and location survive pickling."""
    import pickle

    err = DataFileError("/data/xnli.test.tsv", 7, "a gold_label among entailment, neutral, contradiction", "'maybe'")
    back = pickle.loads(pickle.dumps(err))
    assert isinstance(back, DataFileError) and str(back) == str(err) and (back.path, back.where) == (err.path, 7)


# ------------------------------------------------------------------ LAReQA / Mewsli-X as the official runs
def test_lareqa_candidate_is_sentence_and_context_joined_in_training_and_evaluation(tiny_model_dir, monkeypatch):
    """Official: (sentence + paragraph).replace("\\n", "") as one input (processors/lareqa.py, evaluate_retrieval.py)."""
    from xlib.formats import get_format, ranking
    from xlib.formats.dual_encoder import candidate_text, featurize
    from xlib.pipeline import load_tokenizer

    tok = load_tokenizer(tiny_model_dir)
    sentence, context = "Mola tiku.", "Mola tiku.\nRen sapo dome."
    assert candidate_text(sentence, context) == "Mola tiku.Mola tiku.Ren sapo dome."
    (feat,) = featurize([{"id": "0", "query": "Tiku?", "positive": sentence, "positive_context": context}], tok, 64)
    assert feat["pos_input_ids"] == tok("Mola tiku.Mola tiku.Ren sapo dome.")["input_ids"]
    assert feat["pos_input_ids"] != tok(sentence, context)["input_ids"]  # not the (sentence, paragraph) pair
    seen = []
    real = ranking.embed
    monkeypatch.setattr(
        ranking, "embed", lambda m, t, texts, *a, **k: seen.append(list(texts)) or real(m, t, texts, *a, **k)
    )
    ranking._CACHE.clear()
    spec = get_task("lareqa")
    examples = spec.load("test", "ar", data_dir=str(FIX))
    get_format("ranking").predict(get_format("ranking").build_model(tiny_model_dir, spec), tok, examples, spec, 48)
    pool = examples[0]["pool"]
    assert seen[0] == [(c["text"] + c["context"]).replace("\n", "") for c in pool]


def test_dual_encoder_recipes_are_the_official_scripts_and_sit_between_target_and_overrides(tmp_path):
    """train_lareqa.sh / train_mewslix.sh: --warmup_steps 0 --weight_decay 0.0, per-GPU batch 4 / 8 x accumulation 4."""
    from xlib.runconfig import target_hparams

    params = {
        "target": {"learning_rate": 1e-5, "batch_size": 32, "warmup_ratio": 0.1, "mixed_precision": "bf16"},
        "target_overrides": {"mewslix": {"epochs": 1}},
    }
    lareqa, mewslix, xnli = (target_hparams(params, t) for t in ("lareqa", "mewslix", "xnli"))
    assert (lareqa["warmup_ratio"], lareqa["weight_decay"], lareqa["batch_size"], lareqa["grad_accum"]) == (
        0.0,
        0.0,
        4,
        4,
    )
    assert lareqa["learning_rate"] == 2e-5 and lareqa["extra"]["retrieval"] == {
        "query_length": 96,
        "candidate_length": 256,
    }
    assert (mewslix["warmup_ratio"], mewslix["weight_decay"], mewslix["batch_size"], mewslix["grad_accum"]) == (
        0.0,
        0.0,
        8,
        4,
    )
    assert mewslix["epochs"] == 1 and mewslix["mixed_precision"] == "bf16"  # overrides win, the target block fills in
    assert xnli == params["target"]  # a task without a recipe: the target: block as it is
    lareqa["extra"]["retrieval"]["query_length"] = 1
    assert get_task("lareqa").recipe["extra"]["retrieval"]["query_length"] == 96  # a copy, never the registry's


def test_in_batch_negatives_come_from_the_per_device_batch(tiny_model_dir, monkeypatch, tmp_path):
    """batch_size is what one device sees: with 4 x 2 accumulation, every loss is over a 4 x 4 score matrix."""
    import shutil
    from xlib.formats.dual_encoder import DualEncoder
    from xlib.pipeline import train_target

    shapes = []
    real = DualEncoder.forward

    def spy(self, *args, **kwargs):
        out = real(self, *args, **kwargs)
        if kwargs.get("pos_input_ids") is not None:
            shapes.append(tuple(out.scores.shape))
        return out

    monkeypatch.setattr(DualEncoder, "forward", spy)
    hp = {**get_task("mewslix").recipe, "batch_size": 4, "grad_accum": 2, "max_steps": 2, "max_length": 32}
    shutil.copytree(FIX / "mewslix", tmp_path / "mewslix")
    lines = (FIX / "mewslix" / "wikipedia_pairs-train.jsonl").read_text(encoding="utf-8").splitlines()
    (tmp_path / "mewslix" / "wikipedia_pairs-train.jsonl").write_text(  # 8 pairs: two batches of 4
        "\n".join((lines * 3)[:8]) + "\n", encoding="utf-8"
    )
    train_target("mewslix", tiny_model_dir, hp, data={"data_dir": str(tmp_path)})
    assert shapes and set(shapes) <= {(4, 4)} and len(shapes) == 4  # 2 optimizer steps x 2 micro-batches
