"""Tell an anti-bot answer from a page.

Some portals (the "瑞数" family) answer a crawler with HTTP 412 or 202 and a
JavaScript challenge that sets ``$_ts``; others send an empty shell whose only
content is a script redirect.  Such an answer is not the document: it must be
recorded as ``blocked``, never retried (retrying only deepens the block) and
never archived as a document.
"""

from __future__ import annotations

import re

_TS = re.compile(rb"\$_ts\s*[=.\[]|\$_ts\b")
_SCRIPT = re.compile(rb"<script\b[^>]*>(.*?)</script\s*>", re.I | re.S)
_TAGS = re.compile(rb"<[^>]+>")
_SCRIPT_REDIRECT = re.compile(
    rb"(?:window\.|document\.|self\.|top\.)?location(?:\.href)?\s*=|location\.(?:replace|assign)\s*\(", re.I
)


def visible_text_length(body: bytes) -> int:
    without_scripts = _SCRIPT.sub(b"", body)
    without_styles = re.sub(rb"<style\b.*?</style\s*>", b"", without_scripts, flags=re.I | re.S)
    text = _TAGS.sub(b"", without_styles)
    return len(re.sub(rb"(&nbsp;|\s)+", b"", text))


def block_reason(status: int, content_type: str | None, body: bytes) -> str | None:
    """Why this answer is a block, or None if it looks like real content."""
    head = body[:200_000]
    if status in (412, 202) and _TS.search(head):
        return f"HTTP {status} with a $_ts JavaScript challenge"
    if status == 412:
        return "HTTP 412 (anti-bot precondition)"
    ctype = (content_type or "").lower()
    if status == 202 and _SCRIPT.search(head) and visible_text_length(head) < 50:
        return "HTTP 202 with a script-only answer"
    if status == 200 and ("html" in ctype or not ctype) and len(body) < 20_000:
        scripts = _SCRIPT.findall(head)
        if _TS.search(head) and visible_text_length(head) < 50:
            return "$_ts JavaScript challenge"
        if scripts and any(_SCRIPT_REDIRECT.search(s) for s in scripts) and visible_text_length(head) < 20:
            return "empty page that only redirects by script"
    return None
