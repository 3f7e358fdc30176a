"""The churn report end to end on generated demo data: rendered, graded, no raw PII."""

from pathlib import Path

import pytest
from pii_scan import leaks

from workbench import io
from workbench.churn.training import fit_churn
from workbench.reports.config import RunConfig
from workbench.reports.jobs import plan_jobs, run_job

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_churn_report_renders_with_its_workbook(demo_dir, tmp_path, lang):
    config = RunConfig(period="2024Q4", exports=(), data_dir=demo_dir, out_dir=tmp_path, lang=lang,
                       regions=("华东",), notebooks=("churn",), workers=1)  # fmt: skip
    result = run_job(plan_jobs(config)[0])
    assert result.status == "ok", result.error
    html = Path(result.html).read_text(encoding="utf-8")
    if lang == "zh":
        assert "2024年Q4华东区域客户流失预测报告" in html and "模型评级" in html
        assert "最近购买规则" in html and "BG/NBD 无购买概率" in html and "建议行动" in html
    else:
        assert "华东 churn prediction, 2024 Q4" in html and "Grade " in html
        assert "Recency rule" in html and "Suggested action" in html
    assert html.count("<img") == 2  # calibration + drivers, trend + bands
    assert result.files == (str(tmp_path / "2024Q4" / "华东" / "churn.xlsx"),)
    assert leaks(tmp_path, demo_dir) == []


def test_on_the_demo_data_the_model_beats_every_baseline(tmp_path):
    """The data `make data` writes (5,000 customers, seed 7): PR-AUC above the recency rule,
    the logistic regression and BG/NBD on the validation snapshot; grade A."""
    from workbench.demo import generate

    generate(tmp_path, customers=5000, seed=7)
    fit = fit_churn(io.load_clean(tmp_path), "2025-01-01")
    table = fit.comparison
    assert table.loc["model", "pr_auc"] > table.drop(index="model")["pr_auc"].max()
    assert fit.grade == "A" and table.loc["model", "brier"] < table["brier"].drop("model").min()
