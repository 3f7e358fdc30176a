"""Canonical values of every categorical column, with the aliases people type instead.

One `Vocabulary` per (table, column). Lookups ignore case, width (full-/half-width) and
whitespace, so 'Male', 'ＭＡＬＥ' and ' male ' are one alias. A closed vocabulary flags values it
does not know; an open one (loss reasons: a list that grows) keeps them without a flag.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd
import pyarrow as pa

from workbench.cleaning.text import is_arrow_text


def lookup_key(values: pd.Series) -> pd.Series:
    """The form values are compared in: NFKC, no whitespace, lower-case."""
    return (
        values.astype("str")
        .str.normalize("NFKC")
        .str.replace(r"\s+", "", regex=True)
        .str.lower()
        .mask(values.isna())
    )


def _key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


@dataclass(frozen=True)
class Vocabulary:
    """Canonical values of one column and the aliases that mean them."""

    canonical: tuple[str, ...]
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # canonical → aliases
    open: bool = False  # unknown values are kept without a flag
    _table: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_table", self._build())

    def table(self) -> dict[str, str]:
        """Lookup key → canonical value, for the canonical values and every alias."""
        return self._table

    def _build(self) -> dict[str, str]:
        out = {_key(c): c for c in self.canonical}
        for canonical, aliases in self.aliases.items():
            for alias in aliases:
                key = _key(alias)
                if out.get(key, canonical) != canonical:
                    raise ValueError(f"alias {alias!r} means both {out[key]} and {canonical}")
                out[key] = canonical
        return out


def _v(canonical: str, aliases: dict[str, str], open: bool = False) -> Vocabulary:
    """A vocabulary from space-separated words: `_v("男 女", {"男": "男性 先生 m male"})`."""
    return Vocabulary(
        tuple(canonical.split()), {c: tuple(a.split()) for c, a in aliases.items()}, open
    )


# fmt: off
CUSTOMERS: dict[str, Vocabulary] = {
    "customer_type": _v("企业 个人", {
        "企业": "公司 单位 企业客户 机构 法人 集团 b端 tob enterprise company corporate business "
              "organisation organization",
        "个人": "个体 个人客户 自然人 散户 消费者 c端 toc person individual personal consumer",
    }),
    "decision_role": _v("决策者 影响者 使用者", {
        "决策者": "决策人 拍板人 最终决策者 关键决策人 决策层 kp decision-maker decisionmaker decider",
        "影响者": "影响人 推荐者 建议者 评估者 influencer",
        "使用者": "使用人 最终用户 终端用户 用户 操作员 user enduser end-user",
    }),
    "status": _v("潜在客户 成交客户 流失客户", {
        "潜在客户": "潜客 潜在 线索客户 prospect potential",
        "成交客户": "已成交 成交 已签约 签约客户 合作客户 合作中 正式客户 customer won active",
        "流失客户": "已流失 流失 丢失客户 已丢失 churned lost",
    }),
    "size": _v("小型 中型 大型", {
        "小型": "小 小微 小微企业 微型 小型企业 small s",
        "中型": "中 中等 中型企业 medium m",
        "大型": "大 大型企业 特大型 超大型 large l",
    }),
    "gender": _v("男 女", {
        "男": "男性 先生 m male man",
        "女": "女性 女士 小姐 f female woman",
    }),
    "source_channel": _v("官网注册 展会 客户拜访 转介绍 社交媒体 第三方平台", {
        "官网注册": "官网 网站注册 官方网站 网站 官网留言 官网咨询 website web",
        "展会": "展览会 展销会 行业展会 博览会 会展 expo exhibition tradeshow",
        "客户拜访": "拜访 上门拜访 陌拜 陌生拜访 地推 销售拜访 visit",
        "转介绍": "朋友介绍 老客户介绍 客户介绍 客户推荐 熟人介绍 介绍 推荐 referral",
        "社交媒体": "抖音 微博 微信 微信公众号 公众号 视频号 小红书 快手 知乎 b站 社交平台 自媒体 "
                "socialmedia social",
        "第三方平台": "第三方 阿里巴巴 1688 天猫 京东 淘宝 电商平台 百度推广 thirdparty 3rdparty",
    }),
}

ORDERS: dict[str, Vocabulary] = {
    "payment_method": _v("对公转账 承兑汇票 微信支付 支付宝 银行卡", {
        "对公转账": "银行转账 转账 公对公 对公汇款 汇款 电汇 banktransfer t/t tt",
        "承兑汇票": "承兑 银行承兑汇票 银承 商业承兑汇票 商承 汇票",
        "微信支付": "微信 微信转账 wechat wechatpay wxpay",
        "支付宝": "支付宝转账 alipay",
        "银行卡": "刷卡 信用卡 借记卡 储蓄卡 银联 pos card 银行卡支付",
    }),
}

INTERACTIONS: dict[str, Vocabulary] = {
    "channel": _v("电话 微信 邮件 拜访 在线客服", {
        "电话": "电话沟通 电话回访 致电 来电 去电 手机 phone call tel",
        "微信": "企业微信 企微 微信沟通 微信聊天 wechat wx",
        "邮件": "电子邮件 邮箱 email e-mail mail",
        "拜访": "上门拜访 上门 面访 现场拜访 当面拜访 面谈 visit",
        "在线客服": "在线 客服 网页客服 在线咨询 智能客服 人工客服 onlinechat livechat online",
    }),
    "type": _v("咨询 投诉 表扬 售后 活动", {
        "咨询": "询问 问询 售前咨询 inquiry enquiry consult",
        "投诉": "客诉 抱怨 complaint",
        "表扬": "好评 感谢 赞扬 praise",
        "售后": "售后服务 售后支持 技术支持 维修 support after-sales",
        "活动": "市场活动 营销活动 event campaign",
    }),
    "question_type": _v("产品 价格 售后", {
        "产品": "产品问题 产品咨询 功能 product",
        "价格": "报价 询价 价格咨询 费用 price",
        "售后": "售后问题 售后服务 技术支持 after-sales",
    }),
}

REQUIREMENTS: dict[str, Vocabulary] = {
    "category": _v("产品功能优化 定制化开发 售后支持 价格优惠 培训需求 系统集成", {
        "产品功能优化": "功能优化 产品优化 功能改进 产品改进",
        "定制化开发": "定制开发 定制 二次开发 定制化",
        "售后支持": "售后 售后服务 技术支持",
        "价格优惠": "价格 优惠 折扣 降价",
        "培训需求": "培训",
        "系统集成": "集成 系统对接 接口对接 对接",
    }),
    "nature": _v("功能需求 服务需求 价格需求", {
        "功能需求": "功能 功能性需求 functional",
        "服务需求": "服务 服务类需求 service",
        "价格需求": "价格 价格类需求 price",
    }),
    "explicitness": _v("显性 隐性", {
        "显性": "显性需求 明确 明确需求 显式 explicit",
        "隐性": "隐性需求 潜在需求 隐式 潜在 implicit",
    }),
    "urgency": _v("紧急 重要 一般", {
        "紧急": "非常紧急 加急 特急 急 urgent",
        "重要": "重要不紧急 较重要 important",
        "一般": "普通 不紧急 常规 normal",
    }),
    "priority": _v("高 中 低", {
        "高": "高优先级 优先级高 p0 p1 high h",
        "中": "中等 中优先级 优先级中 p2 medium m",
        "低": "低优先级 优先级低 p3 low l",
    }),
    "status": _v("待处理 处理中 已解决 无法满足", {
        "待处理": "未处理 待办 新建 未开始 待分配 open new pending",
        "处理中": "进行中 跟进中 开发中 in-progress inprogress",
        "已解决": "已完成 完成 已处理 解决 resolved done",
        "无法满足": "不满足 拒绝 已拒绝 无法实现 不予处理 rejected",
    }),
}

OPPORTUNITIES: dict[str, Vocabulary] = {
    "stage": _v("潜在线索 意向客户 方案洽谈 成交 流失", {
        "潜在线索": "线索 新线索 潜在 初步接触 lead",
        "意向客户": "意向 有意向 意向阶段 qualified",
        "方案洽谈": "方案 洽谈 商务谈判 谈判 方案报价 报价 proposal negotiation",
        "成交": "赢单 已成交 签约 已签约 won closedwon closed-won",
        "流失": "输单 丢单 已流失 失败 lost closedlost closed-lost",
    }),
    "lost_reason": _v("价格偏高 竞品选择 需求变化 预算不足 决策延迟", {
        "价格偏高": "价格太高 价格高 太贵 报价过高 价格因素",
        "竞品选择": "选择竞品 竞品 竞品对比 选了竞品 竞争对手",
        "需求变化": "需求变更 需求取消",
        "预算不足": "没预算 无预算 预算有限",
        "决策延迟": "决策推迟 项目延期 暂缓",
    }, open=True),
}
# fmt: on

VOCABULARIES: Mapping[str, Mapping[str, Vocabulary]] = MappingProxyType({
    "customers": CUSTOMERS, "orders": ORDERS, "interactions": INTERACTIONS,
    "requirements": REQUIREMENTS, "opportunities": OPPORTUNITIES,
})  # fmt: skip


def canonical_values(values: pd.Series, vocabulary: Vocabulary) -> tuple[pd.Series, pd.Series]:
    """Map values to canonical ones (over unique values); unknown values stay as written.

    Returns (mapped values, mask of present values the vocabulary does not know).
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        return _canonical_categories(values, vocabulary)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if len(uniques) == 0:
        return values.copy(), pd.Series(False, index=values.index)
    mapped, unknown = _mapped_uniques(pd.Series(uniques, dtype="str"), codes, vocabulary)
    new_uniques = mapped.to_numpy(dtype=object)
    if is_arrow_text(values):
        out = _take(values, new_uniques, uniques, codes)
    else:
        out = pd.Series(new_uniques[codes.clip(0)], index=values.index, dtype="str")
        out = out.where(codes >= 0, values)
    return out, pd.Series(unknown, index=values.index)


