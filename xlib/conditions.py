"""Phase-(ii) conditions of a params file: a list of intermediate tasks, or a mapping that adds options.

``conditions:`` maps each condition name to either

- a list of tasks: ``mnli: [mnli]`` (``[]`` is the baseline, several tasks are multi-task), or
- a mapping: ``{tasks: [...], mlm: {...}, translate: {...}, shuffle_labels: true}`` for the paper's
  alternative conditions, continued multilingual MLM (``xlib.mlm``) and translate-train intermediate
  data (``xlib.translate``), and for the negative control: ``shuffle_labels`` trains on the tasks'
  training sets with their labels permuted over the examples (``xlib.controls``).
"""

from __future__ import annotations

KEYS = ("tasks", "mlm", "translate", "shuffle_labels")


def condition_errors(name: str, value, tasks: dict) -> list[str]:
    """Return the problems of condition ``name`` (each message names the condition and the key)."""
    where = f"conditions.{name}"
    if isinstance(value, list):
        return [f"{where}: unknown task {t!r}" for t in value if t not in tasks]
    if not isinstance(value, dict):
        return [
            f"{where}: expected a list of intermediate tasks ([] for the baseline) or a mapping with {', '.join(KEYS)}"
        ]
    from .formats import family

    errors = [f"{where}: unknown key {k!r}; expected some of {', '.join(KEYS)}" for k in value if k not in KEYS]
    names = value.get("tasks")
    if not isinstance(names, list) or not names:
        errors.append(f"{where}.tasks: expected a non-empty list of intermediate tasks")
        names = []
    errors += [f"{where}.tasks: unknown task {t!r}" for t in names if t not in tasks]
    synthetic = [t for t in names if t.startswith("mini-")]
    if "mlm" in value:
        from .mlm import check_options

        errors += [f"{where}.mlm: {e}" for e in check_options(value["mlm"])]
        if isinstance(value["mlm"], dict) and value["mlm"].get("corpus") == "synthetic":
            errors += _synthetic_languages(f"{where}.mlm.languages", value["mlm"].get("languages"))
    if "translate" in value:
        from .translate import check_options

        errors += [f"{where}.translate: {e}" for e in check_options(value["translate"])]
        errors += [
            f"{where}.translate: task {t!r} is a {tasks[t].format} task; translate-train needs sentence-level labels"
            for t in names
            if t in tasks and family(tasks[t].format) in ("tagging", "retrieval")
        ]
        if synthetic and isinstance(value["translate"], dict):
            errors += _synthetic_languages(f"{where}.translate.languages", value["translate"].get("languages"))
    if "shuffle_labels" in value:
        if not isinstance(value["shuffle_labels"], bool):
            errors.append(f"{where}.shuffle_labels: expected true or false, got {value['shuffle_labels']!r}")
        from .controls import SHUFFLABLE

        errors += [
            f"{where}.shuffle_labels: task {t!r} is a {tasks[t].format} task; shuffled labels need one "
            f"label per example ({' or '.join(SHUFFLABLE)})"
            for t in names
            if t in tasks and tasks[t].format not in SHUFFLABLE and value["shuffle_labels"]
        ]
    return errors


def _synthetic_languages(where: str, languages) -> list[str]:
    from .synth.languages import LANGUAGES

    if not isinstance(languages, list):
        return []
    bad = [l for l in languages if l not in LANGUAGES]
    return (
        [f"{where}: unknown synthetic language(s) {', '.join(map(str, bad))}; expected some of {', '.join(LANGUAGES)}"]
        if bad
        else []
    )
