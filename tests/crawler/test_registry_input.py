"""Registry input a user can get wrong: each is one line naming file, line and problem — never a traceback."""

from __future__ import annotations

import logging

import pytest

from crawler import registry

HEAD = "id,district,agency,level,start_url,cms,allow_private\n"


def _reg(tmp_path, body: str, name: str = "r.csv"):
    p = tmp_path / name
    p.write_text(HEAD + body, encoding="utf-8")
    return p


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://[::1/a", "r.csv:2: start_url 'http://[::1/a' is not a valid address"),
        ("http://www.cq bn.gov.cn/zwgk/", "r.csv:2: start_url .* contains white space"),
        ("http://x.gov.cn:99999/", "r.csv:2: start_url .* is not a valid address"),
    ],
)
def test_bad_start_address_is_a_registry_error(tmp_path, url, message):
    with pytest.raises(registry.RegistryError, match=message.replace("[", r"\[")):
        registry.load_registry(_reg(tmp_path, f"a,巴南区,,district,{url},trs,false\n"))


def test_keywords_share_one_strictness(tmp_path):
    """Excel writes TRUE/FALSE; the same case rule holds for level and cms."""
    src = registry.load_registry(_reg(tmp_path, "a,巴南区,,Street,http://x.gov.cn/,TRS,False\n"))[0]
    assert (src.level, src.cms, src.allow_private) == ("street", "trs", False)
    with pytest.raises(registry.RegistryError, match="level 'streets'"):
        registry.load_registry(_reg(tmp_path, "a,巴南区,,streets,http://x.gov.cn/,trs,false\n"))


def test_sources_may_be_a_directory(tmp_path):
    d = tmp_path / "regs"
    d.mkdir()
    _reg(d, "a,巴南区,,district,http://x.gov.cn/,trs,false\n", "one.csv")
    _reg(d, "b,渝北区,,district,http://y.gov.cn/,trs,false\n", "two.csv")
    assert [s.id for s in registry.load_sources([d])] == ["a", "b"]
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(registry.RegistryError, match="no registry CSV files"):
        registry.load_sources([empty])
    shipped = registry.load_sources([registry.DEFAULT_REGISTRY_DIR])
    assert len(shipped) == len(registry.load_sources())


def test_gbk_registry_is_read_and_said_so(tmp_path, caplog):
    p = tmp_path / "excel.csv"
    p.write_bytes(
        (HEAD + "a,巴南区,重庆市巴南区人民政府,district,http://x.gov.cn/,trs,false\n").encode("gbk")
    )
    with caplog.at_level(logging.WARNING, logger="nianbao.registry"):
        src = registry.load_registry(p)[0]
    assert src.agency == "重庆市巴南区人民政府"
    assert "excel.csv: not UTF-8 (line 2); read as GB18030" in caplog.text
    assert "CSV UTF-8" in caplog.text


def test_undecodable_registry_names_the_line(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_bytes(
        HEAD.encode()
        + b"a,x,,district,http://x.gov.cn/,trs,false\nb,\xff\xff\xff,,district,http://y/,trs,no\n"
    )
    with pytest.raises(registry.RegistryError, match=r"bad.csv:3: neither UTF-8 nor GB18030.*CSV UTF-8"):
        registry.load_registry(p)
