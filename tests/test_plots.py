"""xlib.plots: files written, annotations equal to the gains, a colour scale symmetric around zero."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from xlib import analysis, plots, published_figure  # noqa: E402
from xlib.published import published_gains  # noqa: E402

from test_analysis import make_results  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def results():
    return make_results()


def _annotations(ax):
    return [t.get_text() for t in ax.texts]


def _mesh(ax):
    return ax.collections[0]


def test_target_heatmap_annotations_labels_and_symmetric_scale(results):
    gains = analysis.gain_by_target(results)
    fig = plots.gain_heatmap_targets(gains, title="toy")
    ax = fig.axes[0]
    expected = [f"{v:.1f}" for v in gains.to_numpy().ravel()]  # row-major, like the heatmap
    assert _annotations(ax) == expected == ["2.0", "5.0", "1.5", "3.0"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["task-a", "multi-task"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["cls", "qa"]
    assert ax.get_xlabel() == "target task" and ax.get_ylabel() == "intermediate task"
    assert ax.get_title() == "toy"
    norm = _mesh(ax).norm
    assert norm.vmin == pytest.approx(-norm.vmax)
    assert norm.vmax == pytest.approx(5.0)
    assert _mesh(ax).colorbar.ax.get_ylabel() == "gain over baseline (points)"


def test_target_heatmap_negative_extreme_sets_the_scale():
    gains = pd.DataFrame({"t1": [1.0, -7.25], "t2": [0.5, np.nan]}, index=["a", "b"])
    fig = plots.gain_heatmap_targets(gains)
    ax = fig.axes[0]
    norm = _mesh(ax).norm
    assert (norm.vmin, norm.vmax) == (pytest.approx(-7.25), pytest.approx(7.25))
    assert _annotations(ax) == ["1.0", "0.5", "-7.2"]  # NaN cell blank, not "0.0" or "nan"
    # a gain that rounds to zero reads "0.0", never "-0.0"
    tiny = plots.gain_heatmap_targets(pd.DataFrame({"t": [-0.04, 0.04]}, index=["a", "b"]))
    assert _annotations(tiny.axes[0]) == ["0.0", "0.0"]
    # the colour of zero is the palette's centre: a 0 gain maps to the middle of the scale
    assert norm(0.0) == pytest.approx(0.5)


def test_target_heatmap_on_given_axes_and_empty_input(results):
    fig, ax = plt.subplots()
    assert plots.gain_heatmap_targets(analysis.gain_by_target(results), ax=ax) is fig
    with pytest.raises(ValueError):
        plots.gain_heatmap_targets(pd.DataFrame())


def test_figure_size_grows_with_table():
    small = plots.gain_heatmap_targets(pd.DataFrame({"t": [1.0]}, index=["a"]))
    big = plots.gain_heatmap_targets(
        pd.DataFrame(np.ones((9, 10)), index=[f"c{i}" for i in range(9)], columns=[f"t{i}" for i in range(10)])
    )
    (sw, sh), (bw, bh) = small.get_size_inches(), big.get_size_inches()
    assert bw > sw and bh > sh


def test_language_heatmap_blank_missing_cell_and_order(results):
    gains = analysis.gain_by_language(results)
    fig = plots.gain_heatmap_languages(gains, "qa")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["en", "de", "sw"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["task-a", "multi-task"]
    # task-a has no sw score: that cell is blank
    assert _annotations(ax) == ["0.0", "5.0", "4.0", "2.0", "4.0"]
    assert ax.get_xlabel() == "language"
    norm = _mesh(ax).norm
    assert (norm.vmin, norm.vmax) == (pytest.approx(-5.0), pytest.approx(5.0))


def test_language_heatmap_given_order_and_unknown_target(results):
    gains = analysis.gain_by_language(results)
    fig = plots.gain_heatmap_languages(gains, "cls", language_order=["sw", "en"])
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels == ["sw", "en", "de"]
    assert _annotations(fig.axes[0])[:3] == ["-1.0", "3.0", "5.0"]
    with pytest.raises(ValueError, match="nope"):
        plots.gain_heatmap_languages(gains, "nope")


def test_save_figure_writes_png_and_pdf(results, tmp_path):
    fig = plots.gain_heatmap_targets(analysis.gain_by_target(results))
    paths = plots.save_figure(fig, tmp_path / "deep" / "dir" / "gains.v1")
    assert [p.name for p in paths] == ["gains.v1.png", "gains.v1.pdf"]
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert paths[1].read_bytes()[:5] == b"%PDF-"
    assert all(p.stat().st_size > 1000 for p in paths)
    first = [p.read_bytes() for p in paths]
    import time

    time.sleep(1.1)  # a PDF creation date would now differ
    plots.save_figure(fig, tmp_path / "deep" / "dir" / "gains.v1")
    assert [p.read_bytes() for p in paths] == first  # same figure, same bytes: regenerating keeps git clean


def test_render_study_figures(results, tmp_path):
    paths = plots.render_study_figures(
        results, tmp_path / "figs", prefix="toy_", similarity={"sw": 0.9, "de": 0.1}, n_boot=50
    )
    names = sorted(p.name for p in paths)
    stems = ("gains_by_target", "gains_cls", "gains_qa", "mlem_by_language", "mlem_effects", "phang2020_vs_study")
    assert names == sorted(f"toy_{stem}.{ext}" for stem in stems for ext in ("png", "pdf"))
    assert all(p.exists() and p.stat().st_size > 1000 and p.parent == tmp_path / "figs" for p in paths)
    assert plt.get_fignums() == []  # figures closed after saving


# ---------------------------------------------------------------------------------------- significance marks


def test_target_heatmap_marks_significant_cells(results):
    gains = analysis.gain_by_target(results)
    intervals = analysis.gain_intervals(results, n_boot=200)
    fig = plots.gain_heatmap_targets(gains, intervals=intervals)
    texts = _annotations(fig.axes[0])
    flags = intervals.set_index(["condition", "target"])["significant"]
    expected = [f"{gains.loc[c, t]:.1f}" + ("*" if flags[(c, t)] else "") for c in gains.index for t in gains.columns]
    assert texts == expected
    assert any(t.endswith("*") for t in texts) and not all(t.endswith("*") for t in texts)


def test_language_heatmap_marks_follow_the_column_order():
    rows = [
        {"condition": "k", "target": "t", "language": l, "gain": g, "significant": sig}
        for l, g, sig in (("en", 1.0, False), ("de", 2.0, True), ("sw", -3.0, True))
    ]
    fig = plots.gain_heatmap_languages(pd.DataFrame(rows), "t", language_order=["sw", "de", "en"])
    assert _annotations(fig.axes[0]) == ["-3.0*", "2.0*", "1.0"]


def test_mlem_heatmap_scales_and_marks():
    gains = pd.DataFrame(
        [
            {"condition": "k", "language": "de", "gain": 0.123, "significant": True},
            {"condition": "k", "language": "en", "gain": -0.05, "significant": False},
        ]
    )
    fig = plots.mlem_heatmap(gains)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["en", "de"]
    assert _annotations(ax) == ["-5.0", "12.3*"]
    assert _mesh(ax).colorbar.ax.get_ylabel() == plots.MLEM_CBAR_LABEL
    with pytest.raises(ValueError):
        plots.mlem_heatmap(gains.iloc[0:0])


def test_published_figure_marks_missing_cells_not_available(results):
    published = published_gains()
    fig = published_figure.published_vs_study_figure(published, analysis.gain_by_target(results), study="toy")
    left, right = fig.axes[0], fig.axes[1]
    table = published_figure.published_table(published)
    n_missing = int(table.isna().to_numpy().sum())
    texts = _annotations(left)
    assert texts.count(published_figure.NOT_AVAILABLE) == n_missing
    assert n_missing == len(published_figure.intermediate_titles()) * table.shape[1] + int(
        published.isna().to_numpy().sum()
    )
    assert "10.9" in texts  # TyDiQA-GoldP F1: 76.0 - 65.1 in both third-party tables
    assert [t.get_text() for t in right.get_xticklabels()] == ["cls", "qa"]
    assert "toy" in right.get_title()


def test_mlem_effects_error_bars_and_fill():
    table = pd.DataFrame(
        {
            "condition": ["baseline", "k", "j"],
            "mlem": [0.4, 0.5, 0.39],
            "delta": [0.0, 0.1, -0.01],
            "ci_low": [np.nan, 0.05, -0.03],
            "ci_high": [np.nan, 0.15, 0.02],
        }
    )
    fig = plots.mlem_effects(table)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["k", "j"]  # baseline left out, order kept top-down
    filled, hollow = ax.collections[-2], ax.collections[-1]
    assert filled.get_offsets().tolist() == [[pytest.approx(10.0), 1.0]]  # k: interval excludes zero
    assert hollow.get_offsets().tolist() == [[pytest.approx(-1.0), 0.0]]
    low, high = ax.get_xlim()
    assert low == pytest.approx(-high) and high >= 15.0
    with pytest.raises(ValueError):
        plots.mlem_effects(table.iloc[:1])
