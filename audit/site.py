"""The audit as a static site: plain HTML files that open from disk, with no server and no network.

Every string from a report is escaped (reports are untrusted input); the small
sort and filter script and the style sheet are inlined into each page, so a page
copied alone still works.  Archived documents are written beside the pages and
linked relatively.  The whole site is written into a temporary directory and
renamed over the target only when complete: a failed run never leaves half a
site over a good one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from html import escape
from importlib import resources
from pathlib import Path
from urllib.parse import quote

from .findings import Audit, BodyYear, behind
from .labels import HEAD, LEVELS, STATUS, TOTALS

_EXT = {"text/html": "html", "application/pdf": "pdf", "application/msword": "doc",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
        "application/vnd.ms-excel": "xls",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx"}  # fmt: skip


def _asset(name: str) -> str:
    return resources.files("audit").joinpath("assets", name).read_text("utf-8")


def e(v) -> str:
    return "" if v is None else escape(str(v), quote=True)


def n(v) -> str:
    """A number as the report prints it: 13, not 13.0."""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return e(v)


def archive_name(sha256: str, media_type: str | None) -> str:
    return f"{sha256}.{_EXT.get(media_type or '', 'bin')}"


def page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{e(title)}</title><style>{_asset('audit.css')}</style></head>"
        f"<body>{body}<script>{_asset('audit.js')}</script></body></html>\n"
    )


def table(tid: str, head: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> str:
    """A sortable table with its filter box; cells arrive already escaped (some hold links)."""
    th = "".join(f"<th>{e(h)}</th>" for h in head)
    trs = "".join(
        "<tr>"
        + "".join(f'<td class="n">{c}</td>' if i in numeric else f"<td>{c}</td>" for i, c in enumerate(r))
        + "</tr>"
        for r in rows
    )
    return (f'<input class="filter" type="search" data-table="{tid}" placeholder="筛选…">'
            f'<table id="{tid}" class="sortable"><thead><tr>{th}</tr></thead><tbody>{trs}</tbody></table>')  # fmt: skip


def _yes(flag: bool | None, yes: str, no: str) -> str:
    if flag is None:
        return ""
    return f'<span class="ok">{yes}</span>' if flag else f'<span class="bad">{no}</span>'


def _completeness(b: BodyYear) -> str:
    if not b.found:
        return ""
    part = f"{e(b.n_cells)}/{e(b.cells_expected)}" if b.cells_expected else e(b.n_cells)
    return f"{e(STATUS.get(b.status or '', b.status))} {part}"


def totals_html(a: Audit) -> str:
    t = a.totals()
    return '<div class="totals" id="totals">' + "".join(
        f'<div data-key="{k}"><b>{t[k]}</b>{e(TOTALS[k])}</div>' for k in TOTALS
    ) + "</div>"  # fmt: skip


def index_html(a: Audit) -> str:
    head = [HEAD[k] for k in ("body", "level", "found", "published_on", "deadline", "on_time", "format",
                              "completeness", "failed", "carry", "text_vs_table", "revisions")]  # fmt: skip
    rows = []
    for b in a.bodies:
        rows.append([
            f'<a href="{quote(b.body_id)}.html">{e(b.name)}</a>', e(LEVELS.get(b.level, b.level)),
            _yes(b.found, "已发布", "未找到"), e(b.published_on), e(b.deadline),
            _yes(b.on_time, "按时", "逾期") if b.found else "", e(b.format), _completeness(b),
            str(len(b.failures)), str(len(b.carry_breaks)), str(len(b.text_vs_table)), str(len(b.revisions)),
        ])  # fmt: skip
    title = f"{a.district} {a.year}年度政府信息公开工作年度报告审核"
    body = (f'<p><a href="../../index.html">全部区县与年度</a> · <a href="audit.xlsx">下载Excel</a></p>'
            f"<h1>{e(title)}</h1>{totals_html(a)}<h2>各机关</h2>"
            + table("bodies", head, rows, numeric={8, 9, 10, 11}))  # fmt: skip
    return page(title, body)


def body_html(a: Audit, b: BodyYear, cells: list[dict], archived: str | None) -> str:
    title = f"{b.name} {b.year}年度"
    parts = [f'<p><a href="index.html">{e(a.district)} {a.year}年度</a></p><h1>{e(title)}</h1><dl>']
    facts = [("found", _yes(b.found, "已发布", "未找到（已知机关，本年度无报告）"))]
    if b.found:
        web = (b.source_url or "").lower().startswith(("http://", "https://"))  # no javascript: links
        src = f'<a class="source" href="{e(b.source_url)}">{e(b.source_url)}</a>' if web else e(b.source_url)
        arc = f'<a class="archived" href="{e(archived)}">存档副本</a>' if archived else "无存档"
        facts += [
            ("report_title", e(b.title)), ("source", src), ("archived", arc),
            ("published_on", f"{e(b.published_on) or '未知'}（期限 {e(b.deadline)}）"
             + (f" {_yes(b.on_time, '按时', f'逾期{e(b.days_after_deadline)}天')}" if b.on_time is not None else "")),
            ("format", e(b.format)), ("completeness", _completeness(b)),
            ("missing_rows", e(b.missing_rows) or "无"),
        ]  # fmt: skip
    parts += [f"<dt>{e(HEAD[k])}</dt><dd>{v}</dd>" for k, v in facts] + ["</dl>"]
    if b.found:
        rows = []
        for f in b.failures:
            under = "<br>".join(f"{e(c['label'])}：{e(c['raw'])}" for c in behind(f, cells))
            quote_ = f"<blockquote>{e(f.evidence)}</blockquote>" if f.evidence else ""
            rows.append([e(f.label), e(f.scope), e(f.expected), e(f.actual), e(f.difference),
                         e(f.detail) + quote_, under])  # fmt: skip
        parts.append(f"<h2>{e(HEAD['failed'])}（{len(rows)}）</h2>")
        parts.append(table("failures", [HEAD[k] for k in ("check", "scope", "expected", "actual", "difference",
                                                           "detail", "cells")], rows, numeric={2, 3, 4}))  # fmt: skip
        tvt = b.text_vs_table
        parts.append(f"<h2>{e(HEAD['text_vs_table'])}（{len(tvt)}）</h2>")
        parts.append("<ul>" + "".join(f"<li>{e(f.scope)}：正文 {e(f.expected)}，表格 {e(f.actual)}"
                                      f"<blockquote>{e(f.evidence)}</blockquote></li>" for f in tvt) + "</ul>")  # fmt: skip
        parts.append(f"<h2>{e(HEAD['carry'])}（{len(b.carry_breaks)}）</h2><ul>")
        parts += [f'<li class="carry">{e(k.scope)}：上年结转下年 {e(k.carried_forward_last_year)}，'
                  f"本年上年结转 {e(k.carried_over_this_year)}，差额 {e(k.difference)}</li>" for k in b.carry_breaks]  # fmt: skip
        parts.append(f"</ul><h2>{e(HEAD['revisions'])}（{len(b.revisions)}）</h2><ul>")
        parts += [f'<li class="revision">{e(v.new_seen)} 发现修改：{e(v.label)} 由 {n(v.old_value)} 改为 '
                  f"{n(v.new_value)}（原版本 {e(v.old_seen)}）</li>" for v in b.revisions]  # fmt: skip
        parts.append("</ul><h2>报告单元格</h2>")
        parts.append(table("cells", [HEAD[k] for k in ("cell", "value", "raw", "method")],
                           [[e(c["label"]), n(c["value"]), e(c["raw"]), e(c["method"])] for c in cells],
                           numeric={1}))  # fmt: skip
    return page(title, "".join(parts))


def top_index(entries: list[tuple[Audit, str]]) -> str:
    rows = []
    for a, href in entries:
        t = a.totals()
        rows.append([f'<a href="{e(href)}">{e(a.district)}</a>', str(a.year)] + [str(t[k]) for k in TOTALS])
    body = "<h1>政府信息公开工作年度报告审核</h1>" + table(
        "index",
        [HEAD["district"], HEAD["year"], *TOTALS.values()],
        rows,
        numeric=set(range(1, 2 + len(TOTALS))),
    )
    return page("年度报告审核", body)


def write_atomic_dir(out: Path, fill) -> Path:
    """Build the site in a temporary sibling of ``out`` with ``fill(tmp)``, then swap it in."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        fill(tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.replace(out, old)
    os.replace(tmp, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return out
