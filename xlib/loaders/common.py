"""Readers shared by every task loader: JSON, JSON lines, TSV, CoNLL and SQuAD JSON (the hub wrapper: ``hub``).

Each reader checks what it reads and raises ``DataFileError`` naming the file, the line or record,
and what was expected, so a truncated download or a file of the wrong task is caught at load time.
``DataUnavailableError`` is raised where a task's data is neither on disk nor on the hub (``hub.hub_split``).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Iterable, Iterator, Sequence

__all__ = [
    "DataFileError",
    "DataUnavailableError",
    "split_lines",
    "read_text_lines",
    "read_jsonl",
    "read_json",
    "read_tsv",
    "read_conll",
    "read_squad_json",
    "csv_rows",
    "squad_examples",
    "check_label",
]


class DataFileError(ValueError):
    """A data file that cannot be read as expected; the message names the file, the line/record and the expectation."""

    def __init__(self, path, where: str | int | None, expected: str, got: str | None = None):
        self.path, self.where, self.expected = str(path), where, expected
        loc = (
            f"{path}"
            if where in (None, "")
            else (f"{path}, line {where}" if isinstance(where, int) else f"{path}, {where}")
        )
        msg = f"{loc}: expected {expected}"
        if got is not None:
            msg += f"; got {got}"
        super().__init__(msg)

    def __reduce__(self):
        return (_restore_error, (type(self), self.args, dict(self.__dict__)))


def _restore_error(cls, args, state):
    """Rebuild a pickled DataFileError (it crosses process boundaries in parallel study runs)."""
    err = cls.__new__(cls)
    Exception.__init__(err, *args)
    err.__dict__.update(state)
    return err


class DataUnavailableError(FileNotFoundError):
    """A task's data is neither on disk nor reachable on the hub; the message says what to download and where."""


