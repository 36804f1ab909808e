"""Guards for Office files (DOCX, XLSX are zip archives of XML): refuse zip bombs
and XML entity tricks before any parser sees the bytes."""

from __future__ import annotations

import re
import zipfile
import zlib
from io import BytesIO

from .model import ExtractionError

#: largest uncompressed part and whole archive we agree to read
MAX_PART = 64 * 1024 * 1024
MAX_TOTAL = 256 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, per part
#: what zipfile raises for a damaged archive, beyond BadZipFile (found by fuzzing)
BAD_ZIP = (zipfile.BadZipFile, ValueError, NotImplementedError, OSError, EOFError, zlib.error)
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


def open_zip(data: bytes, kind: str) -> zipfile.ZipFile:
    try:
        z = zipfile.ZipFile(BytesIO(data))
    except BAD_ZIP as e:
        raise ExtractionError(f"corrupt {kind}: not a readable zip archive ({e})") from e
    total = 0
    for info in z.infolist():
        total += info.file_size
        ratio = info.file_size / max(1, info.compress_size)
        if (
            info.file_size > MAX_PART
            or total > MAX_TOTAL
            or (info.file_size > 1_000_000 and ratio > MAX_RATIO)
        ):
            raise ExtractionError(
                f"{kind} refused: part {info.filename} expands to {info.file_size:,} bytes "
                f"(ratio {ratio:,.0f}:1) — a zip bomb or a file too large to be a report"
            )
    return z


def read_xml_part(z: zipfile.ZipFile, name: str, kind: str) -> bytes:
    try:
        data = z.read(name)
    except KeyError as e:
        raise ExtractionError(f"corrupt {kind}: missing part {name}") from e
    except BAD_ZIP as e:
        raise ExtractionError(f"corrupt {kind}: cannot read {name} ({e})") from e
    if _DOCTYPE.search(data[:4096]):
        raise ExtractionError(f"{kind} refused: {name} declares a DOCTYPE/entities (XML entity expansion)")
    return data


def parse_xml(data: bytes, name: str, kind: str):
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    try:
        return etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as e:
        raise ExtractionError(f"corrupt {kind}: {name}: {e}") from e
