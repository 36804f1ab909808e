"""Chinese labels and descriptions for every column analysts see.

Cell columns take theirs from the codebook (row label ｜ column label, unit);
report columns from ``schema``; the few derived columns of the views are
described here, once, for the export headers and the data dictionary alike.
"""

from __future__ import annotations

from extract import codebook as cb

from . import schema as sc
from .wide import WIDE_VIEWS, wide_columns

#: derived columns of the views: name → (Chinese label, description)
DERIVED = {
    "body_name": ("规范名称", "Normalised body name (bodies.name)."),
    "received": ("本年新收申请（总计）", "requests new_received, total."),
    "carried_over": ("上年结转申请（总计）", "requests carried_over, total."),
    "processed": ("本年办理（总计）", "requests total_processed, total."),
    "granted": ("予以公开", "requests granted, total."),
    "partially_granted": ("部分公开", "requests partially_granted, total."),
    "denied": ("不予公开", "Sum of the （三）不予公开 rows, total column."),
    "unavailable": ("无法提供", "Sum of the （四）无法提供 rows, total column."),
    "not_processed": ("不予处理", "Sum of the （五）不予处理 rows, total column."),
    "other_handling": ("其他处理", "Sum of the （六）其他处理 rows (or the single 2019 row), total column."),
    "share_granted": ("予以公开占比", "granted / processed."),
    "share_partially_granted": ("部分公开占比", "partially_granted / processed."),
    "share_denied": ("不予公开占比", "denied / processed."),
    "share_unavailable": ("无法提供占比", "unavailable / processed."),
    "share_not_processed": ("不予处理占比", "not_processed / processed."),
    "reviews": ("行政复议（总计）", "review_litigation review, total."),
    "lawsuits": ("行政诉讼（总计）", "Lawsuits filed directly plus after review, total."),
    "reviews_corrected": ("行政复议结果纠正", "review_litigation review, corrected."),
    "lawsuits_corrected": ("行政诉讼结果纠正", "Lawsuits (both kinds) with the result corrected."),
    "licensing_decisions": ("行政许可处理决定", "active administrative_licensing, decisions."),
    "penalty_decisions": ("行政处罚处理决定", "active administrative_penalty, decisions."),
    "fees_10k_yuan": ("行政事业性收费金额（万元）", "active administrative_fees, amount (2021 format)."),
    "severity": ("严重程度", "error, or warning for active_in_force_chain."),
}

VIEW_TITLES = {
    "requests_wide": cb.REQUESTS_2021.title.split("、", 1)[1],
    "active_wide": cb.ACTIVE_2021.title.split("、", 1)[1],
    "review_litigation_wide": cb.REVIEW_LITIGATION.title.split("、", 1)[1],
    "body_year": "机关年度对比",
    "check_failures": "勾稽关系未通过",
}


def column_labels(view: str | None = None) -> dict[str, str]:
    """Column name → Chinese header: codebook labels for cells, schema labels for the rest."""
    out: dict[str, str] = {}
    for spec in sc.TABLES:
        for f in spec.fields:
            out.setdefault(f.name, f.label)
    out.update({k: v[0] for k, v in DERIVED.items()})
    tables = [t for t, v in WIDE_VIEWS.items() if view in (None, v)]
    for t in tables:
        for c in wide_columns(t):
            out[c.name] = c.label
    return out
