"""Helpers every task generator of the miniature shares: balanced labels, subsets, meaning edits."""

from __future__ import annotations

import random
from dataclasses import replace

from .meanings import Event
from .world import NUMBERS, World


# --------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------


def _balanced(rng: random.Random, n: int, k: int) -> list[int]:
    labels = [i % k for i in range(n)]
    rng.shuffle(labels)
    return labels


def _subset(rng: random.Random, items: list, nonempty: bool) -> list:
    if not items:
        return []
    while True:
        chosen = [x for x in items if rng.random() < 0.5]
        if chosen or not nonempty:
            return chosen


def _place_at(choices: list, correct, label: int) -> list:
    out = list(choices)
    out.insert(label, correct)
    return out


_MODS = ("adj", "number", "place", "companion")


def _present(ev: Event) -> list[str]:
    return [m for m in _MODS if getattr(ev, m) is not None]


def _addable(ev: Event) -> list[str]:
    out = []
    if ev.obj and ev.adj is None:
        out.append("adj")
    if ev.obj and ev.plural and ev.number is None:
        out.append("number")
    if ev.place is None:
        out.append("place")
    if ev.companion is None:
        out.append("companion")
    return out


def _drop(ev: Event, mods: list[str]) -> Event:
    return replace(ev, **{m: None for m in mods})  # dropping the number keeps the plural


def _add(world: World, rng: random.Random, ev: Event, mods: list[str]) -> Event:
    values = {}
    for m in mods:
        if m == "adj":
            values[m] = rng.choice(world.adjectives)
        elif m == "number":
            values[m] = rng.choice(NUMBERS)
        elif m == "place":
            values[m] = rng.choice(world.places + world.orgs)
        else:
            values[m] = rng.choice([p for p in world.persons if p != ev.subject])
    return replace(ev, **values)


def _other(rng: random.Random, pool, *exclude):
    return rng.choice([x for x in pool if x not in exclude])
