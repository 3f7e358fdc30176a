"""Every word a reader sees, in Simplified Chinese (default) and English (`lang: en`).

`LABELS` maps a key to its text in each language of `LANGS`, in that order: labels, column headers
and sentence templates, filled by `t(key, lang, **fields)` (``str.format``, so a template may use
format specs such as ``{share:.1%}``; fields a language does not use are ignored). Code looks
words up here and never branches on the language. Keys made from a code carry its prefix:
``kpi_<key>``, ``rule_<code>``, ``vc_<column>``, ``sheet_<name>``.
"""

from __future__ import annotations

from workbench.core.errors import ParameterError

LANGS = ("zh", "en")

LABELS: dict[str, tuple[str, str]] = {
    # periods (workbench.core.periods) and lists
    "quarter_label": ("{year}年Q{quarter}", "{year} Q{quarter}"),
    "list_sep": ("、", " / "),  # between the items of a short list (20%、70%)
    # report titles
    "profiling_title": (
        "{period}{region}区域客户画像分析报告",
        "{region} customer profile, {period}",
    ),
    "all_regions": ("全国", "All regions"),
    # the index of a run (workbench.reports.index)
    "html_lang": ("zh-CN", "en"),
    "index_title": ("{period}客户分析报告", "Customer analysis reports, {period}"),
    "index_region": ("区域", "Region"),
    "index_report": ("报告", "Report"),
    "index_status": ("状态", "Status"),
    "index_time": ("用时", "Time"),
    "status_ok": ("成功", "ok"),
    "status_failed": ("失败", "failed"),
    "index_summary": (
        "共 {reports} 份报告，失败 {failed} 份",
        "{reports} reports, {failed} failed",
    ),
    # dimensions
    "province": ("省份", "Province"),
    "industry": ("行业", "Industry"),
    "size": ("企业规模", "Company size"),
    "customer_type": ("客户类型", "Customer type"),
    "status": ("客户状态", "Customer status"),
    "source_channel": ("来源渠道", "Source channel"),
    "channel": ("跟进方式", "Contact channel"),
    "product_category": ("产品类别", "Product category"),
    "quarter": ("季度", "Quarter"),
    "customers": ("客户数", "Customers"),
    "share": ("占比", "Share"),
    "revenue": ("销售额（元）", "Revenue (CNY)"),
    "revenue_wan": ("销售额（万元）", "Revenue (10k CNY)"),
    "interactions": ("跟进次数", "Follow-ups"),
    "to_complete": ("待补充", "to be completed"),
    "other": ("其他", "Other"),
    "completeness_title": ("关键字段完整性（目标线）", "Completeness of key fields (target line)"),
    "issues_title": ("各规则处理数量", "Cells and rows per rule"),
    # KPIs
    "metric": ("指标", "Metric"),
    "current": ("本季度", "This quarter"),
    "previous": ("上季度", "Previous quarter"),
    "change": ("环比变化", "QoQ change"),
    "kpi_customers": ("客户总数", "Customers"),
    "kpi_new_customers": ("新成交客户", "New customers"),
    "kpi_buyers": ("下单客户", "Buying customers"),
    "kpi_orders": ("订单数", "Orders"),
    "kpi_revenue": ("销售额（元）", "Revenue (CNY)"),
    "kpi_returns": ("退货冲销（元）", "Returns (CNY)"),
    "kpi_aov": ("客单价（元）", "Average order value (CNY)"),
    "kpi_repurchase_rate": ("复购率", "Repurchase rate"),
    "kpi_followups_per_customer": ("人均跟进次数", "Follow-ups per customer"),
    "kpi_complaints": ("投诉次数", "Complaints"),
    "kpi_satisfaction": ("平均满意度", "Average satisfaction"),
    "kpi_silent_customers": ("90天未跟进客户", "No follow-up in 90 days"),
    # profile summary (workbench.profiling.tables); *_change fields are preformatted (+1.2% or –)
    "profile_point_revenue": (
        "本季度销售额 {revenue_wan:,.1f} 万元，环比 {revenue_change}；"
        "下单客户 {buyers:,.0f} 家，环比 {buyers_change}。",
        "Revenue {revenue:,.0f} CNY ({revenue_change} QoQ); "
        "{buyers:,.0f} buying customers ({buyers_change}).",
    ),
    "profile_point_aov": (
        "客单价 {aov:,.0f} 元（环比 {aov_change}），复购率 {repurchase_rate:.1%}。",
        "Average order value {aov:,.0f} CNY ({aov_change}), repurchase rate {repurchase_rate:.1%}.",
    ),
    "profile_point_new_customers": (
        "新成交客户 {new_customers:,.0f} 家，环比 {new_customers_change}。",
        "{new_customers:,.0f} new customers ({new_customers_change}).",
    ),
    "profile_point_complaints": (
        "投诉 {complaints:,.0f} 次（环比 {complaints_change}），"
        "{silent_customers:,.0f} 家客户超过 {days} 天未跟进。",
        "{complaints:,.0f} complaints ({complaints_change}); "
        "{silent_customers:,.0f} customers without follow-up for {days} days.",
    ),
    # what a report cannot show, and why (workbench.profiling.gaps; profiling.tables.gap_*)
    "gap_sentence": ("无法展示{what}，因为{why}。", "Could not show {what} because {why}."),
    "gap_no_table": ("数据中没有{table}文件", "the extracts include no {table} file"),
    "gap_empty_table": ("{table}文件中没有记录", "the {table} file has no rows"),
    "gap_no_column": (
        "{table}中没有「{columns}」数据（该列缺失或全部为空）",
        "the {table} extract has no {columns} data (the column is missing or empty)",
    ),
    "gap_no_region": (
        "客户表中既没有「区域」也没有「所在省份」，客户无法归入区域",
        "the customers extract has neither a region nor a province, so no customer can be "
        "placed in a region",
    ),
    "gap_no_customers": ("数据中没有本区域的客户", "the extracts have no customers in this region"),
    "gap_no_enterprises": ("本区域没有企业客户", "this region has no enterprise customers"),
    "gap_none_in_quarter": ("本区域本季度没有{table}", "this region has no {table} in the quarter"),
    "gap_no_purchases": (
        "本区域客户截至季度末没有购买记录",
        "the region's customers bought nothing before the quarter's end",
    ),
    "gap_few_repeat_buyers": (
        "本区域及全公司重复购买的客户过少，无法拟合 CLV 模型",
        "too few customers bought more than once, in the region and company-wide, to fit the "
        "CLV models",
    ),
    "column_name": ("{zh}", "{name}"),  # an extract column: its Chinese header, or its code
    "part_kpis": ("核心指标", "the key figures"),
    "part_trend": ("销售趋势", "the revenue trend"),
    "part_province": ("客户省份分布", "customers by province"),
    "part_industry": ("企业客户行业分布", "enterprise customers by industry"),
    "part_size": ("企业客户规模分布", "enterprise customers by company size"),
    "part_product_category": ("各产品类别销售额占比", "revenue by product category"),
    "part_source_channel": ("客户来源渠道分布", "customers by source channel"),
    "part_channel": ("跟进方式分布", "follow-ups by channel"),
    "part_rfm": ("RFM 价值分层", "the RFM value classes"),
    "part_abc": ("ABC 分类", "the ABC classes"),
    "part_amount_tier": ("金额分级", "the amount tiers"),
    "part_clv": ("客户终身价值（CLV）", "customer lifetime value (CLV)"),
    "part_leads": (
        "跟进报价名单（浏览多或询价的线索）",
        "the hot leads to quote (many pages viewed, or a price question)",
    ),
    # data-quality report (workbench.quality.tables)
    "quality_title": ("{period}数据质量报告", "Data quality report, {period}"),
    "quality_merges": (
        "共 {merged:,} 条重复客户记录合并入 {survivors:,} 个保留客户。",
        "{merged:,} duplicate customer records merged into {survivors:,} surviving customers.",
    ),
    "table_name": ("{zh}", "{name}"),  # an extract table: its Chinese name, or its code
    "kind_changed": ("已修正", "changed"),
    "kind_flagged": ("已标记", "flagged"),
    "kind_quarantined": ("已隔离", "quarantined"),
    "qc_table": ("数据表", "table"),
    "qc_revenue": ("金额（元）", "amount (CNY)"),
    "qc_revenue_share": ("占全部交易金额", "share of all order amounts"),
    "qc_rows_read": ("读入行数", "rows read"),
    "qc_clean": ("清洗后", "clean"),
    "qc_merged": ("已合并", "merged"),
    "qc_quarantined": ("隔离", "quarantined"),
    "qc_balanced": ("核对", "balanced"),
    "qc_merged_id": ("被合并客户", "merged"),
    "qc_merged_name": ("名称", "merged_name"),
    "qc_survivor": ("保留客户", "survivor"),
    "qc_survivor_name": ("保留名称", "survivor_name"),
    "qc_rule": ("匹配依据", "rule"),
    "qc_score": ("相似度", "score"),
    "qc_column": ("字段", "column"),
    "qc_reason": ("原因", "reason"),
    "qc_rows": ("行数", "rows"),
    "qc_owner": ("负责人", "owner"),
    "qc_to_complete": ("待补充客户数", "customers"),
    "qc_top_gaps": ("主要缺失字段", "top gaps"),
    "qc_customers": ("客户数", "customers"),
    "qc_owners": ("涉及负责人", "owners"),
    "qc_oldest": ("最早到期", "oldest keep-until"),
    "qc_customer_a": ("客户A", "customer A"),
    "qc_name_a": ("名称A", "name A"),
    "qc_city_a": ("城市A", "city A"),
    "qc_phone_a": ("电话A", "phone A"),
    "qc_owner_a": ("负责人A", "owner A"),
    "qc_customer_b": ("客户B", "customer B"),
    "qc_name_b": ("名称B", "name B"),
    "qc_city_b": ("城市B", "city B"),
    "qc_phone_b": ("电话B", "phone B"),
    "qc_owner_b": ("负责人B", "owner B"),
    "qc_review_reason": ("待复核原因", "why listed"),
    "quality_review": (
        "共 {pairs:,} 对疑似重复（涉及 {customers:,} 个客户）未自动合并，待人工复核；"
        "复核结论写入数据目录下的 {file} 后，下次运行时生效。",
        "{pairs:,} possible duplicate pairs ({customers:,} customers) were not merged and wait "
        "for review; decisions written to {file} beside the extracts apply on the next run.",
    ),
    # why a pair is listed for review (workbench.cleaning.dedupe_review)
    "review_score": (
        "相似度介于复核线与合并线之间",
        "score between the review and merge thresholds",
    ),
    "review_group_conflict": (
        "合并会使同组出现不同城市、行业或证照",
        "merging would join different cities, trades or IDs in one group",
    ),
    "review_ambiguous": (
        "简称或电话同时指向多个不同客户",
        "the name or phone points at several customers",
    ),
    # cleaning rules: their Chinese names; English reports show the rule's code
    "rule_phone_format": ("电话格式统一", "phone_format"),
    "rule_id_format": ("证件号格式统一", "id_format"),
    "rule_invalid_phone": ("电话号码无效", "invalid_phone"),
    "rule_name_format": ("名称格式统一", "name_format"),
    "rule_email_format": ("邮箱格式统一", "email_format"),
    "rule_bad_email": ("邮箱无效", "bad_email"),
    "rule_category_canonical": ("取值标准化", "category_canonical"),
    "rule_unknown_category": ("未知取值", "unknown_category"),
    "rule_size_band": ("规模按人数或营收归档", "size_band"),
    "rule_size_unmapped": ("规模无法归档", "size_unmapped"),
    "rule_region_from_province": ("按省份补全区域", "region_from_province"),
    "rule_province_from_city": ("按城市补全省份", "province_from_city"),
    "rule_region_mismatch": ("区域与省份不符", "region_mismatch"),
    "rule_unknown_province": ("未知省份", "unknown_province"),
    "rule_industry_map": ("行业映射", "industry_map"),
    "rule_unknown_industry": ("行业无法映射", "unknown_industry"),
    "rule_bad_uscc": ("信用代码校验位错误", "bad_uscc"),
    "rule_bad_id_number": ("身份证校验位错误", "bad_id_number"),
    "rule_id_type_mismatch": ("证件类型与客户类型不符", "id_type_mismatch"),
    "rule_deal_before_contact": ("成交早于首次接触", "deal_before_contact"),
    "rule_negative_amount": ("金额为负", "negative_amount"),
    "rule_positive_return": ("退货金额为正", "positive_return"),
    "rule_absurd_amount": ("金额异常偏大", "absurd_amount"),
    "rule_future_date": ("日期晚于当前", "future_date"),
    "rule_unknown_customer": ("客户编号不存在", "unknown_customer"),
    "rule_type_field_mismatch": ("字段与客户类型矛盾", "type_field_mismatch"),
    "rule_resolved_before_created": ("解决早于提出", "resolved_before_created"),
    "rule_stage_dates_out_of_order": ("阶段日期顺序错误", "stage_dates_out_of_order"),
    "rule_merge_fill": ("合并补全字段", "merge_fill"),
    "rule_merge_repoint": ("合并后改指向主记录", "merge_repoint"),
    "rule_missing_required": ("必填字段为空", "missing_required"),
    "rule_unparseable_date": ("日期无法解析", "unparseable_date"),
    "rule_unparseable_amount": ("金额无法解析", "unparseable_amount"),
    "rule_unparseable_float": ("数值无法解析", "unparseable_float"),
    "rule_duplicate_row": ("重复行", "duplicate_row"),
    "rule_duplicate_key": ("主键重复", "duplicate_key"),
    "rule_same_uscc": ("信用代码相同", "same_uscc"),
    "rule_same_id_number": ("证件号码相同", "same_id_number"),
    "rule_same_phone": ("电话相同", "same_phone"),
    "rule_fuzzy_name": ("名称相似", "fuzzy_name"),
    "rule_decision_merge": ("人工复核确认合并", "decision_merge"),
    "rule_dedupe_decision": ("人工复核结论", "dedupe_decision"),
    "rule_decision_unknown_customer": ("复核结论中的客户不存在", "decision_unknown_customer"),
    "rule_customer_type_inferred": ("推断客户类型", "customer_type_inferred"),
    # value plots (workbench.value.plots)
    "vp_no_data": ("无数据", "No data"),
    "vp_r_score": ("R 分（越高越近期）", "R score (high = recent)"),
    "vp_f_score": ("F 分（越高越频繁）", "F score (high = frequent)"),
    "vp_mean_monetary": ("平均消费金额（元）", "Mean spend (CNY)"),
    "vp_customer_share": ("客户占比", "Share of customers"),
    "vp_revenue_share": ("销售额占比", "Share of revenue"),
    "vp_pareto_x": (
        "客户累计占比（按销售额从高到低）",
        "Cumulative share of customers (highest revenue first)",
    ),
    "vp_pareto_y": ("销售额累计占比", "Cumulative share of revenue"),
    "vp_pareto_curve": ("累计销售额占比", "Cumulative revenue share"),
    "vp_pareto_equal": ("均匀分布参考线", "Equal shares"),
    "vp_pareto_cuts": ("ABC 分界：累计销售额 {cuts}", "ABC limits: {cuts} of revenue"),
    "vp_pareto_band": (
        "{abc} 类：{n:,} 位客户（{share:.1%}）",
        "{abc}: {n:,} customers ({share:.1%})",
    ),
    "vp_frequency": ("频次（重复购买次数）", "Frequency (repeat purchases)"),
    "vp_recency": ("近度（首次至末次购买，{unit}）", "Recency (first to last purchase, {unit})"),
    "vp_age": ("；客户年龄 T = {T:g} {unit}", "; customer age T = {T:g} {unit}"),
    "vp_unit_weeks": ("周", "weeks"),
    "vp_unit_days": ("天", "days"),
    "vp_unit_other": ("单位（{days:g} 天）", "units of {days:g} days"),
    "vp_expected": ("预期购买次数", "Expected purchases"),
    "vp_expected_next": (
        "未来 {t:.3g} {unit}预期购买次数",
        "Expected purchases in the next {t:.3g} {unit}",
    ),
    "vp_p_alive": ("仍活跃概率", "Probability alive"),
    "vp_impossible": ("不可能的组合", "Impossible combination"),
    "vp_calib_x": ("校准期重复购买次数（客户数）", "Repeat purchases in calibration (customers)"),
    "vp_calib_y": ("持有期人均购买次数", "Mean purchases in holdout"),
    "vp_calib_tick": ("{f}\n{n:,}人", "{f}\nn={n:,}"),
    "vp_actual": ("实际", "Actual"),
    "vp_predicted": ("模型预测", "Predicted"),
    "vp_clv": ("客户终身价值 CLV（元）", "Customer lifetime value (CNY)"),
    "vp_clv_clipped": (
        "客户终身价值 CLV（元）；高于第 {q:g} 百分位（{cut:,.0f} 元）的 {n:,} 位客户计入最右一栏",
        "Customer lifetime value (CNY); {n:,} customers above the {q:g}th percentile "
        "({cut:,.0f}) counted in the last bar",
    ),
    "vp_clv_median": ("中位数 {v:,.0f} 元", "Median {v:,.0f}"),
    "vp_clv_top": ("前 {share:.0%} 客户门槛 {v:,.0f} 元", "Top {share:.0%} from {v:,.0f}"),
    # value report (workbench.value.analysis, workbench.value.tables)
    "value_title": ("{period}{region}区域客户价值分析报告", "{region} customer value, {period}"),
    "vc_customer_id": ("客户编号", "Customer ID"),
    "vc_customer": ("客户", "Customer"),
    "vc_customer_type": ("客户类型", "Type"),
    "vc_owner": ("负责人", "Owner"),
    "vc_city": ("城市", "City"),
    "vc_status": ("客户状态", "Status"),
    "vc_first_purchase": ("首次购买", "First purchase"),
    "vc_last_purchase": ("最近购买", "Last purchase"),
    "vc_recency_days": ("距最近购买天数", "Days since last purchase"),
    "vc_frequency": ("购买天数", "Purchase days"),
    "vc_orders": ("订单数", "Orders"),
    "vc_monetary": ("累计金额（元）", "Total spend (CNY)"),
    "vc_r_score": ("R分", "R"),
    "vc_f_score": ("F分", "F"),
    "vc_m_score": ("M分", "M"),
    "vc_value_class": ("价值分层", "Value class"),
    "vc_revenue_12m": ("近12个月销售额（元）", "Revenue, last 12 months (CNY)"),
    "vc_abc_class": ("ABC分类", "ABC class"),
    "vc_amount_tier": ("金额分级", "Amount tier"),
    "vc_p_alive": ("仍活跃概率", "P(alive)"),
    "vc_expected_purchases": ("预期购买次数", "Expected purchases"),
    "vc_expected_spend": ("预期单次金额（元）", "Expected spend per purchase (CNY)"),
    "vc_clv": ("CLV（元）", "CLV (CNY)"),
    "vc_tags": ("标签", "Tags"),
    "vc_priority": ("优先级", "Priority"),
    "vc_action": ("跟进建议", "Suggested action"),
    "vc_class": ("分类", "Class"),
    "vc_customers": ("客户数", "Customers"),
    "vc_customer_share": ("客户占比", "Share of customers"),
    "vc_revenue": ("近12个月销售额（元）", "Revenue, last 12 months (CNY)"),
    "vc_revenue_share": ("销售额占比", "Share of revenue"),
    "vc_model": ("模型", "Model"),
    "vc_log_likelihood": ("对数似然", "Log-likelihood"),
    "vc_aic": ("AIC", "AIC"),
    "vc_bic": ("BIC", "BIC"),
    "vc_holdout_predicted": ("持有期预测购买", "Holdout purchases, predicted"),
    "vc_holdout_actual": ("持有期实际购买", "Holdout purchases, actual"),
    "vc_holdout_mae": ("人均绝对误差", "Mean absolute error per customer"),
    "vc_note": ("说明", "Note"),
    "vc_frequency_cal": ("校准期重复购买次数", "Repeat purchases in calibration"),
    "vc_actual": ("持有期人均实际购买", "Mean actual holdout purchases"),
    "vc_predicted": ("持有期人均预测购买", "Mean predicted holdout purchases"),
    "vc_tag": ("标签", "Tag"),
    "action_retain": (
        "挽留回访：高价值客户出现流失迹象",
        "Retain: a valuable customer going quiet",
    ),
    "action_lead": (
        "跟进报价：线索浏览多或询价",
        "Follow up: a lead reading a lot or asking prices",
    ),
    "action_repurchase": (
        "复购提醒：A/B类客户3个月未复购",
        "Repurchase: A/B customer silent 3 months",
    ),
    # value summary, notes and CLV method (workbench.value.tables)
    "value_point_abc": (
        "A类客户 {a_customers:,} 家（占有消费客户的 {a_of_buyers:.1%}），"
        "贡献近12个月销售额的 {a_share:.1%}。",
        "{a_customers:,} A customers ({a_of_buyers:.1%} of buyers) make "
        "{a_share:.1%} of the last 12 months' revenue.",
    ),
    "value_point_high_value": (
        "高价值客户 {high_customers:,} 家，贡献近12个月销售额的 {high_share:.1%}。",
        "{high_customers:,} high-value customers make {high_share:.1%} of the revenue.",
    ),
    "value_point_clv": (
        "预计未来12个月客户价值合计 {clv_wan:,.0f} 万元，其中前20%客户占 {top_share:.1%}；"
        "{at_risk:,} 家客户仍活跃概率低于50%。",
        "Expected value over the next 12 months: {clv:,.0f} CNY, {top_share:.1%} of it "
        "from the top 20% of customers; {at_risk:,} customers are more likely gone than active.",
    ),
    "value_point_follow_up": (
        "建议跟进 {customers:,} 家：挽留回访 {retain:,}，跟进报价 {lead:,}，复购提醒 {repurchase:,}。",
        "{customers:,} customers to follow up: retain {retain:,}, leads {lead:,}, "
        "repurchase {repurchase:,}.",
    ),
    "holdout_alert": (
        "注意：模型对最近 {months} 个月购买次数{way} {error:.0%}，客户行为近期有变化"
        "（{change}），CLV 可能同样{way}。",
        "Caution: the model {way}estimated the last {months} months' purchases by "
        "{error:.0%}; customers behave differently of late, and CLV is likely {way}stated as "
        "well.",
    ),
    "holdout_way_over": ("高估", "over"),
    "holdout_way_under": ("低估", "under"),
    "holdout_change_over": ("流失加快或购买放缓", "more churn or slower buying"),
    "holdout_change_under": ("购买加快", "faster buying"),
    "clv_none": (
        "本区域及全公司重复购买客户过少，未拟合 CLV 模型。",
        "Too few repeat buyers in the region and the company to fit CLV models.",
    ),
    "clv_scope_region": ("本区域", "this region's"),
    "clv_scope_company": ("全公司", "the whole company's"),
    "clv_method": (
        "购买模型 **{model}**，金额模型 **{spend}**，基于{where}购买记录拟合。"
        "持有期（最后 {months} 个月，{customers:,.0f} 位客户）"
        "预测购买 {predicted:,.0f} 次，实际 {actual:,.0f} 次，"
        "误差 {error:+.1%}；人均绝对误差 {mae:.2f} 次。"
        "购买频次与金额的相关系数 {corr:+.2f}"
        "（Gamma-Gamma 假设两者独立，接近 0 为宜）。",
        "Purchase model **{model}**, spend model **{spend}**, fitted on {where} "
        "purchases. On the holdout (the last {months} months, "
        "{customers:,.0f} customers) it predicted {predicted:,.0f} purchases "
        "against {actual:,.0f} actual ({error:+.1%}); mean absolute error "
        "{mae:.2f} per customer. Correlation of purchase frequency and spend: "
        "{corr:+.2f} (Gamma-Gamma assumes none).",
    ),
    "note_report": ("报告", "Report"),
    "note_cut_off": ("截止日期", "Cut-off"),
    "note_customers": ("客户数", "Customers"),
    "note_abc_shares": ("ABC 份额", "ABC shares"),
    "note_amount_tiers": ("金额分级", "Amount tiers"),
    "note_follow_up_rules": ("跟进规则", "Follow-up rules"),
    "note_excluded_orders": ("未计入的订单（金额≤0）", "Orders left out (amount ≤ 0)"),
    "note_clv_model": ("CLV 模型", "CLV model"),
    "note_clv_model_text": (
        "{model} + {spend}，{months} 个月，月折现率 {rate:.1%}，拟合范围 {scope}",
        "{model} + {spend}, {months} months, {rate:.1%} a month, fitted on {scope}",
    ),
    "note_clv_note": ("CLV note {i}", "CLV note {i}"),
    "note_decisions": ("复核结论", "Decisions"),
    "note_decisions_text": (
        "在「疑似重复」表的 decision 列填写 merge（合并）或 keep_apart（不合并），另存为 CSV，"
        "以 {file} 为名放在数据目录下；下次运行时生效，并记入审计轨迹。",
        "Fill in the decision column of the possible-duplicates sheet with merge or keep_apart, "
        "save that sheet as CSV named {file} beside the extracts: the next run applies it and "
        "records it in the audit trail.",
    ),
    "note_gap": ("未能展示 {i}", "Not shown {i}"),
    "sheet_value_class": ("价值分层", "Value classes"),
    "sheet_abc_class": ("ABC分类", "ABC classes"),
    "sheet_amount_tier": ("金额分级", "Amount tiers"),
    "sheet_follow_up": ("跟进名单", "Follow-up list"),
    "sheet_customers": ("客户价值明细", "Customers"),
    "sheet_models": ("CLV模型比较", "CLV models"),
    "sheet_calibration": ("CLV模型校验", "CLV holdout check"),
    "sheet_migration": ("ABC迁移", "ABC migration"),
    "sheet_review": ("疑似重复", "Possible duplicates"),
    "sheet_merges": ("已合并", "Merged"),
    "migration_before": ("季初分类", "Class at quarter start"),
    "migration_after": ("季末分类", "Class at quarter end"),
    "new_class": ("新增", "New"),
    "not_classified": ("未成交", "No purchase"),
}


def check_lang(lang: str) -> str:
    """Validate a `lang` parameter."""
    if lang not in LANGS:
        raise ParameterError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    return lang


def t(key: str, lang: str = "zh", **fields: object) -> str:
    """The label `key` in `lang`, with {fields} filled in (format specs allowed)."""
    return LABELS[key][LANGS.index(check_lang(lang))].format(**fields)


def is_label(key: str) -> bool:
    """True when `key` is in the table (for keys made from codes, such as ``rule_<code>``)."""
    return key in LABELS
