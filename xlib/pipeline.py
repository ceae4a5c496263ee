"""The study's phases as functions the notebooks call: intermediate training, target training, evaluation."""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import torch
from transformers import AutoTokenizer

from .faults import fault_point
from .features import featurize_cached
from .formats import family, get_format
from .tasks import TaskSpec, get_task
from .runconfig import RunConfig, train_config
from .train import TrainConfig, train


def set_threads() -> int:
    """Set torch's CPU threads from ``XLIB_NUM_THREADS`` (if set) and return the number in use."""
    n = os.environ.get("XLIB_NUM_THREADS")
    if n:
        torch.set_num_threads(int(n))
    return torch.get_num_threads()


def load_kwargs(trust_remote_code: bool = False) -> dict:
    """Return the keyword arguments every ``from_pretrained`` call uses: safetensors only, no remote code."""
    return {"use_safetensors": True, "trust_remote_code": bool(trust_remote_code)}


def load_tokenizer(path: str, trust_remote_code: bool = False):
    """Return the fast tokenizer stored with the model at ``path`` (a hub id or a local directory)."""
    return AutoTokenizer.from_pretrained(path, trust_remote_code=bool(trust_remote_code))


def evaluate(
    spec: TaskSpec,
    model,
    tokenizer,
    languages,
    split: str,
    max_length: int,
    data: dict | None = None,
    batch_size: int = 64,
    perturb: str | None = None,
    loaded: dict | None = None,
    records: list | None = None,
    **predict_options,
) -> list[dict]:
    """Return result rows (language, split, metric, value) of ``model`` on ``split`` in each language.

    ``perturb`` (``char`` or ``word``, :mod:`xlib.perturb`, seed 0) scores a perturbed copy of the split
    instead; its rows carry the split ``<split>-<perturb>``. ``loaded`` (a dict) keeps each
    language's examples once read, so scoring the same split again (perturbed copies) reads it once.
    ``records`` (a list) receives one prediction record per example (:func:`xlib.predictions.records`).
    """
    fmt = get_format(spec.format)
    rows = []
    loaded = {} if loaded is None else loaded
    for lang in languages:
        if (split, lang) not in loaded:
            loaded[(split, lang)] = spec.load(split, lang, **(data or {}))
        examples = loaded[(split, lang)]
        if perturb:
            from .perturb import perturb_examples

            examples = perturb_examples(examples, spec.format, perturb)
        name = f"{split}-{perturb}" if perturb else split
        if records is not None and hasattr(fmt, "predict_details"):
            preds, details = fmt.predict_details(
                model, tokenizer, examples, spec, max_length, batch_size, **predict_options
            )
            from .predictions import records as prediction_records

            records += prediction_records(spec, examples, preds, lang, name, details)
        else:
            preds = fmt.predict(model, tokenizer, examples, spec, max_length, batch_size, **predict_options)
        for metric, value in fmt.score(examples, preds, spec, language=lang).items():
            rows.append(
                {
                    "task": spec.name,
                    "language": lang,
                    "split": name,
                    "metric": metric,
                    "value": float(value),
                    "n": len(examples),
                }
            )
    return rows


def save_encoder(encoder, target: Path) -> Path:
    """Save ``encoder`` (no task head) to ``target`` with a config cleared of the last head's labels; return ``target``.

    Phase (iii) builds a fresh head from this checkpoint, so nothing of the intermediate head may
    leak into it (jiant loads intermediate checkpoints with ``partial``: the encoder only).
    """
    config = encoder.config
    for attr in ("id2label", "label2id", "problem_type", "architectures"):
        if hasattr(config, attr):
            setattr(config, attr, None)
    config.num_labels = 2  # the library default: every format sets its own head size when loading
    encoder.save_pretrained(target, safe_serialization=True)
    return target


