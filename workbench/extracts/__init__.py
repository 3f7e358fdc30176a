"""The five CRM extracts: schema, readers, parsers, SQL sources, the loader."""
