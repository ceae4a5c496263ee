"""Registry of task specifications: target, intermediate and synthetic tasks all register here."""

from __future__ import annotations

from .spec import _REGISTRY, TaskSpec, register

__all__ = ["TaskSpec", "all_tasks", "get_task", "register"]


def get_task(name: str) -> TaskSpec:
    """Return the registered task called ``name`` (ValueError listing the known ones otherwise)."""
    _load_builtin()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown task {name!r}; known tasks: {', '.join(sorted(_REGISTRY))}") from None


def all_tasks() -> dict[str, TaskSpec]:
    """Return every registered task by name."""
    _load_builtin()
    return dict(_REGISTRY)


def _load_builtin() -> None:
    from . import synthetic  # noqa: F401  (registers on import)
    from . import intermediate  # noqa: F401  (the nine English intermediate tasks)
    from . import xtreme  # noqa: F401  (the XTREME-R targets, PAWS-X and BUCC 2018)
