import json
import random

import pytest
import torch

from xlib.formats.base import pad_collate
from xlib.train import TrainConfig, length_grouped_batches, task_weights


def test_pad_collate_pads_each_key_with_its_own_value():
    batch = pad_collate(
        [
            {"input_ids": [5, 6, 7], "attention_mask": [1, 1, 1], "labels": [1, -100, 2]},
            {"input_ids": [5], "attention_mask": [1], "labels": [0]},
        ],
        pad_token_id=1,
    )
    assert batch["input_ids"].tolist() == [[5, 6, 7], [5, 1, 1]]
    assert batch["attention_mask"].tolist() == [[1, 1, 1], [1, 0, 0]]
    assert batch["labels"].tolist() == [[1, -100, 2], [0, -100, -100]]


def test_pad_collate_multiple_choice_and_scalars():
    batch = pad_collate([{"input_ids": [[5, 6], [5]], "labels": 1}, {"input_ids": [[5], [5, 6, 7]], "labels": 0}], 1)
    assert batch["input_ids"].shape == (2, 2, 3)
    assert batch["input_ids"][0, 1].tolist() == [5, 1, 1]
    assert batch["labels"].tolist() == [1, 0]


def test_task_weights_proportional_cap_and_temperature():
    sizes = {"a": 900, "b": 100}
    assert task_weights(sizes, TrainConfig()) == pytest.approx({"a": 0.9, "b": 0.1})
    capped = task_weights(sizes, TrainConfig(sampling_cap=100))
    assert capped == pytest.approx({"a": 0.5, "b": 0.5})
    temp = task_weights(sizes, TrainConfig(sampling="temperature", temperature=2.0))
    assert temp["a"] == pytest.approx(30 / 40)
    with pytest.raises(ValueError, match="sampling"):
        task_weights(sizes, TrainConfig(sampling="uniformish"))


def test_length_grouped_batches_cover_everything_once_and_group_lengths():
    lengths = [random.Random(i).randint(1, 100) for i in range(1000)]
    batches = length_grouped_batches(lengths, 10, random.Random(0), group=100)
    flat = sorted(i for b in batches for i in b)
    assert flat == list(range(1000))
    spread = sum(max(lengths[i] for i in b) - min(lengths[i] for i in b) for b in batches) / len(batches)
    assert spread < 10  # random batches of 10 from U(1,100) would spread ~80


def test_train_config_rejects_unknown_keys():
    with pytest.raises(ValueError, match="learning_rat"):
        TrainConfig.from_dict({"learning_rat": 1e-3})


def test_multitask_training_shares_one_encoder_and_lowers_the_loss(tiny_model_dir):
    from xlib.formats import get_format
    from xlib.pipeline import load_tokenizer
    from xlib.tasks import TaskSpec
    from xlib.train import train

    tok = load_tokenizer(tiny_model_dir)
    cls = TaskSpec("toy-cls", "classification", "intermediate", ("en",), "accuracy", labels=("no", "yes"))
    tag = TaskSpec("toy-tag", "tagging", "intermediate", ("en",), "f1", labels=("A", "B"))
    cls_ex = [
        {"id": str(i), "text": "mola tiku" if i % 2 else "sapo vel", "text_pair": None, "label": i % 2}
        for i in range(64)
    ]
    tag_ex = [{"id": str(i), "tokens": ["mola", "sapo", "tiku"], "tags": ["A", "B", "A"]} for i in range(64)]
    models = {s.name: get_format(s.format).build_model(tiny_model_dir, s) for s in (cls, tag)}
    feats = {
        "toy-cls": get_format("classification").featurize(cls_ex, tok, cls, 32),
        "toy-tag": get_format("tagging").featurize(tag_ex, tok, tag, 32),
    }
    cfg = TrainConfig(learning_rate=3e-3, max_steps=200, batch_size=16, warmup_ratio=0.0)
    shared, log = train(models, feats, tok.pad_token_id, cfg, seed=0, log_every=25)
    enc_a = shared.heads["toy-cls"].roberta
    assert enc_a is shared.heads["toy-tag"].roberta
    for task in ("toy-cls", "toy-tag"):
        losses = [r["loss"] for r in log if r["task"] == task]
        assert losses[-1] < losses[0] * 0.5, (task, losses)
    preds = get_format("classification").predict(shared.heads["toy-cls"], tok, cls_ex, cls, 32)
    assert preds == [e["label"] for e in cls_ex]


