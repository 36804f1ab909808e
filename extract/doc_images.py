"""The pictures of a legacy Word (.doc) or binary WPS file in reading order: page scans pasted in.

The same report a township saves as a DOCX of scans also arrives as Word 97 or
as a WPS file in that format.  A picture in the text is a ``\\x01`` character
whose character properties carry ``sprmCPicLocation``: the offset, in the Data
stream, of the picture's PICF header and its OfficeArt records.  Among those
records is an ``OfficeArtFBSE`` holding the picture itself (a BLIP: JPEG, PNG,
DIB or TIFF), either inline or at ``foDelay`` in the WordDocument stream.
Walking the anchors in text order gives the pages in the order Word shows them.

A file whose anchors cannot be followed (damaged properties, floating pictures
only) is searched for BLIP records instead, stream by stream, in file order.
Metafile pictures (EMF, WMF, PICT) are not pages of a scan and are left alone.
"""

from __future__ import annotations

import struct
from bisect import bisect_right

from .doc_binary import _pieces, fkp_pages, read_streams, sprms
from .model import ExtractionError

_FC_PLCF_BTE_CHPX = 0x00FA  # fcPlcfBteChpx / lcbPlcfBteChpx in the FIB
_SPRM_PIC_LOCATION = 0x6A03
_SP_CONTAINER, _FBSE = 0xF004, 0xF007
#: raster BLIP record types (the metafile ones, 0xF01A-0xF01C, are not scans)
_RASTER = {0xF01D: "jpeg", 0xF01E: "png", 0xF01F: "dib", 0xF029: "tiff", 0xF02A: "jpeg"}
_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"II*\x00", b"MM\x00*")
_MAX_PICTURES = 500  # a report is a few dozen pages at most


def _pic_runs(word: bytes, table: bytes) -> list[tuple[int, int, int]]:
    """(fc start, fc end, Data offset) of every character run that carries sprmCPicLocation
    (PlcBteChpx -> CHPX FKP pages -> each run's sprms)."""
    runs = []
    for page, rgfc in fkp_pages(word, table, _FC_PLCF_BTE_CHPX):
        crun = page[511]
        for j in range(crun):
            at = 2 * page[4 * (crun + 1) + j]
            if not at or at >= 511:
                continue
            grpprl = page[at + 1 : at + 1 + page[at]]
            offset = next((struct.unpack_from("<I", grpprl, k)[0] for sprm, k in sprms(grpprl)
                           if sprm == _SPRM_PIC_LOCATION and k + 4 <= len(grpprl)), None)  # fmt: skip
            if offset is not None:
                runs.append((rgfc[j], rgfc[j + 1], offset))
    runs.sort()
    return runs


def _header(buf: bytes, at: int) -> tuple[int, int, int, int] | None:
    """An OfficeArt record header at ``at``: (version, instance, type, length), if one fits."""
    if at < 0 or at + 8 > len(buf):
        return None
    ver_inst, rec_type, rec_len = struct.unpack_from("<HHI", buf, at)
    if not 0xF000 <= rec_type <= 0xF11F or at + 8 + rec_len > len(buf):
        return None
    return ver_inst & 0xF, ver_inst >> 4, rec_type, rec_len


def _blip(buf: bytes, at: int) -> bytes | None:
    """The image file inside a raster BLIP record at ``at``."""
    head = _header(buf, at)
    if head is None or head[2] not in _RASTER:
        return None
    body = buf[at + 8 : at + 8 + head[3]]
    kind = _RASTER[head[2]]
    if kind == "dib":  # a bitmap without its file header: give it one
        start = 17 if len(body) > 17 and body[17:21] in (b"\x28\x00\x00\x00", b"\x7c\x00\x00\x00") else 33
        dib = body[start:]
        if len(dib) < 40:
            return None
        header_size, _, _, _, bits = struct.unpack_from("<IiiHH", dib, 0)
        (colours,) = struct.unpack_from("<I", dib, 32)
        palette = 4 * (colours or (1 << bits if bits <= 8 else 0))
        return b"BM" + struct.pack("<IHHI", 14 + len(dib), 0, 0, 14 + header_size + palette) + dib
    for sig in _SIGNATURES:  # after one or two 16-byte UIDs and a tag byte
        k = body.find(sig, 0, 64)
        if k >= 0:
            return body[k:]
    return None


def _picture_at(data_stream: bytes, word: bytes, offset: int) -> bytes | None:
    """The picture of a PICFAndOfficeArtData structure at ``offset`` of the Data stream."""
    if offset + 6 > len(data_stream):
        return None
    lcb, cb_header = struct.unpack_from("<IH", data_stream, offset)
    if cb_header != 0x44 or lcb < 0x44:
        return None
    end = min(len(data_stream), offset + lcb)
    at = offset + 0x44
    (mm,) = struct.unpack_from("<H", data_stream, offset + 6)
    if mm == 0x0066 and at < end:  # MM_SHAPEFILE: a picture name follows
        at += 1 + data_stream[at]
    while at + 8 <= end:
        head = _header(data_stream, at)
        if head is None:
            return None
        _, _, rec_type, rec_len = head
        if rec_type == _FBSE and rec_len >= 36:
            (size,) = struct.unpack_from("<I", data_stream, at + 8 + 20)
            (fo_delay,) = struct.unpack_from("<I", data_stream, at + 8 + 28)
            cb_name = data_stream[at + 8 + 33]
            inline = at + 8 + 36 + cb_name
            if rec_len > 36 + cb_name:
                blip = _blip(data_stream, inline)
            else:  # kept in the delay stream, the WordDocument stream
                blip = _blip(word, fo_delay) if size and fo_delay < len(word) else None
            if blip:
                return blip
        at += 8 + rec_len  # the shape container and anything else: skipped whole
    return None


def _scan_for_blips(buf: bytes) -> list[bytes]:
    """Raster BLIP records found by their headers, in stream order."""
    out: list[bytes] = []
    at = buf.find(b"\xf0", 3)
    while at != -1 and len(out) < _MAX_PICTURES:
        start = at - 3  # the type's high byte is the record's fourth
        if (img := _blip(buf, start)) is not None:
            out.append(img)
            at = buf.find(b"\xf0", start + 8 + _header(buf, start)[3])
            continue
        at = buf.find(b"\xf0", at + 1)
    return out


def doc_images(data: bytes) -> list[bytes]:
    """The bytes of each raster picture in a .doc/.wps, in reading order; one shown twice is one page."""
    st = read_streams(data)
    word, table, data_stream = st.word, st.table, st.data
    found: list[bytes] = []
    try:
        text, pieces = _pieces(word, table)
        runs = _pic_runs(word, table)
        starts = [r[0] for r in runs]
        seen: set[int] = set()
        for p in pieces:
            for cp in range(p.cp, min(p.cp + p.count, len(text))):
                if text[cp] != "\x01":
                    continue
                fc = p.fc_of(cp)
                k = bisect_right(starts, fc) - 1
                if k < 0 or not runs[k][0] <= fc < runs[k][1] or runs[k][2] in seen:
                    continue
                seen.add(runs[k][2])
                if (img := _picture_at(data_stream, word, runs[k][2])) is not None:
                    found.append(img)
                if len(found) >= _MAX_PICTURES:
                    return found
    except (ExtractionError, struct.error, IndexError, KeyError, ValueError):
        found = []  # the anchors cannot be followed: look for the pictures themselves
    if found:
        return found
    return _scan_for_blips(data_stream) or _scan_for_blips(word)
