"""A small, fast, deterministic XLSX writer for one sheet (title row, header row, data).

openpyxl needs ~8 µs per cell, too slow for the benchmark sizes (millions of cells); this
writes the same SpreadsheetML with vectorised string building: shared strings for text, real
Excel dates (serial numbers, ``yyyy-mm-dd`` style) for dates, numbers for numbers. All zip
entries carry a fixed timestamp, so the same content gives the same bytes. The result reads
back with openpyxl and pandas (tests check it).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

_EXCEL_EPOCH_DAY = -25569  # 1899-12-30 as days since 1970-01-01
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
STYLE_DATE, STYLE_BOLD = 1, 2


@dataclass
class SheetColumn:
    """One column: written text per row ("" = empty), and optionally the day numbers of the
    rows to write as real dates (``None`` entries / other kinds: text) or numbers."""

    header: str
    text: np.ndarray
    kind: str = "text"  # text | date | number
    days: np.ndarray | None = None  # for kind "date": day number where the cell is a real date
    width: float = 12.0


def _col_letter(j: int) -> str:
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


def _sheet_xml(
    title: str, columns: list[SheetColumn], strings: dict[str, int], sst_index: list[np.ndarray]
) -> str:
    n = len(columns[0].text)
    last = _col_letter(len(columns) - 1)
    rownum = np.arange(3, n + 3).astype(str).astype(object)
    frags = [('<row r="' + rownum + '">').tolist()]
    for j, (col, idx) in enumerate(zip(columns, sst_index, strict=True)):
        ref = '<c r="' + _col_letter(j)
        frag = np.full(n, "", dtype=object)
        as_text = col.text != ""
        if col.kind == "date" and col.days is not None:
            is_date = col.days != np.iinfo(np.int64).min
            serial = (col.days[is_date] - _EXCEL_EPOCH_DAY).astype(str).astype(object)
            frag[is_date] = ref + rownum[is_date] + f'" s="{STYLE_DATE}"><v>' + serial + "</v></c>"
            as_text &= ~is_date
        elif col.kind == "number":
            frag[as_text] = ref + rownum[as_text] + '"><v>' + col.text[as_text] + "</v></c>"
            as_text[:] = False
        code = idx[as_text].astype(str).astype(object)
        frag[as_text] = ref + rownum[as_text] + '" t="s"><v>' + code + "</v></c>"
        frags.append(frag.tolist())
    rows = "".join(map("".join, zip(*frags, repeat("</row>", n), strict=True)))
    head = "".join(
        f'<c r="{_col_letter(j)}2" t="s" s="{STYLE_BOLD}"><v>{strings[c.header]}</v></c>'
        for j, c in enumerate(columns)
    )
    cols = "".join(
        f'<col min="{j + 1}" max="{j + 1}" width="{c.width}" customWidth="1"/>'
        for j, c in enumerate(columns)
    )
    return (
        f'{_DECL}<worksheet xmlns="{_NS}" xmlns:r="{_REL}">'
        f'<dimension ref="A1:{last}{n + 2}"/>'
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" state="frozen"/>'
        "</sheetView></sheetViews>"
        f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
        f'<row r="1"><c r="A1" t="s" s="{STYLE_BOLD}"><v>{strings[title]}</v></c></row>'
        f'<row r="2">{head}</row>'
        + rows
        + f'</sheetData><mergeCells count="1"><mergeCell ref="A1:{last}1"/></mergeCells>'
        "</worksheet>"
    )


def _static_parts(sheet: str, created: str) -> dict[str, str]:
    ct = "application/vnd.openxmlformats-officedocument"
    return {
        "[Content_Types].xml": (
            f'{_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            f'ContentType="{ct}.spreadsheetml.worksheet+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{ct}.spreadsheetml.styles+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" '
            f'ContentType="{ct}.spreadsheetml.sharedStrings+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            f'<Override PartName="/docProps/app.xml" ContentType="{ct}.extended-properties+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'{_DECL}<Relationships xmlns="{_PKG}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            f'<Relationship Id="rId2" Type="{_PKG}/metadata/core-properties" '
            'Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
            "</Relationships>"
        ),
        "docProps/app.xml": (
            f'{_DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            'extended-properties"><Application>Microsoft Excel</Application></Properties>'
        ),
        "docProps/core.xml": (
            f'{_DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            "<dc:creator>CRM</dc:creator>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{created}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{created}</dcterms:modified>'
            "</cp:coreProperties>"
        ),
        "xl/workbook.xml": (
            f'{_DECL}<workbook xmlns="{_NS}" xmlns:r="{_REL}"><sheets>'
            f'<sheet name="{escape(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'{_DECL}<Relationships xmlns="{_PKG}">'
            f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId3" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/styles.xml": (
            f'{_DECL}<styleSheet xmlns="{_NS}">'
            '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
            '<fonts count="2"><font><sz val="11"/><name val="等线"/><charset val="134"/></font>'
            '<font><b/><sz val="11"/><name val="等线"/><charset val="134"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
            "</borders>"
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            "</cellStyleXfs>"
            '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" '
            'applyNumberFormat="1"/>'
            '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
            '</cellXfs><cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/>'
            "</cellStyles></styleSheet>"
        ),
    }


def write_sheet(
    path: Path, sheet: str, title: str, columns: list[SheetColumn], created: str
) -> None:
    """Write a one-sheet workbook: ``title`` in row 1, headers in row 2, data from row 3."""
    texts = [title] + [c.header for c in columns]
    codes, uniques = pd.factorize(
        pd.Series(np.concatenate([np.asarray(texts, dtype=object)] + [c.text for c in columns]))
    )
    strings = {t: int(codes[i]) for i, t in enumerate(texts)}
    sst_index, pos = [], len(texts)
    for c in columns:
        sst_index.append(codes[pos : pos + len(c.text)])
        pos += len(c.text)
    uniques = np.asarray(uniques, dtype=object)
    sst = (
        f'{_DECL}<sst xmlns="{_NS}" uniqueCount="{len(uniques)}">'
        + "".join(f'<si><t xml:space="preserve">{escape(str(u))}</t></si>' for u in uniques)
        + "</sst>"
    )
    parts = _static_parts(sheet, created)
    parts["xl/sharedStrings.xml"] = sst
    parts["xl/worksheets/sheet1.xml"] = _sheet_xml(title, columns, strings, sst_index)
    order = [
        "[Content_Types].xml", "_rels/.rels", "docProps/app.xml", "docProps/core.xml",
        "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
        "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml",
    ]  # fmt: skip
    with zipfile.ZipFile(path, "w") as zf:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zf.writestr(info, parts[name].encode("utf-8"))
