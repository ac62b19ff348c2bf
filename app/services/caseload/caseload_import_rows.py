"""Reading a caseload spreadsheet (CSV): which column is which, and every row judged
by the record's own rules (`app.rules`, `NhsNumber`) before anything is written.

Each bad row is reported with its line in the file (the header is line 1) and
one plain reason, so a coordinator can fix the spreadsheet and try again.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from app import rules
from app.errors import InvalidInputError, UsageError
from app.values.nhs_number import NhsNumber
from app.values.vocab import LevelOfNeed

logger = logging.getLogger(__name__)

REQUIRED = ("nhs_number", "given_name", "family_name", "date_of_birth")
OPTIONAL = (
    "preferred_name",
    "address_line1",
    "town",
    "postcode",
    "phone",
    "level_of_need",
    "locality",
    "lead_professional",
)
FIELDS = REQUIRED + OPTIONAL
LABELS = {name: name.replace("_", " ").replace("nhs", "NHS") for name in FIELDS}

# Headings teams use in their spreadsheets, squashed to letters and digits.
_ALIASES = {
    "nhs_number": ("nhsnumber", "nhsno", "nhs"),
    "given_name": ("givenname", "firstname", "forename", "forenames", "first"),
    "family_name": ("familyname", "surname", "lastname", "last"),
    "date_of_birth": ("dateofbirth", "dob", "birthdate", "born"),
    "preferred_name": ("preferredname", "knownas"),
    "address_line1": ("addressline1", "address", "address1", "street"),
    "town": ("town", "village", "city"),
    "postcode": ("postcode", "postalcode", "zip"),
    "phone": ("phone", "telephone", "phonenumber", "tel"),
    "level_of_need": ("levelofneed", "need", "level"),
    "locality": ("locality", "area"),
    "lead_professional": ("leadprofessional", "keyworker", "lead", "worker"),
}


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


@dataclass(frozen=True)
class BadRow:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True)
class ImportRow:
    """One good row: Person columns ready to write, and the directory names to resolve."""

    line: int
    person: dict[str, object]
    locality: str | None = None
    lead_professional: str | None = None
    provided: frozenset[str] = field(default_factory=frozenset)

    @property
    def nhs_number(self) -> str:
        return str(self.person["nhs_number"])

    @property
    def name_and_dob(self) -> tuple[str, str, date]:
        p = self.person
        dob = p["date_of_birth"]
        assert isinstance(dob, date)
        return (str(p["family_name"]).lower(), str(p["given_name"]).lower(), dob)


def parse_mapping(items: Iterable[str]) -> dict[str, str]:
    """["Surname=family_name"] -> {"Surname": "family_name"}; unknown fields refused."""
    mapping: dict[str, str] = {}
    for item in items:
        column, sep, name = item.rpartition("=")
        name = name.strip().lower().replace("-", "_").replace(" ", "_")
        if not sep or not column.strip():
            raise UsageError("'{item}' should look like COLUMN=FIELD.", item=item)
        if name not in FIELDS:
            raise UsageError(
                "'{name}' is not a field to import. Fields: {fields}.",
                name=name,
                fields=", ".join(FIELDS),
            )
        mapping[column.strip()] = name
    return mapping


def column_mapping(headers: list[str], chosen: Mapping[str, str] | None = None) -> dict[int, str]:
    """Column index -> field: the user's choices first, then the usual headings."""
    chosen = dict(chosen or {})
    by_heading = {h.strip(): n for n, h in enumerate(headers)}
    found: dict[int, str] = {}
    for heading, name in chosen.items():
        if heading not in by_heading:
            raise UsageError("The file has no column headed '{heading}'.", heading=heading)
        if not name:
            continue  # chosen as "not imported"
        if name in found.values():
            raise UsageError("Two columns are both the {name}: choose one.", name=LABELS[name])
        found[by_heading[heading]] = name
    for n, heading in enumerate(headers):
        if n in found or heading.strip() in chosen:
            continue
        squashed = _squash(heading)
        for name, aliases in _ALIASES.items():
            if squashed in aliases and name not in found.values():
                found[n] = name
                break
    missing = [name for name in REQUIRED if name not in found.values()]
    if missing:
        raise UsageError(
            "No column for the {value1}: name one with --map COLUMN={value3} (or "
            "choose it in the column mapping).",
            value1=LABELS[missing[0]],
            value3=missing[0],
        )
    return found


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """Heading -> field for the headings we recognise ("" for the rest): the column
    mapping a person starts from."""
    guessed: dict[str, str] = {}
    for heading in headers:
        squashed = _squash(heading)
        name = next((n for n, aliases in _ALIASES.items() if squashed in aliases), "")
        guessed[heading.strip()] = "" if name in guessed.values() else name
    return guessed


