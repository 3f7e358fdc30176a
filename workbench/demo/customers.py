"""The customer base: who the customers are, where, since when, and their master-data fields.

Acquisition grows per region at its own yearly rate (华东 fastest, +25 % a year), so new
customers per region and year carry the growth signal the trend analyses look for.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.demo import vocab
from workbench.demo.dates import NO_DATE, compact, day_number, ymd
from workbench.demo.draw import (
    categorical,
    categorical_rows,
    concat,
    digits,
    pick,
    pick_within,
    zero_pad,
)
from workbench.demo.identity import (
    make_id_numbers,
    make_landlines,
    make_mobiles,
    make_uscc,
    redraw_duplicates,
)
from workbench.demo.places import FIRST_BIRTH_YEAR, LAST_BIRTH_YEAR, Places
from workbench.extracts.schema import REGIONS

ENTERPRISE_SHARE = 0.7
# Yearly growth factor of new customers per region (华东 2024 vs 2023: +25 %).
REGION_GROWTH: dict[str, float] = {
    "华东": 1.25, "华南": 1.08, "华北": 1.06, "华中": 1.10, "西南": 1.08, "西北": 1.04,
    "东北": 1.02,
}  # fmt: skip
ALL_OWNERS: tuple[str, ...] = tuple(o for r in REGIONS for o in vocab.OWNERS[r])
OWNER_OFFSET = np.cumsum([0] + [len(vocab.OWNERS[r]) for r in REGIONS])[:-1]
OWNER_COUNT = np.array([len(vocab.OWNERS[r]) for r in REGIONS])
LANDLINE_SHARE_ENTERPRISE = 0.18
LANDLINE_SHARE_PERSON = 0.08


@dataclass
class CustomerBase:
    """Latent attributes (numpy) and written master-data columns (object arrays) per customer."""

    n: int
    enterprise: np.ndarray
    region: np.ndarray
    region_idx: np.ndarray  # index into schema.REGIONS
    place: np.ndarray  # index into Places
    contact_day: np.ndarray
    founded_day: np.ndarray  # NO_DATE for individuals
    size: np.ndarray  # index into vocab.SIZES, -1 for individuals
    cols: dict[str, np.ndarray]
    owner_code: np.ndarray  # index into ALL_OWNERS
    trade: np.ndarray  # 字号 (华为), for abbreviated duplicates
    core: np.ndarray  # 字号 + industry word (华为技术), idem
    legal: np.ndarray  # legal form (有限公司)
    city_short: np.ndarray  # 北京


def _contact_days(
    rng: np.random.Generator, region_idx: np.ndarray, start: int, end: int
) -> np.ndarray:
    """First-contact days with density ∝ growth^(years since start) per region.

    The uniforms are stratified within each region (one per 1/n slice, in random order), so
    the yearly counts follow the growth rate closely even for a few thousand customers.
    """
    span = end - start
    u = np.empty(len(region_idx))
    for r in np.unique(region_idx):
        sel = np.flatnonzero(region_idx == r)
        u[sel] = (rng.permutation(len(sel)) + rng.random(len(sel))) / len(sel)
    growth = np.array([REGION_GROWTH[r] for r in REGIONS], dtype=float)[region_idx]
    k = np.log(growth) / 365.0
    t = np.where(k > 0, np.log1p(u * np.expm1(k * span)) / np.where(k > 0, k, 1), u * span)
    return start + np.minimum(t.astype(np.int64), span)


def _person_names(rng: np.random.Generator, male: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Chinese names and a pinyin e-mail local part for each person."""
    n = len(male)
    sw = 1 / np.arange(1, len(vocab.SURNAMES) + 1) ** 0.9
    s = categorical(rng, n, sw)
    sur = pick([c for c, _ in vocab.SURNAMES], s)
    sur_py = pick([p for _, p in vocab.SURNAMES], s)
    given = np.empty(n, dtype=object)
    given_py = np.empty(n, dtype=object)
    two = rng.random(n) < 0.65
    for sex, pool in ((True, vocab.GIVEN_MALE), (False, vocab.GIVEN_FEMALE)):
        sel = male == sex
        chars = np.asarray([c for c, _ in pool], dtype=object)
        pys = np.asarray([p for _, p in pool], dtype=object)
        a = rng.integers(0, len(pool), sel.sum())
        b = rng.integers(0, len(pool), sel.sum())
        t = two[sel]
        given[sel] = np.where(t, chars[a] + chars[b], chars[a])
        given_py[sel] = np.where(t, pys[a] + pys[b], pys[a])
    return sur + given, np.where(rng.random(n) < 0.5, given_py + sur_py, sur_py + given_py)


