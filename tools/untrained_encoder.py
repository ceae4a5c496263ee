"""Write an untrained copy of a pretrained miniature model: its config and tokenizer, fresh weights.

``python tools/untrained_encoder.py OUT_DIR [--model DIR] [--seed N]`` saves the model's architecture
(default: the shipped model's) with weights drawn by ``transformers``' own initialisation under
``torch.manual_seed(N)``, beside the same tokenizer and ``pretrain.json``. Passed as ``--model`` to
``tools/miniature_probe.py`` it gives the no-pretraining control: what a target learns from its
English training data alone, so that a probe can tell what the pretraining contributes.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv=None) -> None:
    import torch
    from transformers import AutoConfig, AutoTokenizer, XLMRobertaForMaskedLM

    from xlib.synth.pretrain import SHIPPED_MODEL

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--model", default=str(SHIPPED_MODEL), help="pretrained miniature model whose shape to copy")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    torch.manual_seed(args.seed)
    model = XLMRobertaForMaskedLM(AutoConfig.from_pretrained(args.model))
    args.out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(args.out)
    AutoTokenizer.from_pretrained(args.model).save_pretrained(args.out)
    shutil.copy(Path(args.model) / "pretrain.json", args.out / "pretrain.json")
    print(f"untrained {sum(p.numel() for p in model.parameters()):,}-parameter copy of {args.model} in {args.out}")


if __name__ == "__main__":
    main()
