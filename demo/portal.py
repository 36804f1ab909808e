"""The demo portal: figures in, a TRS-style district web site out (``{path: Resource}``).

Pure: no file or network access.  The site imitates what the crawler meets on a
Chongqing district portal (see ``shared/sources/chongqing-columns.md``):

* a district 年报 column ``/zwgk_252/zfxxgknb/`` with sub-columns for 区政府部门
  (``qzfbm/``), 街道 (``jd/``) and 镇 (``xz/``), each with one sub-column per body;
  a town publishing on its own sub-site ``/bmjz/jz/<slug>/zwgk_<n>/zfxxgknb_<n+17>/``;
* TRS list pages ``index.html``, ``index_1.html`` … announcing their page count with
  ``createPageHTML(pages, current, "index", "html")``; detail pages
  ``<column>/<YYYYMM>/t<YYYYMMDD>_<id>.html``; attachments ``P0<date><id>.pdf|docx``;
* report tables in the layouts of the spec: the national colspan/rowspan grid,
  Word-exported markup (numbers split across ``<span>``s, ``&nbsp;`` cells, nested
  ``<p>``), a page in GBK that declares its charset only in ``<meta>``, reports only
  as PDF or DOCX attachments, a scanned PDF, a page whose tables are PNG screenshots,
  and one page that answers HTTP 412 with a ``$_ts`` challenge.

Every table label comes from ``extract.codebook``; the prose is this module's own.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass

from extract.codebook import REQUEST_APPLICANT_GROUP, SECTIONS, tables_for

from .pdf import PAGE_H, Page, text_width, write_pdf
from .scan import scanned_pdf, table_images

ROOT = "/zwgk_252/zfxxgknb/"
CATEGORIES = {"qzfbm": "区政府部门", "jd": "街道", "xz": "镇"}
OWN_SITE = "/bmjz/jz/{slug}/zwgk_89437/zfxxgknb_89454/"
PER_PAGE = 4
HTML_UTF8 = "text/html; charset=utf-8"
HTML_NO_CHARSET = "text/html"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SECTION_TITLE = {key: title for _, key, title, _ in SECTIONS}
ACTIVE_HEAD = "信息内容"
REQUESTS_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
APPLICANTS_HEAD = "申请人情况"


@dataclass(frozen=True)
class Resource:
    body: bytes
    content_type: str
    status: int = 200


@dataclass(frozen=True)
class ReportDoc:
    """One report as published: where its text lives and which figures it prints."""

    body_id: str
    agency: str
    year: int
    layout: str
    page: str  # detail page path
    document: str  # path of the document holding the tables (page or attachment)
    figures: dict


def title_of(agency: str, year: int) -> str:
    return f"{agency}{year}年政府信息公开工作年度报告"


def column_of(body: dict) -> str:
    if body["category"] is None:
        return OWN_SITE.format(slug=body["id"])
    if body["category"] == "":
        return ROOT
    return f"{ROOT}{body['category']}/{body['id']}/"


def _paths(body: dict, report: dict) -> tuple[str, str]:
    d = report["published"].replace("-", "")
    folder = f"{column_of(body)}{d[:6]}/"
    return f"{folder}t{d}_{report['doc_id']}.html", f"{folder}P0{d}{report['doc_id'] % 100000:05d}"


# ------------------------------------------------------------------ numbers


def fmt(v) -> str:
    if v is None:
        return "/"
    if isinstance(v, float) and not v.is_integer():
        return f"{v:g}"
    return str(int(v))


# ------------------------------------------------------------------ prose


def _prose(agency: str, year: int, fig: dict) -> dict[str, list[str]]:
    req = fig["requests"]
    act = fig["active"]
    new = req["new_received"]["total"]
    granted = req["granted"]["total"] + req["partially_granted"]["total"]
    nd = act["normative_documents"]
    docs = (nd["issued"] if "issued" in nd else nd["made"]) or 0
    return {
        "preamble": [
            f"本报告由{agency}编制，说明本机关{year}年度政府信息公开工作的情况。"
            f"统计期限为{year}年1月1日至{year}年12月31日。",
            "说明：本页由 nianbao 演示门户生成，机关名称与全部数字均为虚构的演示数据。",
        ],
        "overview": [
            f"{year}年，本机关把政府信息公开作为日常工作的一部分，明确专人负责，按照“谁制作、谁公开”的原则办理。",
            f"全年制发规范性文件{docs}件，收到公开申请{new}件，其中全部或部分公开{granted}件。",
            "信息发布前实行审核，平台栏目定期检查，发现的错误链接和过期内容已及时更正。",
        ],
        "problems": [
            "一是部分栏目更新不够及时；二是申请办理中答复文书的说理还可以更充分。",
            f"{year + 1}年将按季度检查栏目内容，并组织一次办理答复的业务培训。",
        ],
        "other": ["本年度未收取信息处理费。本机关没有其他需要报告的事项。"],
    }


# ------------------------------------------------------------------ HTML tables


def _td(text: str, rs: int = 1, cs: int = 1, word: bool = False) -> str:
    attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
    if not word:
        return f"<td{attrs}>{html.escape(text)}</td>"
    if text == "":
        inner = "<p class=MsoNormal align=center><span lang=EN-US>&nbsp;</span></p>"
    elif text.replace(".", "").isdigit() and len(text) > 1:
        # Word splits a number over runs: "20</span><span>23"
        inner = (f"<p class=MsoNormal align=center><span lang=EN-US style='font-size:10.5pt'>{text[:-1]}</span>"
                 f"<span lang=EN-US style='font-size:10.5pt;font-family:仿宋_GB2312'>{text[-1]}</span></p>")  # fmt: skip
    elif "<br>" in text:
        inner = "".join(
            f"<p class=MsoNormal align=center><span>{html.escape(p)}</span></p>" for p in text.split("<br>")
        )
    else:
        inner = (
            f"<p class=MsoNormal align=center><span style='font-size:10.5pt'>{html.escape(text)}</span></p>"
        )
    return f"<td width=60 valign=center style='border:solid windowtext 1.0pt;padding:0cm 5.4pt'{attrs}>{inner}</td>"


def _tr(cells: list[str], word: bool) -> str:
    return ("<tr style='height:18.0pt'>" if word else "<tr>") + "".join(cells) + "</tr>"


def _table(rows: list[str], word: bool) -> str:
    if word:
        return ("<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 width=600 "
                "style='border-collapse:collapse;border:none'>" + "".join(rows) + "</table>")  # fmt: skip
    return '<table border="1" cellspacing="0" cellpadding="4" class="report">' + "".join(rows) + "</table>"


def active_table(fig: dict, fmt_: str, word: bool) -> str:
    """The 二 table: four columns (label + three), blocks headed by their article; a row with
    fewer figures than three spans its last figure over the rest (as the national form does)."""
    active = tables_for(fmt_)[0]
    a = fig["active"]
    rows: list[str] = []

    def cells(label: str, texts: list[str]) -> list[str]:
        out = [_td(label, word=word)] + [_td(t, word=word) for t in texts[:-1]]
        return out + [_td(texts[-1], cs=4 - len(texts), word=word)]

    group = head = None
    for r in active.rows:
        if r.group != group:
            group = r.group
            rows.append(_tr([_td(group, cs=4, word=word)], word))
        if r.columns != head:
            head = r.columns
            rows.append(_tr(cells(ACTIVE_HEAD, [active.column(c).label for c in r.columns]), word))
        rows.append(_tr(cells(r.label, [fmt(a[r.key][c]) for c in r.columns]), word))
    return _table(rows, word)


def requests_table(fig: dict, fmt_: str, word: bool) -> str:
    t = tables_for(fmt_)[1]
    q = fig["requests"]
    cols = t.columns
    split = (lambda s: s[:2] + "<br>" + s[2:]) if word else (lambda s: s)
    rows = [
        _tr([_td(REQUESTS_NOTE, rs=3, cs=3, word=word), _td(APPLICANTS_HEAD, cs=7, word=word)], word),
        _tr(
            [
                _td(cols[0].label, rs=2, word=word),
                _td(REQUEST_APPLICANT_GROUP, cs=5, word=word),
                _td(cols[6].label, rs=2, word=word),
            ],
            word,
        ),  # fmt: skip
        _tr([_td(split(c.label), word=word) for c in cols[1:6]], word),
    ]
    nums = lambda key: [_td(fmt(q[key][c.key]), word=word) for c in cols]  # noqa: E731
    body = [r for r in t.rows]
    first, second, *results, forward = body
    rows.append(_tr([_td(first.label, cs=3, word=word), *nums(first.key)], word))
    rows.append(_tr([_td(second.label, cs=3, word=word), *nums(second.key)], word))
    group_sizes: dict[str, int] = {}
    for r in results:
        if r.label.startswith("（") and not r.label.startswith("（七"):
            continue
        group_sizes[r.group] = group_sizes.get(r.group, 0) + 1
    result_head = results[0].group  # 三、本年度办理结果
    seen: set[str] = set()
    for i, r in enumerate(results):
        cells = []
        if i == 0:
            cells.append(_td(result_head, rs=len(results), word=word))
        if r.group == result_head:  # （一）（二）（七）, or （六） as one row
            cells.append(_td(r.label, cs=2, word=word))
        else:
            if r.group not in seen:
                seen.add(r.group)
                cells.append(_td(r.group, rs=sum(1 for x in results if x.group == r.group), word=word))
            cells.append(_td(r.label, word=word))
        rows.append(_tr(cells + nums(r.key), word))
    rows.append(_tr([_td(forward.label, cs=3, word=word), *nums(forward.key)], word))
    return _table(rows, word)


def review_table(fig: dict, word: bool) -> str:
    t = tables_for("2021")[2]
    v = fig["review_litigation"]
    review, direct, after = t.rows
    heads = [c.label for c in t.columns]
    rows = [
        _tr([_td(review.label, cs=5, word=word), _td(direct.group, cs=10, word=word)], word),
        _tr(
            [_td(h, rs=2, word=word) for h in heads]
            + [_td(direct.label, cs=5, word=word), _td(after.label, cs=5, word=word)],
            word,
        ),  # fmt: skip
        _tr([_td(h, word=word) for h in heads * 2], word),
        _tr([_td(fmt(v[r.key][c.key]), word=word) for r in t.rows for c in t.columns], word),
    ]
    return _table(rows, word)


def report_html_body(agency: str, year: int, fig: dict, fmt_: str, word: bool,
                     pictures: list[str] | None = None) -> str:  # fmt: skip
    """``pictures``: three image addresses shown where the three tables would stand."""
    p = _prose(agency, year, fig)
    img = [f'<p style="text-align:center"><img src="{html.escape(u)}" width="800" alt=""></p>'
           for u in pictures or ()]  # fmt: skip
    para = (lambda s: f"<p class=MsoNormal style='text-indent:32.0pt'><span>{html.escape(s)}</span></p>") if word \
        else (lambda s: f"<p>{html.escape(s)}</p>")  # fmt: skip
    head = (lambda s: f"<p class=MsoNormal><b><span>{html.escape(s)}</span></b></p>") if word \
        else (lambda s: f"<h3>{html.escape(s)}</h3>")  # fmt: skip
    out = [para(s) for s in p["preamble"]]
    out.append(head(SECTION_TITLE["overview"]))
    out += [para(s) for s in p["overview"]]
    out.append(head(SECTION_TITLE["active"]))
    out.append(img[0] if img else active_table(fig, fmt_, word))
    out.append(head(SECTION_TITLE["requests"]))
    out.append(img[1] if img else requests_table(fig, fmt_, word))
    out.append(head(SECTION_TITLE["review_litigation"]))
    out.append(img[2] if img else review_table(fig, word))
    out.append(head(SECTION_TITLE["problems"]))
    out += [para(s) for s in p["problems"]]
    out.append(head(SECTION_TITLE["other"]))
    out += [para(s) for s in p["other"]]
    if word:  # Word's wrapper: a WordSection div, nested paragraphs
        return "<div class=WordSection1><div>" + "\n".join(out) + "</div></div>"
    return "\n".join(out)


# ------------------------------------------------------------------ page frame


def _frame(site: str, title: str, crumbs: list[tuple[str, str]], main: str, meta: dict[str, str] | None = None,
           charset: str = "utf-8") -> str:  # fmt: skip
    metas = "".join(f'<meta name="{k}" content="{html.escape(v)}">' for k, v in (meta or {}).items())
    if charset == "utf-8":
        head_charset = '<meta charset="utf-8">'
    else:
        head_charset = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
    crumb = " &gt; ".join(f'<a href="{h}">{html.escape(t)}</a>' if h else html.escape(t) for t, h in crumbs)
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head>{head_charset}<title>{html.escape(title)}_{html.escape(site)}</title>{metas}
<link rel="stylesheet" href="/images/demo.css"></head>
<body><div class="top"><a href="/">{html.escape(site)}</a> <span class="demo">nianbao 演示站点 · 全部数据为虚构</span></div>
<div class="crumb">当前位置：{crumb}</div>
<div class="main">{main}</div>
<div class="foot">{html.escape(site)}（演示）主办 · 本站仅供 nianbao 离线演示使用</div>
</body></html>
"""


