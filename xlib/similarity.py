"""Similarity of each language to English (for MLEM-S and for ordering heatmap columns), and language families.

Real languages: ``sim[l] = 1 - d_syn(eng, l)``, where ``d_syn`` is the **cosine distance between the
URIEL syntax feature vectors** of the two languages, ``syntax_knn`` set (103 binary word-order and
morphosyntax features from WALS, SSWL and Ethnologue, with missing values predicted by URIEL's
k-nearest-neighbour imputation, so every language has a complete vector). The PyPI package
``lang2vec`` (1.1.2, the only release there) ships these feature vectors but no precomputed distance
matrix, so this is the "cosine distance of URIEL syntax feature vectors" variant of the
specification (docs/mlem.md). The distances of the 50 XTREME-R languages are precomputed by
:func:`build_uriel_table` into ``xlib/data/uriel_syntax.csv``, with each language's family and genus
from URIEL's ``fam`` features (Basque and Quechua have none there; they are marked so), so nothing
needs ``lang2vec`` at run time. URIEL/lang2vec data: Littell et al. (2017), "URIEL and lang2vec",
EACL; CC BY-SA 4.0.

Synthetic languages of the miniature: :func:`xlib.synth.languages.similarity_to_english`, known by
construction (a documented mean of six components).
"""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources
from pathlib import Path

DATA_FILE = "uriel_syntax.csv"
DISTANCE = "cosine distance of URIEL syntax_knn feature vectors (lang2vec 1.1.2)"
XTREME_R_LANGUAGES = tuple(
    "af ar az bg bn de el en es et eu fa fi fr gu he hi ht hu id it ja jv ka kk ko lt ml mr ms my nl pa pl "
    "pt qu ro ru sw ta te th tl tr uk ur vi wo yo zh".split()
)
_NO_URIEL_FAMILY = {"eu": "Basque (isolate)", "qu": "Quechuan"}  # URIEL's fam features list none for these


@lru_cache(maxsize=1)
def uriel_table() -> dict[str, dict]:
    """Return the shipped table: {language: {iso639_3, family, genus, syntax_distance, similarity}}."""
    text = resources.files("xlib").joinpath("data", DATA_FILE).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    table = {}
    for row in csv.DictReader(lines):
        table[row["language"]] = {
            "iso639_3": row["iso639_3"],
            "family": row["family"],
            "genus": row["genus"],
            "syntax_distance": float(row["syntax_distance"]),
            "similarity": float(row["similarity"]),
        }
    return table


def _synthetic(language: str) -> float | None:
    """Return the synthetic language's similarity to English, or None if ``language`` is not synthetic."""
    from .synth.languages import LANGUAGES, similarity_to_english as synthetic_similarity

    if language in LANGUAGES and language != "en":
        return float(synthetic_similarity(language))
    return None


def similarity_to_english(languages, missing: str = "raise") -> dict[str, float]:
    """Return {language: similarity to English in [0, 1]} (English itself is 1).

    Synthetic languages of the miniature use their construction, ISO 639-1 codes the URIEL table.
    ``missing="skip"`` leaves out languages known to neither; ``"raise"`` names them in a ValueError.
    """
    if missing not in ("raise", "skip"):
        raise ValueError(f"missing={missing!r}; expected 'raise' or 'skip'")
    table, out, unknown = uriel_table(), {}, []
    for language in dict.fromkeys(languages):
        synthetic = _synthetic(language)
        if language == "en":
            out[language] = 1.0
        elif synthetic is not None:
            out[language] = synthetic
        elif language in table:
            out[language] = table[language]["similarity"]
        else:
            unknown.append(language)
    if unknown and missing == "raise":
        raise ValueError(
            f"no similarity to English for language(s) {', '.join(map(str, unknown))}: not a synthetic "
            f"language and not in xlib/data/{DATA_FILE} (the 50 XTREME-R languages)"
        )
    return out


