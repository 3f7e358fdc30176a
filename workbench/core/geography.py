"""Provinces of China and the seven sales regions they are grouped into."""

from __future__ import annotations

import pandas as pd

PROVINCE_REGION: dict[str, str] = {
    "上海市": "华东", "江苏省": "华东", "浙江省": "华东", "安徽省": "华东",
    "福建省": "华东", "江西省": "华东", "山东省": "华东", "台湾省": "华东",
    "广东省": "华南", "广西壮族自治区": "华南", "海南省": "华南",
    "香港特别行政区": "华南", "澳门特别行政区": "华南",
    "北京市": "华北", "天津市": "华北", "河北省": "华北", "山西省": "华北",
    "内蒙古自治区": "华北",
    "河南省": "华中", "湖北省": "华中", "湖南省": "华中",
    "重庆市": "西南", "四川省": "西南", "贵州省": "西南", "云南省": "西南",
    "西藏自治区": "西南",
    "陕西省": "西北", "甘肃省": "西北", "青海省": "西北", "宁夏回族自治区": "西北",
    "新疆维吾尔自治区": "西北",
    "辽宁省": "东北", "吉林省": "东北", "黑龙江省": "东北",
}  # fmt: skip

_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")


def short_province(name: str) -> str:
    """浙江省 → 浙江, 广西壮族自治区 → 广西: the form people type."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


_BY_SHORT = {short_province(p): p for p in PROVINCE_REGION}


def canonical_province(value: object) -> str | None:
    """The full official province name for 浙江 / 浙江省 / ' 浙江省 ', else None."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text in PROVINCE_REGION:
        return text
    return _BY_SHORT.get(short_province(text))


def region_of_provinces(provinces: pd.Series) -> pd.Series:
    """Region (华东 …) for each province name, <NA> where the province is unknown."""
    full = provinces.map(canonical_province, na_action="ignore")
    return full.map(PROVINCE_REGION).astype("string")


# Provincial capitals, sub-provincial and the larger prefecture-level cities → province.
_CITIES_BY_PROVINCE = {
    "北京市": "北京", "天津市": "天津", "上海市": "上海", "重庆市": "重庆",
    "河北省": "石家庄 唐山 保定 廊坊 邯郸 秦皇岛 沧州 邢台 张家口 承德 衡水",
    "山西省": "太原 大同 运城 长治 临汾 晋中 阳泉", "内蒙古自治区": "呼和浩特 包头 鄂尔多斯 赤峰 通辽",
    "辽宁省": "沈阳 大连 鞍山 抚顺 锦州 营口 丹东", "吉林省": "长春 吉林 四平 延吉 松原",
    "黑龙江省": "哈尔滨 齐齐哈尔 大庆 牡丹江 佳木斯",
    "江苏省": "南京 苏州 无锡 常州 南通 徐州 扬州 镇江 泰州 盐城 淮安 连云港 宿迁 昆山 江阴",
    "浙江省": "杭州 宁波 温州 绍兴 嘉兴 金华 台州 湖州 丽水 衢州 舟山 义乌",
    "安徽省": "合肥 芜湖 蚌埠 马鞍山 安庆 阜阳 滁州", "福建省": "福州 厦门 泉州 漳州 莆田 龙岩 三明",
    "江西省": "南昌 赣州 九江 上饶 宜春 景德镇", "山东省": "济南 青岛 烟台 潍坊 临沂 淄博 济宁 威海 泰安 日照 德州 聊城",
    "河南省": "郑州 洛阳 南阳 新乡 开封 许昌 安阳 商丘", "湖北省": "武汉 宜昌 襄阳 荆州 黄石 十堰 孝感",
    "湖南省": "长沙 株洲 湘潭 衡阳 岳阳 常德 郴州", "广东省": "广州 深圳 东莞 佛山 珠海 中山 惠州 汕头 江门 湛江 肇庆 茂名 清远 揭阳",
    "广西壮族自治区": "南宁 柳州 桂林 北海 玉林 梧州", "海南省": "海口 三亚",
    "四川省": "成都 绵阳 德阳 宜宾 泸州 南充 乐山", "贵州省": "贵阳 遵义 六盘水 安顺",
    "云南省": "昆明 曲靖 大理 玉溪 丽江", "西藏自治区": "拉萨 日喀则",
    "陕西省": "西安 宝鸡 咸阳 榆林 渭南 汉中", "甘肃省": "兰州 天水 酒泉 嘉峪关",
    "青海省": "西宁 海东", "宁夏回族自治区": "银川 石嘴山 吴忠", "新疆维吾尔自治区": "乌鲁木齐 克拉玛依 喀什 伊宁",
    "香港特别行政区": "香港", "澳门特别行政区": "澳门",
}  # fmt: skip
CITY_PROVINCE: dict[str, str] = {
    city: province for province, cities in _CITIES_BY_PROVINCE.items() for city in cities.split()
}
_PREFIXES = sorted(
    [(p, p) for p in PROVINCE_REGION] + [(short_province(p), p) for p in PROVINCE_REGION]
    + [(c, p) for c, p in CITY_PROVINCE.items()],
    key=lambda pair: -len(pair[0]),
)  # fmt: skip


def province_of_place(value: object) -> str | None:
    """The province of a province, city or address (北京市朝阳区, 杭州市, 深圳) — else None."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = "".join(value.split())
    found = canonical_province(text)
    if found:
        return found
    for prefix, province in _PREFIXES:
        if text.startswith(prefix):
            return province
    return None
