"""Write the study notebooks (thin: a parameters cell and calls into xlib), committed without outputs.

``python tools/make_notebooks.py`` writes all of them; ``python tools/make_notebooks.py analysis.ipynb``
writes only the notebooks named.
"""

import hashlib
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parents[1] / "notebooks"


def params_cell(src):
    cell = new_code_cell(src)
    cell.metadata["tags"] = ["parameters"]
    return cell


ONLY = set(sys.argv[1:])


def config_cells(example, phase):
    """Return the parameters cell (a demo config of ``phase``) and the cell that reads it into a RunConfig."""
    return [
        params_cell(
            "# the run's config: the fields of xlib.runconfig.RunConfig (Papermill passes the planned run's own)\n"
            f"config = {{{example}\n"
            '          "encoder": "",  # empty: the smoke study\'s pretrained model\n'
            '          "hparams": {"learning_rate": 3e-4, "max_steps": 20, "batch_size": 16, "max_length": 64},\n'
            '          "data": {"sizes": {"train": 200, "dev": 50, "test": 50}}}\n'
            'out_dir = ""          # empty: a temporary directory'
        ),
        new_code_cell(
            "import dataclasses\nimport tempfile\nimport pandas as pd\nfrom xlib import pipeline, rundir, runconfig, study\n\n"
            "config = runconfig.RunConfig.from_dict(config)\n"
            "config = dataclasses.replace(config, encoder=config.encoder or study.smoke_model())\n"
            f"out_dir = out_dir or tempfile.mkdtemp(prefix='xlib-{phase}-')"
        ),
    ]


def save(name, cells):
    if ONLY and name not in ONLY:
        return
    for number, cell in enumerate(cells):  # stable ids: regenerating changes only the cells that changed
        cell.id = hashlib.sha1(f"{name}:{number}".encode()).hexdigest()[:8]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.write(nb, HERE / name)


save(
    "intermediate.ipynb",
    [
        new_markdown_cell(
            "# Phase (ii): English intermediate-task training\n\n"
            "Fine-tunes the pretrained encoder on one English intermediate task (or on several at once: "
            "multi-task, one head per task over a shared encoder), scores each task on its English dev set, "
            "drops the heads and saves the encoder to `out_dir/encoder` for every phase-(iii) run of this "
            "condition. Papermill fills the parameters from `params/*.yaml`; run as is, it trains the smoke "
            "setup's model on `mini-mnli`."
        ),
        *config_cells('"phase": "intermediate", "condition": "mini-mnli", "tasks": ["mini-mnli"],', "intermediate"),
        new_code_cell(
            "report = pipeline.run(config, out_dir)\n"
            "rundir.write_report(out_dir, report)\n"
            "print(f\"{config.condition}: trained {', '.join(config.tasks)} in {report['seconds']:.1f}s -> {report['encoder']}\")"
        ),
        new_markdown_cell("English dev scores of each intermediate task and the training loss:"),
        new_code_cell('pd.DataFrame(report["rows"])'),
        new_code_cell('pd.DataFrame(report["log"]).pivot(index="step", columns="task", values="loss")'),
    ],
)

save(
    "target.ipynb",
    [
        new_markdown_cell(
            "# Phase (iii): target-task training and zero-shot evaluation\n\n"
            "Fine-tunes the encoder of one condition (baseline or after intermediate training) on the target "
            "task's English training data, then evaluates zero-shot on every language of the task. Retrieval "
            "tasks (Tatoeba-like) are scored straight from the encoder, without target training. Run as is, it "
            "trains the smoke model on `mini-xnli`."
        ),
        *config_cells('"phase": "target", "condition": "baseline", "target": "mini-xnli",', "target"),
        new_code_cell(
            "report = pipeline.run(config, out_dir)\n"
            "rundir.write_report(out_dir, report)\n"
            "print(f\"{config.condition} -> {config.target}: {report['seconds']:.1f}s\")"
        ),
        new_markdown_cell("Scores per language (the first rows are the English dev set used for model selection):"),
        new_code_cell(
            'scores = pd.DataFrame(report["rows"])\n'
            'scores.pivot_table(index=["split", "metric"], columns="language", values="value").round(1)'
        ),
    ],
)

