"""Hand-computed checks of the official XTREME(-R) metrics, quirks included (invented text only)."""

import math

import pytest

from xlib import metrics


def squad(*qas):
    """A one-article SQuAD dataset from (id, [gold answers]) pairs."""
    return [
        {
            "paragraphs": [
                {"context": "", "qas": [{"id": qid, "answers": [{"text": t} for t in golds]} for qid, golds in qas]}
            ]
        }
    ]


# ----------------------------------------------------------------------------- accuracy / retrieval
def test_accuracy_percentage():
    assert metrics.accuracy([1, 2, 3, 4], [1, 2, 0, 4]) == {"accuracy": 75.0}
    assert metrics.accuracy(["entailment", "neutral"], ["entailment", "contradiction"])["accuracy"] == 50.0


def test_accuracy_rejects_length_mismatch_and_empty():
    with pytest.raises(ValueError):
        metrics.accuracy([1, 2], [1])
    with pytest.raises(ValueError):
        metrics.accuracy([], [])


def test_retrieval_accuracy_compares_indices():
    out = metrics.retrieval_accuracy([0, 1, 2], [0, 2, 2])
    assert out == {"accuracy": pytest.approx(200 / 3)}
    assert metrics.retrieval_accuracy(range(4), [0, 1, 2, 3])["accuracy"] == 100.0


# ----------------------------------------------------------------------------- seqeval tag F1
def test_tag_f1_entity_level_with_i_without_b():
    gold = [["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG"]]
    pred = [["I-PER", "I-PER", "O", "B-ORG"], ["O"]]
    # gold entities PER(0-1), LOC(3), ORG(s2); predicted PER(0-1) (I- opens an entity), ORG(3): 1 correct
    out = metrics.tag_f1(gold, pred)
    assert out["precision"] == pytest.approx(50.0)
    assert out["recall"] == pytest.approx(100 / 3)
    assert out["f1"] == pytest.approx(40.0)


def test_tag_f1_partial_span_is_wrong():
    out = metrics.tag_f1([["B-LOC", "I-LOC", "O"]], [["B-LOC", "O", "O"]])
    assert out == {"f1": 0.0, "precision": 0.0, "recall": 0.0}


def test_tag_f1_pos_tags_without_prefix_merge_runs():
    # seqeval reads NOUN as chunk type "OUN": gold NOUN NOUN is ONE chunk; 4 gold, 4 predicted, 2 equal
    gold = [["NOUN", "NOUN", "VERB", "DET", "NOUN"]]
    pred = [["NOUN", "VERB", "VERB", "DET", "NOUN"]]
    out = metrics.tag_f1(gold, pred)
    assert out["f1"] == pytest.approx(50.0)  # token accuracy would be 80
    assert out["precision"] == pytest.approx(50.0) and out["recall"] == pytest.approx(50.0)


def test_tag_f1_pos_first_letter_quirks():
    # CCONJ and SCONJ share the seqeval type "CONJ"; ADJ ("DJ") and ADP ("DP") do not
    assert metrics.tag_f1([["CCONJ"]], [["SCONJ"]])["f1"] == pytest.approx(100.0)
    assert metrics.tag_f1([["ADJ"]], [["ADP"]])["f1"] == 0.0
    gold = [["PRON", "VERB", "DET", "NOUN", "PUNCT"]]
    pred = [["PROPN", "VERB", "DET", "NOUN", "PUNCT"]]
    assert metrics.tag_f1(gold, pred)["f1"] == pytest.approx(80.0)


def test_tag_f1_all_outside_is_zero_and_lengths_checked():
    assert metrics.tag_f1([["O", "O"]], [["O", "O"]])["f1"] == 0.0
    with pytest.raises(ValueError):
        metrics.tag_f1([["O", "O"]], [["O"]])


# ----------------------------------------------------------------------------- SQuAD v1.1
def test_squad_em_f1_hand_computed_with_missing_prediction():
    data = squad(("q1", ["The Velkor River", "Velkor"]), ("q2", ["tiku mola sapo"]), ("q3", ["dunar"]))
    preds = {"q1": "velkor river.", "q2": "mola sapo dunar", "extra": "ignored"}
    out = metrics.squad_em_f1(data, preds)
    # q1: EM 1 (articles, case, ASCII punctuation dropped); q2: 2 common of 3/3 -> F1 2/3; q3 missing -> 0
    assert out["exact_match"] == pytest.approx(100 / 3)
    assert out["f1"] == pytest.approx(100 * (1 + 2 / 3) / 3)


