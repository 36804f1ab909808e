"""The Parquet tables' columns: one declaration that the writer, the DuckDB loader
and the data dictionary all read, so a column cannot exist in one and not the others."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Field:
    name: str
    dtype: pl.DataType
    label: str  # Chinese label (Excel headers, dictionary)
    description: str
    required: bool = False


@dataclass(frozen=True)
class TableSpec:
    name: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    partitioned: bool = True  # by statistics year

    @property
    def schema(self) -> dict[str, pl.DataType]:
        return {f.name: f.dtype for f in self.fields}

    @property
    def sort_key(self) -> list[str]:
        return list(self.primary_key)


S, INT, F, B, D = pl.String(), pl.Int32(), pl.Float64(), pl.Boolean(), pl.Date()
COUNT = pl.Int64()  # a count (件): whole numbers, BIGINT in DuckDB

REPORTS = TableSpec(
    "reports",
    "One row per archived document (report page or attachment), whatever its extraction status.",
    (
        Field("report_id", S, "报告编号", "Stable id: hash of source address and content sha256.", True),
        Field(
            "body_id",
            S,
            "机关编号",
            "Stable body id from the normalised name and district (see bodies).",
            True,
        ),
        Field("agency", S, "机关名称", "The agency as printed in the report (else as listed by the portal)."),
        Field("district", S, "区县", "District (区/县) of the portal the document was crawled from."),
        Field("level", S, "层级", "district / department / street / township (from the crawl registry)."),
        Field("year", INT, "年度", "Statistics year the report covers (not the publication year)."),
        Field("format", S, "格式", "Table layout: 2021, 2019 or legacy."),
        Field(
            "published_on",
            D,
            "发布日期",
            "Publication date printed on the page, else from the list page or address.",
        ),
        Field("source_url", S, "来源地址", "The address the document was fetched from.", True),
        Field("fetched_at", S, "抓取时间", "When the crawler fetched it (ISO 8601 UTC)."),
        Field("sha256", S, "内容哈希", "sha256 of the document bytes as served.", True),
        Field("extractor_version", S, "提取器版本", "Version of the extractor that produced the cells."),
        Field(
            "status",
            S,
            "提取状态",
            "ok / partial / no text layer / no tables found / failed / not extracted.",
            True,
        ),
        Field("error", S, "错误", "Why extraction failed (status failed)."),
        Field("title", S, "标题", "Report title as printed."),
        Field("media_type", S, "文件类型", "Media type the extractor read the document as."),
        Field("role", S, "角色", "report (a report page) or attachment (a file linked from one)."),
        Field("parent_url", S, "所属页面", "For an attachment: the report page linking to it."),
        Field("source_id", S, "来源编号", "Registry id of the portal column crawled."),
        Field("n_cells", INT, "单元格数", "Canonical cells extracted."),
        Field(
            "cells_expected",
            INT,
            "应有单元格数",
            "Canonical cells the report's format prints (completeness: n_cells of cells_expected).",
        ),
        Field(
            "missing_rows",
            S,
            "缺失行",
            "Canonical rows (table.row, comma-separated) of which no cell was found, then rows "
            "found with columns missing; null when complete. Status partial when not null.",
        ),
        Field("n_failed_checks", INT, "未通过校验数", "Single-report consistency checks that fail."),
        Field("warnings", S, "提示", "Extractor warnings, one per line."),
        Field(
            "processing_fee_yuan",
            F,
            "信息处理费（元）",
            "Information-processing fee (信息处理费) collected, in yuan, as section 六 states it; null when not stated.",
        ),
        Field(
            "processing_fee_text", S, "信息处理费原文", "The sentence of section 六 the fee was read from."
        ),
        Field(
            "is_canonical",
            B,
            "是否采用",
            "The one report chosen for its body and year (see the canonical rule).",
            True,
        ),
    ),
    ("report_id",),
)
CELLS = TableSpec(
    "cells",
    "One row per canonical table cell printed in a report (long form).",
    (
        Field("report_id", S, "报告编号", "The report (reports.report_id).", True),
        Field("table", S, "表", "Canonical table key: active, requests, review_litigation.", True),
        Field("row", S, "行", "Canonical row key (codebook).", True),
        Field("col", S, "列", "Canonical column key (codebook).", True),
        Field(
            "value",
            F,
            "数值",
            "The number in the column's unit (see unit); a count is always whole. Null for a blank, "
            "'/' or dash. The wide tables type each column by its unit: BIGINT counts, DOUBLE money.",
        ),
        Field("unit", S, "单位", "件 (a count, a whole number) or 万元 (money, ten thousand yuan)."),
        Field("raw", S, "原文", "The printed text of the cell."),
        Field("location", S, "位置", "Where the cell was found in the document (JSON)."),
        Field(
            "method",
            S,
            "读取方式",
            "How the cell was read: grid (HTML/DOCX/XLSX table), text, pdf_text, ocr.",
        ),
        Field(
            "confidence",
            F,
            "置信度",
            "The reader's confidence in the value, 0–1 (OCR); null where the text is exact.",
        ),
        Field("uncertain", B, "存疑", "Read with low confidence: look at the source before relying on it."),
        Field(
            "corrected",
            B,
            "已校正",
            "Changed because exactly one reading made every check pass; see original_raw.",
        ),
        Field("inferred", B, "推定位置", "Placed by the format's row order, not by a printed row label."),
        Field("original_raw", S, "校正前原文", "The reading before a correction (corrected cells only)."),
    ),
    ("report_id", "table", "row", "col"),
)
SECTIONS = TableSpec(
    "sections",
    "The text of each of the six report sections.",
    (
        Field("report_id", S, "报告编号", "The report (reports.report_id).", True),
        Field("section", S, "章节", "overview, active, requests, review_litigation, problems, other.", True),
        Field("text", S, "正文", "The section's text as extracted."),
    ),
    ("report_id", "section"),
)
CHECKS = TableSpec(
    "checks",
    "Single-report consistency checks (勾稽关系); a failure is a finding about the report.",
    (
        Field("report_id", S, "报告编号", "The report (reports.report_id).", True),
        Field("check", S, "校验", "Check id of the spec, e.g. requests_balance.", True),
        Field("scope", S, "范围", "The column or row the check applies to.", True),
        Field("expected", COUNT, "应为", "Sum of the parts (a count)."),
        Field("actual", COUNT, "实为", "The printed total (a count)."),
        Field("difference", COUNT, "差额", "expected - actual."),
        Field("blanks_involved", B, "含空白", "Some cell of the check was blank (counted as 0)."),
        Field("passed", B, "通过", "The two sides are equal.", True),
        Field("detail", S, "说明", "Readable statement of the comparison."),
        Field(
            "uncertain_involved",
            B,
            "涉及存疑单元格",
            "A cell of the failed check was read by OCR with low confidence: the failure may be a misread.",
        ),
        Field(
            "evidence",
            S,
            "依据",
            "Where the finding stands in the report: the sentence a prose figure was read "
            "from, a heading or a date (empty for the table sums).",
        ),
    ),
    ("report_id", "check", "scope"),
)
FETCHES = TableSpec(
    "fetches",
    "The crawl ledger: one row per address the crawler requested.",
    (
        Field("url", S, "地址", "Requested address.", True),
        Field("final_url", S, "最终地址", "Where redirects ended."),
        Field("source_id", S, "来源编号", "Registry id of the portal column.", True),
        Field("district", S, "区县", "District of the source."),
        Field("level", S, "层级", "Level of the source."),
        Field("role", S, "角色", "list / report / attachment / ….", True),
        Field("status", S, "状态", "Outcome of the fetch.", True),
        Field("http_status", INT, "HTTP状态码", "HTTP status code."),
        Field("fetched_at", S, "抓取时间", "ISO 8601 UTC."),
        Field("checked_at", S, "检查时间", "Last revalidation, ISO 8601 UTC."),
        Field("sha256", S, "内容哈希", "sha256 of the stored body."),
        Field("error", S, "错误", "Error message of a failed fetch."),
        Field("parent_url", S, "所属页面", "The page linking to it."),
        Field("title", S, "链接标题", "The list-page link text."),
        Field("agency_hint", S, "机关（列表）", "Agency as the list page names it."),
        Field("year_hint", INT, "年度（列表）", "Statistics year from the link text."),
        Field("published_hint", S, "发布日期（列表）", "ISO date from the list page or address."),
        Field("media_type", S, "文件类型", "Media type as stored."),
        Field("size", pl.Int64(), "大小", "Body size in bytes."),
        Field("attempts", INT, "尝试次数", "Requests made for this address."),
    ),
    ("url",),
    partitioned=False,
)
BODIES = TableSpec(
    "bodies",
    "One row per body (机关) across years, with its normalised name.",
    (
        Field("body_id", S, "机关编号", "Stable id: hash of district and normalised name.", True),
        Field("district", S, "区县", "District.", True),
        Field(
            "name",
            S,
            "规范名称",
            "Normalised name (prefixes and office suffix removed); a government's own report keeps "
            "the district's name (平潭综合实验区, 洪泽区人民政府): see is_government.",
            True,
        ),
        Field("display_name", S, "机关名称", "Most frequent printed name."),
        Field("level", S, "层级", "Most frequent level of its sources."),
        Field("is_government", B, "是否政府本级", "The government's own report (deadline 31 March)."),
        Field("first_year", INT, "首个年度", "First statistics year with a report."),
        Field("last_year", INT, "最近年度", "Last statistics year with a report."),
        Field("n_reports", INT, "报告数", "Documents of this body (all years, duplicates included)."),
    ),
    ("body_id",),
    partitioned=False,
)
BODY_ALIASES = TableSpec(
    "body_aliases",
    "Every spelling a body was printed or listed under.",
    (
        Field("body_id", S, "机关编号", "The body.", True),
        Field("alias", S, "名称写法", "A spelling as printed or listed.", True),
        Field("n_reports", INT, "报告数", "Documents using this spelling."),
        Field("first_year", INT, "首个年度", "First year it was used."),
        Field("last_year", INT, "最近年度", "Last year it was used."),
    ),
    ("body_id", "alias"),
    partitioned=False,
)

REVISIONS = TableSpec(
    "revisions",
    "Cells that changed when a later crawl found a report's page or attachment edited (one row per cell and edit).",
    (
        Field("report_id", S, "报告编号", "The current report (reports.report_id) of the address.", True),
        Field("url", S, "地址", "The address whose body changed.", True),
        Field("table", S, "表", "Canonical table key.", True),
        Field("row", S, "行", "Canonical row key.", True),
        Field("col", S, "列", "Canonical column key.", True),
        Field("old_value", F, "原值", "The value in the earlier version (null: blank or absent)."),
        Field("new_value", F, "新值", "The value in the later version (null: blank or absent)."),
        Field("old_sha256", S, "原版本哈希", "sha256 of the earlier body.", True),
        Field("new_sha256", S, "新版本哈希", "sha256 of the later body.", True),
        Field("old_seen", S, "原版本抓取时间", "When the earlier body was first fetched (ISO 8601 UTC)."),
        Field(
            "new_seen", S, "发现修改时间", "When the changed body was first fetched: when the edit was seen."
        ),
    ),
    ("report_id", "old_sha256", "new_sha256", "table", "row", "col"),
    partitioned=False,
)

TABLES = (REPORTS, CELLS, SECTIONS, CHECKS, FETCHES, BODIES, BODY_ALIASES, REVISIONS)
BY_NAME = {t.name: t for t in TABLES}
