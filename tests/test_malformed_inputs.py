"""Table-driven: malformed params files and data files each fail with a message that names the file,
the key / line / record, and what was expected."""

import pytest

from xlib.loaders.common import DataFileError, read_json, read_jsonl, read_squad_json, read_text_lines, read_tsv
from xlib.loaders.intermediate import read_glue_mnli
from xlib.loaders.tagging import read_conllu_pos, read_panx
from xlib.params import ParamsError, load_params

GOOD = """\
study: t
model: synthetic
seeds: [0]
conditions: {baseline: [], mini-mnli: [mini-mnli]}
targets: [mini-xnli]
"""

# (case id, params text (or bytes), expected fragments of the message besides the file name)
PARAMS_CASES = [
    ("unknown-key", GOOD + "colour: blue\n", ["unknown key 'colour'", "expected one of"]),
    ("unknown-target", GOOD.replace("[mini-xnli]", "[mini-xnly]"), ["targets: unknown task 'mini-xnly'"]),
    (
        "unknown-intermediate",
        GOOD.replace("mini-mnli: [mini-mnli]", "mini-mnli: [nope]"),
        ["conditions.mini-mnli: unknown task 'nope'"],
    ),
    (
        "unknown-language",
        GOOD + "languages: {mini-xnli: [zz]}\n",
        ["languages.mini-xnli: unknown language(s) zz", "expected some of"],
    ),
    ("languages-not-list", GOOD + "languages: {mini-xnli: en}\n", ["languages.mini-xnli: expected a list"]),
    ("seeds-not-list", GOOD.replace("seeds: [0]", "seeds: 0"), ["key 'seeds': expected a list, got int"]),
    ("seed-negative", GOOD.replace("seeds: [0]", "seeds: [-1]"), ["seeds: -1 is not a non-negative integer"]),
    ("seed-bool", GOOD.replace("seeds: [0]", "seeds: [true]"), ["seeds: True is not a non-negative integer"]),
    ("seeds-duplicate", GOOD.replace("seeds: [0]", "seeds: [1, 1]"), ["seeds: expected distinct seeds"]),
    ("jobs-string", GOOD + "jobs: two\n", ["key 'jobs': expected a int, got str"]),
    ("jobs-zero", GOOD + "jobs: 0\n", ["jobs: expected an integer >= 1, got 0"]),
    ("trust-string", GOOD + "trust_remote_code: 'yes'\n", ["key 'trust_remote_code': expected a bool, got str"]),
    ("lr-string", GOOD + "target: {learning_rate: fast}\n", ["target.learning_rate: expected a number, got 'fast'"]),
    (
        "lr-negative",
        GOOD + "intermediate: {learning_rate: -0.1}\n",
        ["intermediate.learning_rate: expected a value > 0 and <= 1, got -0.1"],
    ),
    ("batch-zero", GOOD + "target: {batch_size: 0}\n", ["target.batch_size: expected a value >= 1, got 0"]),
    ("batch-float", GOOD + "target: {batch_size: 8.5}\n", ["target.batch_size: expected an integer, got 8.5"]),
    ("warmup-range", GOOD + "target: {warmup_ratio: 1.5}\n", ["target.warmup_ratio: expected a value >= 0 and <= 1"]),
    ("max-length-small", GOOD + "target: {max_length: 4}\n", ["target.max_length: expected a value >= 8, got 4"]),
    (
        "sampling-choice",
        GOOD + "intermediate: {sampling: random}\n",
        ["intermediate.sampling: expected one of proportional, temperature, got 'random'"],
    ),
    ("precision-choice", GOOD + "target: {mixed_precision: fp8}\n", ["unknown mixed_precision 'fp8'"]),
    (
        "unknown-train-option",
        GOOD + "target: {learning_rat: 0.1}\n",
        ["target: unknown training option(s) learning_rat"],
    ),
    (
        "override-not-target",
        GOOD + "target_overrides: {mini-udpos: {max_steps: 3}}\n",
        ["target_overrides: 'mini-udpos' is not one of the study's targets"],
    ),
    (
        "override-bad-value",
        GOOD + "target_overrides: {mini-xnli: {max_steps: 0}}\n",
        ["target_overrides.mini-xnli.max_steps: expected a value >= 1, got 0"],
    ),
    ("pretrain-unknown", GOOD + "pretrain: {layers: 3}\n", ["pretrain: unknown pretrain option(s) layers"]),
    ("pretrain-type", GOOD + "pretrain: {hidden_size: big}\n", ["pretrain.hidden_size: expected an integer"]),
    ("cluster-unknown", GOOD + "cluster: {gpu: 1}\n", ["cluster: unknown key 'gpu'", "expected some of cpus, gpus"]),
    ("cluster-negative-gpus", GOOD + "cluster: {gpus: -1}\n", ["cluster.gpus: expected a value >= 0, got -1"]),
    (
        "cluster-memory-type",
        GOOD + "cluster: {memory_gb: lots}\n",
        ["cluster.memory_gb: expected an integer or a number"],
    ),
    (
        "model-missing-dir",
        GOOD.replace("model: synthetic", "model: ./no/such/model"),
        ["model: no such model directory './no/such/model'"],
    ),
    (
        "model-bad-id",
        GOOD.replace("model: synthetic", "model: 'xlm roberta'"),
        ["model: 'xlm roberta' is neither an existing directory nor a Hugging Face hub id"],
    ),
    ("study-name", GOOD.replace("study: t", "study: a/b"), ["study: 'a/b' is not a usable directory name"]),
    ("required-missing", GOOD.replace("study: t\n", ""), ["missing required key 'study'"]),
    ("targets-empty", GOOD.replace("targets: [mini-xnli]", "targets: []"), ["targets: expected at least one target"]),
    ("yaml-syntax", "study: [unclosed\n", ["not valid YAML", "line 2"]),
    ("yaml-unsafe", "study: !!python/object/apply:os.system ['echo hacked']\n", ["not valid YAML"]),
    ("yaml-list", "- a\n- b\n", ["expected a mapping of study parameters"]),
    ("params-encoding", GOOD.encode() + b"description: caf\xe9\n", ["not UTF-8 text"]),
]