def test_training_is_deterministic_for_a_seed(tiny_model_dir):
    from xlib.formats import get_format
    from xlib.pipeline import load_tokenizer
    from xlib.tasks import TaskSpec
    from xlib.train import train

    tok = load_tokenizer(tiny_model_dir)
    spec = TaskSpec("toy", "classification", "intermediate", ("en",), "accuracy", labels=("a", "b"))
    ex = [{"id": str(i), "text": "mola " * (i % 5 + 1), "text_pair": "vel", "label": i % 2} for i in range(40)]

    def once():
        torch.manual_seed(0)
        model = get_format("classification").build_model(tiny_model_dir, spec)
        feats = {"toy": get_format("classification").featurize(ex, tok, spec, 32)}
        shared, log = train({"toy": model}, feats, tok.pad_token_id, TrainConfig(max_steps=5, batch_size=8), seed=3)
        return [r["loss"] for r in log], next(shared.parameters()).detach().clone()

    (l1, p1), (l2, p2) = once(), once()
    assert l1 == l2 and torch.equal(p1, p2)


def test_saved_encoder_carries_no_head_labels(tiny_model_dir, tmp_path):
    """An encoder saved after 3-way NLI training loads under every other head with that head's own size."""
    from xlib.formats import get_format
    from xlib.pipeline import save_encoder
    from xlib.tasks import get_task

    nli = get_format("classification").build_model(tiny_model_dir, get_task("mini-mnli"))
    assert nli.config.num_labels == 3
    save_encoder(nli.roberta, tmp_path / "encoder")
    qa = get_format("qa").build_model(str(tmp_path / "encoder"), get_task("mini-xquad"))
    assert qa.qa_outputs.out_features == 2
    sst = get_format("classification").build_model(str(tmp_path / "encoder"), get_task("mini-sst2"))
    assert sst.classifier.out_proj.out_features == 2


@pytest.mark.parametrize("task", ["mini-mnli", "mini-squad", "mini-udpos", "mini-csqa"])
def test_cached_features_equal_fresh_ones_and_skip_featurisation(tiny_model_dir, tmp_path, task):
    from xlib.features import featurize_cached
    from xlib.formats import get_format
    from xlib.pipeline import load_tokenizer
    from xlib.tasks import get_task

    tok = load_tokenizer(tiny_model_dir)
    spec = get_task(task)
    fmt = get_format(spec.format)
    examples = spec.load("train", spec.train_language, sizes={"train": 12})
    fresh = fmt.featurize(examples, tok, spec, 48)
    first = featurize_cached(fmt, examples, tok, spec, 48, cache_dir=tmp_path)
    assert first == fresh and len(list(tmp_path.glob("*.arrow"))) == 1

    class Counting:
        name, calls = fmt.name, 0

        def featurize(self, *args, **kwargs):
            Counting.calls += 1
            return fmt.featurize(*args, **kwargs)

    Counting.__module__ = type(fmt).__module__  # same source fingerprint as the real format
    again = featurize_cached(Counting(), examples, tok, spec, 48, cache_dir=tmp_path)
    assert again == fresh and Counting.calls == 0
    other = featurize_cached(Counting(), examples, tok, spec, 40, cache_dir=tmp_path)  # new max_length: a miss
    assert Counting.calls == 1 and other == fmt.featurize(examples, tok, spec, 40)


def _toy_setup(tiny_model_dir, n=48):
    from xlib.formats import get_format
    from xlib.pipeline import load_tokenizer
    from xlib.tasks import TaskSpec

    tok = load_tokenizer(tiny_model_dir)
    spec = TaskSpec("toy", "classification", "intermediate", ("en",), "accuracy", labels=("a", "b"))
    ex = [{"id": str(i), "text": "mola " * (i % 9 + 1), "text_pair": "vel tiku", "label": i % 2} for i in range(n)]
    feats = get_format("classification").featurize(ex, tok, spec, 32)
    torch.manual_seed(0)
    model = get_format("classification").build_model(tiny_model_dir, spec)
    return tok, model, feats


