"""Small synthetic reports with known figures, printed in each layout a reader must handle.

Labels come from the codebook; figures are arbitrary but distinct, so a value in
the wrong row or column cannot pass by accident.
"""

from __future__ import annotations

import html
import io

from extract import codebook as cb

TITLE = "重庆市巴南区测试街道办事处2023年政府信息公开工作年度报告"
AGENCY = "重庆市巴南区测试街道办事处"


def figures(fmt: str = "2021", collapsed_other: bool = False) -> dict[tuple[str, str, str], int]:
    """Distinct values per cell; the requests and review tables add up (every check passes)."""
    active, _, review = cb.tables_for(fmt)
    out: dict[tuple[str, str, str], int] = {}
    n = 3
    for r in active.rows:
        for c in r.columns:
            out[(active.key, r.key, c)] = n
            n += 1
    rows = _request_rows(fmt, collapsed_other)
    outcome = cb.outcome_rows(fmt, collapsed_other)
    for i, r in enumerate(rows):
        if r.key in outcome:
            for j, c in enumerate(cb.APPLICANT_COLUMNS):
                out[("requests", r.key, c)] = (i * 7 + j) % 5
    for c in cb.APPLICANT_COLUMNS:
        processed = sum(out[("requests", k, c)] for k in outcome)
        out[("requests", "total_processed", c)] = processed
        out[("requests", "carried_over", c)] = 1
        out[("requests", "carried_forward", c)] = 2
        out[("requests", "new_received", c)] = processed + 2 - 1
    for r in rows:
        out[("requests", r.key, "total")] = sum(out[("requests", r.key, c)] for c in cb.APPLICANT_COLUMNS)
    for i, r in enumerate(review.rows):
        vals = [i + 1, i, 2 * i + 1, 1]
        for c, v in zip(("upheld", "corrected", "other", "pending"), vals, strict=True):
            out[(review.key, r.key, c)] = v
        out[(review.key, r.key, "total")] = sum(vals)
    return out


def _request_rows(fmt: str, collapsed_other: bool):
    return list(cb.REQUESTS_2019.rows if (fmt == "2019" or collapsed_other) else cb.REQUESTS_2021.rows)


# ----------------------------------------------------------------- HTML grid


def _td(text: str, rs: int = 1, cs: int = 1, word: bool = False) -> str:
    attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
    body = html.escape(text)
    if word and text.isdigit() and len(text) > 1:
        # Word splits numbers across runs
        body = f'<span lang="EN-US">{text[:1]}</span><span lang="EN-US">{text[1:]}</span>'
    elif word:
        body = f'<p class="MsoNormal"><span style="font-family:仿宋">{body}</span></p>'
    return f"<td{attrs}>{body}</td>"


#: section 五 as some department and township pages print it: a table of processing fees, before the problems
FEE_TABLE = (
    "<p>五、信息处理费收取情况</p><table><tr><td>收费项目</td><td>按件计收（元）</td><td>按量计收（元）</td>"
    "<td>合计（元）</td></tr><tr><td>信息处理费</td><td>0</td><td>0</td><td>0</td></tr></table>"
)


