"""Export one condition's kept predictions in the XTREME-R submission layout that google-research/xtreme's
``evaluate.py`` reads: ``DIR/predictions/<task>/test-<lang>.<ext>`` (and, with labels, ``DIR/labels/...``).

File formats, as evaluate.py's readers (``READER_FUNCTION``) and suffixes (``get_suffix``) expect them:

| task (format) | file | content |
|---|---|---|
| xnli, pawsx (classification) | ``.tsv`` | one label per line (XNLI: ``entailment``/``neutral``/``contradiction``; PAWS-X: ``0``/``1``) |
| udpos, panx (tagging) | ``.tsv`` | one tag per line, a blank line after every sentence (``read_tag``) |
| tatoeba (bitext retrieval) | ``.tsv`` | per query, the index of the retrieved sentence (gold: the query's own index) |
| bucc2018 (mining) | ``.tsv`` | one ``source id<TAB>target id`` pair per line (the pairs at the F1-optimal threshold) |
| xquad, mlqa, tydiqa (QA) | ``.json`` | predictions ``{question id: answer text}``; labels a SQuAD ``{"data": [...]}`` file |
| mewslix (ranking) | ``.json`` | ``{example id: [entity ids, best first]}``; labels ``{example id: [gold id]}`` |
| xcopa (multiple choice) | ``.jsonl`` | one ``{"id": ..., "label": choice index}`` per line (``read_xcopa`` reads ``label``) |

LAReQA is not written: evaluate.py has no reader for it (``XTREME_R_TASK2LANGS['lareqa']`` is empty).
The miniature's ``mini-*`` targets are written under their own names with the rules of their format.
Labels files carry what the scorer reads (QA: answer texts without contexts or offsets).

Everything is written into a temporary directory beside ``DIR`` and renamed to ``DIR`` once complete:
a missing run, task or language raises an error naming it and leaves nothing behind.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from . import predictions
from .studyconfig import Study

# google-research/xtreme evaluate.py XTREME_R_TASK2LANGS (lareqa: no languages, no reader)
OFFICIAL_LANGUAGES = {
    "xnli": "ar bg de el en es fr hi ru sw th tr ur vi zh",
    "panx": "ar he vi id jv ms tl eu ml ta te af nl en de el bn hi mr ur fa fr it pt es bg ru ja ka ko th sw yo my "
    "zh kk tr et fi hu qu pl uk az lt pa gu ro",
    "udpos": "af ar bg de el en es et eu fa fi fr he hi hu id it ja kk ko mr nl pt ru ta te th tl tr ur vi yo zh "
    "lt pl uk wo ro",
    "tatoeba": "ar he vi id jv tl eu ml ta te af nl de el bn hi mr ur fa fr it pt es bg ru ja ka ko th sw zh kk tr "
    "et fi hu az lt pl uk ro",
    "xcopa": "et ht id it qu sw ta th tr vi zh",
    "mewslix": "ar de en es fa ja pl ro ta tr uk",
    "xquad": "en es de el ru tr ar vi th zh hi ro",
    "mlqa": "en es de ar hi vi zh",
    "tydiqa": "en ar bn fi id ko ru sw te",
}
NOT_SCORED = ("lareqa",)


class ExportError(ValueError):
    """A study whose runs cannot be exported: the message names the run, task, language or file."""


def file_kind(spec) -> str:
    """Return how ``spec``'s predictions are written: label, tags, index, pairs, answers, ranking or choice."""
    if spec.format == "classification":
        return "label"
    if spec.format == "tagging":
        return "tags"
    if spec.format == "qa":
        return "answers"
    if spec.format == "multiple_choice":
        return "choice"
    return {"mining": "pairs", "ranking": "ranking", "bitext": "index"}[spec.format]


SUFFIX = {
    "label": "tsv",
    "tags": "tsv",
    "index": "tsv",
    "pairs": "tsv",
    "answers": "json",
    "ranking": "json",
    "choice": "jsonl",
}


