-- Every failed check: the single-report checks of every document, and the cross-year
-- chains of canonical reports. severity 'warning' = active_in_force_chain.
-- uncertain_involved: a cell of the check was read by OCR with low confidence (see ocr_review),
-- so the failure may be a misread rather than a finding about the report.
CREATE VIEW check_failures AS
SELECT r.report_id, r.body_id, r.agency, r.district, r.level, r.year, r.is_canonical,
       c."check", c.scope, 'error' AS severity, c.expected, c.actual, c.difference, c.blanks_involved, c.detail,
       coalesce(c.uncertain_involved, false) AS uncertain_involved
FROM checks c JOIN reports r USING (report_id)
WHERE NOT c.passed
UNION ALL
SELECT k.report_id, k.body_id, k.agency, k.district, k.level, k.year, true, k."check", k.scope, k.severity,
       k.expected, k.actual, k.difference, k.blanks_involved, k.detail,
       EXISTS (SELECT 1 FROM cells u
               WHERE u.report_id IN (k.report_id, k.prev_report_id) AND u.uncertain AND u."table" = 'requests'
                 AND u."row" IN ('carried_over', 'carried_forward') AND u.col = k.scope)
FROM carry_over_chain k WHERE NOT k.passed
UNION ALL
SELECT k.report_id, k.body_id, k.agency, k.district, k.level, k.year, true, k."check", k.scope, k.severity,
       k.expected, k.actual, k.difference, k.blanks_involved, k.detail,
       EXISTS (SELECT 1 FROM cells u
               WHERE u.report_id IN (k.report_id, k.prev_report_id) AND u.uncertain AND u."table" = 'active'
                 AND u."row" = k.scope)
FROM active_in_force_chain k WHERE NOT k.passed;
