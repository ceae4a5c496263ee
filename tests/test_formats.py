"""Featurisation and decoding of the classification, multiple-choice, tagging and retrieval formats."""

import pytest
import torch

from xlib.formats import get_format
from xlib.formats.embedding import embed, nearest
from xlib.pipeline import load_tokenizer
from xlib.tasks import TaskSpec

TAG = TaskSpec("toy-tag", "tagging", "target", ("en",), "f1", labels=("O", "B-PER", "I-PER"))


@pytest.fixture(scope="module")
def tok(tiny_model_dir):
    return load_tokenizer(tiny_model_dir)


def test_unknown_format_is_named():
    with pytest.raises(ValueError, match="unknown task format 'tabular'"):
        get_format("tabular")


def test_pair_classification_encodes_both_sentences(tok):
    spec = TaskSpec("toy", "classification", "target", ("en",), "accuracy", labels=("a", "b", "c"))
    feats = get_format("classification").featurize(
        [{"id": "1", "text": "mola tiku", "text_pair": "sapo vel", "label": 2}], tok, spec, 64
    )
    ids = feats[0]["input_ids"]
    assert feats[0]["labels"] == 2
    assert ids[0] == tok.bos_token_id and ids.count(tok.eos_token_id) == 3  # <s> A </s></s> B </s>


def test_multiple_choice_one_sequence_per_choice(tok):
    spec = TaskSpec("toy-mc", "multiple_choice", "target", ("en",), "accuracy")
    ex = {"id": "1", "context": "mola tiku", "question": "kis", "choices": ["sapo", "vel dunar", "oppa"], "label": 1}
    feat = get_format("multiple_choice").featurize([ex], tok, spec, 64)[0]
    assert len(feat["input_ids"]) == 3 and feat["labels"] == 1
    assert tok.decode(feat["input_ids"][1], skip_special_tokens=True).split() == "mola tiku kis vel dunar".split()


def test_tagging_labels_first_subtoken_only(tok):
    ex = {"id": "1", "tokens": ["tarekmolasapo", "vel", "nivo"], "tags": ["B-PER", "I-PER", "O"]}
    feat = get_format("tagging").featurize([ex], tok, TAG, 64)[0]
    labelled = [l for l in feat["labels"] if l != -100]
    assert labelled == [1, 2, 0]
    assert len(feat["labels"]) == len(feat["input_ids"])
    assert len(feat["input_ids"]) > 5  # the long word was split into several pieces, only its first is labelled


def test_tagging_unknown_tag_is_a_clear_error(tok):
    ex = {"id": "s7", "tokens": ["vel"], "tags": ["B-FOO"]}
    with pytest.raises(ValueError, match="'s7' has tag 'B-FOO'"):
        get_format("tagging").featurize([ex], tok, TAG, 64)


def test_tagging_predict_returns_one_tag_per_word_even_when_truncated(tiny_model_dir, tok):
    model = get_format("tagging").build_model(tiny_model_dir, TAG)
    examples = [{"id": "1", "tokens": ["mola"] * 40, "tags": ["O"] * 40}, {"id": "2", "tokens": ["vel"], "tags": ["O"]}]
    preds = get_format("tagging").predict(model, tok, examples, TAG, max_length=16)
    assert [len(p) for p in preds] == [40, 1]
    assert all(t in TAG.labels for p in preds for t in p)


def test_nearest_is_exact_in_chunks():
    torch.manual_seed(0)
    cands = torch.nn.functional.normalize(torch.randn(1000, 16), dim=-1)
    queries = cands[[5, 17, 999]] + 0.01
    scores, idx = nearest(torch.nn.functional.normalize(queries, dim=-1), cands, k=3, chunk=2)
    assert idx[:, 0].tolist() == [5, 17, 999]
    full = (torch.nn.functional.normalize(queries, dim=-1) @ cands.T).topk(3).indices
    assert torch.equal(idx, full)


def test_retrieval_finds_identical_sentences(tiny_model_dir, tok):
    fmt = get_format("bitext")
    spec = TaskSpec("toy-ret", "bitext", "target", ("xx",), "accuracy", trains=False)
    model = fmt.build_model(tiny_model_dir, spec)
    sents = ["mola tiku ren", "sapo vel dunar kis", "oppa lume", "tarek nivo bessa mola", "дома кира лот"]
    examples = [{"id": str(i), "source": s, "target": s} for i, s in enumerate(sents)]
    preds = fmt.predict(model, tok, examples, spec, 64, layer=1)
    assert preds == list(range(len(sents)))
    vectors = embed(model, tok, sents, layer=1)
    assert torch.allclose(vectors.norm(dim=-1), torch.ones(len(sents)), atol=1e-5)
    assert fmt.score(examples, preds, spec)["accuracy"] == 100.0


