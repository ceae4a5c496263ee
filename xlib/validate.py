"""Does a setup reproduce the literature? A study's baseline scores beside published XLM-R Large numbers.

``python -m xlib validate PARAMS --tolerance POINTS`` reads ``runs/<study>/results.csv`` and compares
the ``baseline`` condition with every published number of an XLM-R Large baseline shipped in
``xlib/data/phang2020_published.csv`` (:func:`xlib.published.load_published`; each row with its
citation, only numbers that have a source; ``docs/sources.md``), or with another table in the same
columns (``--published FILE``). A published average (``language`` ``avg``) is compared with our
mean over the languages the source averaged: XTREME's language list for the real tasks
(:data:`XTREME_LANGUAGES`), else the task's registered languages; seeds are averaged first. Every
row whose difference exceeds the tolerance is flagged ``outside``; a row we have no score for is
``no score`` (a language of the average missing counts as no score: a mean over fewer languages is
another number).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

__all__ = ["XTREME_LANGUAGES", "BASELINE_SYSTEMS", "published_baselines", "compare", "format_comparison", "main"]

# the systems of the published table that are an XLM-R Large baseline (no intermediate task)
BASELINE_SYSTEMS = ("XLM-R", "XLM-R (jiant)")
# XTREME's language lists (google-research/xtreme evaluate.py XTREME_TASK2LANGS, commit 838c13b): the
# languages the XTREME leaderboard and the tables citing it average over
XTREME_LANGUAGES = {
    "pawsx": "de en es fr ja ko zh",
    "xnli": "ar bg de el en es fr hi ru sw th tr ur vi zh",
    "panx": "ar he vi id jv ms tl eu ml ta te af nl en de el bn hi mr ur fa fr it pt es bg ru ja ka ko th sw yo my "
    "zh kk tr et fi hu",
    "udpos": "af ar bg de el en es et eu fa fi fr he hi hu id it ja kk ko mr nl pt ru ta te th tl tr ur vi yo zh",
    "bucc2018": "de fr ru zh",
    "tatoeba": "ar he vi id jv tl eu ml ta te af nl de el bn hi mr ur fa fr it pt es bg ru ja ka ko th sw zh kk tr "
    "et fi hu",
    "xquad": "en es de el ru tr ar vi th zh hi",
    "mlqa": "en es de ar hi vi zh",
    "tydiqa": "en ar bn fi id ko ru sw te",
}
# a task with one split under two names: jiant scores Tatoeba's only split as "dev", the registry as "test"
SAME_SPLIT = {("tatoeba", "dev"): "test", ("tatoeba", "test"): "dev"}
COLUMNS = [
    "source",
    "system",
    "task",
    "split",
    "language",
    "metric",
    "published",
    "ours",
    "difference",
    "status",
    "citation",
]


def published_baselines(path: str | Path | None = None) -> pd.DataFrame:
    """Return the published XLM-R Large baseline rows (value on 0-100) of the shipped table, or of the CSV at ``path``."""
    from .published import load_published

    table = load_published() if path is None else _read_table(Path(path))
    return table[table["system"].isin(BASELINE_SYSTEMS)].reset_index(drop=True)


def _read_table(path: Path) -> pd.DataFrame:
    """Return a published table in the shipped file's columns (``scale`` 0-1 values converted to points)."""
    table = pd.read_csv(path, comment="#")
    needed = ["source", "system", "split", "task", "language", "metric", "value", "scale", "citation"]
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise ValueError(f"{path}: expected the columns {', '.join(needed)}; missing {', '.join(missing)}")
    bad = ~table["scale"].isin(["0-1", "0-100"])
    if bad.any():
        raise ValueError(
            f"{path}: row(s) {', '.join(str(i + 1) for i in table.index[bad])} have a scale other than 0-1 or 0-100"
        )
    table["value"] = table["value"].where(table["scale"] == "0-100", table["value"] * 100)
    return table


def _languages(task: str) -> list[str]:
    """Return the languages a published average of ``task`` is over."""
    if task in XTREME_LANGUAGES:
        return XTREME_LANGUAGES[task].split()
    from .tasks import get_task

    try:
        return list(get_task(task).languages)
    except ValueError:
        return []


