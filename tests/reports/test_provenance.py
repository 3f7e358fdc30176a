"""Provenance (the manifest beside each report and its footer), the kernel-start retry, and a
killed kernel failing only its own report."""

import errno
import json
import re
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import nbformat
import papermill
import pytest
import zmq
from nbclient.exceptions import DeadKernelError
from papermill.exceptions import PapermillExecutionError

import workbench
from workbench.cleaning.cache import cache_key, file_digest
from workbench.cleaning.settings import CleaningSettings
from workbench.reports import jobs, provenance, registry
from workbench.reports.config import RunConfig
from workbench.reports.jobs import Job, is_kernel_start_error, job_parameters, run_job
from workbench.reports.runner import run_quarterly
from workbench.reports.safe_html import CONTENT_SECURITY_POLICY, check_inert

CHECKOUT = Path(workbench.__file__).resolve().parents[1]
MANIFEST_KEYS = {"report", "region", "period", "notebook", "started", "finished", "parameters",
                 "inputs", "data_digest", "cache_key", "git_commit", "packages", "status",
                 "error", "retried", "html", "executed", "files", "inputs_key",
                 "seconds"}  # fmt: skip


def _notebook(path: Path, *cells: str) -> Path:
    """A tiny report notebook: the parameters cell, a title, then `cells`."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    parameters = nbformat.v4.new_code_cell(
        'region = "华东"\nperiod = "2024Q4"\ndata_dir = "../data/demo"\nlang = "zh"'
    )
    parameters.metadata["tags"] = ["parameters"]
    title = 'from IPython.display import Markdown, display\ndisplay(Markdown("# Tiny report"))'
    nb.cells = [parameters, nbformat.v4.new_code_cell(title)]
    nb.cells += [nbformat.v4.new_code_cell(c) for c in cells]
    nbformat.write(nb, path)
    return path


def _job(tmp_path: Path, data_dir: Path, lang: str = "en") -> Job:
    source = _notebook(tmp_path / "tiny.ipynb")
    return Job(notebook="tiny", region="华东", period="2024Q4", lang=lang, data_dir=str(data_dir),
               source=str(source), out_dir=str(tmp_path / "out"), timeout=60,
               declared=("out_dir",))  # fmt: skip


class FakePapermill:
    """papermill.execute_notebook without a kernel: raises the queued errors, then writes the
    source as if executed (its parameters in the metadata, a title as Markdown output)."""

    def __init__(self, *errors: BaseException) -> None:
        self.errors = list(errors)
        self.calls: list[dict] = []

    def __call__(self, source, output, parameters=None, **kwargs):
        self.calls.append(dict(parameters or {}))
        if self.errors:
            raise self.errors.pop(0)
        nb = nbformat.read(source, as_version=4)
        nb.metadata["papermill"] = {"parameters": dict(parameters or {})}
        nb.cells[1].outputs = [nbformat.v4.new_output(
            "display_data", data={"text/markdown": "# Tiny report"})]  # fmt: skip
        nbformat.write(nb, output)
        return nb


@pytest.fixture
def fake(monkeypatch):
    def install(*errors: BaseException) -> FakePapermill:
        fake = FakePapermill(*errors)
        monkeypatch.setattr(papermill, "execute_notebook", fake)
        monkeypatch.setattr(jobs, "KERNEL_RETRY_DELAY", 0)
        return fake

    return install


def _cell_error(evalue: str) -> PapermillExecutionError:
    return PapermillExecutionError(
        2, 2, "start_server()", "OSError", evalue, [f"OSError: {evalue}"]
    )


# --- the manifest -------------------------------------------------------------------------------


def test_the_manifest_records_inputs_parameters_code_times_and_cache_key(
    tiny_extracts, tmp_path, fake
):
    runner = fake()
    (tmp_path / "run").mkdir()  # apart from the extracts
    job = _job(tmp_path / "run", tiny_extracts)
    result = run_job(job)
    assert result.status == "ok", result.error
    assert result.manifest == str(tmp_path / "run" / "out" / "华东" / "tiny.manifest.json")
    manifest = json.loads(Path(result.manifest).read_text(encoding="utf-8"))
    assert set(manifest) == MANIFEST_KEYS
    assert manifest["inputs"] == [
        {"table": "customers", "name": "customers.csv",
         "blake2b": file_digest(tiny_extracts / "customers.csv")},
        {"table": "orders", "name": "orders.csv",
         "blake2b": file_digest(tiny_extracts / "orders.csv")},
    ]  # fmt: skip
    assert manifest["parameters"] == runner.calls[0] == job_parameters(job)
    assert manifest["parameters"] == {
        "region": "华东", "period": "2024Q4", "data_dir": str(tiny_extracts), "lang": "en",
        "out_dir": str(tmp_path / "run" / "out" / "华东")}  # fmt: skip
    started = datetime.fromisoformat(manifest["started"])
    finished = datetime.fromisoformat(manifest["finished"])
    assert started.utcoffset() == finished.utcoffset() == timedelta(0)  # UTC
    assert started <= finished <= started + timedelta(minutes=5)
    assert manifest["cache_key"] == cache_key(tiny_extracts, CleaningSettings())
    commit = manifest["git_commit"]
    assert commit is None or re.fullmatch(r"[0-9a-f]{40}", commit)
    if (CHECKOUT / ".git").exists():
        head = subprocess.run(["git", "-C", str(CHECKOUT), "rev-parse", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
        assert commit == head
    import numpy
    import pandas

    assert set(manifest["packages"]) == {"workbench", "pandas", "numpy", "scikit-learn",
                                         "lifetimes", "papermill", "nbconvert"}  # fmt: skip
    assert manifest["packages"]["workbench"] == workbench.__version__
    assert manifest["packages"]["pandas"] == pandas.__version__
    assert manifest["packages"]["numpy"] == numpy.__version__
    assert manifest["packages"]["papermill"] == papermill.__version__
    assert (manifest["status"], manifest["error"], manifest["retried"]) == ("ok", None, None)
    assert (manifest["html"], manifest["executed"], manifest["files"]) == (
        "tiny.html",
        "tiny.ipynb",
        [],
    )
    assert result.files == ()  # the manifest is not one of the report's own files


def test_the_manifest_digests_the_decisions_file_and_the_data_digest_covers_every_input(
    tiny_extracts,
):
    (tiny_extracts / "dedupe_decisions.csv").write_text("left,right,decision\n", encoding="utf-8")
    inputs = provenance.input_digests(tiny_extracts)
    assert [i["name"] for i in inputs] == ["customers.csv", "orders.csv", "dedupe_decisions.csv"]
    before = provenance.data_digest(inputs)
    (tiny_extracts / "orders.csv").write_bytes((tiny_extracts / "orders.csv").read_bytes() + b"\n")
    assert provenance.data_digest(provenance.input_digests(tiny_extracts)) != before
    assert provenance.data_digest([]) is None


def test_returned_corrections_and_the_issue_ledger_are_inputs(tiny_extracts):
    """A returned completion workbook changes the cleaned data and the ledger the steward's
    queue: either makes every report out of date (an unchanged run would re-run them)."""
    before = provenance.data_digest(provenance.input_digests(tiny_extracts))
    folder = tiny_extracts / "corrections"
    folder.mkdir()
    (folder / "王磊_2024-12-02.xlsx").write_bytes(b"not really a workbook")
    (folder / "~$王磊_2024-12-02.xlsx").write_bytes(b"Excel's lock file: not an input")
    (folder / "_issued.csv").write_text("customer_id,field,issued\n", encoding="utf-8")
    inputs = provenance.input_digests(tiny_extracts)
    assert [i["name"] for i in inputs][2:] == [
        "corrections/王磊_2024-12-02.xlsx", "corrections/_issued.csv"]  # fmt: skip
    after = provenance.data_digest(inputs)
    assert after != before
    (folder / "王磊_2024-12-02.xlsx").write_bytes(b"filled in again")
    assert provenance.data_digest(provenance.input_digests(tiny_extracts)) != after


def test_no_git_and_no_data_give_nulls_not_failures(tmp_path, monkeypatch):
    assert provenance.git_commit(tmp_path) is None  # not a checkout

    def no_git(*args, **kwargs):
        raise FileNotFoundError("git")

    monkeypatch.setattr(subprocess, "run", no_git)
    assert provenance.git_commit() is None
    missing = provenance.collect(tmp_path / "nowhere", {"region": "华东"})
    assert (missing["inputs"], missing["data_digest"], missing["cache_key"]) == ([], None, None)


def test_a_failed_report_has_its_manifest_too(tiny_extracts, tmp_path, fake):
    runner = fake(_cell_error("boom"))
    result = run_job(_job(tmp_path, tiny_extracts))
    assert result.status == "failed" and "boom" in result.error
    manifest = json.loads(Path(result.manifest).read_text(encoding="utf-8"))
    assert (manifest["status"], manifest["error"]) == ("failed", result.error)
    assert manifest["inputs"] and len(runner.calls) == 1


# --- the footer ---------------------------------------------------------------------------------


def test_the_page_carries_a_footer_with_the_manifests_essentials(tiny_extracts, tmp_path, fake):
    fake()
    result = run_job(_job(tmp_path, tiny_extracts, lang="zh"))
    manifest = json.loads(Path(result.manifest).read_text(encoding="utf-8"))
    page = Path(result.html).read_text(encoding="utf-8")
    check_inert(page)
    assert f'content="{CONTENT_SECURITY_POLICY}" http-equiv="Content-Security-Policy"' in page
    footer = re.search(r'<footer class="wb-provenance".*?</footer>', page, re.S)
    assert footer, "no provenance footer"
    assert page.index(footer[0]) < page.index("</main>") < page.index("</body>")  # in the page
    text = footer[0]
    assert f"生成于 {manifest['started'][:10]}" in text
    assert manifest["data_digest"][:12] in text
    assert f"workbench {workbench.__version__}" in text
    commit = manifest["git_commit"]
    assert (commit[:12] if commit else "无 git 记录") in text
    assert 'href="tiny.manifest.json"' in text


def test_the_footer_escapes_what_it_shows():
    hostile = {"started": "2025-01-05T08:30:00+00:00", "git_commit": None,
               "data_digest": "<img src=x onerror=alert(1)>",
               "packages": {"workbench": "<script>alert(1)</script>"}}  # fmt: skip
    footer = provenance.footer_html(hostile, "en", 'x" onclick="alert(1).json')
    check_inert(f"<html><body>{footer}</body></html>")
    assert "<script>" not in footer and "<img" not in footer
    assert "&lt;script&gt;" in footer and "no git commit" in footer


# --- the kernel-start retry ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [
        RuntimeError("Kernel didn't respond in 60 seconds"),
        RuntimeError("Kernel died before replying to kernel_info"),
        zmq.ZMQError(errno.EADDRINUSE),  # "Address already in use"
    ],
    ids=["no-response", "died-at-start", "port-clash"],
)
def test_a_kernel_that_fails_to_start_is_retried_once(tiny_extracts, tmp_path, fake, error):
    runner = fake(error)
    result = run_job(_job(tmp_path, tiny_extracts))
    assert result.status == "ok" and result.error is None
    assert len(runner.calls) == 2 and runner.calls[0] == runner.calls[1]
    assert result.retried == str(error)
    manifest = json.loads(Path(result.manifest).read_text(encoding="utf-8"))
    assert manifest["retried"] == str(error)


def test_a_kernel_that_fails_to_start_twice_fails_the_report(tiny_extracts, tmp_path, fake):
    runner = fake(*[RuntimeError("Kernel didn't respond in 60 seconds")] * 3)
    result = run_job(_job(tmp_path, tiny_extracts))
    assert result.status == "failed" and "Kernel didn't respond" in result.error
    assert len(runner.calls) == 2 and result.retried


@pytest.mark.parametrize(
    "error",
    [_cell_error("[Errno 98] Address already in use"), _cell_error("Kernel didn't respond"),
     DeadKernelError("Kernel died"), ValueError("some other failure")],
    ids=["cell-port-clash", "cell-with-start-words", "died-mid-run", "other"],
)  # fmt: skip
def test_an_error_raised_by_a_cell_is_not_retried(tiny_extracts, tmp_path, fake, error):
    runner = fake(error)
    result = run_job(_job(tmp_path, tiny_extracts))
    assert result.status == "failed" and result.retried is None
    assert len(runner.calls) == 1
    assert not is_kernel_start_error(error)


def test_a_start_error_is_recognised_through_its_cause():
    try:
        try:
            raise zmq.ZMQError(errno.EADDRINUSE)
        except zmq.ZMQError as inner:
            raise RuntimeError("could not start the kernel") from inner
    except RuntimeError as outer:
        assert is_kernel_start_error(outer)


# --- a killed kernel fails only its own report --------------------------------------------------


@pytest.mark.slow
def test_a_kernel_killed_mid_run_fails_only_its_own_report(tiny_extracts, tmp_path, monkeypatch):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for name, title in (("killed", "Killed on purpose"), ("fine", "Fine")):
        monkeypatch.setitem(registry.REPORTS, name,
                            registry.Report(name, {"zh": title, "en": title}, "region"))  # fmt: skip
    _notebook(notebooks / "killed.ipynb", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")
    _notebook(notebooks / "fine.ipynb", "print('still here')")
    config = RunConfig(period="2024Q4", data_dir=tiny_extracts, out_dir=tmp_path / "reports",
                       regions=("华东",), notebooks=("killed", "fine"), notebook_dir=notebooks,
                       workers=2, timeout=120)  # fmt: skip
    results = {r.notebook: r for r in run_quarterly(config)}
    killed, fine = results["killed"], results["fine"]
    assert fine.status == "ok", fine.error
    assert killed.status == "failed" and "kernel died" in killed.error
    assert killed.retried is None  # a kernel that started and then died is not retried
    assert json.loads(Path(killed.manifest).read_text(encoding="utf-8"))["status"] == "failed"
    out = tmp_path / "reports" / "2024Q4"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count('class="failed"') == 1 and index.count('class="ok"') == 1
    assert "Killed on purpose" in index and "Fine" in index and "kernel died" in index
    runs = json.loads((out / "runs.json").read_text(encoding="utf-8"))
    assert [(r["notebook"], r["status"]) for r in runs] == [("killed", "failed"), ("fine", "ok")]
    assert all(Path(r["manifest"]).is_file() for r in runs)
