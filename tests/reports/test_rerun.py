"""The reviewer's re-run: typed parameters, checks before any kernel, its folder and banner."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import papermill
import pytest
from report_fakes import FakePapermill, tiny_notebook

from workbench.cli import main
from workbench.core.config import params_file
from workbench.core.errors import ParameterError
from workbench.reports import fonts, rerun
from workbench.reports.registry import report
from workbench.reports.rerun import (
    RESERVED,
    banner_markdown,
    convert_parameters,
    review_folder,
    safe_part,
)

ROOT = Path(__file__).resolve().parents[2]


# --- parameters: text → declared types, strict -------------------------------------------------


def test_values_are_converted_to_the_declared_types() -> None:
    values = convert_parameters(
        "churn", [("region", "华南"), ("period", "2024-11"), ("top_n", "50")]
    )
    assert values == {"region": "华南", "period": "2024-11", "top_n": 50}
    assert type(values["top_n"]) is int
    # quarter, the older name, is read as period
    assert convert_parameters("churn", [("quarter", "2024Q3")]) == {"period": "2024Q3"}


def test_an_unknown_parameter_names_itself_and_the_known_ones() -> None:
    with pytest.raises(ParameterError) as caught:
        convert_parameters("churn", [("churn_dayz", "60")])
    message = str(caught.value)
    assert "'churn_dayz'" in message
    known = sorted(p.name for p in report("churn").all_parameters if p.name not in RESERVED)
    assert {"churn_params", "lang", "period", "region", "top_n"} <= set(known)
    assert f"known: {', '.join(known)}" in message


@pytest.mark.parametrize(
    ("key", "text", "says"),
    [
        ("top_n", "fifty", "parameter top_n must be int, got 'fifty'"),
        ("top_n", "5.5", "parameter top_n must be int, got '5.5'"),
        ("region", "火星", "region must be one of"),
        ("period", "2024-13", "period must be a month (2024-11), a quarter (2024Q4) or a year"),
        ("lang", "fr", "lang must be one of"),
        ("out_dir", "/tmp/x", "out_dir cannot be set here"),
        ("data_dir", "/tmp/x", "--data-dir"),
    ],
)
def test_a_bad_value_is_refused_naming_the_parameter(key: str, text: str, says: str) -> None:
    with pytest.raises(ParameterError, match=re.escape(says)):
        convert_parameters("churn", [(key, text)])


def test_a_parameter_given_twice_is_refused() -> None:
    with pytest.raises(ParameterError, match="top_n given twice"):
        convert_parameters("churn", [("top_n", "5"), ("top_n", "6")])


def test_bad_parameters_exit_2_before_any_kernel(monkeypatch, capsys, tmp_path) -> None:
    def no_kernel(*args, **kwargs):
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(rerun, "run_job", no_kernel)
    monkeypatch.setattr(rerun.checks, "check_data_dir", no_kernel)
    code = main(["run", "churn", "-p", "top_n", "x", "--data-dir", str(tmp_path)])
    assert code == 2
    assert "parameter top_n must be int, got 'x'" in capsys.readouterr().err
    assert main(["run", "nosuch", "--data-dir", str(tmp_path)]) == 2
    assert "no report 'nosuch'; the reports are summary" in capsys.readouterr().err


# --- the folder ---------------------------------------------------------------------------------


def test_the_folder_is_named_after_the_parameters_that_differ(tmp_path: Path) -> None:
    values = {"region": "华南", "period": "2024年11月", "top_n": 50, "lang": "zh"}
    folder = review_folder(tmp_path, "churn", values)
    # lang zh is the default and region, period are the folders above: only top_n names it
    assert folder == tmp_path / "review" / "2024-11" / "华南" / "churn__top_n-50"
    assert review_folder(tmp_path, "churn", {"top_n": 20}) == (
        tmp_path / "review" / "2024Q4" / "华东" / "churn"
    )  # the defaults: just the notebook's name
    # a company-wide report defaults to 全国
    assert review_folder(tmp_path, "data_quality", {}).parent.name == "全国"


def test_folder_names_use_safe_characters_only(tmp_path: Path) -> None:
    values = {"value_params": "../my dir/高 价值 <v2>.yml", "lang": "en", "top_n": 7}
    folder = review_folder(tmp_path, "churn", values)
    assert folder.name == "churn__lang-en__value_params-高_价值_v2_.yml__top_n-7"
    assert folder.parent == tmp_path / "review" / "2024Q4" / "华东"
    assert safe_part("../../etc/passwd") == "passwd"
    assert safe_part('a"b:c*d?e|f') == "a_b_c_d_e_f"
    assert safe_part("..") == "_"
    assert len(safe_part("x" * 300)) == 40


def test_the_folder_is_never_under_the_quarterly_reports(tmp_path: Path) -> None:
    for period in ("2024Q4", "2024Q3", "2024-11", "2024"):
        folder = review_folder(tmp_path, "rfm_clv", {"period": period, "region": "华南"})
        assert not folder.is_relative_to(tmp_path / period)
        assert folder.is_relative_to(tmp_path / "review")


# --- the banner ---------------------------------------------------------------------------------


def test_the_banner_names_the_changed_parameters_in_each_language() -> None:
    values = {"region": "华南", "period": "2024Q3", "top_n": 50}
    zh = banner_markdown("churn", values, "zh")
    assert zh.startswith("> **复核重跑** ")
    assert "区域：华南；期间：2024年Q3" in zh
    assert r"top\_n \= 50" in zh
    en = banner_markdown("churn", values | {"lang": "en"}, "en")
    assert en.startswith("> **Reviewer re\\-run** ")
    assert r"period\: 2024 Q3" in en and r"lang \= en / top\_n \= 50" in en
    assert "none" in banner_markdown("churn", {}, "en")


def test_the_banner_escapes_the_values() -> None:
    hostile = "<img src=x onerror=alert(1)>[x](javascript:alert(1))\n# title"
    text = banner_markdown("churn", {"value_params": hostile}, "zh")
    assert "<img" not in text and "](" not in text
    assert "\n" not in text  # a value never starts a new Markdown block
    assert "&lt;img" in text and r"\[x\]" in text


# --- make run -----------------------------------------------------------------------------------


def test_make_run_passes_the_notebook_and_the_arguments() -> None:
    dry = subprocess.run(
        ["make", "-n", "run", "NOTEBOOK=churn", "ARGS=-p region 华南 -p top_n 50"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "-m workbench run churn --data-dir data/demo -p region 华南 -p top_n 50" in dry
    helped = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True)
    assert re.search(r"^\s+(\x1b\[[0-9;]*m)?run\s", helped.stdout, re.M)
    bare = subprocess.run(["make", "-s", "run", "DATA=data/demo"], cwd=ROOT,
                          capture_output=True, text=True)  # fmt: skip
    if (ROOT / "data" / "demo" / "customers.csv").is_file():  # else make would generate the demo
        assert bare.returncode != 0 and "make run NOTEBOOK=churn" in bare.stderr


# --- end to end ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_reviewer_rerun_renders_into_its_folder_with_the_banner(demo_dir, tmp_path) -> None:
    out = tmp_path / "reports"
    argv = ["run", "churn", "-p", "region", "西北", "-p", "top_n", "7"]
    code = main([*argv, "--data-dir", str(demo_dir), "--out", str(out)])
    assert code == 0
    folder = out / "review" / "2024Q4" / "西北" / "churn__top_n-7"
    assert sorted(p.name for p in folder.glob("churn.*")) >= ["churn.html", "churn.ipynb"]
    assert (folder / "churn.xlsx").is_file()  # out_dir is the review folder
    assert not (out / "2024Q4").exists()  # nothing next to the quarterly reports
    page = (folder / "churn.html").read_text(encoding="utf-8")
    body = page[page.index("<body") :]
    assert "复核重跑" in body and "区域：西北" in body and re.search(r"top_n\s*=\s*7", body)
    assert body.index("复核重跑") < body.index("客户流失预测报告")  # a banner at the top


# --- the values reach the notebook as Papermill parameters ----------------------------------------


def test_the_reviewers_values_are_papermill_parameters_listed_in_the_manifest(
    tiny_extracts, tmp_path, monkeypatch
) -> None:
    fake = FakePapermill()
    monkeypatch.setattr(papermill, "execute_notebook", fake)
    monkeypatch.setattr(fonts, "font_subset", lambda text: b"")
    root = tmp_path / "checkout"
    (root / "notebooks").mkdir(parents=True)
    shutil.copytree(params_file("churn.yml").parent, root / "params")
    source = tiny_notebook(root / "notebooks", "churn")
    mine = tmp_path / "mine.yml"
    shutil.copy(root / "params" / "value.yml", mine)
    monkeypatch.chdir(tmp_path)  # a file the reviewer names is relative to where they are
    raw = [("region", "华南"), ("quarter", "2024Q4"), ("top_n", "7"), ("value_params", "mine.yml")]
    result = rerun.rerun("churn", raw, tiny_extracts, tmp_path / "out", root / "notebooks")
    assert result.status == "ok", result.error
    folder = (
        tmp_path / "out" / "review" / "2024Q4" / "华南" / "churn__value_params-mine.yml__top_n-7"
    )
    assert Path(result.html) == folder / "churn.html"
    manifest = json.loads((folder / "churn.manifest.json").read_text(encoding="utf-8"))
    assert manifest["notebook"] == str(source)  # the report's own notebook, not a copy
    assert manifest["parameters"] == {
        "region": "华南", "period": "2024Q4", "data_dir": str(tiny_extracts), "lang": "zh",
        "out_dir": str(folder), "top_n": 7, "value_params": str(mine),
    }  # fmt: skip
    executed = nbformat.read(folder / "churn.ipynb", as_version=4)
    assert executed.metadata["papermill"]["parameters"] == manifest["parameters"]
    banner = [c for c in executed.cells if "reviewer-banner" in c.metadata.get("tags", [])]
    assert len(banner) == 1 and "top\\_n \\= 7" in banner[0].source
    page = (folder / "churn.html").read_text(encoding="utf-8")
    assert "复核重跑" in page and "区域：华南" in page


def test_an_owner_without_customers_in_the_region_is_refused_before_any_kernel(
    tiny_extracts, tmp_path, monkeypatch
) -> None:
    def no_kernel(*args, **kwargs):
        raise AssertionError("a kernel started")

    monkeypatch.setattr(papermill, "execute_notebook", no_kernel)
    out = tmp_path / "out"
    with pytest.raises(ParameterError, match=r"owner '王磊' has no customers in 华南.*陈静"):
        rerun.rerun(
            "churn", [("region", "华南"), ("owner", "王磊")], tiny_extracts, out, ROOT / "notebooks"
        )
    assert not out.exists()  # nothing written either
