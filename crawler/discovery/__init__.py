"""Find report pages in portal columns; one module per CMS family, pure functions (text in, records out)."""
