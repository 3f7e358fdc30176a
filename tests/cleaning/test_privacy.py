"""PII masks: what each masker shows, what it hides, and that it never shows more (hand + hypothesis)."""

from __future__ import annotations

import re

import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from load_issue_corpus import EMAIL, ID_NUMBER, PHONE, write_load_issue_corpus

from workbench.cleaning.cache import CACHE_DIR, load_clean
from workbench.cleaning.normalise import canonical_phones
from workbench.cleaning.privacy import (
    add_masked_columns,
    display_names,
    mask_emails,
    mask_free_text,
    mask_id_numbers,
    mask_person_names,
    mask_phones,
    mask_values,
    public_view,
)
from workbench.extracts.loader import load_extracts

MASKERS = [mask_phones, mask_id_numbers, mask_emails, mask_person_names]
MISSING = [None, float("nan"), pd.NA, "", "   "]
MOBILES = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
AREAS = st.from_regex(r"0[1-9][0-9]{1,2}", fullmatch=True)
LOCALS = st.from_regex(r"[2-8][0-9]{6,7}", fullmatch=True)
EXTENSIONS = st.one_of(st.just(""), st.from_regex(r"(转|-|#)[0-9]{1,8}", fullmatch=True))
PHONEISH = st.text(alphabet="0123456789 +-()转#x*@", max_size=20)
LOCAL_PARTS = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyz0123456789._-+李娜", min_size=1, max_size=20
)
DOMAINS = st.from_regex(r"[a-z0-9-]{1,12}(\.[a-z]{2,6}){1,2}", fullmatch=True)


def masked(masker, values: list) -> list:
    """The masker over one column of `values`, missing as None (a plain list to compare)."""
    out = masker(pd.Series(values, dtype=object))
    return [None if pd.isna(v) else v for v in out]


# --- phones -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phone", "shown"),
    [("13800138000", "138****8000"), (" 13900139000 ", "139****9000"), (13800138000, "138****8000"),
     ("010-62345678", "010-****5678"), ("0755-1234567", "0755-****4567"), ("0571-87654321", "0571-****4321"),
     # the cleaner writes an extension as 转123: it is hidden, the landline keeps its shape
     ("010-62345678转123", "010-****5678"), ("010-62345678-123", "010-****5678"),
     ("010-62345678转1234567", "010-****5678"),  # phonenumbers keeps 7-digit extensions
     ("0571-87654321 # 8001", "0571-****4321"),
     # raw forms the cleaner had not settled (audit 'old' values): only the last 4 characters
     ("+86 138 0013 8000", "****8000"), ("+8613800138000", "****8000"), ("138 0013 8000", "****8000"),
     ("(010)62345678", "****5678"), ("400-820-8820", "****8820"), ("+852 2345 6789", "****6789"),
     ("13800138000/13900139000", "****9000"), ("0755-123456", "****3456")],
)  # fmt: skip
def test_mask_phones(phone, shown):
    assert masked(mask_phones, [phone]) == [shown]


@given(st.lists(MOBILES, min_size=1, max_size=5))
def test_a_masked_mobile_shows_its_first_3_and_last_4_digits_only(mobiles):
    assert masked(mask_phones, mobiles) == [m[:3] + "****" + m[-4:] for m in mobiles]


@given(AREAS, LOCALS, EXTENSIONS)
@example("0755", "1234567", "")
@example("010", "62345678", "转123")
def test_a_masked_landline_shows_its_area_code_and_last_4_digits_only(area, local, extension):
    [shown] = masked(mask_phones, [f"{area}-{local}{extension}"])
    assert shown == f"{area}-****{local[-4:]}"
    assert sum(c.isdigit() for c in shown) == len(area) + 4


@given(st.lists(st.one_of(PHONEISH, st.text(max_size=20)), min_size=1, max_size=8))
def test_a_masked_phone_never_shows_more_than_a_prefix_and_the_last_4(phones):
    for phone, shown in zip(phones, masked(mask_phones, phones), strict=True):
        text = phone.strip()
        if not text:
            assert shown is None
            continue
        head, stars, tail = shown.partition("****")
        assert stars and len(tail) <= 4 and text.endswith(tail)
        mobile = re.fullmatch(r"1\d{10}", text) and head == text[:3]
        area = re.match(r"0\d{2,3}-", text) and head == re.match(r"0\d{2,3}-", text).group()
        assert head == "" or mobile or area, (phone, shown)


