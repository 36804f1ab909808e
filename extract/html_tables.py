"""HTML page (portal detail page, Word-exported HTML) to a Document of lines.

Prose becomes one line per block element; every data table becomes one line
per ``<tr>`` carrying its cells at their true grid columns.  A table that holds
other tables is page layout, not data: its cells are read as blocks.  The walk
is iterative, so 100,000 nested tags cannot exhaust the Python stack.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .decode import decode
from .grid import RawCell, place
from .model import Document, Line, Token

_BLOCK = frozenset(
    ["p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "section", "article", "header", "footer", "blockquote", "pre", "center", "form", "fieldset", "address", "hr", "caption", "title"]
)
_SKIP = frozenset(["script", "style", "noscript", "template", "iframe", "object", "select", "option", "head", "svg", "button", "textarea"])
_WS = re.compile(r"[ \t\r\f\v\u00a0\u3000\u200b]+")
_NL = re.compile(r"\s*\n\s*")


def _int(v: str | None) -> int:
    try:
        return int(str(v).strip().rstrip(";")) if v else 1
    except ValueError:
        return 1


def _flat(text: str) -> str:
    """White space of one cell or block folded; block breaks kept as single newlines."""
    return _NL.sub("\n", _WS.sub(" ", text)).strip()


def _text_of(node: LexborNode) -> str:
    """The text of a cell: inline elements joined without a separator (Word splits
    "2023" into "20</span><span>23"), block elements and ``<br>`` as newlines."""
    parts: list[str] = []
    stack: list[LexborNode | str] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        tag = item.tag
        if tag == "-text":
            parts.append(item.text_content or "")
            continue
        if tag in _SKIP or tag == "-comment":
            continue
        block = tag in _BLOCK
        if block:
            parts.append("\n")
            stack.append("\n")
        children = []
        c = item.child
        while c is not None:
            children.append(c)
            c = c.next
        stack.extend(reversed(children))
    return _flat("".join(parts))


def _has_table(node: LexborNode) -> bool:
    """A table inside this one (lexbor's css() matches the node itself too)."""
    return len(node.css("table")) > 1


def _rows_of(table: LexborNode) -> list[LexborNode]:
    """The table's own rows (not those of a nested table)."""
    rows = []
    stack = [table]
    while stack:
        n = stack.pop()
        c = n.child
        kids = []
        while c is not None:
            if c.tag == "tr":
                rows.append(c)
            elif c.tag in ("thead", "tbody", "tfoot"):
                kids.append(c)
            c = c.next
        stack.extend(reversed(kids))
    return rows


class _Builder:
    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.buf: list[str] = []
        self.table_index = 0

    def flush(self) -> None:
        text = _flat("".join(self.buf))
        self.buf.clear()
        for part in text.split("\n"):
            part = part.strip()
            if part:
                self.lines.append(Line(part, {"kind": "html", "line": len(self.lines)}))

    def table(self, node: LexborNode) -> None:
        self.flush()
        t = self.table_index
        self.table_index += 1
        raw_rows: list[list[RawCell]] = []
        for r, tr in enumerate(_rows_of(node)):
            cells = []
            c = tr.child
            while c is not None:
                if c.tag in ("td", "th"):
                    a = c.attributes
                    cells.append(
                        RawCell(_text_of(c), _int(a.get("rowspan")), _int(a.get("colspan")), {"table": t, "tr": r})
                    )
                c = c.next
            raw_rows.append(cells)
        placed, width = place(raw_rows)
        for r, row in enumerate(placed):
            tokens = [
                Token(p.text, {"kind": "html", "table": t, "row": r, "col": p.col}, x=float(p.col), span=p.colspan)
                for p in row
            ]
            text = " ".join(tok.text for tok in tokens if tok.text)
            self.lines.append(Line(text, {"kind": "html", "table": t, "row": r}, cells=tokens, width=width))


def _walk(root: LexborNode, b: _Builder) -> None:
    stack: list[LexborNode | None] = [root]
    while stack:
        node = stack.pop()
        if node is None:  # end of a block element
            b.buf.append("\n")
            continue
        tag = node.tag
        if tag == "-text":
            b.buf.append(node.text_content or "")
            continue
        if tag in _SKIP or tag == "-comment":
            continue
        if tag == "table" and not _has_table(node):
            b.table(node)
            continue
        if tag in _BLOCK or tag in ("table", "tr", "td", "th"):
            b.buf.append("\n")
            stack.append(None)
        children = []
        c = node.child
        while c is not None:
            children.append(c)
            c = c.next
        stack.extend(reversed(children))


def _meta(tree: LexborHTMLParser) -> dict[str, str]:
    meta: dict[str, str] = {}
    for m in tree.css("meta"):
        a = m.attributes
        name = (a.get("name") or a.get("property") or a.get("http-equiv") or "").strip()
        content = a.get("content")
        if name and content:
            meta[name] = content.strip()
    return meta


def read_html(data: bytes, declared_charset: str | None = None) -> Document:
    text, charset = decode(data, declared_charset)
    tree = LexborHTMLParser(text)
    b = _Builder()
    root = tree.body or tree.root
    if root is not None:
        _walk(root, b)
    b.flush()
    title_node = tree.css_first("title")
    title = _flat(title_node.text()) if title_node else ""
    meta = _meta(tree)
    meta["charset"] = charset
    return Document(lines=b.lines, media_type="text/html", title=title.replace("\n", " "), meta=meta)
