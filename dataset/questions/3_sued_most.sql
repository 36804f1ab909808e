-- 3. Who was sued most?
SELECT agency, district, year, lawsuits, lawsuits_corrected, reviews
FROM body_year
ORDER BY lawsuits DESC NULLS LAST, reviews DESC NULLS LAST
LIMIT 5;
