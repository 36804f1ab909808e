"""The command line as a user of sqlite-utils, Scrapy or DuckDB expects it: a version, verbosity, usage errors
at parse time, help for every option, quiet ends on Ctrl-C and closed pipes, paths that do not move with cwd."""

from __future__ import annotations

import argparse
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.politeness import PolitenessConfig
from nianbao import __version__
from nianbao.cli import DEFAULT_DATA_DIR, build_parser, main
from tests.crawler import portal as P
from tests.extract import builders as b

REPO = Path(__file__).resolve().parents[1]


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


@pytest.mark.parametrize(
    "argv",
    [
        ["crawl", "--per-host", "0"],
        ["crawl", "--global-limit", "0"],
        ["crawl", "--per-host", "-3"],
        ["crawl", "--max-pages", "0"],
        ["crawl", "--max-depth", "-1"],
        ["crawl", "--delay", "-1"],
        ["crawl", "--delay", "nan"],
        ["crawl", "--retry-base", "inf"],
        ["crawl", "--since", "21"],
        ["crawl", "--per-host", "two"],
        ["export", "--year", "0"],
    ],
)
def test_numeric_options_are_checked_when_parsed(argv, capsys):
    with pytest.raises(SystemExit) as e:
        build_parser().parse_args(argv)  # parse only: nothing is crawled, whatever happens
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {argv[1]}" in err and "Traceback" not in err


def test_politeness_limits_below_one_are_refused_in_the_library_too():
    for bad in ({"per_host": 0}, {"global_limit": 0}, {"delay": -1.0}):
        with pytest.raises(ValueError):
            PolitenessConfig(**bad)


def test_version(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0
    assert capsys.readouterr().out.strip() == f"nianbao {__version__}"


def test_every_option_has_help():
    missing = []
    for name, sub in _subparsers(build_parser()).items():
        for action in sub._actions:
            if not action.help or action.help == argparse.SUPPRESS:
                missing.append(f"{name} {'/'.join(action.option_strings) or action.dest}")
    assert not missing, f"options without help text: {missing}"


def test_verbosity_options_before_and_after_the_command():
    p = build_parser()
    assert p.parse_args(["-q", "crawl"]).quiet == 1
    assert p.parse_args(["crawl", "-q"]).quiet == 1
    assert p.parse_args(["check", "-vv", "x"]).verbose == 2
    assert p.parse_args(["load"]).verbose == 0


def test_check_json(tmp_path, capsys):
    f = tmp_path / "r.html"
    f.write_bytes(b.html_report())
    rc = main(["check", "--json", str(f)])
    doc = json.loads(capsys.readouterr().out)
    assert rc == 0
    assert doc["path"] == str(f) and doc["report"]["agency"] == b.AGENCY
    assert doc["checks"] > 0 and doc["checks_failed"] == 0 and doc["failures"] == [] and doc["ok"] is True


# --- paths ---------------------------------------------------------------------


def test_defaults_are_the_checkout_s_data_whatever_the_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    p = build_parser()
    assert DEFAULT_DATA_DIR == REPO / "data"
    for argv in (["crawl"], ["extract"], ["load"], ["export"]):
        assert p.parse_args(argv).data_dir == REPO / "data", argv
    assert p.parse_args(["demo"]).data_dir == REPO / "data" / "demo-run"
    assert p.parse_args(["dictionary"]).out == REPO / "data"
    # what the user types stays relative to where they are
    assert p.parse_args(["crawl", "--data-dir", "mine"]).data_dir == Path("mine")
    help_text = p.format_help() + _subparsers(p)["crawl"].format_help()
    flat = " ".join(help_text.split())
    assert "relative to the current directory" in flat and str(REPO / "data") in flat
    readme = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    assert "a path you leave out defaults to the checkout's own `data/` folder" in readme


# --- Ctrl-C and closed pipes --------------------------------------------------------


class _ClosedPipe(io.StringIO):
    def write(self, s):
        raise BrokenPipeError(32, "Broken pipe")


def test_closed_pipe_ends_quietly_in_process(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    rc = main(["dictionary", "--out", str(tmp_path)])
    assert rc == 141
    assert "Traceback" not in capsys.readouterr().err


def _nianbao(*args: str, **kw) -> subprocess.Popen:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.Popen([sys.executable, "-m", "nianbao", *args], cwd=REPO, env=env, **kw)


def test_closed_pipe_ends_quietly(tmp_path):
    """``nianbao … | head`` once head has gone: no BrokenPipeError traceback."""
    r, w = os.pipe()
    os.close(r)  # the reader is gone before the first line is written
    proc = _nianbao("dictionary", "--out", str(tmp_path), stdout=w, stderr=subprocess.PIPE, text=True)
    os.close(w)
    _, err = proc.communicate(timeout=120)
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
    assert proc.returncode == 141


def test_ctrl_c_prints_one_line_and_exits_130(tmp_path):
    with P.Portal(latency=0.3, flaky={}) as portal:
        reg = tmp_path / "reg.csv"
        reg.write_text(P.registry_csv(portal), encoding="utf-8")
        proc = _nianbao("crawl", "--sources", str(reg), "--data-dir", str(tmp_path / "d"), "--no-progress",
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
        deadline = time.monotonic() + 60
        while len(portal.paths()) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(portal.paths()) >= 3, "the crawl never started"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        again = _nianbao("crawl", "--sources", str(reg), "--data-dir", str(tmp_path / "d"), "--no-progress",
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
        again_out, again_err = again.communicate(timeout=120)
    assert again.returncode == 0, again_err  # rerunning resumed and finished the run
    assert "test-district" in again_out and " reused" in again_out
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1] == "interrupted — rerun the same command to resume"
    assert "source" not in out  # no summary of a run that did not finish
