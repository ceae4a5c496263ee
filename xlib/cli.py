"""Command line: ``python -m xlib run PARAMS.yaml`` and friends."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

VERBS = """verbs:
  run PARAMS      run every unfinished run of a study (phase ii, phase iii, retrieval), collect
                  runs/<study>/results.csv and render the heatmaps into figures/
  plan PARAMS     list the runs a study would execute, one per line, without loading anything
                  (the same as `run PARAMS --dry-run`)
  collect PARAMS  rebuild runs/<study>/results.csv from the finished runs
  figures PARAMS  re-render figures/ from runs/<study>/results.csv
  pretrain PARAMS build (or find in the cache) the miniature's pretrained model and print its path
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m xlib", description="Intermediate-task training x XTREME-R transfer study toolkit.",
        epilog=VERBS, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="verb", metavar="VERB")
    for verb, text in (("run", "run a study"), ("plan", "list a study's runs"), ("collect", "collect results"),
                       ("figures", "render figures"), ("pretrain", "build the miniature model")):
        p = sub.add_parser(verb, help=text, description=text)
        p.add_argument("params", help="study parameter file (YAML), e.g. params/miniature.yaml")
        p.add_argument("--runs-dir", default="runs", help="where run directories live (default: runs)")
        if verb == "run":
            p.add_argument("--dry-run", action="store_true", help="list the runs without executing anything")
            p.add_argument("--jobs", type=int, default=None, help="runs executed at once (default: params' jobs)")
        if verb in ("run", "figures"):
            p.add_argument("--figures-dir", default="figures", help="where figures go (default: figures)")
        if verb == "run":
            p.add_argument("--no-figures", action="store_true", help="skip rendering figures")
    return parser


def _print_plan(params, runs_dir) -> None:
    from .study import plan, study_dir, is_finished
    root = study_dir(params, runs_dir)
    for run in plan(params, runs_dir):
        state = "done" if is_finished(root / run.run_id) else "todo"
        after = f" after {run.depends_on}" if run.depends_on else ""
        print(f"{run.run_id}\t{run.phase}\t{state}{after}")


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit status."""
    args = _parser().parse_args(argv)
    if not args.verb:
        _parser().print_help()
        return 2
    from .params import ParamsError, load_params
    try:
        params = load_params(args.params)
    except ParamsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from . import study
    if args.verb == "plan" or (args.verb == "run" and args.dry_run):
        _print_plan(params, args.runs_dir)
        return 0
    if args.verb == "run":
        return study.run_study(params, args.runs_dir, jobs=args.jobs,
                               figures_dir=None if args.no_figures else args.figures_dir)
    root = study.study_dir(params, args.runs_dir)
    if args.verb == "collect":
        results = study.collect(root, params["study"])
        print(f"{len(results)} rows -> {root / 'results.csv'}")
    elif args.verb == "figures":
        study.render_figures(root / "results.csv", Path(args.figures_dir), params["study"])
    elif args.verb == "pretrain":
        print(study.resolve_model(params))
    return 0
