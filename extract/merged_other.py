"""（六）其他处理 printed with its three 2021 sub-rows but one set of values merged across them.

The format's rule stores such a table's values as row ``other`` (never inventing
the sub-rows), which the aligner does; what the cells cannot say is that the
sub-rows were printed and their figures were not kept apart, so it is said in a
warning: an analyst comparing ``other_*`` across bodies must know this one has none.
"""

from __future__ import annotations

from .model import Line
from .numbers import clean

#: words of the sub-row labels 1 and 2 that no other label of the table holds
_SUB_ROW_WORDS = ("逾期不补正", "逾期未按收费通知")


def merged_other_warning(lines: list[Line], fmt: str | None, collapsed_other: bool) -> str | None:
    if fmt != "2021" or not collapsed_other:
        return None
    text = clean("".join(line.text for line in lines))
    if not all(w in text for w in _SUB_ROW_WORDS):
        return None  # printed as one row (js-huaian-hongze-2024): nothing was merged
    return (
        "requests.other: （六）其他处理 printed with its three sub-rows but one set of values "
        "merged across them (rowspan); stored as row other, the sub-rows not separated"
    )
