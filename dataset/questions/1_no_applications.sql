-- 1. Which streets and towns of a district received no applications?
SELECT b.display_name AS street, y.year, y.received
FROM body_year y JOIN bodies b USING (body_id)
WHERE y.district = '巴南区' AND y.level IN ('street', 'township') AND coalesce(y.received, 0) = 0
ORDER BY y.year, street;
