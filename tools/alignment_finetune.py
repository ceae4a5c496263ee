"""Continue a pretrained miniature model's masked LM beside an explicit cross-lingual alignment loss.

``python tools/alignment_finetune.py OUT_DIR [--model DIR] [--steps N] [--layers -1 2 ...]
[--token-level] [--hard-negatives] [--mse W] [--sentences-per-pair K] ...`` loads the model (default:
the shipped one), and for N steps adds to each masked-LM batch of the pretraining corpus (48
documents of ``params/miniature.yaml``'s ``pretrain:`` corpus) a translation-ranking loss on 32
parallel pairs (an English passage of K corpus sentences and the same passage in one of the six
other languages, meanings from their own seeded stream, languages in turn): in-batch InfoNCE
(temperature 0.05, both directions) between the mean-pooled hidden states of the chosen layers,
as in LaBSE-style sentence alignment (Feng et al. 2022, https://arxiv.org/abs/2007.01852), or, with
``--token-level``, between BERTScore-like greedy token matches (each token's best cosine in the other
sentence, averaged; Zhang et al. 2020, https://arxiv.org/abs/1904.09675). ``--hard-negatives`` adds
each English passage with its events and states negated to the candidates, so that the alignment has
to keep polarity apart; ``--mse W`` adds W times the squared distance of each passage's mean-pooled
state to its English translation's (held fixed), the contextual alignment of Cao et al. 2020
(https://arxiv.org/abs/2002.03518) at sentence level. AdamW at 3e-4, 30 warm-up steps, linear decay,
gradients clipped at 1.0, one torch thread, every draw seeded: the same arguments give the same bytes.

The output directory is a pretrained model as ``tools/miniature_probe.py --model`` and
``tools/alignment_probe.py`` read it. A diagnostic for what the miniature's transfer depends on
(``docs/miniature.md``, "The fourth pass"), not part of the study.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LANGS = ["sva", "svb", "sov", "vso", "cyr", "grk"]


def parallel_pairs(passages: int, per_pair: int) -> list[tuple[str, str, str]]:
    """Return (English, other language, English negated) passages of ``per_pair`` corpus sentences each.

    Meanings come from the corpus's mix (``corpus_meanings``) on their own stream (seed 777); the other
    language cycles through the six; the negated English flips every event's and state's polarity.
    """
    from xlib.synth.meanings import Event, State
    from xlib.synth.realize import say
    from xlib.synth.sampling import corpus_meanings
    from xlib.synth.world import get_world

    world = get_world()
    meanings = corpus_meanings(world, random.Random(777), passages * per_pair)
    pairs = []
    for i in range(0, len(meanings), per_pair):
        chunk = meanings[i : i + per_pair]
        lang = LANGS[(i // per_pair) % len(LANGS)]
        flipped = [
            (dataclasses.replace(m, negated=not m.negated) if isinstance(m, (Event, State)) else m, kw)
            for m, kw in chunk
        ]
        pairs.append(
            (
                " ".join(say(world, m, "en", **kw) for m, kw in chunk),
                " ".join(say(world, m, lang, **kw) for m, kw in chunk),
                " ".join(say(world, m, "en", **kw) for m, kw in flipped),
            )
        )
    return pairs


def greedy_match_scores(other, other_mask, english, english_mask):
    """Return [n_other, n_english] BERTScore-like similarities: mean best cosine of each token, both ways."""
    import torch

    a = torch.nn.functional.normalize(english, dim=-1)
    c = torch.nn.functional.normalize(other, dim=-1)
    ma, mc = english_mask.float(), other_mask.float()
    sims = torch.einsum("ifd,jed->ijfe", c, a)  # [other sentence, English sentence, other token, English token]
    sims = sims.masked_fill(ma[None, :, None, :] == 0, -2.0)
    best_for_other = sims.max(-1).values
    recall = (best_for_other * mc[:, None, :]).sum(-1) / mc.sum(-1)[:, None]
    best_for_english = sims.masked_fill(mc[:, None, :, None] == 0, -2.0).max(-2).values
    precision = (best_for_english * ma[None]).sum(-1) / ma.sum(-1)[None]
    return (recall + precision) / 2


def alignment_loss(english_states, english_mask, other_states, other_mask, n, args):
    """Return the ranking loss (plus the optional MSE term) over the chosen layers.

    The first ``n`` English passages are the translations of the ``n`` others; any further ones
    (``--hard-negatives``) are extra candidates for the other-to-English direction only.
    """
    import torch

    from xlib.formats.base import mean_pool

    total = torch.tensor(0.0)
    target = torch.arange(n)
    for layer in args.layers:
        if args.token_level:
            logits = (
                greedy_match_scores(other_states[layer], other_mask, english_states[layer], english_mask)
                / args.temperature
            )
        else:
            a = torch.nn.functional.normalize(mean_pool(english_states[layer], english_mask), dim=-1)
            c = torch.nn.functional.normalize(mean_pool(other_states[layer], other_mask), dim=-1)
            logits = c @ a.T / args.temperature
        if args.mse:
            # pooled again, not reused from the ranking branch: one graph per term keeps the float
            # summation order of the runs in docs/miniature.md (reusing it changes the trained bytes)
            fixed = mean_pool(english_states[layer], english_mask)[:n].detach()
            moved = mean_pool(other_states[layer], other_mask)
            total = total + args.mse * ((moved - fixed) ** 2).sum(-1).mean() / len(args.layers)
        ranking = torch.nn.functional.cross_entropy(logits, target)
        ranking = ranking + torch.nn.functional.cross_entropy(logits[:, :n].T, target)
        total = total + ranking / 2 / len(args.layers)
    return total


def main(argv=None) -> None:
    import torch
    import yaml
    from transformers import AutoTokenizer, DataCollatorForLanguageModeling, XLMRobertaForMaskedLM

    from xlib.synth.pretrain import SHIPPED_MODEL, PretrainConfig, _documents

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--model", default=str(SHIPPED_MODEL), help="pretrained miniature model to start from")
    ap.add_argument("--params", default=str(ROOT / "params" / "miniature.yaml"), help="its pretrain: corpus")
    ap.add_argument("--steps", type=int, default=600)
    ap.add_argument("--weight", type=float, default=1.0, help="of the alignment loss beside the MLM loss")
    ap.add_argument("--layers", type=int, nargs="+", default=[-1], help="hidden_states indices (0 = embeddings)")
    ap.add_argument("--temperature", type=float, default=0.05)
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--pairs", type=int, default=32, help="parallel passages per step")
    ap.add_argument("--sentences-per-pair", type=int, default=1)
    ap.add_argument("--token-level", action="store_true")
    ap.add_argument("--hard-negatives", action="store_true")
    ap.add_argument("--mse", type=float, default=0.0)
    ap.add_argument(
        "--edit-pair-fraction", type=float, default=None, help="replace the corpus's pretrain: edit_pair_fraction"
    )
    args = ap.parse_args(argv)

    torch.set_num_threads(1)
    torch.manual_seed(0)
    rng = random.Random(0)
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    model = XLMRobertaForMaskedLM.from_pretrained(args.model)
    settings = yaml.safe_load(Path(args.params).read_text())["pretrain"]
    if args.edit_pair_fraction is not None:
        settings["edit_pair_fraction"] = args.edit_pair_fraction
    cfg = PretrainConfig.from_dict(settings)
    docs = _documents(cfg)
    rng.shuffle(docs)
    pairs = parallel_pairs(6000, args.sentences_per_pair)
    rng.shuffle(pairs)
    collator = DataCollatorForLanguageModeling(tokenizer, mlm_probability=0.15, seed=0)
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / 30) * max(0.0, 1 - s / args.steps)
    )
    model.train()
    start, docs_per_step = time.time(), 48
    for step in range(args.steps):
        first = (step * docs_per_step) % len(docs)
        batch = collator(
            [
                tokenizer(d, truncation=True, max_length=cfg.max_length, return_special_tokens_mask=True)
                for d in docs[first : first + docs_per_step]
            ]
        )
        mlm = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], labels=batch["labels"]).loss
        loss, aligned = mlm, torch.tensor(0.0)
        if args.weight:
            first = (step * args.pairs) % len(pairs)
            chunk = pairs[first : first + args.pairs]
            english_texts = [p[0] for p in chunk] + ([p[2] for p in chunk] if args.hard_negatives else [])
            english = tokenizer(english_texts, padding=True, return_tensors="pt")
            other = tokenizer([p[1] for p in chunk], padding=True, return_tensors="pt")
            english_states = model.roberta(**english, output_hidden_states=True).hidden_states
            other_states = model.roberta(**other, output_hidden_states=True).hidden_states
            aligned = alignment_loss(
                english_states, english["attention_mask"], other_states, other["attention_mask"], len(chunk), args
            )
            loss = mlm + args.weight * aligned
        optimiser.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        schedule.step()
        if step % 50 == 0 or step == args.steps - 1:
            print(
                f"step {step} mlm {mlm.item():.3f} alignment {aligned.item():.3f} {time.time() - start:.0f}s",
                flush=True,
            )
    args.out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(args.out)
    tokenizer.save_pretrained(args.out)
    shutil.copy(Path(args.model) / "pretrain.json", args.out / "pretrain.json")
    print(f"saved {args.out} ({time.time() - start:.0f}s)")


if __name__ == "__main__":
    main()
