"""Negative control of phase (ii): train on an intermediate task whose labels are permuted over its examples.

A seeded permutation of the label column keeps every input and the label distribution exactly as
they are and breaks only the link between them, so the condition spends the same budget on the same
text as the real task and can teach nothing about it: a target that gains from it measures noise
(or a leak), not transfer.
"""

from __future__ import annotations

import random
import zlib

SHUFFLABLE = ("classification", "multiple_choice")


def shuffle_labels(examples: list[dict], task: str, fmt: str, seed: int) -> list[dict]:
    """Return copies of ``examples`` whose ``label`` values are permuted by a permutation seeded from (task, seed)."""
    if fmt not in SHUFFLABLE:
        raise ValueError(
            f"shuffle_labels: task {task!r} is a {fmt} task; expected a "
            f"{' or '.join(SHUFFLABLE)} task (one label per example)"
        )
    labels = [ex["label"] for ex in examples]
    random.Random(zlib.crc32(f"shuffle-labels|{task}|{seed}".encode())).shuffle(labels)
    return [{**ex, "label": label} for ex, label in zip(examples, labels)]
