"""The data-quality report (数据质量报告): shaping the cleaning results for readers.

Everything here returns display-ready frames with Chinese (or English) headers and no raw PII:
names of individuals, phones, e-mails and ID numbers appear masked only.
"""

from __future__ import annotations

import pandas as pd

from workbench.cleaning.pipeline import CleanResult
from workbench.cleaning.privacy import mask_person_names
from workbench.core.periods import quarter_label
from workbench.extracts.schema import TABLES

RULE_LABELS: dict[str, str] = {
    "phone_format": "电话格式统一", "id_format": "证件号格式统一", "invalid_phone": "电话号码无效", "name_format": "名称格式统一",
    "email_format": "邮箱格式统一", "bad_email": "邮箱无效", "category_canonical": "取值标准化",
    "unknown_category": "未知取值", "region_from_province": "按省份补全区域", "province_from_city": "按城市补全省份",
    "region_mismatch": "区域与省份不符", "unknown_province": "未知省份", "industry_map": "行业映射",
    "unknown_industry": "行业无法映射", "bad_uscc": "信用代码校验位错误",
    "bad_id_number": "身份证校验位错误", "id_type_mismatch": "证件类型与客户类型不符",
    "deal_before_contact": "成交早于首次接触", "negative_amount": "金额为负",
    "absurd_amount": "金额异常偏大", "future_date": "日期晚于当前", "unknown_customer": "客户编号不存在",
    "type_field_mismatch": "字段与客户类型矛盾", "resolved_before_created": "解决早于提出",
    "stage_dates_out_of_order": "阶段日期顺序错误", "merge_fill": "合并补全字段",
    "merge_repoint": "合并后改指向主记录", "missing_required": "必填字段为空",
    "unparseable_date": "日期无法解析", "unparseable_amount": "金额无法解析",
    "duplicate_row": "重复行", "duplicate_key": "主键重复", "same_uscc": "信用代码相同",
    "same_id_number": "证件号码相同", "same_phone": "电话相同", "fuzzy_name": "名称相似",
}  # fmt: skip


def rule_label(rule: str, lang: str = "zh") -> str:
    """The Chinese name of a cleaning rule (the code itself in English reports)."""
    return RULE_LABELS.get(rule, rule) if lang == "zh" else rule


def report_title(quarter: str, lang: str = "zh") -> str:
    """「2024年Q4数据质量报告」."""
    period = quarter_label(quarter, lang)
    return f"{period}数据质量报告" if lang == "zh" else f"Data quality report, {period}"


def reconciliation_table(result: CleanResult, lang: str = "zh") -> pd.DataFrame:
    """Rows read = clean + merged + quarantined, per table, with the tables' Chinese names."""
    frame = result.reconciliation().reset_index(names="table")
    frame["table"] = frame["table"].map(lambda n: TABLES[n].zh if lang == "zh" else n)
    frame["balanced"] = frame["balanced"].map({True: "✓", False: "✗"})
    headers = ("数据表", "读入行数", "清洗后", "已合并", "隔离", "核对") if lang == "zh" else (
        "table", "rows read", "clean", "merged", "quarantined", "balanced")  # fmt: skip
    return frame.set_axis(headers, axis=1)


def issues_by_rule(result: CleanResult, lang: str = "zh") -> pd.DataFrame:
    """How many cells each rule changed, flagged or quarantined: rule, kind, count."""
    parts = [
        result.changes.groupby("rule").size().rename("count").reset_index().assign(kind="changed"),
        result.flags.groupby("rule").size().rename("count").reset_index().assign(kind="flagged"),
        result.quarantine.groupby("reason").size().rename("count").reset_index()
        .rename(columns={"reason": "rule"}).assign(kind="quarantined"),
    ]  # fmt: skip
    frame = pd.concat([p for p in parts if len(p)], ignore_index=True)
    if frame.empty:
        return pd.DataFrame(columns=["label", "kind", "count"])
    kinds = {"changed": "已修正", "flagged": "已标记", "quarantined": "已隔离"}
    frame["label"] = frame["rule"].map(lambda r: rule_label(r, lang))
    if lang == "zh":
        frame["kind"] = frame["kind"].map(kinds)
    return frame.sort_values("count", ascending=False)[["label", "kind", "count"]]


