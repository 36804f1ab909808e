-- 2. Whose numbers do not add up?
SELECT agency, year, "check", scope, expected, actual, difference, blanks_involved
FROM check_failures
WHERE is_canonical AND severity = 'error'
ORDER BY abs(difference) DESC, agency, year, "check", scope;