def _label(spec, value) -> str:
    """Return a classification label as the official files write it (PAWS-X: its index, else the name)."""
    if spec.name == "pawsx":
        return str(spec.labels.index(value))
    return str(value)


def _texts(spec, frame: pd.DataFrame, side: str) -> str:
    """Return the text of one prediction (``side="prediction"``) or label (``"gold"``) file of one language."""
    kind = file_kind(spec)
    if kind == "label":
        return "".join(_label(spec, v) + "\n" for v in frame[side])
    if kind == "tags":
        return "".join("".join(f"{t}\n" for t in tags) + "\n" for tags in frame[side])
    if kind == "index":
        return "".join(f"{int(v)}\n" for v in frame[side])
    if kind == "pairs":
        if side == "prediction":
            kept = frame[frame["n_pred"] == 1]
            return "".join(f"{i}\t{t}\n" for i, t in zip(kept["id"], kept["prediction"]))
        return "".join(f"{i}\t{t}\n" for i, targets in zip(frame["id"], frame["gold"]) for t in sorted(set(targets)))
    if kind == "choice":
        return "".join(json.dumps({"id": i, "label": int(v)}) + "\n" for i, v in zip(frame["id"], frame[side]))
    if kind == "answers":
        if side == "prediction":
            return json.dumps(dict(zip(frame["id"], frame["prediction"])), ensure_ascii=False, indent=1)
        qas = [{"id": i, "answers": [{"text": t} for t in gold]} for i, gold in zip(frame["id"], frame["gold"])]
        return json.dumps({"data": [{"paragraphs": [{"qas": qas}]}]}, ensure_ascii=False, indent=1)
    values = frame[side].map(lambda ids: [str(x) for x in ids])
    return json.dumps(dict(zip(frame["id"], values)), ensure_ascii=False, indent=1)


def _run(root: Path, study: str, condition: str, target: str, seed: int) -> pd.DataFrame:
    """Return the prediction records of one run, checking it is finished and is the run it should be."""
    from .planning import target_id
    from .rundir import is_finished

    run_id = target_id(condition, target, seed)
    run_dir = root / run_id
    if not run_dir.is_dir():
        raise ExportError(
            f"missing run {run_id!r} (task {target!r}, condition {condition!r}, seed {seed}): no directory {run_dir}"
        )
    if not is_finished(run_dir):
        missing = [f for f in ("metrics.json", "run.json") if not (run_dir / f).exists()]
        raise ExportError(f"run {run_id!r} is not finished: {run_dir} lacks {', '.join(missing)}")
    try:
        meta = json.loads((run_dir / "run.json").read_text())
    except (OSError, ValueError) as exc:
        raise ExportError(f"run {run_id!r}: {run_dir / 'run.json'} is not readable JSON ({exc})") from exc
    found = {
        "study": (meta.get("parameters") or {}).get("study"),
        "condition": meta.get("condition"),
        "target": meta.get("target"),
        "seed": meta.get("seed"),
    }
    wanted = {"study": study, "condition": condition, "target": target, "seed": seed}
    wrong = [f"{k} {found[k]!r} (expected {wanted[k]!r})" for k in wanted if found[k] != wanted[k]]
    if wrong:
        raise ExportError(
            f"run {run_id!r}: {run_dir / 'run.json'} belongs to another run: {', '.join(wrong)}; "
            f"is this runs directory mixed from several studies?"
        )
    try:
        return predictions.read(run_dir)
    except (FileNotFoundError, ValueError) as exc:
        raise ExportError(str(exc)) from exc


def _languages(study: Study, target: str, strict: bool) -> list[str]:
    """Return the languages ``target`` must be exported in: the official list (strict), else what the study ran."""
    from .tasks import get_task

    if strict:
        return OFFICIAL_LANGUAGES[target].split()
    return list(study.languages.get(target) or get_task(target).languages)


