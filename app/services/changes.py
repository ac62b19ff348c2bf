"""What an operation changed, so each view can decide whether to refresh.

Every write operation in `app.services` returns one `Change`. The desktop app
passes it to every view on one signal; a view refreshes only when the change
touches what it shows (its person, its areas). Nothing here holds patient data:
ids and area names only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The areas of the app a change can touch.
TIMELINE = "timeline"  # contact notes
VISITS = "visits"  # planned visits (today's list, next visit due)
CASELOAD = "caseload"  # anything the caseload table shows
HEADER = "header"  # the record's header: demographics, lead professional
ALERTS = "alerts"
PLAN = "plan"  # care plan, goals, actions, strengths, needs, contingency
RISKS = "risks"
CONSENT = "consent"
DRAFTS = "drafts"
ABOUT_ME = "about_me"  # the person's own words
CONTACTS = "contacts"  # family, friends, carers and professionals
ASSESSMENTS = "assessments"  # assessments and mental capacity
OUTCOMES = "outcomes"  # reablement, goal reviews, hospital events, experience
PRIORITIES = "priorities"  # the team's priority list and the weights it gives its factors
SUPPORT = "support"  # telecare equipment and the personal budget
MEETINGS = "meetings"  # the team's meetings, their lists and what they decided


@dataclass(frozen=True)
class Change:
    """`action` names the operation (as its audit event does)."""

    action: str
    person_id: str | None = None
    entity_id: str | None = None
    areas: frozenset[str] = field(default_factory=frozenset)
    # Journalled fields the operation actually changed (empty: nothing to save).
    fields: tuple[str, ...] = ()

    def touches(self, *areas: str) -> bool:
        return bool(self.areas.intersection(areas))


# Everything of a person's record on screen: an open record reads itself again when a
# change (here, or pulled by a sync) touches any of these (the caseload and today's
# list are refreshed on their own).
RECORD_AREAS = frozenset(
    {
        HEADER,
        ALERTS,
        PLAN,
        RISKS,
        CONSENT,
        TIMELINE,
        VISITS,
        ABOUT_ME,
        CONTACTS,
        ASSESSMENTS,
        OUTCOMES,
        SUPPORT,
    }
)


@dataclass(frozen=True)
class PulledChanges:
    """What one sync brought in or took away, as the views need it: whose records
    changed (ids only), and whether a record shared by everyone's did (a staff
    member's or organisation's name shows in any record)."""

    people: frozenset[str] = frozenset()
    shared: bool = False

    @property
    def anything(self) -> bool:
        return self.shared or bool(self.people)

    def touches_person(self, person_id: str) -> bool:
        return self.shared or person_id in self.people

    def change_for(self, person_id: str) -> Change:
        """The change notice the open record refreshes from."""
        return Change("sync", person_id=person_id, areas=RECORD_AREAS)