@settings(deadline=None)
@given(st.lists(PHONEISH, min_size=1, max_size=8))
@example(["010-62345678转123", "+86 138 0013 8000", "(010)62345678", "0571 87654321-8001"])
@example(["1000000000#0000000"])  # → 010-00000000转0000000
def test_phones_the_cleaner_settles_mask_to_the_documented_shapes(phones):
    value, kind = canonical_phones(pd.Series(phones, dtype="str"))
    shown = mask_phones(value)
    mobile = kind == "mobile"
    landline = (kind == "landline") & value.str.startswith("0").fillna(False).astype(bool)
    assert shown[mobile].str.fullmatch(r"1\d{2}\*{4}\d{4}").all()
    assert shown[landline].str.fullmatch(r"0\d{2,3}-\*{4}\d{4}").all()


# --- ID numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("id_number", "shown"),
    [("110101199003071234", "**************1234"), ("11010119900307123X", "**************123X"),
     (" 110101199003071234 ", "**************1234"), (110101199003071234, "**************1234"),
     ("110101900307123", "**************7123"),  # 15-digit ID: 14 stars all the same, length hidden
     ("C20230105001", "**************5001")],
)  # fmt: skip
def test_mask_id_numbers(id_number, shown):
    assert masked(mask_id_numbers, [id_number]) == [shown]


@given(
    st.lists(st.from_regex(r"[0-9]{15}|[0-9]{17}[0-9X]", fullmatch=True), min_size=1, max_size=5)
)
def test_a_masked_id_number_shows_its_last_4_characters_only(ids):
    for id_number, shown in zip(ids, masked(mask_id_numbers, ids), strict=True):
        assert shown == "*" * 14 + id_number[-4:]
        hidden = id_number[:-4]
        assert not any(hidden[i : i + 5] in shown for i in range(len(hidden) - 4))


@given(st.lists(st.text(min_size=1, max_size=25), min_size=1, max_size=5))
def test_any_masked_identifier_is_14_stars_and_at_most_its_last_4_characters(ids):
    for id_number, shown in zip(ids, masked(mask_id_numbers, ids), strict=True):
        text = id_number.strip()
        assert shown == ("*" * 14 + text[-4:] if text else None)


# --- e-mails ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "shown"),
    [("li.na@example.com", "l***@example.com"), ("x@y.cn", "x***@y.cn"),
     (" Li.Na@Example.com ", "L***@Example.com"), ("张三@例子.中国", "张***@例子.中国"),
     ("@example.com", "***@example.com"), ("li.na", "***"), ("li.na@", "***"),
     ("a@b@c.com", "a***@c.com"),  # the domain is what follows the last @
     # two addresses in one cell: the second local part must not show as "domain"
     ("li.na@example.com; wang.wu@example.com", "l***@example.com"),
     ("li.na@example.com, wang.wu", "***"), ("李娜 <li.na@example.com>", "***")],
)  # fmt: skip
def test_mask_emails(email, shown):
    assert masked(mask_emails, [email]) == [shown]


@given(st.lists(st.tuples(LOCAL_PARTS, DOMAINS), min_size=1, max_size=5))
def test_a_masked_email_shows_the_first_character_and_the_domain_only(addresses):
    emails = [f"{local}@{domain}" for local, domain in addresses]
    assert masked(mask_emails, emails) == [f"{local[0]}***@{domain}" for local, domain in addresses]


@given(st.lists(st.text(alphabet="ab.@ ;,<>李x", max_size=20) | st.text(max_size=20), max_size=8))
def test_a_masked_email_never_shows_more_of_the_local_part(emails):
    for email, shown in zip(emails, masked(mask_emails, emails), strict=True):
        text = email.strip()
        if not text:
            assert shown is None
        elif shown != "***":
            first, domain = re.fullmatch(r"(?s)(.?)\*\*\*@([^@]+)", shown).groups()
            assert text.startswith(first) and text.endswith("@" + domain)


# --- person names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "shown"),
    [("张三丰", "张**"), ("李娜", "李*"), ("张", "张"), ("欧阳娜娜", "欧***"), ("李 四", "李**"),
     ("Li Na", "L****"), (" 王五 ", "王*"), ("张三\n丰", "张***")],  # a quoted CSV cell may hold a newline
)  # fmt: skip
def test_mask_person_names(name, shown):
    assert masked(mask_person_names, [name]) == [shown]


@given(st.lists(st.text(max_size=12), min_size=1, max_size=8))
def test_a_masked_name_shows_its_first_character_only(names):
    for name, shown in zip(names, masked(mask_person_names, names), strict=True):
        text = name.strip()
        assert shown == (text[0] + "*" * (len(text) - 1) if text else None)


# --- missing values, columns and routing -------------------------------------------------------


