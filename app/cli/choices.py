"""The words the command line offers as choices and in its help, where the service
that owns them also binds them to tables or validators (so importing it would load
the database layer just to print `--help`). tests/cli/test_cli_start.py checks
each one against its owner, so they cannot drift apart."""

from __future__ import annotations

from typing import Final

# app.services.need_to_know.access_report.ALL_KINDS, in its order.
ACCESS_KINDS: Final[tuple[str, ...]] = (
    "view",
    "break_glass",
    "failed_unlock",
    "print",
    "export",
    "unlock",
    "lock",
    "sync",
    "change",
)
# The keys of app.services.caseload.caseload.SORTS, in its order.
CASELOAD_SORTS: Final[tuple[str, ...]] = (
    "name",
    "nhs_number",
    "date_of_birth",
    "locality",
    "level_of_need",
    "lead_professional",
    "next_visit_due",
    "plan_review_due",
    "risk",
    "postcode",
)
# The keys of app.services.team.team_query.SORTS, in its order.
TEAM_SORTS: Final[tuple[str, ...]] = (
    "name",
    "nhs_number",
    "locality",
    "level_of_need",
    "lead_professional",
    "risk",
    "last_contact",
    "next_visit_due",
    "plan_review_due",
    "consent_review_due",
    "risk_review_due",
    "open_conflicts",
)
# The keys of app.services.record.people.EDITABLE, in its order.
EDITABLE_FIELDS: Final[tuple[str, ...]] = (
    "given_name",
    "family_name",
    "preferred_name",
    "title",
    "date_of_birth",
    "sex",
    "gender",
    "address_line1",
    "address_line2",
    "town",
    "postcode",
    "phone",
    "gp_practice",
    "gp_name",
    "interpreter_needed",
    "language",
    "large_print",
    "lives_alone",
    "communication_needs",
    "locality",
    "level_of_need",
    "life_stage",
    "lead_professional",
    "date_of_death",
    "nhs_number_status",
)
# The keys of app.services.care.plan_endings.ENDABLE, in its order.
ENDABLE_KINDS: Final[tuple[str, ...]] = ("strength", "need", "contingency")
