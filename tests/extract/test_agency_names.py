"""Agency names without the page's labels, and body names that stay names (issue 9, item 10)."""

from __future__ import annotations

import pytest

from dataset.bodies import body_key
from extract.pipeline import extract
from extract.titles import parse_title
from tests.extract import builders as b


@pytest.mark.parametrize(
    ("title", "agency", "year"),
    [
        ("标题：沭阳县发展和改革局2023年度政府信息公开工作年度报告", "沭阳县发展和改革局", 2023),
        ("文章标题:巴南区南彭街道办事处2024年政府信息公开工作年度报告", "巴南区南彭街道办事处", 2024),
        (
            "福州新区苏平片区管理局关于报送2020年度政府信息公开工作年度报告的函",
            "福州新区苏平片区管理局",
            2020,
        ),
        ("XX县教育局关于印发2021年政府信息公开工作年度报告的通知", None, None),  # a notice, not a report
    ],
)
def test_labels_and_cover_letters_are_not_part_of_the_agency(title, agency, year):
    info = parse_title(title)
    if agency is None:
        assert info is None
    else:
        assert (info.agency, info.year) == (agency, year)


def test_saved_page_title_label_is_stripped():
    page = b.html_report().decode().replace(b.TITLE, "标题：" + b.TITLE, 1)
    assert "标题：" in page
    r = extract(page.encode(), name="saved.html").report
    assert r.agency == b.AGENCY and r.title == b.TITLE


def test_a_government_body_keeps_a_name_of_its_own():
    pingtan = body_key("平潭综合实验区", "平潭综合实验区")
    hongze = body_key("淮安市洪泽区人民政府", "洪泽区")
    assert pingtan.name == "平潭综合实验区" and pingtan.is_government
    assert hongze.name == "洪泽区人民政府" and hongze.is_government
    assert body_key("洪泽区人民政府", "洪泽区").body_id == hongze.body_id  # one body across spellings
    assert not body_key("沭阳县发展和改革局", "沭阳县").is_government
