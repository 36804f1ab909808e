"""A small demo district crawled, extracted and loaded on 127.0.0.1: the data every audit test reads.

The demo portal's figures, cut down to a few bodies (one of them with failed checks),
keep the run to a few seconds while exercising the real crawl → extract → load path.
"""

from __future__ import annotations

import contextlib
import copy
import io
from pathlib import Path

import pytest

from demo import figures as figures_mod
from demo.portal import build_site
from demo.run import write_registry
from demo.server import DemoServer
from nianbao.cli import main

#: the bodies kept from the demo: the government, and a township whose 2024 table does not add up
BODIES = ("演示区人民政府", "演示区白沙镇人民政府")


def small_figures() -> dict:
    fig = copy.deepcopy(figures_mod.load())
    fig["bodies"] = [b for b in fig["bodies"] if b["name"] in BODIES]
    for b in fig["bodies"]:
        b["reports"] = [r for r in b["reports"] if r["layout"] == "grid" and r["year"] >= 2023]
    return fig


def run(argv: list[str]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        rc = main(argv)
    assert rc == 0, (argv, out.getvalue())
    return out.getvalue()


class Portal:
    """The demo portal of some figures, whose pages a test may change between crawls."""

    def __init__(self, fig: dict, data_dir: Path):
        self.fig, self.data_dir = fig, data_dir
        self.server = DemoServer(build_site(fig)[0]).start()
        self.registry = write_registry(data_dir / "sources.csv", fig, self.server.base_url)

    def publish(self, fig: dict) -> None:
        self.fig = fig
        self.server.site = build_site(fig)[0]

    def crawl_and_load(self) -> None:
        d = str(self.data_dir)
        run(["crawl", "--sources", str(self.registry), "--data-dir", d, "--no-progress", "--no-browser"])
        run(["extract", "--data-dir", d, "--no-ocr"])
        run(["load", "--data-dir", d, "--force"])

    def stop(self) -> None:
        self.server.stop()


@pytest.fixture(scope="session")
def audit_data(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("audit-data")
    portal = Portal(small_figures(), data_dir)
    try:
        portal.crawl_and_load()
    finally:
        portal.stop()
    return data_dir
