"""The printed care and support plan, read back as a person (and a screen reader) would:
through pdftotext and pdfplumber, never through our own code."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pdfplumber
import pytest
from sqlalchemy import select

from app.reports.plan_content import PRINTABLE_ALERTS
from app.reports.plan_model import ContingencyItem
from app.reports.plan_pdf import REPLACES, TITLE, build_plan_pdf
from app.reports.printing import load_plan, record_printed, render_plan, save_plan
from app.services.care.joint_assessment import agree_shown_in_plan, record_part
from app.services.output_file import OutputNotWritableError
from app.services.record import people
from app.workspace import Workspace
from storage.tables import AuditEvent
from tests.ci import require_tool
from tests.reports.conftest import (
    FAMILY,
    GIVEN,
    MARKUP_GOAL,
    NEVER_PRINTED,
    SAFEGUARDING_SUMMARY,
    Planted,
)

NOW = datetime(2026, 11, 22, 10, 30, tzinfo=UTC)


def pdf_text(data: bytes, tmp_path: Path) -> str:
    """The text pdftotext finds (pages separated by form feeds). Without pdftotext the
    test skips, and fails when CI is set: H7 (restricted detail never printed) rests on it."""
    tool = require_tool("pdftotext", "poppler-utils")
    source = tmp_path / "plan.pdf"
    source.write_bytes(data)
    result = subprocess.run(
        [tool, "-enc", "UTF-8", str(source), "-"],
        capture_output=True,
        check=True,
        timeout=60,
    )
    return result.stdout.decode("utf-8")


def one_line(text: str) -> str:
    """Text with line breaks and runs of spaces folded, for phrases that may wrap."""
    return re.sub(r"\s+", " ", text)


def test_plan_prints_what_the_home_folder_needs(
    demo: Workspace, planted: Planted, tmp_path: Path
) -> None:
    plan = render_plan(demo, planted.nhs, now=NOW)
    content = load_plan(demo, planted.nhs, now=NOW)
    text = pdf_text(plan.pdf, tmp_path)
    flat = one_line(text)
    pages = text.split("\f")[: plan.pages]
    assert plan.pages >= 2
    assert not plan.draft

    # Every page: who it is about, and which plan it is.
    for number, page in enumerate(pages, start=1):
        page_flat = one_line(page)
        assert f"{GIVEN} {FAMILY}" in page_flat
        assert f"NHS number {planted.formatted}" in page_flat
        assert "Date of birth" in page_flat
        assert f"Plan version {planted.version}" in page_flat
        assert f"Page {number} of {plan.pages}" in page_flat
        assert REPLACES in page_flat
        assert "Printed 22 November 2026" in page_flat
        assert "DRAFT" not in page
    assert "page 1 of" in flat.lower()

    # The sections, in plain English.
    for heading in (
        "My care and support plan",
        "Who to contact",
        "If things go wrong: my contingency plan",
        "About me and what matters to me",
        "My goals and how I am doing",
        "Who does what and when",
        "My risks and how we manage them together",
        "My carers and the people close to me",
        "What I have agreed to share, and with whom",
        "Agreeing this plan",
    ):
        assert heading in flat, heading
    for goal in content.goals:
        assert one_line(goal.statement)[:40] in flat
    assert MARKUP_GOAL in flat  # markup in user text is printed as text, not obeyed
    for item in content.contingency:
        assert one_line(item.trigger)[:30] in flat
        assert "If this happens" in flat and "Do this" in flat
    # Who to call: the lead professional and the out-of-hours numbers.
    assert content.lead is not None and content.lead.phone
    assert content.lead.name in flat
    assert content.lead.phone in flat
    assert any(n.purpose == "Out of hours" for n in content.numbers)
    for number in content.numbers:
        assert number.phone in flat, number
    for carer in content.carers:
        assert carer.name in flat
    assert "Signature" in flat and "The person, or their representative" in flat
    assert "Allergy: penicillin" in flat


def test_restricted_details_are_never_printed(
    demo: Workspace, planted: Planted, tmp_path: Path
) -> None:
    for large in (False, True):
        plan = render_plan(demo, planted.nhs, large_print=large, now=NOW)
        flat = one_line(pdf_text(plan.pdf, tmp_path))
        for secret in NEVER_PRINTED:
            assert secret not in flat
        # Safeguarding and access alerts stay in the record, summary and all.
        assert SAFEGUARDING_SUMMARY not in flat
        assert "Key safe by the back door" not in flat
    assert "access_to_home" not in PRINTABLE_ALERTS and "safeguarding" not in PRINTABLE_ALERTS


def test_draft_plan_says_so_on_every_page(
    demo: Workspace, planted: Planted, tmp_path: Path
) -> None:
    plan = render_plan(demo, planted.draft_nhs, now=NOW)
    assert plan.draft
    text = pdf_text(plan.pdf, tmp_path)
    pages = text.split("\f")[: plan.pages]
    assert len(pages) == plan.pages
    for page in pages:
        assert "DRAFT" in page
        assert REPLACES in one_line(page)
    assert "This plan is a draft" in one_line(text)


def test_large_print_is_at_least_16_point(demo: Workspace, planted: Planted) -> None:
    normal = render_plan(demo, planted.nhs, large_print=False, now=NOW)
    large = render_plan(demo, planted.nhs, large_print=True, now=NOW)
    assert large.large_print and not normal.large_print
    assert large.pages > normal.pages

    def sizes(data: bytes) -> list[float]:
        import io

        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return [round(c["size"], 1) for page in pdf.pages for c in page.chars]

    large_sizes = sizes(large.pdf)
    assert min(large_sizes) >= 16  # body, tables, header and footer alike
    assert max(large_sizes) > 16  # headings larger still
    normal_sizes = sizes(normal.pdf)
    body = max(set(normal_sizes), key=normal_sizes.count)
    assert 10.5 <= body <= 12


def test_same_content_in_large_print(demo: Workspace, planted: Planted, tmp_path: Path) -> None:
    normal = one_line(pdf_text(render_plan(demo, planted.nhs, now=NOW).pdf, tmp_path))
    large = one_line(
        pdf_text(render_plan(demo, planted.nhs, large_print=True, now=NOW).pdf, tmp_path)
    )
    content = load_plan(demo, planted.nhs, now=NOW)
    for phrase in [g.statement for g in content.goals] + [n.phone for n in content.numbers]:
        assert one_line(phrase)[:30] in normal
        assert one_line(phrase)[:30] in large


def test_metadata_names_the_document_and_nobody(
    demo: Workspace, planted: Planted, tmp_path: Path
) -> None:
    import io

    plan = render_plan(demo, planted.nhs, now=NOW)
    with pdfplumber.open(io.BytesIO(plan.pdf)) as pdf:
        meta = {k: str(v) for k, v in pdf.metadata.items()}
    assert meta["Title"] == TITLE
    assert meta.get("Author", "") == ""
    assert meta.get("Subject", "") == ""
    assert meta.get("Keywords", "") == ""
    assert meta["Producer"] == "OneRecord"
    everything = json.dumps(meta, ensure_ascii=False)
    for token in (planted.nhs, planted.formatted, "Zoë", "Siobhán", "Wiśniewska", str(tmp_path)):
        assert token not in everything
    # No path or name in the raw file either (fonts are embedded, not referenced).
    assert b"/usr/share" not in plan.pdf and b"resources/fonts" not in plan.pdf
    assert b"Helvetica" not in plan.pdf
    assert b"DejaVuSans" in plan.pdf  # the embedded Unicode font


def test_save_is_atomic_private_and_audited(
    demo: Workspace, planted: Planted, tmp_path: Path
) -> None:
    plan = render_plan(demo, planted.nhs, now=NOW)
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / plan.file_name
    save_plan(demo, plan, target)
    assert target.read_bytes() == plan.pdf
    assert target.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in folder.iterdir()] == [target.name]  # no temp file left
    assert planted.nhs not in plan.file_name
    record_printed(demo, plan, copies=2)
    with demo.store.read() as session:
        events = (
            session.execute(
                select(AuditEvent)
                .where(AuditEvent.action == "plan_printed")
                .order_by(AuditEvent.device_seq)
            )
            .scalars()
            .all()
        )
    assert [json.loads(e.detail)["to"] for e in events] == ["file", "printer"]
    for event in events:
        detail = json.loads(event.detail)
        assert detail["version"] == planted.version
        assert detail["status"] == "agreed"
        assert event.person_id == plan.person_id
        assert planted.nhs not in event.detail and "Zoë" not in event.detail
    assert json.loads(events[1].detail)["copies"] == 2


def test_save_to_a_missing_folder_writes_nothing_and_audits_nothing(
    demo: Workspace, planted: Planted, tmp_path: Path
) -> None:
    plan = render_plan(demo, planted.nhs, now=NOW)
    with pytest.raises(OutputNotWritableError, match="does not exist"):
        save_plan(demo, plan, tmp_path / "missing" / "plan.pdf")
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    with pytest.raises(OutputNotWritableError):
        save_plan(demo, plan, a_file / "plan.pdf")
    with demo.store.read() as session:
        printed = session.execute(
            select(AuditEvent).where(AuditEvent.action == "plan_printed")
        ).all()
    assert printed == []


def test_long_free_text_never_breaks_the_layout(demo: Workspace, planted: Planted) -> None:
    """A cell taller than a page (a very long contingency plan in large print) splits
    across pages instead of failing to print."""
    content = load_plan(demo, planted.nhs, now=NOW)
    long_text = " ".join(["Ring the surgery first, then the district nurses."] * 150)
    item = ContingencyItem(
        name="If I am unwell in the night",
        trigger=long_text,
        what_should_happen=long_text,
        who_to_contact="District nurses: 01632 960000",
        early_warning_signs=None,
        equipment=None,
        review_on=None,
    )
    bigger = dataclasses.replace(content, contingency=(item, *content.contingency))
    for large in (False, True):
        rendered = build_plan_pdf(bigger, large_print=large)
        assert rendered.pages > 3


def test_a_person_with_an_empty_record_still_gets_a_plan(
    populated: Workspace, tmp_path: Path
) -> None:
    """Registered a minute ago: no plan, goals or contacts yet. The printout says so plainly."""
    plan = render_plan(populated, "999 000 0018", now=NOW)
    assert plan.draft and plan.version == 0
    flat = one_line(pdf_text(plan.pdf, tmp_path))
    assert "Zoë O'Neill" in flat
    assert "999 000 0018" in flat
    assert "DRAFT" in flat
    assert "No goals have been written yet." in flat
    assert "Page 1 of" in flat


def test_a_review_date_already_gone_reads_as_overdue(
    demo: Workspace, planted: Planted, tmp_path: Path
) -> None:
    """The family reads the date: one already past is said to be overdue, never promised."""
    content = load_plan(demo, planted.nhs, now=NOW)
    printed = NOW.date()
    for due, expected, absent in (
        (printed - timedelta(days=5), "is overdue", "We will review it together by"),
        (printed + timedelta(days=5), "We will review it together by", "is overdue"),
        (printed, "We will review it together by", "is overdue"),  # due today: not late yet
    ):
        plan = dataclasses.replace(content.plan, review_due=due)
        rendered = build_plan_pdf(dataclasses.replace(content, plan=plan))
        flat = one_line(pdf_text(rendered.data, tmp_path))
        assert expected in flat
        assert absent not in flat


def test_the_assessment_is_printed_only_where_the_person_agreed(
    populated: Workspace, tmp_path: Path
) -> None:
    """The folder in the home is read by visitors and family: a part of the initial
    assessment is printed only once the person has agreed to it."""
    with populated.store.read() as session:
        zoe = people.find(session, "999 000 0018").id
    record_part(
        populated,
        person_id=zoe,
        part="daily_living",
        findings="Cannot bathe alone; her daughter shops twice a week.",
        needs_help_with=["personal_hygiene"],
        shown_in_plan=True,
    )
    unagreed = record_part(
        populated, person_id=zoe, part="health", findings="Memory clinic referral discussed."
    )
    flat = one_line(pdf_text(render_plan(populated, "999 000 0018", now=NOW).pdf, tmp_path))
    assert "What we found together" in flat
    assert "Cannot bathe alone; her daughter shops twice a week." in flat
    assert "I need help with Maintaining personal hygiene" in flat
    assert "Memory clinic" not in flat

    agree_shown_in_plan(populated, assessment_id=str(unagreed.entity_id), shown=True)
    flat = one_line(pdf_text(render_plan(populated, "999 000 0018", now=NOW).pdf, tmp_path))
    assert "Memory clinic referral discussed." in flat
    assert flat.index("Memory clinic") < flat.index("Cannot bathe alone")  # the form's order


def test_no_agreed_findings_prints_no_findings_section(
    populated: Workspace, tmp_path: Path
) -> None:
    with populated.store.read() as session:
        zoe = people.find(session, "999 000 0018").id
    record_part(populated, person_id=zoe, part="risks", findings="Fell twice since August.")
    flat = one_line(pdf_text(render_plan(populated, "999 000 0018", now=NOW).pdf, tmp_path))
    assert "What we found together" not in flat and "Fell twice" not in flat
