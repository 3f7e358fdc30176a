"""No planted phone, ID number or e-mail survives in raw form in anything a run writes: every
page (management and reviewer), workbook, PDF, chart pack member, manifest, index and executed
notebook of every report, from extracts with known values planted in contact columns and free
text (tests/planted_pii.py)."""

from __future__ import annotations

import pytest
from planted_pii import ID_NUMBERS, PHONES, found_planted, output_texts, planted_values

pytestmark = pytest.mark.slow


def test_the_planted_values_are_what_the_scan_looks_for():
    values = planted_values()
    assert "13987654321" in values["phone"] and "+86 139-8765-4321" in values["phone"]
    assert "057188886666" in values["phone"] and "02162345678" in values["phone"]
    assert ID_NUMBERS[0] == "11010519491231002X"  # the GB 11643 check character, computed by hand
    assert all(len(i) == 18 for i in ID_NUMBERS) and len(PHONES) == 5
    texts = {
        "a.html": "电话 139 8765 4321",
        "b.txt": "证件 11010519491231002x",
        "c": "WANG.fang@example.org",
    }
    assert {(f, k) for f, k, _ in found_planted(texts)} == {("a.html", "phone"),
                                                           ("b.txt", "id_number"), ("c", "email")}  # fmt: skip
    assert found_planted({"d.html": "尾号 4321，张**，138****5678"}) == []


def test_no_planted_value_in_any_file_the_run_wrote(exported_run):
    assert exported_run.planted["customers"] == 40 and exported_run.planted["interactions"] > 40
    assert exported_run.planted["requirements"] > 5
    texts = output_texts(exported_run.out)
    kinds = {name.split("!")[0].rsplit("/", 1)[-1].split(".", 1)[-1] for name in texts}
    expected = {"html", "code.html", "ipynb", "manifest.json", "xlsx", "json"}
    expected |= {"经营分析会_2024_Q4.charts.zip"} | ({"pdf"} if exported_run.pdf else set())
    assert expected <= kinds, kinds
    svgs = [name for name in texts if name.endswith(".svg")]
    assert len(svgs) >= 20  # every chart of every report, as SVG text (labels kept as comments)
    if exported_run.pdf:
        assert all(texts[n].strip() for n in texts if n.endswith(".pdf"))  # text was extracted
    assert found_planted(texts) == []