def test_squad_max_over_ground_truths():
    data = squad(("q", ["lume tarek nivo", "tarek"]))
    out = metrics.squad_em_f1(data, {"q": "tarek nivo"})
    # vs gold 1: P=1, R=2/3 -> 0.8; vs gold 2: P=1/2, R=1 -> 2/3; EM 0 for both
    assert out == {"exact_match": 0.0, "f1": pytest.approx(80.0)}


def test_squad_english_articles_removed_in_every_language():
    # XQuAD/TyDiQA use the English script: Spanish "a" (a preposition) is dropped like the article
    assert metrics.squad_em_f1(squad(("q", ["Velkora"])), {"q": "a Velkora"})["exact_match"] == 100.0
    # ...but only as a whole word
    assert metrics.squad_em_f1(squad(("q", ["Velkora"])), {"q": "aVelkora"})["exact_match"] == 0.0


def test_squad_only_ascii_punctuation_and_other_scripts():
    # Arabic comma U+060C and guillemets are not in string.punctuation: kept by SQuAD normalisation
    assert metrics.squad_em_f1(squad(("q", ["كتابور"])), {"q": "كتابور،"}) == {"exact_match": 0.0, "f1": 0.0}
    assert metrics.squad_em_f1(squad(("q", ["λύκορα"])), {"q": "«λύκορα»"})["exact_match"] == 0.0
    assert metrics.squad_em_f1(squad(("q", ["λύκορα"])), {"q": '"λύκορα"'})["exact_match"] == 100.0
    # lower-casing works for Cyrillic and Greek
    assert metrics.squad_em_f1(squad(("q", ["домара кила"])), {"q": "ДОМАРА Кила"})["exact_match"] == 100.0
    assert metrics.squad_em_f1(squad(("q", ["Ψάρικο"])), {"q": "ψάρικο"})["exact_match"] == 100.0


def test_squad_chinese_is_one_token_without_segmentation():
    out = metrics.squad_em_f1(squad(("q", ["北京大学"])), {"q": "北京"})
    assert out == {"exact_match": 0.0, "f1": 0.0}


def test_squad_empty_prediction_quirk():
    # "" vs a gold that normalises to "" is an exact match but F1 0 (no common tokens)
    assert metrics.squad_em_f1(squad(("q", ["The"])), {"q": ""}) == {"exact_match": 100.0, "f1": 0.0}


def test_squad_rejects_empty_dataset():
    with pytest.raises(ValueError):
        metrics.squad_em_f1(squad(), {})


# ----------------------------------------------------------------------------- MLQA
def test_mlqa_articles_only_for_their_language():
    data = squad(("q", ["gato morlo"]))
    assert metrics.mlqa_em_f1(data, {"q": "el gato morlo"}, "es")["exact_match"] == 100.0
    en = metrics.mlqa_em_f1(data, {"q": "el gato morlo"}, "en")
    assert en["exact_match"] == 0.0 and en["f1"] == pytest.approx(80.0)  # P=2/3, R=1
    # German articles in de only
    assert metrics.mlqa_em_f1(squad(("q", ["Hundor"])), {"q": "der Hundor"}, "de")["exact_match"] == 100.0
    assert metrics.mlqa_em_f1(squad(("q", ["Hundor"])), {"q": "der Hundor"}, "es")["exact_match"] == 0.0
    # Spanish "a" is not an article in MLQA's es list (unlike the SQuAD script)
    es = metrics.mlqa_em_f1(squad(("q", ["Velkora"])), {"q": "a Velkora"}, "es")
    assert es["exact_match"] == 0.0 and es["f1"] == pytest.approx(100 * 2 / 3)
    # Vietnamese list
    assert metrics.mlqa_em_f1(squad(("q", ["nhà tolo"])), {"q": "những nhà tolo"}, "vi")["exact_match"] == 100.0
    # Hindi: no articles removed, but the danda is Unicode punctuation
    assert metrics.mlqa_em_f1(squad(("q", ["कमलो"])), {"q": "कमलो।"}, "hi")["exact_match"] == 100.0


