"""The audit of a district and year: findings read from the database, written as a static site and a workbook."""
