"""The README works as written and the Makefile installs what each target needs (issue 9, items 19, 20, 23)."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from nianbao.cli import main

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text("utf-8")


def _dry_run(target: str, tmp_path: Path) -> str:
    if shutil.which("make") is None:
        pytest.skip("make not installed")
    res = subprocess.run(["make", "-n", target, f"VENV={tmp_path / 'venv'}"], cwd=REPO, capture_output=True,
                         text=True, check=True)  # fmt: skip
    return res.stdout


def _pip_lines(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if "pip install" in ln and "--upgrade pip" not in ln]


def test_demo_installs_the_runtime_only(tmp_path):
    pips = _pip_lines(_dry_run("demo", tmp_path))
    assert pips and all("-c requirements.lock" in ln for ln in pips)
    assert not any("[dev]" in ln or "[notebook]" in ln or "-r requirements.lock" in ln for ln in pips), pips


def test_test_and_notebook_targets_add_their_extras(tmp_path):
    assert any(".[dev]" in ln for ln in _pip_lines(_dry_run("test", tmp_path)))
    nb = _dry_run("notebook", tmp_path)
    assert any(".[notebook]" in ln for ln in _pip_lines(nb))
    assert re.search(
        r'NIANBAO_DB="[^"]*data/demo-run/nianbao\.duckdb" \S*/bin/jupyter lab notebooks/analyst\.ipynb', nb
    )


def test_every_extra_is_pinned_in_the_one_lock():
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    lock = {
        re.sub(r"[-_.]+", "-", ln.split("==")[0]).lower()
        for ln in (REPO / "requirements.lock").read_text("utf-8").splitlines()
        if "==" in ln and not ln.startswith(" ")
    }
    wanted = project["dependencies"] + project["optional-dependencies"]["dev"]
    wanted += project["optional-dependencies"]["notebook"]
    for req in wanted:
        name = re.sub(r"[-_.]+", "-", re.split(r"[<>=!~\[ ]", req)[0]).lower()
        assert name in lock, req


def test_readme_says_how_to_run_nianbao_and_what_shared_is():
    for text in (".venv/bin/nianbao --help", "source .venv/bin/activate", "../shared"):
        assert README.count(text) >= 2, text  # in both the Chinese and the English section
    assert "skip" in README.split("## English")[1].split("### One report")[0]


def test_readme_notebook_command_is_make_notebook_on_the_demo_database():
    assert "jupyter 需另行安装" not in README
    assert README.count("make notebook") >= 4
    assert "NIANBAO_DB=data/nianbao.duckdb jupyter" not in README


def test_readme_out_names_what_extract_writes(tmp_path):
    from tests.extract import builders as b

    src = tmp_path / "a.html"
    src.write_bytes(b.html_report())
    assert main(["extract", str(src), "--out", str(tmp_path / "out")]) == 0
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["a.html.json"]
    assert README.count("a.html.json") == 2 and "writes `NAME.json`" not in README


def test_readme_has_no_repeated_sentence_and_no_stale_timing():
    sentences = [s.strip() for s in re.split(r"(?<=[.。])\s", re.sub(r"```.*?```", "", README, flags=re.S))]
    long = [s for s in sentences if len(s) > 40]
    assert len(long) == len(set(long)), [s for s in long if long.count(s) > 1][:2]
    assert "about 10 seconds" not in README and "6.9 s" not in README


def test_readme_python_examples_work_with_duckdb_2(tmp_path):
    import duckdb

    assert "con.execute(q).pl()" not in README and "con.sql(q).fetchone()`;" not in README
    con = duckdb.connect(str(tmp_path / "x.duckdb"))
    assert con.execute("SELECT 1").fetchone() == (1,)
    con.close()