save(
    "analysis.ipynb",
    [
        new_markdown_cell(
            "# Analysis: does English intermediate-task training help zero-shot transfer?\n\n"
            "Reads a study's long results table (`runs/<study>/results.csv`) and answers the study's question "
            "with **MLEM** (defined by this project, `docs/mlem.md`): every target task's scores are normalised "
            "across languages and conditions, averaged per language into `A[m, l]`, and averaged over languages "
            "into MLEM; the effect of each intermediate condition is `ΔMLEM` with a 95% bootstrap interval over "
            "seeds and languages. Beside it: XTREME-R scores, transfer gaps, normalised gains, fairness across "
            "languages, the association with similarity to English (MLEM-S) and, when the results hold perturbed "
            "test sets, robustness (MLEM-R). In heatmaps `*` marks a cell whose 95% interval excludes zero.\n\n"
            "Run as is, it analyses the smoke study (running it first if needed)."
        ),
        params_cell(
            'results_csv = ""      # empty: the smoke study\'s results\nbaseline = "baseline"\n'
            'normalize = "minmax"  # minmax | zscore | none\nmode = "joint"        # joint | per_condition\n'
            "include_english = True\nn_boot = 1000         # bootstrap resamples (at least 1000 for reported numbers)\n"
            'seed = 0              # bootstrap RNG seed\nlanguage_order_by = "similarity"  # similarity | family\n'
            'correction = "holm"   # multiple comparisons in the paired tests: holm | bh (Benjamini–Hochberg) | none\n'
            "alpha = 0.05"
        ),
        new_code_cell(
            "from pathlib import Path\nimport pandas as pd\nfrom xlib import analysis, corrections, mlem, plots, scores, significance, similarity, study\n\n"
            "results = pd.read_csv(results_csv or study.smoke_results())\n"
            'print(f"{len(results)} rows: {results.condition.nunique()} conditions x {results.target.nunique()} targets x "\n'
            '      f"{results.language.nunique()} languages x {results.seed.nunique()} seed(s)")\n'
            "languages = similarity.order_languages(results.language.unique(), by=language_order_by)\n"
            "if significance.one_seed_warning(results):   # said plainly, before any interval is read\n"
            "    print(significance.one_seed_warning(results))"
        ),
        new_markdown_cell("## MLEM per condition (ΔMLEM over the baseline with its 95% bootstrap interval)"),
        new_code_cell(
            "table = mlem.mlem(results, baseline=baseline, normalize=normalize, mode=mode,\n"
            "                  include_english=include_english, n_boot=n_boot, seed=seed)\n"
            "plots.mlem_effects(table, baseline=baseline);\n"
            "table.assign(significant=mlem.significant(table)).round(4)"
        ),
        new_markdown_cell("Zero-shot languages only (English left out of the mean over languages):"),
        new_code_cell(
            "mlem.mlem(results, baseline=baseline, normalize=normalize, mode=mode, include_english=False,\n"
            "          n_boot=n_boot, seed=seed).round(4)"
        ),
        new_markdown_cell("## The per-language aggregate `A[m, l]` and its coverage (tasks that entered each mean)"),
        new_code_cell(
            "aggregates = mlem.language_aggregates(results, normalize=normalize, mode=mode)\n"
            'aggregates.pivot(index="condition", columns="language", values="aggregate")'
            ".reindex(index=analysis.condition_order(aggregates.condition.unique()), columns=languages).round(3)"
        ),
        new_code_cell(
            'aggregates.pivot(index="condition", columns="language", values="coverage").reindex(columns=languages)'
        ),
        new_markdown_cell("## Gain in `A` per language over the baseline (x100; `*`: interval over seeds excludes 0)"),
        new_code_cell(
            "language_gains = mlem.language_gains(results, baseline=baseline, normalize=normalize, mode=mode,\n"
            "                                     n_boot=n_boot, seed=seed)\n"
            "plots.mlem_heatmap(language_gains, language_order=languages);"
        ),
        new_markdown_cell(
            "## XTREME-R scores (official aggregate: per-task mean over languages, category means, overall)"
        ),
        new_code_cell("scores.xtreme_r_score(results).round(2)"),
        new_markdown_cell(
            "## Gain over the baseline per target, zero-shot languages (points; `*`: 95% interval excludes 0)"
        ),
        new_code_cell(
            "gains = analysis.gain_by_target(results, baseline=baseline)\n"
            "intervals = analysis.gain_intervals(results, baseline=baseline, n_boot=n_boot, seed=seed)\n"
            "plots.gain_heatmap_targets(gains, intervals=intervals);\n"
            "intervals.round(2)"
        ),
        new_markdown_cell("## Gain per language, for each target task"),
        new_code_cell(
            'per_language = analysis.gain_intervals(results, baseline=baseline, by="language", n_boot=n_boot, seed=seed)\n'
            "for target in sorted(per_language.target.unique()):\n"
            "    plots.gain_heatmap_languages(per_language, target, language_order=languages)"
        ),
        new_markdown_cell(
            "## Paired significance: the same test examples under both conditions\n\n"
            "The intervals above resample seeds and languages from the results table. The field tests the "
            "difference between two systems *paired* on the same test examples: here every phase-(iii) run's "
            "kept predictions (`predictions.parquet`) are rescored on bootstrap draws of the test examples, the "
            "same draw for the condition and the baseline, with seeds resampled too when there are several. "
            "Each family of comparisons (per target and language, per target, ΔMLEM) is corrected for its "
            "number of comparisons with the `correction` parameter (`xlib.significance`)."
        ),
        new_code_cell(
            "from IPython.display import Markdown, display\nfrom xlib import significance\n\n"
            "study_dir = Path(results_csv or study.smoke_results()).parent\n"
            "if significance.has_predictions(study_dir):\n"
            "    records = significance.load_predictions(study_dir)\n"
            '    paired_language = significance.paired_gains(records, baseline, "language", correction, n_boot, seed, alpha)\n'
            '    paired_target = significance.paired_gains(records, baseline, "target", correction, n_boot, seed, alpha)\n'
            "    paired_mlem = significance.paired_mlem(records, baseline, normalize=normalize, mode=mode,\n"
            "                                           include_english=include_english, correction=correction,\n"
            "                                           n_boot=n_boot, seed=seed, alpha=alpha)\n"
            "    display(Markdown(significance.explain(records, correction, alpha, {\n"
            '        "per target and language": len(paired_language), "per target": len(paired_target),\n'
            '        "ΔMLEM": len(paired_mlem)})))\n'
            "else:\n"
            "    records = None\n"
            '    print(f"{study_dir}: these runs keep no predictions.parquet (made before predictions were kept); "\n'
            '          "rerun them for paired tests")'
        ),
        new_markdown_cell("ΔMLEM per condition, paired over test examples (and seeds), MLEM recomputed on every draw:"),
        new_code_cell("if records is not None:\n    display(paired_mlem.round(4))"),
        new_markdown_cell(
            "Gain per target (mean over the zero-shot languages), paired; `*` = significant after the correction:"
        ),
        new_code_cell(
            "if records is not None:\n"
            "    plots.gain_heatmap_targets(gains, intervals=paired_target,\n"
            '                               title=f"Gain over the baseline (zero-shot languages)\\n"\n'
            '                                     f"{corrections.describe(correction, len(paired_target), alpha)}")\n'
            "    display(paired_target.round(4))"
        ),
        new_markdown_cell("Gain per target and language, paired:"),
        new_code_cell(
            "if records is not None:\n"
            "    for target in sorted(paired_language.target.unique()):\n"
            "        plots.gain_heatmap_languages(paired_language, target, language_order=languages,\n"
            '                                     title=f"{target}: gain per language\\n"\n'
            '                                           f"{corrections.describe(correction, len(paired_language), alpha)}")\n'
            "    display(paired_language.round(4))"
        ),
        new_markdown_cell(
            "## Cross-lingual transfer gap (English minus the mean of the other languages) and its change"
        ),
        new_code_cell("scores.transfer_gap_change(results, baseline=baseline).round(2)"),
        new_markdown_cell("## Normalised gain `(s_k - s_base) / (100 - s_base)`, mean over languages"),
        new_code_cell(
            "normalized = scores.normalized_gain(results, baseline=baseline)\n"
            'normalized.pivot_table(index="condition", columns="target", values="normalized_gain", aggfunc="mean").round(3)'
        ),
        new_markdown_cell("## Fairness across languages of `A[m, ·]` and a LEXTREME-style score"),
        new_code_cell("scores.fairness(aggregates).round(3)"),
        new_code_cell("scores.lextreme_score(results).round(2)"),
        new_markdown_cell(
            "## MLEM-S: association with syntactic similarity to English (English excluded)\n\n"
            "Similarity: URIEL syntax features for real languages (`xlib/data/uriel_syntax.csv`), the known "
            "construction for the miniature's synthetic languages."
        ),
        new_code_cell(
            'sim = similarity.similarity_to_english(results.language.unique(), missing="skip")\n'
            'pd.Series(sim, name="similarity to English").reindex([l for l in languages if l in sim]).round(3)'
        ),
        new_code_cell(
            "mlem.similarity_correlation(results, sim, baseline=baseline, normalize=normalize, mode=mode,\n"
            "                          n_boot=n_boot, seed=seed).round(3)"
        ),
        new_markdown_cell(
            "## MLEM-R: relative drop under perturbation (needs `test-char` / `test-word` rows; lower is more robust)"
        ),
        new_code_cell(
            "robust = mlem.mlem_r(results, baseline=baseline, include_english=include_english)\n"
            'robust if not robust.empty else print("no perturbed test sets in these results: run the targets with "\n'
            "                                      \"perturb=['char', 'word'] to get MLEM-R\")"
        ),
        new_code_cell(
            "by_language = mlem.robustness_by_language(results)\n"
            "if not by_language.empty:\n"
            '    display(by_language.pivot(index="condition", columns="language", values="drop")\n'
            "            .reindex(columns=[l for l in languages if l in set(by_language.language)]).round(3))"
        ),
    ],
)

