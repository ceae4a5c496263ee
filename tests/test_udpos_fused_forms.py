"""UD-POS read as XTREME preprocesses it: multi-word tokens fused onto their head word, then its `_` filter.

Every treebank here is invented text written to tmp_path; the language is the file name's prefix.
"""

import pytest

from xlib.loaders.tagging import read_conllu_pos
from xlib.tasks import get_task


def word(i, form, upos, head, deps="_"):
    """Return one CoNLL-U word line (LEMMA = FORM, DEPREL dep)."""
    return "\t".join([str(i), form, form.lower(), upos, "_", "_", str(head), "dep", deps, "_"])


def mwt(span, form):
    """Return one CoNLL-U multi-word token line ``a-b``."""
    return "\t".join([span, form] + ["_"] * 8)


def write(tmp_path, name, *sentences):
    """Write ``sentences`` (lists of lines) as a CoNLL-U file named ``name``; return its path."""
    path = tmp_path / name
    path.write_text(
        "".join("# sent_id = s%d\n" % n + "\n".join(lines) + "\n\n" for n, lines in enumerate(sentences, start=1)),
        encoding="utf-8",
    )
    return path


def pairs(example):
    return list(zip(example["tokens"], example["tags"]))


SPANISH_DEL = [
    word(1, "Salgo", "VERB", 0),
    mwt("2-3", "del"),
    word(2, "de", "ADP", 4),
    word(3, "el", "DET", 4),
    word(4, "parque", "NOUN", 1),
    word(5, ".", "PUNCT", 1),
]


def test_spanish_del_is_one_adp_token(tmp_path):
    got = read_conllu_pos(write(tmp_path, "es_toy-ud-test.conllu", SPANISH_DEL))
    assert pairs(got[0]) == [("Salgo", "VERB"), ("del", "ADP"), ("parque", "NOUN"), (".", "PUNCT")]


def test_german_zum_is_one_adp_token(tmp_path):
    lines = [
        word(1, "Ich", "PRON", 2),
        word(2, "gehe", "VERB", 0),
        mwt("3-4", "zum"),
        word(3, "zu", "ADP", 5),
        word(4, "dem", "DET", 5),
        word(5, "Bahnhof", "NOUN", 2),
        word(6, ".", "PUNCT", 2),
    ]
    got = read_conllu_pos(write(tmp_path, "de_toy-ud-test.conllu", lines))
    assert pairs(got[0]) == [("Ich", "PRON"), ("gehe", "VERB"), ("zum", "ADP"), ("Bahnhof", "NOUN"), (".", "PUNCT")]


def test_spanish_verb_with_clitics_keeps_the_verb_tag(tmp_path):
    lines = [
        mwt("1-3", "dámelo"),
        word(1, "da", "VERB", 0),
        word(2, "me", "PRON", 1),
        word(3, "lo", "PRON", 1),
        word(4, "ya", "ADV", 1),
        word(5, ".", "PUNCT", 1),
    ]
    got = read_conllu_pos(write(tmp_path, "es_toy-ud-test.conllu", lines))
    assert pairs(got[0]) == [("dámelo", "VERB"), ("ya", "ADV"), (".", "PUNCT")]


@pytest.mark.parametrize("lang, upos", [("es", "AUX"), ("fr", "AUX"), ("it", "AUX"), ("de", "PRON"), ("tr", "PRON")])
def test_tie_is_broken_by_the_file_languages_precedence_list(tmp_path, lang, upos):
    # an AUX and a PRON at the same depth: es/fr/it rank AUX first, the default list PRON
    lines = [word(1, "vaya", "VERB", 0), mwt("2-3", "hase"), word(2, "ha", "AUX", 1), word(3, "se", "PRON", 1)]
    got = read_conllu_pos(write(tmp_path, f"{lang}_toy-ud-test.conllu", lines))
    assert pairs(got[0]) == [("vaya", "VERB"), ("hase", upos)]


def test_secondary_deps_edges_change_the_depth_and_the_head(tmp_path):
    def sentence(deps):  # x (NOUN) and y (VERB) both depend on 1; a DEPS edge 4 -> y makes y deeper
        return [
            word(1, "Ana", "PROPN", 0),
            mwt("2-3", "xy"),
            word(2, "x", "NOUN", 1, "1:dep|4.1:nsubj"),
            word(3, "y", "VERB", 1, deps),
            word(4, "z", "ADJ", 1),
        ]

    plain = read_conllu_pos(write(tmp_path, "en_a-ud-test.conllu", sentence("1:dep")))
    secondary = read_conllu_pos(write(tmp_path, "en_b-ud-test.conllu", sentence("1:dep|4:conj")))
    assert pairs(plain[0])[1] == ("xy", "VERB")  # tie: VERB ranks before NOUN
    assert pairs(secondary[0])[1] == ("xy", "NOUN")  # y has 3 ancestors (1, 4, 0), x keeps 2 (4.1 is ignored)