def _list_page(site, title, crumbs, column_nav, entries, page, pages, extra_meta=None) -> str:
    nav = ""
    if column_nav:
        nav = (
            '<div class="subnav"><ul>'
            + "".join(f'<li><a href="{h}">{html.escape(t)}</a></li>' for t, h in column_nav)
            + "</ul></div>"
        )
    items = "".join(
        f'<li><a href="{h}" target="_blank"{f" title={chr(34)}{html.escape(full)}{chr(34)}" if full else ""}>'
        f'{html.escape(text)}</a><span class="date">{d}</span></li>'
        for text, full, h, d in entries
    )
    script = f'<div class="page"><script>createPageHTML({pages}, {page}, "index", "html");</script></div>'
    main = f'<h2>{html.escape(title)}</h2>{nav}<ul class="list">{items}</ul>{script}'
    return _frame(site, title, crumbs, main, {"ColumnName": title, **(extra_meta or {})})


def _paged(entries: list, per: int = PER_PAGE) -> list[list]:
    return [entries[i : i + per] for i in range(0, len(entries), per)] or [[]]


# ------------------------------------------------------------------ attachments


def report_pdf(agency: str, year: int, fig: dict) -> bytes:
    return write_pdf(*report_pages(agency, year, fig))


def report_pages(agency: str, year: int, fig: dict, tables_only: bool = False) -> tuple[list[Page], str]:
    """The report laid out on A4 pages; ``tables_only``: just the three tables, one per page
    (the screenshots a page whose tables are images shows)."""
    t_active, t_req, t_rev = tables_for("2021")
    pages: list[Page] = [Page()]
    y = [PAGE_H - 60]

    def line(x: float, s: str, size: float = 9.0, gap: float = 15.0) -> None:
        if y[0] < 60:
            pages.append(Page())
            y[0] = PAGE_H - 60
        pages[-1].text(x, y[0], s, size)

    def nl(gap: float = 15.0) -> None:
        y[0] -= gap

    def row(label: str, values: list[str], xs: list[float], size: float = 8.0) -> None:
        line(40, label, size)
        for v, x in zip(values, xs, strict=True):
            pages[-1].text(x - text_width(v, size) / 2, y[0], v, size)
        nl(14)

    def heading(s: str) -> None:
        if tables_only:  # the page's own text says it; each table a picture of its own
            if pages[-1].items:
                pages.append(Page())
            y[0] = PAGE_H - 40
            return
        line(50, s, 11)
        nl(18)

    title = title_of(agency, year)
    p = _prose(agency, year, fig)
    if not tables_only:
        line((595 - text_width(title, 14)) / 2, title, 14)
        nl(30)

    def prose(paras: list[str]) -> None:
        for s in paras if not tables_only else ():
            for i in range(0, len(s), 38):
                line(50 if i else 68, s[i : i + 38], 10)
                nl(16)

    prose(p["preamble"])
    if not tables_only:
        heading(SECTION_TITLE["overview"])
    prose(p["overview"])
    heading(SECTION_TITLE["active"])
    a = fig["active"]
    group = None
    for r in t_active.rows:
        if r.group != group:
            group = r.group
            line(250, group, 9)
            nl(14)
            heads = [t_active.column(c).label for c in r.columns]
            xs = [300, 400, 500] if len(heads) == 3 else [400]
            row(ACTIVE_HEAD, heads, xs)
        xs = [300, 400, 500] if len(r.columns) == 3 else [400]
        row(r.label, [fmt(a[r.key][c]) for c in r.columns], xs)
    nl(6)
    heading(SECTION_TITLE["requests"])
    q = fig["requests"]
    xs = [330 + 36 * i for i in range(7)]
    line(440, APPLICANTS_HEAD, 8)
    nl(12)
    for c, x in zip(t_req.columns, xs, strict=True):
        pages[-1].text(x - text_width(c.label[:2], 8) / 2, y[0], c.label[:2], 8)
    nl(10)
    for c, x in zip(t_req.columns, xs, strict=True):
        if len(c.label) > 2:
            pages[-1].text(x - text_width(c.label[2:], 8) / 2, y[0], c.label[2:], 8)
    nl(14)
    group = None
    for r in t_req.rows:
        label = r.label
        if r.group and r.group != group and not r.group.startswith("三、"):
            label = f"{r.group} {r.label}"
        if r.group != group:
            group = r.group
        row(label, [fmt(q[r.key][c.key]) for c in t_req.columns], xs, 7.0)
    nl(6)
    heading(SECTION_TITLE["review_litigation"])
    review, direct, after = t_rev.rows
    xs15 = [60 + 33 * i for i in range(15)]
    line(120, review.label, 8)
    pages[-1].text(380, y[0], direct.group, 8)
    nl(12)
    pages[-1].text(270, y[0], direct.label, 8)
    pages[-1].text(440, y[0], after.label, 8)
    nl(12)
    for i, x in enumerate(xs15):
        s = t_rev.columns[i % 5].label
        pages[-1].text(x - text_width(s, 7) / 2, y[0], s, 7)
    nl(14)
    v = fig["review_litigation"]
    nums = [fmt(v[r.key][c.key]) for r in t_rev.rows for c in t_rev.columns]
    line(40, "", 8)
    for s, x in zip(nums, xs15, strict=True):
        pages[-1].text(x - text_width(s, 8) / 2, y[0], s, 8)
    nl(24)
    if not tables_only:
        heading(SECTION_TITLE["problems"])
        prose(p["problems"])
        heading(SECTION_TITLE["other"])
        prose(p["other"])
    return pages, title


