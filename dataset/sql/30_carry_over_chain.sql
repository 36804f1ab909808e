-- carried_over (year N) = carried_forward (year N-1), same body, per column; canonical reports.
CREATE VIEW carry_over_chain AS
WITH cur AS (
    SELECT r.report_id, r.body_id, r.agency, r.district, r.level, r.year, c.col, CAST(c.value AS BIGINT) AS value
    FROM cells c JOIN reports r USING (report_id)
    WHERE r.is_canonical AND c."table" = 'requests' AND c."row" = 'carried_over'
), prev AS (
    SELECT r.report_id, r.body_id, r.year, c.col, CAST(c.value AS BIGINT) AS value
    FROM cells c JOIN reports r USING (report_id)
    WHERE r.is_canonical AND c."table" = 'requests' AND c."row" = 'carried_forward'
)
SELECT cur.report_id, prev.report_id AS prev_report_id, cur.body_id, cur.agency, cur.district, cur.level,
       cur.year, 'carry_over_chain' AS "check", cur.col AS scope, 'error' AS severity,
       coalesce(prev.value, 0) AS expected, coalesce(cur.value, 0) AS actual,
       coalesce(prev.value, 0) - coalesce(cur.value, 0) AS difference,
       (prev.value IS NULL OR cur.value IS NULL) AS blanks_involved,
       abs(coalesce(prev.value, 0) - coalesce(cur.value, 0)) < 1e-6 AS passed,
       printf('carry_over_chain %s: carried_forward %d = %s, carried_over %d = %s',
              cur.col, cur.year - 1, num_text(coalesce(prev.value, 0)), cur.year, num_text(coalesce(cur.value, 0))) AS detail
FROM cur JOIN prev ON prev.body_id = cur.body_id AND prev.year = cur.year - 1 AND prev.col = cur.col;
