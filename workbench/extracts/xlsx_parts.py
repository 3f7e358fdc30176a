"""Where a sheet lives inside an XLSX archive, found as Excel finds it (workbook.xml and its
relationships): shared by the reader and the record count, which both scan sheet XML."""

from __future__ import annotations

import posixpath
import zipfile
from xml.etree import ElementTree

from workbench.core.errors import ExtractError

XLSX_SUFFIXES = (".xlsx", ".xlsm")  # the workbooks the reader opens (an .xls is refused)


def sheet_parts(archive: zipfile.ZipFile, sheet: str | None) -> tuple[str, str | None]:
    """The zip members of the sheet titled `sheet` (the first if None) and of the shared
    strings, found as Excel finds them: workbook.xml and its relationships."""
    members = {name.lower(): name for name in archive.namelist()}
    book = members.get("xl/workbook.xml") or next(
        name for key, name in members.items() if key.endswith("workbook.xml")
    )
    folder, base = posixpath.split(book)
    rels = members.get(posixpath.join(folder, "_rels", base + ".rels").lower())
    links = ElementTree.fromstring(archive.read(rels)) if rels else ElementTree.Element("none")

    def member(target: str) -> str:
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        return members.get(posixpath.normpath(path).lower(), path)

    targets = {r.get("Id"): member(r.get("Target", "")) for r in links.iter() if r.get("Id")}
    shared = next(
        (member(r.get("Target", "")) for r in links.iter()
         if r.get("Type", "").endswith("/sharedStrings")),
        members.get(posixpath.join(folder, "sharedstrings.xml").lower()),
    )  # fmt: skip
    for element in ElementTree.fromstring(archive.read(book)).iter():
        if element.tag.rsplit("}", 1)[-1] != "sheet":
            continue
        if sheet is None or element.get("name") == sheet:
            rid = next(v for k, v in element.attrib.items() if k.rsplit("}", 1)[-1] == "id")
            return targets[rid], shared
    raise ExtractError(f"no sheet {sheet!r} in the workbook")
