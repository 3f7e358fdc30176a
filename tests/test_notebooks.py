"""Notebooks stay thin and clean: parameters tagged, no definitions, committed without outputs."""

import ast
import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: p.stem)
def notebook(request):
    return json.loads(request.param.read_text(encoding="utf-8"))


def _code(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def test_there_are_notebooks():
    assert NOTEBOOKS


def test_first_code_cell_is_the_tagged_parameters_cell(notebook):
    first = _code(notebook)[0]
    assert "parameters" in first["metadata"].get("tags", [])
    names = {t.id for node in ast.parse("".join(first["source"])).body for t in node.targets}
    assert {"period", "data_dir", "lang"} <= names


def test_no_functions_or_classes_in_notebooks(notebook):
    for cell in _code(notebook):
        tree = ast.parse("".join(cell["source"]))
        defined = [
            n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef | ast.Lambda)
        ]
        assert not defined, "".join(cell["source"])


def test_committed_without_outputs(notebook):
    for cell in _code(notebook):
        assert cell["outputs"] == [] and cell["execution_count"] is None
