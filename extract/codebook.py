"""The one codebook: canonical tables, rows and columns of the annual report.

Everything that needs a key, an official label, a label variant or a unit reads
it from here (the aligner, the checks, the Parquet schema, the DuckDB views, the
data dictionary, the demo portal).  It follows ``shared/spec/report-format.md``;
the keys are the dataset's public contract and must never be renamed.
"""

from __future__ import annotations

from dataclasses import dataclass

FORMATS = ("2021", "2019", "legacy")


class _Labelled:
    label: str
    aliases: tuple[str, ...]

    @property
    def labels(self) -> tuple[str, ...]:
        """The official label first, then the variants real reports print."""
        return (self.label, *self.aliases)


@dataclass(frozen=True)
class Column(_Labelled):
    key: str
    label: str
    unit: str  # "件" (a count) or "万元" (money, normalised to 10k yuan)
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Row(_Labelled):
    key: str
    label: str
    columns: tuple[str, ...]
    group: str = ""  # the printed group label the row sits under, e.g. （三）不予公开
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    key: str
    section: int  # the report section (二 = 2, 三 = 3, 四 = 4) that holds it
    title: str
    rows: tuple[Row, ...]
    columns: tuple[Column, ...]
    title_aliases: tuple[str, ...] = ()

    def row(self, key: str) -> Row:
        for r in self.rows:
            if r.key == key:
                return r
        raise KeyError(f"{self.key}: no row {key!r}")

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {c.key: c for c in self.columns})

    def column(self, key: str) -> Column:
        try:
            return self._index[key]  # type: ignore[attr-defined]
        except KeyError:
            raise KeyError(f"{self.key}: no column {key!r}") from None

    @property
    def row_keys(self) -> tuple[str, ...]:
        return tuple(r.key for r in self.rows)

    @property
    def column_keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)


# ---------------------------------------------------------------- active (二)

_ACTIVE_COLUMNS = (
    # 2021 format
    Column("issued", "本年制发件数", "件", ("本年制发", "制发件数")),
    Column("repealed", "本年废止件数", "件", ("本年废止", "废止件数")),
    Column("in_force", "现行有效件数", "件", ("现行有效", "有效件数")),
    Column("decisions", "本年处理决定数量", "件", ("处理决定数量", "本年处理决定数")),
    Column(
        "amount_10k_yuan", "本年收费金额（单位：万元）", "万元", ("本年收费金额", "采购总金额", "收费金额")
    ),
    # 2019 format
    Column("made", "本年新制作数量", "件", ("新制作数量",)),
    Column("published", "本年新公开数量", "件", ("新公开数量",)),
    Column("total_published", "对外公开总数量", "件", ("公开总数量",)),
    Column("items_prev_year", "上一年项目数量", "件", ("上一年项目数",)),
    Column("change", "本年增/减", "件", ("本年增减", "增/减")),
    Column("items", "采购项目数量", "件", ("采购项目数",)),
)

_RULES_2021 = ("issued", "repealed", "in_force")
_RULES_2019 = ("made", "published", "total_published")
_ITEMS_2019 = ("items_prev_year", "change", "decisions")

ACTIVE_2021 = Table(
    key="active",
    section=2,
    title="二、主动公开政府信息情况",
    columns=_ACTIVE_COLUMNS,
    rows=(
        Row("regulations", "规章", _RULES_2021, "第二十条第（一）项"),
        Row("normative_documents", "行政规范性文件", _RULES_2021, "第二十条第（一）项", ("规范性文件",)),
        Row("administrative_licensing", "行政许可", ("decisions",), "第二十条第（五）项"),
        Row("administrative_penalty", "行政处罚", ("decisions",), "第二十条第（六）项"),
        Row("administrative_coercion", "行政强制", ("decisions",), "第二十条第（六）项"),
        Row("administrative_fees", "行政事业性收费", ("amount_10k_yuan",), "第二十条第（八）项"),
    ),
)

ACTIVE_2019 = Table(
    key="active",
    section=2,
    title="二、主动公开政府信息情况",
    columns=_ACTIVE_COLUMNS,
    rows=(
        Row("regulations", "规章", _RULES_2019, "第二十条第（一）项"),
        Row("normative_documents", "规范性文件", _RULES_2019, "第二十条第（一）项", ("行政规范性文件",)),
        Row("administrative_licensing", "行政许可", _ITEMS_2019, "第二十条第（五）项"),
        Row("other_external_services", "其他对外管理服务事项", _ITEMS_2019, "第二十条第（五）项"),
        Row("administrative_penalty", "行政处罚", _ITEMS_2019, "第二十条第（六）项"),
        Row("administrative_coercion", "行政强制", _ITEMS_2019, "第二十条第（六）项"),
        Row("administrative_fees", "行政事业性收费", ("items_prev_year", "change"), "第二十条第（八）项"),
        Row("centralized_procurement", "政府集中采购", ("items", "amount_10k_yuan"), "第二十条第（九）项"),
    ),
)

