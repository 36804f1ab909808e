"""The raw archive (WARC) and the contract later stages read it through.

Public API, used by the extractor and the dataset stages (keep these names)::

    @dataclass(frozen=True)
    class ArchivedDocument:
        url, final_url, source_id, district, level, agency_hint, year_hint,
        title_hint, published_hint, role, parent_url, sha256, media_type, fetched_at

    iter_documents(data_dir) -> Iterator[ArchivedDocument]
        every stored report page and attachment, one per distinct url; never
        list pages, never blocked answers or errors.
    read_payload(data_dir, sha256) -> bytes
        the body as served, after Content-Encoding is undone.
    ledger_rows(data_dir) -> list[dict]
        the whole crawl ledger (one dict per address), for the ``fetches`` table.
    versions(data_dir) -> list[dict]
        every (url, sha256, first_seen, last_seen) an address has served, oldest
        first: an edited report's earlier bodies stay readable by read_payload.

Layout: ``DATA_DIR/raw/*.warc.gz`` (gzip per record, warcio) and
``DATA_DIR/ledger.sqlite3``.  Each fetch becomes a ``response`` record
followed by its ``request`` record (both with headers).  Payloads are
content-addressed by sha256: a body already in the archive is written again
only as a ``revisit`` record (headers, no body), so every payload is stored
once.  The stored response headers describe the stored body: Content-Encoding
is dropped (kept as X-Nianbao-Original-Content-Encoding) and Content-Length
fixed.

Crash safety: records are appended, flushed and fsynced before the ledger rows
that point at them are committed; on open, each WARC file is truncated to the
end of its last committed record, so a ``kill -9`` never leaves a half record
or an unreferenced one.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import mimetypes
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from urllib.parse import quote, urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.ledger import Ledger

RAW_DIR = "raw"
_WIRE_SAFE = "/?&=%:@!$'()*+,;~-._"


@dataclass(frozen=True)
class ArchivedDocument:
    url: str  # the address requested (canonical: a _wap copy is fetched as its main page)
    final_url: str  # where the redirects, if any, ended
    source_id: str
    district: str
    level: str  # district / department / street / township (from the registry row)
    agency_hint: str | None  # from the list-page title, else the registry
    year_hint: int | None  # statistics year from the list-page title
    title_hint: str | None  # the list-page link text
    published_hint: str | None  # ISO date: list-page date, else tYYYYMMDD of a TRS address
    role: str  # "report" (a report page) or "attachment"
    parent_url: str | None  # for an attachment: the report page it is linked from
    sha256: str
    media_type: str
    fetched_at: str  # ISO 8601 UTC


def iter_documents(data_dir: Path) -> Iterator[ArchivedDocument]:
    ledger_path = Path(data_dir) / "ledger.sqlite3"
    if not ledger_path.exists():
        return
    led = Ledger(data_dir, readonly=True)
    try:
        rows = led.rows("WHERE role IN ('report', 'attachment') AND status = 'ok' AND sha256 IS NOT NULL")
    finally:
        led.close()
    for r in rows:
        yield ArchivedDocument(
            url=r["url"], final_url=r["final_url"] or r["url"], source_id=r["source_id"],
            district=r["district"] or "", level=r["level"] or "", agency_hint=r["agency_hint"],
            year_hint=r["year_hint"], title_hint=r["title"], published_hint=r["published_hint"],
            role=r["role"], parent_url=r["parent_url"], sha256=r["sha256"],
            media_type=r["media_type"] or "application/octet-stream", fetched_at=r["fetched_at"],
        )  # fmt: skip


def _read_record(path: Path, offset: int) -> bytes:
    with open(path, "rb") as f:
        f.seek(offset)
        for rec in ArchiveIterator(f):
            return rec.content_stream().read()
    raise KeyError(f"no WARC record at {path}:{offset}")


def read_payload(data_dir: Path, sha256: str) -> bytes:
    led = Ledger(data_dir, readonly=True)
    try:
        p = led.payload(sha256)
    finally:
        led.close()
    if p is None:
        raise KeyError(f"payload {sha256} is not in the archive of {data_dir}")
    body = _read_record(Path(data_dir) / RAW_DIR / p["warc_file"], p["warc_offset"])
    if hashlib.sha256(body).hexdigest() != sha256:
        raise ValueError(f"payload {sha256} in {p['warc_file']}@{p['warc_offset']} is corrupt")
    return body


def _read_ledger(data_dir: Path, read) -> list[dict]:
    """One read-only look at the ledger; a data dir that was never crawled has nothing to show."""
    if not (Path(data_dir) / "ledger.sqlite3").exists():
        return []
    led = Ledger(data_dir, readonly=True)
    try:
        return read(led)
    finally:
        led.close()


def ledger_rows(data_dir: Path) -> list[dict]:
    return _read_ledger(data_dir, Ledger.rows)


def versions(data_dir: Path) -> list[dict]:
    return _read_ledger(data_dir, Ledger.versions)


# --- media types ---------------------------------------------------------------
_GENERIC = {"", "application/octet-stream", "application/x-download", "application/force-download",
            "application/download", "binary/octet-stream", "application/x-msdownload", "text/plain"}  # fmt: skip
_EXT_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".wps": "application/vnd.ms-works",
    ".html": "text/html",
    ".htm": "text/html",
    ".shtml": "text/html",
}


def media_type(content_type: str | None, url: str, body: bytes) -> str:
    """The declared type, unless it is a generic one: then extension and magic bytes decide."""
    declared = (content_type or "").split(";", 1)[0].strip().lower()
    if declared not in _GENERIC:
        return declared
    ext = os.path.splitext(urlsplit(url).path)[1].lower()
    if body.startswith(b"%PDF"):
        return "application/pdf"
    if ext in _EXT_TYPES:
        return _EXT_TYPES[ext]
    if body[:1024].lstrip().lower().startswith((b"<!doctype html", b"<html")):
        return "text/html"
    return declared or mimetypes.guess_type(url)[0] or "application/octet-stream"


# --- writing -------------------------------------------------------------------
@dataclass
class PendingWrite:
    row: dict  # ledger fields (without sha256/warc position; filled in here)
    result: object | None  # FetchResult with a body to archive, or None (ledger only)
    future: asyncio.Future | None = None


def _str_headers(pairs) -> list[tuple[str, str]]:
    return [(k.decode("latin-1") if isinstance(k, bytes) else k, v.decode("latin-1") if isinstance(v, bytes) else v)
            for k, v in pairs]  # fmt: skip


def warc_records(result, sha: str, revisit_of: dict | None, warc_date: str) -> bytes:
    """Bytes of a response (or revisit) record followed by its request record."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    try:
        reason = HTTPStatus(result.status).phrase
    except ValueError:
        reason = "Unknown"
    http_headers = StatusAndHeaders(f"{result.status} {reason}", _str_headers(result.headers),
                                    protocol=result.http_version or "HTTP/1.1")  # fmt: skip
    extra = {"WARC-Date": warc_date, "WARC-Nianbao-Sha256": sha}
    if revisit_of is not None:
        rec = writer.create_revisit_record(
            result.final_url,
            f"sha256:{sha}",
            revisit_of["url"],
            revisit_of["date"],
            http_headers=http_headers,
        )
        for k, v in extra.items():
            rec.rec_headers.replace_header(k, v)
    else:
        rec = writer.create_warc_record(result.final_url, "response", payload=io.BytesIO(result.body),
                                        http_headers=http_headers, warc_headers_dict=extra)  # fmt: skip
    writer.write_record(rec)
    target = urlsplit(result.final_url)
    path = target.path or "/"
    if target.query:
        path += "?" + target.query
    path = quote(path, safe=_WIRE_SAFE)  # as sent on the wire: a request line is ASCII (链接 with 中文 names)
    req_headers = StatusAndHeaders(f"GET {path} HTTP/1.1", _str_headers(result.request_headers),
                                   is_http_request=True)  # fmt: skip
    req = writer.create_warc_record(result.final_url, "request", http_headers=req_headers,
                                    warc_headers_dict={"WARC-Date": warc_date,
                                                       "WARC-Concurrent-To": rec.rec_headers.get_header("WARC-Record-ID")})  # fmt: skip
    writer.write_record(req)
    return buf.getvalue()


