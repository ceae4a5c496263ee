"""Lines are lines: every reader in xlib/loaders splits files at \\n and \\r\\n only, never at U+2028 & co.

``str.splitlines`` also breaks at U+2028, U+2029, U+0085, \\x0b, \\x0c and \\x1c-\\x1e; each fixture
below (invented text, written by the test in the original format) has one of them inside a sentence
and must load with the right count and the character kept.
"""

import io
import tarfile

import pytest

from xlib.loaders.ccgbank import read_ccg_auto
from xlib.loaders.common import (
    DataFileError,
    read_conll,
    read_jsonl,
    read_squad_json,
    read_text_lines,
    read_tsv,
    split_lines,
)
from xlib.loaders.intermediate import read_cosmosqa, read_glue_mnli
from xlib.loaders.tagging import read_conllu_pos, read_panx
from xlib.tasks import get_task

LS = "\u2028"  # LINE SEPARATOR
NOT_LINE_ENDS = ["\u2028", "\u2029", "\u0085", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e"]


@pytest.mark.parametrize("char", NOT_LINE_ENDS, ids=[f"U+{ord(c):04X}" for c in NOT_LINE_ENDS])
def test_split_lines_breaks_at_newlines_only(char):
    text = f"vela{char}mora\r\ntiku\nsapo\n"
    assert split_lines(text) == [f"vela{char}mora", "tiku", "sapo"]
    assert split_lines("a\n\nb") == ["a", "", "b"] and split_lines("") == []


def test_text_lines_and_jsonl_keep_a_line_separator(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(f'{{"premise": "Vela{LS}mora tiku."}}\r\n{{"premise": "Sapo."}}\n', encoding="utf-8")
    assert len(read_text_lines(path)) == 2
    records = read_jsonl(path, required=("premise",))
    assert [r["premise"] for r in records] == [f"Vela{LS}mora tiku.", "Sapo."]


def test_squad_json_keeps_a_line_separator(tmp_path):
    path = tmp_path / "a.json"
    context = f"Vela mora{LS} tiku sapo."
    path.write_text(
        '{"data": [{"paragraphs": [{"context": "%s", "qas": [{"id": "q1", "question": "Vela?", '
        '"answers": [{"text": "tiku", "answer_start": 11}]}]}]}]}' % context,
        encoding="utf-8",
    )
    (example,) = read_squad_json(path)
    assert example["context"] == context and context[11:15] == "tiku"


def test_tatoeba_sides_align_with_a_line_separator_inside_a_sentence(tmp_path):
    folder = tmp_path / "tatoeba"
    folder.mkdir()
    (folder / "tatoeba.deu-eng.deu").write_text(f"Vela mora.{LS}Tiku sapo.\nMora vela.\nSapo tiku.\n", encoding="utf-8")
    (folder / "tatoeba.deu-eng.eng").write_text("The lamp is on. It is late.\nThe sea.\nThe bird.\n", encoding="utf-8")
    pairs = get_task("tatoeba").load("test", "de", data_dir=str(tmp_path))
    assert len(pairs) == 3 and pairs[0]["source"] == f"Vela mora.{LS}Tiku sapo."
    assert pairs[2]["target"] == "The bird."


def test_bucc_sentences_keep_a_line_separator(tmp_path):
    folder = tmp_path / "bucc2018" / "de-en"
    folder.mkdir(parents=True)
    (folder / "de-en.sample.de").write_text(f"de-1\tVela{LS}mora.\nde-2\tTiku.\n", encoding="utf-8")
    (folder / "de-en.sample.en").write_text("en-1\tThe lamp.\nen-2\tThe sea.\n", encoding="utf-8")
    (folder / "de-en.sample.gold").write_text("de-1\ten-1\n", encoding="utf-8")
    queries = get_task("bucc2018").load("dev", "de", data_dir=str(tmp_path))
    assert [q["query"] for q in queries] == [f"Vela{LS}mora.", "Tiku."] and queries[0]["targets"] == ["en-1"]


def test_tsv_rows_keep_a_line_separator(tmp_path):
    path = tmp_path / "train.tsv"
    path.write_text(
        "index\tsentence1\tsentence2\tgold_label\r\n"
        f"1\tVela mora{LS}tiku.\tSapo.\tneutral\r\n2\tMora.\tTiku{LS}vela.\tentailment\r\n",
        encoding="utf-8",
    )
    rows = read_tsv(path, columns=("sentence1", "sentence2"), header=True)
    assert len(rows) == 2 and rows[1]["sentence2"] == f"Tiku{LS}vela." and rows[1]["_line"] == 3
    assert [e["label"] for e in read_glue_mnli(path)] == [1, 0]


def test_tsv_with_a_lone_carriage_return_names_the_line(tmp_path):
    path = tmp_path / "a.tsv"
    path.write_text("a\tb\nvela\rmora\ttiku\n", encoding="utf-8", newline="")
    with pytest.raises(DataFileError, match=r"a\.tsv, line 2: expected one record per line"):
        read_tsv(path, columns=("a", "b"), header=True)


def test_csv_keeps_a_line_separator(tmp_path):
    path = tmp_path / "valid.csv"
    path.write_text(
        "id,context,question,answer0,answer1,answer2,answer3,label\n"
        f"c1,Vela mora{LS}tiku.,Why?,a,b,c,d,2\nc2,Sapo.,What?,a,b,c,d,0\n",
        encoding="utf-8",
    )
    examples = read_cosmosqa(path)
    assert [e["label"] for e in examples] == [2, 0] and examples[0]["context"] == f"Vela mora{LS}tiku."


def test_conllu_sentence_with_a_line_separator_in_a_form(tmp_path):
    path = tmp_path / "de_t-ud-test.conllu"
    rows = [
        f"1\tve{LS}la\tvela\tNOUN\t_\t_\t0\troot\t_\t_",
        "2\tmora\tmora\tVERB\t_\t_\t1\tdep\t_\t_",
        "",
        "# text = Tiku.",
        "1\ttiku\ttiku\tNOUN\t_\t_\t0\troot\t_\t_",
        "",
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    sentences = read_conllu_pos(path)
    assert len(sentences) == 2 and sentences[0]["tokens"] == [f"ve{LS}la", "mora"]
    assert sentences[0]["tags"] == ["NOUN", "VERB"]


def test_conll_and_panx_keep_a_line_separator(tmp_path):
    text = f"en:ve{LS}la\tB-PER\r\nen:mora\tO\r\n\r\nen:tiku\tB-LOC\r\n"
    path = tmp_path / "dev"
    path.write_text(text, encoding="utf-8", newline="")
    assert [s["tokens"] for s in read_conll(path, sep="\t", comment=None)] == [[f"en:ve{LS}la", "en:mora"], ["en:tiku"]]
    assert [s["tags"] for s in read_panx(path)] == [["B-PER", "O"], ["B-LOC"]]
    archive = tmp_path / "en.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        data = text.encode()
        info = tarfile.TarInfo("dev")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    (tmp_path / "panx").mkdir()
    archive.rename(tmp_path / "panx" / "en.tar.gz")
    sentences = get_task("panx").load("dev", "en", data_dir=str(tmp_path))
    assert len(sentences) == 2 and sentences[0]["tokens"] == [f"ve{LS}la", "mora"]


def test_ccg_auto_keeps_a_line_separator(tmp_path):
    path = tmp_path / "wsj_0001.auto"
    path.write_text(
        f"ID=wsj_0001.1 PARSER=GOLD NUMPARSE=1\n(<T S 0 2> (<L N NN NN vela N>){LS}(<L S\\N VB VB mora S\\N>) )\n",
        encoding="utf-8",
    )
    (derivation,) = read_ccg_auto(path)
    assert derivation["tokens"] == ["vela", "mora"]
