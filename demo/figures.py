"""The demo's figures file (``data/demo/figures.json``): every number every demo report prints.

The district, its bodies and all figures are fictional (演示区 = "demo district"),
made up for the demo by :func:`build` with a fixed seed and committed as data so
that tests compare extraction against a fixed truth.  Regenerate with
``python -m demo.figures`` (it rewrites the file).

Each report holds full canonical figures: ``tables[table][row][col]`` → a number,
or null where the report prints a blank or "/" (``raw`` gives the printed text).
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from extract.codebook import (
    APPLICANT_COLUMNS,
    OUTCOME_ROWS_2021,
    REQUESTS_2021,
    REVIEW_LITIGATION,
    tables_for,
)

FIGURES_PATH = Path(__file__).resolve().parent.parent / "data" / "demo" / "figures.json"
DISTRICT = "演示区"

# body id, printed name, level, category sub-column ("": the district column itself, None: own sub-site),
# scale of requests,
# reports: (statistics year, layout, publication date, note)
#   layouts: grid (the national colspan/rowspan table), word (Word-exported HTML),
#   gbk (grid page in GBK), pdf / docx (report only as an attachment), scan (a scanned PDF
#   attachment with no text layer), images (a page whose tables are pictures), blocked (HTTP 412)
_BODIES = [
    ("qzf", "演示区人民政府", "district", "", 90,
     [(2020, "grid", "2021-03-26", "2019 format (statistics years 2019 and 2020)"),
      (2023, "grid", "2024-03-22", "the government's own report: due 31 March"),
      (2024, "grid", "2025-03-19", "")]),
    ("zfbgs", "演示区人民政府办公室", "department", "qzfbm", 40,
     [(2023, "grid", "2024-01-26", ""), (2024, "grid", "2025-01-24", "")]),
    ("jw", "演示区教育委员会", "department", "qzfbm", 25,
     [(2023, "grid", "2024-01-22", ""), (2024, "word", "2025-02-10", "published late")]),
    ("mzj", "演示区民政局", "department", "qzfbm", 18,
     [(2023, "grid", "2024-01-19", ""), (2024, "pdf", "2025-01-20", "PDF attachment only")]),
    ("wsjkw", "演示区卫生健康委员会", "department", "qzfbm", 30,
     [(2024, "docx", "2025-01-24", "DOCX attachment only")]),
    ("jtw", "演示区交通运输委员会", "department", "qzfbm", 12,
     [(2023, "word", "2024-01-25", ""), (2024, "grid", "2025-01-23", "")]),
    ("tjj", "演示区统计局", "department", "qzfbm", 3, [(2024, "grid", "2025-01-15", "")]),
    ("scjgj", "演示区市场监督管理局", "department", "qzfbm", 20,
     [(2024, "blocked", "2025-01-21", "answers HTTP 412 with a $_ts challenge")]),
    ("nsjd", "演示区人民政府南山街道办事处", "street", "jd", 6,
     [(2023, "images", "2024-01-17", "report page whose tables are images: read by OCR"),
      (2024, "gbk", "2025-01-16", "GBK page, charset only in <meta>")]),
    ("dhjd", "演示区人民政府东湖街道办事处", "street", "jd", 0, [(2024, "grid", "2025-01-22", "no applications")]),
    ("lzjd", "演示区人民政府龙洲街道办事处", "street", "jd", 4, [(2024, "word", "2025-01-27", "")]),
    ("qsz", "演示区青石镇人民政府", "township", "xz", 5,
     [(2023, "grid", "2024-01-18", ""), (2024, "scan", "2025-01-17", "scanned PDF (no text layer): read by OCR")]),
    ("bsz", "演示区白沙镇人民政府", "township", "xz", 8,
     [(2024, "grid", "2025-01-20", "numbers do not add up (requests_outcomes)")]),
    ("shz", "演示区双河镇人民政府", "township", None, 3,
     [(2024, "docx", "2025-01-26", "own sub-site; DOCX attachment only")]),
]  # fmt: skip

_APPLICANT_WEIGHTS = {"natural_person": 0.8, "commercial_enterprise": 0.12, "research_institution": 0.01,
                      "social_welfare_org": 0.02, "legal_service_org": 0.04, "other_org": 0.01}  # fmt: skip
_OUTCOME_WEIGHTS = {"granted": 40, "partially_granted": 8, "denied_state_secret": 0.3,
                    "denied_prohibited_by_law": 0.5, "denied_security_stability": 0.5,
                    "denied_third_party_rights": 1.5, "denied_internal_affairs": 2, "denied_process_information": 3,
                    "denied_enforcement_files": 1, "denied_administrative_query": 1, "unavailable_not_held": 22,
                    "unavailable_needs_creation": 4, "unavailable_unclear": 2, "rejected_petition": 5,
                    "rejected_duplicate": 3, "rejected_publication": 0.5, "rejected_excessive": 0.5,
                    "rejected_confirmation": 1, "other_no_correction": 2, "other_no_fee_paid": 0.2,
                    "other_other": 2}  # fmt: skip


def _split(rng: random.Random, n: int, weights: dict[str, float]) -> dict[str, int]:
    out = dict.fromkeys(weights, 0)
    keys, w = list(weights), list(weights.values())
    for k in rng.choices(keys, w, k=n) if n else []:
        out[k] += 1
    return out


def _requests(
    rng: random.Random, scale: int, carried_over: dict[str, int], fmt: str
) -> dict[str, dict[str, int]]:
    rows = {r.key: dict.fromkeys(APPLICANT_COLUMNS, 0) for r in tables_for(fmt)[1].rows}
    weights = dict(_OUTCOME_WEIGHTS)
    if fmt == "2019":  # （六）其他处理 is one row
        weights["other"] = sum(
            weights.pop(k) for k in ("other_no_correction", "other_no_fee_paid", "other_other")
        )
    new_total = 0 if scale == 0 else max(1, int(rng.gauss(scale, scale / 4)))
    rows["new_received"] = _split(rng, new_total, _APPLICANT_WEIGHTS)
    rows["carried_over"] = dict(carried_over)
    for col in APPLICANT_COLUMNS:
        inflow = rows["new_received"][col] + rows["carried_over"][col]
        forward = min(inflow, rng.choice([0, 0, 0, 1, 2])) if inflow > 3 else 0
        processed = inflow - forward
        rows["carried_forward"][col] = forward
        rows["total_processed"][col] = processed
        for k, v in _split(rng, processed, weights).items():
            rows[k][col] = v
    for r in rows.values():
        r["total"] = sum(r[c] for c in APPLICANT_COLUMNS)
    return rows


def _review(rng: random.Random, scale: int) -> dict[str, dict[str, int]]:
    out = {}
    for row in REVIEW_LITIGATION.rows:
        n = max(0, int(rng.gauss(scale / 20, 1))) if scale else 0
        if row.key == "litigation_after_review":
            n = min(n, 1)
        v = _split(rng, n, {"upheld": 6, "corrected": 1.5, "other": 1, "pending": 1.5})
        v["total"] = sum(v.values())
        out[row.key] = v
    return out


def _active(rng: random.Random, level: str, body: str, in_force_prev: int | None) -> dict[str, dict]:
    big = level in ("district", "department")
    issued = rng.randint(1, 6) if level == "district" else (rng.randint(0, 2) if big else 0)
    repealed = rng.randint(0, 2) if level == "district" else (rng.randint(0, 1) if big else 0)
    in_force_prev = (
        in_force_prev if in_force_prev is not None else (rng.randint(20, 60) if big else rng.randint(0, 3))
    )
    licensing = {"qzf": 60, "jtw": 1850, "wsjkw": 2400, "jw": 140, "mzj": 320, "scjgj": 5200}.get(body)
    licensing = (
        int(licensing * rng.uniform(0.85, 1.15)) if licensing else (rng.randint(0, 30) if not big else 0)
    )
    penalty = {"jtw": 640, "wsjkw": 210, "scjgj": 900}.get(body)
    penalty = int(penalty * rng.uniform(0.85, 1.15)) if penalty else rng.randint(0, 3)
    return {
        "regulations": {"issued": 0, "repealed": 0, "in_force": 0},
        "normative_documents": {
            "issued": issued,
            "repealed": repealed,
            "in_force": in_force_prev + issued - repealed,
        },
        "administrative_licensing": {"decisions": licensing},
        "administrative_penalty": {"decisions": penalty},
        "administrative_coercion": {"decisions": rng.randint(0, 12) if penalty > 50 else 0},
        "administrative_fees": {
            "amount_10k_yuan": round(rng.uniform(5, 90), 2) if body in ("jtw", "scjgj") else 0
        },
    }


def _active_2019(rng: random.Random) -> dict[str, dict]:
    made = rng.randint(2, 8)
    items = {k: rng.randint(20, 200) for k in ("administrative_licensing", "other_external_services",
                                                "administrative_penalty", "administrative_coercion")}  # fmt: skip
    out = {
        "regulations": {"made": 0, "published": 0, "total_published": 0},
        "normative_documents": {
            "made": made,
            "published": made,
            "total_published": made + rng.randint(30, 80),
        },
    }
    for k, n in items.items():
        out[k] = {"items_prev_year": n, "change": rng.randint(0, 5), "decisions": rng.randint(0, 40 * n)}
    out["administrative_fees"] = {"items_prev_year": rng.randint(1, 9), "change": 0}
    out["centralized_procurement"] = {
        "items": rng.randint(3, 30),
        "amount_10k_yuan": round(rng.uniform(50, 900), 2),
    }
    return out


def build(seed: int = 2025) -> dict:
    rng = random.Random(seed)
    bodies = []
    doc_id = 8_824_900
    for bid, name, level, category, scale, reports in _BODIES:
        carried = dict.fromkeys(APPLICANT_COLUMNS, 0)
        if scale and reports[0][0] > 2020:
            carried["natural_person"] = rng.choice([0, 1, 2])
        in_force = None
        out_reports = []
        for year, layout, published, note in reports:
            fmt = "2019" if year <= 2020 else "2021"
            requests = _requests(rng, scale, carried, fmt)
            if fmt == "2019":
                active = _active_2019(rng)
            else:
                active = _active(rng, level, bid, in_force)
                in_force = active["normative_documents"]["in_force"]
            carried = {c: requests["carried_forward"][c] for c in APPLICANT_COLUMNS}
            doc_id += rng.randint(3, 400)
            out_reports.append({
                "year": year, "format": fmt, "layout": layout, "published": published, "doc_id": doc_id,
                "note": note,
                "tables": {"active": active, "requests": requests, "review_litigation": _review(rng, scale)},
            })  # fmt: skip
        bodies.append({"id": bid, "name": name, "level": level, "category": category, "reports": out_reports})
    # the report whose numbers do not add up: three more grants printed than the total counts
    bad = next(b for b in bodies if b["id"] == "bsz")["reports"][0]["tables"]["requests"]
    bad["granted"]["natural_person"] += 3
    bad["granted"]["total"] += 3
    # printed blanks: a street that leaves the rule-making rows empty ("/")
    for b in bodies:
        if b["id"] == "lzjd":
            b["reports"][0]["tables"]["active"]["regulations"] = {
                "issued": None,
                "repealed": None,
                "in_force": None,
            }
    assert set(OUTCOME_ROWS_2021) <= set(REQUESTS_2021.row_keys)
    return {
        "district": DISTRICT,
        "site_name": "演示区人民政府",
        "note": "Fictional demo data: the district, its bodies and every figure are made up for nianbao's "
        "offline demo. Layout of the tables follows the national 2021 format.",
        "bodies": bodies,
    }


def load(path: Path | None = None) -> dict:
    return json.loads(Path(path or FIGURES_PATH).read_text(encoding="utf-8"))


def expected_cells(report: dict) -> dict[tuple[str, str, str], float | int | None]:
    """(table, row, col) → value for every canonical cell of a report's format."""
    out = {}
    for t in tables_for(report["format"]):
        for r in t.rows:
            for c in r.columns:
                out[(t.key, r.key, c)] = report["tables"][t.key][r.key][c]
    return out


def main() -> int:
    FIGURES_PATH.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(build(), ensure_ascii=False, indent=1)
    FIGURES_PATH.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {FIGURES_PATH}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
