"""The extractive QA format on a hand-made XLM-R tokenizer and a tiny random XLM-R (invented text only)."""

import pytest
import torch

from xlib.formats import get_format
from xlib.formats.base import pad_collate
from xlib.formats.qa import FORMAT, QAFormat, effective_stride
from xlib.tasks import TaskSpec

WORDS = (
    "mola tiku ren sapo vel dunar kis oppa lume tarek nivo bessa дома кира лот ψαρι λυκο οδος كتابو مالور 3 7 12"
).split()
SPEC = TaskSpec(name="toy-qa", format="qa", role="target", languages=("xx",), metric="em_f1")
MLQA = TaskSpec(name="mlqa", format="qa", role="target", languages=("es", "en"), metric="em_f1")


@pytest.fixture(scope="module")
def tokenizer():
    """An XLM-R (SentencePiece-unigram) fast tokenizer with a hand-written vocabulary."""
    from transformers import XLMRobertaTokenizer

    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    chars = sorted(set("".join(WORDS)) | set(".,?"))
    vocab = (
        [(s, 0.0) for s in specials]
        + [("▁" + w, -5.0) for w in WORDS]
        + [(w, -6.0) for w in WORDS]
        + [("▁", -8.0)]
        + [(c, -10.0) for c in chars]
    )
    tok = XLMRobertaTokenizer(vocab=vocab)
    assert tok.is_fast and tok.tokenize("dunarkis") == ["▁dunar", "kis"]
    return tok


@pytest.fixture(scope="module")
def model_dir(tokenizer, tmp_path_factory):
    from transformers import XLMRobertaConfig, XLMRobertaForQuestionAnswering

    torch.manual_seed(0)
    cfg = XLMRobertaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=514,
        type_vocab_size=1,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
    )
    out = tmp_path_factory.mktemp("tiny-qa")
    XLMRobertaForQuestionAnswering(cfg).save_pretrained(out)
    tokenizer.save_pretrained(out)
    return str(out)


def example(qid, question, context, answer, occurrence=0):
    start = -1
    for _ in range(occurrence + 1):
        start = context.index(answer, start + 1)
    return {"id": qid, "question": question, "context": context, "answers": {"text": [answer], "answer_start": [start]}}


SHORT = [
    example("s1", "mola tiku?", "ren sapo vel dunar kis oppa.", "vel dunar"),
    example("s2", "кира лот?", "дома кира лот ψαρι λυκο οδος.", "ψαρι λυκο"),
    example("s3", "مالور?", "كتابو مالور 12 bessa", "كتابو"),
    example("s4", "nivo?", "lume dunarkis tarek nivo", "dunarkis"),  # answer = two sub-tokens
]


def long_context():
    filler = " ".join(["ren sapo vel oppa lume tarek"] * 6)
    context = f"{filler} ψαρι λυκο οδος {filler}"
    return example("long", "tiku ψαρι?", context, "ψαρι λυκο")


def decoded(feat, tokenizer):
    ids = feat["input_ids"][feat["start_positions"] : feat["end_positions"] + 1]
    return tokenizer.decode(ids).strip()


# ----------------------------------------------------------------------------- featurize
def test_format_is_registered():
    assert get_format("qa") is FORMAT and isinstance(FORMAT, QAFormat) and FORMAT.name == "qa"


def test_featurize_positions_decode_to_the_answer(tokenizer):
    feats = FORMAT.featurize(SHORT, tokenizer, SPEC, max_length=64)
    assert len(feats) == len(SHORT)
    for feat, ex in zip(feats, SHORT):
        assert set(feat) == {"input_ids", "attention_mask", "start_positions", "end_positions"}
        assert 0 < feat["start_positions"] <= feat["end_positions"]
        assert decoded(feat, tokenizer) == ex["answers"]["text"][0]


