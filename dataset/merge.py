"""``nianbao merge --data-dir OUT SHARD...``: the data directories of a sharded crawl, as one.

Each machine of a ``--shard K/N`` crawl leaves a data directory of its own
(ledger, WARC files, extraction results).  Merging makes OUT an ordinary data
directory that every later stage reads as if one machine had crawled it all:
the committed part of every WARC file is copied (file names carry the writer's
time stamp and pid, so they do not collide; if two ever do, the merge stops
rather than guess), the ledgers are combined into one, and the current
extractor version's results are copied, so nothing is extracted twice.

No duplicates: an address held by several shards (one host's page linking a
file on another's) is kept once, and which copy is kept depends only on the
rows themselves (the successful fetch, then the latest), never on the order the
directories are named in; a payload stored by several shards is one payload.
All rows join a single finished run of OUT's ledger, so a later crawl into OUT
revalidates them (conditional requests) like any finished crawl.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from crawler.archive import RAW_DIR
from crawler.client import now_iso
from crawler.ledger import LEDGER_NAME, Ledger
from extract.model import STATUS_FAILED

from .errors import DatasetError
from .results import load_result, result_path, write_atomic

MARKER = "merged-from.json"
_COLUMNS = ("source_id", "column_url", "kind", "expected", "found", "fetched_extra", "note", "run_id")


@dataclass
class MergeStats:
    directory: Path
    shards: int = 0
    fetches: int = 0  # ledger rows (addresses) in the merged ledger
    duplicates: int = 0  # addresses held by more than one shard, kept once
    payloads: int = 0
    warc_files: int = 0
    results: int = 0  # extraction results copied
    documents: int = 0  # reports and attachments
    payloads_of_documents: int = 0  # distinct payloads among the documents
    unextracted: int = 0  # of those, with no extraction result yet (run `nianbao extract`)


def _read_ledger(d: Path) -> dict[str, list[dict]]:
    path = d / LEDGER_NAME
    if not path.is_file():
        raise DatasetError(f"{d}: no crawl ledger ({LEDGER_NAME}); not a data directory of `nianbao crawl`")
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        db.row_factory = sqlite3.Row
        try:
            return {t: [dict(r) for r in db.execute(f"SELECT * FROM {t}")]
                    for t in ("fetches", "payloads", "warc_ends", "columns")}  # fmt: skip
        finally:
            db.close()
    except sqlite3.Error as e:
        raise DatasetError(f"{path}: cannot read the crawl ledger: {e}") from e


def _best_fetch(rows: list[dict]) -> dict:
    """The copy of an address to keep: a successful fetch, then the latest, then a fixed tie-break."""
    return max(rows, key=lambda r: (r["status"] == "ok", r["fetched_at"] or "", r["checked_at"] or "",
                                    r["sha256"] or "", r["warc_file"] or "", -(r["warc_offset"] or 0)))  # fmt: skip


def _prepare(out: Path, shards: list[Path]) -> None:
    resolved = [s.resolve() for s in shards]
    if len(set(resolved)) != len(resolved):
        raise DatasetError("merge: the same data directory is named twice")
    if out.resolve() in resolved:
        raise DatasetError(f"merge: {out} is one of the directories to merge; merge into a new directory")
    if (out / LEDGER_NAME).exists():
        if not (out / MARKER).exists():
            raise DatasetError(f"{out}: holds a crawl of its own ({LEDGER_NAME}); merge into a new directory")
        # a previous merge: its ledger and archive copy are rebuilt; results and Parquet stay valid
        for name in (LEDGER_NAME, LEDGER_NAME + "-wal", LEDGER_NAME + "-shm", MARKER):
            (out / name).unlink(missing_ok=True)
        shutil.rmtree(out / RAW_DIR, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)


def _digest(path: Path, length: int) -> str:
    if not path.is_file():
        raise DatasetError(f"{path}: listed in its directory's ledger but missing")
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while length > 0 and (chunk := f.read(min(length, 1 << 20))):
            h.update(chunk)
            length -= len(chunk)
    return h.hexdigest()


def _warc_files(ledgers: dict[Path, dict[str, list[dict]]]) -> dict[str, tuple[Path, str, int]]:
    """The WARC files of the merged archive: new name -> (shard, name there, committed end).

    Names carry the writer's time stamp (to the second) and pid, and machines
    started together in containers share both, so two shards can hold different
    files of one name: each of those gets its content digest in its name (the
    same rule whatever the order of the shards).  One file held by two shards
    (a directory merged with a copy of itself) is one file.
    """
    by_name: dict[str, list[tuple[Path, int]]] = {}
    for s, led in ledgers.items():
        for row in led["warc_ends"]:
            by_name.setdefault(row["warc_file"], []).append((s, row["committed_end"]))
    out: dict[str, tuple[Path, str, int]] = {}
    for name, held in by_name.items():
        digests = {(s, end): _digest(s / RAW_DIR / name, end) for s, end in held} if len(held) > 1 else {}
        for s, end in held:
            if len(set(digests.values())) > 1:
                new = name.removesuffix(".warc.gz") + f"-{digests[(s, end)][:12]}.warc.gz"
            else:
                new = name
            out.setdefault(new, (s, name, end))
    return out


def _copy_committed(src: Path, dst: Path, length: int) -> None:
    """The first ``length`` bytes (a live crawl may be appending past its last commit)."""
    tmp = dst.with_name(f".{dst.name}.partial")
    with open(src, "rb") as f, open(tmp, "wb") as g:
        left = length
        while left > 0:
            chunk = f.read(min(left, 1 << 20))
            if not chunk:
                raise DatasetError(
                    f"{src}: shorter ({length - left} bytes) than its ledger's commit ({length})"
                )
            g.write(chunk)
            left -= len(chunk)
        g.flush()
    tmp.replace(dst)


def merge(out: Path, shards: list[Path]) -> MergeStats:
    out = Path(out)
    shards = [Path(s) for s in shards]
    if not shards:
        raise DatasetError("merge: name at least one data directory to merge")
    ledgers = {s: _read_ledger(s) for s in shards}
    _prepare(out, shards)
    stats = MergeStats(out, shards=len(shards))

    ends = _warc_files(ledgers)  # new name -> (shard, old name, committed end)
    (out / RAW_DIR).mkdir(parents=True, exist_ok=True)
    for name, (s, old, end) in sorted(ends.items()):
        src = s / RAW_DIR / old
        if not src.is_file():
            raise DatasetError(f"{src}: listed in the ledger of {s} but missing")
        _copy_committed(src, out / RAW_DIR / name, end)
    renamed = {(s, old): name for name, (s, old, _end) in ends.items()}
    for s, led in ledgers.items():
        for r in (*led["fetches"], *led["payloads"]):
            if r["warc_file"]:
                r["warc_file"] = renamed.get((s, r["warc_file"]), r["warc_file"])
    stats.warc_files = len(ends)

    by_url: dict[str, list[dict]] = {}
    payloads: dict[str, dict] = {}
    columns: dict[tuple[str, str], list[dict]] = {}
    for led in ledgers.values():
        for r in led["fetches"]:
            by_url.setdefault(r["url"], []).append(r)
        for p in led["payloads"]:
            prev = payloads.get(p["sha256"])
            if prev is None or (p["warc_file"], p["warc_offset"]) < (prev["warc_file"], prev["warc_offset"]):
                payloads[p["sha256"]] = p
        for c in led["columns"]:
            columns.setdefault((c["source_id"], c["column_url"]), []).append(c)
    stats.duplicates = sum(len(rows) > 1 for rows in by_url.values())

    led = Ledger(out)
    try:
        now = now_iso()
        run_id, _ = led.start_run(now, json.dumps({"merge": [str(s.resolve()) for s in shards]}))
        fetches = [dict(_best_fetch(rows), run_id=run_id) for _, rows in sorted(by_url.items())]
        led.commit(fetches, [payloads[k] for k in sorted(payloads)], None)
        with led.lock:
            db = led.db
            db.execute("BEGIN IMMEDIATE")
            for name, (_s, _old, end) in sorted(ends.items()):
                db.execute("INSERT INTO warc_ends VALUES (?, ?)", (name, end))
            for key in sorted(columns):
                c = max(columns[key], key=lambda r: tuple(str(r[k]) for k in _COLUMNS))
                db.execute(f"INSERT INTO columns VALUES ({', '.join('?' * len(_COLUMNS))})",
                           tuple(run_id if k == "run_id" else c[k] for k in _COLUMNS))  # fmt: skip
            db.execute("COMMIT")
        led.finish_run(run_id, now_iso())
    finally:
        led.close()
    stats.fetches, stats.payloads = len(fetches), len(payloads)

    docs = {r["sha256"] for r in fetches
            if r["role"] in ("report", "attachment") and r["status"] == "ok" and r["sha256"]}  # fmt: skip
    stats.documents = sum(
        r["role"] in ("report", "attachment") and r["status"] == "ok" and bool(r["sha256"]) for r in fetches
    )
    stats.payloads_of_documents = len(docs)
    for sha in sorted(docs):
        have = load_result(out, sha)
        for s in shards:
            if have is not None and have.get("status") != STATUS_FAILED:
                break
            rec = load_result(s, sha)
            if rec is not None and (have is None or rec.get("status") != STATUS_FAILED):
                write_atomic(result_path(out, sha), result_path(s, sha).read_bytes())
                have = rec
                stats.results += 1
        stats.unextracted += have is None
    write_atomic(out / MARKER, json.dumps({"shards": [str(s.resolve()) for s in shards], "merged_at": now,
                                          "fetches": stats.fetches, "duplicates": stats.duplicates},
                                         ensure_ascii=False, indent=2).encode("utf-8"))  # fmt: skip
    return stats
