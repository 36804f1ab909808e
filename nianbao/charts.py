"""Chinese text in matplotlib charts: find a CJK font and make it the default.

matplotlib's default font has no Chinese glyphs, so agency names come out as
boxes ("tofu").  A font installed after matplotlib built its font cache (``make
system`` installs fonts-noto-cjk) is not in that cache either: the font files are
then added from the system's font folders, and the cache is rebuilt as a last resort.
"""

from __future__ import annotations

from pathlib import Path

#: families with Chinese glyphs, preferred first (the Noto ones are what ``make system`` installs)
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Noto Serif CJK SC",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
)
FONT_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/System/Library/Fonts",
    "/Library/Fonts",
)
_FILE_HINTS = ("cjk", "wqy", "sourcehan", "simhei", "msyh", "pingfang")


def _known(fm) -> str | None:
    have = {f.name for f in fm.fontManager.ttflist}
    return next((name for name in CJK_FAMILIES if name in have), None)


def _font_files() -> list[Path]:
    out = []
    for d in FONT_DIRS:
        root = Path(d).expanduser()
        if root.is_dir():
            out += [
                p
                for p in root.rglob("*")
                if p.suffix.lower() in (".ttf", ".otf", ".ttc")
                and any(h in p.name.lower() for h in _FILE_HINTS)
            ]
    return sorted(out)


def cjk_font() -> str | None:
    """The name of a font family with Chinese glyphs that matplotlib can use, or None."""
    from matplotlib import font_manager as fm

    name = _known(fm)
    if name:
        return name
    for path in _font_files():  # installed after the cache was built
        try:
            fm.fontManager.addfont(str(path))
        except (OSError, RuntimeError, ValueError):
            continue
    name = _known(fm)
    if name is None and _font_files():
        fm.fontManager = fm._load_fontmanager(try_read_cache=False)  # rebuild the cache
        name = _known(fm)
    return name


def use_cjk_font() -> str | None:
    """Make a CJK font matplotlib's default sans-serif font; returns its name (None: none found)."""
    import matplotlib

    name = cjk_font()
    if name:
        matplotlib.rcParams["font.family"] = "sans-serif"
        matplotlib.rcParams["font.sans-serif"] = [name, "DejaVu Sans"]
        matplotlib.rcParams["axes.unicode_minus"] = False  # the CJK fonts lack U+2212
    return name
