"""How much of a miniature sentence-pair task a surface rule solves, per language: a shortcut baseline.

``python tools/nli_surface_baseline.py [--task mini-xnli] [--train N] [--test N] [--seed S]`` reads
each pair as two bags of whitespace tokens and keeps one feature: (how many tokens of the first
sentence the second lacks, how many it adds). A lookup table learnt on the training split (the most
frequent label per feature value) then labels the test split of the same language; a feature value
never seen in training counts as wrong. Nothing here knows the language: the rule uses no word's
identity, so it is a floor for what a model that compares the two sentences can reach in every
language, with the data sizes of ``params/miniature.yaml`` by default. Prints the accuracy per
language and the chance rate. ``--train-language en`` learns the table on English alone and applies
it to every language: how far the rule transfers zero-shot, as a model that had learnt it from
English training would.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def difference(example: dict) -> tuple[int, int]:
    """Return (tokens of ``text`` missing from ``text_pair``, tokens ``text_pair`` adds), counted as multisets."""
    first, second = Counter(example["text"].split()), Counter(example["text_pair"].split())
    return sum((first - second).values()), sum((second - first).values())


def lookup_accuracy(train: list[dict], test: list[dict]) -> float:
    """Return the test accuracy (0-100) of the most frequent training label per ``difference`` value."""
    table: dict = defaultdict(Counter)
    for e in train:
        table[difference(e)][e["label"]] += 1
    hits = sum(1 for e in test if table[difference(e)] and table[difference(e)].most_common(1)[0][0] == e["label"])
    return 100.0 * hits / len(test)


def main(argv=None) -> None:
    """Parse the options and print the shortcut baseline per language."""
    from xlib.synth.tasks import generate
    from xlib.tasks import get_task

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--task", default="mini-xnli")
    ap.add_argument("--train", type=int, default=2000)
    ap.add_argument("--test", type=int, default=150)
    ap.add_argument("--seed", type=int, default=0, help="data seed (params' data_seed)")
    ap.add_argument("--train-language", help="learn the table in this language only (default: each language's own)")
    args = ap.parse_args(argv)
    spec = get_task(args.task)
    if spec.format != "classification" or spec.role != "target" or not spec.name.startswith("mini-"):
        raise SystemExit(f"--task: expected a synthetic sentence-pair classification target, got {args.task!r}")
    if args.train_language and args.train_language not in spec.languages:
        raise SystemExit(f"--train-language: expected one of {', '.join(spec.languages)}, got {args.train_language!r}")
    source = f"learnt in {args.train_language}" if args.train_language else "learnt in each language"
    print(
        f"{args.task}: surface-difference lookup ({source}), {args.train} training / {args.test} test examples "
        f"per language; chance {100 / len(spec.labels):.1f}"
    )
    for lang in spec.languages:
        train = generate(args.task, "train", args.train_language or lang, args.train, seed=args.seed)
        test = generate(args.task, "test", lang, args.test, seed=args.seed)
        print(f"  {lang}: {lookup_accuracy(train, test):.1f}")


if __name__ == "__main__":
    main()
