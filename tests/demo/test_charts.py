"""Charts label in Chinese with a CJK font, not tofu boxes (issue 9, item 22)."""

from __future__ import annotations

import warnings

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
from matplotlib import font_manager  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402

from nianbao import charts  # noqa: E402


@pytest.fixture
def cjk():
    before = dict(matplotlib.rcParams)
    name = charts.use_cjk_font()
    if name is None:
        pytest.skip("no CJK font on this machine: `make system` installs fonts-noto-cjk (Debian)")
    yield name
    matplotlib.rcParams.update(before)


def test_rendered_chart_labels_use_the_cjk_font(cjk):
    fig, ax = plt.subplots()
    ax.barh(["演示区人民政府", "南彭街道"], [3, 5])
    ax.set_title("各机关申请数量")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph … missing from font" would be a tofu box
        fig.canvas.draw()
    labels = [t for t in ax.get_yticklabels() if t.get_text()] + [ax.title]
    assert labels
    for t in labels:
        used = font_manager.findfont(t.get_fontproperties(), fallback_to_default=False)
        assert font_manager.get_font(used).family_name == cjk, (t.get_text(), used)
    plt.close(fig)


def test_a_font_missing_from_a_stale_cache_is_found_on_disk(monkeypatch, cjk):
    """A font installed after matplotlib built its cache: the files are added from the font folders."""
    fm = font_manager.fontManager
    monkeypatch.setattr(fm, "ttflist", [f for f in fm.ttflist if f.name not in charts.CJK_FAMILIES])
    assert charts._known(font_manager) is None
    assert charts.cjk_font() in charts.CJK_FAMILIES
