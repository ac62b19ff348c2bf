"""New person… in the app: the form is typed into with real keys, saved with
Ctrl+S, and the new record opens; a person who may already be here is offered
(their record opened with one press), not created; a different person is
registered only when the user says so; an invalid NHS number is one plain line."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.workspace import unlock as open_profile
from storage.tables import Person, PlannedVisit
from tests.conftest import PASSPHRASE
from tests.ui.helpers import register_form, unlock
from ui.app_controller import AppController
from ui.kit.forms import FormDialog

pytestmark = pytest.mark.gui


def _people(profile: Path) -> list[tuple[str, str, str | None]]:
    ws = open_profile(profile, PASSPHRASE)
    try:
        with ws.store.read() as session:
            rows = session.execute(
                select(Person.given_name, Person.family_name, Person.nhs_number).order_by(
                    Person.family_name, Person.given_name
                )
            ).all()
            return [tuple(r) for r in rows]  # type: ignore[misc]
    finally:
        ws.close()


def _open_form(qtbot: QtBot, controller: AppController) -> FormDialog:
    return register_form(qtbot, controller)


def _type(qtbot: QtBot, dialog: FormDialog, values: dict[str, str]) -> None:
    for name, text in values.items():
        widget = dialog.field(name)
        assert isinstance(widget, QLineEdit)
        widget.setFocus()
        widget.clear()
        qtbot.keyClicks(widget, text)


def _save(qtbot: QtBot, dialog: FormDialog) -> None:
    """Ctrl+S where the typing was."""
    qtbot.keyClick(dialog.field("postcode"), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)


def test_a_new_person_is_registered_and_their_record_opens(
    qtbot: QtBot, controller: AppController, profile: Path
) -> None:
    unlock(qtbot, controller)
    panel = controller.main_window.caseload
    assert panel.register.isVisibleTo(panel)
    dialog = _open_form(qtbot, controller)
    _type(
        qtbot,
        dialog,
        {
            "given_name": "Gwen",
            "family_name": "Hughes",
            "date_of_birth": "1 Jul 1944",
            "postcode": "ll57 2dg",
            "town": "Bangor",
            "referrer_name": "Ward 7 discharge team",
        },
    )
    dialog.set_values({"referral_source": "hospital_discharge", "urgency": "urgent"})
    qtbot.mouseClick(dialog.field("first_visit_at").check, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        _save(qtbot, dialog)
    assert controller.main_window.showing_record
    header = controller.record.record
    assert header is not None and header.header.full_name.endswith("Gwen Hughes")
    page_text = " ".join(
        label.text() for label in controller.main_window.record.findChildren(QLabel)
    )
    assert "not yet known" in page_text  # no NHS number yet: the record says so
    referral = controller.main_window.record.assessments.text.toPlainText()
    assert "Referred by Hospital discharge team (Ward 7 discharge team)" in referral
    assert "urgent" in referral and "First contact due by" in referral
    controller.shutdown()
    assert ("Gwen", "Hughes", None) in _people(profile)
    ws = open_profile(profile, PASSPHRASE)
    try:
        with ws.store.read() as session:
            purposes = session.execute(select(PlannedVisit.purpose)).scalars().all()
        assert "First visit" in purposes  # planned with the registration, for this user
    finally:
        ws.close()


def test_someone_already_here_is_offered_and_opened_not_created(
    qtbot: QtBot, controller: AppController, profile: Path
) -> None:
    unlock(qtbot, controller)
    dialog = _open_form(qtbot, controller)
    # Ada Ashworth, typed another way: no NHS number, capitals, postcode run together.
    _type(
        qtbot,
        dialog,
        {
            "given_name": "Ada",
            "family_name": "ASHWORTH",
            "date_of_birth": "22/11/1940",
            "postcode": "DL83AB",
        },
    )
    _save(qtbot, dialog)
    offer = controller.register.offer
    assert offer is not None
    qtbot.waitUntil(offer.isVisible, timeout=5_000)
    assert "Ada Ashworth, born 22 November 1940, DL8 3AB" in offer.text.text()
    assert offer.different.isVisible()
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        qtbot.keyClick(offer.open_existing, Qt.Key.Key_Space)
    assert controller.register.dialog is None
    header = controller.record.record
    assert header is not None and header.header.full_name.endswith("Ada Ashworth")
    controller.shutdown()
    assert len(_people(profile)) == 4


def test_the_same_nhs_number_cannot_be_registered_as_someone_different(
    qtbot: QtBot, controller: AppController, profile: Path
) -> None:
    unlock(qtbot, controller)
    dialog = _open_form(qtbot, controller)
    values = {
        "nhs_number": "999 000 0026",  # Bryn Pritchard's
        "given_name": "Bryn",
        "family_name": "Pritchard",
        "date_of_birth": "30/10/1951",
        "postcode": "BD23 1JD",
    }
    _type(qtbot, dialog, values)
    _save(qtbot, dialog)
    offer = controller.register.offer
    assert offer is not None
    qtbot.waitUntil(offer.isVisible, timeout=5_000)
    assert "already in the record" in offer.text.text()
    assert not offer.different.isVisible()

    # A bad check digit is one plain line, and nothing is written.
    _type(qtbot, dialog, {"nhs_number": "999 000 0035", "family_name": "Prichard"})
    _save(qtbot, dialog)
    qtbot.waitUntil(dialog.error.isVisible, timeout=5_000)
    assert "check digit" in dialog.error.text() and "\n" not in dialog.error.text()
    assert not offer.isVisible()
    controller.shutdown()
    assert len(_people(profile)) == 4


def test_a_different_person_is_registered_only_when_the_user_says_so(
    qtbot: QtBot, controller: AppController, profile: Path
) -> None:
    unlock(qtbot, controller)
    dialog = _open_form(qtbot, controller)
    _type(
        qtbot,
        dialog,
        {
            "given_name": "Cara",  # Cerys's twin: same family name, birthday and home
            "family_name": "Ashworth",
            "date_of_birth": "14 Feb 1948",
            "postcode": "DL8 4QT",
        },
    )
    _save(qtbot, dialog)
    offer = controller.register.offer
    assert offer is not None
    qtbot.waitUntil(offer.isVisible, timeout=5_000)
    assert _people(profile).count(("Cara", "Ashworth", None)) == 0
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        offer.different.click()
    controller.shutdown()
    assert ("Cara", "Ashworth", None) in _people(profile)
