"""Parquet files, the DuckDB database and its views, exports and the data dictionary."""
