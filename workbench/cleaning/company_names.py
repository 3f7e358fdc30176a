"""Chinese company names taken apart for matching: place, 字号 (brand), trade, legal form, branch.

A registered name reads [place] + 字号 + [trade] + legal form (上海 + 恒泰 + 物流 + 有限公司), the
place sometimes in brackets after the brand (宏达贸易（上海）有限公司) and a branch at the end
(…有限公司北京分公司). `company_parts` normalises every name first — NFKC (full-width letters,
brackets and spaces to half-width), traditional characters to simplified with OpenCC's
dictionaries (長江咨詢 → 长江咨询), lower case, spaces and punctuation removed — then returns:

- ``core``: the name without place, legal form and branch (恒泰物流);
- ``brand``: the core without its trailing trade words (恒泰), or the core when no trade word
  ends it; ``trade``: those trade words (物流), missing when there are none;
- ``name_city`` / ``name_province``: a place the name itself states (prefix or brackets);
- ``branch``: the branch part (北京分公司), missing for a head office.

Trade words are data (`TRADE_WORDS`); two trades agree when the words of one, generic words
such as 国际 or 发展 left out, are all among the other's (网络科技 ~ 科技, but 科技 ≁ 贸易).
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.cleaning.text import arrow_text, nfkc
from workbench.core.geography import CITY_PROVINCE, PROVINCE_REGION, short_province

# Cities whose names open company names. Prefecture cities whose names are also common trade
# names (安阳, 信阳, 德阳, 安康 …) are left out on purpose: stripping them would eat the name.
_MAJOR_CITY_NAMES = """
    北京 上海 天津 重庆 石家庄 唐山 保定 邯郸 廊坊 沧州 太原 大同 呼和浩特 包头 鄂尔多斯 沈阳 大连 鞍山 抚顺 长春 吉林 哈尔滨 大庆 齐齐哈尔 南京 苏州 无锡 常州 南通 徐州 扬州 镇江 杭州
    宁波 温州 嘉兴 绍兴 金华 台州 湖州 合肥 芜湖 蚌埠 福州 厦门 泉州 漳州 南昌 九江 赣州 济南 青岛
    烟台 潍坊 淄博 临沂 济宁 郑州 洛阳 开封 新乡 南阳 武汉 宜昌 襄阳 荆州 长沙 株洲 湘潭 衡阳 岳阳
    广州 深圳 佛山 东莞 珠海 中山 惠州 汕头 江门 湛江 南宁 柳州 桂林 海口 三亚 成都 绵阳 宜宾 贵阳
    遵义 昆明 曲靖 拉萨 西安 宝鸡 咸阳 榆林 兰州 天水 西宁 银川 乌鲁木齐 克拉玛依 喀什 香港 澳门
    台北 昆山 江阴 张家港 常熟 义乌 慈溪 余姚 晋江 石狮 顺德 番禺"""
MAJOR_CITIES: tuple[str, ...] = tuple(_MAJOR_CITY_NAMES.split())

# Words that end the core of a name and say its trade (行业), longest first when matched.
# Generic ones (GENERIC_TRADE) are ignored when two trades are compared.
_TRADE_WORDS = """
    科技 技术 信息 信息技术 网络 软件 电子 电器 电气 通信 通讯 数据 数字 智能 数码 互联网 计算机
    系统 自动化 集成 云计算 大数据 人工智能 半导体 微电子 光电 光学 激光 仪器 仪表 测控 检测
    贸易 商贸 进出口 外贸 商务 商业 实业 投资 控股 资本 金融 金服 保险 证券 基金 担保 租赁
    融资租赁 资产管理 典当 小额贷款 银行 信托 期货
    物流 运输 货运 快运 快递 供应链 仓储 航运 海运 船务 货代 国际货运代理 冷链 速运 配送
    咨询 管理 企业管理 顾问 财务 会计 税务 法律 人力资源 劳务 外包 服务 策划 营销 会展 商务咨询
    建设 建筑 建工 工程 建设工程 路桥 路桥工程 市政 建材 装饰 装修 设计 规划 房地产 置业 地产
    物业 园林 绿化 监理 勘察 测绘 安装 钢结构 幕墙 水利 水电
    制造 机械 设备 装备 动力 动力设备 泵阀 精密 五金 模具 机电 液压 轴承 电机 汽车 车业 汽配
    汽车配件 汽车零部件 配件 医械 零部件 材料 新材料 化工 化学 塑料 橡胶 塑胶 钢铁 金属 有色 冶金 铸造
    能源 新能源 电力 光伏 风电 环保 环境 节能 水务 燃气 石油 石化 矿业 煤业
    医药 医疗 生物 生物医药 健康 药业 制药 器械 医疗器械 医药科技 基因 诊断 卫生
    食品 餐饮 饮料 饮品 酒业 农业 农牧 牧业 渔业 养殖 种业 茶业 粮油 果业 生鲜
    服饰 服装 纺织 鞋业 家居 家具 家纺 日用品 日化 化妆品 百货 超市 连锁 零售 电商 电子商务
    文化 传媒 文化传媒 广告 影视 娱乐 教育 培训 旅游 旅行社 酒店 体育 游戏 动漫 出版 艺术
    印刷 包装 纸业 玩具 礼品 工艺品 珠宝 眼镜 钟表 家电 照明 灯饰
    发展 国际 中国 集团 股份 产业 实业发展 工贸 经贸 企业 创新 研发 开发 应用 工业 产品
    厂 店 商行 商店 门市部 经营部 工作室 事务所 研究所 研究院 设计院 合作社 中心 医院 诊所
    学校 俱乐部 协会 商会 药房 药店"""
TRADE_WORDS: frozenset[str] = frozenset(_TRADE_WORDS.split())
_GENERIC_TRADE = (
    "发展 国际 中国 集团 股份 产业 实业 实业发展 企业 创新 研发 开发 应用 工业 产品 服务"
)
GENERIC_TRADE: frozenset[str] = frozenset(_GENERIC_TRADE.split())
# Shortened trade words and what they stand for.
TRADE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "汽配": ("汽车", "配件"), "建工": ("建筑", "工程"), "电商": ("电子", "商务"),
    "医械": ("医疗", "器械"), "外贸": ("贸易",), "商贸": ("商务", "贸易"),
}  # fmt: skip
# Legal forms at the end of a name, in any combination (集团有限公司, 股份有限公司 …).
_LEGAL_FORMS = (
    "股份有限公司|有限责任公司|集团有限公司|有限公司|股份公司|责任公司|总公司|集团|公司"
    "|有限合伙|普通合伙|合伙企业|个人独资企业|独资企业"
)
_LEGAL_SUFFIX = f"(?:{_LEGAL_FORMS})+$"
_BRANCH_WORDS = "分公司|分厂|分店|分行|支行|办事处|营业部|分部|分中心|分所"
_BRACKETED = r"[(\[【〔][^)\]】〕]*[)\]】〕]"
_BRACKET_INNER = r"[(\[【〔](?P<inner>[^)\]】〕]*)[)\]】〕]"
# Patterns avoid \s, \W, \d and lookarounds: they run in pyarrow (RE2) over whole columns.
_NOT_NAME_CHAR = "[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+"  # all but ASCII alnum and CJK
_PLACE_WORD_END = ("省", "市", "区", "县", "镇", "乡", "旗", "州")
_MIN_CORE = 2  # a place prefix is stripped only if at least this much name remains


def _alternation(names: list[str]) -> str:
    return "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))


def _place_tables() -> tuple[dict[str, str], dict[str, str]]:
    """Every written form of a province and of a major city → its short form.

    Municipalities and SARs (北京市, 香港特别行政区) count as cities, not provinces.
    """
    municipal = [p for p in PROVINCE_REGION if p.endswith(("市", "特别行政区"))]
    provinces = {p: short_province(p) for p in PROVINCE_REGION if p not in municipal}
    provinces |= {short: short for short in provinces.values()}
    cities = {c: c for c in MAJOR_CITIES} | {c + "市": c for c in MAJOR_CITIES}
    cities |= {p: short_province(p) for p in municipal}
    return provinces, cities


PROVINCE_FORMS, CITY_FORMS = _place_tables()
_KNOWN_PLACES = frozenset(PROVINCE_FORMS) | frozenset(CITY_FORMS) | frozenset(CITY_PROVINCE)
# A short province name that is also a city's (吉林) is read as the city.
_PROVINCE_PREFIXES = frozenset(form for form in PROVINCE_FORMS if form not in CITY_FORMS)
_TRADE_ALT = _alternation(list(TRADE_WORDS))
_BRAND_TRADE = f"^(?P<brand>.{{{_MIN_CORE},}}?)(?P<trade>(?:{_TRADE_ALT})+)$"
_BRANCH = f"^(?P<head>.+?)(?P<branch>(?:{_alternation(list(CITY_FORMS))})?(?:{_BRANCH_WORDS}))$"


def to_simplified(values: pd.Series) -> pd.Series:
    """Traditional characters to simplified (OpenCC t2s: 長江咨詢 → 长江咨询); missing stays.

    Only values holding a character OpenCC changes are converted: each distinct one once, all
    of them in one OpenCC call.
    """
    text = values.astype("str")
    rows = text.str.contains(f"[{''.join(_traditional())}]", regex=True).fillna(False)
    rows = rows.astype(bool)
    if not rows.any():
        return text
    unique = pd.unique(text[rows])
    converted = _convert([str(v) for v in unique])
    out = text.copy()
    out[rows] = text[rows].map(dict(zip(unique, converted, strict=True)))
    return out.astype("str")


@cache
def _opencc():
    import opencc

    return opencc.OpenCC("t2s")


def _convert(texts: list[str]) -> list[str]:
    """OpenCC t2s over many texts in one call (joined by line breaks, which it keeps)."""
    flat = [t.replace("\n", " ") for t in texts]
    converted = _opencc().convert("\n".join(flat)).split("\n")
    if len(converted) != len(flat):  # never seen; convert one by one rather than misalign
        converted = [_opencc().convert(t) for t in flat]
    return converted


@cache
def _traditional() -> frozenset[str]:
    """The CJK characters OpenCC's t2s changes on their own (長, 詢, 臺 …)."""
    chars = [chr(c) for c in (*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000))]
    return frozenset(c for c, s in zip(chars, _convert(chars), strict=True) if c != s)


