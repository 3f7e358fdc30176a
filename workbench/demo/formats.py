"""How hand-typed values deviate from the canonical format: phones, amounts, garbage dates.

Each function takes canonical values and returns what a person or another system wrote
instead; the canonical value stays the ground truth.
"""

from __future__ import annotations

import numpy as np

MOBILE_STYLES = ("+86 138 0013 8000", "138-0013-8000", "138 0013 8000", "8613800138000")
LANDLINE_STYLES = ("(010)62345678", "010 62345678", "+86 10 62345678")
GARBAGE_DATES: tuple[str, ...] = ("2024-13-45", "待定", "0000-00-00", "", "2023-02-30", "N/A")


def phone_variant(phones: np.ndarray, rng: np.random.Generator, invalid_share: float) -> np.ndarray:
    """Reformatted phones (``+86 138 0013 8000``, ``(010)62345678`` …); some truly invalid."""
    out = np.empty(len(phones), dtype=object)
    style = rng.integers(0, 12, len(phones))
    invalid = rng.random(len(phones)) < invalid_share
    for i, (p, s, bad) in enumerate(zip(phones, style, invalid, strict=True)):
        if "-" in p:  # landline 0571-87654321
            area, local = p.split("-")
            if bad:
                out[i] = f"{area}-{local[:-2]}"
                continue
            out[i] = (f"({area}){local}", f"{area} {local}", f"+86 {area[1:]} {local}")[s % 3]
        elif bad:
            out[i] = p[:5] + p[6:]  # 10 digits
        else:
            out[i] = (
                f"+86 {p[:3]} {p[3:7]} {p[7:]}",
                f"{p[:3]}-{p[3:7]}-{p[7:]}",
                f"{p[:3]} {p[3:7]} {p[7:]}",
                f"86{p}",
            )[s % 4]
    return out


def amount_variant(amounts: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Amounts as typed in sheets: ``52万元``, ``500,000``, ``¥12,000.00``, ``1.2万``.

    万 forms are used only where they are exact (amount a multiple of 100 yuan).
    """
    out = np.empty(len(amounts), dtype=object)
    style = rng.integers(0, 4, len(amounts))
    for i, (a, s) in enumerate(zip(amounts, style, strict=True)):
        wan_ok = round(a) % 100 == 0
        if s == 0 and wan_ok:
            out[i] = f"{_wan(a)}万元"
        elif s == 1 and wan_ok:
            out[i] = f"{_wan(a)}万"
        elif s in (0, 2):
            out[i] = f"{a:,.0f}" if a == round(a) else f"{a:,.2f}"
        else:
            out[i] = f"¥{a:,.2f}"
    return out


def _wan(a: float) -> str:
    text = f"{a / 10000:.2f}".rstrip("0").rstrip(".")
    return text


def canonical_amount(amounts: np.ndarray) -> np.ndarray:
    """Plain ``12000.00`` strings: the canonical written form of an amount."""
    amounts = np.asarray(amounts, dtype=float)
    whole = np.round(amounts)
    if np.array_equal(whole, amounts):  # the usual case: format integers, append the cents
        return whole.astype(np.int64).astype(str).astype(object) + ".00"
    return np.char.mod("%.2f", amounts).astype(object)
