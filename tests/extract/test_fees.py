"""The 信息处理费 sentence of section 六, in yuan."""

from __future__ import annotations

import pytest

from extract.fees import processing_fee


@pytest.mark.parametrize(
    "text, yuan",
    [
        ("本年度全街道未收取信息处理费。", 0.0),
        ("2022年，无收取信息处理费情况。", 0.0),
        ("严格落实《政府信息公开信息处理费管理办\n法》，全年收取政府信息公开信息处理费 0 元。", 0.0),
        ("全年共收取信息处理费1,200元。", 1200.0),
        ("收取信息处理费0.12万元。", 1200.0),
        ("本机关未发生收费情况。", 0.0),
        ("无其他需要报告的事项", None),
        ("", None),
        ("依据《政府信息公开信息处理费管理办法》执行。", None),  # names the rule, states no figure
    ],
)
def test_processing_fee(text, yuan):
    fee = processing_fee(text)
    assert fee.yuan == yuan
    assert (fee.text is None) == (yuan is None)