def html_report(
    fmt: str = "2021",
    word: bool = False,
    collapsed_other: bool = False,
    charset: str = "utf-8",
    *,
    overview: str = "本年度工作平稳推进。",
    merged_other: bool = False,
    fee_table: bool = False,
    problems_heading: str = "五、存在的主要问题及改进情况",
    other_heading: str = "六、其他需要报告的事项",
    other_text: str = "本年度未收取信息处理费。",
    title: str = TITLE,
) -> bytes:
    """``merged_other``: a 2021 table printing the three （六）其他处理 sub-rows with their values merged
    across them (rowspan 3); ``fee_table``: FEE_TABLE as section 五, the last two headings then 六 and 七."""
    f = figures(fmt, collapsed_other or merged_other)
    active, _, review = cb.tables_for(fmt)
    td = lambda *a, **k: _td(*a, word=word, **k)  # noqa: E731
    parts = [
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">',
        f"<title>{title}_政府信息公开年报</title></head><body>",
        '<div class="info"><span>发布日期：2024-01-20</span></div>',
        f"<h1>{title}</h1><p>本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。</p>",
        f"<p>一、总体情况</p><p>{html.escape(overview)}</p>",
        "<p>二、主动公开政府信息情况</p><table>",
    ]
    block = None
    for r in active.rows:
        if r.group != block:
            block = r.group
            parts.append(f"<tr>{td(block, cs=4)}</tr>")
            heads = [active.column(c).label for c in r.columns]
            if len(heads) == 1:
                parts.append(f"<tr>{td('信息内容')}{td(heads[0], cs=3)}</tr>")
            else:
                parts.append("<tr>" + td("信息内容") + "".join(td(h) for h in heads) + "</tr>")
        vals = [str(f[("active", r.key, c)]) for c in r.columns]
        if len(vals) == 1:
            parts.append(f"<tr>{td(r.label)}{td(vals[0], cs=3)}</tr>")
        else:
            parts.append("<tr>" + td(r.label) + "".join(td(v) for v in vals) + "</tr>")
    parts.append("</table><p>三、收到和处理政府信息公开申请情况</p><table>")
    parts.append(
        f"<tr>{td('（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）', rs=3, cs=3)}{td('申请人情况', cs=7)}</tr>"
    )
    parts.append(f"<tr>{td('自然人', rs=2)}{td('法人或其他组织', cs=5)}{td('总计', rs=2)}</tr>")
    parts.append("<tr>" + "".join(td(c.label) for c in cb.REQUEST_COLUMNS[1:6]) + "</tr>")
    rows = _request_rows(fmt, collapsed_other)
    groups: dict[str, int] = {}
    for r in rows:
        if r.group:
            groups[r.group] = groups.get(r.group, 0) + 1
    seen: set[str] = set()
    result_rows = [r for r in rows if r.key not in ("new_received", "carried_over", "carried_forward")]
    for r in rows:
        if merged_other and r.key.startswith("other_"):
            merged = "".join(td(str(f[("requests", "other", c)]), rs=3) for c in cb.REQUESTS_2021.column_keys)
            vals = merged if r.key == "other_no_correction" else ""
        else:
            vals = "".join(td(str(f[("requests", r.key, c)])) for c in cb.REQUESTS_2021.column_keys)
        lead = ""
        if r.key in ("new_received", "carried_over", "carried_forward"):
            lead = td(r.label, cs=3)
        else:
            if "result" not in seen:
                seen.add("result")
                lead += td("三、本年度办理结果", rs=len(result_rows))
            if r.group and r.group != "三、本年度办理结果":
                if r.group not in seen:
                    seen.add(r.group)
                    lead += td(r.group, rs=groups[r.group])
                lead += td(r.label)
            else:
                lead += td(r.label, cs=2)
        parts.append(f"<tr>{lead}{vals}</tr>")
    parts.append("</table><p>四、政府信息公开行政复议、行政诉讼情况</p><table>")
    parts.append(f"<tr>{td('行政复议', cs=5)}{td('行政诉讼', cs=10)}</tr>")
    heads = "".join(td(c.label, rs=2) for c in cb.REVIEW_COLUMNS)
    parts.append(f"<tr>{heads}{td('未经复议直接起诉', cs=5)}{td('复议后起诉', cs=5)}</tr>")
    parts.append("<tr>" + "".join(td(c.label) for c in cb.REVIEW_COLUMNS) * 2 + "</tr>")
    parts.append(
        "<tr>"
        + "".join(
            td(str(f[("review_litigation", r.key, c.key)])) for r in review.rows for c in cb.REVIEW_COLUMNS
        )
        + "</tr></table>"
    )
    if fee_table:
        parts.append(FEE_TABLE)
        problems_heading = problems_heading.replace("五、", "六、", 1)
        other_heading = other_heading.replace("六、", "七、", 1)
    parts.append(
        f"<p>{problems_heading}</p><p>仍有不足。</p><p>{other_heading}</p><p>{html.escape(other_text)}</p>"
    )
    parts.append("</body></html>")
    return "\n".join(parts).encode(charset if charset != "gb2312" else "gb18030")


