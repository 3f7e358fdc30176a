"""A report page → PDF with headless Chromium's print (Debian's `chromium` package).

The page already embeds its charts and a subset of Noto Sans CJK SC (`fonts.embed_cjk_font`), so
the PDF carries real Chinese glyphs without a CJK font on the machine. Chromium runs with a fresh
profile, no network, and a time limit: a browser that hangs is killed, never waited for.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from workbench.core.errors import WorkbenchError

INSTALL_HINT = "install Debian's chromium (`sudo apt-get install chromium`; .ci/run does this)"
PDF_TIMEOUT = 120  # seconds for one page; a report prints in a few
_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--disable-extensions", "--mute-audio", "--no-pdf-header-footer",
          "--run-all-compositor-stages-before-draw")  # fmt: skip


class PdfError(WorkbenchError):
    """Chromium is missing, failed or took too long printing a page."""


def find_chromium() -> str | None:
    """The Chromium executable on PATH (`WORKBENCH_CHROMIUM` first), or None."""
    given = os.environ.get("WORKBENCH_CHROMIUM")
    if given:
        return shutil.which(given)
    return shutil.which("chromium") or shutil.which("chromium-browser")


def html_to_pdf(html: Path, target: Path, timeout: float = PDF_TIMEOUT) -> Path:
    """Print the HTML page `html` to the PDF `target` (A4, no browser header or footer)."""
    chromium = find_chromium()
    if chromium is None:
        raise PdfError(f"PDF export needs Chromium, which is not on PATH: {INSTALL_HINT}")
    html, target = Path(html).resolve(), Path(target).resolve()
    if not html.is_file():
        raise PdfError(f"{html}: no such page to print")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="wb-chromium-") as profile:
        command = [chromium, *_FLAGS, f"--user-data-dir={profile}",
                   f"--print-to-pdf={partial}", html.as_uri()]  # fmt: skip
        code, output = _run(command, timeout)
    if code != 0 or not partial.is_file() or partial.stat().st_size == 0:
        partial.unlink(missing_ok=True)
        raise PdfError(f"{html.name}: Chromium could not print it (exit {code}): {output}")
    partial.replace(target)
    return target


def _run(command: list[str], timeout: float) -> tuple[int, str]:
    """Run Chromium in its own process group; kill the whole group if it overruns `timeout`."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
    try:
        out, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise PdfError(f"Chromium did not finish printing within {timeout:g} s (killed)") from None
    lines = [line for line in out.decode("utf-8", "replace").splitlines() if line.strip()]
    return process.returncode, (lines[-1][:300] if lines else "no output")
