"""Run directories of every XTREME fixture task, written as a phase-(iii) run writes them (no training)."""

import json
from dataclasses import asdict
from pathlib import Path

FIX = Path(__file__).parent / "fixtures" / "xtreme"
# three fixture languages per task, one of them in a non-Latin script (Tatoeba and BUCC score X -> en)
FIXTURE_LANGS = {
    "xnli": ("en", "de", "ru"),
    "pawsx": ("en", "de", "ja"),
    "xcopa": ("et", "tr", "zh"),
    "udpos": ("en", "de", "ru"),
    "panx": ("en", "de", "ar"),
    "xquad": ("en", "de", "ru"),
    "mlqa": ("en", "de", "zh"),
    "tydiqa": ("en", "fi", "ru"),
    "tatoeba": ("de", "ru", "zh"),
    "bucc2018": ("de", "ru", "zh"),
    "lareqa": ("en", "ar", "zh"),
    "mewslix": ("en", "de", "ja"),
}


def write_fixture_runs(model_dir, root, conditions=("baseline",), seeds=(0,), tasks=None, study="fixtures"):
    """Write one finished run per (condition, seed, fixture task) under ``root`` from the untrained ``model_dir``
    (a head seeded per condition and seed), collect ``results.csv`` and return its DataFrame."""
    import torch

    from xlib import planning, rundir
    from xlib.study import collect
    from xlib.formats import family, get_format
    from xlib.pipeline import evaluate, load_tokenizer
    from xlib.tasks import get_task

    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    tokenizer = load_tokenizer(model_dir)
    for number, condition in enumerate(conditions):
        for seed in seeds:
            for task in tasks or sorted(FIXTURE_LANGS):
                spec = get_task(task)
                torch.manual_seed(1000 * number + seed)
                model = get_format(spec.format).build_model(model_dir, spec)
                predict = {"layer": 1} if family(spec.format) == "retrieval" else {}
                records = []
                rows = evaluate(
                    spec,
                    model,
                    tokenizer,
                    FIXTURE_LANGS[task],
                    spec.eval_split,
                    64,
                    {"data_dir": str(FIX)},
                    records=records,
                    **predict,
                )
                run = rundir.Run(
                    planning.target_id(condition, task, seed),
                    "target",
                    "target.ipynb",
                    condition,
                    seed,
                    target=task,
                    parameters={"study": study, "languages": list(FIXTURE_LANGS[task]), "data": {"data_dir": str(FIX)}},
                )
                out = root / run.run_id
                out.mkdir()
                rundir.write_report(out, {"rows": rows, "log": [], "seconds": 0.0, "predictions": records})
                (out / "run.json").write_text(json.dumps(asdict(run)))
    return collect(root, study)