def train_tasks(
    task_names,
    encoder: str,
    cfg: TrainConfig,
    seed: int,
    data: dict,
    trust_remote_code=False,
    condition: dict | None = None,
):
    """Train ``task_names`` (their English training sets) on one shared ``encoder``; return what the phases use.

    Returns ``(shared, log, tokenizer, specs, cfg)``: the multi-task model (its ``heads`` by task name,
    dots as underscores), the loss log, the tokenizer, the task specs as trained (CCG's tag set filled in
    from its data) and ``cfg``. ``condition`` holds a phase-(ii) condition's options (``translate``,
    ``shuffle_labels``, ``mlm``); phase (iii) passes none.
    """
    condition = condition or {}
    tokenizer = load_tokenizer(encoder, trust_remote_code)
    models, features, specs = {}, {}, {}
    torch.manual_seed(seed)
    for name in task_names:
        spec = get_task(name)
        fmt = get_format(spec.format)
        examples = spec.load("train", spec.train_language, **data)
        if not examples:
            raise ValueError(
                f"task {name!r}: no training examples in its train split ({spec.train_language}); "
                f"expected at least one (check the data files or the `data:` sizes)"
            )
        if spec.format == "tagging" and not spec.labels:  # CCG: the tag set is the training data's
            spec = replace(spec, labels=tuple(sorted({t for e in examples for t in e["tags"]})))
        if condition.get("translate"):  # translate-train: add the machine-translated training sets
            from .translate import translated_examples

            examples = examples + translated_examples(spec, condition["translate"], data)
        if condition.get("shuffle_labels"):  # negative control: the same inputs, labels permuted
            from .controls import shuffle_labels

            examples = shuffle_labels(examples, name, spec.format, seed)
        specs[name] = spec
        models[name] = fmt.build_model(encoder, spec, **load_kwargs(trust_remote_code))
        features[name] = featurize_cached(
            fmt, examples, tokenizer, spec, cfg.max_length, cfg.extra.get(family(spec.format), {})
        )
    # the first model's encoder is shared: take one with a pooler (multiple choice reads it) if any
    models = dict(
        sorted(models.items(), key=lambda kv: getattr(getattr(kv[1], kv[1].base_model_prefix), "pooler", None) is None)
    )
    if condition.get("mlm"):  # continued multilingual MLM: one more "task" on the shared encoder
        from .mlm import add_mlm

        add_mlm(models, features, condition["mlm"], encoder, tokenizer, cfg, seed, **load_kwargs(trust_remote_code))
    selection = None
    if cfg.select_on_dev:  # jiant's validation-based checkpoint selection / early stopping (xlib.selection)
        from .selection import DevSelection

        selection = DevSelection(dev_score(specs, tokenizer, cfg, data), cfg.eval_every, cfg.patience)
    shared, log = train(models, features, tokenizer.pad_token_id, cfg, seed=seed, selection=selection)
    fault_point("train")  # crash-safety tests: killed with the trained model only in memory
    return shared, log, tokenizer, specs, cfg


def dev_score(specs: dict, tokenizer, cfg: TrainConfig, data: dict):
    """Return a function of the shared model: its mean headline score on the English dev sets of ``specs``.

    Each task validates on the first ``cfg.eval_examples`` examples of its training language's dev
    split (all of them when None), read once.
    """
    sizes = dict(data.get("sizes") or {})
    if cfg.eval_examples:
        sizes["dev"] = min(int(sizes.get("dev", cfg.eval_examples)), int(cfg.eval_examples))
    dev_data, loaded = {**data, "sizes": sizes}, {}

    def score(shared) -> float:
        values = []
        for name, spec in specs.items():
            rows = evaluate(
                spec,
                shared.heads[name.replace(".", "_")],
                tokenizer,
                [spec.train_language],
                "dev",
                cfg.max_length,
                dev_data,
                loaded=loaded.setdefault(name, {}),
                **prediction_options(spec, cfg),
            )
            values.append(next(r["value"] for r in rows if r["metric"] == spec.metric))
        return sum(values) / len(values)

    return score


