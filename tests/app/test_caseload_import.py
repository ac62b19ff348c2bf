"""Importing a caseload from CSV: every bad-row kind with its line, all or nothing,
duplicates by NHS number and by name plus date of birth, skipped or merged."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.errors import UsageError
from app.services.caseload.caseload_import import ImportRefusedError, import_caseload
from app.services.caseload.caseload_import_rows import parse_mapping
from app.workspace import Workspace
from storage.tables import AuditEvent, ChangeRecord, Locality, Person, StaffMember
from tests.app.team_data import sign_in_as

TODAY = date(2026, 11, 16)
HEADER = "NHS number,First name,Surname,DOB,Postcode,Level of need,Locality,Key worker\n"
GOOD = (
    "999 000 0018,Ada,Ashworth,12/04/1938,dl8 3ab,Specialist,Wensleydale,Ceri Jones\n"
    "9990000026,Bryn,Pritchard,1951-10-30,BD23 1JD,targeted,,\n"
    "9990000034,Cerys,Ashworth,14 Feb 1948,,universal,Wensleydale,\n"
)


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    sign_in_as(workspace)
    with workspace.store.write(workspace.actor) as s:
        s.add(Locality(name="Wensleydale"))
        s.add(StaffMember(display_name="Ceri Jones", role="social_worker"))
    return workspace


def _counts(ws: Workspace) -> tuple[int, int, int]:
    with ws.store.read() as s:
        people = s.execute(select(func.count(Person.id))).scalar_one()
        journal = s.execute(select(func.count(ChangeRecord.seq))).scalar_one()
        events = s.execute(select(func.count(AuditEvent.id))).scalar_one()
    return people, journal, events


def _run(ws: Workspace, text: str, **kw: object) -> object:
    return import_caseload(ws, text, today=TODAY, **kw)  # type: ignore[arg-type]


def test_a_clean_file_imports_every_row_journalled_with_progress(ws: Workspace) -> None:
    seen: list[tuple[int, int]] = []
    report = import_caseload(
        ws, HEADER + GOOD, today=TODAY, progress=lambda d, t: seen.append((d, t))
    )
    assert (report.created, report.merged, report.skipped, report.written) == (3, 0, 0, True)
    assert seen[0] == (0, 3) and seen[-1] == (3, 3)
    with ws.store.read() as s:
        ada = s.execute(select(Person).where(Person.nhs_number == "9990000018")).scalar_one()
        ceri = s.execute(select(StaffMember.id).where(StaffMember.display_name == "Ceri Jones"))
        assert ada.lead_professional_id == ceri.scalar_one()
        assert (ada.postcode, ada.level_of_need, ada.date_of_birth) == (
            "DL8 3AB",
            "specialist",
            date(1938, 4, 12),
        )
        assert ada.locality_id is not None
        creates = s.execute(
            select(func.count()).where(ChangeRecord.entity == "person", ChangeRecord.op == "create")
        ).scalar_one()
        assert creates == 3  # each new person is journalled, so the import syncs
        [event] = s.execute(select(AuditEvent).where(AuditEvent.action == "caseload_imported"))
        assert '"created": 3' in event[0].detail


BAD_KINDS = [
    ("9990000019,Dai,Evans,1950-01-01,,,,\n", "check digit is wrong"),
    ("9990000042,Dai,Evans,31/02/1950,,,,\n", "not a date of birth I can read"),
    ("9990000042,Dai,Evans,2030-01-01,,,,\n", "cannot be in the future"),
    ("9990000042,,Evans,1950-01-01,,,,\n", "the given name is missing"),
    ("9990000042,Dai,Evans,1950-01-01,,critical,,\n", "level of need: 'critical' is not one of"),
    ("9990000018,Dai,Evans,1950-01-01,,,,\n", "the same NHS number as line 2"),
    ("9990000042,Ada,Ashworth,12/04/1938,,,,\n", "the same name and date of birth as line 2"),
    ("9990000042,Dai,Evans,1950-01-01,,,Atlantis,\n", "no locality called 'Atlantis'"),
    ("9990000042,Dai,Evans,1950-01-01,,,,Nobody\n", "'Nobody' is not one active member"),
]


@pytest.mark.parametrize(("row", "reason"), BAD_KINDS)
def test_each_bad_row_kind_is_named_with_its_line_and_nothing_is_written(
    ws: Workspace, row: str, reason: str
) -> None:
    before = _counts(ws)
    with pytest.raises(ImportRefusedError) as refused:
        _run(ws, HEADER + GOOD + row)
    bad = refused.value.report.bad
    assert len(bad) == 1 and bad[0].line == 5 and reason in bad[0].reason, bad
    assert "Nothing was imported" in str(refused.value)
    assert _counts(ws) == before  # people, journal and audit all untouched


def test_every_bad_row_is_listed_not_just_the_first(ws: Workspace) -> None:
    text = HEADER + GOOD + "".join(row for row, _ in BAD_KINDS[:4])
    with pytest.raises(ImportRefusedError) as refused:
        _run(ws, text)
    assert [b.line for b in refused.value.report.bad] == [5, 6, 7, 8]


def test_dry_run_checks_but_writes_nothing(ws: Workspace) -> None:
    before = _counts(ws)
    report = _run(ws, HEADER + GOOD, dry_run=True)
    assert report.created == 3 and not report.written  # type: ignore[attr-defined]
    assert _counts(ws) == before


def test_duplicates_skipped_or_merged(ws: Workspace) -> None:
    _run(ws, HEADER + GOOD)
    again = HEADER + (
        "9990000018,Ada,Ashworth,12/04/1938,DL8 4QT,targeted,,\n"  # same NHS number
        "9990000042,Bryn,Pritchard,1951-10-30,,,,\n"  # same name and DOB, other NHS number
        "9990000050,Efa,Evans,1960-05-05,,,,\n"  # new
    )
    skipped = _run(ws, again, on_duplicate="skip")
    assert (skipped.created, skipped.merged, skipped.skipped) == (1, 0, 2)  # type: ignore[attr-defined]
    assert [(d.line, d.by) for d in skipped.duplicates] == [(2, "nhs_number"), (3, "name_and_dob")]  # type: ignore[attr-defined]
    with ws.store.read() as s:
        ada = s.execute(select(Person).where(Person.nhs_number == "9990000018")).scalar_one()
    assert ada.postcode == "DL8 3AB"

    merged = _run(ws, again.replace("9990000050,Efa", "9990000069,Fay"), on_duplicate="merge")
    # Ada merges; Bryn matches by name and DOB but holds another NHS number: never merged.
    assert (merged.created, merged.merged, merged.skipped) == (1, 1, 1)  # type: ignore[attr-defined]
    with ws.store.read() as s:
        ada = s.execute(select(Person).where(Person.nhs_number == "9990000018")).scalar_one()
        assert (ada.postcode, ada.level_of_need) == ("DL8 4QT", "targeted")
        assert ada.lead_professional_id is not None  # a blank cell never empties a field
        assert s.execute(select(func.count(Person.id))).scalar_one() == 5
        edited = s.execute(
            select(AuditEvent).where(
                AuditEvent.action == "record_edited", AuditEvent.person_id == ada.id
            )
        ).scalar_one()
        assert "postcode" in edited.detail


def test_column_mapping(ws: Workspace) -> None:
    text = "Ref,Given,Family,Born on\n9990000018,Ada,Ashworth,1938-04-12\n"
    with pytest.raises(UsageError, match="No column for the NHS number"):
        _run(ws, text)
    mapping = parse_mapping(["Ref=nhs_number", "Given=given_name", "Family=family_name"])
    report = _run(ws, text, mapping=mapping | {"Born on": "date_of_birth"})
    assert report.created == 1  # type: ignore[attr-defined]
    with pytest.raises(UsageError, match="not a field to import"):
        parse_mapping(["Ref=shoe_size"])
    with pytest.raises(UsageError, match="no column headed"):
        _run(ws, text, mapping={"Missing": "nhs_number"})


def test_a_failure_while_writing_leaves_nothing_behind(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """All or nothing holds past validation: a write that fails after the first batch
    went in rolls back every batch, the journal and the audit event."""
    import app.services.caseload.caseload_import as module

    real = module.insert_rows
    calls: list[int] = []

    def fail_on_second(session: object, cls: object, rows: list[dict[str, object]]) -> int:
        calls.append(len(rows))
        if len(calls) == 2:
            raise OSError("disk went away")
        return real(session, cls, rows)  # type: ignore[arg-type]

    monkeypatch.setattr(module, "BATCH", 1)
    monkeypatch.setattr(module, "insert_rows", fail_on_second)
    before = _counts(ws)
    with pytest.raises(OSError, match="disk went away"):
        _run(ws, HEADER + GOOD)
    assert calls == [1, 1]
    assert _counts(ws) == before
