-- Per district and level: bodies known (crawl sources in the ledger, or bodies found, whichever
-- is larger), report documents found by the crawler, documents extracted, and the statistics
-- years (within the district's span of years) for which some known body has no report.
CREATE VIEW coverage_gaps AS
WITH span AS (
    SELECT district, min(year) AS y0, max(year) AS y1 FROM reports WHERE year IS NOT NULL GROUP BY district
), grid AS (
    SELECT b.body_id, b.name, b.display_name, b.district, b.level, unnest(range(s.y0, s.y1 + 1)) AS year
    FROM bodies b JOIN span s USING (district)
)
SELECT g.district, g.level, g.body_id, g.display_name, list(g.year ORDER BY g.year) AS years_missing
FROM grid g
WHERE NOT EXISTS (SELECT 1 FROM reports r WHERE r.body_id = g.body_id AND r.year = g.year AND r.is_canonical
                  AND r.status IN ('ok', 'partial'))
GROUP BY ALL;

CREATE VIEW coverage AS
WITH known AS (
    SELECT district, level, count(DISTINCT source_id) AS sources,
           count(*) FILTER (WHERE role = 'report') AS report_pages_found,
           count(*) FILTER (WHERE role = 'report' AND status <> 'ok') AS report_pages_not_fetched
    FROM fetches GROUP BY ALL
), found AS (
    SELECT district, level, count(*) AS documents, count(DISTINCT body_id) AS bodies_with_reports,
           count(*) FILTER (WHERE status IN ('ok', 'partial')) AS reports_extracted,
           count(*) FILTER (WHERE is_canonical) AS body_years
    FROM reports GROUP BY ALL
), gaps AS (
    SELECT district, level, count(DISTINCT body_id) AS bodies_with_gaps,
           list_sort(list_distinct(flatten(list(years_missing)))) AS years_missing
    FROM coverage_gaps GROUP BY ALL
)
SELECT coalesce(k.district, f.district) AS district, coalesce(k.level, f.level) AS level,
       greatest(coalesce(k.sources, 0), coalesce(f.bodies_with_reports, 0)) AS bodies_known,
       coalesce(f.bodies_with_reports, 0) AS bodies_with_reports,
       coalesce(k.report_pages_found, f.documents, 0) AS reports_found,
       coalesce(k.report_pages_not_fetched, 0) AS reports_not_fetched,
       coalesce(f.documents, 0) AS documents_archived,
       coalesce(f.reports_extracted, 0) AS reports_extracted,
       coalesce(f.body_years, 0) AS body_years,
       coalesce(g.bodies_with_gaps, 0) AS bodies_with_gaps,
       coalesce(g.years_missing, []) AS years_missing
FROM known k
FULL JOIN found f ON f.district IS NOT DISTINCT FROM k.district AND f.level IS NOT DISTINCT FROM k.level
LEFT JOIN gaps g ON g.district IS NOT DISTINCT FROM coalesce(k.district, f.district)
                AND g.level IS NOT DISTINCT FROM coalesce(k.level, f.level)
ORDER BY 1, 2;
