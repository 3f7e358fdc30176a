"""Cleaning settings: the company-size bands are a validated parameter."""

from __future__ import annotations

import dataclasses

import pytest

from workbench.cleaning.cache import cache_key
from workbench.cleaning.settings import CleaningSettings, SizeBands
from workbench.core.errors import ParameterError


def test_default_bands_are_the_first_convention() -> None:
    bands = CleaningSettings().size_bands
    assert bands.employees == (50, 200) and bands.revenue == (20_000_000, 400_000_000)


def test_bands_from_a_mapping_as_read_from_yaml() -> None:
    settings = CleaningSettings(size_bands={"employees": [100, 500]})
    assert settings.size_bands == SizeBands(employees=(100, 500))


@pytest.mark.parametrize(
    "employees",
    [
        (200, 50),
        (50, 50),
        (0, 200),
        (-1, 200),
        (50,),
        (50, 200, 500),
        ("50", 200),
        (50, float("inf")),
        (float("nan"), 200),
        (True, 200),
        50,
    ],
)
def test_malformed_bands_stop_with_a_message(employees) -> None:
    with pytest.raises(ParameterError, match=r"size_bands\.employees"):
        SizeBands(employees=employees)


def test_unknown_keys_and_wrong_types_stop_with_a_message() -> None:
    with pytest.raises(ParameterError, match=r"unknown key.*staff"):
        CleaningSettings(size_bands={"staff": (50, 200)})
    with pytest.raises(ParameterError, match="SizeBands"):
        CleaningSettings(size_bands=(100, 500))


def test_the_bands_are_part_of_the_cache_key(tiny_extracts) -> None:
    one = cache_key(tiny_extracts, CleaningSettings())
    other = cache_key(tiny_extracts, CleaningSettings(size_bands=SizeBands(employees=(100, 500))))
    assert one != other
    assert dataclasses.asdict(CleaningSettings())["size_bands"]["employees"] == (50, 200)