def export(
    params: Study | dict,
    condition: str,
    out_dir,
    runs_root="runs",
    seed: int | None = None,
    labels: bool = False,
    strict: bool = False,
    log=print,
) -> Path:
    """Write ``condition``'s predictions (and with ``labels`` the gold files) under ``out_dir``; return ``out_dir``.

    ``seed`` defaults to the study's only seed (an error asks for it when there are several).
    ``strict`` requires every official language of every XTREME-R task evaluate.py scores. ``params`` is the
    :class:`xlib.studyconfig.Study` (or the checked mapping of :func:`xlib.params.load_params`).
    """
    from .rundir import study_dir
    from .tasks import get_task

    study = Study.of(params)
    out_dir = Path(out_dir)
    if out_dir.exists():
        raise ExportError(f"{out_dir} exists; export writes a new directory (remove it or choose another)")
    if condition not in study.conditions:
        raise ExportError(
            f"condition {condition!r} is not in study {study.study!r}; conditions: {', '.join(study.conditions)}"
        )
    seeds = list(study.seeds)
    if seed is None:
        if len(seeds) != 1:
            raise ExportError(f"study {study.study!r} has seeds {', '.join(map(str, seeds))}; pass --seed N")
        seed = seeds[0]
    elif seed not in seeds:
        raise ExportError(f"seed {seed} is not in study {study.study!r} (seeds: {', '.join(map(str, seeds))})")
    targets = list(study.targets)
    if strict:
        missing = [t for t in OFFICIAL_LANGUAGES if t not in targets]
        if missing:
            raise ExportError(
                f"--strict: study {study.study!r} has no run of XTREME-R task(s) "
                f"{', '.join(missing)}; the leaderboard needs every task"
            )
        targets = list(OFFICIAL_LANGUAGES)
    root = study_dir(study, runs_root)
    if not root.is_dir():
        raise ExportError(f"no runs directory {root} for study {study.study!r}")
    files: dict[Path, str] = {}
    for target in targets:
        spec = get_task(target)
        if target in NOT_SCORED:
            log(f"{target}: not exported (evaluate.py has no reader for it)")
            continue
        records = _run(root, study.study, condition, target, seed)
        records = records[records["split"] == spec.eval_split]
        run_name = f"run {f'target--{condition}--{target}--s{seed}'!r}"
        for language in _languages(study, target, strict):
            frame = records[records["language"] == language]
            if frame.empty:
                raise ExportError(
                    f"task {target!r}: no predictions for language {language!r} in split "
                    f"{spec.eval_split!r} of {root / f'target--{condition}--{target}--s{seed}'}"
                    f"/{predictions.FILE}"
                )
            if frame["id"].duplicated().any() and file_kind(spec) in ("answers", "ranking"):
                dup = frame["id"][frame["id"].duplicated()].iloc[0]
                raise ExportError(
                    f"task {target!r}, language {language!r}: example id {dup!r} occurs twice in "
                    f"{run_name}'s {predictions.FILE}; a JSON file keyed by id would lose one"
                )
            name = f"test-{language}.{SUFFIX[file_kind(spec)]}"
            files[Path("predictions") / target / name] = _texts(spec, frame, "prediction")
            if labels:
                files[Path("labels") / target / name] = _texts(spec, frame, "gold")
        if spec.eval_split != "test":
            log(
                f"{target}: the study scores its {spec.eval_split!r} split; exported as test-<lang> files "
                f"(not a leaderboard submission for this task)"
            )
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        for relative, text in sorted(files.items()):
            path = tmp / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        os.rename(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    log(
        f"{len([f for f in files if f.parts[0] == 'predictions'])} prediction file(s) of condition {condition!r}, "
        f"seed {seed} -> {out_dir}/predictions" + (f" (labels: {out_dir}/labels)" if labels else "")
    )
    return out_dir
