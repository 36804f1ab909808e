-- Per report: publication date (page, else list page, else the tYYYYMMDD of a TRS address)
-- against the statutory deadline: 31 March of the next year for a government's own report,
-- 31 January of the next year for departments, streets and towns.
CREATE VIEW timeliness AS
WITH t AS (
    SELECT r.report_id, r.body_id, r.agency, r.district, r.level, r.year, r.is_canonical,
           coalesce(r.published_on,
                    try_strptime(regexp_extract(r.source_url, '/t((?:19|20)\d{6})_', 1), '%Y%m%d')::DATE)
               AS published_on,
           CASE WHEN r.published_on IS NOT NULL THEN 'page or list'
                WHEN regexp_matches(r.source_url, '/t(19|20)\d{6}_') THEN 'address' END AS published_source,
           coalesce(b.is_government, false) AS is_government
    FROM reports r LEFT JOIN bodies b USING (body_id)
    WHERE r.year IS NOT NULL
)
SELECT *,
       CASE WHEN is_government THEN make_date(year + 1, 3, 31) ELSE make_date(year + 1, 1, 31) END AS deadline,
       date_diff('day', CASE WHEN is_government THEN make_date(year + 1, 3, 31)
                             ELSE make_date(year + 1, 1, 31) END, published_on) AS days_after_deadline,
       date_diff('day', CASE WHEN is_government THEN make_date(year + 1, 3, 31)
                             ELSE make_date(year + 1, 1, 31) END, published_on) <= 0 AS on_time
FROM t;
