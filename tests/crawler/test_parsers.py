"""Pure parsers: page counts, detail addresses, charsets, blocks, Retry-After, scripted lists, registry."""

from __future__ import annotations

import email.utils
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from crawler import registry
from crawler.addresses import AddressRefused, check_ip
from crawler.blocks import block_reason
from crawler.discovery import scripted, trs
from crawler.retries import parse_retry_after
from extract.charset import decode_html, normalise_charset

SHARED = Path(__file__).resolve().parents[3] / "shared"
PINGTAN = SHARED / "sources" / "fj-pingtan-zfxxgknb-list.html"


@given(st.integers(1, 5000), st.integers(0, 5000), st.sampled_from(["index", "list"]),
       st.sampled_from(["html", "shtml", "htm"]), st.sampled_from(['"', "'"]), st.booleans())  # fmt: skip
def test_create_page_html_roundtrip(pages, current, prefix, ext, q, with_id):
    lead = f"{q}pagebar{q}, " if with_id else ""
    text = f"<script>createPageHTML({lead}{pages}, {current}, {q}{prefix}{q}, {q}{ext}{q});</script>"
    pc = trs.parse_page_count(text)
    assert pc == trs.PageCount(pages, current, prefix, ext, None)
    urls, cut = trs.page_urls("http://x.gov.cn/a/zfxxgknb_1/index.html", pc, 100)
    assert len(urls) == min(pages, 100) - 1 and cut == (pages > 100)
    assert all(u.startswith("http://x.gov.cn/a/zfxxgknb_1/" + prefix + "_") for u in urls)


def test_create_page_html_with_total_and_absent():
    assert trs.parse_page_count("createPageHTML('page_div',6, 0,'index','html',112);").total == 112
    assert trs.parse_page_count("<p>no pager</p>") is None


def test_detail_addresses_and_wap():
    u = "http://www.cqbn.gov.cn/zwgk_252/zfxxgknb/qzfbm/zfbgs/202601/t20260129_15362835_wap.html"
    assert trs.canonical_url(u) == u.replace("_wap", "")
    assert trs.published_from_url(u) == "2026-01-29"
    assert trs.is_detail_url("http://www.jiangjin.gov.cn/jz/x/zwgk_81486/zfxxgknb_81503/t_14186932.html")
    assert trs.published_from_url("http://www.jiangjin.gov.cn/zfxxgknb_81503/t_14186932.html") is None
    assert not trs.is_detail_url("http://x.gov.cn/zfxxgknb_1/index_1.html")


@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=200),
       st.sampled_from(["gb2312", "gbk", "GB2312", "utf-8"]), st.sampled_from(["header", "meta", "none"]))  # fmt: skip
def test_charset_roundtrip(text, label, where):
    codec = "gb18030" if label.lower() != "utf-8" else "utf-8"
    meta = f'<meta charset="{label}">' if where == "meta" else ""
    body = f"<html><head>{meta}</head><body>{text}</body></html>".encode(codec)
    ctype = f"text/html; charset={label}" if where == "header" else "text/html"
    if where == "none":  # undeclared bytes that read as both codecs are truly ambiguous
        other = "utf-8" if codec == "gb18030" else "gb18030"
        try:
            body.decode(other)
            assume(False)
        except UnicodeDecodeError:
            pass
    dec = decode_html(body, ctype)
    assert text in dec.text


def test_charset_order_and_lies():
    gbk = "<html><head><meta charset='gbk'></head><body>南彭街道政府信息公开</body></html>".encode("gb18030")
    d = decode_html(gbk, "text/html; charset=UTF-8")  # the header lies: the meta gets its turn
    assert d.source == "meta" and "南彭街道" in d.text and d.encoding == "gb18030"
    assert decode_html("\ufeff<p>年报</p>".encode("utf-8"), None).source == "bom"
    assert normalise_charset("GB2312") == "gb18030" and normalise_charset("x-gbk") == "gb18030"
    assert "镕" in decode_html("镕".encode("gb18030"), "text/html; charset=gb2312").text  # GBK-only char


def test_latin1_label_on_a_chinese_page_is_not_trusted():
    """ISO-8859-1 is many servers' default label; every byte decodes in it, so it
    must not turn a GBK or UTF-8 report into mojibake."""
    text = "重庆市巴南区南彭街道办事处2024年政府信息公开工作年度报告"
    for codec in ("gb18030", "utf-8"):
        for label in ("iso-8859-1", "windows-1252", "latin1"):
            body = f"<html><head><meta charset='{label}'></head><body>{text}</body></html>".encode(codec)
            assert text in decode_html(body).text, (codec, label, "meta")
            assert text in decode_html(body, f"text/html; charset={label}").text, (codec, label, "header")
    latin = "<html><body>Café</body></html>".encode("cp1252")
    assert "Café" in decode_html(latin, "text/html; charset=iso-8859-1").text


def test_block_detection():
    ts = b"<html><script>var $_ts=window['$_ts'];$_ts.nsd=1;</script></html>"
    assert "$_ts" in block_reason(412, "text/html", ts)
    assert "$_ts" in block_reason(202, "text/html", ts)
    shell = b"<html><head><script>window.location.href='/real.html?x=1';</script></head><body></body></html>"
    assert "script" in block_reason(200, "text/html", shell)
    page = (
        "<html><body><h1>重庆市巴南区2024年政府信息公开工作年度报告</h1><p>"
        + "正文" * 50
        + "</p></body></html>"
    )
    assert block_reason(200, "text/html", page.encode()) is None
    assert block_reason(404, "text/html", b"not found") is None


