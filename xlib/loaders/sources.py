"""Where a task's data comes from: local files named by the params ``data:`` block, or the hub.

Options every loader understands (all optional, passed as ``spec.load(split, lang, **data)``):

- ``data_dir``: a folder with one sub-folder per task, named after the task (``<data_dir>/xnli/``,
  ``<data_dir>/udpos/``...), each holding the task's files in their original release layout
  (``docs/tasks.md`` lists the layout per task). A task whose sub-folder is absent is loaded from
  the hub.
- ``data_files``: ``{task: {key: path}}`` pointing at single files (keys per task in
  ``docs/tasks.md``, e.g. ``{"xnli": {"test": "/data/xnli.test.tsv"}}``); a ``{lang}`` placeholder in
  a path is filled with the language code.
- ``sizes``: ``{split: n}`` keeps the first ``n`` examples of a split (quick runs; the full data otherwise).
"""

from __future__ import annotations

import os
from pathlib import Path

from .common import DataUnavailableError


def task_dir(task: str, data_dir=None, folder: str | None = None) -> Path | None:
    """Return the task's local folder: ``<data_dir>/<folder or task>`` when it exists, or ``data_dir[task]`` when
    ``data_dir`` maps tasks to folders; None when neither names one (the task reads the hub).

    The one place ``data_dir`` is resolved: every loader, translate-train and the intermediate tasks call it.
    """
    if not data_dir:
        return None
    if isinstance(data_dir, dict):
        value = data_dir.get(task)
        return Path(os.path.expanduser(str(value))) if value else None
    root = Path(os.path.expanduser(str(data_dir)))
    if not root.is_dir():
        raise DataUnavailableError(f"task {task!r}: data_dir {root} is not a directory")
    path = root / (folder or task)
    return path if path.is_dir() else None


def named_file(task: str, key: str, data_files=None, lang: str | None = None) -> Path | None:
    """Return the file given as ``data_files[task][key]`` (``{lang}`` filled in), or None when not given."""
    entry = ((data_files or {}).get(task) or {}).get(key)
    if entry is None:
        return None
    path = Path(os.path.expanduser(str(entry).replace("{lang}", lang or "")))
    if not path.exists():
        raise DataUnavailableError(f"task {task!r}: data_files.{task}.{key} is {path}, which does not exist")
    return path


def cap(examples: list, split: str, sizes=None) -> list:
    """Return the first ``sizes[split]`` examples (all of them when no size is set for ``split``)."""
    n = (sizes or {}).get(split)
    return examples if n is None else examples[: int(n)]


def wants_local(task: str, data_dir=None, data_files=None, folder: str | None = None) -> Path | bool | None:
    """Return the task's local folder, True when only ``data_files`` name its files, or None (use the hub)."""
    local = task_dir(task, data_dir, folder)
    if local is not None:
        return local
    return True if (data_files or {}).get(task) else None


def locate(task: str, key: str, local, data_files, candidates, lang: str | None = None) -> Path:
    """Return the local file for ``key`` (``data_files`` first, then ``candidates`` under the task folder)."""
    given = named_file(task, key, data_files, lang)
    if given is not None:
        return given
    if isinstance(local, Path):
        for rel in candidates:
            if (local / rel).is_file():
                return local / rel
        raise DataUnavailableError(
            f"task {task!r}: no {key} file under {local}; expected one of: "
            + ", ".join(str(local / c) for c in candidates)
        )
    raise DataUnavailableError(f"task {task!r}: data_files.{task} has no {key!r} entry")