def report_docx(agency: str, year: int, fig: dict) -> bytes:
    import docx  # python-docx, a project dependency

    t_active, t_req, t_rev = tables_for("2021")
    d = docx.Document()
    d.core_properties.title = title_of(agency, year)
    d.add_heading(title_of(agency, year), level=1)
    p = _prose(agency, year, fig)
    for s in p["preamble"]:
        d.add_paragraph(s)
    d.add_paragraph(SECTION_TITLE["overview"])
    for s in p["overview"]:
        d.add_paragraph(s)
    d.add_paragraph(SECTION_TITLE["active"])
    a = fig["active"]
    grid: list[list[str]] = []
    merges: list[tuple[int, int, int, int]] = []
    group = None
    for r in t_active.rows:
        if r.group != group:
            group = r.group
            merges.append((len(grid), 0, len(grid), 3))
            grid.append([group, "", "", ""])
            if len(r.columns) == 1:
                merges.append((len(grid), 1, len(grid), 3))
                grid.append([ACTIVE_HEAD, t_active.column(r.columns[0]).label, "", ""])
            else:
                grid.append([ACTIVE_HEAD] + [t_active.column(c).label for c in r.columns])
        vals = [fmt(a[r.key][c]) for c in r.columns]
        if len(vals) == 1:
            merges.append((len(grid), 1, len(grid), 3))
            grid.append([r.label, vals[0], "", ""])
        else:
            grid.append([r.label, *vals])
    _docx_table(d, grid, merges)

    d.add_paragraph(SECTION_TITLE["requests"])
    q = fig["requests"]
    cols = t_req.columns
    grid, merges = [], []
    grid.append([REQUESTS_NOTE, "", "", APPLICANTS_HEAD, "", "", "", "", "", ""])
    merges += [(0, 0, 2, 2), (0, 3, 0, 9)]
    grid.append(["", "", "", cols[0].label, REQUEST_APPLICANT_GROUP, "", "", "", "", cols[6].label])
    merges += [(1, 3, 2, 3), (1, 4, 1, 8), (1, 9, 2, 9)]
    grid.append(["", "", "", "", *[c.label for c in cols[1:6]], ""])
    first, second, *results, forward = t_req.rows
    for r in (first, second):
        merges.append((len(grid), 0, len(grid), 2))
        grid.append([r.label, "", "", *[fmt(q[r.key][c.key]) for c in cols]])
    start = len(grid)
    head = results[0].group
    group_start: dict[str, int] = {}
    for r in results:
        nums = [fmt(q[r.key][c.key]) for c in cols]
        if r.group == head:
            merges.append((len(grid), 1, len(grid), 2))
            grid.append([head, r.label, "", *nums])
        else:
            group_start.setdefault(r.group, len(grid))
            grid.append([head, r.group, r.label, *nums])
    for g, s in group_start.items():
        n = sum(1 for r in results if r.group == g)
        merges.append((s, 1, s + n - 1, 1))
    merges.append((start, 0, len(grid) - 1, 0))
    merges.append((len(grid), 0, len(grid), 2))
    grid.append([forward.label, "", "", *[fmt(q[forward.key][c.key]) for c in cols]])
    _docx_table(d, grid, merges)

    d.add_paragraph(SECTION_TITLE["review_litigation"])
    review, direct, after = t_rev.rows
    heads = [c.label for c in t_rev.columns]
    v = fig["review_litigation"]
    grid = [
        [review.label] + [""] * 4 + [direct.group] + [""] * 9,
        heads + [direct.label] + [""] * 4 + [after.label] + [""] * 4,
        [""] * 5 + heads * 2,
        [fmt(v[r.key][c.key]) for r in t_rev.rows for c in t_rev.columns],
    ]
    merges = [(0, 0, 0, 4), (0, 5, 0, 14), (1, 5, 1, 9), (1, 10, 1, 14)] + [(1, i, 2, i) for i in range(5)]
    _docx_table(d, grid, merges)
    d.add_paragraph(SECTION_TITLE["problems"])
    for s in p["problems"]:
        d.add_paragraph(s)
    d.add_paragraph(SECTION_TITLE["other"])
    for s in p["other"]:
        d.add_paragraph(s)
    buf = io.BytesIO()
    d.save(buf)
    return _stable_zip(buf.getvalue())