def test_long_context_gives_several_windows_and_answer_in_the_right_one(tokenizer):
    ex = long_context()
    feats = FORMAT.featurize([ex], tokenizer, SPEC, max_length=32, stride=128)
    assert len(feats) >= 4
    with_answer = [f for f in feats if f["start_positions"] != 0]
    assert 1 <= len(with_answer) < len(feats)
    assert feats[0]["start_positions"] == feats[0]["end_positions"] == 0  # answer not in the first window: CLS
    for f in with_answer:
        assert decoded(f, tokenizer) == "ψαρι λυκο"
    assert all(len(f["input_ids"]) <= 32 for f in feats)


def test_windows_overlap_by_the_effective_stride(tokenizer):
    ex = long_context()
    enc, _ = FORMAT._encode([ex], tokenizer, 32, 128, 64)
    assert effective_stride(128, 32) == 8 and effective_stride(3, 32) == 3
    ctx = [
        [o for o, s in zip(enc["offset_mapping"][i], enc.sequence_ids(i)) if s == 1]
        for i in range(len(enc["input_ids"]))
    ]
    for a, b in zip(ctx, ctx[1:]):
        assert a[-8:] == b[:8]  # the last 8 context tokens of a window open the next one


def test_answer_cut_by_a_window_edge_points_at_cls(tokenizer):
    ex = long_context()
    feats = FORMAT.featurize([ex], tokenizer, SPEC, max_length=32, stride=1)
    # every window either holds the whole answer or points at CLS, never at a partial span
    for f in feats:
        if f["start_positions"] == 0:
            assert f["end_positions"] == 0
        else:
            assert decoded(f, tokenizer) == "ψαρι λυκο"


def test_long_question_is_cut_so_windows_stay_valid(tokenizer):
    ex = example("lq", " ".join(["mola tiku"] * 40), "ren sapo vel dunar kis oppa lume tarek", "dunar kis")
    feats = FORMAT.featurize([ex], tokenizer, SPEC, max_length=24, stride=128)
    assert feats and all(len(f["input_ids"]) <= 24 for f in feats)
    assert any(decoded(f, tokenizer) == "dunar kis" for f in feats if f["start_positions"])


def test_features_train_the_model(tokenizer, model_dir):
    model = FORMAT.build_model(model_dir, SPEC)
    assert type(model).__name__ == "XLMRobertaForQuestionAnswering"
    feats = FORMAT.featurize(SHORT + [long_context()], tokenizer, SPEC, max_length=32)
    out = model(**pad_collate(feats, tokenizer.pad_token_id))
    assert torch.isfinite(out.loss)


# ----------------------------------------------------------------------------- predict
def test_predict_one_substring_per_example(tokenizer, model_dir):
    model = FORMAT.build_model(model_dir, SPEC)
    examples = SHORT + [long_context()]
    preds = FORMAT.predict(model, tokenizer, examples, SPEC, max_length=32, batch_size=2)
    assert len(preds) == len(examples)
    for p, ex in zip(preds, examples):
        assert isinstance(p, str) and p and p in ex["context"]
    assert FORMAT.predict(model, tokenizer, [], SPEC, max_length=32) == []


class ForcedQA(torch.nn.Module):
    """Stub QA model: each token id gets fixed start/end logits (default 0)."""

    def __init__(self, tokenizer, start, end):
        super().__init__()
        self.anchor = torch.nn.Parameter(torch.zeros(1))
        vocab = len(tokenizer)
        self.start = torch.zeros(vocab)
        self.end = torch.zeros(vocab)
        for word, value in start.items():
            self.start[tokenizer.convert_tokens_to_ids("▁" + word)] = value
        for word, value in end.items():
            self.end[tokenizer.convert_tokens_to_ids("▁" + word)] = value
        self.seen_keys = set()

    def forward(self, **batch):
        self.seen_keys |= set(batch)
        input_ids = batch["input_ids"]
        return {"start_logits": self.start[input_ids] + self.anchor, "end_logits": self.end[input_ids] + self.anchor}


