"""Known personal data planted into a copy of generated extracts, and a scan of every file a run
wrote for it in raw form (tests/reports/test_privacy_outputs.py).

Written by hand, independently of `workbench.demo` and of the workbench's cleaning and masking.
"""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from pathlib import Path

from hostile_text import read_demo_table
from openpyxl import load_workbook

REGION = "华东"


def id_number(first17: str) -> str:
    """An 18-digit resident ID number with its GB 11643 check character."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return (
        first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]
    )


# As CRM users type them: mobiles with and without +86 and separators, a landline, IDs ending
# in a digit and in X, e-mails in several shapes.
PHONES = ("13912345678", "+86 139-8765-4321", "186 2468 1357", "0571-88886666", "(021)62345678")
ID_NUMBERS = (id_number("11010519491231002"), id_number("44030119880715432"),
              id_number("32010219900101123"), id_number("51010719750612004"))  # fmt: skip
EMAILS = ("zhang.wei@example.com", "li_na+crm@mail.example.cn", "Wang.Fang@Example.ORG")


def planted_values() -> dict[str, set[str]]:
    """kind → every form of a planted value that must not appear: as written and bare digits."""
    digits = {re.sub(r"\D", "", p) for p in PHONES}
    digits |= {d[2:] for d in digits if d.startswith("86") and len(d) == 13}
    return {
        "phone": set(PHONES) | {d for d in digits if not d.startswith("86")},
        "id_number": set(ID_NUMBERS) | {i.lower() for i in ID_NUMBERS},
        "email": set(EMAILS) | {e.lower() for e in EMAILS},
    }


def plant_pii(source: Path, target: Path, region: str = REGION) -> dict[str, int]:
    """Copy the extracts to `target` as UTF-8 CSV with the planted values in the customers'
    contact columns (联系人, 联系电话, 电子邮箱, 证件号码) and inside free text (需求偏好, 主营业务,
    内容摘要, 需求描述), on rows of `region` where it matters; return rows changed per table."""
    target.mkdir(parents=True)
    frames = {n: read_demo_table(source, n) for n in ("customers", "orders", "interactions",
                                            "requirements", "opportunities")}  # fmt: skip
    changed = {}
    customers = frames["customers"]
    rows = customers.index[customers["区域"] == region][:40]
    for i, row in enumerate(rows):
        phone, mail, ident = PHONES[i % 5], EMAILS[i % 3], ID_NUMBERS[i % 4]
        customers.loc[row, "联系电话"] = phone
        customers.loc[row, "电子邮箱"] = mail
        if customers.loc[row, "客户类型"] == "个人":
            customers.loc[row, "证件号码"] = ident
        customers.loc[row, "联系人"] = (
            f"张伟 {phone}" if i % 4 == 0 else customers.loc[row, "联系人"]
        )
        customers.loc[row, "需求偏好"] = f"请发资料到 {mail}，电话 {phone}"
        customers.loc[row, "主营业务"] = f"法人证件 {ident}"
    changed["customers"] = len(rows)
    ids = set(customers.loc[rows, "客户编号"])
    for name, column, text in (
        ("interactions", "内容摘要", "客户留了手机 {phone} 和邮箱 {mail}，要求回电"),
        ("requirements", "需求描述", "需要开发票，身份证号 {ident}，联系 {phone} / {mail}"),
        ("opportunities", "流失原因", "联系人换号 {phone}"),
    ):
        frame = frames[name]
        hit = frame.index[frame["客户编号"].isin(ids)]
        for i, row in enumerate(hit):
            values = {"phone": PHONES[i % 5], "mail": EMAILS[i % 3], "ident": ID_NUMBERS[i % 4]}
            frame.loc[row, column] = text.format(**values) + " " + str(frame.loc[row, column])
        changed[name] = len(hit)
    for name, frame in frames.items():
        frame.to_csv(target / f"{name}.csv", index=False, encoding="utf-8")
    return changed


def output_texts(folder: Path) -> dict[str, str]:
    """file (relative) → its text, for every file under `folder`: pages, manifests and runs.json,
    executed notebooks as stored, workbook cells (numbers as digits), PDFs through pdftotext, and
    each member of a zip (SVG, contents) by name; PNG pixels have no text to scan."""
    texts: dict[str, str] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if path.suffix == ".xlsx":
            book = load_workbook(path, read_only=True)
            texts[name] = "\n".join("\t".join(_cell(v) for v in row) for sheet in book
                                    for row in sheet.iter_rows(values_only=True))  # fmt: skip
        elif path.suffix == ".pdf":
            texts[name] = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                                         capture_output=True, timeout=60).stdout.decode()  # fmt: skip
        elif path.suffix == ".zip":
            with zipfile.ZipFile(path) as pack:
                for member in pack.namelist():
                    if not member.endswith(".png"):
                        texts[f"{name}!{member}"] = pack.read(member).decode("utf-8")
                    texts[f"{name}!{member}:name"] = member
        elif path.suffix == ".png":
            texts[name] = ""
        else:
            texts[name] = path.read_text(encoding="utf-8")
            if path.suffix == ".json":  # "\u6765" escapes and "\/" undone
                texts[name] += "\n" + json.dumps(json.loads(texts[name]), ensure_ascii=False)
    return texts


def _cell(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def found_planted(texts: dict[str, str]) -> list[tuple[str, str, str]]:
    """(file, kind, value) for every planted value in raw form in a text, also once spaces,
    hyphens and brackets are removed from the text (a phone re-spaced is still the phone)."""
    found = []
    for file, text in texts.items():
        squeezed = re.sub(r"[\s\-()（）]", "", text)
        lowered = text.lower()
        for kind, values in planted_values().items():
            found += [(file, kind, v) for v in sorted(values)
                      if v in text or v in squeezed or (kind == "email" and v.lower() in lowered)]  # fmt: skip
    return found