def _preferences(rng: np.random.Generator, n: int) -> np.ndarray:
    """1–3 distinct preferences per customer joined with 、 (multi-valued field)."""
    k = len(vocab.PREFERENCES)
    w = np.array([1.6, 1.4, 1.2, 0.8, 0.7, 0.6, 0.7, 0.9])
    keys = rng.random((n, k)) ** (1 / w)  # weighted sampling without replacement
    order = np.argsort(-keys, axis=1)
    count = 1 + categorical(rng, n, (0.35, 0.45, 0.2))
    mask = np.zeros(n, dtype=np.int64)
    for j in range(3):
        mask |= np.where(count > j, 1 << order[:, j], 0)
    table = np.array(
        [
            "、".join(p for b, p in enumerate(vocab.PREFERENCES) if m >> b & 1)
            for m in range(1 << k)
        ],
        dtype=object,
    )
    return table[mask]


def build_customers(
    rng: np.random.Generator, n: int, start: int, end: int, places: Places
) -> CustomerBase:
    """Draw ``n`` customers: type, place, first contact, names, codes, contacts, owners."""
    ent = rng.random(n) < ENTERPRISE_SHARE
    place = categorical(rng, n, places.weight)
    region = places.region[place]
    region_idx = places.region_idx[place]
    contact = _contact_days(rng, region_idx, start, end)
    cols: dict[str, np.ndarray] = {}
    cols["customer_type"] = np.where(ent, "企业", "个人").astype(object)
    for c in ("province", "city", "district"):
        cols[c] = getattr(places, c)[place]
    cols["region"] = region

    # People: contact persons of enterprises, and the individual customers themselves.
    male = rng.random(n) < 0.55
    person, person_py = _person_names(rng, male)
    cols["contact_name"] = person

    # Enterprises: name, industry, size, founded, codes.
    ind = categorical(rng, n, [row[1] for row in vocab.INDUSTRIES])
    words = pick_within(rng, [row[2] for row in vocab.INDUSTRIES], ind)
    legal = pick(
        [f for f, _ in vocab.LEGAL_FORMS], categorical(rng, n, [w for _, w in vocab.LEGAL_FORMS])
    )
    a = rng.integers(0, len(vocab.TRADE_FIRST), n)
    b = rng.integers(0, len(vocab.TRADE_SECOND), n)
    trade = pick([c for c, _ in vocab.TRADE_FIRST], a) + pick([c for c, _ in vocab.TRADE_SECOND], b)
    trade_py = pick([p for _, p in vocab.TRADE_FIRST], a) + pick(
        [p for _, p in vocab.TRADE_SECOND], b
    )
    city_short = places.city_short[place]
    bracket = rng.random(n) < 0.15
    core = trade + words
    full = np.where(bracket, core + "（" + city_short + "）" + legal, city_short + core + legal)

    def redraw_names(idx: np.ndarray) -> np.ndarray:
        a2 = rng.integers(0, len(vocab.TRADE_FIRST), len(idx))
        b2 = rng.integers(0, len(vocab.TRADE_SECOND), len(idx))
        t2 = pick([c for c, _ in vocab.TRADE_FIRST], a2) + pick(
            [c for c, _ in vocab.TRADE_SECOND], b2
        )
        trade[idx] = t2
        trade_py[idx] = pick([p for _, p in vocab.TRADE_FIRST], a2) + pick(
            [p for _, p in vocab.TRADE_SECOND], b2
        )
        core[idx] = t2 + words[idx]
        return np.where(
            bracket[idx],
            core[idx] + "（" + city_short[idx] + "）" + legal[idx],
            city_short[idx] + core[idx] + legal[idx],
        )

    full[ent] = redraw_duplicates(full[ent], lambda i: redraw_names(np.flatnonzero(ent)[i]))
    cols["name"] = np.where(ent, full, person)

    size = np.where(ent, categorical(rng, n, [w for _, w in vocab.SIZES]), -1)
    cols["size"] = np.where(ent, pick([s for s, _ in vocab.SIZES], size.clip(0)), "")
    cols["industry"] = np.where(ent, pick([r[0] for r in vocab.INDUSTRIES], ind), "")
    biz = pick_within(rng, [row[3] for row in vocab.INDUSTRIES], ind)
    cols["main_business"] = np.where(ent, biz, "")
    age_years = rng.gamma(1.6, 7.0, n) + 1.0
    founded = np.maximum(contact - (age_years * 365.25).astype(np.int64), day_number("1985-01-01"))
    founded_day = np.where(ent, founded, NO_DATE)
    new_style = founded >= day_number("2015-10-01")
    codes = make_uscc(rng, places.admin_code[place], new_style)
    codes[ent] = redraw_duplicates(
        codes[ent],
        lambda i: make_uscc(rng, places.admin_code[place[ent][i]], new_style[ent][i]),
    )
    cols["uscc"] = np.where(ent, codes, "")
    title = categorical(rng, n, [t[1] for t in vocab.TITLES])
    role = categorical_rows(rng, np.array([t[2] for t in vocab.TITLES])[title])
    cols["contact_title"] = np.where(ent, pick([t[0] for t in vocab.TITLES], title), "")
    cols["decision_role"] = np.where(ent, pick(vocab.DECISION_ROLES, role), "")

    # Individuals: birth date, age at the end of the window, ID number, occupation.
    ey, em, ed = ymd(np.array([end]))
    age_draw = np.minimum(22 + rng.gamma(3.0, 5.0, n), 65.9)
    birth = end - (age_draw * 365.2425).astype(np.int64)
    by, bm, bd = ymd(birth)
    age = ey[0] - by - ((em[0] < bm) | ((em[0] == bm) & (ed[0] < bd)))
    year_idx = (by - FIRST_BIRTH_YEAR).clip(0, LAST_BIRTH_YEAR - FIRST_BIRTH_YEAR)
    area = places.birth_code[place, year_idx]
    birth8 = compact(birth)
    ids = make_id_numbers(rng, area, birth8, male)
    ids[~ent] = redraw_duplicates(
        ids[~ent],
        lambda i: make_id_numbers(rng, area[~ent][i], birth8[~ent][i], male[~ent][i]),
    )
    cols["id_number"] = np.where(ent, "", ids)
    cols["age"] = np.where(ent, "", zero_pad(age, 1))
    cols["gender"] = np.where(ent, "", np.where(male, "男", "女"))
    cols["occupation"] = np.where(
        ent, "", pick(vocab.OCCUPATIONS, rng.integers(0, len(vocab.OCCUPATIONS), n))
    )

    # Contact channels.
    landline = rng.random(n) < np.where(ent, LANDLINE_SHARE_ENTERPRISE, LANDLINE_SHARE_PERSON)
    phone = np.where(landline, make_landlines(rng, places.area_code[place]), make_mobiles(rng, n))

    def redraw_phones(idx: np.ndarray) -> np.ndarray:
        return np.where(
            landline[idx],
            make_landlines(rng, places.area_code[place[idx]]),
            make_mobiles(rng, len(idx)),
        )

    cols["phone"] = redraw_duplicates(phone, redraw_phones)
    domain = np.where(rng.random(n) < 0.6, ".com", ".com.cn")
    ent_mail = concat(person_py, "@", trade_py, domain)
    qq = concat(digits(rng, n, 9, first=(1, 9)), "@qq.com")
    web = concat(
        person_py,
        digits(rng, n, 2),
        "@",
        pick(vocab.PERSONAL_MAIL_DOMAINS, rng.integers(0, len(vocab.PERSONAL_MAIL_DOMAINS), n)),
    )
    cols["email"] = np.where(ent, ent_mail, np.where(rng.random(n) < 0.45, qq, web))

    ch_w = np.where(ent[:, None], vocab.CHANNEL_WEIGHTS_ENTERPRISE, vocab.CHANNEL_WEIGHTS_PERSON)
    cols["source_channel"] = pick(vocab.CHANNELS, categorical_rows(rng, ch_w))
    draw = (rng.random(n) * OWNER_COUNT[region_idx]).astype(np.int64)
    owner_code = OWNER_OFFSET[region_idx] + draw
    cols["owner"] = np.asarray(ALL_OWNERS, dtype=object)[owner_code]
    cols["preferences"] = _preferences(rng, n)
    return CustomerBase(
        n=n,
        enterprise=ent,
        region=region,
        region_idx=region_idx,
        place=place,
        contact_day=contact,
        founded_day=founded_day,
        size=size,
        cols=cols,
        owner_code=owner_code,
        trade=trade,
        core=core,
        legal=legal,
        city_short=city_short,
    )