def test_retry_after():
    assert parse_retry_after("120") == 120.0
    now = 1_700_000_000.0
    assert parse_retry_after(email.utils.formatdate(now + 30, usegmt=True), now=now) == pytest.approx(
        30, abs=1
    )
    assert parse_retry_after(email.utils.formatdate(now - 30, usegmt=True), now=now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_retry_wait_uses_retry_after():
    import tenacity

    from crawler.retries import RetryableStatus, RetryPolicy, _Wait

    wait = _Wait(RetryPolicy(base=0.01, cap=0.02, retry_after_cap=100))
    state = tenacity.RetryCallState(None, None, (), {})
    state.set_exception((RetryableStatus, RetryableStatus(429, 7.0, None), None))
    assert wait(state) == 7.0


def test_private_addresses():
    for ip in (
        "127.0.0.1",
        "10.0.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "::1",
        "fe80::1",
        "::ffff:10.0.0.1",
    ):
        with pytest.raises(AddressRefused):
            check_ip(ip, allow_private=False)
        check_ip(ip, allow_private=True)
    check_ip("8.8.8.8", allow_private=False)


def test_pingtan_list_model_shortfall():
    if not PINGTAN.exists():
        pytest.skip(f"archived list page not found at {PINGTAN} (../shared is absent)")
    html = PINGTAN.read_text(encoding="utf-8")
    url = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/index.htm"
    page = trs.parse_list_page(html, url, url)
    assert len(page.items) == 10  # including the entry whose </a is not closed
    assert page.items[0].url == "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202603/t20260313_105587.htm"
    assert page.items[0].date == "2026-03-10" and page.items[-1].date == "2017-01-18"
    model = scripted.parse_list_model(html)
    assert (model.expected, model.per_page, model.static_pages) == (20, 10, 1)
    assert scripted.static_page_urls(url, model.static_pages, 10) == [
        "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/index_1.htm"
    ]


HANWEB = """<html><body><div id="4465"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=3&path=/&columnid=1229&unitid=4465&webname=x&permissiontype=0"></a>]]></nextgroup>
<recordset>
<record><![CDATA[<li><a href="/art/2025/1/20/art_1229_1.html" title="某县2024年政府信息公开工作年度报告">某县2024年…</a><span>2025-01-20</span></li>]]></record>
<record><![CDATA[<li><a href="/art/2024/1/20/art_1229_2.html" title="某县2023年政府信息公开工作年度报告">某县2023年…</a><span>2024-01-20</span></li>]]></record>
</recordset></datastore></script></div>
<script>$('#4465').jpage({perPage: 2, totalRecord: 5, proxyUrl: '/module/web/jpage/dataproxy.jsp'});</script></body></html>"""


def test_hanweb_datastore():
    info, links = scripted.parse_hanweb(HANWEB, "http://www.x.gov.cn/col/col1229/index.html")
    assert [link.date for link in links] == ["2025-01-20", "2024-01-20"]
    assert (info.expected, info.per_page) == (5, 2)
    req = scripted.hanweb_request(info.endpoint, 3, 5, 2)
    assert req.startswith("http://www.x.gov.cn/module/web/jpage/dataproxy.jsp?")
    assert (
        "columnid=1229" in req
        and "startrecord=3" in req
        and "endrecord=5" in req
        and "&page=" not in req
        and "?page=" not in req
    )


def _reg(tmp_path, body: str) -> Path:
    p = tmp_path / "r.csv"
    p.write_text("id,district,agency,level,start_url,cms,allow_private\n" + body, encoding="utf-8")
    return p


@pytest.mark.parametrize(("row", "message"), [
    ("a,巴南区,,city,http://x.gov.cn/,trs,false", "r.csv:2: level 'city'"),
    ("a,巴南区,,district,ftp://x.gov.cn/,trs,false", "r.csv:2: start_url"),
    ("a,巴南区,,district,http://x.gov.cn/,wordpress,false", "r.csv:2: cms"),
    ("a,巴南区,,district,http://x.gov.cn/,trs,maybe", "r.csv:2: allow_private"),
    ("a,巴南区,,district,http://x.gov.cn/,trs,false\na,巴南区,,district,http://y.gov.cn/,trs,false", "r.csv:3: duplicate"),
])  # fmt: skip
def test_registry_errors_name_file_and_line(tmp_path, row, message):
    with pytest.raises(registry.RegistryError, match=message.replace("(", r"\(")):
        registry.load_registry(_reg(tmp_path, row + "\n"))


def test_default_registry():
    sources = registry.load_sources()
    assert not any(s.allow_private for s in sources)
    banan = registry.select(sources, district="巴南区")
    assert {"cqbn-npjd", "cqbn-nb", "scjgj-bnq", "cqbn-mdz"} <= {s.id for s in banan}
    assert len({s.district for s in sources}) >= 40
    with pytest.raises(registry.RegistryError, match="unknown source"):
        registry.select(sources, ["nope"])