def test_mlqa_arabic_removes_every_al():
    # the official pattern '\sال^|ال' replaces every "ال", the article and inside words alike
    assert metrics.mlqa_em_f1(squad(("q", ["كتابور"])), {"q": "الكتابور"}, "ar")["exact_match"] == 100.0
    assert metrics.mlqa_em_f1(squad(("q", ["كتابور"])), {"q": "كتابالور"}, "ar")["exact_match"] == 0.0
    assert metrics.normalize_mlqa_answer("كتابالور", "ar") == "كتاب ور"
    # Unicode punctuation (Arabic comma) is dropped, unlike the SQuAD script
    assert metrics.mlqa_em_f1(squad(("q", ["كتابور"])), {"q": "كتابور،"}, "ar")["exact_match"] == 100.0


def test_mlqa_chinese_mixed_segmentation():
    out = metrics.mlqa_em_f1(squad(("q", ["北京大学"])), {"q": "北京"}, "zh")
    # tokens 北 京 大 学 vs 北 京: P=1, R=1/2 -> F1 2/3
    assert out["exact_match"] == 0.0 and out["f1"] == pytest.approx(100 * 2 / 3)
    assert metrics.normalize_mlqa_answer("Abc北京。 def", "zh") == "abc 北 京 def"
    full = metrics.mlqa_em_f1(squad(("q", ["北京大学"])), {"q": "北京大学。"}, "zh")
    assert full == {"exact_match": 100.0, "f1": pytest.approx(100.0)}


def test_mlqa_missing_prediction_and_average():
    data = squad(("a", ["gato"]), ("b", ["perro"]))
    assert metrics.mlqa_em_f1(data, {"a": "Gato."}, "es") == {"exact_match": 50.0, "f1": 50.0}


def test_mlqa_rejects_unknown_language():
    with pytest.raises(ValueError):
        metrics.mlqa_em_f1(squad(("q", ["x"])), {"q": "x"}, "sw")
    with pytest.raises(ValueError):
        metrics.mlqa_em_f1(squad(("q", ["x"])), {"q": "x"}, None)


def test_mlqa_punctuation_set():
    punct = metrics.mlqa_punctuation()
    assert {"،", "。", "।", "«", "»", "$", "+"} <= punct  # Unicode P* plus ASCII string.punctuation
    assert "a" not in punct and "北" not in punct


def test_em_f1_mean():
    assert metrics.em_f1_mean({"exact_match": 40.0, "f1": 60.0}) == 50.0


# ----------------------------------------------------------------------------- BUCC
def test_bucc_f1_sets_of_pairs():
    gold = ["de-1\ten-1", "de-2\ten-2", "de-3\ten-3"]
    pred = ["de-1\ten-1", "de-2\ten-9", "de-1\ten-1"]  # duplicate collapses: 2 predicted, 1 correct
    out = metrics.bucc_f1(gold, pred)
    assert out["precision"] == pytest.approx(50.0)
    assert out["recall"] == pytest.approx(100 / 3)
    assert out["f1"] == pytest.approx(40.0)
    assert metrics.bucc_f1(gold, ["x\ty"]) == {"f1": 0.0, "precision": 0.0, "recall": 0.0}


# ----------------------------------------------------------------------------- Mewsli-X
def test_mewslix_mrr_at_20():
    gold = {"m1": ["Q1"], "m2": ["Q2 "], "m3": ["Q3"], "m4": ["Q4"]}
    preds = {
        "m1": ["Q1", "Q9"],
        "m2": ["Q8", "Q2"],
        "m3": [f"Q{100 + i}" for i in range(20)] + ["Q3"],
        "m5": ["Q5"],
    }  # m3's gold at rank 21, m4 unpredicted, m5 has no gold
    out = metrics.mewslix_map_at_k(gold, preds)
    assert list(out) == ["map@20"]
    assert out["map@20"] == pytest.approx(100 * (1 + 0.5 + 0 + 0) / 4)
    out25 = metrics.mewslix_map_at_k(gold, preds, k=25)
    assert out25 == {"map@25": pytest.approx(100 * (1 + 0.5 + 1 / 21) / 4)}
    assert metrics.mewslix_map_at_k({}, {}) == {"map@20": 0.0}


# ----------------------------------------------------------------------------- LAReQA
def test_lareqa_average_precision_at_k():
    # hits at ranks 1, 3, 6: (1/1 + 2/3 + 3/6) / min(3, 20)
    assert metrics.average_precision_at_k({0, 3, 5}, [3, 1, 0, 2, 4, 5], k=20) == pytest.approx((1 + 2 / 3 + 0.5) / 3)
    # cut at k=2: one hit, divisor min(3, 2) = 2
    assert metrics.average_precision_at_k({0, 3, 5}, [3, 1, 0, 2, 4, 5], k=2) == pytest.approx(0.5)
    # no cut-off: divisor = #targets
    assert metrics.average_precision_at_k([7], [1, 2, 7], k=None) == pytest.approx(1 / 3)
    # a repeated candidate is counted once but still takes its rank
    assert metrics.average_precision_at_k({"a", "b"}, ["a", "a", "b"], k=20) == pytest.approx((1 + 2 / 3) / 2)


