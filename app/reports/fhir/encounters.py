"""Contact notes and planned visits, as Encounters. An export leaves the store:
a note marked sensitive goes without its narrative, whoever exports it."""

from __future__ import annotations

from xml.sax.saxutils import escape

from app.reports.fhir.elements import Entries, Export, identifier, instant, ref, text, urn
from app.reports.fhir.terms import ENCOUNTER_CLASS, V3_ACT_CODE, VISIT_STATUS
from app.values.vocab import ContactType
from storage.tables import ContactNote, StaffMember


def _narrative(note: ContactNote, author: StaffMember | None) -> str:
    narrative = (
        "Narrative withheld: marked sensitive in the record. Restricted — ask "
        f"{author.display_name if author else 'the author of this note'}."
        if note.sensitive
        else note.narrative
    )
    if note.amends_id:
        why = f" Why: {note.amendment_reason}" if note.amendment_reason else ""
        narrative = f"Correction to an earlier note ({urn(note.amends_id)}).{why}\n{narrative}"
    return narrative


def add_notes(entries: Entries, export: Export) -> None:
    staff = export.snap.staff
    orgs = export.snap.organisations
    for n in sorted(export.snap.notes, key=lambda n: n.occurred_at):
        cls, cls_display = ENCOUNTER_CLASS.get(n.contact_type, ("HH", "home health"))
        author = staff.get(n.author_id or "")
        label = (
            ContactType(n.contact_type).label
            if n.contact_type in ContactType.__members__.values()
            else n.contact_type
        )
        entries.add(
            n.id,
            {
                "resourceType": "Encounter",
                "identifier": identifier(n.id),
                "text": {
                    "status": "additional",
                    "div": '<div xmlns="http://www.w3.org/1999/xhtml">'
                    + escape(_narrative(n, author)).replace("\n", "<br/>")
                    + "</div>",
                },
                "status": "finished",
                "class": {"system": V3_ACT_CODE, "code": cls, "display": cls_display},
                "type": [text(label)],
                "subject": export.patient_ref,
                "participant": [{"individual": ref(author.id, author.display_name)}]
                if author
                else [],
                "period": {"start": instant(n.occurred_at)},
                "serviceProvider": ref(n.organisation_id) if n.organisation_id in orgs else None,
            },
        )


def add_visits(entries: Entries, export: Export) -> None:
    staff = export.snap.staff
    for v in export.snap.visits:
        assignee = staff.get(v.assigned_to_id or "")
        entries.add(
            v.id,
            {
                "resourceType": "Encounter",
                "identifier": identifier(v.id),
                "status": VISIT_STATUS.get(v.status, "planned"),
                "class": {"system": V3_ACT_CODE, "code": "HH", "display": "home health"},
                "type": [text(v.purpose or "Planned visit")],
                "subject": export.patient_ref,
                "participant": [{"individual": ref(assignee.id, assignee.display_name)}]
                if assignee
                else [],
                "period": {"start": instant(v.due_at)},
            },
        )
