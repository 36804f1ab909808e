-- in_force (N) = in_force (N-1) + issued (N) - repealed (N), per rule row; a warning only,
-- because repeals and expiries are reported loosely. Needs in_force printed in both years.
CREATE VIEW active_in_force_chain AS
WITH v AS (
    SELECT r.report_id, r.body_id, r.agency, r.district, r.level, r.year, c."row",
           CAST(max(c.value) FILTER (WHERE c.col = 'in_force') AS BIGINT) AS in_force,
           bool_or(c.col = 'in_force') AS has_in_force,
           CAST(max(c.value) FILTER (WHERE c.col = 'issued') AS BIGINT) AS issued,
           CAST(max(c.value) FILTER (WHERE c.col = 'repealed') AS BIGINT) AS repealed,
           bool_or(c.value IS NULL) AS blanks
    FROM cells c JOIN reports r USING (report_id)
    WHERE r.is_canonical AND c."table" = 'active' AND c.col IN ('in_force', 'issued', 'repealed')
    GROUP BY ALL
)
SELECT cur.report_id, prev.report_id AS prev_report_id, cur.body_id, cur.agency, cur.district, cur.level,
       cur.year, 'active_in_force_chain' AS "check", cur."row" AS scope, 'warning' AS severity,
       coalesce(prev.in_force, 0) + coalesce(cur.issued, 0) - coalesce(cur.repealed, 0) AS expected,
       coalesce(cur.in_force, 0) AS actual,
       coalesce(prev.in_force, 0) + coalesce(cur.issued, 0) - coalesce(cur.repealed, 0)
           - coalesce(cur.in_force, 0) AS difference,
       (cur.blanks OR prev.in_force IS NULL) AS blanks_involved,
       abs(coalesce(prev.in_force, 0) + coalesce(cur.issued, 0) - coalesce(cur.repealed, 0)
           - coalesce(cur.in_force, 0)) < 1e-6 AS passed,
       printf('active_in_force_chain %s: in_force %d %s + issued %s - repealed %s != in_force %d %s',
              cur."row", cur.year - 1, num_text(coalesce(prev.in_force, 0)), num_text(coalesce(cur.issued, 0)),
              num_text(coalesce(cur.repealed, 0)), cur.year, num_text(coalesce(cur.in_force, 0))) AS detail
FROM v cur JOIN v prev ON prev.body_id = cur.body_id AND prev.year = cur.year - 1 AND prev."row" = cur."row"
WHERE cur.has_in_force AND prev.has_in_force;
