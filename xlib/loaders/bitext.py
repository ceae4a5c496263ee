"""Bitext retrieval tasks: Tatoeba (bitext pairs) and BUCC 2018 (bitext mining), from parallel sentences.

Schemas (``xlib.formats``: bitext, mining): Tatoeba examples are ``{"id", "source", "target"}`` pairs; BUCC
gives one example per source sentence, ``{"id", "query", "targets": [gold English ids], "pool": [{"id",
"text"}]}``, where every example of a split shares the same ``pool`` list.
"""

from __future__ import annotations

from pathlib import Path

from .common import DataFileError, DataUnavailableError, read_text_lines
from .hub import hub_split
from .sources import cap, locate, wants_local

# ------------------------------------------------------------------------------------------------ Tatoeba
TATOEBA_CODES = {
    "af": "afr",
    "ar": "ara",
    "bg": "bul",
    "bn": "ben",
    "de": "deu",
    "el": "ell",
    "es": "spa",
    "et": "est",
    "eu": "eus",
    "fa": "pes",
    "fi": "fin",
    "fr": "fra",
    "he": "heb",
    "hi": "hin",
    "hu": "hun",
    "id": "ind",
    "it": "ita",
    "ja": "jpn",
    "jv": "jav",
    "ka": "kat",
    "kk": "kaz",
    "ko": "kor",
    "ml": "mal",
    "mr": "mar",
    "nl": "nld",
    "pt": "por",
    "ru": "rus",
    "sw": "swh",
    "ta": "tam",
    "te": "tel",
    "th": "tha",
    "tl": "tgl",
    "tr": "tur",
    "ur": "urd",
    "vi": "vie",
    "zh": "cmn",
    "az": "aze",
    "lt": "lit",
    "pl": "pol",
    "uk": "ukr",
    "ro": "ron",
}
TATOEBA_NOT_ON_HUB = ("az", "lt", "pl", "uk", "ro")
TATOEBA_HINT = (
    "put LASER's data/tatoeba/v1 files tatoeba.<xxx>-eng.<xxx> and tatoeba.<xxx>-eng.eng "
    "(github.com/facebookresearch/LASER; ISO 639-3 codes, e.g. deu) under <data_dir>/tatoeba/"
)


def load_tatoeba(spec, split, language, data_dir=None, data_files=None, sizes=None, **_ignored) -> list[dict]:
    """Return the Tatoeba pairs of ``language`` (source) and English (target); line i translates line i."""
    if split not in ("dev", "test"):
        raise ValueError(f"task {spec.name!r} has only test pairs (no training data); got split {split!r}")
    code = TATOEBA_CODES.get(language)
    if code is None:
        raise ValueError(f"task {spec.name!r} has no language {language!r}; expected one of {', '.join(TATOEBA_CODES)}")
    local = wants_local(spec.name, data_dir, data_files)
    if local is None:
        if language in TATOEBA_NOT_ON_HUB:
            raise DataUnavailableError(
                f"task {spec.name!r}: {language} ({code}) is not in the hub copy google/xtreme; {TATOEBA_HINT}"
            )
        rows = hub_split("google/xtreme", f"tatoeba.{code}", "validation", spec.name, TATOEBA_HINT)
        out = [
            {"id": f"{language}-{i}", "source": r["source_sentence"], "target": r["target_sentence"]}
            for i, r in enumerate(rows)
        ]
        return cap(out, split, sizes)
    src = locate(
        spec.name,
        "source",
        local,
        data_files,
        [f"tatoeba.{code}-eng.{code}", f"v1/tatoeba.{code}-eng.{code}"],
        language,
    )
    eng = locate(
        spec.name, "english", local, data_files, [f"tatoeba.{code}-eng.eng", f"v1/tatoeba.{code}-eng.eng"], language
    )
    xs, ys = read_text_lines(src), read_text_lines(eng)
    while xs and not xs[-1].strip():
        xs.pop()
    while ys and not ys[-1].strip():
        ys.pop()
    if len(xs) != len(ys):
        raise DataFileError(
            eng, None, f"as many lines as {src} ({len(xs)}): line i translates line i", f"{len(ys)} lines"
        )
    out = [{"id": f"{language}-{i}", "source": x, "target": y} for i, (x, y) in enumerate(zip(xs, ys))]
    return cap(out, split, sizes)