def read_csv_file(path: Path) -> str:
    """A spreadsheet's CSV as text: UTF-8 (with or without Excel's byte-order mark),
    else Windows-1252, which older spreadsheets still save."""
    try:
        data = path.expanduser().read_bytes()
    except FileNotFoundError:
        raise InvalidInputError("There is no file {path}.", path=path) from None
    except OSError as exc:
        raise InvalidInputError(
            "Cannot read {path} ({error}).", path=path, error=exc.strerror or "error"
        ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_rows(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(headings, [(line number, cells)]) with blank lines left out."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        headers = next(reader)
    except StopIteration:
        raise InvalidInputError("The file is empty: there is no heading row.") from None
    except csv.Error as exc:
        raise InvalidInputError("line 1: not a CSV file ({exc}).", exc=exc) from None
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise InvalidInputError(
            "line {num}: cannot be read as CSV ({exc}).", num=reader.line_num, exc=exc
        ) from None
    return headers, rows


def judge(line: int, cells: list[str], columns: dict[int, str], today: date) -> ImportRow:
    """A clean row, or InvalidInputError naming the first field that is wrong."""
    raw = {name: (cells[n].strip() if n < len(cells) else "") for n, name in columns.items()}
    for name in REQUIRED:
        if not raw.get(name):
            raise InvalidInputError("the {name} is missing.", name=LABELS[name])
    person: dict[str, object] = {}
    try:
        person["nhs_number"] = NhsNumber.parse(raw["nhs_number"]).digits
        person["given_name"] = rules.required_name(raw["given_name"], "given name")
        person["family_name"] = rules.required_name(raw["family_name"], "family name")
        person["date_of_birth"] = rules.date_of_birth(raw["date_of_birth"], today)
        if raw.get("preferred_name"):
            person["preferred_name"] = rules.optional_text(raw["preferred_name"], 120)
        if raw.get("address_line1"):
            person["address_line1"] = rules.optional_text(raw["address_line1"]) or ""
        if raw.get("town"):
            person["town"] = rules.optional_text(raw["town"], 120)
        if raw.get("postcode"):
            person["postcode"] = rules.postcode(raw["postcode"])
        if raw.get("phone"):
            person["phone"] = rules.phone(raw["phone"])
        if raw.get("level_of_need"):
            person["level_of_need"] = LevelOfNeed.parse(raw["level_of_need"]).value
    except InvalidInputError as exc:
        raise InvalidInputError("{raw}{exc}", raw=_field_of(exc, raw), exc=exc) from None
    return ImportRow(
        line=line,
        person=person,
        locality=raw.get("locality") or None,
        lead_professional=raw.get("lead_professional") or None,
        provided=frozenset(k for k, v in raw.items() if v),
    )


def _field_of(exc: InvalidInputError, raw: dict[str, str]) -> str:
    """'level of need: ' before a vocabulary's reason, which does not say which field."""
    message = str(exc)
    if "is not one of" in message and raw.get("level_of_need"):
        return "level of need: "
    return ""
