"""Documents a user already has (downloaded by hand, from another archive) as one more archive.

``nianbao add`` copies each file's bytes into ``DATA_DIR/added/payloads/`` (content-
addressed, like the crawl's WARC payloads) and records its provenance — the file
path, an optional address, district, level and agency — in
``DATA_DIR/added/documents.jsonl``.  The dataset stages read these documents
through the same three calls as the crawl archive, so an added report goes
through the same extraction, Parquet files and DuckDB views as a crawled one.
Nothing of the run (time, host) is recorded: the same files give the same dataset.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from crawler.archive import ArchivedDocument
from crawler.registry import LEVELS

from .archive import Archive
from .errors import DatasetError
from .results import write_atomic

ADDED_DIR = "added"
MANIFEST = "documents.jsonl"
SOURCE_ID = "added"
#: columns of an ``--manifest`` CSV; ``path`` is relative to the CSV's folder
MANIFEST_COLUMNS = ("path", "url", "district", "level", "agency")


@dataclass(frozen=True)
class Added:
    url: str  # the given address, else file://<absolute path>
    path: str  # the file as given (absolute)
    sha256: str
    district: str = ""
    level: str = ""
    agency: str | None = None
    media_type: str = ""


def _dir(data_dir: Path) -> Path:
    return Path(data_dir) / ADDED_DIR


def payload_path(data_dir: Path, sha256: str) -> Path:
    return _dir(data_dir) / "payloads" / sha256[:2] / sha256


def read_manifest(data_dir: Path) -> list[Added]:
    p = _dir(data_dir) / MANIFEST
    if not p.exists():
        return []
    out = []
    for n, line in enumerate(p.read_text("utf-8").splitlines(), 1):
        if line.strip():
            try:
                out.append(Added(**json.loads(line)))
            except (ValueError, TypeError) as e:
                raise DatasetError(f"{p}:{n}: not a document record ({e})") from e
    return out


def add_files(
    data_dir: Path,
    files: list[Path],
    url: str | None = None,
    district: str = "",
    level: str = "",
    agency: str | None = None,
) -> list[Added]:
    """Record the files as documents of DATA_DIR; an address already recorded is replaced."""
    from extract.pipeline import sniff_media_type

    if url and len(files) != 1:
        raise DatasetError("--url goes with exactly one file")
    if level and level not in LEVELS:
        raise DatasetError(f"level {level!r} is not one of {', '.join(LEVELS)}")
    records = {a.url: a for a in read_manifest(data_dir)}
    added = []
    for f in files:
        try:
            data = f.read_bytes()
        except OSError as e:
            raise DatasetError(f"{f}: cannot read: {e.strerror or e}") from e
        if not data:
            raise DatasetError(f"{f}: empty file")
        sha = hashlib.sha256(data).hexdigest()
        target = payload_path(data_dir, sha)
        if not target.exists():
            write_atomic(target, data)
        path = str(f.resolve())
        rec = Added(
            url or f.resolve().as_uri(), path, sha, district, level, agency, sniff_media_type(data, path)
        )
        records[rec.url] = rec
        added.append(rec)
    lines = "".join(
        json.dumps(asdict(r), ensure_ascii=False, sort_keys=True) + "\n" for r in records.values()
    )
    write_atomic(_dir(data_dir) / MANIFEST, lines.encode("utf-8"))
    return added


def read_manifest_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a manifest CSV (path,url,district,level,agency), paths made absolute."""
    try:
        text = path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise DatasetError(f"{path}: cannot read as UTF-8 CSV: {e}") from e
    reader = csv.DictReader(text.splitlines())
    if not reader.fieldnames or "path" not in reader.fieldnames:
        raise DatasetError(f"{path}: needs a header with a path column ({', '.join(MANIFEST_COLUMNS)})")
    rows = []
    for n, row in enumerate(reader, 2):
        if not (row.get("path") or "").strip():
            raise DatasetError(f"{path}:{n}: path is empty")
        row = {k: (row.get(k) or "").strip() for k in MANIFEST_COLUMNS}
        row["path"] = str((path.parent / row["path"]).resolve())
        row["line"] = str(n)
        rows.append(row)
    return rows


class LocalArchive:
    """The added documents, served through the dataset's archive calls."""

    def iter_documents(self, data_dir: Path) -> Iterator[ArchivedDocument]:
        for a in read_manifest(data_dir):
            yield ArchivedDocument(
                url=a.url, final_url=a.url, source_id=SOURCE_ID, district=a.district, level=a.level,
                agency_hint=a.agency, year_hint=None, title_hint=None, published_hint=None, role="report",
                parent_url=None, sha256=a.sha256, media_type=a.media_type, fetched_at=None,  # type: ignore[arg-type]
            )  # fmt: skip

    def read_payload(self, data_dir: Path, sha256: str) -> bytes:
        return payload_path(data_dir, sha256).read_bytes()

    def ledger_rows(self, data_dir: Path) -> list[dict]:
        return []  # nothing was fetched


class CombinedArchive:
    """The crawl archive and the added documents as one: what every dataset stage reads by default."""

    def __init__(self, crawl: Archive, local: LocalArchive | None = None) -> None:
        self.crawl, self.local = crawl, local or LocalArchive()

    def iter_documents(self, data_dir: Path) -> Iterator[ArchivedDocument]:
        seen = set()
        for d in self.crawl.iter_documents(data_dir):
            seen.add(d.url)
            yield d
        for d in self.local.iter_documents(data_dir):
            if d.url not in seen:  # a crawled address wins over the same address added by hand
                yield d

    def read_payload(self, data_dir: Path, sha256: str) -> bytes:
        if payload_path(data_dir, sha256).exists():
            return self.local.read_payload(data_dir, sha256)
        return self.crawl.read_payload(data_dir, sha256)

    def ledger_rows(self, data_dir: Path) -> list[dict]:
        return self.crawl.ledger_rows(data_dir)

    def versions(self, data_dir: Path) -> list[dict]:
        """Earlier bodies of the crawled addresses (an archive without history has none to give)."""
        versions = getattr(self.crawl, "versions", None)
        return versions(data_dir) if versions else []


def default_archive() -> Archive:
    """The crawl archive together with the documents added by ``nianbao add``."""
    from crawler import archive

    return CombinedArchive(archive)  # type: ignore[arg-type]