def test_lareqa_map_is_micro_mean_over_questions():
    targets = [{0, 3, 5}, {7}]
    ranked = [[3, 1, 0, 2, 4, 5], [1, 2, 7, 0]]
    out = metrics.lareqa_map_at_k(targets, ranked)
    assert list(out) == ["map@20"]
    assert out["map@20"] == pytest.approx(100 * ((1 + 2 / 3 + 0.5) / 3 + 1 / 3) / 2)
    assert metrics.lareqa_map_at_k(targets, ranked, k=2)["map@2"] == pytest.approx(100 * (0.5 + 0) / 2)
    assert math.isclose(metrics.lareqa_map_at_k([{1}], [[1]])["map@20"], 100.0)
    with pytest.raises(ValueError):
        metrics.lareqa_map_at_k([{1}], [])


# ----------------------------------------------------------------------------- BUCC threshold (utils_retrieve.py)
def test_bucc_optimize_midpoint_after_best_cut():
    # scores 0.9 (gold) 0.8 (wrong) 0.7 (gold) 0.6 (wrong); gold has 3 pairs
    cands = {("de-1", "en-1"): 0.9, ("de-2", "en-9"): 0.8, ("de-3", "en-3"): 0.7, ("de-4", "en-8"): 0.6}
    gold = {"de-1\ten-1", "de-3\ten-3", "de-5\ten-5"}
    # F1 after each cut: 1/(1,3) -> .5, 1/(2,3) -> .4, 2/(3,3) -> .667 (best), 2/(4,3) -> .571
    th = metrics.bucc_optimize(cands, gold)
    assert th == pytest.approx((0.7 + 0.6) / 2)
    picked = metrics.bucc_extract(cands, th)
    assert sorted(picked) == ["de-1\ten-1", "de-2\ten-9", "de-3\ten-3"]
    assert metrics.bucc_f1(gold, picked)["f1"] == pytest.approx(100 * 2 / 3)


def test_bucc_optimize_edge_cases():
    # best cut at the last candidate: the official code would index past the end; every candidate is kept
    cands = {("ру-1", "en-1"): 2.0, ("ру-2", "en-2"): 1.5}
    th = metrics.bucc_optimize(cands, {"ру-1\ten-1", "ру-2\ten-2"})
    assert th == 1.5 and len(metrics.bucc_extract(cands, th)) == 2
    # no correct candidate: threshold stays 0
    assert metrics.bucc_optimize({("zh-1", "en-2"): 1.2}, {"zh-1\ten-1"}) == 0


def test_lareqa_repeated_target_counts_in_the_divisor():
    # utils_lareqa divides by len(targets) as given: a target listed twice counts twice
    assert metrics.average_precision_at_k(["a", "a"], ["a", "b"], k=20) == pytest.approx(0.5)


def test_bucc_optimize_repeated_gold_line_counts_in_recall():
    # utils_retrieve.bucc_optimize: ngold = len(gold) as given, so a gold list with a repeat has 3 gold pairs.
    # Sorted: s4 8.0 (gold), s3 7.0, s1 6.0, s0 2.0 (gold), s2 2.0.  With ngold 3: F1 after s4 = 2*1*(1/3)/(4/3)
    # = 0.5, after s0 = 2*(2/4)*(2/3)/(2/4+2/3) = 4/7 > 0.5, so the threshold is (2.0 + 2.0) / 2.  As a set
    # (ngold 2) the first cut already reaches 2/3 and 4 candidates later F1 is 2/3 again (not higher): 7.5.
    cands = {("s0", "t0"): 2.0, ("s1", "t1"): 6.0, ("s2", "t2"): 2.0, ("s3", "t3"): 7.0, ("s4", "t4"): 8.0}
    assert metrics.bucc_optimize(cands, ["s4\tt4", "s0\tt0", "s0\tt0"]) == 2.0
    assert metrics.bucc_optimize(cands, {"s4\tt4", "s0\tt0"}) == 7.5