def merged_duplicates(result: CleanResult, lang: str = "zh", limit: int = 30) -> pd.DataFrame:
    """Merged customers with their survivors: ids, names (individuals masked), rule, score."""
    if result.merges.empty:
        return pd.DataFrame()
    names = _display_names(result)
    merges = result.merges.head(limit)
    person = merges["customer_type"] == "个人"
    frame = pd.DataFrame(
        {
            "merged": merges["customer_id"],
            "merged_name": merges["name"].where(~person, mask_person_names(merges["name"])),
            "survivor": merges["survivor_id"],
            "survivor_name": merges["survivor_id"].map(names),
            "rule": merges["rule"].map(lambda r: rule_label(r, lang)),
            "score": merges["score"].map(lambda s: f"{s:.0f}"),
        }
    )
    headers = ("被合并客户", "名称", "保留客户", "保留名称", "匹配依据", "相似度")
    return frame.set_axis(headers, axis=1) if lang == "zh" else frame


def _display_names(result: CleanResult) -> pd.Series:
    """customer_id → display name of the surviving customers, individuals' names masked."""
    customers = result.customers
    person = customers["customer_type"] == "个人"
    names = customers["name"].where(~person, mask_person_names(customers["name"]))
    return pd.Series(names.to_numpy(), index=customers["customer_id"])


def quarantine_summary(result: CleanResult, lang: str = "zh") -> pd.DataFrame:
    """Quarantined rows by table, column and reason (the raw rows stay in the cache, not here)."""
    if result.quarantine.empty:
        return pd.DataFrame()
    frame = (
        result.quarantine.groupby(["table", "column", "reason"]).size()
        .rename("rows").reset_index().sort_values("rows", ascending=False)
    )  # fmt: skip
    frame["reason"] = frame["reason"].map(lambda r: rule_label(r, lang))
    headers = (
        ("数据表", "字段", "原因", "行数")
        if lang == "zh"
        else ("table", "column", "reason", "rows")
    )
    return frame.set_axis(headers, axis=1)


def to_complete_by_owner(result: CleanResult, lang: str = "zh") -> pd.DataFrame:
    """Per sales owner: customers with fields to complete (待补充) and the most common gaps."""
    listed = result.to_complete
    if listed.empty:
        return pd.DataFrame()
    fields = listed.assign(field=listed["missing_fields"].str.split("、")).explode("field")
    top = fields.groupby("owner")["field"].agg(lambda s: "、".join(s.value_counts().index[:3]))
    frame = listed.groupby("owner").size().rename("customers").to_frame().join(top)
    frame = frame.sort_values("customers", ascending=False).reset_index()
    headers = (
        ("负责人", "待补充客户数", "主要缺失字段")
        if lang == "zh"
        else ("owner", "customers", "top gaps")
    )
    return frame.set_axis(headers, axis=1)


def merge_summary(result: CleanResult, lang: str = "zh") -> str:
    """One sentence: how many records were merged into how many surviving customers."""
    merged, survivors = len(result.merges), result.merges["survivor_id"].nunique()
    if lang == "zh":
        return f"共 {merged:,} 条重复客户记录合并入 {survivors:,} 个保留客户。"
    return f"{merged:,} duplicate customer records merged into {survivors:,} surviving customers."


def retention_summary(result: CleanResult, lang: str = "zh") -> pd.DataFrame:
    """Customers past retention by reason: how many, how many owners, the oldest keep-until date."""
    if result.retention.empty:
        return pd.DataFrame()
    frame = result.retention.groupby("reason").agg(
        customers=("customer_id", "size"),
        owners=("owner", "nunique"),
        oldest=("keep_until", "min"),
    )
    frame["oldest"] = frame["oldest"].dt.strftime("%Y-%m-%d")
    headers = ("原因", "客户数", "涉及负责人", "最早到期") if lang == "zh" else (
        "reason", "customers", "owners", "oldest keep-until")  # fmt: skip
    return frame.reset_index().set_axis(headers, axis=1)
