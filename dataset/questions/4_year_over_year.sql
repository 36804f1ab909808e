-- 4. Year-over-year change in applications and in the share granted
SELECT agency, year, received,
       lag(year) OVER w AS previous_year,
       received - lag(received) OVER w AS change,
       round(100 * (received / lag(received) OVER w - 1), 1) AS change_pct,
       round(share_granted - lag(share_granted) OVER w, 3) AS change_share_granted
FROM body_year
WINDOW w AS (PARTITION BY body_id ORDER BY year)
ORDER BY agency, year;
