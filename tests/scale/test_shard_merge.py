"""``crawl --shard K/N`` splits by host; ``merge`` of the shards equals one unsharded crawl."""

from __future__ import annotations

import contextlib
import io
import shutil
import sqlite3
from pathlib import Path

import polars as pl
import pytest

from crawler.registry import RegistryError, Source
from crawler.shard import Shard, host_key, parse_shard, select_shard, shard_of
from dataset.errors import DatasetError
from dataset.merge import merge
from nianbao.cli import main
from tests.crawler import portal as P
from tests.scale.conftest import outputs

#: columns that say when a crawl ran, not what it found
WHEN = {"fetched_at", "checked_at"}


def test_parse_shard():
    assert parse_shard("2/3") == Shard(2, 3)
    for bad in ("0/2", "3/2", "1/0", "a/b", "2", "1/2/3", ""):
        with pytest.raises(RegistryError, match="--shard"):
            parse_shard(bad)


def test_host_key_joins_twins_and_keeps_ports():
    assert (
        host_key("http://www.cqbn.gov.cn/a/") == host_key("https://CQBN.gov.cn/b/index.html") == "cqbn.gov.cn"
    )
    assert host_key("http://cqbn.gov.cn:80/") == "cqbn.gov.cn"
    assert host_key("http://127.0.0.1:8080/x") == "127.0.0.1:8080"


def _src(i: int, url: str) -> Source:
    return Source(f"s{i}", "区", None, "district", url, "trs")


def test_every_source_in_exactly_one_shard_and_hosts_never_split():
    urls = [f"http://www.d{i % 40}.gov.cn/col{i}/" for i in range(200)]
    sources = [_src(i, u) for i, u in enumerate(urls)]
    for n in (1, 2, 3, 7):
        shards = [select_shard(sources, Shard(k, n)) for k in range(1, n + 1)]
        ids = [s.id for sh in shards for s in sh]
        assert sorted(ids) == sorted(s.id for s in sources)  # disjoint and complete
        for sh in shards:
            for s in sh:  # every source of a host is in the shard of that host
                assert all(shard_of(t.start_url, n) == shard_of(s.start_url, n) for t in sources
                           if host_key(t.start_url) == host_key(s.start_url))  # fmt: skip
    # stable: fixed by the host name alone (not by hash() salting, registry order or size)
    assert shard_of("http://www.cqbn.gov.cn/zwgk/", 4) == shard_of("https://cqbn.gov.cn/other/", 4)
    assert [shard_of(f"http://www.d{i}.gov.cn/", 3) for i in range(8)] == [3, 3, 1, 2, 1, 2, 3, 2]


def _registry(path: Path, portals: list[P.Portal]) -> Path:
    rows = ["id,district,agency,level,start_url,cms,allow_private,delay"]
    for i, p in enumerate(portals):
        rows.append(f"test-{i},测试区{i},,district,{p.url(P.COL + 'index.html')},trs,true,0")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _crawl(reg: Path, data: Path, *flags: str) -> int:
    with contextlib.redirect_stdout(io.StringIO()):
        return main(["crawl", "--sources", str(reg), "--data-dir", str(data), "--no-progress", "--retry-base",
                     "0.01", *flags])  # fmt: skip


def _tables(data: Path) -> dict[str, pl.DataFrame]:
    out = {}
    for table in sorted(p.name for p in (data / "parquet").iterdir()):
        df = pl.read_parquet(data / "parquet" / table / "**" / "*.parquet", hive_partitioning=False)
        df = df.drop([c for c in df.columns if c in WHEN])
        out[table] = df.sort(df.columns, nulls_last=True)
    return out


def _warc_name(data: Path) -> str:
    (name,) = [p.name for p in (data / "raw").glob("*.warc.gz")]
    return name


def _rename_warc(data: Path, new: str) -> None:
    old = _warc_name(data)
    (data / "raw" / old).rename(data / "raw" / new)
    db = sqlite3.connect(data / "ledger.sqlite3")
    for table in ("fetches", "payloads", "warc_ends"):
        db.execute(f"UPDATE {table} SET warc_file = ? WHERE warc_file = ?", (new, old))
    db.commit()
    db.close()


@pytest.fixture(scope="module")
def portals():
    """Loopback portals on their own ports (so, their own hosts), until both of two shards have one."""
    with contextlib.ExitStack() as stack:
        started: list[P.Portal] = []
        while len(started) < 3 or len({shard_of(p.origin, 2) for p in started}) < 2:
            assert len(started) < 12, "the shard hash put a dozen ports into one shard"
            started.append(stack.enter_context(P.Portal(flaky={})))
        yield started


