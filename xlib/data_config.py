"""The params' ``data:`` block as a typed record: where every task reads its examples, and how many.

Each field carries its type, default and help text in one place (as ``HfArgumentParser`` dataclasses
do); :meth:`DataConfig.from_dict` rejects a key that is not a field, naming it and the fields, so a
misspelt ``data_dri:`` stops the study before any run instead of silently reading the hub.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from .fielddocs import Documented


def _option(default=None, help: str = ""):  # noqa: A002  (the dataclass-argument convention of HfArgumentParser)
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class DataConfig(Documented):
    """Where the study's tasks read their data (every field optional; unset: the hub, all examples)."""

    data_dir: str | dict | None = _option(
        help="a folder with one sub-folder per task in its release layout "
        "(<data_dir>/xnli/ ...), or {task: folder}; tasks without one "
        "read the Hugging Face hub"
    )
    data_files: dict | None = _option(
        help="{task: {key: path}} naming single files ({lang} is filled in); keys per task in docs/tasks.md"
    )
    sizes: dict | None = _option(help="{split: n}: keep the first n examples of a split (generated tasks: generate n)")
    data_seed: int | None = _option(help="seed of the miniature's generated examples (default 0)")
    xcopa_train: str | None = _option(help="XCOPA's phase-(iii) schedule: copa, siqa+copa or siqa,copa")
    ud_tokens: str | None = _option(help="UD-POS tokens: fused (XTREME's preprocessing) or syntactic")
    anli_components: list | None = _option(help="the sources of ANLI+ (anli-r1, anli-r2, anli-r3, mnli, snli)")
    hub_revision: dict | None = _option(help="{source: revision} pinning a hub dataset's revision")
    translated: dict | None = _option(
        help="{task: {lang: folder}} of machine-translated training sets (translate-train conditions)"
    )

    @classmethod
    def from_dict(cls, values: dict | None, where: str = "data") -> DataConfig:
        """Return the ``data:`` block ``values`` as a DataConfig; ValueError naming unknown or mistyped keys."""
        values = dict(values or {})
        problems = [
            f"{where}: unknown key {key!r}; expected one of: {', '.join(cls.keys())}"
            for key in values
            if key not in cls.keys()
        ]
        kinds = {
            "sizes": dict,
            "data_files": dict,
            "hub_revision": dict,
            "translated": dict,
            "anli_components": list,
            "xcopa_train": str,
            "ud_tokens": str,
            "data_dir": (str, dict),
            "data_seed": int,
        }
        for key, value in values.items():
            kind = kinds.get(key)
            if kind is not None and value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
                names = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
                problems.append(f"{where}.{key}: expected {names}, got {value!r}")
        if problems:
            raise ValueError("\n".join(problems))
        return cls(**values)

    def options(self) -> dict:
        """Return the keys that are set, as the keyword options every loader receives (``TaskSpec.load``)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}
