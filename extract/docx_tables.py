"""DOCX to a Document of lines, reading the WordprocessingML directly.

python-docx's ``row.cells`` repeats a merged cell at every grid position it
covers (a number spanning three columns would be read three times), so cells
are placed here from ``w:gridSpan`` and ``w:vMerge`` instead: a horizontally
merged cell is one token with its span, a vertically continued cell is no
token at all.
"""

from __future__ import annotations

from .model import Document, Line, Token
from .office import open_zip, parse_xml, read_xml_part

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _text(el) -> str:
    """Runs joined without separators (Word splits numbers across runs); paragraphs by newlines."""
    paras = []
    for p in el.iter(f"{W}p"):
        parts = []
        for node in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr"):
            if node.tag == f"{W}t":
                parts.append(node.text or "")
            else:
                parts.append(" " if node.tag == f"{W}tab" else "\n")
        paras.append("".join(parts).strip())
    return "\n".join(p for p in paras if p)


def _val(el, path: str) -> str | None:
    found = el.find(path)
    return None if found is None else found.get(f"{W}val")


def _table_lines(tbl, t: int, lines: list[Line]) -> None:
    rows = tbl.findall(f"{W}tr")
    width = 0
    placed: list[list[Token]] = []
    for r, tr in enumerate(rows):
        col = int(_val(tr, f"{W}trPr/{W}gridBefore") or 0)
        tokens = []
        for tc in tr.findall(f"{W}tc"):
            span = max(1, min(int(_val(tc, f"{W}tcPr/{W}gridSpan") or 1), 200))
            vmerge = tc.find(f"{W}tcPr/{W}vMerge")
            continued = vmerge is not None and (vmerge.get(f"{W}val") in (None, "continue"))
            if not continued:
                tokens.append(
                    Token(
                        _text(tc), {"kind": "docx", "table": t, "row": r, "col": col}, x=float(col), span=span
                    )
                )
            col += span
        width = max(width, col)
        placed.append(tokens)
    for r, tokens in enumerate(placed):
        text = " ".join(tok.text for tok in tokens if tok.text)
        lines.append(Line(text, {"kind": "docx", "table": t, "row": r}, cells=tokens, width=width))


def read_docx(data: bytes) -> Document:
    z = open_zip(data, "DOCX")
    root = parse_xml(read_xml_part(z, "word/document.xml", "DOCX"), "word/document.xml", "DOCX")
    body = root.find(f"{W}body")
    lines: list[Line] = []
    if body is None:
        return Document(
            lines=lines, media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
    t = 0
    stack = list(reversed(list(body)))
    while stack:
        el = stack.pop()
        if el.tag == f"{W}p":
            for part in _text(el).split("\n"):
                if part.strip():
                    lines.append(Line(part.strip(), {"kind": "docx", "paragraph": len(lines)}))
        elif el.tag == f"{W}tbl":
            if el.find(f".//{W}tbl") is not None:
                # a layout table around the report: read its cells' content in order
                for tr in el.findall(f"{W}tr"):
                    for tc in tr.findall(f"{W}tc"):
                        stack.extend(reversed(list(tc)))
                continue
            _table_lines(el, t, lines)
            t += 1
        elif el.tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml"):
            stack.extend(reversed(list(el)))
    title = ""
    try:
        core = parse_xml(read_xml_part(z, "docProps/core.xml", "DOCX"), "docProps/core.xml", "DOCX")
        node = core.find("{http://purl.org/dc/elements/1.1/}title")
        title = (node.text or "").strip() if node is not None else ""
    except Exception:  # noqa: BLE001 - core properties are optional
        title = ""
    return Document(
        lines=lines,
        media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        title=title,
    )
