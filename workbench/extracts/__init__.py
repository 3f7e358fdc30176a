"""The five CRM extracts: schema, readers (CSV, Parquet; XLSX in xlsx_reader), parsers, SQL
sources, the loader."""
