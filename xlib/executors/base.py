"""What every executor shares: which runs are left, blocked dependants, progress and log lines."""

from __future__ import annotations

import time
from pathlib import Path

from ..rundir import Outcome, Run, is_finished


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