def _short(value, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _open_text(path: str | Path):
    """Return a text handle on ``path`` (``.gz`` transparently), failing with a DataFileError when absent."""
    path = Path(path)
    if not path.exists():
        raise DataFileError(path, None, "an existing file", "no such file")
    if path.is_dir():
        raise DataFileError(path, None, "a file", "a directory")
    if path.suffix == ".gz":
        import gzip

        return gzip.open(path, "rt", encoding="utf-8", newline="")
    return open(path, encoding="utf-8", newline="")


def split_lines(text: str) -> list[str]:
    """Return the lines of ``text`` split at ``\n`` and ``\r\n`` only, without their endings.

    ``str.splitlines`` also breaks at U+2028, U+2029, U+0085, ``\x0b``, ``\x0c`` and ``\x1c``-``\x1e``,
    which occur inside sentences of real corpora (Tatoeba, Wikipedia); every data file format read
    here (one record per line, TSV, CoNLL) ends its lines with ``\n`` (or ``\r\n``) only.
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def read_text_lines(path: str | Path, allow_empty: bool = False) -> list[str]:
    """Return the lines of the UTF-8 text file at ``path`` without their line endings (BOM dropped)."""
    try:
        with _open_text(path) as handle:
            lines = split_lines(handle.read())
    except UnicodeDecodeError as exc:
        raise _utf8_error(path, exc) from None
    if lines and lines[0].startswith("\ufeff"):
        lines[0] = lines[0][1:]
    if not allow_empty and not any(line.strip() for line in lines):
        raise DataFileError(path, None, "at least one non-empty line", "an empty file")
    return lines


def _utf8_error(path, exc: UnicodeDecodeError) -> DataFileError:
    """Return a DataFileError that locates the byte ``exc`` failed on (line number counted in the raw bytes)."""
    raw = Path(path).read_bytes() if not str(path).endswith(".gz") else b""
    line = raw[: exc.start].count(b"\n") + 1 if raw else None
    return DataFileError(path, line, "UTF-8 text", f"undecodable byte {exc.object[exc.start : exc.start + 1]!r}")


def read_jsonl(path: str | Path, required: Sequence[str] = ()) -> list[dict]:
    """Return one dict per non-blank line of the JSON-lines file at ``path`` (each must hold ``required`` keys)."""
    out = []
    for number, line in enumerate(read_text_lines(path), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataFileError(path, number, "one JSON object per line", f"invalid JSON ({exc.msg})") from None
        if not isinstance(record, dict):
            raise DataFileError(path, number, "a JSON object", type(record).__name__)
        missing = [k for k in required if k not in record]
        if missing:
            raise DataFileError(path, number, f"keys {', '.join(required)}", f"a record without {', '.join(missing)}")
        out.append(record)
    return out


def read_json(path: str | Path):
    """Return the parsed content of the JSON file at ``path``."""
    text = "\n".join(read_text_lines(path))
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataFileError(path, exc.lineno, "a complete JSON document", f"invalid JSON ({exc.msg})") from None


def read_tsv(
    path: str | Path,
    columns: Sequence[str] | None = None,
    header: bool = False,
    min_fields: int | None = None,
    quoting: bool = False,
) -> list[dict]:
    """Return the rows of a tab-separated file as dicts keyed by column name (with ``_line``, the line number).

    ``header=True``: the first line names the columns and ``columns`` (if given) must all be among
    them; ``header=False``: ``columns`` names the fields by position, and each row must have at least
    ``min_fields`` (default: ``len(columns)``) fields. ``quoting=False`` reads quotes literally (as
    the GLUE/XNLI releases need).
    """
    lines = read_text_lines(path)
    reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_MINIMAL if quoting else csv.QUOTE_NONE)
    rows: list[dict] = []
    names: list[str] | None = list(columns) if columns is not None else None
    first = True
    for number, fields in enumerate(csv_rows(reader, path), start=1):
        if not fields or (len(fields) == 1 and not fields[0].strip()):
            continue
        if header and first:
            first = False
            found = [f.strip() for f in fields]
            missing = [c for c in (columns or ()) if c not in found]
            if missing:
                raise DataFileError(
                    path,
                    number,
                    f"a header with the columns {', '.join(columns)}",
                    f"header {_short(found)} (missing {', '.join(missing)})",
                )
            names = found
            continue
        first = False
        if names is None:
            names = [str(i) for i in range(len(fields))]
        need = len(names) if min_fields is None else int(min_fields)
        if len(fields) < need:
            raise DataFileError(
                path,
                number,
                f"{need} tab-separated fields ({', '.join(names[:need])})",
                f"{len(fields)} field(s): {_short(fields)}",
            )
        row = {name: fields[i] if i < len(fields) else "" for i, name in enumerate(names)}
        row["_line"] = number
        rows.append(row)
    if not rows:
        raise DataFileError(path, None, "at least one data row", "a header only" if header else "no rows")
    return rows


def csv_rows(reader, path) -> Iterator[list[str]]:
    """Yield the rows of a ``csv.reader``, turning its errors (a lone ``\\r`` in a field, ...) into DataFileErrors."""
    try:
        yield from reader
    except csv.Error as exc:
        raise DataFileError(
            path, reader.line_num, "one record per line (lines end with \\n or \\r\\n)", str(exc)
        ) from None


def read_conll(
    path: str | Path,
    token_col: int = 0,
    tag_col: int = -1,
    sep: str | None = "\t",
    comment: str | None = "#",
    skip_token_ids: bool = False,
    lines: Sequence[str] | None = None,
) -> list[dict]:
    """Return one ``{"id", "tokens", "tags", "line"}`` per blank-line-separated sentence of a CoNLL-style file.

    ``token_col``/``tag_col`` pick the columns (``sep=None`` splits on any whitespace); lines
    starting with ``comment`` are skipped. ``skip_token_ids=True`` reads CoNLL-U: multi-word token
    ranges (``1-2``) and empty nodes (``1.1``) are skipped so only syntactic words remain.
    ``lines`` (already read, e.g. from an archive member) replaces reading ``path``, which then only names it.
    """
    sentences: list[dict] = []
    tokens: list[str] = []
    tags: list[str] = []
    start = 0

    def _close():
        if tokens:
            sentences.append(
                {"id": f"{Path(path).name}:{start}", "tokens": list(tokens), "tags": list(tags), "line": start}
            )
        tokens.clear()
        tags.clear()

    for number, line in enumerate(read_text_lines(path) if lines is None else lines, start=1):
        if not line.strip():
            _close()
            continue
        if comment and line.startswith(comment) and not tokens:
            continue
        fields = line.split(sep) if sep else line.split()
        if skip_token_ids:
            if len(fields) < 10:
                raise DataFileError(path, number, "10 tab-separated CoNLL-U fields", f"{len(fields)} field(s)")
            if "-" in fields[0] or "." in fields[0]:
                continue
        width = max(token_col, tag_col) + 1 if tag_col >= 0 else max(token_col + 1, -tag_col)
        if len(fields) < max(2, width):
            raise DataFileError(
                path,
                number,
                "a token and its tag separated by " + ("a tab" if sep == "\t" else repr(sep) if sep else "whitespace"),
                _short(line),
            )
        if not tokens:
            start = number
        tokens.append(fields[token_col])
        tags.append(fields[tag_col].strip())
    _close()
    if not sentences:
        raise DataFileError(path, None, "at least one sentence (token<TAB>tag lines)", "none")
    return sentences


def squad_examples(data, path: str | Path = "<json>") -> list[dict]:
    """Return canonical QA examples from a parsed SQuAD v1.1 document (``{"data": [articles]}`` or the list)."""
    articles = data.get("data") if isinstance(data, dict) else data
    if not isinstance(articles, list):
        raise DataFileError(
            path,
            "top level",
            'a SQuAD v1.1 object {"data": [articles]}',
            f"{type(data).__name__} without a 'data' list",
        )
    out = []
    for a, article in enumerate(articles):
        paragraphs = article.get("paragraphs") if isinstance(article, dict) else None
        if not isinstance(paragraphs, list):
            raise DataFileError(path, f"record data[{a}]", "an article with a 'paragraphs' list", _short(article))
        for p, paragraph in enumerate(paragraphs):
            where = f"record data[{a}].paragraphs[{p}]"
            if (
                not isinstance(paragraph, dict)
                or not isinstance(paragraph.get("context"), str)
                or not isinstance(paragraph.get("qas"), list)
            ):
                raise DataFileError(
                    path, where, "a paragraph with a 'context' string and a 'qas' list", _short(paragraph)
                )
            context = paragraph["context"]
            for q, qa in enumerate(paragraph["qas"]):
                qwhere = f"{where}.qas[{q}]"
                if not isinstance(qa, dict) or "question" not in qa or not isinstance(qa.get("answers"), list):
                    raise DataFileError(
                        path, qwhere, "a question with 'id', 'question' and an 'answers' list", _short(qa)
                    )
                texts, starts = [], []
                for n, ans in enumerate(qa["answers"]):
                    if (
                        not isinstance(ans, dict)
                        or not isinstance(ans.get("text"), str)
                        or not isinstance(ans.get("answer_start"), int)
                    ):
                        raise DataFileError(
                            path,
                            f"{qwhere}.answers[{n}]",
                            "an answer with 'text' (string) and 'answer_start' (integer)",
                            _short(ans),
                        )
                    if not 0 <= ans["answer_start"] <= len(context):
                        raise DataFileError(
                            path,
                            f"{qwhere}.answers[{n}]",
                            f"answer_start within the context (0..{len(context)})",
                            str(ans["answer_start"]),
                        )
                    texts.append(ans["text"])
                    starts.append(ans["answer_start"])
                out.append(
                    {
                        "id": str(qa.get("id", f"{a}-{p}-{q}")),
                        "context": context,
                        "question": str(qa["question"]),
                        "answers": {"text": texts, "answer_start": starts},
                    }
                )
    if not out:
        raise DataFileError(path, None, "at least one question", "no questions")
    return out


def read_squad_json(path: str | Path) -> list[dict]:
    """Return the canonical QA examples of a SQuAD v1.1-format JSON file (data / paragraphs / qas)."""
    return squad_examples(read_json(path), path)


def check_label(value, allowed: Iterable, path, where, what: str = "label"):
    """Return ``value`` if it is one of ``allowed``, else raise a DataFileError listing the allowed values."""
    allowed = list(allowed)
    if value not in allowed:
        raise DataFileError(path, where, f"a {what} among {', '.join(map(str, allowed))}", _short(value))
    return value
