"""Checks of single values every section of a params file shares: types, ranges, choices, option blocks.

Each returns a list of problems (empty when the value is fine), one message per key, so a params
file is reported whole (:func:`xlib.params.validate`).
"""

from __future__ import annotations

from dataclasses import fields

# value ranges of numeric options, as (low, high, inclusive-low); None: unbounded
RANGES = {
    "learning_rate": (0, 1, False),
    "epochs": (0, None, False),
    "max_steps": (1, None, True),
    "batch_size": (1, None, True),
    "grad_accum": (1, None, True),
    "warmup_ratio": (0, 1, True),
    "weight_decay": (0, None, True),
    "adam_epsilon": (0, None, False),
    "max_grad_norm": (0, None, False),
    "max_length": (8, None, True),
    "sampling_cap": (1, None, True),
    "temperature": (0, None, False),
    "sentences_per_language": (1, None, True),
    "vocab_size": (100, None, True),
    "hidden_size": (1, None, True),
    "num_layers": (1, None, True),
    "num_heads": (1, None, True),
    "intermediate_size": (1, None, True),
    "steps": (1, None, True),
    "mlm_probability": (0, 1, False),
    "seed": (0, None, True),
    "cpus": (1, None, True),
    "gpus": (0, None, True),
    "memory_gb": (0, None, False),
    "time_min": (1, None, True),
    "retries": (0, None, True),
    "eval_every": (1, None, True),
    "patience": (0, None, True),
    "eval_examples": (1, None, True),
}
CHOICES = {"sampling": ("proportional", "temperature"), "eval_split": ("test", "validation")}


def kind_name(kind) -> str:
    """Return how a message names the type(s) ``kind``: "an integer", "a string or a mapping"..."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {
        "str": "a string",
        "int": "an integer",
        "float": "a number",
        "bool": "true or false",
        "list": "a list",
        "dict": "a mapping",
    }
    return " or ".join(names.get(k.__name__, k.__name__) for k in kinds)


def type_of(value) -> str:
    """Return the YAML-ish type name of ``value`` ("null" for None)."""
    return "null" if value is None else type(value).__name__


def is_kind(value, kind) -> bool:
    """Return True when ``value`` has type ``kind`` (a YAML boolean is no number; an int is a float)."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds:  # YAML true is not a number
        return False
    if float in kinds and isinstance(value, int):
        return True
    return isinstance(value, kinds)


def check_options(section: str, values: dict, config_cls) -> list[str]:
    """Return type, range and choice problems of ``values`` against the dataclass ``config_cls``'s fields."""
    annotations = {f.name: str(f.type) for f in fields(config_cls)}
    errors = []
    for key, value in (values or {}).items():
        if key not in annotations:
            continue  # unknown keys are reported by the config's from_dict
        annotation = annotations[key]
        if value is None and "None" in annotation:
            continue
        base = annotation.split("|")[0].split("[")[0].strip()
        kind = {"float": float, "int": int, "str": str, "bool": bool, "dict": dict, "tuple": (list, tuple)}.get(base)
        if kind is not None and not is_kind(value, kind):
            errors.append(f"{section}.{key}: expected {kind_name(kind)}, got {value!r} ({type_of(value)})")
            continue
        errors += check_range(f"{section}.{key}", key, value)
    return errors


def check_range(where: str, key: str, value) -> list[str]:
    """Return the range/choice problem of ``value`` for option ``key`` (empty when within bounds)."""
    if key in CHOICES and value not in CHOICES[key]:
        return [f"{where}: expected one of {', '.join(CHOICES[key])}, got {value!r}"]
    if key not in RANGES or not isinstance(value, (int, float)) or isinstance(value, bool):
        return []
    low, high, inclusive = RANGES[key]
    if (value < low if inclusive else value <= low) or (high is not None and value > high):
        bound = f"{'>=' if inclusive else '>'} {low}" + (f" and <= {high}" if high is not None else "")
        return [f"{where}: expected a value {bound}, got {value!r}"]
    return []


def option_block_errors(options, allowed) -> list[str]:
    """Return the problems every option block of a condition can have: not a mapping, unknown keys, bad ``languages``."""
    if not isinstance(options, dict):
        return [f"expected a mapping with {', '.join(sorted(allowed))}, got {type(options).__name__}"]
    errors = [
        f"unknown key {k!r}; expected some of {', '.join(sorted(allowed))}" for k in sorted(set(options) - set(allowed))
    ]
    langs = options.get("languages")
    if not isinstance(langs, list) or not langs or not all(isinstance(l, str) for l in langs):
        errors.append("languages: expected a non-empty list of language codes")
    return errors