def test_two_shards_merged_equal_one_unsharded_crawl(portals, tmp_path):
    reg = _registry(tmp_path / "reg.csv", portals)
    whole, one, two, merged = (tmp_path / n for n in ("whole", "shard1", "shard2", "merged"))
    assert _crawl(reg, whole) == 0
    assert _crawl(reg, one, "--shard", "1/2") == 0
    assert _crawl(reg, two, "--shard", "2/2") == 0
    for d in (whole, one, two):
        assert main(["extract", "--data-dir", str(d)]) == 0
    sources = {
        d: set(pl.read_parquet(d / "parquet/fetches/fetches.parquet")["source_id"]) for d in (one, two)
    }
    assert sources[one] and sources[two] and not sources[one] & sources[two]  # disjoint hosts, both busy
    assert main(["merge", "--data-dir", str(merged), str(one), str(two)]) == 0
    got, want = _tables(merged), _tables(whole)
    assert got.keys() == want.keys()
    for table in want:
        assert got[table].equals(want[table]), table
    assert want["reports"].height == 11 * len(portals)  # 7 reports and 4 attachments per portal
    # shards started together in containers can write WARC files of one name (time stamp, pid)
    clash = tmp_path / "shard2-clash"
    shutil.copytree(two, clash)
    _rename_warc(clash, _warc_name(one))
    m = merge(tmp_path / "merged-clash", [clash, one])
    assert m.warc_files == 2 and len(list((tmp_path / "merged-clash" / "raw").glob("*-*-*-*.warc.gz"))) == 2
    assert main(["load", "--data-dir", str(tmp_path / "merged-clash")]) == 0
    assert {t: d.equals(want[t]) for t, d in _tables(tmp_path / "merged-clash").items()} == dict.fromkeys(
        want, True
    )
    assert (
        main(["extract", "--data-dir", str(tmp_path / "merged-clash"), "--full"]) == 0
    )  # payloads all readable
    # the merged directory is an ordinary data directory: re-extracting finds everything done
    assert main(["extract", "--data-dir", str(merged)]) == 0
    assert main(["merge", "--data-dir", str(merged), str(two), str(one)]) == 0  # again, other order
    assert {t: d.equals(want[t]) for t, d in _tables(merged).items()} == dict.fromkeys(want, True)


def test_a_directory_merged_with_its_copy_keeps_each_address_once(portals, tmp_path):
    reg = _registry(tmp_path / "reg.csv", portals[:1])
    a = tmp_path / "a"
    assert _crawl(reg, a) == 0
    assert main(["extract", "--data-dir", str(a)]) == 0
    b = tmp_path / "b"
    shutil.copytree(a, b)
    m = merge(tmp_path / "m", [a, b])
    assert m.duplicates == m.fetches and m.results > 0 and m.unextracted == 0
    assert main(["load", "--data-dir", str(tmp_path / "m")]) == 0
    assert outputs(tmp_path / "m") == outputs(a)


def test_merge_refuses_what_it_cannot_merge(portals, tmp_path):
    with pytest.raises(DatasetError, match="no crawl ledger"):
        merge(tmp_path / "out", [tmp_path])
    reg = _registry(tmp_path / "reg.csv", portals[:1])
    a = tmp_path / "a"
    assert _crawl(reg, a) == 0
    merge(tmp_path / "other", [a])
    with pytest.raises(DatasetError, match="holds a crawl of its own"):
        merge(a, [tmp_path / "other"])
    with pytest.raises(DatasetError, match="named twice"):
        merge(tmp_path / "out", [a, a])
    with pytest.raises(DatasetError, match="one of the directories"):
        merge(a, [a])


def test_a_shard_without_hosts_crawls_nothing_and_says_so(portals, tmp_path, capsys):
    reg = _registry(tmp_path / "reg.csv", portals[:1])
    other = 3 - shard_of(portals[0].origin, 2)  # the shard its one host is not in
    assert _crawl(reg, tmp_path / "d", "--shard", f"{other}/2") == 0
    assert f"shard {other}/2: 0 of 1 sources" in capsys.readouterr().err
    assert not (tmp_path / "d" / "ledger.sqlite3").exists()
    assert _crawl(reg, tmp_path / "d", "--shard", "0/2") == 2
    assert "--shard '0/2': expected K/N" in capsys.readouterr().err
