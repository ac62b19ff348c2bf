"""The editing dialogs for risks, alerts and consent to share."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app.services import clock
from app.services.care import consent, risks
from app.services.changes import Change
from app.services.record.record import AlertItem, ConsentItem, PersonRecord, RiskItem
from app.values.vocab import (
    AlertKind,
    ConsentCategory,
    ConsentDecision,
    ConsentMethod,
    RiskKind,
    RiskStatus,
)
from app.workspace import Workspace
from ui.i18n import tr
from ui.kit import formatting
from ui.kit.forms import Field
from ui.record.editor import Editor, choices, date_text

# -- risks and alerts -------------------------------------------------------------------

RISK_FIELDS = (
    Field("kind", "Kind of risk", "choice", choices=choices(RiskKind)),
    Field("description", "The risk", "text", lines=3),
    Field(
        "likelihood",
        "Likelihood",
        "number",
        hint="1 (rare) to 5 (almost certain).",
        minimum=1,
        maximum=5,
    ),
    Field(
        "impact", "Impact", "number", hint="1 (minor) to 5 (catastrophic).", minimum=1, maximum=5
    ),
    Field("mitigation", "How it is managed", "text", lines=3, optional=True),
    Field("review_on", "Review by", "date", optional=True),
)


def risk(record: PersonRecord, item: RiskItem | None) -> Editor:
    person_id = record.header.person_id
    if item is None:

        def add(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
            return risks.add_risk(ws, person_id=person_id, draft_key=draft, **v)

        return Editor(
            "new_risk",
            None,
            person_id,
            tr("Add a risk"),
            RISK_FIELDS,
            add,
            initial={
                "likelihood": 3,
                "impact": 3,
                "review_on": date_text(clock.today() + timedelta(days=90)),
            },
            focus="kind",
        )
    risk_id = item.id
    fields = (*RISK_FIELDS, Field("status", "Status", "choice", choices=choices(RiskStatus)))

    def update(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
        return risks.update_risk(ws, risk_id=risk_id, draft_key=draft, **v)

    return Editor(
        "risk",
        risk_id,
        person_id,
        tr("Review a risk"),
        fields,
        update,
        initial={
            "kind": item.kind,
            "description": item.description,
            "likelihood": item.likelihood,
            "impact": item.impact,
            "mitigation": item.mitigation,
            "review_on": date_text(item.review_on),
            "status": item.status,
        },
        focus="likelihood",
    )


def alert(record: PersonRecord, item: AlertItem | None) -> Editor:
    person_id = record.header.person_id
    if item is None:
        fields = (
            Field("kind", "Kind of alert", "choice", choices=choices(AlertKind)),
            Field("summary", "What a visitor needs to know", "text", lines=3),
            Field(
                "restricted_detail",
                "Restricted detail",
                "text",
                hint="For example a key safe code. Kept encrypted and not shown on screen; "
                "colleagues are told to ask the lead professional.",
                optional=True,
                lines=2,
            ),
        )

        def add(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
            return risks.add_alert(ws, person_id=person_id, draft_key=draft, **v)

        return Editor("new_alert", None, person_id, tr("Add an alert"), fields, add, focus="kind")
    alert_id = item.id
    fields = (
        Field("kind", "Kind of alert", "choice", choices=choices(AlertKind)),
        Field("summary", "What a visitor needs to know", "text", lines=3),
        Field("active", "This alert still applies", "check"),
    )

    def update(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
        return risks.update_alert(ws, alert_id=alert_id, draft_key=draft, **v)

    return Editor(
        "alert",
        alert_id,
        person_id,
        tr("Change or end an alert"),
        fields,
        update,
        initial={"kind": item.kind, "summary": item.summary, "active": item.active},
        intro=tr("Untick 'This alert still applies' to end it; it stays in the record's history."),
        focus="summary",
    )


# -- consent ----------------------------------------------------------------------------


def _consent_fields(partners: tuple[tuple[str, str], ...] | None) -> tuple[Field, ...]:
    head: tuple[Field, ...] = ()
    if partners is not None:
        head = (
            Field(
                "partner_organisation_id",
                "Shared with",
                "choice",
                choices=(("", "All partner organisations"), *partners),
            ),
            Field("category", "Kind of information", "choice", choices=choices(ConsentCategory)),
        )
    return (
        *head,
        Field("decision", "Decision", "choice", choices=choices(ConsentDecision)),
        Field(
            "given_by",
            "Decided by",
            hint="The person, or who decided for them (for example their attorney).",
        ),
        Field("method", "How it was given", "choice", choices=choices(ConsentMethod)),
        Field("decided_on", "Date of the decision", "date"),
        Field("review_on", "Review by", "date", optional=True),
        Field(
            "reason_refused",
            "Reason consent was refused",
            "text",
            hint="Needed if consent is refused.",
            optional=True,
            lines=2,
        ),
    )


def consent_decision(
    record: PersonRecord, item: ConsentItem | None, partners: tuple[tuple[str, str], ...]
) -> Editor:
    person_id = record.header.person_id
    today = clock.today()
    if item is None:

        def add(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
            partner = v.pop("partner_organisation_id") or None
            return consent.record_consent(
                ws, person_id=person_id, partner_organisation_id=partner, draft_key=draft, **v
            )

        return Editor(
            "new_consent",
            None,
            person_id,
            tr("Record consent to share"),
            _consent_fields(partners),
            add,
            initial={
                "partner_organisation_id": "",
                "decision": ConsentDecision.GIVEN.value,
                "given_by": "the person",
                "method": ConsentMethod.VERBAL.value,
                "decided_on": date_text(today),
                "review_on": date_text(today + timedelta(days=365)),
            },
            focus="partner_organisation_id",
        )
    consent_id = item.id

    def review(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
        return consent.review_consent(ws, consent_id=consent_id, draft_key=draft, **v)

    partner = item.partner or tr("all partner organisations")
    return Editor(
        "consent",
        consent_id,
        person_id,
        tr("Review consent to share"),
        _consent_fields(None),
        review,
        initial={
            "decision": item.decision,
            "given_by": item.given_by,
            "method": item.method,
            "decided_on": date_text(today),
            "review_on": date_text(today + timedelta(days=365)),
            "reason_refused": item.reason_refused or "",
        },
        intro=tr(
            "Sharing {category} information with {partner}. Confirm or change the decision."
        ).format(
            category=formatting.label(ConsentCategory, item.category).lower(), partner=partner
        ),
        submit_label="Save review",
        focus="decision",
    )