save(
    "figures.ipynb",
    [
        new_markdown_cell(
            "# Figures\n\nRegenerates every figure of a study from its results table into `figures/`, named "
            "`<study>_<figure>.png` and `.pdf`: intermediate task x target task gains over the baseline "
            "(`gains_by_target`), condition x language gains per target (`gains_<target>`), MLEM's per-language "
            "gains (`mlem_by_language`), ΔMLEM with its interval per condition (`mlem_effects`) and Phang et al. (2020)'s published numbers beside this study's "
            "(`phang2020_vs_study`; the paper's per-cell table is not available in any source, so those cells "
            "read n/a). `*` marks a significant gain: from a paired bootstrap over test examples corrected for "
            "the number of comparisons (`correction`: Holm, Benjamini–Hochberg or none; each title says which "
            "and over how many comparisons) when the runs keep their predictions, else a 95% bootstrap interval "
            "over seeds and languages that excludes zero. `python -m xlib run` "
            "executes this notebook; run as is, it draws the smoke study into `runs/smoke/figures/`."
        ),
        params_cell(
            'results_csv = ""      # empty: the smoke study\'s results\nfigures_dir = ""      # empty: next to the results\n'
            'study = "smoke"\nbaseline = "baseline"\nn_boot = 1000\nseed = 0\nlanguage_order_by = "similarity"  # similarity | family\n'
            'correction = "holm"   # multiple comparisons: holm | bh (Benjamini–Hochberg) | none\nalpha = 0.05'
        ),
        new_code_cell(
            "from pathlib import Path\nimport pandas as pd\nfrom xlib import plots, significance, study as xstudy\n\n"
            "results_csv = Path(results_csv or xstudy.smoke_results())\n"
            'figures_dir = Path(figures_dir or results_csv.parent / "figures")\n'
            "results = pd.read_csv(results_csv)\n"
            "paired = significance.has_predictions(results_csv.parent)\n"
            'print(f"stars: paired bootstrap over test examples, {correction} correction" if paired else\n'
            '      "stars: bootstrap over seeds and languages (these runs keep no predictions.parquet)")\n'
            'paths = plots.render_study_figures(results, figures_dir, baseline=baseline, prefix=f"{study}_", n_boot=n_boot,\n'
            "                                   seed=seed, language_order_by=language_order_by, study=study,\n"
            "                                   predictions_dir=results_csv.parent if paired else None,\n"
            "                                   correction=correction, alpha=alpha)\n"
            "for path in paths:\n    print(path)"
        ),
    ],
)
save(
    "errors.ipynb",
    [
        new_markdown_cell(
            "# Errors: what one run got wrong, beside another condition on the same examples\n\n"
            "Loads the kept predictions (`predictions.parquet`) of one phase-(iii) run (`study`, `condition`, "
            "`target`, `seed`; `language` empty for every language) and shows what to look at first: for "
            "classification and multiple choice the confusion matrix and the most confident mistakes, for "
            "tagging per-tag F1 and the most confused tag pairs, for QA predicted vs gold answers, for retrieval "
            "the rank of the gold item. Then the same run beside `compare_with` (e.g. the baseline) on the same "
            "test examples: how often each is right, and the examples where exactly one of them is. All logic is "
            "in `xlib.errors`. Run as is, it reads the smoke study (running it first if needed)."
        ),
        params_cell(
            'study = "smoke"        # params/<study>.yaml; its runs are read from runs_dir/<study>\n'
            'runs_dir = ""          # empty: the checkout\'s runs directory (the study is run if needed)\n'
            'condition = "mini-squad"\ntarget = "mini-xnli"\nlanguage = ""          # empty: every language\n'
            'seed = 0\ncompare_with = "baseline"   # empty: no second condition\nn = 10                 # rows per table'
        ),
        new_code_cell(
            "from pathlib import Path\nfrom IPython.display import Markdown, display\n"
            "from xlib import errors, study as xstudy\n\n"
            "study_dir = Path(runs_dir) / study if runs_dir else xstudy.smoke_results(study).parent\n"
            "records = errors.load_run(study_dir, condition, target, seed, language or None)\n"
            "other = errors.load_run(study_dir, compare_with, target, seed, language or None) if compare_with else None\n"
            'print(f"{condition} on {target} (seed {seed}): {len(records)} examples, split {records.split.iloc[0]!r}, "\n'
            "      f\"languages {', '.join(sorted(records.language.unique()))}; analysis: {errors.kind(records)}\")"
        ),
        new_markdown_cell("## What this run got wrong"),
        new_code_cell(
            "for title, table in errors.report(records, n).items():\n"
            '    display(Markdown(f"**{condition}: {title}**"), table)'
        ),
        new_markdown_cell("## Beside the other condition, on the same examples"),
        new_code_cell(
            "if other is not None:\n"
            '    if errors.kind(records) == "label":\n'
            "        errors.confusion_figure(other, records)\n"
            "    for title, table in errors.report(other, n).items():\n"
            '        display(Markdown(f"**{compare_with}: {title}**"), table)\n'
            "    counts, differing = errors.side_by_side(other, records)\n"
            '    display(Markdown("**right / wrong on the same examples** (rows: " + compare_with + ", columns: "\n'
            '                     + condition + ")"), counts)\n'
            '    display(Markdown(f"**examples where exactly one is right** ({len(differing)}; first {n})"),\n'
            "            differing.head(n))"
        ),
    ],
)
print("notebooks written to", HERE)
