from pathlib import Path

from workbench.schema import TABLES, schema_markdown

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_schema_section_is_generated_from_the_schema():
    text = README.read_text(encoding="utf-8")
    section = text.split("<!-- schema:start -->\n", 1)[1].split("<!-- schema:end -->", 1)[0]
    assert section == schema_markdown(), "run `make docs` to regenerate the README's schema section"


def test_every_alias_maps_to_one_column_per_table():
    for table in TABLES.values():
        headers = [h for c in table.columns for h in c.headers]
        assert len(headers) == len(set(headers)), table.name
        assert table.key in table.required
