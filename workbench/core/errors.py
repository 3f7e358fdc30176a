"""The workbench's exceptions, in one place: user errors carry a message meant for a person."""

from __future__ import annotations


class WorkbenchError(Exception):
    """Base class: an error the user can fix (bad input, bad parameters), shown without traceback."""


class ExtractError(WorkbenchError):
    """An extract file cannot be read as the table it should be (names the file, row, column)."""


class ParameterError(WorkbenchError):
    """A run parameter is missing, unknown or of the wrong form."""
