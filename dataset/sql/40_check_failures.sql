-- Every failed check: the single-report checks of every document, and the cross-year
-- chains of canonical reports. severity 'warning' = active_in_force_chain.
CREATE VIEW check_failures AS
SELECT r.report_id, r.body_id, r.agency, r.district, r.level, r.year, r.is_canonical,
       c."check", c.scope, 'error' AS severity, c.expected, c.actual, c.difference, c.blanks_involved, c.detail
FROM checks c JOIN reports r USING (report_id)
WHERE NOT c.passed
UNION ALL
SELECT report_id, body_id, agency, district, level, year, true, "check", scope, severity, expected, actual,
       difference, blanks_involved, detail
FROM carry_over_chain WHERE NOT passed
UNION ALL
SELECT report_id, body_id, agency, district, level, year, true, "check", scope, severity, expected, actual,
       difference, blanks_involved, detail
FROM active_in_force_chain WHERE NOT passed;
