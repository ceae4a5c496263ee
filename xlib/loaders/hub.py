"""The Hugging Face hub wrapper every task loader reads hub copies through: ``hub_split``.

``hub_split`` wraps ``datasets.load_dataset`` and turns an offline or missing dataset into a
``DataUnavailableError`` that names the task and says what to download and where to put it.
"""

from __future__ import annotations

import os
from typing import Sequence

from .common import DataUnavailableError

# datasets >= 4 runs no loading scripts; the hub keeps an automatic Parquet export of script datasets here
SCRIPT_DATASET_ERROR = "Dataset scripts are no longer supported"
PARQUET_EXPORT_REVISION = "refs/convert/parquet"


def _load_hub_dataset(dataset_id: str, config: str | None, split: str, **kwargs):
    """Return ``datasets.load_dataset(...)``; a script dataset is read from the hub's Parquet export instead."""
    import datasets

    try:
        return datasets.load_dataset(dataset_id, config, split=split, **kwargs)
    except Exception as exc:  # noqa: BLE001 - re-raised unless it is the "no scripts" refusal
        if SCRIPT_DATASET_ERROR not in str(exc) or "revision" in kwargs:
            raise
        try:
            return datasets.load_dataset(dataset_id, config, split=split, revision=PARQUET_EXPORT_REVISION, **kwargs)
        except Exception as export_exc:  # noqa: BLE001
            raise RuntimeError(
                f"{str(exc).splitlines()[0]}; its Parquet export ({PARQUET_EXPORT_REVISION}) "
                f"failed too: {type(export_exc).__name__}: "
                f"{str(export_exc).splitlines()[0] if str(export_exc) else ''}"
            ) from export_exc


def hub_split(
    dataset_id: str, config: str | None, split: str, task: str, hint: str = "", decode: Sequence[str] = (), **kwargs
) -> list[dict]:
    """Return the rows of ``split`` of hub dataset ``dataset_id``/``config`` as dicts (clear error when unavailable).

    ``hint`` says what to download and where to put it for local use; it is included in the error
    raised when the hub is offline or the dataset/config/split does not exist. A dataset that is
    still a loading script on the hub (which ``datasets`` >= 4 refuses to run) is read from the
    hub's automatic Parquet export (revision ``refs/convert/parquet``). Columns named in
    ``decode`` that are ClassLabels (or lists of them) come back as label names, read from the
    dataset's own features rather than from an assumed order.
    """
    where = f"{dataset_id}" + (f" (config {config!r})" if config else "") + f", split {split!r}"
    if kwargs.get("data_files"):
        where = f"{kwargs['data_files']} (through load_dataset({dataset_id!r}))"
    offline = any(
        os.environ.get(v, "").strip().lower() in ("1", "true", "yes", "on")
        for v in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE")
    )
    try:
        ds = _load_hub_dataset(dataset_id, config, split, **kwargs)
    except Exception as exc:  # noqa: BLE001 - every hub failure becomes one actionable message
        reason = (
            "the hub is offline (HF_HUB_OFFLINE/HF_DATASETS_OFFLINE is set)"
            if offline
            else f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        )
        source = "" if kwargs.get("data_files") else " from the Hugging Face hub"
        msg = f"task {task!r}: cannot load {where}{source} ({reason})."
        if hint:
            msg += f" For local files: {hint}"
        raise DataUnavailableError(msg) from exc
    return _decode_class_labels(ds, decode)


def _decode_class_labels(ds, columns: Sequence[str]) -> list[dict]:
    """Return the rows of ``ds`` with the ClassLabel ``columns`` (or lists of ClassLabels) as label names."""
    features = getattr(ds, "features", None) or {}
    names = {}
    for column, feature in features.items():
        if column in columns:
            inner = getattr(feature, "feature", None)
            names[column] = (getattr(feature, "names", None), getattr(inner, "names", None))
    rows = [dict(row) for row in ds]
    for column, (flat, nested) in names.items():
        for row in rows:
            if flat:
                row[column] = flat[row[column]] if row[column] >= 0 else row[column]
            elif nested:
                row[column] = [nested[v] for v in row[column]]
    return rows