def test_forced_logits_pick_the_span_in_the_right_window(tokenizer):
    ex = long_context()  # "ψαρι λυκο οδος" sits in the middle windows; the question also holds ψαρι
    model = ForcedQA(tokenizer, start={"ψαρι": 9.0, "tiku": 20.0}, end={"λυκο": 5.0, "οδος": 4.0})
    pred = FORMAT.predict(model, tokenizer, [ex], SPEC, max_length=32, batch_size=3)
    # tiku (question only) is skipped; ψαρι..λυκο (9+5) beats ψαρι..οδος (9+4)
    assert pred == ["ψαρι λυκο"]


def test_forced_logits_respect_max_answer_length_and_order(tokenizer):
    ex = example("o", "mola?", "ren tarek sapo vel dunar kis oppa lume", "vel")
    model = ForcedQA(tokenizer, start={"tarek": 10.0, "oppa": 8.0}, end={"ren": 30.0, "lume": 10.0})
    kw = dict(max_length=64, n_best=2)
    # top-2 starts tarek, oppa; top-2 ends ren, lume; *..ren ends before it starts, so tarek..lume wins
    assert FORMAT.predict(model, tokenizer, [ex], SPEC, **kw) == ["tarek sapo vel dunar kis oppa lume"]
    assert FORMAT.predict(model, tokenizer, [ex], SPEC, max_answer_length=4, **kw) == ["oppa lume"]
    assert FORMAT.predict(model, tokenizer, [ex], SPEC, max_answer_length=1, **kw) == [""]
    # with n_best=20 every token is a candidate: the best one-token span is ren..ren (0 + 30)
    assert FORMAT.predict(model, tokenizer, [ex], SPEC, max_length=64, max_answer_length=1) == ["ren"]


def test_forced_logits_keep_example_order_across_batches(tokenizer):
    # ψαρι..λυκο (6 + 5) beats vel..λυκο (5 + 5) in the long context
    model = ForcedQA(
        tokenizer,
        start={"vel": 5.0, "ψαρι": 6.0, "كتابو": 5.0, "nivo": 6.0},
        end={"dunar": 5.0, "λυκο": 5.0, "كتابو": 4.0, "nivo": 6.0},
    )
    examples = SHORT + [long_context()]
    preds = FORMAT.predict(model, tokenizer, examples, SPEC, max_length=32, batch_size=2)
    assert preds[:3] == ["vel dunar", "ψαρι λυκο", "كتابو"]
    assert preds[3] == "nivo"  # the question's nivo is never a candidate
    assert preds[4] == "ψαρι λυκο"
    assert model.seen_keys == {"input_ids", "attention_mask"}  # no token_type_ids for XLM-R


# ----------------------------------------------------------------------------- score
def test_score_perfect_and_wrong_predictions():
    perfect = FORMAT.score(SHORT, [e["answers"]["text"][0] for e in SHORT], SPEC)
    assert perfect == {"exact_match": 100.0, "f1": 100.0, "em_f1": 100.0}
    half = FORMAT.score(SHORT[:2], ["vel dunar", "ψαρι οδος"], SPEC)
    # second: 1 common token of 2/2 -> F1 0.5
    assert half["exact_match"] == 50.0 and half["f1"] == pytest.approx(75.0)
    assert half["em_f1"] == pytest.approx(62.5)
    with pytest.raises(ValueError):
        FORMAT.score(SHORT, ["x"], SPEC)


def test_score_uses_mlqa_normalisation_for_mlqa_tasks():
    exs = [example("m", "que?", "vi el gato morlo ayer", "gato morlo")]
    assert FORMAT.score(exs, ["el gato morlo"], MLQA, language="es")["exact_match"] == 100.0
    assert FORMAT.score(exs, ["el gato morlo"], MLQA, language="en")["exact_match"] == 0.0
    assert FORMAT.score(exs, ["el gato morlo"], SPEC, language="es")["exact_match"] == 0.0  # SQuAD script
    with pytest.raises(ValueError):
        FORMAT.score(exs, ["gato morlo"], MLQA)
