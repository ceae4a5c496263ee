"""xlib.perturb: seeded, label-preserving perturbations of every format, and their rows in pipeline.evaluate."""

import pytest

from xlib import perturb, pipeline
from xlib.tasks import TaskSpec, get_task

SIZES = {"sizes": {"train": 10, "dev": 10, "test": 12}}


def _load(task, language):
    spec = get_task(task)
    return spec, spec.load(spec.eval_split, language, **SIZES)


def test_insert_chars_counts_keeps_words_and_uses_the_text_alphabet():
    import random

    text = "αβγ δεζ ηθι"
    out = perturb.insert_chars(text, random.Random(0), rate=0.3)
    assert len(out) == len(text) + round(0.3 * 9)
    assert out.count(" ") == 2 and len(out.split(" ")) == 3
    assert set(out) <= set(text)
    # removing the inserted characters gives the text back: each word keeps its characters in order
    for before, after in zip(text.split(" "), out.split(" ")):
        it = iter(after)
        assert all(ch in it for ch in before)
    assert perturb.insert_chars("", random.Random(0)) == ""


def test_substitute_words_rate_and_vocabulary():
    import random

    text = "one two three four five six seven eight nine ten"
    vocab = ["alpha", "beta", "gamma"]
    out = perturb.substitute_words(text, random.Random(1), vocab, rate=0.3)
    changed = [(a, b) for a, b in zip(text.split(), out.split()) if a != b]
    assert len(out.split()) == 10 and len(changed) == 3
    assert all(b in vocab for _, b in changed)
    assert perturb.substitute_words("solo", random.Random(1), vocab) in vocab  # at least one word


@pytest.mark.parametrize("task", ["mini-xnli", "mini-xcopa", "mini-udpos", "mini-xquad", "mini-tatoeba"])
@pytest.mark.parametrize("kind", perturb.KINDS)
def test_every_format_is_perturbed_seeded_and_labels_kept(task, kind):
    spec, examples = _load(task, "grk")
    out = perturb.perturb_examples(examples, spec.format, kind, seed=0)
    again = perturb.perturb_examples(examples, spec.format, kind, seed=0)
    other = perturb.perturb_examples(examples, spec.format, kind, seed=1)
    assert out == again and out != other and out != examples
    assert examples == spec.load(spec.eval_split, "grk", **SIZES)  # inputs not modified in place
    for before, after in zip(examples, out):
        assert set(before) == set(after) and before["id"] == after["id"]
        for key in ("label", "tags", "target"):
            if key in before:
                assert before[key] == after[key]
        if spec.format == "tagging":
            assert len(after["tokens"]) == len(before["tokens"])
        if spec.format == "qa":
            for text, start in zip(after["answers"]["text"], after["answers"]["answer_start"]):
                assert after["context"][start : start + len(text)] == text
            assert after["answers"]["text"] == before["answers"]["text"]
    # the same example perturbs the same way inside any subset
    assert (
        perturb.perturb_examples(examples[3:4], spec.format, "char", seed=0)[0]
        == perturb.perturb_examples(examples, spec.format, "char", seed=0)[3]
    )


def test_word_substitution_in_tagging_keeps_each_tag_valid():
    spec, examples = _load("mini-udpos", "sva")
    by_tag = {}
    for e in examples:
        for token, tag in zip(e["tokens"], e["tags"]):
            by_tag.setdefault(tag, set()).add(token)
    out = perturb.perturb_examples(examples, "tagging", "word", seed=0)
    n_changed = 0
    for before, after in zip(examples, out):
        for old, new, tag in zip(before["tokens"], after["tokens"], before["tags"]):
            assert new in by_tag[tag]
            n_changed += old != new
    assert n_changed > 0


