"""Legacy Word (.doc, Word 97–2003; WPS saves the same format) to a Document.

Many report attachments on government portals are still .doc.  The text of a
Word 97 file is a list of pieces (the piece table in the Clx of the table
stream), each either 8-bit (cp1252) or UTF-16LE.  In that text ``\\r`` ends a
paragraph, ``\\x07`` ends a table cell, and a second ``\\x07`` right after a
cell's ends its row.  That is enough to rebuild table rows as grid lines; a
horizontally merged cell leaves empty cells after it, which the row reader
already treats as blanks in the label region.  No formatting is read.
"""

from __future__ import annotations

import struct
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO

from .model import Document, ExtractionError, Line, Token

DOC = "application/msword"
_FC_CLX = 0x01A2  # offset of fcClx/lcbClx in the FIB (FibRgFcLcb97)
_MAX_TEXT = 20_000_000  # characters: beyond this a .doc is not a report


def _fail(msg: str) -> ExtractionError:
    return ExtractionError(f"corrupt .doc: {msg}")


@dataclass(frozen=True, slots=True)
class _Piece:
    cp: int  # first character position
    count: int
    fc: int  # byte offset in the WordDocument stream
    wide: bool  # UTF-16LE (else 8-bit cp1252)

    def fc_of(self, cp: int) -> int:
        return self.fc + (cp - self.cp) * (2 if self.wide else 1)


def _pieces(word: bytes, table: bytes) -> tuple[str, list[_Piece]]:
    if len(word) < _FC_CLX + 8:
        raise _fail("FIB too short")
    fc_clx, lcb_clx = struct.unpack_from("<II", word, _FC_CLX)
    clx = table[fc_clx : fc_clx + lcb_clx]
    if len(clx) != lcb_clx or not lcb_clx:
        raise _fail("piece table out of range")
    i = 0
    while i < len(clx) and clx[i] == 0x01:  # Prc: property modifiers, skipped
        (cb,) = struct.unpack_from("<H", clx, i + 1)
        i += 3 + cb
    if i >= len(clx) or clx[i] != 0x02:
        raise _fail("no piece table (Pcdt)")
    (lcb,) = struct.unpack_from("<I", clx, i + 1)
    plc = clx[i + 5 : i + 5 + lcb]
    n = (len(plc) - 4) // 12
    if n <= 0:
        raise _fail("empty piece table")
    cps = struct.unpack_from(f"<{n + 1}I", plc, 0)
    out: list[str] = []
    pieces: list[_Piece] = []
    total = 0
    for k in range(n):
        _, fc = struct.unpack_from("<HI", plc, 4 * (n + 1) + 8 * k)
        count = cps[k + 1] - cps[k]
        if count <= 0:
            continue
        total += count
        if total > _MAX_TEXT:
            raise ExtractionError(f".doc refused: more than {_MAX_TEXT:,} characters of text")
        if fc & 0x40000000:  # compressed: 8-bit text at fc / 2
            start = (fc & 0x3FFFFFFF) // 2
            out.append(word[start : start + count].decode("cp1252", errors="replace"))
            pieces.append(_Piece(cps[k], count, start, False))
        else:
            out.append(word[fc : fc + 2 * count].decode("utf-16-le", errors="replace"))
            pieces.append(_Piece(cps[k], count, fc, True))
    return "".join(out), pieces


_FC_PLCF_BTE_PAPX = 0x0102  # fcPlcfBtePapx / lcbPlcfBtePapx in the FIB
_SPRM_TTP = (0x2417, 0x244C)  # sprmPFTtp, sprmPFInnerTtp: this paragraph ends a table row
_SPRA_SIZE = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}
_SPRM_HUGE_PAPX = 0x6646


def sprms(grpprl: bytes) -> Iterator[tuple[int, int]]:
    """(sprm, offset of its operand) for each property modifier of a grpprl."""
    i = 0
    while i + 2 <= len(grpprl):
        (sprm,) = struct.unpack_from("<H", grpprl, i)
        spra = sprm >> 13
        if sprm in (0xD608, 0xD606) and i + 4 <= len(grpprl):
            # sprmTDefTable: a two-byte size, the one exception to the one-byte rule
            width = struct.unpack_from("<H", grpprl, i + 2)[0] + 1
        elif spra == 6:
            width = 1 + (grpprl[i + 2] if i + 2 < len(grpprl) else 0)
        else:
            width = _SPRA_SIZE[spra]
        yield sprm, i + 2
        i += 2 + width


def fkp_pages(word: bytes, table: bytes, fib_offset: int) -> Iterator[tuple[bytes, tuple[int, ...]]]:
    """Each 512-byte property page (FKP) a PlcBte of the FIB points to, with its run limits (rgfc)."""
    fc, lcb = struct.unpack_from("<II", word, fib_offset)
    plc = table[fc : fc + lcb]
    n = (len(plc) - 4) // 8
    for k in range(max(0, n)):
        (pn,) = struct.unpack_from("<I", plc, 4 * (n + 1) + 4 * k)
        page = word[(pn & 0x3FFFFF) * 512 : (pn & 0x3FFFFF) * 512 + 512]
        if len(page) < 512 or 4 * (page[511] + 1) > 511:
            continue
        yield page, struct.unpack_from(f"<{page[511] + 1}I", page, 0)


def _has_ttp(grpprl: bytes, data_stream: bytes, depth: int = 0) -> bool:
    """Whether a paragraph's property modifiers mark it as a table-row end."""
    for sprm, at in sprms(grpprl):
        if sprm in _SPRM_TTP and at < len(grpprl) and grpprl[at]:
            return True
        if sprm == _SPRM_HUGE_PAPX and at + 4 <= len(grpprl) and depth == 0:
            # the properties were too big for the page: they live in the Data stream
            (offset,) = struct.unpack_from("<I", grpprl, at)
            if offset + 2 <= len(data_stream):
                (cb,) = struct.unpack_from("<H", data_stream, offset)
                if _has_ttp(data_stream[offset + 2 : offset + 2 + cb], data_stream, 1):
                    return True
    return False