def _docx_table(d, grid: list[list[str]], merges: list[tuple[int, int, int, int]]) -> None:
    t = d.add_table(rows=len(grid), cols=len(grid[0]))
    t.style = "Table Grid"
    cells = t._cells  # one pass; Table.cell() walks the whole table on every call
    width = len(grid[0])
    for i, row in enumerate(grid):
        for j, text in enumerate(row):
            if text:
                cells[i * width + j].text = text
    for r0, c0, r1, c1 in merges:
        keep = t.cell(r0, c0).text
        m = t.cell(r0, c0).merge(t.cell(r1, c1))
        m.text = keep


def _stable_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps so the same figures give the same bytes."""
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(2025, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, src.read(info.filename))
    return out.getvalue()


# ------------------------------------------------------------------ the site

_BLOCKED = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>'
    "<script type=\"text/javascript\">$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=48291;"
    '$_ts.cd="qAbcDemoOnlyNotARealChallengeqqqq";</script>'
    '<script type="text/javascript" src="/demo/ts_challenge.js" r=\'m\'></script></body></html>'
)
_ROBOTS = "User-agent: *\nDisallow: /admin/\nDisallow: /search/\n"
_CSS = "body{font-family:sans-serif;max-width:60em;margin:auto}td{border:1px solid #999;padding:2px 4px}"


def build_site(figures: dict) -> tuple[dict[str, Resource], list[ReportDoc]]:
    """The whole portal as {path: Resource}, and the list of its reports."""
    site = figures["site_name"]
    res: dict[str, Resource] = {}
    docs: list[ReportDoc] = []

    def put(path: str, text: str, ctype: str = HTML_UTF8, status: int = 200, enc: str = "utf-8") -> None:
        res[path] = Resource(text.encode(enc), ctype, status)

    home_crumb = ("首页", "/")
    gk_crumb = ("政府信息公开年报", ROOT)
    # entries per column: (link text, title attr, href, date)
    per_column: dict[str, list[tuple[str, str, str, str]]] = {}
    for body in figures["bodies"]:
        col = column_of(body)
        entries = per_column.setdefault(col, [])
        for rep in body["reports"]:
            page, stem = _paths(body, rep)
            title = title_of(body["name"], rep["year"])
            layout = rep["layout"]
            fig = rep["tables"]
            meta = {"ArticleTitle": title, "PubDate": rep["published"] + " 09:30", "ContentSource": body["name"],
                    "ColumnName": "政府信息公开年报"}  # fmt: skip
            crumbs = [home_crumb, gk_crumb]
            if body["category"]:
                crumbs.append((CATEGORIES[body["category"]], f"{ROOT}{body['category']}/"))
            crumbs.append((body["name"], col))
            info = (f'<div class="info">发布机构：{html.escape(body["name"])}　'
                    f'发布日期：{rep["published"]}</div>')  # fmt: skip
            document = page
            if layout == "blocked":
                put(page, _BLOCKED, HTML_UTF8, 412)
            elif layout in ("pdf", "docx", "scan"):
                ext = "docx" if layout == "docx" else "pdf"
                if layout == "scan":  # a scan with no text layer (the text-layer PDF without a CJK font)
                    data = scanned_pdf(report_pages(body["name"], rep["year"], fig)[0]) or report_pdf(
                        body["name"], rep["year"], fig
                    )
                elif ext == "pdf":
                    data = report_pdf(body["name"], rep["year"], fig)
                else:
                    data = report_docx(body["name"], rep["year"], fig)
                att = f"{stem}.{ext}"
                res[att] = Resource(data, PDF if ext == "pdf" else DOCX)
                document = att
                name = att.rsplit("/", 1)[1]
                main = (f"<h1>{html.escape(title)}</h1>{info}<div class=\"TRS_Editor\">"
                        f"<p>{html.escape(body['name'])}{rep['year']}年度政府信息公开工作年度报告全文见附件。</p></div>"
                        f'<div class="fj">附件：<a href="./{name}">{html.escape(title)}.{ext}</a></div>')  # fmt: skip
                put(page, _frame(site, title, crumbs, main, meta))
            else:
                word = layout == "word"
                charset = "gb2312" if layout == "gbk" else "utf-8"
                pictures = None
                if layout == "images":  # the tables as screenshots (HTML tables without a CJK font)
                    shots = table_images(report_pages(body["name"], rep["year"], fig, tables_only=True)[0])
                    for k, png in enumerate(shots or ()):
                        res[f"{stem}_{k + 1}.png"] = Resource(png, "image/png")
                    pictures = [f"./{stem.rsplit('/', 1)[1]}_{k + 1}.png" for k in range(len(shots or ()))]
                content = report_html_body(body["name"], rep["year"], fig, rep["format"], word, pictures)
                main = f'<h1>{html.escape(title)}</h1>{info}<div class="TRS_Editor">{content}</div>'
                text = _frame(site, title, crumbs, main, meta, charset=charset)
                if layout == "gbk":
                    put(page, text, HTML_NO_CHARSET, enc="gbk")
                else:
                    put(page, text)
            docs.append(ReportDoc(body["id"], body["name"], rep["year"], layout, page, document, rep))
            href = "./" + page[len(col) :]
            shown = title if not (body["id"] == "nsjd" and rep["year"] == 2024) else title[:22] + "..."
            entries.append((shown, "" if shown != title else title, href, rep["published"]))
        # other documents of the column: not reports, the crawler must pass them by
        if col == ROOT:
            continue
        guide = f"{col}201901/t20190320_{7000000 + len(res)}.html"
        guide_title = f"{body['name']}政府信息公开指南"
        put(guide, _frame(site, guide_title, [home_crumb, gk_crumb], f"<h1>{html.escape(guide_title)}</h1>"
                          "<p>本指南说明向本机关申请公开政府信息的方式和流程（演示内容）。</p>"))  # fmt: skip
        entries.append((guide_title, guide_title, "./" + guide[len(col) :], "2019-03-20"))
        if body["id"] == "zfbgs":
            for i in range(5):
                n = f"{col}202402/t202402{10 + i}_{7100000 + i}.html"
                t = f"关于做好{2024}年政务公开重点工作的通知（之{i + 1}）"
                put(n, _frame(site, t, [home_crumb, gk_crumb], f"<h1>{html.escape(t)}</h1><p>演示内容。</p>"))
                entries.insert(1, (t, t, "./" + n[len(col) :], f"2024-02-{10 + i}"))

    # list pages: one column per body, one per category, the district root
    def write_column(col: str, title: str, crumbs, nav, entries) -> None:
        pages = _paged(entries)
        for i, chunk in enumerate(pages):
            name = "index.html" if i == 0 else f"index_{i}.html"
            put(col + name, _list_page(site, title, crumbs, nav, chunk, i, len(pages)))

    for cat, cat_name in CATEGORIES.items():
        cat_col = f"{ROOT}{cat}/"
        nav, cat_entries = [], []
        for body in (b for b in figures["bodies"] if b["category"] == cat):
            col = column_of(body)
            nav.append((body["name"], "./" + col[len(cat_col) :]))
            crumbs = [home_crumb, gk_crumb, (cat_name, cat_col), (body["name"], None)]
            write_column(col, body["name"], crumbs, [], per_column[col])
            for text, full, href, d in per_column[col]:
                if full and "年度报告" in full:
                    cat_entries.append((text, full, col + href[2:], d))
        cat_entries.sort(key=lambda e: e[3], reverse=True)
        write_column(cat_col, cat_name, [home_crumb, gk_crumb, (cat_name, None)], nav, cat_entries)
    root_nav = [(name, f"./{cat}/") for cat, name in CATEGORIES.items()]
    root_entries = sorted(per_column.get(ROOT, []), key=lambda e: e[3], reverse=True)
    write_column(ROOT, "政府信息公开年报", [home_crumb, ("政府信息公开年报", None)], root_nav, root_entries)
    for body in (b for b in figures["bodies"] if b["category"] is None):
        col = column_of(body)
        crumbs = [home_crumb, (body["name"], None), ("政务公开", None), ("政府信息公开年报", None)]
        write_column(col, "政府信息公开年报", crumbs, [], per_column[col])

    own = [(b["name"], column_of(b)) for b in figures["bodies"] if b["category"] is None]
    links = "".join(
        f'<li><a href="{h}">{html.escape(t)}</a></li>' for t, h in [("政府信息公开年报", ROOT), *own]
    )
    put("/", _frame(site, site, [home_crumb], f"<h1>{html.escape(site)}</h1><ul>{links}</ul>"))
    put("/index.html", res["/"].body.decode())
    put("/robots.txt", _ROBOTS, "text/plain; charset=utf-8")
    put("/images/demo.css", _CSS, "text/css")
    return res, docs


CATEGORY_LEVELS = {"qzfbm": "department", "jd": "street", "xz": "township"}


def start_urls(figures: dict, base: str) -> list[tuple[str, str, str, str, str]]:
    """Registry rows for the demo portal: (id, agency, level, start URL, max_depth).

    One row per portal column, as in ``data/sources/``: the district column holds the
    government's own reports (its sub-columns are registry rows of their own, with
    their level; the crawler leaves a sub-column to the row whose column it is), then
    one row per category column and one per body with its own sub-site.
    """
    gov = next((b["name"] for b in figures["bodies"] if b["category"] == ""), "")
    rows = [("demo-district", gov, "district", f"{base}{ROOT}index.html", "")]
    for cat, level in CATEGORY_LEVELS.items():
        rows.append((f"demo-{cat}", "", level, f"{base}{ROOT}{cat}/index.html", ""))
    for b in figures["bodies"]:
        if b["category"] is None:
            rows.append((f"demo-{b['id']}", b["name"], b["level"], f"{base}{column_of(b)}index.html", ""))
    return rows
