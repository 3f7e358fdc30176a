"""The dependency rules of CONTRIBUTING.md, one test each, read from the imports (AST).

Every `import` counts, at module level or inside a function, so a lazy import cannot hide a
dependency. Modules are named by their dotted path (`workbench.value.analysis`).
"""

from __future__ import annotations

import ast
import json
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "workbench"

EXTRACTS_AND_CLEANING = ("workbench.extracts", "workbench.cleaning")
ANALYSES = ("workbench.profiling.analysis", "workbench.quality.analysis", "workbench.value.analysis",
            "workbench.value.rfm", "workbench.value.segments", "workbench.clv",
            "workbench.profiling.gaps", "workbench.value.gaps", "workbench.funnel.analysis",
            "workbench.funnel.metrics", "workbench.funnel.stages", "workbench.funnel.gaps",
            "workbench.funnel.params", "workbench.requirements.analysis",
            "workbench.requirements.prepare", "workbench.requirements.themes",
            "workbench.requirements.gaps", "workbench.requirements.params",
            "workbench.trends.analysis", "workbench.trends.anomalies", "workbench.trends.cohorts",
            "workbench.trends.gaps", "workbench.trends.params", "workbench.segments.fields",
            "workbench.segments.definitions", "workbench.segments.analysis",
            "workbench.churn.analysis", "workbench.churn.training", "workbench.churn.features",
            "workbench.churn.features_engine",
            "workbench.churn.definition", "workbench.churn.snapshots", "workbench.churn.model",
            "workbench.churn.baselines", "workbench.churn.evaluation", "workbench.churn.explain",
            "workbench.churn.params", "workbench.value.weighted", "workbench.value.weighted_params",
            "workbench.value.moves", "workbench.value.classes",
            "workbench.collection.queue")  # fmt: skip
PLOTS = ("workbench.core.charts", "workbench.profiling.plots", "workbench.quality.plots",
         "workbench.value.plots", "workbench.funnel.plots",
         "workbench.requirements.plots", "workbench.trends.plots", "workbench.churn.plots",
         "workbench.kpis.plots")  # fmt: skip
RUNNER = ("workbench.reports.runner", "workbench.reports.render", "workbench.reports.index",
          "workbench.reports.config", "workbench.reports.registry")  # fmt: skip
ANALYSIS_PACKAGES = ("workbench.profiling", "workbench.value", "workbench.clv", "workbench.churn",
                     "workbench.quality", "workbench.funnel",
                     "workbench.requirements", "workbench.trends",
                     "workbench.segments", "workbench.kpis")  # fmt: skip
PRESENTATION = ("workbench.reports", "workbench.core.charts")
FILE_READERS = ("open", "read_text", "read_bytes", "read_csv", "read_excel", "read_parquet",
                "load_workbook", "imread")  # fmt: skip


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _modules() -> dict[str, ast.Module]:
    return {
        _module_name(p): ast.parse(p.read_text(encoding="utf-8"))
        for p in sorted(PACKAGE.rglob("*.py"))
        if "demo" not in p.relative_to(PACKAGE).parts[:1]
    }


