"""Hostile documents, generated on the spot, and what the extractor must make of each.

Every case is a (name, bytes maker, expectation) triple.  The expectation is a
clear per-document error (its message must contain the given words) or a
correct result (a predicate on the Extraction).  ``scale`` shrinks the big
cases for the fast suite; ``make reliability`` runs them at full size in a
subprocess each, under a memory cap, and reports peak RSS and time.
"""

from __future__ import annotations

import io
import resource
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing import get_context

from extract.model import Extraction, ExtractionError
from extract.pipeline import extract


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[float], bytes]
    error: str | None = None  # words the ExtractionError message must contain
    check: Callable[[Extraction], bool] | None = None
    media_name: str = ""


@dataclass
class Outcome:
    name: str
    passed: bool
    result: str
    seconds: float
    peak_rss_mb: float | None = None


# ------------------------------------------------------------------ makers


def _pdf(pages: list[str]) -> bytes:
    """A minimal valid PDF with one line of Helvetica text per page."""
    objs: list[bytes] = []
    n = len(pages)
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n))
    objs.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objs.append(f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode())
    font_id = 3 + 2 * n
    for i, text in enumerate(pages):
        stream = f"BT /F1 11 Tf 72 760 Td ({text}) Tj ET".encode()
        objs.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 {font_id} 0 R >> >> "
            f"/Contents {4 + 2 * i} 0 R >>".encode()
        )
        objs.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    return out.getvalue()


def big_pdf(scale: float) -> bytes:
    return _pdf([f"Page {i + 1} of an annual report 2024 0 0 0" for i in range(max(10, int(1000 * scale)))])


def corrupt_pdf(scale: float) -> bytes:
    good = _pdf(["2024 report"])
    return good[: len(good) // 2] + b"\x00garbage\xff" * 20


def encrypted_pdf(scale: float) -> bytes:
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter(clone_from=PdfReader(io.BytesIO(_pdf(["secret report 2024"]))))
    # RC4 is pure Python in pypdf; AES would need the cryptography package
    w.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def _zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buf.getvalue()


_CT = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def docx_zip_bomb(scale: float) -> bytes:
    size = max(80, int(1024 * scale)) * 1024 * 1024  # 1 GiB of spaces at full scale
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CT)
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            chunk = b" " * (8 * 1024 * 1024)
            for _ in range(size // len(chunk)):
                f.write(chunk)
    return buf.getvalue()


_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b"]>"
)


def docx_entities(scale: float) -> bytes:
    doc = (
        _LAUGHS
        + b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>'
    )
    return _zip({"[Content_Types].xml": _CT, "word/document.xml": doc})


def xlsx_entities(scale: float) -> bytes:
    wb = (
        _LAUGHS
        + b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>'
    )
    return _zip({"[Content_Types].xml": _CT, "xl/workbook.xml": wb})


def html_nested(scale: float) -> bytes:
    n = max(1000, int(100_000 * scale))
    return (
        b"<html><body>"
        + b"<div><span>" * n
        + "2024年政府信息公开工作年度报告".encode()
        + b"</span></div>" * n
        + b"</body></html>"
    )


def html_table_rows(scale: float) -> bytes:
    n = max(500, int(10_000 * scale))
    rows = "".join(f"<tr><td>第{i}行 统计事项</td><td>{i}</td><td>{i + 1}</td></tr>" for i in range(n))
    return (
        f"<html><body><p>三、收到和处理政府信息公开申请情况</p><table>{rows}</table></body></html>".encode()
    )


def _odd_report() -> str:
    from tests.extract import builders

    text = builders.text_rows_report().decode()
    text = text.replace("规章 | 3 | 4 | 5", "规章 | 1,2,3 | ４ | 5")
    return text.replace("行政许可 | 9", "行政许可 | 二十")


def odd_numbers(scale: float) -> bytes:
    return _odd_report().encode()


def gbk_text(scale: float) -> bytes:
    from tests.extract import builders

    return builders.text_rows_report().decode().encode("gbk")


def _odd_ok(ex: Extraction) -> bool:
    v = {(c.row, c.col): c for c in ex.cells if c.table == "active"}
    return (
        v[("regulations", "issued")].value is None
        and v[("regulations", "issued")].raw == "1,2,3"
        and v[("regulations", "repealed")].value == 4
        and v[("administrative_licensing", "decisions")].value == 20
        and any("unreadable number" in w for w in ex.report.warnings)
    )


def _gbk_ok(ex: Extraction) -> bool:
    from tests.extract import builders

    return ex.report.agency == builders.AGENCY and len(ex.cells) == len(builders.figures())


CASES = [
    Case("corrupt PDF", corrupt_pdf, error="corrupt PDF"),
    Case("encrypted PDF", encrypted_pdf, error="encrypted PDF"),
    Case(
        "1,000-page PDF",
        big_pdf,
        check=lambda ex: ex.report.pages >= 10 and ex.report.status == "no tables found",
    ),
    Case("DOCX zip bomb", docx_zip_bomb, error="zip bomb"),
    Case("DOCX XML entity expansion", docx_entities, error="entity"),
    Case("XLSX XML entity expansion", xlsx_entities, error="entity"),
    Case("HTML 100,000 nested tags", html_nested, check=lambda ex: ex.report.year == 2024),
    Case("table of 10,000 rows", html_table_rows, check=lambda ex: ex.report.status == "no tables found"),
    Case("odd numbers (1,2,3 / １２ / 二十)", odd_numbers, check=_odd_ok, media_name="odd.txt"),
    Case("GBK text without BOM", gbk_text, check=_gbk_ok, media_name="gbk.txt"),
]


def run_case(case: Case, scale: float = 1.0) -> Outcome:
    data = case.make(scale)
    start = time.perf_counter()
    try:
        ex = extract(data, name=case.media_name or None)
    except ExtractionError as e:
        msg = str(e)
        ok = case.error is not None and case.error.lower() in msg.lower()
        return Outcome(case.name, ok, f"error: {msg[:90]}", time.perf_counter() - start)
    except Exception as e:  # noqa: BLE001 - anything else is exactly the failure we look for
        return Outcome(case.name, False, f"CRASH {type(e).__name__}: {e}"[:100], time.perf_counter() - start)
    ok = case.error is None and case.check is not None and bool(case.check(ex))
    return Outcome(case.name, ok, f"{ex.report.status}, {len(ex.cells)} cells", time.perf_counter() - start)


def _child(case_index: int, scale: float, mem_mb: int, q) -> None:
    limit = mem_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        out = run_case(CASES[case_index], scale)
    except MemoryError:
        out = Outcome(CASES[case_index].name, False, "MemoryError (over the memory cap)", 0.0)
    out.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    q.put(out)


def run_isolated(case_index: int, scale: float = 1.0, mem_mb: int = 2048, timeout: float = 120.0) -> Outcome:
    """One case in a forked child under RLIMIT_AS, with a wall-clock cap."""
    ctx = get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_child, args=(case_index, scale, mem_mb, q))
    start = time.perf_counter()
    p.start()
    p.join(timeout)
    if p.is_alive():
        p.kill()
        p.join()
        return Outcome(
            CASES[case_index].name, False, f"TIMEOUT after {timeout:.0f} s", time.perf_counter() - start
        )
    try:
        return q.get(timeout=5)
    except Exception:  # noqa: BLE001
        return Outcome(
            CASES[case_index].name, False, f"child died (exit {p.exitcode})", time.perf_counter() - start
        )