@pytest.mark.parametrize("masker", MASKERS)
def test_missing_values_stay_missing(masker):
    assert masked(masker, MISSING) == [None] * len(MISSING)
    for dtype in (object, "str"):
        assert masker(pd.Series([], dtype=dtype)).empty
        out = masker(pd.Series([None, None], index=[7, 3], dtype=dtype))
        assert out.isna().all() and out.index.tolist() == [7, 3]


def test_masked_columns_for_a_column_nobody_filled():
    customers = pd.DataFrame(
        {"phone": ["13800138000", None], "id_number": [None, None], "email": [None, None]}
    )
    out = public_view(add_masked_columns(customers))
    assert list(out.columns) == ["phone_masked", "id_number_masked", "email_masked"]
    assert out["phone_masked"].tolist()[0] == "138****8000"
    assert out[["id_number_masked", "email_masked"]].isna().all().all()


def test_mask_values_masks_each_value_by_its_field():
    values = pd.Series(["13800138000", "110101199003071234", "li.na@example.com", "华东"])
    fields = pd.Series(["phone", "id_number", "email", "region"])
    assert mask_values(values, fields).tolist() == [
        "138****8000", "**************1234", "l***@example.com", "华东"
    ]  # fmt: skip


def test_display_names_mask_individuals_not_enterprises():
    customers = pd.DataFrame(
        {"name": ["杭州云帆科技有限公司", "李娜"], "customer_type": ["企业", "个人"]}
    )
    assert display_names(customers).tolist() == ["杭州云帆科技有限公司", "李*"]


FREE_TEXT = [  # (a cell the loader noted, as the cache keeps it)
    ("13998765432", "*******5432"),  # a phone typed into a date column
    ("11010519491231002X", "**************002X"),  # an ID number typed into an age
    ('=HYPERLINK("mailto:zhouli@qq.com")', '=HYPERLINK("mailto:z***@qq.com")'),
    ("139-9876-5432", "***-****-5432"),
    ("138 0013 8000 转 12", "*** **** 8000 转 12"),
    ("010-62345678", "***-****5678"),
    ("电话62345678", "电话****5678"),  # a landline without its area code
    ("a@b.cn; 王@c.com", "a***@b.cn; 王***@c.com"),
    ("2024/02/30", "2024/02/30"),  # dates, amounts, formulas and words stay readable
    ("2024-13-45", "2024-13-45"),
    ("1234.50", "1234.50"),
    ("=2024-1985", "=2024-1985"),
    ("去年春天", "去年春天"),
    (None, None),
]


def test_mask_free_text_masks_phones_id_numbers_and_emails_wherever_they_are():
    cells, shown = zip(*FREE_TEXT, strict=True)
    for dtype in (object, "str"):
        assert masked(mask_free_text, list(cells)) == list(shown)
        out = mask_free_text(pd.Series(cells, index=range(10, 24), dtype=dtype))
        assert out.index.tolist() == list(range(10, 24))


@settings(max_examples=200, deadline=None)
@given(
    before=st.text(alphabet='ab 年:=("', max_size=6),
    number=st.one_of(MOBILES, st.from_regex(r"[1-6][0-9]{16}[0-9X]", fullmatch=True)),
    after=st.text(alphabet='ab 年:)"', max_size=6),
)
def test_mask_free_text_never_shows_a_phone_or_id_number_inside_text(before, number, after):
    shown = masked(mask_free_text, [before + number + after])[0]
    assert number not in shown and number[:-4] not in shown
    assert shown.endswith(number[-4:] + after)  # the last 4, to tell numbers apart at the source


def test_the_cache_keeps_no_raw_cell_of_the_loaders_issues(tmp_path):
    """The loader's issues keep the cells it noted, in any column: a phone typed into a date, an
    ID number into an age, an e-mail inside a formula. The cache (the redacted result) masks them."""
    folder = write_load_issue_corpus(tmp_path / "data")
    fresh = load_clean(folder)
    assert load_extracts(folder).issues["value"].isin([PHONE, ID_NUMBER]).sum() == 2  # in memory
    cached = load_clean(folder)  # read back from the cache
    for result in (fresh, cached):
        values = result.issues["value"].dropna().tolist()
        assert {"*******5432", "**************002X", '=HYPERLINK("mailto:z***@qq.com")'} <= set(
            values
        )
        assert not [v for v in values if any(s in v for s in (PHONE, ID_NUMBER, EMAIL))]
    for file in (folder / CACHE_DIR).rglob("*.parquet"):
        text = [str(v) for v in pq.read_table(file).to_pandas().to_numpy().ravel()]
        assert not [v for v in text if any(s in v for s in (PHONE, ID_NUMBER, EMAIL))], file
