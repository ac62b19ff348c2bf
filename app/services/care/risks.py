"""Shared risk management and the alerts a visitor sees first.

Risks: kind, description, likelihood and impact (1-5 each), mitigation, owner
and review date; closing a risk records when. Alerts: kind and a summary
anyone on the team may read; `restricted_detail` (a key safe code,
safeguarding detail) may be recorded but is shown to nobody yet.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from app import rules
from app.errors import InvalidInputError, NotFoundError
from app.services import clock
from app.services.changes import ALERTS, CASELOAD, RISKS, Change
from app.services.need_to_know.access import require_access_to_write
from app.services.ops import operation, optional_date, text
from app.values.vocab import AlertKind, RiskKind, RiskStatus
from app.workspace import Workspace
from storage.audit_log import append as audit
from storage.tables import Alert, Person, Risk, StaffMember

_RISK_AREAS = frozenset({RISKS, CASELOAD})
_ALERT_AREAS = frozenset({ALERTS, CASELOAD})


def _person(session: Session, person_id: str) -> None:
    if session.get(Person, person_id) is None:
        raise NotFoundError("That person is no longer in this profile.")
    require_access_to_write(session, person_id)  # need-to-know, checked at the write


def _risk_fields(
    session: Session,
    *,
    kind: str,
    description: str,
    likelihood: int | str,
    impact: int | str,
    mitigation: str,
    review_on: date | str | None,
    owner_id: str | None,
) -> dict[str, Any]:
    if owner_id is not None and session.get(StaffMember, owner_id) is None:
        raise InvalidInputError("The owner of a risk must be someone on the team.")
    review = optional_date(review_on, "review date")
    return {
        "kind": RiskKind.parse(kind).value,
        "description": text(description, "risk", limit=2000, required=True),
        "likelihood": rules.score(likelihood, "likelihood", 1, 5),
        "impact": rules.score(impact, "impact", 1, 5),
        "mitigation": text(mitigation, "mitigation", limit=4000),
        "review_on": review,
        "owner_id": owner_id,
    }


def add_risk(
    workspace: Workspace,
    *,
    person_id: str,
    kind: str,
    description: str,
    likelihood: int | str,
    impact: int | str,
    mitigation: str = "",
    review_on: date | str | None = None,
    owner_id: str | None = None,
    draft_key: str | None = None,
) -> Change:
    with operation(workspace, draft_key=draft_key) as session:
        _person(session, person_id)
        fields = _risk_fields(
            session,
            kind=kind,
            description=description,
            likelihood=likelihood,
            impact=impact,
            mitigation=mitigation,
            review_on=review_on,
            owner_id=owner_id or workspace.actor.user_id,
        )
        if fields["review_on"] is not None and fields["review_on"] < clock.today():
            raise InvalidInputError("The review date cannot be in the past.")
        risk = Risk(person_id=person_id, status="active", started_on=clock.today(), **fields)
        session.add(risk)
        session.flush()
        audit(session, "risk_added", person_id=person_id, detail={"risk_id": risk.id})
        return Change(
            "risk_added",
            person_id=person_id,
            entity_id=risk.id,
            areas=_RISK_AREAS,
            fields=tuple(fields),
        )


def update_risk(
    workspace: Workspace,
    *,
    risk_id: str,
    kind: str,
    description: str,
    likelihood: int | str,
    impact: int | str,
    mitigation: str = "",
    review_on: date | str | None = None,
    status: str = RiskStatus.ACTIVE.value,
    owner_id: str | None = None,
    draft_key: str | None = None,
) -> Change:
    with operation(workspace, draft_key=draft_key) as session:
        risk = session.get(Risk, risk_id)
        if risk is None:
            raise NotFoundError("That risk is no longer in the record.")
        require_access_to_write(session, risk.person_id)
        fields = _risk_fields(
            session,
            kind=kind,
            description=description,
            likelihood=likelihood,
            impact=impact,
            mitigation=mitigation,
            review_on=review_on,
            owner_id=owner_id or risk.owner_id,
        )
        fields["status"] = RiskStatus.parse(status).value
        if fields["status"] == "closed" and risk.status != "closed":
            fields["ended_on"] = clock.today()
        elif fields["status"] == "active":
            fields["ended_on"] = None
        changed = tuple(name for name, value in fields.items() if getattr(risk, name) != value)
        for name in changed:
            setattr(risk, name, fields[name])
        if changed:
            audit(
                session,
                "risk_edited",
                person_id=risk.person_id,
                detail={"risk_id": risk.id, "fields": list(changed)},
            )
        return Change(
            "risk_edited",
            person_id=risk.person_id,
            entity_id=risk.id,
            areas=_RISK_AREAS,
            fields=changed,
        )


def add_alert(
    workspace: Workspace,
    *,
    person_id: str,
    kind: str,
    summary: str,
    restricted_detail: str | None = None,
    draft_key: str | None = None,
) -> Change:
    code = AlertKind.parse(kind).value
    words = text(summary, "alert", limit=1000, required=True)
    hidden = text(restricted_detail, "restricted detail", limit=1000) or None
    with operation(workspace, draft_key=draft_key) as session:
        _person(session, person_id)
        alert = Alert(
            person_id=person_id,
            kind=code,
            summary=words,
            restricted_detail=hidden,
            active=True,
            started_on=clock.today(),
        )
        session.add(alert)
        session.flush()
        audit(session, "alert_added", person_id=person_id, detail={"alert_id": alert.id})
        return Change(
            "alert_added",
            person_id=person_id,
            entity_id=alert.id,
            areas=_ALERT_AREAS,
            fields=("kind", "summary", "active"),
        )


def update_alert(
    workspace: Workspace,
    *,
    alert_id: str,
    kind: str,
    summary: str,
    active: bool = True,
    draft_key: str | None = None,
) -> Change:
    """Reword an alert or end it (the restricted detail is left as it is)."""
    values: dict[str, Any] = {
        "kind": AlertKind.parse(kind).value,
        "summary": text(summary, "alert", limit=1000, required=True),
        "active": bool(active),
    }
    with operation(workspace, draft_key=draft_key) as session:
        alert = session.get(Alert, alert_id)
        if alert is None:
            raise NotFoundError("That alert is no longer in the record.")
        require_access_to_write(session, alert.person_id)
        if alert.active and not active:
            values["ended_on"] = clock.today()
        elif active and not alert.active:
            values["ended_on"] = None
        changed = tuple(name for name, value in values.items() if getattr(alert, name) != value)
        for name in changed:
            setattr(alert, name, values[name])
        if changed:
            audit(
                session,
                "alert_edited",
                person_id=alert.person_id,
                detail={"alert_id": alert.id, "fields": list(changed)},
            )
        return Change(
            "alert_edited",
            person_id=alert.person_id,
            entity_id=alert.id,
            areas=_ALERT_AREAS,
            fields=changed,
        )
