"""Why two studies' results differ: their scores side by side, and what each run recorded it depended on.

``python -m xlib diff A B`` (A, B: study directories such as ``runs/smoke``) compares ``results.csv``
row by row and every finished run's ``run.json`` (parameters and the ``environment`` that
:func:`xlib.provenance.run_environment` recorded), and names each recorded difference that can
move a score: the xlib commit or a dirty tree, a library version, the pretrained model's bytes,
the thread count, the device or the processor.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

KEY = ["condition", "target", "seed", "language", "split", "metric"]
# run parameters that name places, not settings: they differ between two copies of one study
PLACE_PARAMETERS = {"encoder", "out_dir"}
# environment fields that can change a score, with the words the report uses for them
FIELDS = {
    "code.commit": "xlib commit",
    "code.dirty": "uncommitted changes in the xlib checkout",
    "threads": "torch threads per run",
    "device": "device",
    "cpu": "processor",
}


def _flatten(record: dict, prefix: str = "") -> dict:
    out = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = value
    return out


def run_records(metas: dict[str, dict]) -> dict[str, dict]:
    """Return ``{run_id: record}``: of each run's ``run.json``, what its numbers depend on (``runs.json``)."""
    keep = (
        "phase",
        "condition",
        "target",
        "seed",
        "intermediate",
        "depends_on",
        "parameters",
        "resources",
        "environment",
    )
    return {rid: {k: meta.get(k) for k in keep} for rid, meta in sorted(metas.items())}


def read_runs(root: str | Path) -> dict[str, dict]:
    """Return ``{run_id: record}`` of a study: its finished run directories, else the ``runs.json`` collect wrote.

    ``runs.json`` beside a ``results.csv`` is enough, so a results table kept apart from its runs
    (the committed miniature's, for one) can be compared with a fresh study.
    """
    from .rundir import is_finished

    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: no such study directory (expected runs/<study>)")
    runs = {
        p.name: json.loads((p / "run.json").read_text())
        for p in sorted(root.iterdir())
        if p.is_dir() and is_finished(p)
    }
    if not runs and (root / "runs.json").exists():
        return json.loads((root / "runs.json").read_text())
    return runs


def compare_results(a: pd.DataFrame, b: pd.DataFrame) -> dict:
    """Return how two results tables differ: rows only in one, rows with another value, the largest gaps."""
    merged = a[KEY + ["value"]].merge(b[KEY + ["value"]], on=KEY, how="outer", suffixes=("_a", "_b"), indicator=True)
    both = merged[merged["_merge"] == "both"].copy()
    both["gap"] = (both["value_a"] - both["value_b"]).abs()
    differ = both[both["gap"] > 0].sort_values("gap", ascending=False, kind="stable")
    return {
        "rows_a": len(a),
        "rows_b": len(b),
        "only_a": int((merged["_merge"] == "left_only").sum()),
        "only_b": int((merged["_merge"] == "right_only").sum()),
        "shared": len(both),
        "different": len(differ),
        "max_gap": float(differ["gap"].max()) if len(differ) else 0.0,
        "largest": differ.head(5)[KEY + ["value_a", "value_b"]].to_dict("records"),
    }


def _values(flat: list[dict], field: str) -> list:
    found = {json.dumps(env.get(field), sort_keys=True) for env in flat}
    return [json.loads(v) for v in sorted(found)]


