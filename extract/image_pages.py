"""A report page whose tables are pictures: the page's text and its images' OCR as one document.

Street offices paste screenshots of the three tables into the page body.  The
crawler archives those images as the page's attachments; here they are read
back *where they stood*: each ``<img>`` of the page is replaced by a marker
before the HTML reader runs, and the marker's line by the image's OCR lines.
The section headings printed around the images ("二、主动公开…") then frame
the tables exactly as they frame an HTML table, and the aligner and checks see
the same line model as for any scan.

The page and its images travel as one payload (``bundle``, a stored zip with a
manifest), so a worker process, a Ray task and the single-process run all take
it through the same ``extract(data, media_type, url)`` call.
"""

from __future__ import annotations

import json
import re
import zipfile
from concurrent.futures import Future
from io import BytesIO
from urllib.parse import urljoin, urlsplit, urlunsplit

from .charset import decode_html
from .model import Document, ExtractionError, Line

#: the media type of a bundle (never served by a portal: only ``bundle`` makes one)
IMAGE_PAGE = "application/x-nianbao-image-page+zip"
_MANIFEST = "manifest.json"
_PAGE = "page.html"
_IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_SRC = re.compile(r"""\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_BASE = re.compile(r"""<base\b[^>]*\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
#: private-use characters: survive the HTML reader's white-space folding, never in a real page
_MARK = re.compile("\ue000(\\d+)\ue001")


def _absolute(src: str, base: str) -> str:
    """As the crawler's links: absolute, without fragment (query kept)."""
    p = urlsplit(urljoin(base, src.strip()))
    return urlunsplit((p.scheme.lower(), p.netloc.lower(), p.path or "/", p.query, ""))


def _base(text: str, page_url: str) -> str:
    m = _BASE.search(text)
    return urljoin(page_url, next(g for g in m.groups() if g is not None)) if m else page_url


def image_sources(text: str, page_url: str) -> list[str]:
    """Every ``<img src>`` of the page as an absolute address, in page order (repeats kept)."""
    base = _base(text, page_url)
    out = []
    for tag in _IMG_TAG.findall(text):
        m = _SRC.search(tag)
        src = next((g for g in m.groups() if g is not None), "") if m else ""
        if src and not src.startswith("data:"):
            out.append(_absolute(src, base))
    return out


def page_order(page: bytes, page_url: str, image_urls: list[str]) -> list[str]:
    """The archived images of a page in the order the page shows them (first showing counts);
    an image the page no longer shows goes last, by address, so the order is deterministic."""
    shown = image_sources(decode_html(page).text, page_url)
    rank = {}
    for i, u in enumerate(shown):
        rank.setdefault(u, i)
    return sorted(set(image_urls), key=lambda u: (rank.get(u, len(shown)), u))


def bundle(page: bytes, page_url: str, images: list[tuple[str, bytes]]) -> bytes:
    """The page and its images (address, bytes; already in page order) as one payload."""
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        manifest = {"page_url": page_url, "images": [u for u, _ in images]}
        z.writestr(
            zipfile.ZipInfo(_MANIFEST, (1980, 1, 1, 0, 0, 0)), json.dumps(manifest, ensure_ascii=False)
        )
        z.writestr(zipfile.ZipInfo(_PAGE, (1980, 1, 1, 0, 0, 0)), page)
        for i, (_, data) in enumerate(images):
            z.writestr(zipfile.ZipInfo(f"images/{i:04d}", (1980, 1, 1, 0, 0, 0)), data)
    return out.getvalue()


def unbundle(data: bytes) -> tuple[bytes, str, list[tuple[str, bytes]]]:
    """(page, page address, [(image address, bytes)…]) of a bundle."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as z:
            manifest = json.loads(z.read(_MANIFEST))
            images = [(u, z.read(f"images/{i:04d}")) for i, u in enumerate(manifest["images"])]
            return z.read(_PAGE), manifest["page_url"], images
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise ExtractionError(f"not a page-with-images bundle: {e}") from e


def _marked(page: bytes, page_url: str, image_urls: list[str]) -> str:
    """The page's text with each archived image replaced by its marker on a line of its own."""
    text = decode_html(page).text
    base = _base(text, page_url)
    index = {u: i for i, u in enumerate(image_urls)}

    def swap(m: re.Match) -> str:
        s = _SRC.search(m.group(0))
        src = next((g for g in s.groups() if g is not None), "") if s else ""
        i = index.get(_absolute(src, base)) if src else None
        return m.group(0) if i is None else f"<br>\ue000{i}\ue001<br>"

    return _IMG_TAG.sub(swap, text)


def read_image_page(page: bytes, page_url: str, images: list[tuple[str, bytes]]) -> Document:
    """The page's lines with each image's OCR lines in its place; an image shown twice is read once,
    where it first stands.  Image ``k`` (1-based, page order) is OCR page ``k``."""
    from .html_tables import read_html
    from .ocr_reader import page_frames, submit_page

    urls = [u for u, _ in images]
    doc = read_html(_marked(page, page_url, urls).encode("utf-8"), "utf-8")
    shown = [int(part) for ln in doc.lines for part in _MARK.split(ln.text)[1::2]]
    order = list(dict.fromkeys(shown + list(range(len(images)))))  # first appearance; unshown last
    warnings: list[str] = []
    pending: dict[int, list[Future[list[Line]]]] = {}
    pages = 0
    for i in order:  # every image submitted in page order, read on the OCR threads meanwhile
        pending[i] = []
        try:
            for rgb in page_frames(images[i][1]):
                pages += 1
                pending[i].append(submit_page(rgb, pages, 1.0, "px"))
        except ExtractionError as e:
            warnings.append(f"image {urls[i]}: {e}")

    def ocr(i: int) -> list[Line]:
        out: list[Line] = []
        for fut in pending.pop(i, ()):
            for ln in fut.result():
                ln.loc["image"] = urls[i]
                for tok in ln.cells or ():
                    tok.loc["image"] = urls[i]
                out.append(ln)
        return out

    lines: list[Line] = []
    for ln in doc.lines:
        parts = _MARK.split(ln.text)
        if len(parts) == 1:
            lines.append(ln)
            continue
        for k, part in enumerate(parts):
            if k % 2:
                lines += ocr(int(part))  # an image shown twice: read where it first stands
            elif part.strip():
                lines.append(Line(part.strip(), ln.loc))
    for i in order:  # not shown in the page any more: read after its text
        lines += ocr(i)
    return Document(
        lines=lines, media_type="text/html", title=doc.title, meta=doc.meta, pages=pages,
        has_text=bool(lines), method="ocr", warnings=warnings,
    )  # fmt: skip
