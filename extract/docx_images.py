"""The pictures of a DOCX body in reading order: a report that is page scans pasted into Word.

A township office scans its signed report and saves the scans as a DOCX (or a
WPS file that is one); the document then has no text to read, only pictures.
They are found as Word shows them: every ``a:blip`` (DrawingML) and
``v:imagedata`` (VML, older Word and WPS) in the body in document order,
resolved through ``word/_rels/document.xml.rels`` to their ``word/media``
part, behind the same zip and XML guards as the text reader.
"""

from __future__ import annotations

from posixpath import normpath

from .model import ExtractionError
from .office import BAD_ZIP, open_zip, parse_xml, read_xml_part

_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
_VML_IMAGE = "{urn:schemas-microsoft-com:vml}imagedata"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_BODY = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}body"


def docx_images(data: bytes) -> list[bytes]:
    """The bytes of each picture of the body, in body order; a picture shown twice is one page."""
    z = open_zip(data, "DOCX")
    root = parse_xml(read_xml_part(z, "word/document.xml", "DOCX"), "word/document.xml", "DOCX")
    body = root.find(_BODY)
    if body is None:
        return []
    try:
        rels_xml = read_xml_part(z, "word/_rels/document.xml.rels", "DOCX")
    except ExtractionError:
        return []  # no relationships: no pictures to find
    rels = parse_xml(rels_xml, "word/_rels/document.xml.rels", "DOCX")
    targets = {
        r.get("Id"): r.get("Target") or ""
        for r in rels.iter(_RELS)
        if r.get("TargetMode") != "External" and (r.get("Type") or "").endswith("/image")
    }
    out, seen = [], set()
    for el in body.iter(_BLIP, _VML_IMAGE):
        rid = el.get(f"{_R}embed") if el.tag == _BLIP else el.get(f"{_R}id")
        target = targets.get(rid)
        if not target or rid in seen:
            continue
        seen.add(rid)
        name = target.lstrip("/") if target.startswith("/") else normpath(f"word/{target}")
        try:
            out.append(z.read(name))
        except (KeyError, *BAD_ZIP):
            continue  # a dangling picture: the rest of the document still reads
    return out