# ------------------------------------------------------------- requests (三)

REQUEST_COLUMNS = (
    Column("natural_person", "自然人", "件"),
    Column("commercial_enterprise", "商业企业", "件"),
    Column("research_institution", "科研机构", "件"),
    Column("social_welfare_org", "社会公益组织", "件"),
    Column("legal_service_org", "法律服务机构", "件"),
    Column("other_org", "其他", "件"),
    Column("total", "总计", "件", ("合计",)),
)
#: printed by some reports between 其他 and 总计; not canonical, never emitted
REQUEST_EXTRA_COLUMNS = {"subtotal": "小计"}
REQUEST_APPLICANT_GROUP = "法人或其他组织"

_RC = tuple(c.key for c in REQUEST_COLUMNS)
_R3 = "三、本年度办理结果"


def _req(key: str, label: str, group: str = "", *aliases: str) -> Row:
    return Row(key, label, _RC, group, aliases)


_REQUEST_HEAD = (
    _req("new_received", "一、本年新收政府信息公开申请数量"),
    _req("carried_over", "二、上年结转政府信息公开申请数量"),
    _req("granted", "（一）予以公开", _R3),
    _req("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", _R3),
    _req("denied_state_secret", "1.属于国家秘密", "（三）不予公开"),
    _req("denied_prohibited_by_law", "2.其他法律行政法规禁止公开", "（三）不予公开"),
    _req("denied_security_stability", "3.危及“三安全一稳定”", "（三）不予公开"),
    _req("denied_third_party_rights", "4.保护第三方合法权益", "（三）不予公开"),
    _req("denied_internal_affairs", "5.属于三类内部事务信息", "（三）不予公开"),
    _req("denied_process_information", "6.属于四类过程性信息", "（三）不予公开"),
    _req("denied_enforcement_files", "7.属于行政执法案卷", "（三）不予公开"),
    _req("denied_administrative_query", "8.属于行政查询事项", "（三）不予公开"),
    _req("unavailable_not_held", "1.本机关不掌握相关政府信息", "（四）无法提供"),
    _req("unavailable_needs_creation", "2.没有现成信息需要另行制作", "（四）无法提供"),
    _req("unavailable_unclear", "3.补正后申请内容仍不明确", "（四）无法提供"),
    _req("rejected_petition", "1.信访举报投诉类申请", "（五）不予处理"),
    _req("rejected_duplicate", "2.重复申请", "（五）不予处理"),
    _req("rejected_publication", "3.要求提供公开出版物", "（五）不予处理"),
    _req("rejected_excessive", "4.无正当理由大量反复申请", "（五）不予处理"),
    _req("rejected_confirmation", "5.要求行政机关确认或重新出具已获取信息", "（五）不予处理"),
)
_REQUEST_OTHER_2021 = (
    _req(
        "other_no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "（六）其他处理",
    ),
    _req(
        "other_no_fee_paid",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "（六）其他处理",
    ),
    _req("other_other", "3.其他", "（六）其他处理"),
)
_REQUEST_OTHER_2019 = (_req("other", "（六）其他处理", _R3),)
_REQUEST_TAIL = (
    _req("total_processed", "（七）总计", _R3, "（七）合计"),
    _req("carried_forward", "四、结转下年度继续办理"),
)

REQUESTS_2021 = Table(
    key="requests",
    section=3,
    title="三、收到和处理政府信息公开申请情况",
    columns=REQUEST_COLUMNS,
    rows=_REQUEST_HEAD + _REQUEST_OTHER_2021 + _REQUEST_TAIL,
)
REQUESTS_2019 = Table(
    key="requests",
    section=3,
    title="三、收到和处理政府信息公开申请情况",
    columns=REQUEST_COLUMNS,
    rows=_REQUEST_HEAD + _REQUEST_OTHER_2019 + _REQUEST_TAIL,
)
#: rows that sum to total_processed (requests_outcomes), in either format
OUTCOME_ROWS_2021 = tuple(r.key for r in _REQUEST_HEAD[2:] + _REQUEST_OTHER_2021)
OUTCOME_ROWS_2019 = tuple(r.key for r in _REQUEST_HEAD[2:] + _REQUEST_OTHER_2019)
APPLICANT_COLUMNS = _RC[:-1]

