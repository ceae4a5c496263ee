"""One seed of the miniature's baseline (and optionally its positive control) in one process: a quick probe.

``python tools/miniature_probe.py [--model DIR] [--seed N] [--targets t1,t2] [--target-json JSON]
[--positive STEPS] [--intermediate-json JSON]`` trains phase (iii) of ``params/miniature.yaml`` on
each listed target from the pretrained model (``--model``, default: the one the params resolve to),
and prints its English test score and zero-shot mean (six languages), raw and normalised as
``tools/miniature_checks.py`` does. ``--target-json`` overrides every target's hyperparameters
(e.g. '{"mini-xnli": {"max_steps": 400}}'); ``--positive STEPS`` also trains translate-train's
phase (ii) for STEPS steps and then mini-xnli, and prints its zero-shot gain over the baseline's.
``--confusion`` prints each language's gold>predicted counts on the test split (classification and
multiple choice). ``--train-language LANG`` trains each target on LANG's training set instead of English (the same
meanings and labels: the synthetic train split is parallel), to compare how well a task is learnt
in a language itself with how well it transfers there from English. ``--phase2-heads STEPS`` trains
translate-train's phase (ii) for STEPS steps and scores its own mini-mnli head (which phase (iii)
drops) on mini-xnli's test set in every language: whether phase (ii) learnt NLI in each language.
One torch thread; one seed: a probe for choosing settings, not a result.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.miniature_checks import normalised  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def headline(task: str, rows: list) -> dict:
    """Return {language: headline test score} (EM/F1 = mean of EM and F1 for QA)."""
    test = [r for r in rows if r["split"] == "test"]
    out: dict = {}
    for lang in sorted({r["language"] for r in test}):
        mine = {r["metric"]: r["value"] for r in test if r["language"] == lang}
        out[lang] = (
            (mine["em"] + mine["f1"]) / 2
            if "em" in mine and "f1" in mine
            else (mine.get("accuracy", mine.get("f1", next(iter(mine.values())))))
        )
    return out


def trained_in(task: str, language: str) -> str:
    """Register (once) and return a copy of synthetic ``task`` that trains on ``language``'s train split."""
    from dataclasses import replace

    from xlib.tasks import get_task
    from xlib.tasks.spec import register
    from xlib.tasks.synthetic import load_synthetic

    name = f"{task}@{language}"
    base = get_task(task)
    if not base.name.startswith("mini-"):
        raise SystemExit(f"--train-language: {task!r} is not a synthetic (mini-*) task")
    register(
        replace(
            base,
            name=name,
            train_language=language,
            loader=lambda spec, split, lang, **kw: load_synthetic(base, split, lang, **kw),
        )
    )
    return name


def confusion(predictions) -> dict:
    """Return {language: {"gold>predicted": count}} over the test split's kept predictions (classification)."""
    import pandas as pd

    test = pd.DataFrame(predictions)
    test = test[test["split"] == "test"]
    out: dict = {}
    for lang, rows in test.groupby("language", sort=True):
        counts = Counter(zip(rows["gold"].astype(str), rows["prediction"].astype(str)))
        out[lang] = {f"{g}>{p}": n for (g, p), n in sorted(counts.items())}
    return out


def score(
    task: str,
    encoder: str,
    params: dict,
    seed: int,
    extra: dict,
    train_language: str = "en",
    show_confusion: bool = False,
) -> float:
    """Train and test ``task`` from ``encoder``; print and return its mean over the languages but the training one.

    With ``show_confusion``, also print each language's gold>predicted counts on the test split.
    """
    from xlib import pipeline

    hparams = {**params["target"], **params.get("target_overrides", {}).get(task, {}), **extra.get(task, {})}
    start = time.time()
    name = task if train_language == "en" else trained_in(task, train_language)
    report = pipeline.run_target(name, encoder, hparams, seed=seed, data=params["data"])
    scores = headline(task, report["rows"])
    zs = [v for lang, v in scores.items() if lang != train_language]
    zs_mean = sum(zs) / len(zs)
    losses = [round(e["loss"], 3) for e in report["log"] if "loss" in e]
    own = scores.get(train_language, float("nan"))  # bitext search has no English test language
    print(
        f"{task} seed {seed}, trained in {train_language}: {train_language} {own:.1f} "
        f"(norm {normalised(task, own):.2f}) | other languages "
        f"{zs_mean:.1f} (norm {normalised(task, zs_mean):.2f}) | "
        + " ".join(f"{l} {v:.1f}" for l, v in scores.items() if l != train_language)
        + f" | loss {losses[:1]}..{losses[-3:]} | {time.time() - start:.0f}s",
        flush=True,
    )
    if show_confusion:
        for lang, counts in confusion(report["predictions"]).items():
            print(f"  {lang} gold>predicted: " + " ".join(f"{k}:{v}" for k, v in counts.items()), flush=True)
    return zs_mean


