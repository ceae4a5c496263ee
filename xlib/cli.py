"""Command line: ``python -m xlib run PARAMS.yaml`` and friends."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

VERBS = """verbs:
  run PARAMS      run every unfinished run of a study (phase ii, phase iii, retrieval), collect
                  runs/<study>/results.csv and render the heatmaps into figures/; --executor local
                  (default, --jobs N at once), ray (--address ADDR or RAY_ADDRESS) or slurm (submitit;
                  returns once submitted, rerun to resubmit what is neither finished nor queued)
  status PARAMS   done / running / failed / pending runs per phase, read from the run directory
  plan PARAMS     list the runs a study would execute, one per line, without loading anything
                  (the same as `run PARAMS --dry-run`)
  collect PARAMS  rebuild runs/<study>/results.csv from the finished runs
  export PARAMS --condition NAME [--seed N] --out DIR [--labels] [--strict]
                  write one condition's kept predictions in the XTREME-R submission layout
                  (DIR/predictions/<task>/test-<lang>.<ext>, as google-research/xtreme's evaluate.py
                  reads it; --labels adds DIR/labels/, --strict requires every official language)
  figures PARAMS  re-render figures/ from runs/<study>/results.csv
  pretrain PARAMS build (or find in the cache) the miniature's pretrained model and print its path
  diff A B        compare two studies' results (A, B: study directories such as runs/smoke, or params
                  files with --runs-dir) and name every recorded difference that can explain a gap:
                  xlib commit, library versions, the pretrained model's bytes, threads, device, parameters
  validate PARAMS --tolerance POINTS
                  compare the study's baseline with the published XLM-R Large numbers (xlib/validate.py);
                  exit status 1 when a number is outside the tolerance or has no score
