"""Translate-train intermediate data: the English task's training set machine-translated into other languages.

Phang et al. (2020) compare English intermediate training with training on intermediate-task data
machine-translated into the target languages. The translated files are read from local paths in the
task's own release format and layout (one directory per task and language, exactly like the English
one), through the task's own loader, so they are checked the same way. The miniature realises the
English meanings in each synthetic language instead (``xlib.synth.tasks.translate``).

The translated sets are concatenated with the English training set (one head per task, as
XTREME's "translate-train-all"), so batches sample every language in proportion to its size.

Options (the condition's ``translate:`` block in a params file):

- ``languages``: the languages to add (required);
- ``dirs``: ``{task: {lang: directory}}``; falls back to the study's ``data: {translated: ...}``.
"""

from __future__ import annotations

OPTIONS = {"languages", "dirs"}


def check_options(options) -> list[str]:
    """Return the problems of a ``translate:`` block (one message per key; empty when valid)."""
    from .checks import option_block_errors

    if not isinstance(options, dict):
        return option_block_errors(options, OPTIONS)
    errors = option_block_errors(options, OPTIONS)
    if "dirs" in options and not isinstance(options["dirs"], dict):
        errors.append("dirs: expected a mapping {task: {language: directory}}")
    return errors


def translated_examples(spec, options: dict, data: dict) -> list[dict]:
    """Return the training examples of ``spec`` in every language of ``options['languages']``, concatenated."""
    errors = check_options(options)
    if errors:
        raise ValueError(f"translate ({spec.name}): " + "; ".join(errors))
    from .formats import family

    if family(spec.format) in ("tagging", "retrieval"):
        raise ValueError(
            f"translate: task {spec.name!r} is a {spec.format} task; translate-train needs "
            "sentence-level labels (word tags do not survive translation)"
        )
    out = []
    for lang in options["languages"]:
        examples = _synthetic(spec, lang, data) if spec.name.startswith("mini-") else _local(spec, lang, options, data)
        out += [{**ex, "id": f"{lang}:{ex.get('id', i)}"} for i, ex in enumerate(examples)]
    return out


def _synthetic(spec, lang: str, data: dict) -> list[dict]:
    from .synth.tasks import translate
    from .tasks.synthetic import DEFAULT_SIZES

    n = {**DEFAULT_SIZES, **(data.get("sizes") or {})}["train"]
    return translate(spec.name, "train", lang, int(n), seed=int(data.get("data_seed", 0)))


def _local(spec, lang: str, options: dict, data: dict) -> list[dict]:
    from .loaders.common import DataUnavailableError

    dirs = options.get("dirs") or data.get("translated") or {}
    path = (dirs.get(spec.name) or {}).get(lang) if isinstance(dirs, dict) else None
    if not path:
        raise DataUnavailableError(
            f"translate: no translated {spec.name!r} data for language {lang!r}; set translate.dirs."
            f"{spec.name}.{lang} (or data.translated.{spec.name}.{lang}) to a directory holding the translated "
            "training file in the task's original format and file name"
        )
    local = {k: v for k, v in data.items() if k not in ("data_dir", "data_files", "translated")}
    if spec.name == "anli":  # ANLI+ draws on three release directories; the translation replaces all of them
        local["data_dir"] = {part: path for part in ("anli", "mnli", "snli")}
    else:
        local["data_dir"] = {spec.name: path}
    return spec.loader(spec, "train", spec.train_language, **local)