def test_pad_collate_rounds_widths_up_to_a_multiple():
    batch = pad_collate(
        [{"input_ids": [5, 6, 7], "attention_mask": [1, 1, 1]}, {"input_ids": [5], "attention_mask": [1]}],
        pad_token_id=1,
        multiple_of=8,
    )
    assert batch["input_ids"].shape == (2, 8)
    assert batch["attention_mask"].sum().item() == 4 and batch["input_ids"][1, 1:].eq(1).all()


def test_mixed_precision_auto_is_fp32_without_a_gpu_and_unknown_values_are_rejected():
    from xlib.train import resolve_precision

    assert resolve_precision("auto") == (
        "bf16" if torch.cuda.is_available() and torch.cuda.is_bf16_supported() else "no"
    )
    assert resolve_precision("bf16") == "bf16"
    with pytest.raises(ValueError, match="mixed_precision 'fp8'"):
        TrainConfig.from_dict({"mixed_precision": "fp8"})


def test_train_stats_count_real_tokens_cover_each_example_once_per_epoch_and_step_the_schedule(tiny_model_dir):
    from xlib.train import train

    tok, model, feats = _toy_setup(tiny_model_dir, n=48)
    stats = {}
    cfg = TrainConfig(learning_rate=1e-3, max_steps=6, batch_size=4, grad_accum=2, warmup_ratio=0.0)
    train({"toy": model}, {"toy": feats}, tok.pad_token_id, cfg, seed=1, stats=stats)
    drawn = [i for _, idx in stats["batches"] for i in idx]
    assert sorted(drawn) == list(range(48))  # 6 steps x 2 micro-batches x 4 = one epoch
    assert stats["tokens"] == sum(len(f["input_ids"]) for f in feats)
    assert stats["padded_tokens"] >= stats["tokens"] and stats["examples"] == 48
    assert sum(stats["step_tokens"]) == stats["tokens"] and len(stats["step_end"]) == 6
    # the schedule moves once per optimizer step, not once per micro-batch: linear decay over 6 steps
    assert stats["step_lr"] == pytest.approx([1e-3 * (1 - k / 6) for k in range(1, 7)])


def test_gradient_checkpointing_trains_the_same_model(tiny_model_dir):
    from xlib.train import train

    results = []
    for checkpointing in (False, True):
        tok, model, feats = _toy_setup(tiny_model_dir, n=32)
        cfg = TrainConfig(learning_rate=1e-3, max_steps=4, batch_size=8, gradient_checkpointing=checkpointing)
        shared, log = train({"toy": model}, {"toy": feats}, tok.pad_token_id, cfg, seed=2, log_every=1)
        assert shared.heads["toy"].is_activation_checkpointing == checkpointing
        results.append(([r["loss"] for r in log], torch.cat([p.detach().flatten() for p in shared.parameters()])))
    (l1, p1), (l2, p2) = results
    assert l1 == pytest.approx(l2, rel=1e-4)
    assert torch.allclose(p1, p2, atol=1e-5)
    initial = torch.cat([p.detach().flatten() for p in _toy_setup(tiny_model_dir, n=32)[1].parameters()])
    assert not torch.allclose(p1, initial)  # it did train


def test_chunked_nearest_is_exact_top_k():
    from xlib.formats.embedding import nearest

    g = torch.Generator().manual_seed(0)
    queries, cands = torch.randn(70, 16, generator=g), torch.randn(1000, 16, generator=g) * 3
    scores, idx = nearest(queries, cands, k=7, chunk=16, candidate_chunk=97)
    sims = torch.nn.functional.normalize(queries, dim=-1) @ torch.nn.functional.normalize(cands, dim=-1).T
    ref_scores, ref_idx = sims.topk(7, dim=-1)
    assert torch.equal(idx, ref_idx) and torch.allclose(scores, ref_scores, atol=1e-6)
    assert nearest(queries, cands[:3], k=5)[1].shape == (70, 3)  # k larger than the pool


