-- A number as a reader writes it: 5 not 5.0, 7380.28959 in full (DuckDB's printf('%s') refuses doubles).
CREATE MACRO num_text(x) AS regexp_replace(CAST(x AS VARCHAR), '\.0$', '');
