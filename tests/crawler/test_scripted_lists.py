"""Script-loaded lists end to end: Hanweb remainder fetched from dataproxy.jsp; Fujian TRS shortfall flagged."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from crawler import registry
from crawler.archive import iter_documents
from crawler.run import crawl
from tests.crawler import portal as P
from tests.crawler.test_crawl_portal import FAST

HTML = {"Content-Type": "text/html; charset=utf-8"}


def _title(i: int) -> str:
    return f"某县第{i}单位{2020 + i}年政府信息公开工作年度报告"


def _record(i: int) -> str:
    return (f"<record><![CDATA[<li><a href='/art/2025/1/20/art_1229_{i}.html' title='{_title(i)}'>{_title(i)[:6]}…"
            f"</a><span>2025-01-{10 + i}</span></li>]]></record>")  # fmt: skip


def _dataproxy(full_path: str):
    q = parse_qs(urlsplit(full_path).query)
    start, end = int(q["startrecord"][0]), int(q["endrecord"][0])
    body = (
        "<datastore><recordset>"
        + "".join(_record(i) for i in range(start, end + 1))
        + "</recordset></datastore>"
    )
    return 200, {"Content-Type": "text/xml; charset=utf-8"}, body.encode()


def _hanweb_site() -> dict:
    col = (
        "<html><head><meta charset='utf-8'></head><body><div id='4465'><script type='text/xml'><datastore>"
        "<nextgroup><![CDATA[<a href=\"/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=3&path=/&columnid=1229"
        "&unitid=4465&permissiontype=0\"></a>]]></nextgroup><recordset>" + _record(1) + _record(2) +
        "</recordset></datastore></script></div><script>$('#4465').jpage({perPage: 2, totalRecord: 5, "
        "proxyUrl: '/module/web/jpage/dataproxy.jsp'});</script></body></html>"
    )  # fmt: skip
    site = {"/robots.txt": (404, {}, b""), "/col/col1229/index.html": (200, HTML, col.encode()),
            "/module/web/jpage/dataproxy.jsp": _dataproxy}  # fmt: skip
    for i in range(1, 6):
        site[f"/art/2025/1/20/art_1229_{i}.html"] = (200, HTML, P._report(_title(i)))
    return site


def _row(portal: P.Portal, path: str, cms: str) -> str:
    return ("id,district,agency,level,start_url,cms,allow_private,delay\n"
            f"t,测试县,,district,{portal.url(path)},{cms},true,0\n")  # fmt: skip


def test_hanweb_remainder_from_dataproxy(tmp_path):
    with P.Portal(site=_hanweb_site(), flaky={}) as portal:
        reg = tmp_path / "r.csv"
        reg.write_text(_row(portal, "/col/col1229/index.html", "hanweb"), encoding="utf-8")
        stats = crawl(registry.load_registry(reg), tmp_path / "data", FAST)
        docs = {d.url.split("/", 3)[3]: d for d in iter_documents(tmp_path / "data")}
        assert set(docs) == {f"art/2025/1/20/art_1229_{i}.html" for i in range(1, 6)}
        assert docs["art/2025/1/20/art_1229_3.html"].year_hint == 2023
        assert (stats["t"].expected, stats["t"].found) == (5, 5)
        assert any("dataproxy.jsp" in p and "startrecord=3" in p for p in portal.paths())


def _fj_site() -> dict:
    def page(items, static_idx):
        lis = "".join(f'<dl><dd><a href="./2025{i:02d}/t2025{i:02d}10_{i}.htm" title="{_title(i)}">{_title(i)}</a>'
                      f"</dd><dd>2025-{i:02d}-10</dd></dl>" for i in items)  # fmt: skip
        return (f"<html><head><meta charset='utf-8'></head><body>{lis}<script>require(['list2.trsapi'], "
                f"function(listModel){{ listModel({{ maxStaticIndex: {static_idx}, listArgs: {{}}, pagebar: "
                "{ prepage: 2, recordCount: '5', pgCountMode: 'recordCount' } }); });</script></body></html>").encode()  # fmt: skip

    site = {"/robots.txt": (404, {}, b""), "/nb/index.htm": (200, HTML, page([1, 2], 1)),
            "/nb/index_1.htm": (200, HTML, page([3, 4], 1))}  # fmt: skip
    for i in range(1, 6):
        site[f"/nb/2025{i:02d}/t2025{i:02d}10_{i}.htm"] = (200, HTML, P._report(_title(i)))
    return site


def test_fujian_list_model_shortfall_flagged(tmp_path):
    with P.Portal(site=_fj_site(), flaky={}) as portal:
        reg = tmp_path / "r.csv"
        reg.write_text(_row(portal, "/nb/index.htm", "fjtrs"), encoding="utf-8")
        stats = crawl(registry.load_registry(reg), tmp_path / "data", FAST)
        assert len(list(iter_documents(tmp_path / "data"))) == 4
        s = stats["t"]
        assert (s.expected, s.found) == (5, 4)
        (col,) = s.columns
        assert col["kind"] == "fjtrs-listmodel" and "4 of 5" in col["note"] and col["fetched_extra"] == 2