def _imports(tree: ast.Module) -> list[tuple[str, str | None]]:
    """(module, name) for every import: `import a.b` → (a.b, None), `from a import b` → (a, b)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found += [(node.module, alias.name) for alias in node.names]
    return found


def _targets(module: str, name: str | None) -> set[str]:
    """The workbench modules an import reaches (`from workbench.value import tables` → both)."""
    known = _modules()
    out = {module} if module in known else set()
    if name and f"{module}.{name}" in known:
        out.add(f"{module}.{name}")
    return out


def import_graph() -> dict[str, set[str]]:
    """module → the workbench modules it imports (anywhere in its body)."""
    return {
        m: {t for mod, name in _imports(tree) for t in _targets(mod, name)} - {m}
        for m, tree in _modules().items()
    }


def _under(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _violations(sources: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{m} imports {t}"
        for m, targets in import_graph().items() if _under(m, sources)
        for t in targets if _under(t, forbidden)
    )  # fmt: skip


def test_the_package_has_the_domain_layout():
    for package in ("core", "extracts", "cleaning", "profiling", "value", "clv", "quality",
                    "reports", "requirements", "funnel", "trends", "segments", "churn", "kpis"):  # fmt: skip
        assert (PACKAGE / package / "__init__.py").is_file(), package
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert top == ["__init__.py", "__main__.py", "cli.py", "io.py", "models.py"]


def test_extracts_and_cleaning_import_no_analysis_plot_or_runner():
    assert (
        _violations(EXTRACTS_AND_CLEANING, (*ANALYSIS_PACKAGES, *PLOTS, "workbench.reports")) == []
    )


def test_analyses_import_no_runner_and_no_matplotlib():
    assert _violations(ANALYSES, (*RUNNER, *PLOTS)) == []
    uses = [m for m, tree in _modules().items() if _under(m, ANALYSES)
            for mod, _ in _imports(tree) if mod.split(".")[0] in ("matplotlib", "seaborn")]  # fmt: skip
    assert uses == []


def test_analyses_take_no_lang():
    takes = [
        f"{m}.{node.name}"
        for m, tree in _modules().items() if _under(m, ANALYSES)
        for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        if "lang" in {a.arg for a in (*node.args.args, *node.args.kwonlyargs)}
    ]  # fmt: skip
    assert takes == []


def test_plots_read_no_file_and_fit_nothing():
    assert _violations(PLOTS, ("workbench.extracts", "workbench.cleaning", "workbench.io",
                               "workbench.clv.fit", *RUNNER)) == []  # fmt: skip
    calls = [
        f"{m}: {node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id}"
        for m, tree in _modules().items() if _under(m, PLOTS)
        for node in ast.walk(tree) if isinstance(node, ast.Call)
        if (node.func.attr if isinstance(node.func, ast.Attribute) else
            getattr(node.func, "id", "")) in (*FILE_READERS, "fit")
    ]  # fmt: skip
    assert calls == []


def test_the_runner_imports_no_analysis():
    assert _violations(RUNNER, (*ANALYSIS_PACKAGES, "workbench.models")) == []


def test_no_module_imports_another_modules_private_name():
    private = sorted(
        f"{m} takes {mod}.{name}"
        for m, tree in _modules().items()
        for mod, name in _imports(tree)
        if name and name.startswith("_") and not name.startswith("__") and mod.startswith("workbench")
    )  # fmt: skip
    assert private == []


def test_no_import_cycles():
    graph = import_graph()
    cycles, state = [], {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                cycles.append(" → ".join([*path[path.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_front_doors_hold_no_logic():
    for door in ("workbench.io", "workbench.models"):
        tree = _modules()[door]
        kinds = {type(node).__name__ for node in tree.body}
        assert kinds <= {"Expr", "ImportFrom", "Assign"}, (door, kinds)


@pytest.mark.parametrize("door", ["io", "models"])
def test_every_name_a_front_door_exports_imports(door):
    import importlib

    module = importlib.import_module(f"workbench.{door}")
    assert module.__all__, door
    missing = [n for n in module.__all__ if not hasattr(module, n)]
    assert missing == []


ALLOWED_IN_NOTEBOOKS = ("workbench.io", "workbench.models", "workbench.reports.safe_html",
                        "workbench.reports.registry", "workbench.core.charts",
                        "workbench.core.labels", "workbench.reports.audiences",
                        "workbench.reports.interactive")  # fmt: skip


@pytest.mark.parametrize("notebook", sorted((ROOT / "notebooks").glob("*.ipynb")),
                         ids=lambda p: p.stem)  # fmt: skip
def test_notebooks_import_only_the_front_doors_and_presentation_helpers(notebook):
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    imported = {
        f"{mod}.{name}" if mod == "workbench" or f"{mod}.{name}" in _modules() else mod
        for mod, name in _imports(ast.parse(code)) if mod.startswith("workbench")
    }  # fmt: skip
    presentation = (*ALLOWED_IN_NOTEBOOKS,
                    *(f"{p}.{leaf}" for p in ANALYSIS_PACKAGES for leaf in ("tables", "plots")))  # fmt: skip
    assert {"workbench.io", "workbench.models"} <= imported
    assert sorted(m for m in imported if m not in presentation) == []