def _ours(results: pd.DataFrame, task: str, split: str, language: str, metric: str) -> tuple[float | None, str]:
    """Return (our score, '' or why there is none) for one published row; seeds averaged first."""
    rows = results[(results["target"] == task) & (results["metric"] == metric)]
    split = split if (rows["split"] == split).any() else SAME_SPLIT.get((task, split), split)
    per_language = rows[rows["split"] == split].groupby("language")["value"].mean()
    if language != "avg":
        return (float(per_language[language]), "") if language in per_language else (None, f"no {split} {language}")
    wanted = _languages(task)
    missing = [lang for lang in wanted if lang not in per_language]
    if not wanted or missing:
        return None, f"no {split} score in {', '.join(missing[:5]) or 'any language'}" + (
            f" (+{len(missing) - 5})" if len(missing) > 5 else ""
        )
    return float(per_language[wanted].mean()), ""


def compare(results, published: pd.DataFrame, tolerance: float, condition: str = "baseline") -> pd.DataFrame:
    """Return one row per published number: ours beside it, the difference (points) and ``ok`` / ``outside`` / ``no score``."""
    from .analysis import _as_frame

    if tolerance < 0:
        raise ValueError(f"tolerance must be >= 0 points, got {tolerance}")
    results = _as_frame(results)
    results = results[(results["condition"] == condition) & results["value"].notna()]
    out = []
    for row in published.itertuples(index=False):
        ours, why = _ours(results, row.task, row.split, row.language, row.metric)
        difference = None if ours is None else ours - float(row.value)
        if ours is None:
            status = f"no score ({why})"
        else:
            status = "ok" if abs(difference) <= tolerance else "outside"
        out.append(
            {
                "source": row.source,
                "system": row.system,
                "task": row.task,
                "split": row.split,
                "language": row.language,
                "metric": row.metric,
                "published": float(row.value),
                "ours": ours,
                "difference": difference,
                "status": status,
                "citation": row.citation,
            }
        )
    return pd.DataFrame(out, columns=COLUMNS)


def format_comparison(table: pd.DataFrame, tolerance: float) -> str:
    """Return the comparison as text: one line per published number, then the tasks outside the tolerance."""
    lines = [
        f"{'task':<10} {'split':<5} {'lang':<5} {'metric':<12} {'published':>9} {'ours':>7} {'diff':>7}  status  source"
    ]
    for r in table.itertuples(index=False):
        ours = "-" if r.ours is None or pd.isna(r.ours) else f"{r.ours:.1f}"
        diff = "-" if r.difference is None or pd.isna(r.difference) else f"{r.difference:+.1f}"
        lines.append(
            f"{r.task:<10} {r.split:<5} {r.language:<5} {r.metric:<12} {r.published:>9.1f} {ours:>7} "
            f"{diff:>7}  {r.status}  {r.source}"
        )
    outside = sorted(set(table.loc[table["status"] == "outside", "task"]))
    unscored = sorted(set(table.loc[table["status"].str.startswith("no score"), "task"]))
    lines.append(
        f"tolerance {tolerance:g} points: {len(table)} published numbers, {int((table['status'] == 'ok').sum())} within"
    )
    lines.append("outside tolerance: " + (", ".join(outside) if outside else "none"))
    if unscored:
        lines.append("no score for: " + ", ".join(unscored))
    return "\n".join(lines)


def main(
    study,
    runs_dir: str | Path,
    tolerance: float,
    published: str | Path | None = None,
    condition: str = "baseline",
    out=None,
) -> int:
    """Print the comparison of ``study``'s (a :class:`xlib.studyconfig.Study`) baseline with the published
    numbers; return 1 if any number is outside the tolerance or unscored, else 0. The table is also
    written to ``runs/<study>/validation.csv``."""
    from .rundir import study_dir

    root = study_dir(study, runs_dir)
    if not (root / "results.csv").is_file():
        print(f"error: {root / 'results.csv'} does not exist: run or collect the study first", file=sys.stderr)
        return 2
    table = compare(root / "results.csv", published_baselines(published), tolerance, condition)
    table.to_csv(root / "validation.csv", index=False)
    print(format_comparison(table, tolerance), file=out or sys.stdout)
    return 0 if (table["status"] == "ok").all() else 1
