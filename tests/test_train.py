import random

import pytest
import torch

from xlib.formats.base import pad_collate
from xlib.train import TrainConfig, length_grouped_batches, task_weights


def test_pad_collate_pads_each_key_with_its_own_value():
    batch = pad_collate([{"input_ids": [5, 6, 7], "attention_mask": [1, 1, 1], "labels": [1, -100, 2]},
                         {"input_ids": [5], "attention_mask": [1], "labels": [0]}], pad_token_id=1)
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
    cls_ex = [{"id": str(i), "text": "mola tiku" if i % 2 else "sapo vel", "text_pair": None, "label": i % 2}
              for i in range(64)]
    tag_ex = [{"id": str(i), "tokens": ["mola", "sapo", "tiku"], "tags": ["A", "B", "A"]} for i in range(64)]
    models = {s.name: get_format(s.format).build_model(tiny_model_dir, s) for s in (cls, tag)}
    feats = {"toy-cls": get_format("classification").featurize(cls_ex, tok, cls, 32),
             "toy-tag": get_format("tagging").featurize(tag_ex, tok, tag, 32)}
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