def compare_environments(runs_a: dict[str, dict], runs_b: dict[str, dict]) -> list[str]:
    """Return one sentence per recorded difference between two studies' runs that can move a score."""
    reasons = []
    for label, runs in (("A", runs_a), ("B", runs_b)):
        missing = sorted(rid for rid, r in runs.items() if not r.get("environment"))
        if missing:
            reasons.append(
                f"{len(missing)} run(s) of {label} recorded no environment (finished before xlib "
                f"recorded one), e.g. {missing[0]}: their code, libraries and model are unknown"
            )
    flat_a, flat_b = (
        [_flatten(r["environment"]) for r in runs.values() if r.get("environment")] for runs in (runs_a, runs_b)
    )
    libraries = sorted({k for env in (*flat_a, *flat_b) for k in env if k.startswith("libraries.")})
    for field, words in [*FIELDS.items(), *((k, k.split(".", 1)[1] + " version") for k in libraries)]:
        va, vb = _values(flat_a, field), _values(flat_b, field)
        if va and vb and va != vb:
            reasons.append(f"{words}: A {', '.join(map(str, va))}; B {', '.join(map(str, vb))}")
    shared = sorted(set(runs_a) & set(runs_b))
    recorded = [rid for rid in shared if _model(runs_a[rid]) and _model(runs_b[rid])]
    starts = [rid for rid in recorded if not runs_a[rid].get("depends_on")]  # runs that load the pretrained model
    models = [rid for rid in starts if _model(runs_a[rid]) != _model(runs_b[rid])]
    if models:
        reasons.append(
            f"the pretrained model's bytes differ ({len(models)} run(s) that start from it, e.g. "
            f"{models[0]}: A {_model(runs_a[models[0]])}, B {_model(runs_b[models[0]])}); every "
            "score after it can differ"
        )
    later = [rid for rid in recorded if runs_a[rid].get("depends_on") and _model(runs_a[rid]) != _model(runs_b[rid])]
    if later and not models:
        reasons.append(f"the phase-(ii) checkpoint that {len(later)} run(s) start from differs, e.g. {later[0]}")
    params = [rid for rid in shared if _settings(runs_a[rid]) != _settings(runs_b[rid])]
    if params:
        keys = sorted({k for rid in params for k in _changed(_settings(runs_a[rid]), _settings(runs_b[rid]))})
        reasons.append(f"the parameters of {len(params)} run(s) differ ({', '.join(keys)}), e.g. {params[0]}")
    only = sorted(set(runs_a) ^ set(runs_b))
    if only:
        reasons.append(f"{len(only)} run(s) finished in only one study, e.g. {only[0]}")
    return reasons


def _model(run: dict):
    return (run.get("environment") or {}).get("model_sha256")


def _settings(run: dict) -> dict:
    return {k: v for k, v in (run.get("parameters") or {}).items() if k not in PLACE_PARAMETERS}


def _changed(a: dict, b: dict) -> list[str]:
    return [k for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]


def compare_studies(root_a: str | Path, root_b: str | Path) -> dict:
    """Return ``{"results": compare_results(...) or None, "reasons": [...], "identical": bool}`` for two study dirs."""
    tables = []
    for root in (Path(root_a), Path(root_b)):
        path = root / "results.csv"
        tables.append(pd.read_csv(path) if path.exists() else None)
    results = compare_results(*tables) if all(t is not None for t in tables) else None
    reasons = compare_environments(read_runs(root_a), read_runs(root_b))
    identical = bool(results and not results["different"] and not results["only_a"] and not results["only_b"])
    return {"results": results, "reasons": reasons, "identical": identical, "a": str(root_a), "b": str(root_b)}


def format_comparison(report: dict) -> str:
    """Return the printable verdict of :func:`compare_studies`."""
    lines = [f"A: {report['a']}", f"B: {report['b']}"]
    res = report["results"]
    if res is None:
        lines.append("results: one of the studies has no results.csv (run `python -m xlib collect` first)")
    else:
        lines.append(
            f"results: {res['shared']} rows in both ({res['rows_a']} in A, {res['rows_b']} in B), "
            f"{res['different']} with another value (largest gap {res['max_gap']:.6g}), "
            f"{res['only_a']} only in A, {res['only_b']} only in B"
        )
        for row in res["largest"]:
            where = " ".join(str(row[k]) for k in KEY)
            lines.append(f"  {where}: A {row['value_a']:.6g}, B {row['value_b']:.6g}")
    if report["reasons"]:
        lines.append(
            "recorded differences that can explain it:"
            if not report["identical"]
            else "recorded differences (the results are identical all the same):"
        )
        lines += [f"  - {reason}" for reason in report["reasons"]]
    elif report["identical"]:
        lines.append("identical results; code, libraries, models, threads and device recorded the same")
    elif res is not None:
        lines.append(
            "no recorded difference explains it: same code, libraries, model bytes, threads and device. "
            "Runs are meant to be deterministic on one machine; please report this as a bug"
        )
    return "\n".join(lines)