def test_ranking_puts_the_identical_candidate_first(tiny_model_dir, tok):
    """LAReQA-style ranking: each query's own text is in the pool, so it ranks first and mAP@20 is 100."""
    from xlib.formats import ranking

    spec = TaskSpec("toy-lareqa", "ranking", "target", ("en",), "map@20", trains=False)
    pool = [{"id": f"c{i}", "text": t, "context": "mola"} for i, t in enumerate(["tiku ren", "дома кира", "ψαρι λυκο"])]
    examples = [{"id": f"q{i}", "query": c["text"], "targets": [c["id"]], "pool": pool} for i, c in enumerate(pool)]
    fmt = get_format("ranking")
    model = fmt.build_model(tiny_model_dir, spec)
    ranked = ranking.rank(model, tok, examples, layer=1, max_length=32, batch_size=8, top_k=20)
    assert [r[0] for r in ranked] == ["c0", "c1", "c2"] and all(len(r) == 3 for r in ranked)
    assert fmt.score(examples, ranked, spec) == {"map@20": pytest.approx(100.0)}


def _official_mine_max(x, y, k=4):
    """utils_retrieve.mine_bitext(retrieval='max', margin='ratio', dist='cosine'), faiss replaced by brute force."""
    import numpy as np

    def knn(a, b, kk):
        sims = a @ b.T
        ind = np.argsort(-sims, axis=1, kind="stable")[:, :kk]
        return np.take_along_axis(sims, ind, axis=1), ind

    x2y_sim, x2y_ind = knn(x, y, min(y.shape[0], k))
    y2x_sim, y2x_ind = knn(y, x, min(x.shape[0], k))
    x2y_mean, y2x_mean = x2y_sim.mean(axis=1), y2x_sim.mean(axis=1)

    def score_candidates(a, b, cand, fwd_mean, bwd_mean):
        scores = np.zeros(cand.shape)
        for i in range(scores.shape[0]):
            for j in range(scores.shape[1]):
                kk = cand[i, j]
                scores[i, j] = a[i].dot(b[kk]) / ((fwd_mean[i] + bwd_mean[kk]) / 2)
        return scores

    fwd_scores = score_candidates(x, y, x2y_ind, x2y_mean, y2x_mean)
    bwd_scores = score_candidates(y, x, y2x_ind, y2x_mean, x2y_mean)
    fwd_best = x2y_ind[np.arange(x.shape[0]), fwd_scores.argmax(axis=1)]
    bwd_best = y2x_ind[np.arange(y.shape[0]), bwd_scores.argmax(axis=1)]
    indices = np.stack(
        (np.concatenate((np.arange(x.shape[0]), bwd_best)), np.concatenate((fwd_best, np.arange(y.shape[0])))), axis=1
    )
    scores = np.concatenate((fwd_scores.max(axis=1), bwd_scores.max(axis=1)))
    out, seen_src, seen_trg = [], set(), set()
    for i in np.argsort(-scores):
        s, t = indices[i]
        if s not in seen_src and t not in seen_trg:
            seen_src.add(s)
            seen_trg.add(t)
            if scores[i] > 0:
                out.append((int(s), int(t), float(scores[i])))
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_margin_mining_matches_the_official_algorithm(seed):
    from xlib.formats.mining import margin_mine

    g = torch.Generator().manual_seed(seed)
    x = torch.nn.functional.normalize(torch.randn(23, 16, generator=g), dim=-1)
    y = torch.nn.functional.normalize(
        torch.cat([x[:15] + 0.3 * torch.randn(15, 16, generator=g), torch.randn(12, 16, generator=g)]), dim=-1
    )
    ours = margin_mine(x, y, neighborhood=4)
    official = _official_mine_max(x.double().numpy(), y.double().numpy(), k=4)
    assert [(s, t) for s, t, _ in ours] == [(s, t) for s, t, _ in official]
    assert [v for *_, v in ours] == pytest.approx([v for *_, v in official], rel=1e-5)
    assert len(ours) >= 15
