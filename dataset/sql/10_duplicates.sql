-- Every document of a body and year that has more than one, the canonical one first.
CREATE VIEW duplicates AS
SELECT r.body_id, r.year, r.report_id, r.is_canonical, r.agency, r.district, r.level, r.status, r.n_cells,
       r.n_failed_checks, r.role, r.media_type, r.published_on, r.source_url, r.sha256,
       count(*) OVER (PARTITION BY r.body_id, r.year) AS documents
FROM reports r
WHERE r.year IS NOT NULL
QUALIFY count(*) OVER (PARTITION BY r.body_id, r.year) > 1
ORDER BY r.body_id, r.year, r.is_canonical DESC, r.report_id;
