-- Per body and year (canonical report only): the figures analysts compare.
-- Shares are of total_processed (（七）总计), so they add up with the other rows.
CREATE VIEW body_year AS
SELECT q.body_id, b.name AS body_name, q.agency, q.district, q.level, q.year, q.report_id, q.format,
       q."new_received__total" AS received,
       q."carried_over__total" AS carried_over,
       q."total_processed__total" AS processed,
       q."granted__total" AS granted,
       q."partially_granted__total" AS partially_granted,
       {{denied_total}} AS denied,
       {{unavailable_total}} AS unavailable,
       {{rejected_total}} AS not_processed,
       {{other_total}} AS other_handling,
       q."granted__total" / nullif(q."total_processed__total", 0) AS share_granted,
       q."partially_granted__total" / nullif(q."total_processed__total", 0) AS share_partially_granted,
       {{denied_total}} / nullif(q."total_processed__total", 0) AS share_denied,
       {{unavailable_total}} / nullif(q."total_processed__total", 0) AS share_unavailable,
       {{rejected_total}} / nullif(q."total_processed__total", 0) AS share_not_processed,
       l."review__total" AS reviews,
       {{lawsuits_total}} AS lawsuits,
       l."review__corrected" AS reviews_corrected,
       {{lawsuits_corrected}} AS lawsuits_corrected,
       a."administrative_licensing__decisions" AS licensing_decisions,
       a."administrative_penalty__decisions" AS penalty_decisions,
       a."administrative_fees__amount_10k_yuan" AS fees_10k_yuan,
       r.processing_fee_yuan
FROM requests_wide q
LEFT JOIN reports r USING (report_id)
LEFT JOIN review_litigation_wide l USING (report_id)
LEFT JOIN active_wide a USING (report_id)
LEFT JOIN bodies b ON b.body_id = q.body_id
WHERE q.is_canonical;