"""


def _parser() -> argparse.ArgumentParser:
    from .data_config import DataConfig
    from .executors import EXECUTORS
    from .studyconfig import Study
    from .trainconfig import TrainConfig

    parser = argparse.ArgumentParser(
        prog="python -m xlib",
        description="Intermediate-task training x XTREME-R transfer study toolkit.",
        epilog=VERBS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="verb", metavar="VERB")
    for verb, text in (
        ("run", "run a study"),
        ("plan", "list a study's runs"),
        ("status", "show a study's progress"),
        ("collect", "collect results"),
        ("export", "export predictions for the official scorer"),
        ("figures", "render figures"),
        ("pretrain", "build the miniature model"),
        ("validate", "compare the baseline with published XLM-R Large numbers"),
    ):
        p = sub.add_parser(
            verb,
            help=text,
            description=text,
            formatter_class=argparse.RawDescriptionHelpFormatter,
            epilog="keys of the params file:\n"
            + Study.help()
            + "\n\nkeys of the params file's data: block:\n"
            + DataConfig.help()
            + "\n\ntraining keys of the params file's intermediate: and target: blocks (and of "
            "target_overrides.<task>):\n" + TrainConfig.help(),
        )
        p.add_argument("params", help="study parameter file (YAML), e.g. params/miniature.yaml")
        p.add_argument("--runs-dir", default="runs", help="where run directories live (default: runs)")
        if verb == "run":
            p.add_argument("--dry-run", action="store_true", help="list the runs without executing anything")
            p.add_argument(
                "--jobs",
                type=int,
                default=None,
                help="local executor: runs executed at once (default: params' jobs; on GPUs one per device)",
            )
            p.add_argument(
                "--executor", choices=EXECUTORS, default="local", help="where the runs execute (default: local)"
            )
            p.add_argument(
                "--address", default=None, help="ray: cluster address (default: RAY_ADDRESS, else a local Ray)"
            )
            p.add_argument(
                "--submitit-cluster",
                choices=("slurm", "local"),
                default="slurm",
                help="slurm: 'local' runs the jobs with submitit's local executor instead of sbatch",
            )
            for flag, key, kind, text in (
                ("partition", "partition", str, "Slurm partition"),
                ("account", "account", str, "Slurm account"),
                ("qos", "qos", str, "Slurm QOS"),
                ("gpus", "gpus", int, "GPUs per run"),
                ("cpus", "cpus", int, "CPUs allocated per run (the thread count stays cluster.cpus)"),
                ("mem", "memory_gb", float, "memory per run in GB"),
                ("time", "time_min", int, "time limit per run in minutes"),
            ):
                p.add_argument(f"--{flag}", type=kind, default=None, help=f"slurm: {text} (overrides cluster.{key})")
        if verb == "validate":
            p.add_argument("--tolerance", type=float, required=True, help="largest accepted difference, in points")
            p.add_argument(
                "--published",
                default=None,
                help="a published table in the columns of xlib/data/phang2020_published.csv (default: that file)",
            )
            p.add_argument("--condition", default="baseline", help="the condition compared (default: baseline)")
        if verb == "export":
            p.add_argument("--condition", required=True, help="the condition whose predictions are exported")
            p.add_argument("--seed", type=int, default=None, help="its seed (needed when the study has several)")
            p.add_argument("--out", required=True, help="new directory to write (must not exist)")
            p.add_argument("--labels", action="store_true", help="also write the gold files under DIR/labels/")
            p.add_argument(
                "--strict",
                action="store_true",
                help="require every official language of every XTREME-R task (a leaderboard submission)",
            )
        if verb in ("run", "figures"):
            p.add_argument("--figures-dir", default="figures", help="where figures go (default: figures)")
        if verb == "run":
            p.add_argument("--no-figures", action="store_true", help="skip rendering figures")
    p = sub.add_parser("diff", help="compare two studies", description="compare two studies' results and records")
    p.add_argument("a", help="a study directory (runs/<study>) or a params file")
    p.add_argument("b", help="the other study directory or params file")
    p.add_argument("--runs-dir", default="runs", help="where a params file's study lives (default: runs)")
    return parser


def _study_root(where: str, runs_dir: str) -> Path:
    """Return the study directory named by ``where``: itself, or the study of a params file under ``runs_dir``."""
    path = Path(where)
    if path.suffix in (".yaml", ".yml") and path.is_file():
        from .params import load
        from .rundir import study_dir

        return study_dir(load(path), runs_dir)
    return path


def _diff(args) -> int:
    from .difference import compare_studies, format_comparison
    from .params import ParamsError

    try:
        report = compare_studies(_study_root(args.a, args.runs_dir), _study_root(args.b, args.runs_dir))
    except (FileNotFoundError, ValueError, ParamsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(format_comparison(report))
    return 0 if report["identical"] else 1


def _print_plan(study, runs_dir) -> None:
    from .planning import plan
    from .rundir import is_finished, study_dir

    root = study_dir(study, runs_dir)
    for run in plan(study, runs_dir):
        state = "done" if is_finished(root / run.run_id) else "todo"
        after = f" after {run.depends_on}" if run.depends_on else ""
        print(f"{run.run_id}\t{run.phase}\t{state}{after}")


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit status."""
    args = _parser().parse_args(argv)
    if not args.verb:
        _parser().print_help()
        return 2
    if args.verb == "diff":
        return _diff(args)
    from .params import ParamsError, load

    try:
        study = load(args.params)  # the params file, checked and parsed once (xlib.studyconfig.Study)
    except ParamsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from .executors import ExecutorUnavailable
    from .planning import plan
    from .rundir import study_dir
    from .lock import StudyLocked
    from .study import collect, render_figures, resolve_model, run_study

    if args.verb == "plan" or (args.verb == "run" and args.dry_run):
        _print_plan(study, args.runs_dir)
        return 0
    if args.verb == "status":
        from .status import format_status, study_status

        print(format_status(study_status(plan(study, args.runs_dir), study_dir(study, args.runs_dir)), study.study))
        return 0
    if args.verb == "run":
        options = {}
        if args.executor == "ray":
            options = {"address": args.address}
        elif args.executor == "slurm":
            options = {
                "cluster": args.submitit_cluster,
                "sbatch": {
                    "partition": args.partition,
                    "account": args.account,
                    "qos": args.qos,
                    "gpus": args.gpus,
                    "cpus": args.cpus,
                    "memory_gb": args.mem,
                    "time_min": args.time,
                },
            }
        try:
            return run_study(
                study,
                args.runs_dir,
                jobs=args.jobs,
                executor=args.executor,
                options=options,
                figures_dir=None if args.no_figures else args.figures_dir,
            )
        except StudyLocked as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 3
        except ExecutorUnavailable as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    if args.verb == "validate":
        from .validate import main as validate

        return validate(study, args.runs_dir, args.tolerance, args.published, args.condition)
    root = study_dir(study, args.runs_dir)
    if args.verb == "collect":
        results = collect(root, study.study)
        print(f"{len(results)} rows -> {root / 'results.csv'}")
    elif args.verb == "export":
        from .export import ExportError, export

        try:
            export(
                study, args.condition, args.out, args.runs_dir, seed=args.seed, labels=args.labels, strict=args.strict
            )
        except ExportError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    elif args.verb == "figures":
        render_figures(root / "results.csv", Path(args.figures_dir), study.study, analysis=study.analysis)
    elif args.verb == "pretrain":
        print(resolve_model(study))
    return 0