def normal_text(values: pd.Series) -> pd.Series:
    """NFKC, simplified characters, lower case, trimmed: how names are compared."""
    text = nfkc(values.astype("str")).str.strip()
    return to_simplified(text.mask(text.eq(""))).str.lower()


def company_parts(names: pd.Series, normalised: bool = False) -> pd.DataFrame:
    """Core, brand, trade, name_city, name_province and branch of each company name
    (`normalised`: the names already went through `normal_text`).

    Missing parts are missing; see the module docstring for what each part is.
    """
    text = names.astype("str") if normalised else normal_text(names)
    bracket = extract_groups(text, _BRACKET_INNER)["inner"]
    bracket = bracket.str.replace(_NOT_NAME_CHAR, "", regex=True)
    text = text.str.replace(_BRACKETED, "", regex=True).str.replace(_NOT_NAME_CHAR, "", regex=True)
    branched = extract_groups(text, _BRANCH)
    has_branch = branched["head"].str.len().ge(_MIN_CORE)
    branch = branched["branch"].where(has_branch)
    text = branched["head"].where(has_branch, text)
    text = text.str.replace(_LEGAL_SUFFIX, "", regex=True)
    parts = _place_prefix(text)
    stripped = parts["rest"].str.replace(_LEGAL_SUFFIX, "", regex=True)
    keep = stripped.str.len().ge(_MIN_CORE)
    core = stripped.where(keep, text)
    core = core.where(core.str.len().gt(0))
    province = parts["province"].map(PROVINCE_FORMS).where(keep)
    city = parts["city"].map(CITY_FORMS).where(keep)
    split = _extract_unique(core, _BRAND_TRADE)
    bracket_city = bracket.map(CITY_FORMS)
    bracket_province = bracket.map(PROVINCE_FORMS)
    return pd.DataFrame(
        {
            "core": core,
            "brand": split["brand"].fillna(core),
            "trade": split["trade"],
            "name_city": city.fillna(bracket_city),
            "name_province": province.fillna(bracket_province),
            "branch": branch,
        },
        index=names.index,
    ).astype("str")


