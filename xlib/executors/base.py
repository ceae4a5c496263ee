"""What every executor shares: which runs are left, blocked dependants, progress and log lines."""

from __future__ import annotations

import time
from pathlib import Path

from ..rundir import Outcome, Run, is_finished


def _trains(task: str) -> bool:
    """Return whether phase (iii) of ``task`` trains (False for bitext search); True for a task not registered."""
    from ..tasks import get_task

    try:
        return get_task(task).trains
    except (KeyError, ValueError):
        return True


def longest_first(runs: list[Run]) -> list[Run]:
    """Return ``runs`` in the order a pool of workers should start them: phase (ii) first (each unblocks a
    condition's targets), then the phase-(iii) runs by estimated cost, the largest first, so that the
    last runs to start are short and the workers finish together (longest processing time first).

    The estimate is optimizer steps x batch size x sequence length from the run's ``hparams`` (0 for a
    run that does not train, such as bitext search). The sort is stable, so equal runs keep the plan's
    order, and it is deterministic: the order depends only on the plan. It changes no result: every run
    is seeded on its own.
    """

    def cost(run: Run) -> int:
        if run.target and not _trains(run.target):
            return 0
        hparams = run.parameters.get("hparams") or {}
        steps = hparams.get("max_steps") or 0
        return steps * (hparams.get("batch_size") or 1) * (hparams.get("max_length") or 1)

    return sorted(runs, key=lambda run: (run.phase != "intermediate", -cost(run)))


def split_done(runs: list[Run], root: Path, log=print) -> tuple[list[Run], set[str]]:
    """Return the runs still to execute and the ids of those already finished (logging how many)."""
    done = {r.run_id for r in runs if is_finished(root / r.run_id)}
    if done:
        log(f"{len(done)} of {len(runs)} runs already finished: skipped")
    return [r for r in runs if r.run_id not in done], done


class Progress:
    """A live progress bar (when stderr is a terminal) plus one log line per ended run."""

    def __init__(self, total: int, log=print, what: str = "runs"):
        from tqdm.auto import tqdm

        self.total, self.log, self.started = total, log, time.time()
        self.ok = self.failed = 0
        self.bar = tqdm(total=total, desc=what, unit="run", disable=None, dynamic_ncols=True)

    def update(self, outcome: Outcome, running: int = 0) -> None:
        """Count one ended run, refresh the bar (done / failed / running) and log a line for it."""
        if outcome.ok:
            self.ok += 1
        else:
            self.failed += 1
        self.bar.update(1)
        self.bar.set_postfix(done=self.ok, failed=self.failed, running=running, refresh=True)
        status = "ok" if outcome.ok else f"FAILED ({outcome.error})"
        line = (
            f"[{self.ok + self.failed}/{self.total}] {outcome.run_id}: {status} in "
            f"{outcome.seconds:.1f}s (elapsed {time.time() - self.started:.0f}s)"
        )
        self.bar.write(line) if not self.bar.disable else self.log(line)

    def close(self) -> None:
        """Close the bar."""
        self.bar.close()
