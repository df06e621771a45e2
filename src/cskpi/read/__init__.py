"""Reading inputs: files and sheets to typed datasets (xlsx, xls, ods, csv, parquet)."""
