"""Translate-train with a longer phase (ii), one seed, in one process: does the positive control show on mini-xnli?

``python tools/positive_control_check.py [STEPS]`` (default 900) trains phase (ii) of
``params/miniature.yaml``'s translate-train condition for STEPS steps (its other settings as in the
params), then phase (iii) on mini-xnli, and prints the English dev score of phase (ii), the loss log,
and mini-xnli's test scores per language with their zero-shot mean. The baseline's zero-shot mean is
in ``python tools/miniature_checks.py``. One torch thread.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(steps: int) -> None:
    """Print phase (ii)'s dev score and losses and mini-xnli's per-language scores after it."""
    import torch

    from xlib import pipeline
    from xlib.params import load_params
    from xlib.study import resolve_model
    from xlib.studyconfig import Study

    torch.set_num_threads(1)
    params = load_params(Path(__file__).resolve().parents[1] / "params" / "miniature.yaml")
    model = resolve_model(Study.of(params))
    condition = params["conditions"]["translate-train"]
    out = tempfile.mkdtemp(prefix="xlib-positive-control-")
    report = pipeline.run_intermediate(
        condition["tasks"],
        model,
        out,
        {**params["intermediate"], "max_steps": steps},
        seed=0,
        data=params["data"],
        options={"translate": condition["translate"]},
    )
    print("phase (ii) English dev:", [(r["metric"], r["value"]) for r in report["rows"]])
    print("phase (ii) loss log:", [round(e["loss"], 3) for e in report["log"]])
    hparams = {**params["target"], **params["target_overrides"]["mini-xnli"]}
    target = pipeline.run_target("mini-xnli", str(Path(out) / "encoder"), hparams, seed=0, data=params["data"])
    scores = {r["language"]: r["value"] for r in target["rows"] if r["split"] == "test"}
    zero_shot = [v for lang, v in scores.items() if lang != "en"]
    print(
        "mini-xnli test:",
        {k: round(v, 1) for k, v in scores.items()},
        f"zero-shot mean {sum(zero_shot) / len(zero_shot):.1f}",
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 900)
