"""From corpus documents to DuckDB answers with known values."""

from __future__ import annotations

import duckdb


def q(data_dir, sql, *params):
    con = duckdb.connect(str(data_dir / "nianbao.duckdb"), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def test_known_values(corpus_db):
    data_dir, _ = corpus_db
    rows = q(data_dir, "SELECT year, new_received__total, new_received__natural_person FROM requests_wide "
                       "WHERE agency = '平潭综合实验区' AND is_canonical ORDER BY year")  # fmt: skip
    assert [r[0] for r in rows] == [2020, 2022]
    assert rows[1][1:] == (74.0, 71.0)
    (total,) = q(data_dir, "SELECT review__total FROM review_litigation_wide WHERE district = '洪泽区'")[0]
    assert total == 2


def test_body_year_and_bodies(corpus_db):
    data_dir, _ = corpus_db
    row = q(data_dir, "SELECT received FROM body_year WHERE district = '平潭综合实验区' AND year = 2022")
    assert row == [(74.0,)]
    fees = dict(
        q(data_dir, "SELECT year, processing_fee_yuan FROM body_year WHERE district = '平潭综合实验区'")
    )
    assert fees == {2020: None, 2022: 0.0}  # 2020 states no fee; 2022: 无收取信息处理费情况
    names = dict(q(data_dir, "SELECT display_name, name FROM bodies"))
    assert names["重庆市巴南区人民政府南彭街道办事处"] == "南彭街道"
    assert names["沭阳县发展和改革局"] == "发展和改革局"
    assert names["淮安市洪泽区人民政府"] == "洪泽区人民政府"
    assert names["平潭综合实验区"] == "平潭综合实验区"  # a government's body name stays a name
    by = q(data_dir, "SELECT DISTINCT body_name FROM body_year WHERE district = '平潭综合实验区'")
    assert by == [("平潭综合实验区",)]


def test_duplicates_and_failed_document(corpus_db):
    data_dir, _ = corpus_db
    dup = q(data_dir, "SELECT is_canonical, status, role, source_url FROM duplicates WHERE year = 2022 "
                      "ORDER BY is_canonical DESC, source_url")  # fmt: skip
    assert len(dup) == 3
    assert dup[0][:3] == (True, "ok", "report")
    assert any(s == "failed" for _, s, _, _ in dup)
    (n,) = q(data_dir, "SELECT count(*) FROM body_year WHERE district = '平潭综合实验区' AND year = 2022")[0]
    assert n == 1


def test_check_failures_match_truth(corpus_db):
    data_dir, _ = corpus_db
    rows = q(data_dir, "SELECT \"check\", scope FROM check_failures WHERE year = 2020 AND severity = 'error'")
    assert rows and all(c.startswith("requests_") or c == "carry_over_chain" for c, _ in rows)


def test_timeliness_and_coverage(corpus_db):
    data_dir, _ = corpus_db
    t = dict(
        q(data_dir, "SELECT agency, days_after_deadline FROM timeliness WHERE is_canonical AND year = 2023")
    )
    assert t["沭阳县发展和改革局"] == -14  # published 2024-01-17, deadline 2024-01-31
    street = q(
        data_dir, "SELECT deadline::VARCHAR, published_on::VARCHAR FROM timeliness WHERE district='巴南区'"
    )
    assert street == [("2025-01-31", "2025-01-20")]  # a street: 31 January; date from the TRS address
    (gov,) = q(data_dir, "SELECT deadline::VARCHAR FROM timeliness WHERE district='洪泽区'")[0]
    assert gov == "2025-03-31"  # the government's own report: 31 March
    cov = {(d, lv): n for d, lv, n in q(data_dir, "SELECT district, level, bodies_known FROM coverage")}
    assert cov[("巴南区", "township")] == 1 and cov[("巴南区", "street")] == 1
