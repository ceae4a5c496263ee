"""Dev-based checkpoint selection and early stopping, as jiant's: validate every N steps, keep the best, stop
after P validations without a gain, reload the best at the end.

jiant 2 (nyu-mll/jiant, ``jiant/proj/main/metarunner.py``; its XTREME recipe, ``guides/benchmarks/xtreme.md``)
runs with ``--eval_every_steps 1000 --no_improvements_for_n_evals 30`` and ``load_best_model=True``,
validating on a 500-example subset (``eval_subset_num=500``) of the English training task's dev set
(``docs/sources.md``). ``TrainConfig`` switches it on (``select_on_dev``) with ``eval_every``,
``patience`` (0: select the best, never stop early) and ``eval_examples``; :func:`xlib.train.train`
calls :meth:`DevSelection.update` after every ``eval_every``-th optimizer step and after the last.
"""

from __future__ import annotations

from typing import Callable

import torch

__all__ = ["DevSelection"]


class DevSelection:
    """Keeps the best-scoring weights seen so far (on the CPU) and says when to stop."""

    def __init__(self, score: Callable[[torch.nn.Module], float], eval_every: int, patience: int):
        if eval_every < 1 or patience < 0:
            raise ValueError(f"dev selection needs eval_every >= 1 and patience >= 0; got {eval_every}, {patience}")
        self.score, self.eval_every, self.patience = score, int(eval_every), int(patience)
        self.best_score, self.best_step, self.best_state = float("-inf"), 0, None
        self.since_best = 0
        self.history: list[dict] = []

    def due(self, step: int, total_steps: int) -> bool:
        """Return whether the model is validated after optimizer step ``step`` (every ``eval_every``, and the last)."""
        return step % self.eval_every == 0 or step == total_steps

    def update(self, step: int, model: torch.nn.Module) -> bool:
        """Validate ``model`` after ``step``; keep its weights if they beat the best; return True to stop early."""
        was_training = model.training
        score = float(self.score(model))
        model.train(was_training)
        self.history.append({"step": step, "task": "dev-selection", "dev_score": score})
        if score > self.best_score:
            self.best_score, self.best_step, self.since_best = score, step, 0
            self.best_state = {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}
        else:
            self.since_best += 1
        return self.patience > 0 and self.since_best >= self.patience

    def restore(self, model: torch.nn.Module) -> dict:
        """Load the best weights into ``model``; return the log entry that says which step they are from."""
        if self.best_state is not None:
            model.load_state_dict(self.best_state)
        return {
            "step": self.best_step,
            "task": "dev-selection-best",
            "best_dev_score": self.best_score,
            "validations": len(self.history),
        }
