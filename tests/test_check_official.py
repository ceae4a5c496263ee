"""tools/check_official.py loads a checkout's functions and reports a difference: checked against a stand-in
checkout (the official code may not be committed here) that delegates to xlib, once faithful and once broken."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = {
    "evaluate.py": "from xlib import metrics\n"
    "def accuracy(labels, predictions, language=None):\n"
    "    return {'accuracy': metrics.accuracy(labels, predictions)['accuracy'] + OFFSET}\n"
    "def f1(labels, predictions, language=None):\n    return metrics.tag_f1(labels, predictions)\n"
    "def bucc_f1(labels, predictions, language=None):\n    return metrics.bucc_f1(labels, predictions)\n"
    "METRIC_FUNCTION = {}\n",
    "third_party/__init__.py": "",
    "third_party/evaluate_squad.py": "from xlib import metrics\n"
    "def evaluate(dataset, predictions):\n"
    "    return metrics.squad_em_f1(dataset, predictions)\n",
    "third_party/evaluate_mlqa.py": "from xlib import metrics\n"
    "def evaluate(dataset, predictions, lang):\n"
    "    return metrics.mlqa_em_f1(dataset, predictions, lang)\n",
    "third_party/utils_mewslix.py": "from xlib import metrics\n"
    "def evaluate(gold, predictions, k=20):\n"
    "    return metrics.mewslix_map_at_k(gold, predictions, k)[f'map@{k}'] / 100\n",
    "third_party/utils_lareqa.py": "import faiss  # never imported: the tool reads single functions\n"
    "def average_precision_at_k(targets, ranked_predictions, k=None):\n"
    "    from xlib.metrics import average_precision_at_k as ap\n"
    "    return ap(targets, ranked_predictions, k)\n",
    "third_party/utils_retrieve.py": "import faiss\n"
    "def bucc_optimize(candidate2score, gold):\n"
    "    from xlib.metrics import bucc_optimize\n"
    "    return bucc_optimize(candidate2score, gold)\n",
}


def _checkout(path, offset):
    for name, text in FILES.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text.replace("OFFSET", str(offset)))
    return path


def _run(checkout):
    return subprocess.run(
        [sys.executable, str(ROOT / "tools" / "check_official.py"), "--xtreme", str(checkout), "--cases", "30"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def test_faithful_checkout_passes_and_a_broken_metric_is_reported(tmp_path):
    good = _run(_checkout(tmp_path / "good", 0))
    assert good.returncode == 0, good.stdout + good.stderr
    assert "no value differed" in good.stdout and "mlqa_em_f1[zh]" in good.stdout
    bad = _run(_checkout(tmp_path / "bad", 0.5))
    assert bad.returncode == 1
    line = next(l for l in bad.stdout.splitlines() if l.strip().startswith("accuracy"))
    assert "max |diff| 0.5" in line and "1 metric(s) DIFFER" in bad.stdout


def test_not_a_checkout_is_said(tmp_path):
    out = _run(tmp_path)
    assert out.returncode != 0 and "not a checkout of google-research/xtreme" in out.stderr