# ------------------------------------------------------------------------------------------------ BUCC 2018
BUCC_HINT = (
    "unpack bucc2018-<lang>-en.sample-gold.tar.bz2 (XTREME's dev split) and "
    "bucc2018-<lang>-en.training-gold.tar.bz2 (XTREME's test split) from comparable.limsi.fr/bucc2018 "
    "under <data_dir>/bucc2018/ (<lang>-en/<lang>-en.{sample,training}.{<lang>,en,gold})"
)
# XTREME's split names for BUCC's archives (scripts/download_data.sh renames sample -> dev, training -> test):
# the file stems each split is read from, raw BUCC names first, then XTREME's renamed copies.
BUCC_FILES = {"dev": ("sample", "dev"), "test": ("training", "test")}


def _id_lines(path) -> list[tuple[str, str]]:
    out = []
    for number, line in enumerate(read_text_lines(path), start=1):
        if not line.strip():
            continue
        parts = line.split("\t", 1)
        if len(parts) != 2 or not parts[0].strip():
            raise DataFileError(path, number, "<sentence id><TAB><sentence>", repr(line[:60]))
        out.append((parts[0].strip(), parts[1].strip()))
    return out


def load_bucc(spec, split, language, data_dir=None, data_files=None, sizes=None, **_ignored) -> list[dict]:
    """Return BUCC 2018 ``language``-en as mining queries: each source sentence with its gold English ids.

    As XTREME (``scripts/download_data.sh``, the hub's ``google/xtreme``), ``dev`` is BUCC's ``sample``
    archive and ``test`` its ``training`` archive (:data:`BUCC_FILES`; both have public gold pairs, which
    XTREME's own copy of the test files drops). The hub copy (google/xtreme ``bucc18.<lang>``) holds
    only the gold pairs, so mining there has no distractor sentences: use the original files for the
    official setting.
    """
    if split not in ("dev", "test"):
        raise ValueError(f"task {spec.name!r} is not trained; expected split dev or test, got {split!r}")
    local = wants_local(spec.name, data_dir, data_files)
    if local is None:
        rows = hub_split(
            "google/xtreme", f"bucc18.{language}", {"dev": "validation", "test": "test"}[split], spec.name, BUCC_HINT
        )
        src = [(f"{language}-{i:06d}", r["source_sentence"]) for i, r in enumerate(rows)]
        trg = [(f"en-{i:06d}", r["target_sentence"]) for i, r in enumerate(rows)]
        gold = {s: [t] for (s, _), (t, _) in zip(src, trg)}
    else:
        names = BUCC_FILES[split]
        stem = lambda n: [f"{language}-en/{language}-en.{n}", f"{language}-en.{n}"]  # noqa: E731
        src_path = locate(
            spec.name, "source", local, data_files, [p + f".{language}" for n in names for p in stem(n)], language
        )
        base = str(src_path)[: -len(language)]
        trg_path, gold_path = Path(base + "en"), Path(base + "gold")
        for p in (trg_path, gold_path):
            if not p.is_file():
                raise DataUnavailableError(
                    f"task {spec.name!r}: {p} is missing next to {src_path} (split {split!r} "
                    f"needs the sentences of both sides and the gold pairs; XTREME's "
                    f"download_data.sh deletes the test gold); {BUCC_HINT}"
                )
        src, trg = _id_lines(src_path), _id_lines(trg_path)
        gold: dict[str, list[str]] = {}
        src_ids, trg_ids = {s for s, _ in src}, {t for t, _ in trg}
        for number, line in enumerate(read_text_lines(gold_path), start=1):
            if not line.strip():
                continue
            parts = line.strip().split("\t")
            if len(parts) != 2 or parts[0] not in src_ids or parts[1] not in trg_ids:
                raise DataFileError(
                    gold_path, number, f"<{language} id><TAB><en id> of sentences in the corpus", repr(line[:60])
                )
            gold.setdefault(parts[0], []).append(parts[1])
    pool = [{"id": t, "text": text} for t, text in trg]
    out = [{"id": s, "query": text, "targets": gold.get(s, []), "pool": pool} for s, text in src]
    return cap(out, split, sizes)
