"""The printed plan's "If my carer cannot care": each carer's own contingency plan,
printed beside the person's contingency plans ("If Mary cannot care: ..."). Never a
carer-strain score or its trend: the folder is read by visitors and family, and the
scores are the carer's own conversation with the team."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from reportlab.platypus import CondPageBreak, Spacer

from app.reports.print_style import BLUE, markup

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CarerContingency:
    """What happens if this carer cannot care, in their words."""

    name: str
    relationship: str
    plan: str


class _Contact(Protocol):
    name: str
    relationship: str
    is_main_carer: bool
    contingency_plan: str | None


def carer_contingencies(contacts: Iterable[_Contact]) -> tuple[CarerContingency, ...]:
    """The carers with a plan written, the main carer first, then by name."""
    return tuple(
        CarerContingency(c.name.strip(), (c.relationship or "").strip(), plan)
        for c in sorted(contacts, key=lambda c: (not c.is_main_carer, c.name))
        if (plan := (c.contingency_plan or "").strip())
    )


def first_name(name: str) -> str:
    return name.split()[0] if name.split() else name


def add_carer_contingencies(story: object, items: tuple[CarerContingency, ...]) -> None:
    """One card for each carer's plan, after the person's own contingency plans."""
    for item in items:
        who = first_name(item.name)
        title = markup(f"If {who} cannot care")
        rows = [
            ("Carer", markup(", ".join(p for p in (item.name, item.relationship) if p))),
            ("What happens", markup(item.plan)),
        ]
        body = story.st.sizes.body  # type: ignore[attr-defined]
        story.story.append(CondPageBreak(body * 8))  # type: ignore[attr-defined]
        story.story.append(story.record(rows, title=title, bar=BLUE))  # type: ignore[attr-defined]
        story.story.append(Spacer(1, body * 0.7))  # type: ignore[attr-defined]
