"""The images of a report page's body: the tables a street office pasted in as pictures.

They are fetched as the page's attachments (same fetch path, address rules,
robots and politeness as a PDF).  Page furniture is left alone: the site's
logo and banner, share icons, QR codes, anything in the header, footer or
navigation, and pictures declared too small to hold a table.  The page keeps
the order: the extractor reads the images back in the order the archived
page shows them (``extract.image_pages.page_order``), so no ordering needs
recording here.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser

from .links import Link, clean_url, extension

IMAGE_EXTS = (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff")
#: where portals put the article (TRS, Hanweb, Dayu and hand-made pages)
_BODY = ("div.TRS_Editor", "#zoom", ".TRS_UEDITOR", "#UCAP-CONTENT", ".article-content", ".article", "#content",
         ".content", ".zw", ".view", "article")  # fmt: skip
#: names of pictures that are the site's, not the report's
_FURNITURE = re.compile(
    r"logo|icon|banner|qr|ewm|erweima|weixin|wechat|weibo|share|btn|button|arrow|jiucuo|zfwzgl|conac|beian|"
    r"gongan|search|print|close|blank|spacer",
    re.IGNORECASE,
)
#: class or id of a block around the article, not in it
_FRAME = re.compile(r"header|footer|nav|menu|logo|banner|share|qrcode|ewm|erweima|sidebar|toolbar|\btop\b|"
                    r"\bfoot\b|\bbottom\b", re.IGNORECASE)  # fmt: skip
#: a table screenshot is wider than this many pixels when the page declares a size
MIN_SIDE = 200
_OUTSIDE = ("header", "footer", "nav", "aside")


def _declared(value: str | None) -> int | None:
    m = re.match(r"\s*(\d+)\s*(?:px)?\s*$", value or "")
    return int(m.group(1)) if m else None


def _furniture(img, body) -> bool:
    a = img.attributes
    if _FURNITURE.search((a.get("src") or "").rsplit("/", 1)[-1]):
        return True
    width, height = _declared(a.get("width")), _declared(a.get("height"))
    if (width is not None and width < MIN_SIDE) or (height is not None and height < MIN_SIDE // 4):
        return True
    node = img.parent
    while (
        node is not None and node.tag not in ("body", "html") and (body is None or node.mem_id != body.mem_id)
    ):
        if node.tag in _OUTSIDE:
            return True
        if node.tag == "a" and extension(node.attributes.get("href") or "") not in IMAGE_EXTS:
            return True  # a picture that links somewhere else: a banner, a button, the home page
        if _FRAME.search(" ".join(node.attributes.get(k) or "" for k in ("class", "id"))):
            return True
        node = node.parent
    return False


def body_images(html: str, base_url: str) -> list[Link]:
    """The article body's images (jpg, png, gif, bmp, tif), in page order, first showing of each."""
    tree = LexborHTMLParser(html)
    base_tag = tree.css_first("base[href]")
    base = urljoin(base_url, base_tag.attributes.get("href") or "") if base_tag is not None else base_url
    body = next((n for sel in _BODY for n in tree.css(sel) if n.css_first("img") is not None), None)
    scope = body or tree.body or tree.root
    imgs = scope.css("img[src]") if scope is not None else []
    seen: set[str] = set()
    out = []
    for img in imgs:
        src = (img.attributes.get("src") or "").strip()
        if not src or src.startswith("data:") or _furniture(img, body):
            continue
        url = clean_url(urljoin(base, src))
        if extension(url) not in IMAGE_EXTS or url in seen or not url.startswith(("http://", "https://")):
            continue
        seen.add(url)
        alt = (img.attributes.get("alt") or img.attributes.get("title") or "").strip()
        out.append(Link(url, alt, None, None))
    return out