def test_qa_context_keeps_overlapping_answers():
    example = {
        "id": "q1",
        "question": "where did Tala go ?",
        "context": "Tala went to the big market . Then Tala slept .",
        "answers": {"text": ["the big market", "big market", "Tala"], "answer_start": [13, 17, 35]},
    }
    for kind in perturb.KINDS:
        out = perturb.perturb_example(example, "qa", kind, seed=3)
        assert out["context"] != example["context"] and out["question"] != example["question"]
        for text, start in zip(out["answers"]["text"], out["answers"]["answer_start"]):
            assert out["context"][start : start + len(text)] == text
    bad = {**example, "answers": {"text": ["nowhere"], "answer_start": [0]}}
    with pytest.raises(ValueError, match="q1"):
        perturb.perturb_example(bad, "qa", "char")


def test_retrieval_perturbs_the_query_side_only():
    pool = [{"id": "c1", "text": "a candidate"}]
    ranking = {"id": "r1", "query": "ein kurzer Satz hier", "targets": ["c1"], "pool": pool}
    out = perturb.perturb_example(ranking, "ranking", "char")
    assert out["query"] != ranking["query"] and out["pool"] is pool and out["targets"] == ["c1"]
    pair = {"id": "p1", "source": "ein kurzer Satz", "target": "a short sentence"}
    assert perturb.perturb_example(pair, "bitext", "char")["target"] == "a short sentence"


def test_unknown_kind_or_format():
    with pytest.raises(ValueError, match="swap"):
        perturb.perturb_examples([{"id": "1", "text": "x", "label": 0}], "classification", "swap")
    with pytest.raises(ValueError, match="speech"):
        perturb.perturb_examples([{"id": "1"}], "speech", "char")


class _EchoFormat:
    """A fake format: predicts the label, scores the share of texts left as loaded (100 = untouched)."""

    def predict(self, model, tokenizer, examples, spec, max_length, batch_size, **options):
        return [e["text"] for e in examples]

    def score(self, examples, preds, spec, language=None):
        return {"accuracy": 100.0 * sum(p == f"text {i}" for i, p in enumerate(preds)) / len(preds)}


def test_pipeline_evaluate_scores_perturbed_splits(monkeypatch):
    def loader(spec, split, language, **options):
        return [{"id": f"{language}-{i}", "text": f"text {i}", "text_pair": None, "label": 0} for i in range(5)]

    spec = TaskSpec("toy", "classification", "target", ("en", "de"), "accuracy", labels=("a", "b"), loader=loader)
    monkeypatch.setattr(pipeline, "get_format", lambda name: _EchoFormat())
    clean = pipeline.evaluate(spec, None, None, ["de"], "test", 16)
    assert [(r["split"], r["value"]) for r in clean] == [("test", 100.0)]
    for kind in perturb.KINDS:
        rows = pipeline.evaluate(spec, None, None, ["en", "de"], "test", 16, perturb=kind)
        assert [r["split"] for r in rows] == [f"test-{kind}"] * 2
        assert all(r["value"] < 100.0 for r in rows)


def test_run_target_adds_perturbed_rows(tiny_model_dir, monkeypatch):
    from xlib.tasks import TaskSpec

    hparams = {"learning_rate": 1e-3, "max_steps": 2, "batch_size": 8, "max_length": 64}
    data = {"sizes": {"train": 16, "dev": 8, "test": 8}}
    reads = []
    load = TaskSpec.load
    monkeypatch.setattr(
        TaskSpec, "load", lambda self, split, lang, **kw: reads.append((split, lang)) or load(self, split, lang, **kw)
    )
    report = pipeline.run_target(
        "mini-udpos", tiny_model_dir, hparams, seed=0, languages=["sva", "grk"], data=data, perturb=["char", "word"]
    )
    assert sorted(r for r in reads if r[0] == "test") == [("test", "grk"), ("test", "sva")]  # read once, scored 3x
    splits = {(r["split"], r["language"]) for r in report["rows"] if r["metric"] == "f1"}
    assert splits == {("dev", "en")} | {(s, l) for s in ("test", "test-char", "test-word") for l in ("sva", "grk")}
    plain = pipeline.run_target("mini-udpos", tiny_model_dir, hparams, seed=0, languages=["sva"], data=data)
    assert {r["split"] for r in plain["rows"]} == {"dev", "test"}
