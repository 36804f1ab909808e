"""A requests table as the OCR reads a picture of it, built word by word with boxes:
columns from the header, blank cells, wrapped labels, a number glued to its label.

Positions follow the corpus screenshots (1350 px wide pages, text 30 px high).
"""

from __future__ import annotations

from extract import codebook as cb
from extract.header_columns import header_columns
from extract.model import Line, Token
from extract.picture_rows import repair
from extract.tables import extract_active, extract_requests

H = 30
#: x-centres of the seven columns' numbers
X = dict(zip(cb.REQUESTS_2021.column_keys, (650, 750, 850, 960, 1070, 1150, 1250), strict=True))
#: the header as the OCR groups it (top of each line, words): 自 and 然 on a line, 人 under 自,
#: labels wrapped in narrow cells, 企业 a line below 益组织 (double spacing in its cell)
HEADER = [
    (0, [("自", 637, 657), ("然", 680, 700), ("法人或其他组织", 730, 897), ("总计", 1226, 1284)]),
    (50, [("人", 633, 663)]),
    (
        114,
        [
            ("商业", 726, 781),
            ("科研", 824, 882),
            ("社会公", 921, 1016),
            ("法律服", 1031, 1119),
            ("其他", 1112, 1187),
        ],
    ),
    (164, [("益组织", 920, 1000), ("务机构", 1033, 1111)]),
    (187, [("企业", 725, 781), ("机构", 824, 881)]),
]


def tok(text: str, x0: float, x1: float, y: float, page: int = 1, conf: float = 0.99) -> Token:
    loc = {"kind": "ocr", "page": page, "bbox": [x0, y, x1, y + H], "unit": "px"}
    return Token(text, loc, x=(x0 + x1) / 2, confidence=conf)


def line(tokens: list[Token]) -> Line:
    boxes = [t.loc["bbox"] for t in tokens]
    bbox = [
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    ]
    loc = {"kind": "ocr", "page": tokens[0].loc["page"], "bbox": bbox, "unit": "px"}
    return Line(" ".join(t.text for t in tokens), loc, tokens)


def number(text: str, col: str, y: float) -> Token:
    x = X[col] - 5  # left-aligned in the cell
    return tok(text, x - 10, x + 10 * len(text), y)


def header() -> list[Line]:
    return [line([tok(t, a, b, y) for t, a, b in words]) for y, words in HEADER]


def table(values: dict[str, dict[str, str]], y0: float = 300) -> list[Line]:
    """The header, then each row's label and the numbers ``values[row]`` (every other row: 0 and 0)."""
    lines = header()
    for i, row in enumerate(cb.REQUESTS_2021.rows):
        y = y0 + 60 * i
        printed = values.get(row.key, {"natural_person": "0", "total": "0"})
        lines.append(line([tok(row.label[:16], 50, 600, y)] + [number(v, c, y) for c, v in printed.items()]))
    return lines


def cells(lines: list[Line]) -> dict[tuple[str, str], Token]:
    return {(c.row, c.col): c for c in extract_requests(repair(lines), "2021").cells}


def test_header_names_every_column_at_its_place():
    cmap = header_columns(header(), cb.REQUESTS_2021)
    assert cmap is not None
    assert [k for _, k in cmap.centres] == list(cb.REQUESTS_2021.column_keys)
    assert all(cmap.key_at(x) == k for k, x in X.items())


def test_header_that_names_a_column_twice_or_not_at_all_gives_no_columns():
    assert header_columns(header()[1:], cb.REQUESTS_2021) is None  # 总计 lost, and 人 alone is no name
    twice = [*header(), line([tok("其他", 1300, 1350, 260)])]
    assert header_columns(twice, cb.REQUESTS_2021) is None


def test_columns_printed_empty_throughout_are_blank_cells():
    got = cells(table({"new_received": {"natural_person": "26", "total": "26"}}))
    assert len(got) == 25 * 7
    assert got[("new_received", "natural_person")].value == 26 and got[("new_received", "total")].value == 26
    blank = got[("new_received", "legal_service_org")]
    assert (blank.value, blank.raw, blank.flags) == (None, "", [])
    assert blank.location["blank"] and blank.location["page"] == 1


def test_no_blank_where_a_number_may_have_been_lost():
    # 商业企业 prints a number in one row: elsewhere its blank may be a 0 the OCR lost
    got = cells(table({"granted": {"natural_person": "3", "commercial_enterprise": "1", "total": "4"}}))
    assert got[("granted", "commercial_enterprise")].value == 1
    assert ("new_received", "commercial_enterprise") not in got
    assert got[("new_received", "research_institution")].value is None
    # a row whose printed numbers do not add up may have lost one: none of its blanks is recorded
    got = cells(table({"granted": {"natural_person": "3", "total": "4"}}))
    assert (got[("granted", "natural_person")].value, got[("granted", "total")].value) == (3, 4)
    assert ("granted", "other_org") not in got and got[("new_received", "other_org")].value is None


