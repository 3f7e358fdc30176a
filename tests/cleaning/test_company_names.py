"""Company names taken apart: normalisation (NFKC, OpenCC t2s), place, brand, trade, branch."""

from __future__ import annotations

import pandas as pd

from workbench.cleaning.company_names import (
    company_parts,
    is_place,
    looks_like_company,
    to_simplified,
    trade_heads,
    trades_agree,
)


def test_traditional_to_simplified_with_opencc() -> None:
    names = pd.Series(["長江咨詢", "臺州海峽貿易", "华为", None, "溫州東方鞋業"])
    out = to_simplified(names)
    assert out.tolist()[:3] == ["长江咨询", "台州海峡贸易", "华为"]
    assert pd.isna(out[3]) and out[4] == "温州东方鞋业"


def test_parts_of_real_world_variants() -> None:
    names = pd.Series(
        ["宏达贸易(上海)有限公司", "上海　宏达 贸易有限责任公司", "長江咨詢有限公司",
         "恒泰物流有限公司北京分公司", "恒泰（集团）股份有限公司", "北京市海淀区博远信息技术有限公司",
         "吉林恒泰科技有限公司", "恒泰"]
    )  # fmt: skip
    parts = company_parts(names)
    assert parts["core"].tolist() == ["宏达贸易", "宏达贸易", "长江咨询", "恒泰物流", "恒泰",
                                      "海淀区博远信息技术", "恒泰科技", "恒泰"]  # fmt: skip
    assert parts["brand"].tolist() == ["宏达", "宏达", "长江", "恒泰", "恒泰", "海淀区博远", "恒泰",
                                       "恒泰"]  # fmt: skip
    assert parts["trade"].tolist()[:4] == ["贸易", "贸易", "咨询", "物流"]
    assert parts["name_city"].tolist()[:2] == ["上海", "上海"]
    assert parts.at[6, "name_city"] == "吉林"  # 吉林 before a company is read as the city
    assert parts.at[3, "branch"] == "北京分公司" and parts["branch"].isna().sum() == 7
    assert parts.iloc[7][["trade", "name_city"]].isna().all()


def test_trades_agree_when_one_is_part_of_the_other() -> None:
    assert trade_heads("建设工程") == {"建设", "工程"}
    assert trade_heads("国际物流") == {"物流"}  # 国际 is generic
    assert trade_heads("汽配") == trade_heads("汽车配件")
    assert trades_agree("网络科技", "科技") and trades_agree("建设", "建设工程")
    assert not trades_agree("科技", "贸易") and not trades_agree("生物科技", "生物医药")
    assert not trades_agree("电子", "电气")


def test_what_looks_like_a_company_or_a_place() -> None:
    names = pd.Series(
        ["恒泰物流有限公司", "恒泰物流", "王建设", "李娜", "顺达物流北京分公司", None]
    )
    assert looks_like_company(names).tolist() == [True, True, False, False, True, False]
    assert is_place("义乌") and is_place("海淀区") and is_place("浦东新区")
    assert not is_place("广发") and not is_place("恒")
