"""Headless Chromium: print the report's HTML to PDF, or take a screenshot of it.

The same browser the browser tests use, rather than a second rendering stack (design.md). The
binary is $THROMBO_CHROMIUM or /usr/bin/chromium. A missing or failing browser never fails the
report: the caller gets the reason instead of a PDF.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

DEFAULT_CHROMIUM = "/usr/bin/chromium"
NO_CHROMIUM = ("Chromium is not installed. Install it with `apt-get install chromium` (Debian "
               "and Ubuntu; .ci/run does this), or set THROMBO_CHROMIUM to a Chromium binary. "
               "The HTML report is complete without it.")

# Flags for a root user in a container without network or display (design.md, CI notes).
_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--disable-dev-shm-usage", "--hide-scrollbars")

# Printing a report of a few hundred kilobytes takes seconds; a hung browser is given up on.
_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class BrowserOutput:
    path: Path | None
    note: str


def chromium_binary() -> str | None:
    """The Chromium to use, or None when none is installed."""
    candidate = os.environ.get("THROMBO_CHROMIUM") or DEFAULT_CHROMIUM
    found = shutil.which(candidate)
    return found


def _run(arguments: list[str], out: Path, what: str) -> BrowserOutput:
    binary = chromium_binary()
    if binary is None:
        return BrowserOutput(None, f"{what} not made: {NO_CHROMIUM}")
    with tempfile.TemporaryDirectory(prefix="thrombo-chromium-") as profile:
        command = [binary, *_FLAGS, f"--user-data-dir={profile}", *arguments]
        try:
            completed = subprocess.run(command, capture_output=True, text=True, check=False,
                                       timeout=_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            return BrowserOutput(None, f"{what} not made: Chromium did not finish in "
                                       f"{_TIMEOUT_SECONDS} s")
    if completed.returncode != 0 or not out.exists() or out.stat().st_size == 0:
        tail = (completed.stderr or "").strip().splitlines()[-1:] or ["no message"]
        return BrowserOutput(None, f"{what} not made: Chromium exited {completed.returncode} "
                                   f"({tail[0]})")
    return BrowserOutput(out, f"{what} made with {Path(binary).name}")


def print_to_pdf(html: Path, pdf: Path) -> BrowserOutput:
    """Print a local HTML file to PDF (A4 as the page CSS asks, no header or footer)."""
    pdf.unlink(missing_ok=True)
    return _run(["--no-pdf-header-footer", f"--print-to-pdf={pdf.resolve()}",
                 html.resolve().as_uri()], pdf, "PDF")


def screenshot(html: Path, png: Path, width: int = 1200, height: int = 4000) -> BrowserOutput:
    """A PNG of the page as a person would see it in a window of width x height pixels."""
    png.unlink(missing_ok=True)
    return _run([f"--screenshot={png.resolve()}", f"--window-size={width},{height}",
                 html.resolve().as_uri()], png, "screenshot")