def translate_train_options(params: dict) -> dict:
    """Return the phase-(ii) options of ``params``' translate-train condition, as the study's plan passes them."""
    from xlib.studyconfig import Study

    return Study.of(params).conditions["translate-train"].options()


def phase2_heads(params: dict, model: str, steps: int, seed: int, extra: dict) -> dict:
    """Train translate-train's phase (ii); print and return its own head's mini-xnli test accuracy per language."""
    from xlib import pipeline
    from xlib.runconfig import train_config
    from xlib.tasks import get_task

    condition = params["conditions"]["translate-train"]
    options = translate_train_options(params)
    start = time.time()
    shared, _, tokenizer, _, cfg = pipeline.train_tasks(
        condition["tasks"],
        model,
        train_config({**params["intermediate"], "max_steps": steps, **extra}),
        seed,
        params["data"],
        False,
        options,
    )
    spec = get_task("mini-xnli")
    head = shared.heads[condition["tasks"][0].replace(".", "_")]
    rows = pipeline.evaluate(spec, head, tokenizer, list(spec.languages), "test", cfg.max_length, params["data"])
    scores = {r["language"]: r["value"] for r in rows if r["metric"] == "accuracy"}
    print(
        f"phase (ii) head on mini-xnli test, seed {seed}, {steps} steps: "
        + " ".join(f"{l} {v:.1f}" for l, v in scores.items())
        + f" | {time.time() - start:.0f}s",
        flush=True,
    )
    return scores


def main() -> None:
    """Parse the options and run the probe."""
    import torch

    from xlib import pipeline
    from xlib.params import load_params
    from xlib.study import resolve_model
    from xlib.studyconfig import Study

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--targets", default="mini-xnli,mini-xcopa,mini-xquad")
    ap.add_argument("--target-json", default="{}")
    ap.add_argument("--positive", type=int, default=0)
    ap.add_argument("--intermediate-json", default="{}")
    ap.add_argument("--phase2-heads", type=int, default=0)
    ap.add_argument("--params", default=str(ROOT / "params" / "miniature.yaml"))
    ap.add_argument("--train-language", default="en")
    ap.add_argument("--confusion", action="store_true", help="print gold>predicted counts per language (test)")
    args = ap.parse_args()
    torch.set_num_threads(1)
    params = load_params(args.params)
    model = args.model or resolve_model(Study.of(params))
    extra = json.loads(args.target_json)
    base = {}
    for task in [t for t in args.targets.split(",") if t]:
        base[task] = score(task, model, params, args.seed, extra, args.train_language, args.confusion)
    if args.phase2_heads:
        phase2_heads(params, model, args.phase2_heads, args.seed, json.loads(args.intermediate_json))
    if args.positive:
        condition = params["conditions"]["translate-train"]
        out = tempfile.mkdtemp(prefix="xlib-probe-")
        start = time.time()
        report = pipeline.run_intermediate(
            condition["tasks"],
            model,
            out,
            {**params["intermediate"], "max_steps": args.positive, **json.loads(args.intermediate_json)},
            seed=args.seed,
            data=params["data"],
            options=translate_train_options(params),  # as the study's run of the condition receives them
        )
        print(
            "phase (ii) English dev:",
            [(r["metric"], round(r["value"], 1)) for r in report["rows"]],
            "loss:",
            [round(e["loss"], 3) for e in report["log"] if "loss" in e][:: max(1, args.positive // 100)],
            f"{time.time() - start:.0f}s",
            flush=True,
        )
        zs = score("mini-xnli", str(Path(out) / "encoder"), params, args.seed, extra)
        if "mini-xnli" in base:
            print(f"positive control, seed {args.seed}: {zs - base['mini-xnli']:+.1f} points", flush=True)


if __name__ == "__main__":
    main()