def _row_end_fcs(word: bytes, table: bytes, data_stream: bytes) -> list[tuple[int, int]]:
    """FC ranges of the paragraphs marked as table-row ends (TTP), from the
    paragraph properties (PlcBtePapx -> FKP pages -> PAPX sprms)."""
    ranges: list[tuple[int, int]] = []
    for page, rgfc in fkp_pages(word, table, _FC_PLCF_BTE_PAPX):
        crun = page[511]
        for j in range(crun):
            b_offset = page[4 * (crun + 1) + 13 * j]
            if not b_offset:
                continue
            at = 2 * b_offset
            cb = page[at]
            if cb:
                size, at = 2 * cb - 1, at + 1
            else:
                size, at = 2 * page[at + 1], at + 2
            if _has_ttp(page[at + 2 : at + size], data_stream):  # grpprl, after the style index
                ranges.append((rgfc[j], rgfc[j + 1]))
    return ranges


@dataclass(frozen=True, slots=True)
class Streams:
    """The three streams a Word 97 file's text, tables and pictures are read from."""

    word: bytes  # WordDocument: the FIB, the text, the property pages
    table: bytes  # 0Table or 1Table: the piece table and the property tables
    data: bytes  # Data: pictures and oversized properties (may be absent)


def read_streams(data: bytes) -> Streams:
    """The streams of a .doc/.wps; a file that is not one, or is encrypted or broken, says so."""
    import olefile

    try:
        ole = olefile.OleFileIO(BytesIO(data))
    except OSError as e:
        raise _fail(str(e)) from e
    try:
        if not ole.exists("WordDocument"):
            raise ExtractionError(
                "not a Word document (an OLE file without a WordDocument stream; .xls or .et?)"
            )
        word = ole.openstream("WordDocument").read()
        (flags,) = struct.unpack_from("<H", word, 0x0A)
        if flags & 0x0100:
            raise ExtractionError("encrypted .doc (password required)")
        name = "1Table" if flags & 0x0200 else "0Table"
        if not ole.exists(name):
            raise _fail(f"missing {name} stream")
        return Streams(
            word, ole.openstream(name).read(), ole.openstream("Data").read() if ole.exists("Data") else b""
        )
    except (struct.error, IndexError, KeyError, ValueError, OSError) as e:
        raise _fail(f"{type(e).__name__}: {e}") from e
    finally:
        ole.close()


def _read(data: bytes) -> tuple[str, set[int]]:
    """The document's text, and the character positions of its row-end marks."""
    st = read_streams(data)
    try:
        return _parse(st.word, st.table, st.data)
    except (struct.error, IndexError, KeyError, ValueError) as e:
        raise _fail(f"{type(e).__name__}: {e}") from e


def _parse(word: bytes, table: bytes, data_stream: bytes) -> tuple[str, set[int]]:
    """Streams to text and row ends; any structural fault surfaces as a corrupt .doc."""
    text, pieces = _pieces(word, table)
    ends = sorted(_row_end_fcs(word, table, data_stream))
    row_end: set[int] = set()
    starts = [r[0] for r in ends]
    for p in pieces:
        for cp in range(p.cp, min(p.cp + p.count, len(text))):
            if text[cp] != "\x07":
                continue
            fc = p.fc_of(cp)
            k = bisect_right(starts, fc) - 1
            if k >= 0 and ends[k][0] <= fc < ends[k][1]:
                row_end.add(cp)
    return text, row_end


def text_of(data: bytes) -> str:
    return _read(data)[0]


def read_doc(data: bytes) -> Document:
    text, row_end = _read(data)
    lines: list[Line] = []
    row: list[str] = []
    paragraph: list[str] = []
    table_no, row_no, in_table = 0, 0, False
    skip = 0  # depth inside a field instruction (\x13 … \x14)

    def words() -> str:
        return " ".join("".join(paragraph).split())

    for cp, ch in enumerate(text):
        if ch == "\x13":
            skip += 1
        elif ch == "\x14":
            skip = max(0, skip - 1)
        elif ch == "\x15" or skip:
            continue
        elif ch == "\x07" and cp in row_end:
            tokens = [
                Token(c, {"kind": "doc", "table": table_no, "row": row_no, "col": j}, x=float(j))
                for j, c in enumerate(row)
            ]
            lines.append(
                Line(
                    " ".join(c for c in row if c),
                    {"kind": "doc", "table": table_no, "row": row_no},
                    cells=tokens,
                    width=0,
                )
            )
            row, paragraph, row_no, in_table = [], [], row_no + 1, True
        elif ch == "\x07":
            row.append(words())
            paragraph = []
        elif ch in "\r\x0b\x0c":
            if row:
                paragraph.append(" ")  # a paragraph break inside a cell
                continue
            if in_table:
                table_no, row_no, in_table = table_no + 1, 0, False
            if t := words():
                lines.append(Line(t, {"kind": "doc", "paragraph": len(lines)}))
            paragraph = []
        else:
            paragraph.append(ch)
    if t := words():
        lines.append(Line(t, {"kind": "doc", "paragraph": len(lines)}))
    widths: dict[int, int] = {}
    for ln in lines:
        if ln.cells is not None:
            widths[ln.loc["table"]] = max(widths.get(ln.loc["table"], 0), len(ln.cells))
    for ln in lines:
        if ln.cells is not None:
            ln.width = widths[ln.loc["table"]]
    return Document(lines=lines, media_type=DOC)
