"""Report runs without kernels, for the runner's tests: a fake `papermill.execute_notebook` and
tiny notebooks that declare exactly a report's registered parameters."""

from __future__ import annotations

from pathlib import Path

import nbformat

from workbench.reports import registry


class FakePapermill:
    """papermill.execute_notebook without a kernel: the source written as if executed, its
    title cell given an output; every call recorded as (notebook, region)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def __call__(self, source, output, parameters=None, **kwargs):
        self.calls.append((Path(source).stem, (parameters or {}).get("region")))
        nb = nbformat.read(source, as_version=4)
        nb.metadata["papermill"] = {"parameters": dict(parameters or {})}
        title = f"# {Path(source).stem} {parameters.get('region')} {parameters.get('period')}"
        nb.cells[1].outputs = [
            nbformat.v4.new_output("display_data", data={"text/markdown": title})
        ]
        nbformat.write(nb, output)
        return nb


def tiny_notebook(path: Path, name: str) -> Path:
    """notebooks/<name>.ipynb declaring exactly the registry's parameters and defaults."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}  # fmt: skip
    defaults = registry.report(name).defaults()
    cell = nbformat.v4.new_code_cell("\n".join(f"{k} = {v!r}" for k, v in defaults.items()))
    cell.metadata["tags"] = ["parameters"]
    show = 'from IPython.display import Markdown, display\ndisplay(Markdown("# title"))'
    nb.cells = [cell, nbformat.v4.new_code_cell(show)]
    nbformat.write(nb, path / f"{name}.ipynb")
    return path / f"{name}.ipynb"