@pytest.mark.parametrize("case, text, expected", PARAMS_CASES, ids=[c[0] for c in PARAMS_CASES])
def test_malformed_params(tmp_path, case, text, expected):
    path = tmp_path / f"{case}.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(ParamsError) as info:
        load_params(path)
    message = str(info.value)
    assert message.startswith(str(path)), message
    for fragment in expected:
        assert fragment in message, message


def test_model_directory_with_pickled_weights_only_is_refused(tmp_path):
    model = tmp_path / "model"
    model.mkdir()
    (model / "config.json").write_text("{}")
    (model / "pytorch_model.bin").write_bytes(b"\x80\x02pickle")
    path = tmp_path / "p.yaml"
    path.write_text(GOOD.replace("model: synthetic", f"model: {model}"))
    with pytest.raises(ParamsError, match=r"has no \*\.safetensors weights \(pytorch_model\.bin\)"):
        load_params(path)


def test_every_params_error_is_reported_at_once(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(GOOD.replace("[mini-xnli]", "[nope]") + "target: {batch_size: 0}\ncluster: {gpus: -2}\n")
    with pytest.raises(ParamsError) as info:
        load_params(path)
    message = str(info.value)
    assert "3 problem(s)" in message and "nope" in message and "batch_size" in message and "gpus" in message


NLI_HEADER = "index\tsentence1\tsentence2\tgold_label\n"
SQUAD_OK_CONTEXT = '{"context": "Vela mora tiku.", "qas": [%s]}'
CONLLU_ROW = "1\tvela\tvela\tNOUN\t_\t_\t0\troot\t_\t_\n"


def _ud(i: int, head="1", deps="_") -> str:
    """Return a CoNLL-U word line ``i`` (invented form) with the given HEAD and DEPS."""
    return f"{i}\tmora\tmora\tNOUN\t_\t_\t{head}\tdep\t{deps}\t_\n"


# (case id, file name, content, reader, expected fragments besides the file name)
DATA_CASES = [
    (
        "jsonl-truncated",
        "a.jsonl",
        '{"premise": "a", "label": 1}\n{"premise": "b", "lab',
        read_jsonl,
        ["line 2", "one JSON object per line", "invalid JSON"],
    ),
    ("jsonl-not-object", "a.jsonl", '{"premise": "a"}\n[1, 2]\n', read_jsonl, ["line 2", "a JSON object", "list"]),
    (
        "jsonl-missing-key",
        "a.jsonl",
        '{"premise": "a", "hypothesis": "b"}\n',
        lambda p: read_jsonl(p, required=("premise", "hypothesis", "label")),
        ["line 1", "a record without label"],
    ),
    ("jsonl-empty", "a.jsonl", "", read_jsonl, ["at least one non-empty line", "an empty file"]),
    ("jsonl-blank-only", "a.jsonl", "\n  \n\n", read_jsonl, ["an empty file"]),
    (
        "json-truncated",
        "a.json",
        '{"data": [{"paragraphs": [',
        read_json,
        ["line 1", "a complete JSON document", "invalid JSON"],
    ),
    (
        "bad-encoding",
        "a.tsv",
        b"index\tsentence1\n1\tcaf\xe9\n",
        read_text_lines,
        ["line 2", "UTF-8 text", "undecodable byte"],
    ),
    ("missing-file", None, None, read_jsonl, ["expected an existing file", "no such file"]),
    ("directory", "adir", "DIR", read_jsonl, ["expected a file", "a directory"]),
    (
        "tsv-wrong-columns",
        "train.tsv",
        "index\tpremise\thypothesis\tlabel\n1\ta\tb\tneutral\n",
        read_glue_mnli,
        ["line 1", "a header with the columns sentence1, sentence2, gold_label", "missing sentence1"],
    ),
    (
        "tsv-too-few-fields",
        "a.tsv",
        "x\ty\tz\nonly-one\n",
        lambda p: read_tsv(p, columns=("a", "b", "c")),
        ["line 2", "3 tab-separated fields (a, b, c)", "1 field(s)"],
    ),
    ("tsv-header-only", "train.tsv", NLI_HEADER, read_glue_mnli, ["at least one data row", "a header only"]),
    (
        "nli-unknown-label",
        "train.tsv",
        NLI_HEADER + "1\tVela mora.\tTiku sapo.\tmaybe\n",
        read_glue_mnli,
        ["line 2", "a gold_label among entailment, neutral, contradiction", "'maybe'"],
    ),
    (
        "squad-no-data",
        "a.json",
        '{"version": "1.1"}',
        read_squad_json,
        ["top level", 'a SQuAD v1.1 object {"data": [articles]}'],
    ),
    (
        "squad-no-paragraphs",
        "a.json",
        '{"data": [{"title": "x"}]}',
        read_squad_json,
        ["record data[0]", "an article with a 'paragraphs' list"],
    ),
    (
        "squad-no-answers",
        "a.json",
        '{"data": [{"paragraphs": [%s]}]}' % (SQUAD_OK_CONTEXT % '{"id": "q1", "question": "Vela?"}'),
        read_squad_json,
        ["record data[0].paragraphs[0].qas[0]", "a question with 'id', 'question' and an 'answers' list"],
    ),
    (
        "squad-answer-start-type",
        "a.json",
        '{"data": [{"paragraphs": [%s]}]}'
        % (SQUAD_OK_CONTEXT % '{"id": "q1", "question": "Vela?", "answers": [{"text": "tiku", "answer_start": "5"}]}'),
        read_squad_json,
        ["qas[0].answers[0]", "'answer_start' (integer)"],
    ),
    (
        "squad-answer-outside",
        "a.json",
        '{"data": [{"paragraphs": [%s]}]}'
        % (SQUAD_OK_CONTEXT % '{"id": "q1", "question": "Vela?", "answers": [{"text": "tiku", "answer_start": 999}]}'),
        read_squad_json,
        ["qas[0].answers[0]", "answer_start within the context (0..15)", "999"],
    ),
    (
        "squad-no-questions",
        "a.json",
        '{"data": [{"paragraphs": [%s]}]}' % (SQUAD_OK_CONTEXT % ""),
        read_squad_json,
        ["at least one question", "no questions"],
    ),
    (
        "conllu-too-few-fields",
        "ud.conllu",
        "# sent_id = 1\n1\tvela\tvela\tNOUN\n",
        read_conllu_pos,
        ["line 2", "10 tab-separated CoNLL-U fields", "4 field(s)"],
    ),
    (
        "conllu-unknown-tag",
        "ud.conllu",
        CONLLU_ROW + CONLLU_ROW.replace("1\t", "2\t", 1).replace("NOUN", "NOUNISH"),
        read_conllu_pos,
        ["line 2", "a tag among ADJ", "'NOUNISH'"],
    ),
    (
        "conllu-head-not-integer",
        "en_t-ud-test.conllu",
        CONLLU_ROW + _ud(2, head="x"),
        read_conllu_pos,
        ["line 2", "a HEAD that is an integer or _", "'x'"],
    ),
    (
        "conllu-range-reversed",
        "en_t-ud-test.conllu",
        CONLLU_ROW + "3-2\tbc" + "\t_" * 8 + "\n",
        read_conllu_pos,
        ["line 2", "a multi-word token range a-b with b >= a", "'3-2'"],
    ),
    (
        "conllu-deps-not-head-rel",
        "en_t-ud-test.conllu",
        CONLLU_ROW + _ud(2, deps="1"),
        read_conllu_pos,
        ["line 2", "DEPS entries written as head:relation", "'1'"],
    ),
    (
        "conllu-range-without-words",
        "en_t-ud-test.conllu",
        CONLLU_ROW + "2-3\tbc" + "\t_" * 8 + "\n",
        read_conllu_pos,
        ["line 2", "words 2 to 3 of the multi-word token 'bc'", "no word 2"],
    ),
    (
        "panx-no-tag",
        "panx.tsv",
        "en:vela\tB-PER\nen:mora\n",
        read_panx,
        ["line 2", "a token and its tag separated by a tab"],
    ),
    (
        "panx-no-language-prefix",
        "panx.tsv",
        "en:vela\tB-PER\nmora\tO\n",
        read_panx,
        ["line 2", "a token written as <lang>:<token>", "'mora'"],
    ),
    (
        "panx-unknown-tag",
        "panx.tsv",
        "en:vela\tB-PER\nen:mora\tB-MISC\n",
        read_panx,
        ["line 2", "a tag among O, B-PER", "'B-MISC'"],
    ),
]


@pytest.mark.parametrize("case, name, content, reader, expected", DATA_CASES, ids=[c[0] for c in DATA_CASES])
def test_malformed_data_files(tmp_path, case, name, content, reader, expected):
    path = tmp_path / (name or "absent.jsonl")
    if content == "DIR":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(DataFileError) as info:
        reader(path)
    message = str(info.value)
    assert message.startswith(str(path)), message
    for fragment in expected:
        assert fragment in message, message


def test_there_are_at_least_thirty_cases():
    assert len(PARAMS_CASES) + len(DATA_CASES) >= 30