def _place_prefix(text: pd.Series) -> pd.DataFrame:
    """The place a name opens with: the longest province form that starts it, the longest city
    form after that, the rest; by look-ups of prefixes in pyarrow (a regex of the two long
    alternations cost more in RE2 than every other step of `company_parts`)."""
    array = pa.Array.from_pandas(text.astype("str"), type=pa.large_string())
    province = _prefix_size(array, _PROVINCE_PREFIXES)
    after = _cut(array, province, keep_head=False)
    city = _prefix_size(after, frozenset(CITY_FORMS))
    rest = _cut(after, city, keep_head=False)
    parts = {
        "province": _cut(array, province, keep_head=True),
        "city": _cut(after, city, keep_head=True),
        "rest": pc.if_else(pc.equal(rest, ""), pa.scalar(None, rest.type), rest),
    }
    return pd.DataFrame(
        {name: pd.Series(part, index=text.index, dtype="str") for name, part in parts.items()}
    )


def _prefix_size(text: pa.Array, forms: frozenset[str]) -> np.ndarray:
    """Characters of the longest of `forms` each text starts with; 0 where none. Only texts
    opening with the first two characters of a form (every form has two or more) are looked at."""
    found = np.zeros(len(text), dtype=np.int64)
    openings = pa.array(sorted({form[:2] for form in forms}), type=text.type)
    head = pc.utf8_slice_codeunits(text, 0, 2)
    rows = np.flatnonzero(pc.is_in(head, value_set=openings).to_numpy(zero_copy_only=False))
    if not len(rows):
        return found
    text = text.take(pa.array(rows))
    values = pa.array(sorted(forms), type=text.type)
    size = np.zeros(len(rows), dtype=np.int64)
    for n in sorted({len(form) for form in forms}, reverse=True):
        head = pc.utf8_slice_codeunits(text, 0, n)
        hit = pc.is_in(head, value_set=values).to_numpy(zero_copy_only=False)
        length = pc.utf8_length(head).to_numpy(zero_copy_only=False)
        size = np.where((size == 0) & hit, length, size)
    found[rows] = size
    return found


