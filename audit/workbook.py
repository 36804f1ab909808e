"""The audit's findings as one xlsx for offices that work in Excel: one sheet per kind of finding."""

from __future__ import annotations

from pathlib import Path

from .findings import Audit
from .labels import HEAD, LEVELS, STATUS


def sheets(audits: list[Audit]) -> dict[str, tuple[list[str], list[list]]]:
    """Sheet name → (Chinese headers, rows): pure, so the tests read it without a file."""
    bodies, failed, tvt, carry, revisions = [], [], [], [], []
    for a in audits:
        for b in a.bodies:
            base = [a.district, a.year, b.name]
            bodies.append(base + [
                LEVELS.get(b.level, b.level), "已发布" if b.found else "未找到", b.published_on, b.deadline,
                None if b.on_time is None else ("是" if b.on_time else "否"), b.format,
                STATUS.get(b.status or "", b.status), b.n_cells, b.cells_expected, b.missing_rows,
                len(b.failures), b.source_url,
            ])  # fmt: skip
            for f in b.failures:
                row = base + [f.label, f.scope, f.expected, f.actual, f.difference, f.detail, f.evidence]
                (tvt if f.check == "text_vs_table" else failed).append(row)
            carry += [base + [k.scope, k.carried_forward_last_year, k.carried_over_this_year, k.difference]
                      for k in b.carry_breaks]  # fmt: skip
            revisions += [base + [v.label, v.old_value, v.new_value, v.old_seen, v.new_seen, v.url]
                          for v in b.revisions]  # fmt: skip
    h = HEAD
    base_h = [h["district"], h["year"], h["body"]]
    check_h = (
        base_h + [h[k] for k in ("check", "scope", "expected", "actual", "difference", "detail")] + ["依据"]
    )
    return {
        "机关": (base_h + [h[k] for k in ("level", "found", "published_on", "deadline", "on_time", "format")]
               + ["提取状态", "单元格数", "应有单元格数", h["missing_rows"], "未通过校验数", h["source"]], bodies),
        "未通过的校验": (check_h, failed),
        "正文与表格不符": (check_h, tvt),
        "与上年结转不符": (base_h + [h["scope"], h["last_year"], h["this_year"], h["difference"]], carry),
        "发布后修改": (base_h + [h[k] for k in ("cell", "old_value", "new_value", "old_seen", "new_seen", "url")],
                  revisions),
    }  # fmt: skip


def write_workbook(path: Path, audits: list[Audit]) -> Path:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_urls": False, "nan_inf_to_errors": True})
    bold = wb.add_format({"bold": True, "bg_color": "#F1F3F5"})
    for name, (head, rows) in sheets(audits).items():
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, head, bold)
        for i, r in enumerate(rows, start=1):
            for j, v in enumerate(r):
                if v is not None:
                    ws.write(i, j, v)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(len(rows), 1), len(head) - 1)
        ws.set_column(0, len(head) - 1, 14)
    wb.close()
    return path
