"""Archive + extraction results → the Parquet tables, partitioned by statistics year.

Layout: ``DATA_DIR/parquet/<table>/year=<YYYY|unknown>/part-0.parquet`` for
reports, cells, sections and checks; ``DATA_DIR/parquet/<table>/<table>.parquet``
for fetches, bodies and body_aliases.  Every file is written to a temporary name
and renamed, rows are sorted by the primary key and nothing of the run itself
(time, host, pid) goes into the data, so the same inputs give byte-identical files.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from extract.codebook import all_cells

from . import schema as sc
from .archive import Archive
from .bodies import body_key
from .canonical import mark_canonical
from .local import default_archive
from .results import load_result
from .revisions import revision_rows

PARQUET_DIR = "parquet"
COMPRESSION = "zstd"
COMPRESSION_LEVEL = 3
ROW_GROUP_SIZE = 1_000_000


@dataclass
class WriteStats:
    directory: Path
    reports: int = 0
    cells: int = 0
    files: int = 0


def report_id(source_url: str, sha256: str) -> str:
    """Stable across runs: the same document at the same address keeps its id."""
    return "r" + hashlib.sha1(f"{source_url}\n{sha256}".encode()).hexdigest()[:15]


#: (table, row, col) -> 件 or 万元, from the codebook
UNITS = {(t, r, c): u for t, r, c, _, _, u in all_cells()}


def _whole(v: float | int | None) -> int | None:
    """A check compares counts, which are whole: 13.0 is stored as 13."""
    return None if v is None else int(round(v))


def _get(doc: Any, name: str) -> Any:
    return getattr(doc, name, None)


def rows_for(data_dir: Path, docs) -> dict[str, list[dict]]:
    """Python rows per table for some archived documents and their cached results."""
    out: dict[str, list[dict]] = {"reports": [], "cells": [], "sections": [], "checks": []}
    for doc in docs:
        rec = load_result(data_dir, doc.sha256)
        rep = (rec or {}).get("report") or {}
        rid = report_id(doc.url, doc.sha256)
        agency = rep.get("agency") or _get(doc, "agency_hint")
        district = _get(doc, "district") or ""
        checks = (rec or {}).get("checks") or []
        cells = (rec or {}).get("cells") or []
        out["reports"].append({
            "report_id": rid,
            "body_id": body_key(agency, district).body_id,
            "agency": agency,
            "district": district,
            "level": _get(doc, "level") or None,
            "year": rep.get("year") or _get(doc, "year_hint"),
            "format": rep.get("format"),
            "published_on": rep.get("published_on") or _get(doc, "published_hint"),
            "source_url": doc.url,
            "fetched_at": _get(doc, "fetched_at"),
            "sha256": doc.sha256,
            "extractor_version": (rec or {}).get("extractor_version"),
            "status": rec["status"] if rec else "not extracted",
            "error": (rec or {}).get("error"),
            "title": rep.get("title") or _get(doc, "title_hint"),
            "media_type": rep.get("media_type") or _get(doc, "media_type"),
            "role": _get(doc, "role"),
            "parent_url": _get(doc, "parent_url"),
            "source_id": _get(doc, "source_id"),
            "n_cells": len(cells),
            "cells_expected": rep.get("cells_expected"),
            "missing_rows": ", ".join((rep.get("missing_rows") or []) + (rep.get("incomplete_rows") or []))
            or None,
            "n_failed_checks": sum(not c["passed"] for c in checks),
            "warnings": "\n".join(rep.get("warnings") or []) or None,
            "processing_fee_yuan": rep.get("processing_fee_yuan"),
            "processing_fee_text": rep.get("processing_fee_text"),
            "agency_hint": _get(doc, "agency_hint"),
        })  # fmt: skip
        for c in cells:
            out["cells"].append({
                "report_id": rid, "table": c["table"], "row": c["row"], "col": c["col"],
                "value": None if c["value"] is None else float(c["value"]), "raw": c.get("raw"),
                "unit": UNITS.get((c["table"], c["row"], c["col"])),
                "location": json.dumps(c.get("location") or {}, ensure_ascii=False, sort_keys=True),
                "method": c.get("method") or None, "confidence": c.get("confidence"),
                "uncertain": "uncertain" in (c.get("flags") or ()),
                "corrected": "corrected" in (c.get("flags") or ()),
                "inferred": "inferred" in (c.get("flags") or ()),
                "original_raw": c.get("original"),
            })  # fmt: skip
        for key, text in (rep.get("sections") or {}).items():
            out["sections"].append({"report_id": rid, "section": key, "text": text})
        for c in checks:
            out["checks"].append({k: c.get(k) for k in ("blanks_involved", "passed", "detail", "check", "scope")}
                                 | {k: _whole(c.get(k)) for k in ("expected", "actual", "difference")}
                                 | {"report_id": rid, "uncertain_involved": bool(c.get("uncertain_involved")),
                                    "evidence": c.get("evidence") or None})  # fmt: skip
    return out


def _frame(spec: sc.TableSpec, rows: list[dict]) -> pl.DataFrame:
    cols = {f.name: [r.get(f.name) for r in rows] for f in spec.fields}
    df = pl.DataFrame({n: pl.Series(n, v, dtype=pl.String if spec.schema[n] == pl.Date else spec.schema[n],
                                    strict=False) for n, v in cols.items()})  # fmt: skip
    if any(dt == pl.Date for dt in spec.schema.values()):
        df = df.with_columns([pl.col(n).str.to_date("%Y-%m-%d", strict=False) for n, dt in spec.schema.items()
                              if dt == pl.Date])  # fmt: skip
    return df.sort(spec.sort_key, nulls_last=True)


def _bodies(reports: list[dict]) -> tuple[list[dict], list[dict]]:
    by_body: dict[str, list[dict]] = defaultdict(list)
    for r in reports:
        by_body[r["body_id"]].append(r)
    bodies, aliases = [], []
    for bid, rs in by_body.items():
        key = body_key(rs[0]["agency"], rs[0]["district"])
        years = [r["year"] for r in rs if r["year"]]
        names = Counter(r["agency"] for r in rs if r["agency"])
        levels = Counter(r["level"] for r in rs if r["level"])
        bodies.append({
            "body_id": bid, "district": key.district, "name": key.name,
            "display_name": min(names, key=lambda n: (-names[n], -len(n), n)) if names else None,
            "level": min(levels, key=lambda n: (-levels[n], n)) if levels else None,
            "is_government": key.is_government, "first_year": min(years, default=None),
            "last_year": max(years, default=None), "n_reports": len(rs),
        })  # fmt: skip
        spellings: dict[str, list[int | None]] = defaultdict(list)
        for r in rs:
            for a in {r["agency"], r.get("agency_hint")} - {None, ""}:
                spellings[a].append(r["year"])
        for a, ys in spellings.items():
            known = [y for y in ys if y]
            aliases.append({"body_id": bid, "alias": a, "n_reports": len(ys),
                            "first_year": min(known, default=None), "last_year": max(known, default=None)})  # fmt: skip
    return bodies, aliases


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temps(paths) -> list[Path]:
    """Delete temporary files (``….tmp-<pid>…``) whose writer is gone: a load killed with ``kill -9``
    leaves them behind, and nothing else would ever remove them."""
    removed = []
    for p in paths:
        m = re.search(r"\.tmp-(\d+)", p.name)
        if m and p.is_file() and int(m.group(1)) != os.getpid() and not _alive(int(m.group(1))):
            p.unlink(missing_ok=True)
            removed.append(p)
    return removed


def write_parquet_atomic(df: pl.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    df.write_parquet(tmp, compression=COMPRESSION, compression_level=COMPRESSION_LEVEL, statistics=True,
                     row_group_size=ROW_GROUP_SIZE)  # fmt: skip
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)


def partition_name(year: int | None) -> str:
    return f"year={year}" if year else "year=unknown"


#: documents per chunk of the cells, sections and checks tables: one chunk's rows are the
#: most held in memory at once (a national year has some 60 million cells)
CHUNK_DOCS = 4000
_PER_DOCUMENT = ("cells", "sections", "checks")


def _write_partitioned(
    base: Path, spec: sc.TableSpec, df: pl.DataFrame, years: pl.DataFrame, part: str
) -> list[Path]:
    written = []
    with_year = df if "year" in df.columns else df.join(years, on="report_id", how="left")
    for (year,), frame in with_year.group_by(["year"], maintain_order=True):
        p = base / partition_name(year) / f"{part}.parquet"
        write_parquet_atomic(frame.select(spec.schema.keys()).sort(spec.sort_key, nulls_last=True), p)
        written.append(p)
    return written


def _drop_stale(out_dir: Path, names, keep: set[Path]) -> None:
    for name in names:
        for old in (out_dir / name).rglob("*.parquet"):
            if old not in keep:
                old.unlink()
    for d in sorted(out_dir.glob("*/year=*"), reverse=True):
        if d.is_dir() and not any(d.iterdir()):
            d.rmdir()


def _report_frames(
    reports: list[dict], archive: Archive, data_dir: Path, docs: list
) -> dict[str, pl.DataFrame]:
    reports = mark_canonical(reports)
    bodies, aliases = _bodies(reports)
    fetches = [{f.name: r.get(f.name) for f in sc.FETCHES.fields} for r in archive.ledger_rows(data_dir)]
    return {
        "reports": _frame(sc.REPORTS, reports),
        "fetches": _frame(sc.FETCHES, fetches),
        "bodies": _frame(sc.BODIES, bodies),
        "body_aliases": _frame(sc.BODY_ALIASES, aliases),
        "revisions": _frame(sc.REVISIONS, revision_rows(data_dir, archive, docs, report_id)),
    }


def write_dataset(data_dir: Path, archive: Archive | None = None) -> WriteStats:
    """Rewrite every Parquet table from the archive and the current extractor version's results.

    Documents are taken in report_id order, CHUNK_DOCS at a time: each chunk's cells,
    sections and checks go straight to their own part files (``part-<chunk>.parquet``
    in each year), so memory holds one chunk, and the same inputs still give the same
    files.  Reports, bodies and fetches (one row per document) are written last.
    """
    archive = archive or default_archive()
    data_dir = Path(data_dir)
    out = data_dir / PARQUET_DIR
    remove_stale_temps(out.rglob(".*.tmp-*"))
    docs = sorted(archive.iter_documents(data_dir), key=lambda d: report_id(d.url, d.sha256))
    reports: list[dict] = []
    written: list[Path] = []
    n_cells = 0
    for k, start in enumerate(range(0, len(docs), CHUNK_DOCS)):
        rows = rows_for(data_dir, docs[start : start + CHUNK_DOCS])
        reports += rows["reports"]
        years = pl.DataFrame(
            {
                "report_id": [r["report_id"] for r in rows["reports"]],
                "year": [r["year"] for r in rows["reports"]],
            },
            schema={"report_id": pl.String, "year": pl.Int32},
        )
        for name in _PER_DOCUMENT:
            spec = sc.BY_NAME[name]
            df = _frame(spec, rows[name])
            n_cells += df.height if name == "cells" else 0
            written += _write_partitioned(out / name, spec, df, years, f"part-{k}")
        del rows
    frames = _report_frames(reports, archive, data_dir, docs)
    years = frames["reports"].select("report_id", "year")
    for name, df in frames.items():
        spec = sc.BY_NAME[name]
        if spec.partitioned:
            written += _write_partitioned(out / name, spec, df, years, "part-0")
        else:
            p = out / name / f"{name}.parquet"
            write_parquet_atomic(df, p)
            written.append(p)
    _drop_stale(out, [*_PER_DOCUMENT, *frames], set(written))
    return WriteStats(out, frames["reports"].height, n_cells, len(written))