def test_number_between_two_columns_is_left_out():
    lines = table({})
    row = lines[len(HEADER) + 2]  # granted
    y = row.cells[0].loc["bbox"][1]
    row.cells[1] = tok("5", 693, 703, y)  # halfway between 自然人 and 商业企业
    got = cells(lines)
    assert ("granted", "natural_person") not in got and ("granted", "commercial_enterprise") not in got
    assert ("granted", "other_org") not in got  # its blanks are not known either
    assert got[("granted", "total")].value == 0


def _full(y: float, label: list[Token], vals: list[str]) -> Line:
    return line(label + [number(v, c, y) for c, v in zip(X, vals, strict=True)])


def test_label_wrapped_over_three_lines_finds_its_numbers():
    """label part / group label + numbers / label part: the row 3.补正后申请内容仍不明确."""
    lines = header()
    zeros = ["0"] * 7
    for i, row in enumerate(cb.REQUESTS_2021.rows):
        y = 300 + 120 * i
        if row.key == "unavailable_unclear":
            lines.append(line([tok("3.补正后申请内", 266, 461, y - 35)]))
            lines.append(_full(y, [tok("办理结果", 11, 140, y)], ["2", "0", "0", "0", "0", "0", "2"]))
            lines.append(line([tok("容仍不明确", 262, 404, y + 35)]))
        else:
            lines.append(_full(y, [tok(row.label, 50, 600, y)], zeros))
    got = cells(lines)
    assert got[("unavailable_unclear", "natural_person")].value == 2
    assert len(got) == 25 * 7


def test_number_read_onto_the_end_of_its_label_is_split_off():
    lines = header()
    for i, row in enumerate(cb.REQUESTS_2021.rows):
        y = 300 + 60 * i
        vals = ["8", "1", "0", "0", "0", "0", "9"] if row.key == "partially_granted" else ["0"] * 7
        label = [tok(row.label[:12], 50, 600, y)]
        if row.key == "partially_granted":  # the 8 stands at 自然人's left border, read with the label's 情
            label = [tok("只计这一", 306, 419, y), tok("情8", 600, 660, y, conf=0.97)]
            lines.append(line(label + [number(v, c, y) for c, v in list(zip(X, vals, strict=True))[1:]]))
        else:
            lines.append(_full(y, label, vals))
    got = cells(lines)
    cell = got[("partially_granted", "natural_person")]
    assert (cell.value, cell.confidence, cell.location["glued"]) == (8, 0.97, "情8")


def test_lines_of_a_text_layer_pass_unchanged():
    lines = [Line("规章 0 0 0", {"kind": "pdf", "page": 1}, [Token("规章", {"kind": "pdf"}, 10.0)])]
    assert repair(lines) is lines


ACTIVE_X = (340, 555, 718)  # the 2019 active table's three number columns, one grid for every group


def _active(rows: dict[str, list[tuple[str, int]]]) -> dict[tuple[str, str], object]:
    """A 2019 active table as the OCR reads it: per row, (number, column index) pairs."""
    lines = []
    for i, row in enumerate(cb.ACTIVE_2019.rows):
        y = 100 + 110 * i
        vals = rows.get(row.key, [(str(10 + j), j) for j in range(len(row.columns))])
        nums = [tok(v, ACTIVE_X[j] - 10 * len(v), ACTIVE_X[j] + 10 * len(v), y) for v, j in vals]
        lines.append(line([tok(row.label, 60, 300, y), *nums]))
    return {(c.row, c.col): c.value for c in extract_active(lines, "2019").cells}


def test_active_row_short_of_a_number_is_placed_by_the_grid_columns():
    got = _active({"regulations": [("0", 0), ("0", 1)], "other_external_services": [("10", 0), ("105", 2)]})
    assert (got[("regulations", "made")], got[("regulations", "published")]) == (0, 0)
    assert ("regulations", "total_published") not in got  # the number the OCR lost: never the 0 beside it
    assert got[("other_external_services", "decisions")] == 105
    assert ("other_external_services", "change") not in got


def test_active_row_short_of_a_number_without_grid_columns_is_left_out():
    # 2021: only 规章 and 行政规范性文件 print three columns, too few rows to learn where they stand
    lines = [
        line([tok("规章", 60, 120, 100), tok("0", 512, 532, 100), tok("0", 722, 742, 100)]),
        line(
            [
                tok("行政规范性文件", 60, 250, 200),
                *(
                    tok(v, x - 15, x + 15, 200)
                    for v, x in zip(("88", "55", "69"), (318, 531, 750), strict=True)
                ),
            ]
        ),
    ]
    res = extract_active(lines, "2021")
    assert not [c for c in res.cells if c.row == "regulations"]
    assert any("regulations" in w and "read from a picture; row left out" in w for w in res.warnings)