# ---------------------------------------------------- review_litigation (四)

REVIEW_COLUMNS = (
    Column("upheld", "结果维持", "件"),
    Column("corrected", "结果纠正", "件"),
    Column("other", "其他结果", "件"),
    Column("pending", "尚未审结", "件"),
    Column("total", "总计", "件", ("合计",)),
)
_RV = tuple(c.key for c in REVIEW_COLUMNS)
REVIEW_LITIGATION = Table(
    key="review_litigation",
    section=4,
    title="四、政府信息公开行政复议、行政诉讼情况",
    title_aliases=("四、因政府信息公开工作被申请行政复议和提起行政诉讼情况",),
    columns=REVIEW_COLUMNS,
    rows=(
        Row("review", "行政复议", _RV),
        Row("litigation_direct", "未经复议直接起诉", _RV, "行政诉讼"),
        Row("litigation_after_review", "复议后起诉", _RV, "行政诉讼"),
    ),
)

# ------------------------------------------------------------------ sections

#: the six sections in order: (number, canonical key, official title, keywords that identify a heading)
SECTIONS = (
    (1, "overview", "一、总体情况", ("总体情况",)),
    (2, "active", "二、主动公开政府信息情况", ("主动公开",)),
    (3, "requests", "三、收到和处理政府信息公开申请情况", ("收到和处理", "依申请公开", "申请情况")),
    (4, "review_litigation", "四、政府信息公开行政复议、行政诉讼情况", ("行政复议", "行政诉讼")),
    (5, "problems", "五、存在的主要问题及改进情况", ("存在的主要问题", "主要问题", "改进情况")),
    (6, "other", "六、其他需要报告的事项", ("其他需要报告", "需要说明的其他事项", "其他事项")),
)
SECTION_KEYS = tuple(s[1] for s in SECTIONS)

# -------------------------------------------------------------------- checks

#: every check id a report's results can carry, with its Chinese label (data dictionary, audit pages)
CHECKS = {
    # the table sums of the spec (勾稽关系)
    "requests_balance": "申请数量平衡：新收加上年结转等于办理总计加结转下年",
    "requests_outcomes": "办理结果各项之和等于总计",
    "requests_row_total": "各类申请人之和等于总计",
    "review_litigation_total": "行政复议、行政诉讼各结果之和等于总计",
    "carry_over_chain": "本年上年结转等于上年结转下年",
    "active_in_force_chain": "现行有效件数与上年衔接",
    # the prose against the tables
    "text_vs_table": "正文所述数字与表格一致",
    # the report's form
    "sections_in_order": "六部分齐全且顺序正确",
    "title_year": "标题年份与统计期限一致",
    "fee_statement": "说明信息处理费收取情况",
}
#: the checks computed from one report's tables alone (``checks.run_checks``)
TABLE_CHECKS = ("requests_balance", "requests_outcomes", "requests_row_total", "review_litigation_total")


def check_label(check: str) -> str:
    return CHECKS.get(check, check)


# --------------------------------------------------------------------- access


def tables_for(fmt: str) -> tuple[Table, Table, Table]:
    """The three tables as printed in a report of format ``fmt``."""
    if fmt == "2019":
        return ACTIVE_2019, REQUESTS_2019, REVIEW_LITIGATION
    return ACTIVE_2021, REQUESTS_2021, REVIEW_LITIGATION


def table(key: str, fmt: str = "2021") -> Table:
    for t in tables_for(fmt):
        if t.key == key:
            return t
    raise KeyError(f"no table {key!r}")


def outcome_rows(fmt: str, collapsed_other: bool) -> tuple[str, ...]:
    return OUTCOME_ROWS_2019 if (fmt == "2019" or collapsed_other) else OUTCOME_ROWS_2021


def all_cells() -> list[tuple[str, str, str, str, str, str]]:
    """Every canonical (table, row, col, row label, col label, unit), both formats, no repeats.

    The wide views and the data dictionary are generated from this list.
    """
    seen: set[tuple[str, str, str]] = set()
    out = []
    for fmt in ("2021", "2019"):
        for t in tables_for(fmt):
            for r in t.rows:
                for ck in r.columns:
                    k = (t.key, r.key, ck)
                    if k in seen:
                        continue
                    seen.add(k)
                    c = t.column(ck)
                    out.append((t.key, r.key, ck, r.label, c.label, c.unit))
    return out
