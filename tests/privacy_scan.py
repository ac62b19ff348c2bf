"""Look for identifiable data in files: the demo people's names, NHS numbers (with
and without spaces), dates of birth (ISO, British, written out) and postcodes
(with and without the space). Used by tests/test_privacy_scan.py.

A file is read the ways a person or a program would read it, not only as its bytes:
a PDF through pdftotext (its text streams are compressed, so a name printed in it is
not in its bytes), JSON with its escapes undone ("Zo\\u00eb" is "Zoë")."""

from __future__ import annotations

import contextlib
import json
import logging
import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from app.services.record.people import NewPerson
from app.values.nhs_number import format_nhs_number
from tests.ci import require_tool

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Finding:
    path: Path
    what: str  # which kind of identifier, never the identifier itself in a report


def patterns(people: Iterable[NewPerson]) -> list[tuple[str, re.Pattern[bytes]]]:
    """One pattern per identifier. Names are whole words, matched case-sensitively
    (so "/dev/" is not "Dev"); numbers must not sit inside longer digit runs."""
    found: list[tuple[str, re.Pattern[bytes]]] = []

    def word(label: str, text: str) -> None:
        found.append(
            (label, re.compile(rb"(?<![A-Za-z])" + re.escape(text.encode()) + rb"(?![a-z])"))
        )

    def digits(label: str, text: str) -> None:
        found.append((label, re.compile(rb"(?<!\d)" + re.escape(text.encode()) + rb"(?!\d)")))

    for person in people:
        dob = person.date_of_birth
        born = dob if isinstance(dob, date) else date.fromisoformat(dob)
        word("given name", person.given_name)
        word("family name", person.family_name)
        digits("NHS number", person.nhs_number)
        digits("NHS number with spaces", format_nhs_number(person.nhs_number))
        digits("date of birth (ISO)", born.isoformat())
        digits("date of birth (British)", born.strftime("%d/%m/%Y"))
        digits("date of birth (written)", born.strftime("%d %b %Y"))
        postcode = person.postcode.upper()
        found.append(("postcode", re.compile(re.escape(postcode.encode()), re.IGNORECASE)))
        found.append(
            (
                "postcode without space",
                re.compile(re.escape(postcode.replace(" ", "").encode()), re.IGNORECASE),
            )
        )
    return found


def _variants(data: bytes) -> list[bytes]:
    """The bytes as written, and as UTF-16 text decoded back (Qt and Windows write it)."""
    out = [data]
    for codec in ("utf-16-le", "utf-16-be"):
        if data.count(b"\x00") > len(data) // 4:
            try:
                out.append(data.decode(codec).encode("utf-8", "ignore"))
            except UnicodeDecodeError:
                continue
    return out


def pdf_text(path: Path) -> str:
    """The text pdftotext reads from a PDF, pages separated by form feeds. Without
    pdftotext the test skips, or fails when CI is set (tests/ci.py)."""
    tool = require_tool("pdftotext", "poppler-utils")
    result = subprocess.run(
        [tool, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, timeout=60
    )
    return result.stdout.decode("utf-8")


def json_strings(value: object) -> list[str]:
    """Every string in a JSON document, keys included, escapes undone."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*json_strings(k), *json_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in json_strings(v)]
    return []


def _readings(path: Path, data: bytes) -> list[bytes] | None:
    """The file as a reader would see it, beside its bytes; None for a PDF that
    pdftotext cannot read (then nothing can be said about what it holds)."""
    out = _variants(data)
    if data.startswith(b"%PDF-"):
        try:
            out.append(pdf_text(path).encode("utf-8"))
        except subprocess.CalledProcessError:
            return None
    elif data.lstrip()[:1] in (b"{", b"["):
        # Not JSON after all (ValueError): its bytes are still scanned.
        with contextlib.suppress(ValueError):
            out.append("\n".join(json_strings(json.loads(data))).encode("utf-8"))
    return out


def scan(files: Iterable[Path], people: Iterable[NewPerson]) -> list[Finding]:
    compiled = patterns(people)
    findings: list[Finding] = []
    for path in files:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        readings = _readings(path, data)
        if readings is None:
            findings.append(Finding(path, "a PDF pdftotext cannot read"))
            continue
        for label, pattern in compiled:
            if any(pattern.search(v) for v in readings):
                findings.append(Finding(path, label))
    return findings


def files_under(*roots: Path, exclude: Iterable[Path] = ()) -> list[Path]:
    """Every regular file under the roots, except the named ones."""
    skip = {p.resolve() for p in exclude}
    found: list[Path] = []
    for root in roots:
        if not root.exists():
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.is_symlink() and path.resolve() not in skip:
                found.append(path)
    return found


def _folded(text: str) -> str:
    """Runs of white space as one space: a printed line may wrap anywhere."""
    return re.sub(r"\s+", " ", text)


def output_text(path: Path) -> str:
    """A file the user chose to write, read as its reader would: a PDF through
    pdftotext, a FHIR export through fhir.resources (it must parse as an R4 Bundle)."""
    from fhir.resources.R4B.bundle import Bundle  # only the export checks need it

    data = path.read_bytes()
    if data.startswith(b"%PDF-"):
        return pdf_text(path)
    bundle = Bundle.model_validate_json(data)
    return "\n".join(json_strings(json.loads(bundle.model_dump_json())))


def restricted_found(paths: Iterable[Path], secrets: Iterable[str]) -> list[Finding]:
    """Which of the restricted texts (key safe codes, safeguarding detail, sensitive
    narratives) appear in which outputs, each named by its place in the list only."""
    wanted = [_folded(s).strip() for s in secrets]
    findings: list[Finding] = []
    for path in paths:
        text = _folded(output_text(path))
        findings.extend(
            Finding(path, f"restricted text #{n}") for n, s in enumerate(wanted) if s in text
        )
    return findings