def rendered_records(result, sha: str, warc_date: str) -> tuple[bytes, int]:
    """A rendered page: the answer the client received (response + request records), then the DOM
    as a ``conversion`` record that refers to that response; and where in the bytes the DOM record
    starts (the ledger points there, so read_payload gives the DOM)."""
    original = result.original
    head = warc_records(original, hashlib.sha256(original.body).hexdigest(), None, warc_date)
    first_id = next(ArchiveIterator(io.BytesIO(head))).rec_headers.get_header("WARC-Record-ID")
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    rec = writer.create_warc_record(
        result.final_url, "conversion", payload=io.BytesIO(result.body),
        warc_content_type="text/html; charset=utf-8",
        warc_headers_dict={"WARC-Date": warc_date, "WARC-Refers-To": first_id, "WARC-Nianbao-Sha256": sha,
                           "WARC-Nianbao-Rendered-By": result.browser or "Chromium"},
    )  # fmt: skip
    writer.write_record(rec)
    return head + buf.getvalue(), len(head)


class Archive:
    """Appends to one WARC file per process; a single writer task group-commits to disk and ledger."""

    def __init__(self, data_dir: Path, ledger: Ledger):
        self.data_dir = Path(data_dir)
        self.raw = self.data_dir / RAW_DIR
        self.raw.mkdir(parents=True, exist_ok=True)
        self.ledger = ledger
        self.recover()
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        self.name = f"nianbao-{stamp}-{os.getpid()}.warc.gz"
        self._file = None
        self._queue: asyncio.Queue[PendingWrite | None] | None = None
        self._task: asyncio.Task | None = None
        self._known: dict[str, dict] = {}  # sha256 -> revisit target, for this process's new payloads

    def recover(self) -> None:
        """Cut every WARC back to its last committed record; drop files with none."""
        ends = self.ledger.committed_ends()
        for path in sorted(self.raw.glob("*.warc.gz")):
            end = ends.get(path.name, 0)
            size = path.stat().st_size
            if end == 0:
                path.unlink()
            elif size > end:
                with open(path, "r+b") as f:
                    f.truncate(end)
                    f.flush()
                    os.fsync(f.fileno())

    async def start(self) -> None:
        self._queue = asyncio.Queue()
        self._task = asyncio.create_task(self._writer())

    async def close(self) -> None:
        if self._queue is not None and self._task is not None:
            await self._queue.put(None)
            await self._task
        if self._file is not None:
            self._file.close()
            self._file = None

    async def save(self, row: dict, result=None) -> dict:
        """Archive ``result``'s body (if given) and commit ``row``; returns the committed row."""
        assert self._queue is not None, "Archive.start() first"
        fut = asyncio.get_running_loop().create_future()
        await self._queue.put(PendingWrite(row, result, fut))
        return await fut

    async def _writer(self) -> None:
        assert self._queue is not None
        stop = False
        while not stop:
            item = await self._queue.get()
            batch: list[PendingWrite] = []
            if item is None:
                stop = True
            else:
                batch.append(item)
            while not self._queue.empty() and len(batch) < 256:
                nxt = self._queue.get_nowait()
                if nxt is None:
                    stop = True
                    break
                batch.append(nxt)
            if not batch:
                continue
            try:
                pairs = list(zip(batch, await asyncio.to_thread(self._flush, batch), strict=True))
            except (OSError, asyncio.CancelledError) as e:  # the disk, not a document: stop
                for w in batch:
                    if w.future and not w.future.done():
                        w.future.set_exception(e)
                raise
            except Exception:  # noqa: BLE001 - one bad document must not sink its batch or the run
                pairs = []
                for w in batch:
                    try:
                        pairs.append((w, (await asyncio.to_thread(self._flush, [w]))[0]))
                    except OSError as e:
                        if w.future and not w.future.done():
                            w.future.set_exception(e)
                        raise
                    except Exception as e:  # noqa: BLE001 - reported to the one waiter
                        if w.future and not w.future.done():
                            w.future.set_exception(e)
            for w, r in pairs:
                if w.future and not w.future.done():
                    w.future.set_result(r)

    def _flush(self, batch: list[PendingWrite]) -> list[dict]:
        """Write a batch all or nothing: on any error the WARC is cut back to where
        the batch began and nothing of it is committed."""
        path = self.raw / self.name
        if self._file is not None:
            start = self._file.tell()
        else:  # opened (appending) during this batch: cut back to its size now, never below
            start = path.stat().st_size if path.exists() else 0
        known_before = set(self._known)
        try:
            return self._flush_batch(batch)
        except BaseException:
            if self._file is not None:
                self._file.truncate(start)
                self._file.seek(0, os.SEEK_END)
            for sha in set(self._known) - known_before:
                del self._known[sha]
            raise

    def _flush_batch(self, batch: list[PendingWrite]) -> list[dict]:
        fetch_rows, payload_rows, out = [], [], []
        wrote = False
        f = self._file  # opened at the first record: a run that stores nothing new leaves no empty file
        for w in batch:
            row = dict(w.row)
            res = w.result
            if res is not None:
                body = res.body
                sha = hashlib.sha256(body).hexdigest()
                row["sha256"] = sha
                row["size"] = len(body)
                row["media_type"] = media_type(res.content_type, res.final_url, body)
                previous = self.ledger.get(row["url"])
                if previous and previous.get("sha256") == sha and previous.get("warc_file"):
                    # the same body again under the same address: nothing new to store
                    for k in ("warc_file", "warc_offset", "warc_length"):
                        row[k] = previous[k]
                else:
                    known = self._known.get(sha) or self.ledger.payload(sha)
                    revisit = None
                    if known is not None:
                        revisit = {
                            "url": known.get("url") or row["url"],
                            "date": known.get("date") or row["fetched_at"],
                        }
                    skip = 0
                    if (
                        getattr(res, "original", None) is not None
                    ):  # a rendered DOM and the answer it grew from
                        data, skip = rendered_records(res, sha, row["fetched_at"])
                        known = None
                    else:
                        data = warc_records(res, sha, revisit, row["fetched_at"])
                    if f is None:
                        f = self._file = open(self.raw / self.name, "ab")  # noqa: SIM115 - kept open for the run
                    offset = f.tell() + skip
                    f.write(data)
                    wrote = True
                    row.update(warc_file=self.name, warc_offset=offset, warc_length=len(data) - skip)
                    if known is None:
                        self._known[sha] = {"url": res.final_url, "date": row["fetched_at"]}
                        payload_rows.append({"sha256": sha, "warc_file": self.name, "warc_offset": offset,
                                             "warc_length": len(data) - skip, "size": len(body),
                                             "media_type": row["media_type"]})  # fmt: skip
            fetch_rows.append(row)
            out.append(row)
        end = None
        if wrote:
            f.flush()
            os.fsync(f.fileno())
            end = (self.name, f.tell())
        self.ledger.commit(fetch_rows, payload_rows, end)
        return out
