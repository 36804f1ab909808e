-- Cells changed after publication, with the body and year of the report they belong to
-- (the revisions table holds one row per cell and edit; see dataset/revisions.py).
CREATE VIEW revisions_by_body AS
SELECT r.body_id, r.agency, r.district, r.level, r.year, v.*
FROM revisions v JOIN reports r USING (report_id)
ORDER BY r.district, r.year, r.agency, v.new_seen, v."table", v."row", v.col;
