"""Headless Chromium (the Debian package set-up installs): the PDF and screenshots of a report."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from reports.session_view import ReportError

__all__ = ["chromium", "pdf_of", "print_pdf", "screenshot"]


def chromium() -> str:
    """The Chromium executable.

    Raises:
        ReportError: none is installed.
    """
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise ReportError("no Chromium found: PDF reports need it; run `make setup`")


def _run(args: list[str], out: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="recruiter-chromium-") as profile:
        command = [
            chromium(),
            "--headless",
            "--disable-gpu",
            "--no-first-run",
            "--mute-audio",
            f"--user-data-dir={profile}",
            *args,
        ]
        if os.geteuid() == 0:
            command.insert(2, "--no-sandbox")  # Chromium's sandbox refuses to run as root
        # Its own process group, so that a print that hangs is ended with all its helpers.
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, start_new_session=True)  # fmt: skip
        try:
            _, stderr = proc.communicate(timeout=120)
        except subprocess.TimeoutExpired as e:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise ReportError(f"Chromium did not render {out.name} within 120 s") from e
    if proc.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
        raise ReportError(f"Chromium could not render {out.name}: {stderr.strip()[-300:]}")


def print_pdf(html: Path, pdf: Path) -> None:
    """Print the page at ``html`` to ``pdf``, on the paper its ``@page`` rule names (Chromium's
    default, US Letter, without one), with no browser header or footer.

    Raises:
        ReportError: no Chromium, or it printed nothing.
    """
    _run(["--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.resolve().as_uri()], pdf)


def pdf_of(html: str) -> bytes:
    """The PDF of the page ``html`` (:func:`print_pdf` on a private copy).

    Raises:
        ReportError: no Chromium, or it printed nothing.
    """
    with tempfile.TemporaryDirectory(prefix="recruiter-print-") as folder:
        page, pdf = Path(folder) / "report.html", Path(folder) / "report.pdf"
        page.write_text(html, encoding="utf-8")
        print_pdf(page, pdf)
        return pdf.read_bytes()


def screenshot(html: Path, png: Path, *, width: int = 1100, height: int = 2200) -> None:
    """Render the page at ``html`` into a PNG of ``width`` x ``height``."""
    _run(
        [
            f"--window-size={width},{height}",
            "--hide-scrollbars",
            f"--screenshot={png}",
            html.resolve().as_uri(),
        ],
        png,
    )
