"""HTML page (portal detail page, Word-exported HTML) to a Document of lines.

Prose becomes one line per block element; every data table becomes one line
per ``<tr>`` carrying its cells at their true grid columns.  A table that holds
other tables is page layout, not data: its cells are read as blocks.  All tree
walking is lexbor's own (C, iterative), so 100,000 nested tags cannot exhaust
the Python stack, and a 300 KB portal page reads in a few milliseconds.
"""

from __future__ import annotations

import html
import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .charset import decode_html
from .grid import RawCell, place
from .model import Document, ExtractionError, Line, Token

_BLOCK = frozenset(
    [
        "p",
        "div",
        "br",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "section",
        "article",
        "header",
        "footer",
        "blockquote",
        "pre",
        "center",
        "form",
        "fieldset",
        "address",
        "hr",
        "caption",
        "title",
    ]
)
_SKIP = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "object",
        "select",
        "option",
        "head",
        "svg",
        "button",
        "textarea",
    ]
)
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
    """The text of a cell, text nodes joined without a separator: Word splits
    "2023" into "20</span><span>23" and "商业企业" into two ``<p>``.  White space,
    ``&nbsp;`` and ideographic spaces fold to single spaces."""
    return " ".join(node.text(deep=True, separator="", strip=False).split())


def _table_lines(node: LexborNode, t: int) -> list[Line]:
    # A data table holds no other table, so every cell below it is its own; one
    # selector call per table, cells grouped by their row (much faster than per-row calls).
    rows: dict[int, list[RawCell]] = {}
    for tr in node.css("tr"):
        rows[tr.mem_id] = []
    for c in node.css("td, th"):
        a = c.attributes
        cell = RawCell(_text_of(c), _int(a.get("rowspan")), _int(a.get("colspan")))
        parent = c.parent
        while parent is not None and parent.tag != "tr":
            parent = parent.parent
        if parent is not None:
            rows.setdefault(parent.mem_id, []).append(cell)
    raw_rows = list(rows.values())
    placed, width = place(raw_rows)
    lines = []
    for r, row in enumerate(placed):
        tokens = [
            Token(
                p.text, {"kind": "html", "table": t, "row": r, "col": p.col}, x=float(p.col), span=p.colspan
            )
            for p in row
        ]
        text = " ".join(tok.text for tok in tokens if tok.text)
        lines.append(Line(text, {"kind": "html", "table": t, "row": r}, cells=tokens, width=width))
    return lines


_MARK = re.compile("\x00T(\\d+)\x00")


def _document_lines(body: LexborNode) -> list[Line]:
    """Prose lines and table rows in reading order.

    Data tables (those holding no other table) are read into rows first and
    replaced by a marker; the rest of the page is then walked by lexbor's
    traversal, a newline before every block element.
    """
    tables = [t for t in body.css("table") if len(t.css("table")) == 1]
    table_lines = []
    for i, t in enumerate(tables):
        table_lines.append(_table_lines(t, i))
        t.replace_with(f"\x00T{i}\x00")
    parts: list[str] = []
    for node in body.traverse(include_text=True):
        tag = node.tag
        if tag == "-text":
            parts.append(node.text_content or "")
        elif tag in _BLOCK or tag in ("table", "tr", "td", "th"):
            parts.append("\n")
    lines: list[Line] = []
    for chunk in _MARK.split(_flat("".join(parts))):
        if chunk.isdigit():
            lines.extend(table_lines[int(chunk)])
            continue
        for part in chunk.split("\n"):
            part = part.strip()
            if part:
                lines.append(Line(part, {"kind": "html", "line": len(lines)}))
    return lines


_META_TAG = re.compile(r"<meta\s[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")


def _meta(text: str) -> dict[str, str]:
    """``<meta name=… content=…>`` pairs (TRS pages carry ArticleTitle, PubDate, Url)."""
    meta: dict[str, str] = {}
    for tag in _META_TAG.findall(text[:200_000]):
        attrs = {
            m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or "" for m in _ATTR.finditer(tag)
        }
        name = (attrs.get("name") or attrs.get("property") or attrs.get("http-equiv") or "").strip()
        content = attrs.get("content")
        if name and content:
            meta[name] = html.unescape(content.strip())
    return meta


#: lexbor's tree builder is quadratic in nesting depth (20,000 levels take seconds)
MAX_DEPTH = 1000
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>")
_VOID = frozenset(
    [
        "br",
        "hr",
        "img",
        "meta",
        "link",
        "input",
        "col",
        "area",
        "base",
        "wbr",
        "source",
        "embed",
        "param",
        "track",
    ]
)
_KEEP = frozenset(
    ["html", "head", "body", "title", "meta", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "p", "br"]
)


def _max_depth(text: str) -> int:
    depth = deepest = 0
    for m in _TAG.finditer(text):
        closing, name, selfclose = m.groups()
        if name.lower() in _VOID or selfclose:
            continue
        depth = max(0, depth - 1) if closing else depth + 1
        deepest = max(deepest, depth)
    return deepest


def flatten_deep_nesting(text: str) -> str:
    """A page nested deeper than any real one: keep only the tags that carry
    tables and paragraphs, so the text survives and parsing stays linear."""
    if text.count("<") < 20_000 or _max_depth(text) <= MAX_DEPTH:
        return text
    flat = _TAG.sub(lambda m: m.group(0) if m.group(2).lower() in _KEEP else "", text)
    if _max_depth(flat) > MAX_DEPTH:
        raise ExtractionError(
            f"HTML nested more than {MAX_DEPTH} levels deep even without inline tags: refused"
        )
    return flat


def read_html(data: bytes, declared_charset: str | None = None) -> Document:
    decoded = decode_html(data, f"text/html; charset={declared_charset}" if declared_charset else None)
    text, charset = decoded.text, decoded.encoding
    tree = LexborHTMLParser(flatten_deep_nesting(text))
    title_node = tree.css_first("title")
    title = _flat(title_node.text()).replace("\n", " ") if title_node else ""
    meta = _meta(text)
    meta["charset"] = charset
    tree.strip_tags(list(_SKIP - {"head"}))
    root = tree.body or tree.root
    lines = _document_lines(root) if root is not None else []
    return Document(lines=lines, media_type="text/html", title=title, meta=meta)