# ------------------------------------------------------------- text layouts


def _flat_rows(fmt: str = "2021"):
    """(label, values) per printed row, in order, for the text layouts."""
    f = figures(fmt)
    active, _, review = cb.tables_for(fmt)
    a = [(r.label, [f[("active", r.key, c)] for c in r.columns]) for r in active.rows]
    q = [
        (r.label, [f[("requests", r.key, c)] for c in cb.REQUESTS_2021.column_keys])
        for r in _request_rows(fmt, False)
    ]
    v = [f[("review_litigation", r.key, c.key)] for r in review.rows for c in cb.REVIEW_COLUMNS]
    return a, q, v


def _text_report(row, fmt: str = "2021") -> str:
    a, q, v = _flat_rows(fmt)
    active = cb.tables_for(fmt)[0]
    out = [
        TITLE,
        "本报告所列数据的统计期限自2023年1月1日起至2023年12月31日止。",
        "一、总体情况",
        "平稳。",
        "二、主动公开政府信息情况",
    ]
    block = None
    for r, (label, vals) in zip(active.rows, a, strict=True):
        if r.group != block:  # each block prints its own header row, as the national table does
            block = r.group
            out += [
                row(block, []),
                row("信息内容 " + " ".join(active.column(c).label for c in r.columns), []),
            ]
        out.append(row(label, vals))
    out += ["三、收到和处理政府信息公开申请情况", row("申请人情况", [])]
    out += [row(label, vals) for label, vals in q]
    out += ["四、政府信息公开行政复议、行政诉讼情况", row("行政复议 行政诉讼", []), row("", v)]
    out += ["五、存在的主要问题及改进情况", "无。", "六、其他需要报告的事项", "无。"]
    return "\n".join(out) + "\n"


def text_rows_report(fmt: str = "2021") -> bytes:
    """The one-row-per-line " | " variant."""
    return _text_report(
        lambda label, vals: " | ".join([label, *map(str, vals)]) if label else " | ".join(map(str, vals)), fmt
    ).encode()


def markdown_report(fmt: str = "2021") -> bytes:
    def row(label, vals):
        cells = ([label] if label else []) + [str(x) for x in vals]
        return "| " + " | ".join(cells) + " |\n|" + "---|" * len(cells)

    return _text_report(row, fmt).encode()


def cell_per_line_report(fmt: str = "2021") -> bytes:
    """The seed report's shape: one cell per line ending in " |"."""

    def row(label, vals):
        lines = ([f"{label} |"] if label else []) + [f"{x} |" for x in vals]
        return "\n".join(lines)

    return _text_report(row, fmt).encode()


# ------------------------------------------------------------- DOCX / XLSX


#: applicant columns a sparse report leaves blank (as js-shuyang-fgj-2023 does)
SPARSE_BLANK = (
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_org",
    "other_org",
)


def sparse_figures() -> dict[tuple[str, str, str], int | None]:
    """figures() with the legal-person columns of the requests table printed blank (null)."""
    f = dict(figures())
    for t, r, c in list(f):
        if t == "requests" and c in SPARSE_BLANK:
            f[(t, r, c)] = None
    return f


