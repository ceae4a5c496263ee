"""CCGbank's AUTO derivations (the ``ccg`` intermediate task) read as supertag sequences.

CCGbank 1.1 (LDC2005T13) is licensed by the LDC and not on the Hugging Face hub: ``read_ccg_split``
reads every AUTO file of a split's WSJ sections (02-21 train, 00 dev, 23 test) under a local directory.
"""

from __future__ import annotations

import re
from pathlib import Path

from .common import DataFileError, DataUnavailableError, read_text_lines

# a leaf of a CCGbank AUTO derivation: (<L category modified_POS original_POS word predicate-argument-category>)
_LEAF = re.compile(r"\(<L (\S+) (\S+) (\S+) (\S+) (\S+)>\)")
CCG_SECTIONS = {"train": [f"{s:02d}" for s in range(2, 22)], "dev": ["00"], "test": ["23"]}


def read_ccg_auto(path) -> list[dict]:
    """Return one ``{"id", "tokens", "tags"}`` per derivation of a CCGbank AUTO file (``wsj_0001.auto``).

    AUTO files alternate an ``ID=wsj_0001.1 PARSER=GOLD NUMPARSE=1`` line with the derivation; the
    supertag of each word is the category of its leaf ``(<L cat pos pos word pred-arg-cat>)``.
    """
    out, current_id = [], None
    for number, line in enumerate(read_text_lines(path), start=1):
        if not line.strip():
            continue
        if line.startswith("ID="):
            current_id = line.split()[0][3:]
            continue
        if current_id is None:
            raise DataFileError(path, number, "an 'ID=...' line before each derivation", line[:60])
        leaves = _LEAF.findall(line)
        if not leaves:
            raise DataFileError(path, number, "a derivation with leaves (<L cat pos pos word cat>)", line[:60])
        out.append({"id": current_id, "tokens": [leaf[3] for leaf in leaves], "tags": [leaf[0] for leaf in leaves]})
        current_id = None
    if not out:
        raise DataFileError(path, None, "at least one derivation", "none")
    return out


def ccg_files(root: Path, split: str) -> list[Path]:
    """Return the AUTO files of ``split`` (sections 02-21 train, 00 dev, 23 test) under a CCGbank directory."""
    if split not in CCG_SECTIONS:
        raise ValueError(f"task 'ccg': unknown split {split!r}; expected one of {', '.join(CCG_SECTIONS)}")
    for auto in (root / "data" / "AUTO", root / "AUTO", root):
        if auto.is_dir() and any((auto / s).is_dir() for s in CCG_SECTIONS["train"] + ["00", "23"]):
            files = sorted(f for s in CCG_SECTIONS[split] for f in (auto / s).glob("*.auto"))
            if files:
                return files
            raise DataUnavailableError(
                f"task 'ccg': no *.auto files for the {split} split (sections "
                f"{', '.join(CCG_SECTIONS[split])}) under {auto}"
            )
    raise DataUnavailableError(
        f"task 'ccg': {root} is not a CCGbank directory; expected data/AUTO/<section>/wsj_*.auto files "
        "(CCGbank 1.1, LDC2005T13, licensed by the LDC: it is not on the Hugging Face hub)"
    )


def read_ccg_split(root, split: str) -> list[dict]:
    """Return the supertagged sentences of ``split`` read from every AUTO file of its sections under ``root``."""
    return [ex for f in ccg_files(Path(root), split) for ex in read_ccg_auto(f)]