def _mapped_uniques(
    uniques: pd.Series, codes: np.ndarray, vocabulary: Vocabulary
) -> tuple[pd.Series, np.ndarray]:
    """Each unique value's canonical one (itself when the vocabulary does not know it), and
    per row (`codes` into `uniques`, -1 missing) whether it is present but unknown."""
    mapped = lookup_key(uniques).map(vocabulary.table())
    known = mapped.notna().to_numpy()
    return mapped.where(mapped.notna(), uniques), (codes >= 0) & ~known[codes.clip(0)]


def _canonical_categories(values: pd.Series, vocabulary: Vocabulary) -> tuple[pd.Series, pd.Series]:
    """`canonical_values` of a categorical column (an event log's, `Table.coded`): its
    categories are mapped and its codes re-pointed, so the result stays a categorical (sorted
    categories, as the loader makes them) and no row's text is made."""
    categories = pd.Series(values.cat.categories, dtype="str")
    if len(categories) == 0:  # nothing but missing cells
        return values.rename(None), pd.Series(False, index=values.index)
    codes = values.cat.codes.to_numpy()
    new, unknown_rows = _mapped_uniques(categories, codes, vocabulary)
    unknown = pd.Series(unknown_rows, index=values.index)
    if new.equals(categories):
        return values.rename(None), unknown
    kept = pd.Index(new.unique(), dtype="str").sort_values()
    moved = kept.get_indexer(new).astype(codes.dtype)
    new_codes = np.where(codes >= 0, moved[codes.clip(0)], codes)
    dtype = pd.CategoricalDtype(kept)
    return pd.Series(pd.Categorical.from_codes(new_codes, dtype=dtype), index=values.index), unknown


def _take(values: pd.Series, new_uniques: np.ndarray, uniques, codes: np.ndarray) -> pd.Series:
    """The mapped text column, built in pyarrow (a 10M-row child column): the values themselves
    when no unique value changes, else the new unique values taken by code (missing stays)."""
    if (new_uniques == np.asarray(uniques, dtype=object)).all():
        return values.rename(None)
    taken = pa.array(new_uniques, type=pa.large_string()).take(pa.array(codes, mask=codes < 0))
    return pd.Series(taken, index=values.index, dtype="str")


def is_customer_kind(values: pd.Series, kind: str) -> pd.Series:
    """True where a customer_type value means `kind` (企业 / 个人), aliases included."""
    canonical, _ = canonical_values(values, CUSTOMERS["customer_type"])
    return canonical.eq(kind).fillna(False).astype(bool)