def docx_report(sparse: bool = False) -> bytes:
    """A Word report with merged cells (python-docx repeats them in row.cells);
    ``sparse`` leaves the legal-person columns of the requests table empty."""
    import docx

    a, q, v = _flat_rows()
    d = docx.Document()
    d.add_paragraph(TITLE)
    d.add_paragraph("本报告所列数据的统计期限自2023年1月1日起至2023年12月31日止。")
    d.add_paragraph("一、总体情况")
    d.add_paragraph("二、主动公开政府信息情况")
    t = d.add_table(rows=len(a), cols=4)
    for i, (label, vals) in enumerate(a):
        t.cell(i, 0).text = label
        if len(vals) == 1:
            merged = t.cell(i, 1).merge(t.cell(i, 3))
            merged.text = str(vals[0])
        else:
            for j, x in enumerate(vals):
                t.cell(i, 1 + j).text = str(x)
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    t = d.add_table(rows=len(q) + 1, cols=9)
    head = t.cell(0, 0).merge(t.cell(0, 1))
    head.text = "申请人情况"
    for j, c in enumerate(cb.REQUEST_COLUMNS):
        t.cell(0, 2 + j).text = c.label
    for i, (label, vals) in enumerate(q, start=1):
        lab = t.cell(i, 0).merge(t.cell(i, 1))
        lab.text = label
        for j, x in enumerate(vals):
            if not (sparse and cb.REQUEST_COLUMNS[j].key in SPARSE_BLANK):
                t.cell(i, 2 + j).text = str(x)
    d.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    t = d.add_table(rows=2, cols=15)
    t.cell(0, 0).merge(t.cell(0, 4)).text = "行政复议"
    t.cell(0, 5).merge(t.cell(0, 14)).text = "行政诉讼"
    for j, x in enumerate(v):
        t.cell(1, j).text = str(x)
    d.add_paragraph("五、存在的主要问题及改进情况")
    d.add_paragraph("六、其他需要报告的事项")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def xlsx_report() -> bytes:
    """A workbook with one sheet per table and no section headings; merged label cells."""
    import openpyxl

    a, q, v = _flat_rows()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "主动公开"
    ws.append(["第二十条第（一）项"])
    ws.merge_cells("A1:D1")
    for label, vals in a:
        ws.append([label, *vals])
        if len(vals) == 1:
            r = ws.max_row
            ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=4)
    ws = wb.create_sheet("依申请")
    ws.append(["申请人情况", None, *[c.label for c in cb.REQUEST_COLUMNS]])
    for label, vals in q:
        ws.append([label, None, *vals])
        r = ws.max_row
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
    ws = wb.create_sheet("复议诉讼")
    ws.append(["行政复议", None, None, None, None, "行政诉讼"])
    ws.append([c.label for c in cb.REVIEW_COLUMNS] * 3)
    ws.append(v)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ----------------------------------------------------------------- PDF, sparse


def pdf_with_blank_cells(blank: dict[str, set[int]], drawn_backwards: bool = False) -> bytes:
    """A PDF report whose requests rows print nothing in the columns ``blank[row]``
    (a blank cell in a PDF leaves no text at all): only position says which column a number is in.
    ``drawn_backwards`` draws the requests rows bottom row first (their places on the page unchanged)."""
    from demo.pdf import Page, write_pdf

    a, q, v = _flat_rows()
    page = Page()
    y = 800.0

    def line(text: str, x: float = 60) -> None:
        nonlocal y
        page.text(x, y, text, 9)
        y -= 14

    for t in (
        TITLE,
        "本报告所列数据的统计期限自2023年1月1日起至2023年12月31日止。",
        "一、总体情况",
        "二、主动公开政府信息情况",
    ):
        line(t)
    for label, vals in a:
        page.text(60, y, label, 9)
        for j, x in enumerate(vals):
            page.text(300 + 80 * j, y, str(x), 9)
        y -= 14
    line("三、收到和处理政府信息公开申请情况")
    cols = [260 + 40 * j for j in range(7)]
    for j, c in enumerate(cb.REQUEST_COLUMNS):
        page.text(cols[j], y, c.label[:2], 8)
    y -= 14
    keys = [r.key for r in cb.REQUESTS_2021.rows]
    rows = []
    for key, (label, vals) in zip(keys, q, strict=True):
        row = [(40, y, label[:12])] + [
            (cols[j], y, str(x)) for j, x in enumerate(vals) if j not in blank.get(key, set())
        ]
        rows.append(row)
        y -= 12
    for row in reversed(rows) if drawn_backwards else rows:
        for x, yy, text in row:
            page.text(x, yy, text, 8)
    line("四、政府信息公开行政复议、行政诉讼情况")
    for j, x in enumerate(v):
        page.text(40 + 34 * j, y, str(x), 8)
    y -= 14
    line("五、存在的主要问题及改进情况")
    line("六、其他需要报告的事项")
    return write_pdf([page], title=TITLE)