def run_intermediate(
    tasks,
    encoder: str,
    out_dir: str,
    hparams: dict,
    seed: int = 0,
    data: dict | None = None,
    trust_remote_code: bool = False,
    options: dict | None = None,
) -> dict:
    """Train phase (ii) on ``tasks`` (one = single-task, several = multi-task), save the encoder, return a report.

    The heads are dropped: ``out_dir/encoder`` holds only the encoder and tokenizer, which is what
    every phase-(iii) run of this condition loads. ``options`` are the condition's (``xlib.conditions``):
    ``mlm``, ``translate``, ``shuffle_labels``. The report holds English dev scores per task (``rows``), the
    loss log and the wall time.
    """
    set_threads()
    start = time.time()
    data = dict(data or {})
    shared, log, tokenizer, specs, cfg = train_tasks(
        tasks, encoder, train_config(hparams), seed, data, trust_remote_code, options
    )
    rows = []
    for name, spec in specs.items():
        rows += evaluate(
            spec,
            shared.heads[name.replace(".", "_")],
            tokenizer,
            [spec.train_language],
            "dev",
            cfg.max_length,
            data,
            **prediction_options(spec, cfg),
        )
    target = Path(out_dir) / "encoder"
    save_encoder(shared.encoder(), target)
    tokenizer.save_pretrained(target)
    return {"rows": rows, "log": log, "seconds": time.time() - start, "encoder": str(target)}


def prediction_options(spec: TaskSpec, cfg: TrainConfig, predict: dict | None = None) -> dict:
    """Return the options of the format's ``predict``: the training config's format options it accepts
    (``extra.<format>``: QA's ``stride``/``max_query_length``, retrieval's ``query_length``/``candidate_length``,
    so the test set is cut as the training set was, as the official scripts do), then ``predict`` over them."""
    accepted = get_format(spec.format).predict_options
    options = {**(cfg.extra.get(family(spec.format)) or {}), **(predict or {})}
    return {k: v for k, v in options.items() if k in accepted}


def train_target(
    task: str,
    encoder: str,
    hparams: dict,
    seed: int = 0,
    data: dict | None = None,
    trust_remote_code: bool = False,
    records: list | None = None,
):
    """Train phase (iii) of ``task`` on its English data, stage by stage; return (model, tokenizer, log, cfg, rows).

    Most tasks train in one stage. A task with several (XCOPA: Social IQa, then COPA, as
    XTREME-R's scripts/train_xcopa.sh) trains them in turn: each stage after the first starts from
    the previous stage's whole model, task head included (saved to a temporary directory and
    loaded back, as the official script continues from the saved Social IQa model). ``rows`` holds
    the English dev scores after every stage: split ``dev`` for the last stage, ``dev-<stage>`` for
    earlier ones; log entries of a named stage carry ``stage``. ``records`` (a list) receives the
    dev sets' prediction records (split names as in ``rows``).
    """
    spec = get_task(task)
    stages = spec.stages(data)
    names = [name for name, _ in stages]
    key = task.replace(".", "_")
    log, rows, start_from = [], [], encoder
    with tempfile.TemporaryDirectory(prefix="xlib-stage-") as scratch:
        for number, (name, stage_data) in enumerate(stages):
            last = number == len(stages) - 1
            shared, stage_log, tokenizer, _, cfg = train_tasks(
                [task], start_from, train_config(hparams, name, names), seed, stage_data, trust_remote_code
            )
            model = shared.heads[key]
            log += [{**entry, "stage": name} for entry in stage_log] if name else stage_log
            stage_records = None if records is None else []
            dev = evaluate(
                spec,
                model,
                tokenizer,
                [spec.train_language],
                "dev",
                cfg.max_length,
                stage_data,
                records=stage_records,
                **prediction_options(spec, cfg),
            )
            rows += dev if last else [{**r, "split": f"dev-{name}"} for r in dev]
            if records is not None:
                records += stage_records if last else [{**r, "split": f"dev-{name}"} for r in stage_records]
            if not last:  # the next stage starts from this model, head included
                start_from = str(Path(scratch) / f"stage-{number}")
                model.save_pretrained(start_from, safe_serialization=True)
                tokenizer.save_pretrained(start_from)
                del shared, model
    return model, tokenizer, log, cfg, rows


