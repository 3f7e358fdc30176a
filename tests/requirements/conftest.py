"""Fixtures of the requirement tests: the hand-made tables of `fixture.py` and their report."""

from __future__ import annotations

import pytest

from tests.requirements.fixture import PARAMS, QUARTER, Tables, tables


@pytest.fixture
def data() -> Tables:
    return Tables(tables())


@pytest.fixture
def report(data):
    from workbench.requirements.analysis import analyse_requirements

    return analyse_requirements(data, "华东", QUARTER, PARAMS)
