"""The sharing categories and the consent rules, as plain functions."""

from __future__ import annotations

import pytest

from app.errors import InvalidInputError
from storage.tables import journalled_tables
from sync.server.categories import (
    NEVER_SHARED,
    UNREADABLE_KIND,
    category_of,
    parse_categories,
)
from sync.server.partners.grants import allowed

KINDS = {"c": "council", "t": "community_trust", "m": "mental_health_trust", "g": "gp_practice"}


def test_every_journalled_record_has_a_sharing_decision() -> None:
    for entity in journalled_tables():
        # The least a readable record holds that its category depends on.
        row = {"kind": "access_to_home"} if entity == "alert" else {}
        decided = category_of(entity, row, None, {}) is not None or entity in NEVER_SHARED
        assert decided, f"{entity}: add it to sync/server/categories.py"
    for entity in NEVER_SHARED:
        assert category_of(entity, {}, None, KINDS) is None


def test_a_record_whose_category_cannot_be_read_is_never_shared() -> None:
    """Spoilt on the server (by hand, or a bug): guessed, a record could go out in the
    wrong category for good (a record's category is fixed once given)."""
    assert category_of("alert", {}, None, {}) is None
    assert category_of("alert", {"kind": ["safeguarding"]}, None, {}) is None
    assert category_of("contact_note", {"organisation_id": ["c"]}, None, KINDS) is None
    assert category_of("contact_note", {"contact_type": {"a": 1}}, "c", KINDS) is None
    unread = {"c": UNREADABLE_KIND}
    assert category_of("contact_note", {"contact_type": "home_visit"}, "c", unread) is None
    # Readable, as before.
    assert category_of("contact_note", {"contact_type": "home_visit"}, "t", KINDS) == "health"


@pytest.mark.parametrize(
    ("entity", "row", "org", "expected"),
    [
        ("person", {}, None, "core"),
        ("consent_to_share", {}, None, "consent"),
        ("goal", {}, "c", "care_plan"),
        ("contingency_plan", {}, "t", "care_plan"),
        ("about_me", {}, "t", "care_plan"),
        ("contact_note", {"organisation_id": "c"}, None, "social_care"),
        ("contact_note", {}, "t", "health"),
        ("contact_note", {}, "g", "health"),
        ("contact_note", {}, "m", "mental_health"),
        ("contact_note", {"contact_type": "reablement_session"}, "unknown", "social_care"),
        ("contact_note", {"contact_type": "home_visit"}, None, "health"),
        ("assessment", {}, "c", "social_care"),
        ("alert", {"kind": "safeguarding"}, "c", "safeguarding"),
        ("alert", {"kind": "dnacpr"}, "t", "health"),
        ("alert", {"kind": "access_to_home"}, "c", "care_plan"),
        ("staff_member", {}, "c", "directory"),
        ("planned_visit", {}, "t", None),
        ("audit_event", {}, "t", None),
    ],
)
def test_categories(
    entity: str, row: dict[str, str], org: str | None, expected: str | None
) -> None:
    assert category_of(entity, row, org, KINDS) == expected


def test_agreement_categories() -> None:
    assert parse_categories("health, care_plan") == ["health", "care_plan"]
    assert parse_categories("all") == [
        "health",
        "social_care",
        "care_plan",
        "safeguarding",
        "mental_health",
    ]
    with pytest.raises(InvalidInputError, match="not one of"):
        parse_categories("health,gossip")
    with pytest.raises(InvalidInputError, match="at least one"):
        parse_categories(" , ")


def _d(partner: str | None, category: str, decision: str) -> dict[str, str | None]:
    return {"partner_organisation_id": partner, "category": category, "decision": decision}


AGREED = {"health", "care_plan", "safeguarding"}


def test_the_most_specific_decision_wins() -> None:
    assert allowed([_d(None, "all", "given")], "P", AGREED, False) == AGREED - {"safeguarding"} | {
        "safeguarding"
    }
    # This partner's withdrawal beats "every partner: given".
    decisions = [_d(None, "health", "given"), _d("P", "health", "withdrawn")]
    assert allowed(decisions, "P", AGREED, False) == set()
    assert allowed(decisions, "Q", AGREED, False) == {"health"}
    # The category beats "all" for the same partner.
    decisions = [_d("P", "all", "given"), _d("P", "safeguarding", "refused")]
    assert allowed(decisions, "P", AGREED, False) == {"health", "care_plan"}
    # Equally specific and disagreeing: refused.
    decisions = [_d("P", "health", "given"), _d("P", "health", "refused")]
    assert allowed(decisions, "P", AGREED, False) == set()
    # Another partner's consent says nothing about this one; the agreement caps it.
    assert allowed([_d("Q", "health", "given")], "P", AGREED, False) == set()
    assert allowed([_d(None, "mental_health", "given")], "P", AGREED, False) == set()


def test_duty_to_share_adds_safeguarding_only() -> None:
    assert allowed([], "P", AGREED, True) == {"safeguarding"}
    assert allowed([_d("P", "safeguarding", "refused")], "P", {"health"}, True) == {"safeguarding"}