def run_target(
    task: str,
    encoder: str,
    hparams: dict,
    seed: int = 0,
    languages=None,
    data: dict | None = None,
    predict: dict | None = None,
    trust_remote_code: bool = False,
    perturb=(),
) -> dict:
    """Run phase (iii): train on the target's English data (if it trains), evaluate zero-shot per language.

    Returns a report with result ``rows`` (English dev plus the evaluation split of every language),
    the loss log, the wall time and ``predictions``: one record per scored example of every split
    and language (:mod:`xlib.predictions`; ``rundir.write_report`` keeps them in ``predictions.parquet``). Retrieval tasks that do not train are scored from the encoder.
    Tasks trained in stages (XCOPA) go through them in turn (:func:`train_target`).
    ``perturb`` lists perturbations (``char``, ``word``) whose test sets are scored too, for MLEM-R.
    """
    set_threads()
    start = time.time()
    data = data or {}
    spec = get_task(task)
    languages = list(languages or spec.languages)
    unknown = [l for l in languages if l not in spec.languages]
    if unknown:
        raise ValueError(
            f"task {task!r} has no language(s) {', '.join(unknown)}; expected some of {', '.join(spec.languages)}"
        )
    log, rows, records = [], [], []
    if spec.trains:
        model, tokenizer, log, cfg, rows = train_target(
            task, encoder, hparams, seed, data, trust_remote_code, records=records
        )
    else:
        cfg = train_config(hparams)
        tokenizer = load_tokenizer(encoder, trust_remote_code)
        model = get_format(spec.format).build_model(encoder, spec, **load_kwargs(trust_remote_code))
    predict = prediction_options(spec, cfg, predict)
    split = cfg.eval_split or spec.eval_split  # params may choose it: test (benchmark), validation (dev sets)
    loaded: dict = {}  # each language's test split is read once, also for its perturbed copies
    rows += evaluate(
        spec, model, tokenizer, languages, split, cfg.max_length, data, loaded=loaded, records=records, **predict
    )
    for kind in perturb or ():
        rows += evaluate(
            spec,
            model,
            tokenizer,
            languages,
            split,
            cfg.max_length,
            data,
            perturb=kind,
            loaded=loaded,
            records=records,
            **predict,
        )
    return {"rows": rows, "log": log, "seconds": time.time() - start, "predictions": records}


def run(config: RunConfig | dict, out_dir: str) -> dict:
    """Run the run of ``config`` (a :class:`xlib.runconfig.RunConfig` or its mapping) into ``out_dir``; return its report.

    The one function each notebook calls: phase (ii) trains and saves the encoder to ``out_dir/encoder``
    (:func:`run_intermediate`), phase (iii) trains on the target and evaluates it (:func:`run_target`).
    """
    cfg = config if isinstance(config, RunConfig) else RunConfig.from_dict(config)
    if cfg.phase == "intermediate":
        return run_intermediate(
            cfg.tasks,
            cfg.encoder,
            out_dir,
            cfg.hparams,
            seed=cfg.seed,
            data=cfg.data,
            trust_remote_code=cfg.trust_remote_code,
            options=cfg.options,
        )
    return run_target(
        cfg.target,
        cfg.encoder,
        cfg.hparams,
        seed=cfg.seed,
        languages=cfg.languages,
        data=cfg.data,
        predict=cfg.predict,
        trust_remote_code=cfg.trust_remote_code,
        perturb=cfg.perturb,
    )