def test_a_cycle_terminates_and_a_word_is_not_its_own_ancestor(tmp_path):
    # 1 <-> 3 is a cycle: 3's only ancestor is 1, as 2's is the root 0, so the tie goes to VERB
    lines = [word(1, "a", "X", 3), mwt("2-3", "bc"), word(2, "b", "NOUN", 0), word(3, "c", "VERB", 1)]
    got = read_conllu_pos(write(tmp_path, "en_toy-ud-test.conllu", lines))
    assert pairs(got[0]) == [("a", "X"), ("bc", "VERB")]


def test_tied_upos_missing_from_the_list_ranks_last(tmp_path):
    # es lists neither NOUN nor ADJ: the first tied word wins; a listed DET beats an unlisted NOUN
    none_listed = [word(1, "sol", "VERB", 0), mwt("2-3", "ab"), word(2, "a", "NOUN", 1), word(3, "b", "ADJ", 1)]
    one_listed = [word(1, "sol", "VERB", 0), mwt("2-3", "cd"), word(2, "c", "NOUN", 1), word(3, "d", "DET", 1)]
    got = read_conllu_pos(write(tmp_path, "es_toy-ud-test.conllu", none_listed, one_listed))
    assert pairs(got[0])[1] == ("ab", "NOUN")
    assert pairs(got[1])[1] == ("cd", "DET")


@pytest.mark.parametrize("ud_tokens", ["fused", "syntactic"])
def test_underscore_filter_boundary(tmp_path, ud_tokens):
    def sentence(*forms):
        return [word(i, form, "NOUN", i - 1) for i, form in enumerate(forms, start=1)]

    path = write(
        tmp_path,
        "en_toy-ud-test.conllu",
        sentence("_", "_", "vela"),  # 2 of 3 are _: dropped
        sentence("_", "mora", "vela"),  # 1 of 3: kept
        sentence("_"),  # dropped
        sentence("tiku"),  # kept
        sentence("_", "sapo"),
    )  # all but one: dropped
    got = read_conllu_pos(path, ud_tokens=ud_tokens)
    assert [e["tokens"] for e in got] == [["_", "mora", "vela"], ["tiku"]]


def test_syntactic_option_keeps_the_syntactic_words(tmp_path):
    (tmp_path / "udpos").mkdir()
    write(tmp_path / "udpos", "es_toy-ud-test.conllu", SPANISH_DEL)
    got = get_task("udpos").load("test", "es", data_dir=str(tmp_path), ud_tokens="syntactic")
    assert pairs(got[0]) == [("Salgo", "VERB"), ("de", "ADP"), ("el", "DET"), ("parque", "NOUN"), (".", "PUNCT")]
    fused = get_task("udpos").load("test", "es", data_dir=str(tmp_path))
    assert fused[0]["tokens"] == ["Salgo", "del", "parque", "."]


def test_unknown_ud_tokens_value_is_an_error(tmp_path):
    (tmp_path / "udpos").mkdir()
    write(tmp_path / "udpos", "es_toy-ud-test.conllu", SPANISH_DEL)
    with pytest.raises(ValueError) as err:
        get_task("udpos").load("test", "es", data_dir=str(tmp_path), ud_tokens="words")
    for fragment in ("'udpos'", "ud_tokens", "fused", "syntactic", "'words'"):
        assert fragment in str(err.value)


def test_empty_nodes_are_skipped_and_tokens_cleaned(tmp_path):
    lines = [
        word(1, "Ana", "PROPN", 2),
        word(2, "ve", "VERB", 0),
        "\t".join(["2.1", "ve", "ver", "VERB"] + ["_"] * 6),
        word(3, "mo\u200cra", "NOUN", 2, "2:obj|2.1:obj"),
        word(4, " 10 000 ", "NUM", 3),
    ]
    got = read_conllu_pos(write(tmp_path, "en_toy-ud-test.conllu", lines))
    assert pairs(got[0]) == [("Ana", "PROPN"), ("ve", "VERB"), ("mora", "NOUN"), ("10000", "NUM")]