def test_grid_compute_counts_phase_ii_once_per_condition_with_reuse():
    from xlib.compute import grid_compute
    from xlib.params import load
    from xlib.paths import project_root
    from xlib.tasks import get_task

    study = load(project_root() / "params" / "smoke.yaml")
    s = grid_compute(study)
    inter = study.intermediate["max_steps"] * study.intermediate["batch_size"]
    tgt = study.target["max_steps"] * study.target["batch_size"]
    with_tasks = sum(1 for c in study.conditions.values() if c.tasks)
    trained = sum(1 for t in study.targets if get_task(t).trains)
    assert s["with_reuse"]["examples"] == with_tasks * inter + len(study.conditions) * trained * tgt
    assert s["without_reuse"]["examples"] - s["with_reuse"]["examples"] == with_tasks * inter * (len(study.targets) - 1)
    assert 0 < s["saved_fraction"] < 1 and s["speedup"] > 1


def test_grid_compute_turns_epochs_into_steps_and_names_missing_sizes():
    from dataclasses import replace

    from xlib.compute import grid_compute, phase_cost
    from xlib.studyconfig import Study

    study = Study.from_params(
        {
            "study": "x",
            "seeds": [0, 1],
            "conditions": {"base": [], "nli": ["mini-mnli"]},
            "targets": ["mini-xnli"],
            "intermediate": {"epochs": 2, "batch_size": 10},
            "target": {"epochs": 1, "batch_size": 8, "grad_accum": 2},
            "data": {"sizes": {"train": 101}},
        }
    )
    assert phase_cost(["mini-mnli"], study.intermediate, study) == {"steps": 21, "examples": 210}
    s = grid_compute(study, train_sizes={"mini-xnli": 64})
    assert s["phase_ii"] == {"runs": 2, "steps": 42, "examples": 420}
    assert s["phase_iii"]["steps"] == 2 * 2 * 4  # 2 seeds x 2 conditions x ceil(64 / 16)
    with pytest.raises(ValueError, match="nope"):
        grid_compute(replace(study, targets=["nope"]))


def test_tokenizer_fingerprint_ignores_leftover_truncation_state_but_not_the_vocabulary(tiny_model_dir, tmp_path):
    from xlib.features import tokenizer_fingerprint
    from xlib.pipeline import load_tokenizer

    tok = load_tokenizer(tiny_model_dir)
    before = tokenizer_fingerprint(tok)
    tok(["mola tiku ren"], ["sapo tiku ren vel dunar kis oppa lume"], truncation=True, max_length=6)
    assert json.loads(tok.backend_tokenizer.to_str())["truncation"]  # the state the fingerprint must ignore
    tok.save_pretrained(tmp_path / "copy")  # a condition's checkpoint carries this state
    assert tokenizer_fingerprint(load_tokenizer(str(tmp_path / "copy"))) == before
    tok.add_tokens(["zzzq"])
    assert tokenizer_fingerprint(tok) != before


def test_train_accepts_a_precision_other_than_an_earlier_accelerator_in_the_process(tiny_model_dir):
    """The benchmark runs a fp32 Trainer, then xlib in bf16, in one process; accelerate alone refuses that."""
    from accelerate import Accelerator
    from xlib.train import train

    Accelerator(mixed_precision="no")
    tok, model, feats = _toy_setup(tiny_model_dir, n=16)
    stats = {}
    train(
        {"toy": model},
        {"toy": feats},
        tok.pad_token_id,
        TrainConfig(max_steps=2, batch_size=8, mixed_precision="bf16"),
        stats=stats,
    )
    assert stats["mixed_precision"] == "bf16"
    train(
        {"toy": model},
        {"toy": feats},
        tok.pad_token_id,
        TrainConfig(max_steps=1, batch_size=8, mixed_precision="no"),
        stats=stats,
    )
    assert stats["mixed_precision"] == "no"


def test_empty_training_data_names_the_task(tiny_model_dir):
    """A task with no training examples stops with a message naming it, not an IndexError deep in featurisation."""
    import pytest

    from xlib.pipeline import run_target

    with pytest.raises(ValueError, match=r"task 'mini-xnli': no training examples"):
        run_target(
            "mini-xnli",
            tiny_model_dir,
            {"max_steps": 1, "batch_size": 2, "max_length": 32},
            data={"sizes": {"train": 0, "dev": 2, "test": 2}},
        )
