"""Write the study notebooks (thin: a parameters cell and calls into xlib), committed without outputs."""
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parents[1] / "notebooks"


def params_cell(src):
    cell = new_code_cell(src)
    cell.metadata["tags"] = ["parameters"]
    return cell


def save(name, cells):
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.write(nb, HERE / name)


save("intermediate.ipynb", [
    new_markdown_cell("# Phase (ii): English intermediate-task training\n\n"
                      "Fine-tunes the pretrained encoder on one English intermediate task (or on several at once: "
                      "multi-task, one head per task over a shared encoder), scores each task on its English dev set, "
                      "drops the heads and saves the encoder to `out_dir/encoder` for every phase-(iii) run of this "
                      "condition. Papermill fills the parameters from `params/*.yaml`; run as is, it trains the smoke "
                      "setup's model on `mini-mnli`."),
    params_cell('study = "smoke"\nrun_id = "interactive"\nout_dir = ""          # empty: a temporary directory\n'
                'condition = "mini-mnli"\ntasks = ["mini-mnli"]\nencoder = ""          # empty: the smoke study\'s pretrained model\n'
                'seed = 0\nhparams = {"learning_rate": 3e-4, "max_steps": 20, "batch_size": 16, "max_length": 64}\n'
                'data = {"sizes": {"train": 200, "dev": 50, "test": 50}}\ntrust_remote_code = False'),
    new_code_cell("import tempfile\nimport pandas as pd\nfrom xlib import pipeline, study\n\n"
                  "encoder = encoder or study.smoke_model()\nout_dir = out_dir or tempfile.mkdtemp(prefix='xlib-intermediate-')"),
    new_code_cell("report = pipeline.run_intermediate(tasks, encoder, out_dir, hparams, seed=seed, data=data,\n"
                  "                                   trust_remote_code=trust_remote_code)\n"
                  "study.write_report(out_dir, report)\n"
                  "print(f\"{condition}: trained {', '.join(tasks)} in {report['seconds']:.1f}s -> {report['encoder']}\")"),
    new_markdown_cell("English dev scores of each intermediate task and the training loss:"),
    new_code_cell("pd.DataFrame(report[\"rows\"])"),
    new_code_cell("pd.DataFrame(report[\"log\"]).pivot(index=\"step\", columns=\"task\", values=\"loss\")"),
])

save("target.ipynb", [
    new_markdown_cell("# Phase (iii): target-task training and zero-shot evaluation\n\n"
                      "Fine-tunes the encoder of one condition (baseline or after intermediate training) on the target "
                      "task's English training data, then evaluates zero-shot on every language of the task. Retrieval "
                      "tasks (Tatoeba-like) are scored straight from the encoder, without target training. Run as is, it "
                      "trains the smoke model on `mini-xnli`."),
    params_cell('study = "smoke"\nrun_id = "interactive"\nout_dir = ""          # empty: a temporary directory\n'
                'condition = "baseline"\ntarget = "mini-xnli"\nencoder = ""          # empty: the smoke study\'s pretrained model\n'
                'seed = 0\nhparams = {"learning_rate": 3e-4, "max_steps": 20, "batch_size": 16, "max_length": 64}\n'
                'languages = []        # empty: every language of the task\n'
                'data = {"sizes": {"train": 200, "dev": 50, "test": 50}}\npredict = {}\ntrust_remote_code = False'),
    new_code_cell("import tempfile\nimport pandas as pd\nfrom xlib import pipeline, study\n\n"
                  "encoder = encoder or study.smoke_model()\nout_dir = out_dir or tempfile.mkdtemp(prefix='xlib-target-')"),
    new_code_cell("report = pipeline.run_target(target, encoder, hparams, seed=seed, languages=languages, data=data,\n"
                  "                             predict=predict, trust_remote_code=trust_remote_code)\n"
                  "study.write_report(out_dir, report)\n"
                  "print(f\"{condition} -> {target}: {report['seconds']:.1f}s\")"),
    new_markdown_cell("Scores per language (the first rows are the English dev set used for model selection):"),
    new_code_cell("scores = pd.DataFrame(report[\"rows\"])\n"
                  "scores.pivot_table(index=[\"split\", \"metric\"], columns=\"language\", values=\"value\").round(1)"),
])

save("analysis.ipynb", [
    new_markdown_cell("# Analysis: does intermediate training help zero-shot transfer?\n\n"
                      "Reads a study's long results table (`runs/<study>/results.csv`) and shows the score of each "
                      "condition per target task, the gain of every intermediate condition over the baseline (per target "
                      "and per language) and the cross-lingual transfer gap. Run as is, it analyses the smoke study "
                      "(running it first if needed)."),
    params_cell('results_csv = ""      # empty: the smoke study\'s results\nbaseline = "baseline"'),
    new_code_cell("import pandas as pd\nfrom xlib import analysis, plots, study\n\n"
                  "results = pd.read_csv(results_csv or study.smoke_results())\n"
                  "print(f\"{len(results)} rows: {results.condition.nunique()} conditions x {results.target.nunique()} targets x \"\n"
                  "      f\"{results.language.nunique()} languages x {results.seed.nunique()} seed(s)\")"),
    new_markdown_cell("## Scores per condition and target (headline metric, mean over languages and seeds)"),
    new_code_cell("analysis.score_table(results).round(1)"),
    new_markdown_cell("## Gain over the baseline, zero-shot languages (points)"),
    new_code_cell("gains = analysis.gain_by_target(results, baseline=baseline)\n"
                  "plots.gain_heatmap_targets(gains, title=\"Gain over the baseline (mean over zero-shot languages)\");\n"
                  "gains.round(1)"),
    new_markdown_cell("## Gain per language, for each target task"),
    new_code_cell("per_language = analysis.gain_by_language(results, baseline=baseline)\n"
                  "for target in sorted(per_language.target.unique()):\n"
                  "    plots.gain_heatmap_languages(per_language, target)"),
    new_markdown_cell("## Cross-lingual transfer gap (English minus the mean of the other languages)"),
    new_code_cell("analysis.transfer_gap(results).round(1)"),
])

save("figures.ipynb", [
    new_markdown_cell("# Figures\n\nRegenerates every figure of a study from its results table: the heatmap intermediate "
                      "task x target task of gains over the baseline and, per target task, condition x language. "
                      "`python -m xlib run` executes this notebook into `figures/`; run as is, it draws the smoke study "
                      "into `runs/smoke/figures/`."),
    params_cell('results_csv = ""      # empty: the smoke study\'s results\nfigures_dir = ""      # empty: next to the results\nstudy = "smoke"'),
    new_code_cell("from pathlib import Path\nimport pandas as pd\nfrom xlib import plots, study as xstudy\n\n"
                  "results_csv = Path(results_csv or xstudy.smoke_results())\n"
                  "figures_dir = Path(figures_dir or results_csv.parent / \"figures\")\n"
                  "results = pd.read_csv(results_csv)\n"
                  "paths = plots.render_study_figures(results, figures_dir, prefix=f\"{study}_\")\n"
                  "for path in paths:\n    print(path)"),
])
print("notebooks written to", HERE)
