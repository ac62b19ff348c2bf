"""A pull ends in a change notice naming whose records it touched (ids only), so
the app refreshes those people and no one else: a note for one person names that
person; a person who leaves the caseload is named as they go; a sync that brings
nothing names no one."""

from __future__ import annotations

from app.services.care.notes import add_note
from app.services.record import people
from tests.conftest import ALUN, ZOE
from tests.sync.conftest import Laptop, RunningServer, reopen
from tests.sync.helpers import sync
from tests.ui.helpers import person_id_of


def test_a_pull_names_the_people_it_touched(server: RunningServer, laptop: Laptop) -> None:
    nurse = reopen(laptop("Sam Taylor"))
    social_worker = reopen(laptop("Ceri Jones"))
    try:
        sync(nurse)
        sync(social_worker)
        people.register(nurse, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
        people.register(nurse, people.NewPerson(ALUN, "Alun", "Price", "1941-02-03", "DL8 4AA"))
        sync(nurse)
        zoe, alun = person_id_of(nurse, ZOE), person_id_of(nurse, ALUN)

        first = sync(social_worker).pulled_changes()
        assert first.people == {zoe, alun}
        assert first.touches_person(zoe) and first.touches_person(alun)

        add_note(nurse, ALUN, "Visited: kettle tipper fitted.")
        sync(nurse)
        notice = sync(social_worker).pulled_changes()
        assert notice.people == {alun}
        assert not notice.shared
        assert not notice.touches_person(zoe)
        assert notice.change_for(alun).person_id == alun

        quiet = sync(social_worker).pulled_changes()
        assert not quiet.anything
    finally:
        nurse.close()
        social_worker.close()