def _cut(text: pa.Array, size: np.ndarray, keep_head: bool) -> pa.Array:
    """Each text's first `size` characters (`keep_head`; missing where size is 0), or the text
    with them cut off."""
    out = pa.nulls(len(text), text.type) if keep_head else text
    for n in np.unique(size[size > 0]).tolist():
        start, stop = (0, n) if keep_head else (n, None)
        out = pc.if_else(pa.array(size == n), pc.utf8_slice_codeunits(text, start, stop), out)
    return out


def _extract_unique(text: pd.Series, pattern: str) -> pd.DataFrame:
    """`extract_groups` over the distinct values only (cores repeat: 字号 × trade), mapped back."""
    codes, unique = pd.factorize(text)  # missing → -1
    found = extract_groups(pd.Series(unique, dtype="str"), pattern)
    rows = pa.array(codes, mask=codes < 0)  # a missing text takes a missing part
    out = {
        column: pd.Series(arrow_text(found[column]).take(rows), index=text.index, dtype="str")
        for column in found.columns
    }
    return pd.DataFrame(out, index=text.index)


def extract_groups(text: pd.Series, pattern: str) -> pd.DataFrame:
    """The named groups of `pattern` (RE2) per value, missing where it does not match or a group
    matched nothing; vectorised in pyarrow (pandas' str.extract runs Python's re per row)."""
    array = pa.Array.from_pandas(text.astype("str"), type=pa.large_string())
    struct = pc.extract_regex(array, pattern)
    names = [struct.type.field(k).name for k in range(struct.type.num_fields)]
    out = {}
    for name, field in zip(names, struct.flatten(), strict=True):
        values = pd.Series(field, index=text.index, dtype="str")  # no round trip through objects
        out[name] = values.mask(values.eq(""))
    return pd.DataFrame(out, index=text.index)


def looks_like_company(names: pd.Series, normalised: bool = False) -> pd.Series:
    """True where a name carries a legal form, a branch or (4 characters or more) a trade word.

    Person names are 2–4 characters and rarely end in a trade word, so 王建设 stays a person.
    """
    text = names.astype("str") if normalised else normal_text(names)
    text = text.str.replace(_BRACKETED, "", regex=True)
    text = text.str.replace(_NOT_NAME_CHAR, "", regex=True)
    legal = text.str.contains(f"(?:{_LEGAL_FORMS}|{_BRANCH_WORDS})$", regex=True)
    trade = text.str.contains(f"(?:{_TRADE_ALT})$", regex=True) & text.str.len().ge(4)
    return (legal.fillna(False) | trade.fillna(False)).astype(bool)


@cache
def trade_heads(trade: str) -> frozenset[str]:
    """The trade words of a trade part in their finest split, shortened forms spelled out and
    generic words left out (国际物流 → {物流}; 建设工程 → {建设, 工程}; 汽配 → {汽车, 配件})."""
    best: list[list[str] | None] = [[]] + [None] * len(trade)  # finest split of trade[:k]
    for end in range(1, len(trade) + 1):
        for start in range(end):
            word, head = trade[start:end], best[start]
            finer = head is not None and (best[end] is None or len(head) + 1 > len(best[end]))
            if finer and word in TRADE_WORDS:
                best[end] = [*head, word]
    if best[-1] is None:  # not made of trade words (cannot happen for parts from company_parts)
        return frozenset({trade})
    words = [w for word in best[-1] for w in TRADE_SYNONYMS.get(word, (word,))]
    return frozenset(words) - GENERIC_TRADE


@cache
def trades_agree(a: str, b: str) -> bool:
    """Two trade parts name one trade: the words of one are all among the other's."""
    ha, hb = trade_heads(a), trade_heads(b)
    return ha <= hb or hb <= ha


def is_place(text: str) -> bool:
    """A province, city, county or district name (义乌, 浦东新区, 海淀区 …)."""
    return text in _KNOWN_PLACES or (len(text) >= 2 and text.endswith(_PLACE_WORD_END))
