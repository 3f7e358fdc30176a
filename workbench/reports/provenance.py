"""Where a report came from: its manifest (inputs, parameters, code, times) and its footer.

Each report gets `<region>/<notebook>.manifest.json` beside its HTML, written whether it succeeded
or not, and its page a one-line footer with the essentials, so a reader holding a page can tell
which data and which code made it, and a reviewer can check a re-run against it. The manifest's
`inputs_key` (`inputs_key`) is what the runner compares to skip a report whose inputs did not
change.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from collections.abc import Mapping
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import workbench
from workbench.cleaning.cache import CACHE_DIR, cache_key, file_digest
from workbench.cleaning.dedupe_review import DECISIONS_FILE
from workbench.cleaning.settings import CleaningSettings
from workbench.collection.corrections import correction_files
from workbench.collection.ledger import CORRECTIONS_DIR, ledger_file
from workbench.core.labels import t
from workbench.extracts.loader import find_extract
from workbench.extracts.schema import TABLES
from workbench.reports.safe_html import escape_html

# distribution name → the name shown; workbench is installed as crm-workbench
PACKAGES = {"crm-workbench": "workbench", "pandas": "pandas", "numpy": "numpy",
            "scikit-learn": "scikit-learn", "lifetimes": "lifetimes", "papermill": "papermill",
            "nbconvert": "nbconvert"}  # fmt: skip
_PACKAGE = Path(workbench.__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent
_COMMIT = re.compile(r"^[0-9a-f]{40}$")


def utc_now() -> str:
    """The current time as ISO 8601 in UTC, to the second (2025-01-05T08:30:12+00:00)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def input_digests(data_dir: Path) -> list[dict[str, str]]:
    """Each extract file of `data_dir` (and the duplicate decisions, the returned corrections and
    the issue ledger) with its blake2b.

    Files are found as the loader finds them; a folder the loader refuses gives what it could
    find (the report itself then fails and says why).
    """
    found: list[dict[str, str]] = []
    memo = data_dir / CACHE_DIR
    for table in TABLES.values():
        try:
            file = find_extract(data_dir, table, optional=True)
        except Exception:  # missing folder, ambiguous files: the run's own error says which
            file = None
        if file is not None:
            found.append({"table": table.name, "name": file.name,
                          "blake2b": file_digest(file, memo)})  # fmt: skip
    decisions = data_dir / DECISIONS_FILE
    if decisions.is_file():
        found.append({"table": "dedupe_decisions", "name": decisions.name,
                      "blake2b": file_digest(decisions, memo)})  # fmt: skip
    # the returned completion workbooks are applied on top of the extracts at every run, and the
    # issue ledger dates the data steward's queue: both change what the reports show
    corrections = data_dir / CORRECTIONS_DIR
    for file in [*correction_files(corrections), ledger_file(data_dir)]:
        if file.is_file():
            found.append({"table": "corrections", "name": f"{CORRECTIONS_DIR}/{file.name}",
                          "blake2b": file_digest(file, memo)})  # fmt: skip
    return found


def data_digest(inputs: list[dict[str, str]]) -> str | None:
    """One blake2b over every input's table, name and digest: the footer's data fingerprint."""
    if not inputs:
        return None
    lines = sorted(f"{i['table']}:{i['name']}:{i['blake2b']}" for i in inputs)
    return hashlib.blake2b("\n".join(lines).encode()).hexdigest()


def clean_cache_key(data_dir: Path) -> str | None:
    """The cleaned-data cache key of `data_dir` with the default cleaning settings (None when the
    extracts cannot be found)."""
    try:
        return cache_key(data_dir, CleaningSettings())
    except Exception:
        return None


def package_versions() -> dict[str, str | None]:
    """The installed version of each package a report's numbers depend on (None if absent)."""
    versions: dict[str, str | None] = {}
    for distribution, shown in PACKAGES.items():
        try:
            versions[shown] = metadata.version(distribution)
        except metadata.PackageNotFoundError:
            versions[shown] = workbench.__version__ if shown == "workbench" else None
    return versions


def git_commit(checkout: Path = _CHECKOUT) -> str | None:
    """The commit checked out at `checkout` (the workbench's source tree), None without git."""
    try:
        done = subprocess.run(
            ["git", "-C", str(checkout), "rev-parse", "HEAD"],
            capture_output=True, text=True, timeout=10, check=False,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and _COMMIT.match(commit) else None


def collect(data_dir: str | Path, parameters: Mapping[str, Any]) -> dict[str, Any]:
    """What a report was made from: its inputs' digests, parameters, packages, commit, cache key.

    Times, status and outcome are added by the job (`finish`).
    """
    data_dir = Path(data_dir)
    inputs = input_digests(data_dir)
    return {
        "parameters": dict(parameters),
        "inputs": inputs,
        "data_digest": data_digest(inputs),
        "cache_key": clean_cache_key(data_dir),
        "git_commit": git_commit(),
        "packages": package_versions(),
    }


def code_digest(package: Path = _PACKAGE) -> str:
    """One blake2b over every workbench/**/*.py (path and bytes): a report re-runs when the
    package's code changes, whichever module it was."""
    digest = hashlib.blake2b()
    for file in sorted(package.rglob("*.py")):
        digest.update(file.relative_to(package).as_posix().encode() + b"\0")
        digest.update(file.read_bytes())
    return digest.hexdigest()


def digest_or_none(path: Path) -> str | None:
    """A file's blake2b, None when it is not there (the report then fails and says so)."""
    return file_digest(path) if path.is_file() else None


def inputs_key(parts: Mapping[str, Any]) -> str:
    """One key over what a report was made from (the job's `job_inputs_key` names the parts):
    equal keys mean an unchanged report, which the runner does not run again."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def write_manifest(path: Path, manifest: Mapping[str, Any]) -> Path:
    """Write the manifest as indented UTF-8 JSON (Chinese shown as such)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def footer_html(manifest: Mapping[str, Any], lang: str, manifest_name: str | None = None) -> str:
    """The page's provenance line: run time, commit, data fingerprint, workbench version; every
    value escaped, the manifest linked by its relative file name."""
    commit = manifest.get("git_commit")
    digest = manifest.get("data_digest")
    text = t(
        "provenance_footer",
        lang,
        started=str(manifest.get("started", ""))[:16].replace("T", " "),  # to the minute
        commit=commit[:12] if commit else t("provenance_no_commit", lang),
        data=digest[:12] if digest else "–",
        version=(manifest.get("packages") or {}).get("workbench") or "–",
    )
    link = ""
    if manifest_name:
        link = f' · <a href="{escape_html(manifest_name)}">{escape_html(manifest_name)}</a>'
    return (
        '<footer class="wb-provenance" style="margin: 2em 0 1em; padding-top: .5em; '
        'border-top: 1px solid #ddd; color: #666; font-size: .8em;">'
        f"{escape_html(text)}{link}</footer>"
    )
