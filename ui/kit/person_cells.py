"""The text of the cells the caseload and the Team view both show for a person (their
rows carry these fields under the same names), so the two tables always say the
same thing the same way. Each model adds its own columns."""

from __future__ import annotations

from typing import Any

from ui.i18n import tr
from ui.kit import formatting


def cell_text(row: Any, column: str) -> str | None:
    """The cell's text, or None when the column is not one both tables show."""
    match column:
        case "NHS_NUMBER":
            # Registered from a referral before the number was known: said, not blank.
            return str(row.nhs_number_formatted) or tr("Not yet known")
        case "NAME":
            return str(row.display_name)
        case "LEVEL_OF_NEED":
            return formatting.level_of_need_label(row.level_of_need)
        case "LEAD_PROFESSIONAL":
            return str(row.lead_professional or tr("Unallocated"))
        case "RISK":
            return formatting.risk_text(row.highest_risk)
        case "NEXT_VISIT":
            return formatting.british_date(row.next_visit_due)
        case "PLAN_REVIEW":
            return formatting.british_date(row.plan_review_due)
    return None
