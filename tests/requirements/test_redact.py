"""Contact details inside requirement descriptions, as people type them, never reach a report."""

import pandas as pd
import pytest

from workbench.requirements.prepare import redact


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("请致电 +86 139-8765-4321 联系", "请致电 **** 联系"),
        ("手机186 2468 1357", "手机****"),
        ("0086 13987654321", "****"),
        ("座机(021)62345678转8001", "座机****转8001"),
        ("电话0571-8888 6666", "电话****"),
        ("身份证110101199003071234", "身份证****"),
        ("证件 110101 19900307 123X", "证件 ****"),
        ("邮箱 zhang.san@example.com.cn 或电话", "邮箱 **** 或电话"),
    ],
)
def test_phones_ids_and_emails_written_with_separators_are_masked(text, shown):
    assert redact(pd.Series([text])).iloc[0] == shown


@pytest.mark.parametrize(
    "text",
    ["订单SO2024110500123金额120000元", "2024-11-05 交付", "合同号 HT-2024-0012",
     "预算 3000000 元", "数量 1000 台，单价 12500"],
)  # fmt: skip
def test_order_numbers_dates_and_amounts_are_left_alone(text):
    assert redact(pd.Series([text])).iloc[0] == text
