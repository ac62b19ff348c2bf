"""The tests that read printed PDFs as text (hazard H7's, and the privacy scan) need
pdftotext: run with a PATH that lacks it, they skip on a developer's machine and fail
when CI is set, the real tests in a pytest subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
READERS = (
    "tests/reports/test_plan_pdf.py::test_restricted_details_are_never_printed",
    "tests/test_privacy_scan.py::test_nothing_identifiable_is_written_outside_the_encrypted_store",
)


def _without_pdftotext(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    # The interpreter's own folder only: pytest and the project, no poppler-utils.
    path = str(Path(sys.executable).parent)
    assert shutil.which("pdftotext", path=path) is None
    env = {k: v for k, v in os.environ.items() if k not in {"CI", "PYTEST_ADDOPTS"}}
    env |= {"PATH": path, "HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"} | extra
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-n", "0", *READERS],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_without_pdftotext_the_pdf_readers_skip_off_ci(tmp_path: Path) -> None:
    run = _without_pdftotext(tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 skipped" in run.stdout and "pdftotext (poppler-utils) is not installed" in run.stdout


def test_without_pdftotext_the_pdf_readers_fail_in_ci(tmp_path: Path) -> None:
    run = _without_pdftotext(tmp_path, CI="true")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "2 failed" in run.stdout, run.stdout
    assert "pdftotext (poppler-utils) is not installed (CI is set" in run.stdout
