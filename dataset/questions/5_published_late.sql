-- 5. Who published late?
SELECT agency, level, year, published_on, deadline, days_after_deadline
FROM timeliness
WHERE is_canonical AND published_on IS NOT NULL
ORDER BY days_after_deadline DESC;
