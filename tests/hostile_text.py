"""Hostile text as CRM extracts really carry it (web forms, reps, customers typing into 在线客服),
planted into every text column of a small data set to prove the reports render it as text.

Written by hand, independently of `workbench.demo`. Each payload that would run or load
something in a browser sets ``document.title`` to ``PWNED`` or names ``wb-probe``, so the
browser test can tell a payload that ran from one shown as text.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from workbench.extracts.schema import TABLES

PROBE_TITLE = "PWNED"
PROBE_CLASS = "wb-probe"

PAYLOADS: tuple[str, ...] = (
    # the report's own case: a tag with an event handler in front of a company name
    f"<img src=x onerror=\"document.title='{PROBE_TITLE}'\" class={PROBE_CLASS}>南京新通有限公司",
    f"<b class={PROBE_CLASS}>粗体</b>科技有限公司",
    f"<script>document.title='{PROBE_TITLE}'</script>脚本",
    f"<svg onload=\"document.title='{PROBE_TITLE}'\" class={PROBE_CLASS}></svg>",
    f"\"><img src=x onerror=document.title='{PROBE_TITLE}' class={PROBE_CLASS}>",
    f"'><iframe src=\"javascript:document.title='{PROBE_TITLE}'\" class={PROBE_CLASS}></iframe>",
    f"<a href=\"javascript:document.title='{PROBE_TITLE}'\" class={PROBE_CLASS}>点我</a>",
    f'<a href="data:text/html,<script>alert(1)</script>" class={PROBE_CLASS}>data链接</a>',
    f"<style>body{{display:none}}</style><link rel=stylesheet href=http://{PROBE_CLASS}.invalid/x.css>",
    f"[点此领取](javascript:document.title='{PROBE_TITLE}')",
    f"![图](http://{PROBE_CLASS}.invalid/pixel.png)",
    f"<http://{PROBE_CLASS}.invalid/auto>",
    "**加粗** _斜体_ `代码` # 标题 | 竖线 | ~~删除~~ $x^2$",
    '=HYPERLINK("http://wb-probe.invalid","点击")',
    "+86 138-0013-8000",  # looks like a formula to Excel and like a phone to a scanner
    "-2+3",
    "@SUM(A1:A9)",
    "零宽\u200b字符\u200d与\ufeffBOM",
    "双向\u202e文字覆盖\u202c测试",
    "控制\x07字符\x1b[31m",
    "表情😀🚀👍🏽",
    "超长" * 400,
    "&lt;已转义&gt; &amp; &#60;script&#62;",
    "{{7*7}} ${7*7} <%= 7*7 %>",
)

# Columns whose value must stay recognisable for the reports to have anything to show: keys
# (planted as a suffix, the same everywhere), and closed vocabularies planted on a few rows only.
KEY_COLUMNS = frozenset({"customer_id", "order_id", "interaction_id", "req_id", "lead_id"})
# Identifiers keep their format on most rows, so de-duplication and masking still have work.
SPARSE_COLUMNS = frozenset({"phone", "email", "id_number", "uscc"})
EXTRA_COLUMN = "备注"  # an unknown column the loader keeps


def payload(i: int) -> str:
    """The i-th payload, cycling through the corpus."""
    return PAYLOADS[i % len(PAYLOADS)]


def plant(source: Path, target: Path, closed_share: int = 10) -> dict[str, list[str]]:
    """Copy the extracts in ``source`` to ``target`` (UTF-8 CSV) with payloads in every text cell.

    Free-text columns get a payload before every value; category columns one on every
    ``closed_share``-th row (so regions, statuses and stages still mean something); keys a
    payload suffix, consistently across tables; every table an extra unknown column of payloads.
    Returns the planted columns per table.
    """
    target.mkdir(parents=True, exist_ok=True)
    frames = {name: read_demo_table(source, name) for name in TABLES}
    ids = frames["customers"].iloc[:, 0]
    new_ids = {old: f"{old}{payload(i)[:12]}" for i, old in enumerate(ids)}
    planted: dict[str, list[str]] = {}
    for name, frame in frames.items():
        table = TABLES[name]
        by_header = {c.zh: c for c in table.columns}
        columns = []
        for header in frame.columns:
            column = by_header.get(header)
            if column is None or column.kind not in ("str", "category"):
                continue
            values = frame[header]
            present = values.notna() & (values != "")
            if column.name == "customer_id":
                frame[header] = values.map(lambda v: new_ids.get(v, v))
            elif column.name in KEY_COLUMNS:
                frame[header] = (
                    values
                    + "-"
                    + pd.Series([payload(i)[:12] for i in range(len(values))], index=values.index)
                )
            elif column.kind == "str" and column.name not in SPARSE_COLUMNS:
                frame[header] = _prefix(values, present)
            else:
                every = present & (
                    pd.Series(range(len(values)), index=values.index) % closed_share == 0
                )
                frame[header] = _prefix(values, every)
            columns.append(column.name)
        frame[EXTRA_COLUMN] = [payload(i + 3) for i in range(len(frame))]
        frame.to_csv(target / f"{name}.csv", index=False, encoding="utf-8", quoting=csv.QUOTE_ALL)
        planted[name] = columns
    return planted


def _prefix(values: pd.Series, rows: pd.Series) -> pd.Series:
    prefixed = [payload(i) + str(v) for i, v in enumerate(values)]
    return values.where(~rows, pd.Series(prefixed, index=values.index))


def read_demo_table(source: Path, name: str) -> pd.DataFrame:
    """A demo table as written: CSV in UTF-8 or GBK, or XLSX; every cell as text."""
    csv_file, xlsx_file = source / f"{name}.csv", source / f"{name}.xlsx"
    if xlsx_file.exists():  # the header row may sit below a title row
        cells = pd.read_excel(xlsx_file, dtype=str, header=None, engine="openpyxl")
        key = TABLES[name].column(TABLES[name].key).zh
        header = next(i for i, row in cells.iterrows() if key in row.values)
        frame = cells.iloc[header + 1 :].set_axis(cells.iloc[header], axis=1)
        return frame.dropna(axis="columns", how="all").reset_index(drop=True)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return pd.read_csv(csv_file, dtype=str, keep_default_na=False, encoding=encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError(f"cannot read {csv_file}")
