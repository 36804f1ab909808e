"""A minimal PDF writer with a real text layer for Chinese text, no dependency.

The demo portal needs report PDFs whose text the extractor reads through PDFium.
Text is drawn in a Type0 font with ``Identity-H`` encoding (the glyph id is the
Unicode code point) and a ``ToUnicode`` CMap, so every character maps back to
its Unicode value.  The font itself (STSong-Light, one of the standard Chinese
fonts every PDF viewer substitutes) is not embedded: the file stays a few
kilobytes and carries no font licence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PAGE_W, PAGE_H = 595.0, 842.0  # A4 in points


@dataclass
class Page:
    items: list[tuple[float, float, float, str]] = field(default_factory=list)  # x, y, size, text

    def text(self, x: float, y: float, s: str, size: float = 10.0) -> None:
        self.items.append((x, y, size, s))


def text_width(s: str, size: float) -> float:
    return sum((0.5 if ord(c) < 128 else 1.0) * size for c in s)


def _hex(s: str) -> str:
    return "".join(f"{ord(c):04X}" for c in s if ord(c) <= 0xFFFF)


def _content(page: Page) -> bytes:
    ops = []
    for x, y, size, s in page.items:
        ops.append(f"BT /F1 {size:g} Tf {x:.2f} {y:.2f} Td <{_hex(s)}> Tj ET")
    return "\n".join(ops).encode("ascii")


def _tounicode(codes: set[int]) -> bytes:
    lines = [
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
        "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange",
    ]  # fmt: skip
    ranges = [(0x0000, 0xD7FF), (0xE000, 0xFFFF)]
    # one bfrange per 256-aligned block: code = Unicode value
    blocks = []
    for lo, hi in ranges:
        start = lo
        while start <= hi:
            end = min(hi, (start | 0xFF))
            blocks.append((start, end))
            start = end + 1
    for i in range(0, len(blocks), 100):
        chunk = blocks[i : i + 100]
        lines.append(f"{len(chunk)} beginbfrange")
        lines += [f"<{a:04X}> <{b:04X}> <{a:04X}>" for a, b in chunk]
        lines.append("endbfrange")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")


def write_pdf(pages: list[Page], title: str = "") -> bytes:
    """Serialise pages to PDF bytes."""
    objs: list[bytes] = []

    def add(body: bytes) -> int:
        objs.append(body)
        return len(objs)

    def stream(data: bytes, extra: str = "") -> bytes:
        return f"<< /Length {len(data)}{extra} >>\nstream\n".encode() + data + b"\nendstream"

    codes = {ord(c) for p in pages for *_, s in p.items for c in s}
    tu = add(stream(_tounicode(codes)))
    widths = "[32 [" + " ".join(["500"] * 95) + "]]"
    desc = add(
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>"
    )
    cid = add(
        f"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        f"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        f"/FontDescriptor {desc} 0 R /DW 1000 /W {widths} >>".encode()
    )
    font = add(
        f"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H "
        f"/DescendantFonts [{cid} 0 R] /ToUnicode {tu} 0 R >>".encode()
    )
    pages_id = len(objs) + 1 + 2 * len(pages)  # the Pages object comes after all page objects
    kids = []
    for p in pages:
        c = add(stream(_content(p)))
        kids.append(
            add(
                f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 {PAGE_W:g} {PAGE_H:g}] "
                f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {c} 0 R >>".encode()
            )
        )
    assert (
        add(f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode())
        == pages_id
    )
    catalog = add(f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode())
    info = add(f"<< /Title <FEFF{_hex(title)}> /Producer (nianbao demo) >>".encode())
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root {catalog} 0 R /Info {info} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
