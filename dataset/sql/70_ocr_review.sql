-- Cells an analyst should look at on the scan: OCR readings flagged uncertain (a digit read
-- with low confidence) and those the checks corrected (original_raw is what OCR read).
-- page and bbox (x0, y0, x1, y1 from the page's top-left; unit pt on a PDF page, px on an
-- image) say where on the scan; failed_checks counts the report's failed checks that
-- involve uncertain cells.
CREATE VIEW ocr_review AS
SELECT r.report_id, r.agency, r.district, r.year, r.source_url, c."table", c."row", c.col,
       c.value, c.raw, c.original_raw, c.confidence, c.uncertain, c.corrected,
       CAST(json_extract(l.location, '$.page') AS INTEGER) AS page,
       CAST(json_extract(l.location, '$.bbox') AS DOUBLE[]) AS bbox,
       json_extract_string(l.location, '$.unit') AS unit,
       (SELECT count(*) FROM checks k WHERE k.report_id = r.report_id AND NOT k.passed
                                        AND k.uncertain_involved) AS failed_checks
FROM cells c JOIN reports r USING (report_id)
LEFT JOIN cell_locations l USING (report_id, "table", "row", col)
WHERE c.method = 'ocr' AND (c.uncertain OR c.corrected);
