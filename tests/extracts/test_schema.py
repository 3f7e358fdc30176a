from pathlib import Path

from workbench.extracts.schema import TABLES, schema_markdown

EXTRACTS_DOC = Path(__file__).resolve().parents[2] / "docs" / "extracts.md"


def test_extracts_doc_schema_section_is_generated_from_the_schema():
    text = EXTRACTS_DOC.read_text(encoding="utf-8")
    section = text.split("<!-- schema:start -->\n", 1)[1].split("<!-- schema:end -->", 1)[0]
    assert section == schema_markdown(), "run `make docs` to regenerate docs/extracts.md"


def test_every_alias_maps_to_one_column_per_table():
    for table in TABLES.values():
        headers = [h for c in table.columns for h in c.headers]
        assert len(headers) == len(set(headers)), table.name
        assert table.key in table.required
