"""workbench.core.settings: each check's message, unknown keys, sections, lists, files."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pytest

from workbench.core.errors import ParameterError
from workbench.core.settings import (
    build_settings,
    check_choice,
    check_number,
    check_share,
    check_texts,
    check_whole,
    load_settings,
)


@dataclass(frozen=True)
class Window:
    days: int = 90
    labels: tuple[str, ...] = ("a",)

    def __post_init__(self) -> None:
        check_whole("window.days", self.days, 1)
        check_texts("window.labels", self.labels)


@dataclass(frozen=True)
class Settings:
    mode: str = "fast"
    rate: float = 0.5
    tags: tuple[str, ...] = ()
    window: Window = field(default_factory=Window)

    def __post_init__(self) -> None:
        check_choice("mode", self.mode, ("fast", "slow"))
        check_share("rate", self.rate)
        check_texts("tags", self.tags)


SECTIONS = {"window": Window}


# --- the checks --------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [3, 10])
def test_check_whole_accepts_whole_numbers_in_range(value):
    check_whole("n", value, 3, 10)


@pytest.mark.parametrize(
    ("value", "maximum", "message"),
    [
        (2, None, "n must be a whole number ≥ 3, got 2"),
        (2.0, None, "n must be a whole number ≥ 3, got 2.0"),
        (True, None, "n must be a whole number ≥ 3, got True"),
        ("5", None, "n must be a whole number ≥ 3, got '5'"),
        (11, 10, "n must be a whole number ≥ 3 and ≤ 10, got 11"),
    ],
)
def test_check_whole_names_the_setting_bounds_and_value(value, maximum, message):
    with pytest.raises(ParameterError) as error:
        check_whole("n", value, 3, maximum)
    assert str(error.value) == message


@pytest.mark.parametrize("value", [0, 0.0, 2.5, 7])
def test_check_number_accepts_finite_numbers_above_the_minimum(value):
    check_number("x", value)


@pytest.mark.parametrize("value", [-0.1, True, "1", None, math.nan, math.inf])
def test_check_number_refuses_the_rest(value):
    with pytest.raises(ParameterError) as error:
        check_number("x", value)
    assert str(error.value) == f"x must be a number ≥ 0.0, got {value!r}"


def test_check_number_words_its_minimum():
    with pytest.raises(ParameterError, match=r"^x must be a number ≥ 1.0, got 0.5$"):
        check_number("x", 0.5, 1.0)


@pytest.mark.parametrize("value", [0, 1, 1.5, -0.2, True, math.nan, "0.5"])
def test_check_share_is_strictly_between_0_and_1(value):
    check_share("p", 0.3)
    with pytest.raises(ParameterError) as error:
        check_share("p", value)
    assert str(error.value) == f"p must be a number between 0 and 1, got {value!r}"


@pytest.mark.parametrize("value", [["a"], "a", ("a", ""), ("a", "  "), ("a", 1)])
def test_check_texts_wants_a_tuple_of_non_blank_texts(value):
    check_texts("t", ())
    check_texts("t", ("a", "b c"))
    with pytest.raises(ParameterError) as error:
        check_texts("t", value)
    assert str(error.value) == f"t must be a list of texts, got {value!r}"


def test_check_texts_words_the_error_for_the_setting():
    with pytest.raises(ParameterError, match=r"^cols must list column names, got 'x'$"):
        check_texts("cols", "x", "list column names")


def test_check_choice_lists_the_allowed_values():
    check_choice("mode", "slow", ("fast", "slow"))
    with pytest.raises(ParameterError) as error:
        check_choice("mode", "medium", ("fast", "slow"))
    assert str(error.value) == "mode must be one of fast, slow, got 'medium'"


# --- building ----------------------------------------------------------------------------------


def test_missing_keys_take_the_defaults_and_lists_become_tuples():
    built = build_settings(
        Settings, {"tags": ["x", "y"], "window": {"labels": ["b"]}}, "", SECTIONS
    )
    assert built == Settings(tags=("x", "y"), window=Window(labels=("b",)))
    assert build_settings(Settings, {}, "", SECTIONS) == Settings()


def test_unknown_keys_are_refused_listing_the_known_ones():
    with pytest.raises(ParameterError) as error:
        build_settings(Settings, {"mode": "fast", "speed": 1, "Rate": 2}, "", SECTIONS)
    assert str(error.value) == (
        "the file: unknown setting(s) ['Rate', 'speed']; known: ['mode', 'rate', 'tags', 'window']"
    )


def test_a_nested_section_is_checked_under_its_dotted_name():
    with pytest.raises(ParameterError, match=r"^window: unknown setting\(s\) \['day'\]"):
        build_settings(Settings, {"window": {"day": 3}}, "", SECTIONS)
    with pytest.raises(ParameterError, match=r"^window: expected a mapping of settings, got int$"):
        build_settings(Settings, {"window": 3}, "", SECTIONS)
    with pytest.raises(ParameterError, match=r"^window.days must be a whole number ≥ 1, got 0$"):
        build_settings(Settings, {"window": {"days": 0}}, "", SECTIONS)


def test_a_section_name_prefixes_its_errors():
    with pytest.raises(ParameterError, match=r"^tiers: unknown setting\(s\) \['x'\]"):
        build_settings(Window, {"x": 1}, "tiers")
    with pytest.raises(ParameterError, match=r"^tiers: expected a mapping of settings, got list$"):
        build_settings(Window, [1], "tiers")


def test_only_the_keys_of_nested_are_built_as_sections():
    assert build_settings(Settings, {"window": {"days": 3}}).window == {"days": 3}


def test_build_settings_needs_a_dataclass():
    with pytest.raises(TypeError, match="needs a dataclass"):
        build_settings(dict, {})


# --- files -------------------------------------------------------------------------------------


def test_load_settings_prefixes_the_file_to_every_error(tmp_path):
    path = tmp_path / "s.yml"
    path.write_text("mode: fast\nwindow:\n  days: 30\n", encoding="utf-8")
    assert load_settings(Settings, path, SECTIONS) == Settings(window=Window(days=30))
    for text, message in [
        ("mode: medium\n", "mode must be one of fast, slow, got 'medium'"),
        ("mod: fast\n", "the file: unknown setting(s) ['mod']"),
        ("- 1\n", "the file: expected a mapping of settings, got list"),
        ("window: {days: -1}\n", "window.days must be a whole number ≥ 1, got -1"),
    ]:
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ParameterError) as error:
            load_settings(Settings, path, SECTIONS)
        assert str(error.value).startswith(f"{path}: {message}")


def test_load_settings_reports_a_missing_file_once(tmp_path):
    with pytest.raises(ParameterError) as error:
        load_settings(Settings, tmp_path / "none.yml")
    assert str(error.value) == f"{tmp_path / 'none.yml'}: no such parameter file"


def test_overrides_win_over_the_file_and_are_checked_as_strictly(tmp_path):
    path = tmp_path / "s.yml"
    path.write_text("mode: slow\nrate: 0.2\n", encoding="utf-8")
    loaded = load_settings(Settings, path, overrides={"rate": 0.9, "tags": ["t"]})
    assert loaded == Settings(mode="slow", rate=0.9, tags=("t",))
    with pytest.raises(ParameterError, match=r": overrides: unknown setting\(s\) \['speed'\]"):
        load_settings(Settings, path, overrides={"speed": 1})
    with pytest.raises(ParameterError, match=r"rate must be a number between 0 and 1, got 2"):
        load_settings(Settings, path, overrides={"rate": 2})
    path.write_text("mod: slow\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"the file: unknown setting\(s\) \['mod'\]"):
        load_settings(Settings, path, overrides={"rate": 0.9})
