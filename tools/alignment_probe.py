"""How well a pretrained miniature model aligns the synthetic languages: bitext search per layer.

``python tools/alignment_probe.py MODEL_DIR [MODEL_DIR ...] [--sentences N]`` realises N meanings
of the pretraining corpus's mix (drawn from their own seeded stream, not the corpus's) in every
language, mean-pools each layer's hidden states (layer 0 = embeddings), centres each language's
vectors on their own mean and prints, per layer, the share (%) of the N non-English sentences whose
nearest English sentence by cosine is their translation: sva svb sov vso cyr grk. Names and digits
are shared with English in sva..vso, so those languages find part of their translations through
them alone; cyr and grk share no string with English. One torch thread; a diagnostic for choosing
pretraining settings, not a result of the study.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

LANGS = ["en", "sva", "svb", "sov", "vso", "cyr", "grk"]


def search_accuracy(model_dir: str, sentences: int = 300, seed: int = 123) -> list[list[float]]:
    """Return [layer][language] bitext-search accuracy (%) from each non-English language into English."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    from xlib.formats.base import mean_pool
    from xlib.formats.embedding import nearest
    from xlib.synth.realize import say
    from xlib.synth.sampling import corpus_meanings
    from xlib.synth.world import get_world

    world = get_world()
    meanings = corpus_meanings(world, random.Random(seed), sentences)
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModel.from_pretrained(model_dir, add_pooling_layer=False).eval()
    pooled = {}
    with torch.inference_mode():
        for lang in LANGS:
            batch = tokenizer([say(world, m, lang, **kw) for m, kw in meanings], padding=True, return_tensors="pt")
            states = model(**batch, output_hidden_states=True).hidden_states
            pooled[lang] = [mean_pool(h, batch["attention_mask"]) for h in states]
    table = []
    for layer in range(len(pooled["en"])):
        english = pooled["en"][layer] - pooled["en"][layer].mean(0)  # centred; nearest() normalises
        row = []
        for lang in LANGS[1:]:
            _, found = nearest(pooled[lang][layer] - pooled[lang][layer].mean(0), english, k=1, device="cpu")
            row.append(100 * (found[:, 0] == torch.arange(len(english))).float().mean().item())
        table.append(row)
    return table


def main() -> None:
    """Print the table for every model directory given."""
    import torch
    from transformers.utils import logging

    logging.set_verbosity_error()
    torch.set_num_threads(1)
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("models", nargs="+")
    ap.add_argument("--sentences", type=int, default=300)
    args = ap.parse_args()
    print("bitext search into English (%), per layer: " + " ".join(LANGS[1:]))
    for path in args.models:
        table = search_accuracy(path, args.sentences)
        print(path + ": " + " | ".join(f"L{i} " + " ".join(f"{v:.0f}" for v in row) for i, row in enumerate(table)))


if __name__ == "__main__":
    main()