def family(language: str) -> str:
    """Return the language family (URIEL), ``synthetic`` for the miniature's languages, else ``unknown``."""
    if language in uriel_table():
        return uriel_table()[language]["family"]
    if _synthetic(language) is not None:
        return "synthetic"
    return "unknown"


def order_languages(languages, by: str = "similarity", source_language: str = "en") -> list:
    """Return ``languages`` ordered for a figure: English first, then by decreasing similarity or by family.

    ``by="family"`` groups languages by family (families in order of their most English-like member)
    and orders each group by decreasing similarity; languages without a similarity come last.
    """
    languages = list(dict.fromkeys(languages))
    sim = similarity_to_english(languages, missing="skip")
    first = [l for l in languages if l == source_language]
    rest = [l for l in languages if l != source_language]
    key_sim = {l: -sim.get(l, float("-inf")) for l in rest}
    if by == "similarity":
        return first + sorted(rest, key=lambda l: (key_sim[l], str(l)))
    if by != "family":
        raise ValueError(f"by={by!r}; expected 'similarity' or 'family'")
    best = {}
    for l in rest:
        best[family(l)] = min(best.get(family(l), float("inf")), key_sim[l])
    return first + sorted(rest, key=lambda l: (best[family(l)], family(l), key_sim[l], str(l)))


def build_uriel_table(out_path: str | Path | None = None, languages=XTREME_R_LANGUAGES) -> Path:
    """Write the URIEL syntax distance table (needs ``pip install lang2vec``) and return its path.

    Used once to make ``xlib/data/uriel_syntax.csv``; nothing else needs lang2vec.
    """
    import sys
    import types

    import numpy as np

    if "pkg_resources" not in sys.modules:  # lang2vec 1.1.2 imports pkg_resources, gone from new setuptools
        try:
            import pkg_resources  # noqa: F401
        except ImportError:
            import os

            shim = types.ModuleType("pkg_resources")
            shim.resource_filename = lambda name, path: os.path.join(os.path.dirname(sys.modules[name].__file__), path)
            sys.modules["pkg_resources"] = shim
    import lang2vec.lang2vec as l2v

    languages = list(languages)
    vectors = l2v.get_features(languages + ["en"], "syntax_knn")
    fam = l2v.get_features(languages, "fam", header=True)
    names = [str(n) for n in fam["CODE"]]
    data = np.load(Path(l2v.__file__).parent / "data" / "family_features.npz", allow_pickle=True)
    size = dict(zip((str(f).replace(" ", "_") for f in data["feats"]), data["data"][:, :, 0].clip(min=0).sum(axis=0)))
    eng = np.asarray(vectors["en"], dtype=float)
    rows = []
    for language in languages:
        v = np.asarray(vectors[language], dtype=float)
        distance = max(0.0, 1.0 - float(v @ eng / (np.linalg.norm(v) * np.linalg.norm(eng))))
        clades = sorted((n for n, x in zip(names, fam[language]) if x == 1.0), key=lambda n: -size[n])
        clades = [c[2:].replace("_", " ") for c in clades]
        family_name = clades[0] if clades else _NO_URIEL_FAMILY.get(language, "unknown")
        genus = clades[1] if len(clades) > 1 else family_name
        rows.append(
            [
                language,
                l2v.LETTER_CODES.get(language, language),
                family_name,
                genus,
                f"{distance:.6f}",
                f"{1.0 - distance:.6f}",
            ]
        )
    path = Path(out_path) if out_path else Path(__file__).parent / "data" / DATA_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(
            f"# similarity = 1 - d_syn(eng, l); d_syn = {DISTANCE}.\n"
            "# family, genus: the two largest URIEL 'fam' clades containing the language.\n"
            "# Source: URIEL via lang2vec (Littell et al. 2017, EACL), CC BY-SA 4.0. "
            "Made by xlib.similarity.build_uriel_table.\n"
        )
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["language", "iso639_3", "family", "genus", "syntax_distance", "similarity"])
        writer.writerows(rows)
    return path
