"""``nianbao audit``: read the findings, then write the site, its archived copies and the workbook in one go."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from dataset.archive import Archive
from dataset.local import default_archive

from . import site
from .findings import Audit, audit, cells_for, district_years, open_database
from .workbook import write_workbook

#: written into every site: only a directory holding it (or an empty one) is replaced by the next audit,
#: so a mistyped ``--out ~/Documents`` is refused instead of swapped away
MARKER = ".nianbao-audit"


def write_audit(
    data_dir: Path,
    out: Path,
    district: str | None = None,
    year: int | None = None,
    archive: Archive | None = None,
) -> Path:
    """The site for every selected district and year under ``out``; returns the path of its index.
    Unknown filters and a missing database raise DatasetError before anything is written."""
    data_dir, out = Path(data_dir), Path(out)
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        from dataset.errors import DatasetError

        raise DatasetError(f"{out} exists and is not an audit written by nianbao: choose another --out")
    archive = archive or default_archive()
    con = open_database(data_dir)
    try:
        pairs = district_years(con, district, year)
        audits = [audit(con, d, y) for d, y in pairs]
        cells = {b.report_id: cells_for(con, b.report_id) for a in audits for b in a.bodies if b.found}
    finally:
        con.close()

    def fill(tmp: Path) -> None:
        (tmp / MARKER).write_text(
            "written by `nianbao audit`; the next audit into this directory replaces it\n"
        )
        (tmp / "archive").mkdir()
        entries: list[tuple[Audit, str]] = []
        for a in audits:
            folder = tmp / a.district / str(a.year)
            folder.mkdir(parents=True)
            for b in a.bodies:
                archived = None
                if b.found and b.sha256:
                    name = site.archive_name(b.sha256, b.media_type)
                    target = tmp / "archive" / name
                    if not target.exists():
                        target.write_bytes(archive.read_payload(data_dir, b.sha256))
                    archived = f"../../archive/{name}"
                page = site.body_html(a, b, cells.get(b.report_id, []), archived)
                (folder / f"{b.body_id}.html").write_text(page, "utf-8")
            (folder / "index.html").write_text(site.index_html(a), "utf-8")
            write_workbook(folder / "audit.xlsx", [a])
            entries.append((a, f"{quote(a.district)}/{a.year}/index.html"))
        (tmp / "index.html").write_text(site.top_index(entries), "utf-8")
        write_workbook(tmp / "audit.xlsx", audits)

    site.write_atomic_dir(out, fill)
    return out / "index.html"


def command(args) -> int:
    import sys

    from dataset.errors import DatasetError

    try:
        index = write_audit(args.data_dir, args.out, args.district, args.year)
    except DatasetError as e:
        print(f"nianbao audit: {e}", file=sys.stderr)
        return 2
    print(index)
    return 0
