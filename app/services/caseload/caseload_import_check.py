"""Checking a caseload spreadsheet against this profile before anything is written.

Every row is judged (`caseload_import_rows`); then the locality and lead
professional must be known, and each person is looked up by NHS number and by
name plus date of birth. The result says exactly what an import would do.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import InvalidInputError
from app.services import clock
from app.services.caseload.caseload_import_rows import (
    BadRow,
    ImportRow,
    column_mapping,
    judge,
    read_rows,
)
from app.services.write_rules.write_policy import NOT_LEADS
from storage.tables import Locality, Person, StaffMember

logger = logging.getLogger(__name__)

OnDuplicate = Literal["skip", "merge"]


@dataclass(frozen=True)
class Duplicate:
    line: int
    by: Literal["nhs_number", "name_and_dob"]
    person_id: str
    # Matched by name and date of birth but holding another NHS number: never merged.
    different_nhs_number: bool = False


@dataclass(frozen=True)
class ImportReport:
    rows: int
    bad: list[BadRow]
    duplicates: list[Duplicate]
    created: int = 0
    merged: int = 0
    skipped: int = 0
    written: bool = False
    new_rows: list[ImportRow] = field(default_factory=list, repr=False)
    merge_rows: list[tuple[ImportRow, Duplicate]] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return not self.bad


class ImportRefusedError(InvalidInputError):
    """Some rows are bad: nothing was imported."""

    def __init__(self, report: ImportReport) -> None:
        count = len(report.bad)
        first = report.bad[0]
        super().__init__(
            f"{count} row{'s' if count != 1 else ''} cannot be imported (first: {first}). "
            "Nothing was imported."
        )
        self.report = report


def check(
    session: Session,
    text: str,
    *,
    mapping: Mapping[str, str] | None = None,
    on_duplicate: OnDuplicate = "skip",
    today: date | None = None,
) -> ImportReport:
    """Judge every row against the rules and this profile; write nothing."""
    headers, raw_rows = read_rows(text)
    columns = column_mapping(headers, mapping)
    today = today or clock.today()
    localities = {n.lower(): i for i, n in session.execute(select(Locality.id, Locality.name))}
    staff: dict[str, list[str]] = {}
    for staff_id, name in session.execute(
        select(StaffMember.id, StaffMember.display_name).where(
            StaffMember.active.is_(True), StaffMember.role.not_in(NOT_LEADS)
        )
    ):
        staff.setdefault(name.lower(), []).append(staff_id)
    by_nhs = {str(r[0]): str(r[1]) for r in session.execute(select(Person.nhs_number, Person.id))}
    by_name: dict[tuple[str, str, date], tuple[str, str | None]] = {}
    for r in session.execute(
        select(
            Person.id,
            func.lower(Person.family_name),
            func.lower(Person.given_name),
            Person.date_of_birth,
            Person.nhs_number,
        )
    ):
        by_name[(str(r[1]), str(r[2]), r[3])] = (str(r[0]), r[4])

    bad: list[BadRow] = []
    good: list[ImportRow] = []
    seen_nhs: dict[str, int] = {}
    seen_name: dict[tuple[str, str, date], int] = {}
    for line, cells in raw_rows:
        try:
            row = judge(line, cells, columns, today)
        except InvalidInputError as exc:
            bad.append(BadRow(line, str(exc)))
            continue
        if (first := seen_nhs.get(row.nhs_number)) is not None:
            bad.append(BadRow(line, f"the same NHS number as line {first}."))
            continue
        if (first := seen_name.get(row.name_and_dob)) is not None:
            bad.append(BadRow(line, f"the same name and date of birth as line {first}."))
            continue
        seen_nhs[row.nhs_number] = line
        seen_name[row.name_and_dob] = line
        if row.locality and row.locality.lower() not in localities:
            bad.append(BadRow(line, f"there is no locality called '{row.locality}'."))
            continue
        if row.lead_professional and len(staff.get(row.lead_professional.lower(), [])) != 1:
            bad.append(
                BadRow(
                    line,
                    f"'{row.lead_professional}' is not one active member of staff "
                    "who holds a caseload.",
                )
            )
            continue
        good.append(row)

    duplicates: list[Duplicate] = []
    new_rows: list[ImportRow] = []
    merge_rows: list[tuple[ImportRow, Duplicate]] = []
    for row in good:
        if (pid := by_nhs.get(row.nhs_number)) is not None:
            dup = Duplicate(row.line, "nhs_number", pid)
        elif (match := by_name.get(row.name_and_dob)) is not None:
            dup = Duplicate(row.line, "name_and_dob", match[0], different_nhs_number=bool(match[1]))
        else:
            new_rows.append(row)
            continue
        duplicates.append(dup)
        if on_duplicate == "merge" and not dup.different_nhs_number:
            merge_rows.append((row, dup))
    resolved = [_resolved(r, localities, staff) for r in new_rows]
    return ImportReport(
        rows=len(raw_rows),
        bad=bad,
        duplicates=duplicates,
        created=len(resolved),
        merged=len(merge_rows),
        skipped=len(duplicates) - len(merge_rows),
        new_rows=resolved,
        merge_rows=[(_resolved(r, localities, staff), d) for r, d in merge_rows],
    )


def _resolved(row: ImportRow, localities: dict[str, str], staff: dict[str, list[str]]) -> ImportRow:
    person = dict(row.person)
    if row.locality:
        person["locality_id"] = localities[row.locality.lower()]
    if row.lead_professional:
        person["lead_professional_id"] = staff[row.lead_professional.lower()][0]
    return ImportRow(row.line, person, row.locality, row.lead_professional, row.provided)
