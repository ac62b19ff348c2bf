"""Look for identifiable data in files: the demo people's names, NHS numbers (with
and without spaces), dates of birth (ISO, British, written out) and postcodes
(with and without the space). Used by tests/test_privacy_scan.py."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from app.services.people import NewPerson
from app.values.nhs_number import format_nhs_number


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


def scan(files: Iterable[Path], people: Iterable[NewPerson]) -> list[Finding]:
    compiled = patterns(people)
    findings: list[Finding] = []
    for path in files:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        for label, pattern in compiled:
            if any(pattern.search(v) for v in _variants(data)):
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
