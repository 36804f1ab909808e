"""Property tests: the number parser and the grid builder."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from extract.grid import RawCell, place
from extract.numbers import NULL_MARKERS, parse_value, to_unit

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@given(
    st.integers(min_value=0, max_value=10**9), st.sampled_from(["", "件", "条", "万元", " 件"]), st.booleans()
)
def test_integers_round_trip_in_any_print(n, unit, full_width):
    text = f"{n:,}" if n % 2 else str(n)
    if full_width:
        text = text.translate(FULLWIDTH)
    p = parse_value(text + unit)
    assert p.is_value and p.value == n


@given(st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False))
def test_decimals(d):
    p = parse_value(str(d))
    assert p.is_value and abs(p.value - float(d)) < 1e-6


@given(st.integers(min_value=0, max_value=10**9))
def test_yuan_to_wan_yuan(n):
    p = parse_value(f"{n}元")
    assert abs(to_unit(p, "万元") - n / 10000) < 1e-6
    assert to_unit(p, "件") == n


@given(st.sampled_from(sorted(NULL_MARKERS)), st.sampled_from(["", " ", "\u00a0", "\u3000"]))
def test_null_markers_stay_null_never_zero(marker, pad):
    p = parse_value(pad + marker + pad)
    assert p.is_value and p.value is None


@given(
    st.integers(min_value=0, max_value=10**6),
    st.text(alphabet="其中修订含自然失效件", min_size=1, max_size=8),
)
def test_number_with_note_keeps_number(n, note):
    p = parse_value(f"{n}（{note}）")
    assert p.value == n and note in p.note


@given(st.text(alphabet="一二三四五六七八九十予以公开申请数量", min_size=1, max_size=20))
def test_labels_are_not_values(label):
    assume(any(c in "予以公开申请数量" for c in label))  # all-numeral text like 二十 is a number
    assert not parse_value(label).is_value


def test_numbered_labels_are_not_values():
    for label in ("1.属于国家秘密", "3.危及“三安全一稳定”", "2024年", "（七）总计"):
        assert not parse_value(label).is_value


spans = st.integers(min_value=1, max_value=4)


@st.composite
def tables(draw):
    """A random rectangular layout cut into merged blocks, listed row by row as HTML would."""
    h, w = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    owner = [[None] * w for _ in range(h)]
    cells = []
    for r in range(h):
        for c in range(w):
            if owner[r][c] is not None:
                continue
            rs = min(draw(spans), h - r)
            cs = 1
            while c + cs < w and cs < draw(spans) and all(owner[r + i][c + cs] is None for i in range(rs)):
                cs += 1
            ident = len(cells)
            for i in range(rs):
                for j in range(cs):
                    owner[r + i][c + j] = ident
            cells.append((r, c, rs, cs))
    return h, w, owner, cells


@given(tables())
def test_grid_places_every_cell_at_its_true_position(t):
    h, w, owner, cells = t
    rows = [[] for _ in range(h)]
    for ident, (r, _c, rs, cs) in enumerate(cells):
        rows[r].append(RawCell(str(ident), rs, cs))
    placed, width = place(rows)
    assert width == w
    seen = set()
    for row in placed:
        for p in row:
            ident = int(p.text)
            assert (p.row, p.col, p.rowspan, p.colspan) == cells[ident]
            seen.add(ident)
    assert seen == set(range(len(cells)))  # each merged cell exactly once


@given(st.lists(st.lists(st.tuples(spans, st.integers(-5, 10**6)), max_size=6), max_size=6))
def test_grid_never_fails_on_hostile_spans(rows):
    placed, width = place([[RawCell("x", rs, cs) for rs, cs in row] for row in rows])
    assert len(placed) == len(rows) and width >= 0


def test_odd_numbers():
    assert parse_value("１２").value == 12
    assert parse_value("二十").value == 20 and parse_value("二十").note == "chinese numeral"
    garbled = parse_value("1,2,3")
    assert garbled.is_value and garbled.value is None and garbled.note == "unreadable number"
    assert not parse_value("三").is_value  # a rotated label's single character, not a number


def test_ten_thousands():
    assert to_unit(parse_value("2.5万"), "万元") == 2.5
    assert to_unit(parse_value("2.5万元"), "万元") == 2.5
    assert to_unit(parse_value("1.2万件"), "件") == 12000
    assert to_unit(parse_value("3万"), "件") == 30000
