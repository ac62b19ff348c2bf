"""About me kept from the app: the first save makes the page, a save that changes
nothing writes nothing, every save is checked for length and audited by field name
only (never the words)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.errors import InvalidInputError
from app.services.record import people
from app.services.record.about_me import save_about_me
from app.workspace import Workspace
from storage.tables import AboutMe, AuditEvent, ChangeRecord
from tests.conftest import ZOE


def _counts(ws: Workspace) -> tuple[int, int, int]:
    with ws.store.read() as session:
        return (
            session.execute(select(func.count()).select_from(AboutMe)).scalar_one(),
            session.execute(select(func.count()).select_from(ChangeRecord)).scalar_one(),
            session.execute(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "about_me_saved")
            ).scalar_one(),
        )


def test_the_first_save_makes_the_page_and_an_unchanged_save_writes_nothing(
    populated: Workspace,
) -> None:
    with populated.store.read() as session:
        pid = people.find(session, ZOE).id
    empty = save_about_me(populated, person_id=pid, values={})
    assert empty.fields == () and _counts(populated)[0] == 0  # nothing typed: no page

    words = {"most_important": "My cat, Biscuit", "please_do_and_dont": "Please knock twice"}
    first = save_about_me(populated, person_id=pid, values=words)
    assert set(first.fields) == {"most_important", "please_do_and_dont"}
    after_first = _counts(populated)
    assert after_first[0] == 1 and after_first[2] == 1

    again = save_about_me(populated, person_id=pid, values=words)
    assert again.fields == () and _counts(populated) == after_first
    with populated.store.read() as session:
        detail = session.execute(
            select(AuditEvent.detail).where(AuditEvent.action == "about_me_saved")
        ).scalar_one()
    assert "Biscuit" not in (detail or "")


def test_too_long_is_one_plain_line_and_nothing_is_written(populated: Workspace) -> None:
    with populated.store.read() as session:
        pid = people.find(session, ZOE).id
    before = _counts(populated)
    with pytest.raises(InvalidInputError, match="too long"):
        save_about_me(populated, person_id=pid, values={"my_wellness": "x" * 4001})
    assert _counts(populated) == before
