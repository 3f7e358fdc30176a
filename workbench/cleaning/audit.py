"""The audit trail: every changed cell and every flagged contradiction, as rows.

The equivalent of a CRM's modification log: which record (table, key, source row), which field,
old value, new value, which rule; for a person's correction also its source (owner · date ·
file!cell, `workbench.collection.corrections`). Rules append here; nothing else writes to the log.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from workbench.extracts.schema import TABLES

CHANGE_COLUMNS = ["table", "key", "source_row", "field", "old", "new", "rule", "source"]
FLAG_COLUMNS = ["table", "key", "source_row", "field", "value", "rule", "message"]


def _text(values: pd.Series) -> pd.Series:
    """Values as display text for the log; missing stays missing."""
    if values.dtype.kind == "M":
        return values.dt.strftime("%Y-%m-%d").astype("str")
    return values.astype("str").mask(values.isna())


@dataclass
class Audit:
    """Collects changes and flags from the cleaning rules (vectorised: a frame per call)."""

    _changes: list[pd.DataFrame] = field(default_factory=list)
    _flags: list[pd.DataFrame] = field(default_factory=list)

    def record_changes(
        self,
        table: str,
        frame: pd.DataFrame,
        column: str,
        new: pd.Series,
        rule: str,
        source: pd.Series | None = None,
    ) -> pd.Series:
        """Log the cells where `new` differs from `frame[column]`; return `new` for assignment.

        `source`: per row, where a manual change came from (missing for the cleaning rules)."""
        old = frame[column]
        old_text, new_text = _text(old), _text(new)
        changed = ~(old_text.eq(new_text).fillna(False) | (old_text.isna() & new_text.isna()))
        if changed.any():
            self._changes.append(
                pd.DataFrame(
                    {
                        "table": table,
                        "key": frame.loc[changed, TABLES[table].key].astype("str").to_numpy(),
                        "source_row": _rows(frame, changed),
                        "field": column,
                        "old": old_text[changed].to_numpy(),
                        "new": new_text[changed].to_numpy(),
                        "rule": rule,
                        "source": pd.array(
                            source[changed].to_numpy(dtype=object)
                            if source is not None
                            else [None] * int(changed.sum()),
                            dtype="str",
                        ),
                    }
                )
            )
        return new

    def flag(
        self,
        table: str,
        frame: pd.DataFrame,
        mask: pd.Series,
        column: str,
        rule: str,
        message: str | pd.Series,
    ) -> None:
        """Flag rows where `mask` holds: a contradiction or invalid value, left as it is."""
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        messages = message[mask].to_numpy() if isinstance(message, pd.Series) else message
        self._flags.append(
            pd.DataFrame(
                {
                    "table": table,
                    "key": frame.loc[mask, TABLES[table].key].astype("str").to_numpy(),
                    "source_row": _rows(frame, mask),
                    "field": column,
                    "value": _text(frame.loc[mask, column]).to_numpy() if column in frame else None,
                    "rule": rule,
                    "message": messages,
                }
            )
        )

    def extend(self, other: Audit) -> None:
        """Append `other`'s changes and flags after these: rules run side by side on threads
        write to audits of their own, joined in the order the rules would have run."""
        self._changes.extend(other._changes)
        self._flags.extend(other._flags)

    @property
    def changes(self) -> pd.DataFrame:
        """All changes so far, in the order the rules ran."""
        return _concat(self._changes, CHANGE_COLUMNS)

    @property
    def flags(self) -> pd.DataFrame:
        """All flags so far."""
        return _concat(self._flags, FLAG_COLUMNS)


def _rows(frame: pd.DataFrame, mask: pd.Series):
    if "source_row" in frame:
        return frame.loc[mask, "source_row"].to_numpy()
    return pd.array([pd.NA] * int(mask.sum()), dtype="Int64")


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]
