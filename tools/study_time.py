"""Where a finished study's time went, per kind of run, from each run's ``run.json`` (``seconds``: the run
through the executor).

``python tools/study_time.py runs/miniature`` prints one row per kind of run (phase (ii) per condition,
phase (iii) per target): runs, mean and range of seconds per run, and the total run-seconds, the rows
of ``docs/speed.md``'s "The default study's time".
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path


def study_time(runs_dir: Path) -> dict:
    """Return {kind: [seconds of each run]} for every finished run under ``runs_dir``."""
    kinds: dict = defaultdict(list)
    for path in sorted(Path(runs_dir).glob("*/run.json")):
        run = json.loads(path.read_text())
        kind = f"phase (ii), {run['condition']}" if run["phase"] == "intermediate" else run["target"]
        kinds[kind].append(run["seconds"])
    return dict(kinds)


def main(runs_dir: str) -> None:
    """Print the table."""
    kinds = study_time(Path(runs_dir))
    print("| part | runs | seconds per run (mean, range) | total run-seconds |\n|---|---|---|---|")
    for kind, seconds in sorted(kinds.items(), key=lambda kv: -sum(kv[1])):
        print(
            f"| {kind} | {len(seconds)} | {sum(seconds) / len(seconds):.1f} ({min(seconds):.1f}-{max(seconds):.1f}) "
            f"| {sum(seconds):.0f} |"
        )
    total = sum(sum(s) for s in kinds.values())
    print(f"| all runs | {sum(len(s) for s in kinds.values())} | | {total:,.0f} |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "runs/miniature")
