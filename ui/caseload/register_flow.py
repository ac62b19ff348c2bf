"""Register a person from the caseload (New person…, Ctrl+N): one form, checked as
it is saved; the same person is looked for first and offered, not created.

On a possible match the form stays open with the match named and two ways on:
open that record, or (only when the NHS number differs or is not known) register
this person as someone different. When the laptop is enrolled and online the team
server is asked too (app/services/record/team_server_check.py): someone registered
on another laptop is named (sync to bring their record), someone with another team
by team only (ask the coordinator). The check runs on the network lane, this
laptop's own look in it a store step on the database lane (as the search beyond
the team does); the registration itself is a write on the database lane.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.services.changes import Change
from app.services.record.person_match import SAME_NHS_NUMBER, PossibleMatch
from app.services.record.referrals import NewReferral
from app.services.record.registration import (
    NewPerson,
    lead_choices,
    register_person,
)
from app.services.record.team_server_check import Everywhere, ServerCheck, look_everywhere
from app.values.vocab import LevelOfNeed, ReferralSource, ReferralUrgency
from ui.i18n import tr
from ui.kit.forms import Field, FormDialog, parse_when
from ui.kit.operations import Operations
from ui.kit.widgets import button

FIELDS = (
    Field(
        "nhs_number",
        "NHS number",
        optional=True,
        hint="Leave empty if it is not yet known: the record will say so until it is added.",
    ),
    Field("given_name", "Given name"),
    Field("family_name", "Family name"),
    Field("preferred_name", "What they like to be called", optional=True),
    Field("date_of_birth", "Date of birth", "date"),
    Field("postcode", "Postcode"),
    Field("address_line1", "Address", optional=True),
    Field("town", "Town or village", optional=True),
    Field("phone", "Phone", optional=True),
    Field(
        "level_of_need",
        "Level of need",
        "choice",
        choices=tuple((level.value, level.label) for level in LevelOfNeed),
    ),
    Field(
        "first_visit_at",
        "First visit",
        "when",
        optional=True,
        hint="Planned for you; it shows on your Today list on the day",
    ),
    Field(
        "referral_source",
        "Referred by",
        "choice",
        choices=(("", "Not a referral"), *((s.value, s.label) for s in ReferralSource)),
    ),
    Field("referrer_name", "Who referred them", optional=True, hint="Name and service"),
    Field("referral_reason", "Why they were referred", "text", optional=True, lines=3),
    Field(
        "urgency",
        "Urgency",
        "choice",
        choices=tuple((u.value, u.label) for u in ReferralUrgency),
    ),
    Field("received_on", "Referral received on", "date", optional=True, hint="Empty: today"),
    Field(
        "first_contact_due",
        "First contact by",
        "date",
        optional=True,
        hint="Empty: the next day if urgent or home from hospital; otherwise as the team sets",
    ),
)


def fields_with_lead(leads: tuple[tuple[str, str], ...]) -> tuple[Field, ...]:
    """The form, with the lead professional asked before the first visit when the
    person registering may name one (the coordinator)."""
    if not leads:
        return FIELDS
    at = next(n for n, f in enumerate(FIELDS) if f.name == "first_visit_at")
    lead = Field(
        "lead_professional_id",
        "Lead professional",
        "choice",
        choices=(("", "Decide later"), *leads),
        hint="The first visit is planned for them: on the day first contact is due, at "
        "10:00, unless you choose a time under First visit",
    )
    return (*FIELDS[:at], lead, *FIELDS[at:])


def new_referral(values: dict[str, object]) -> NewReferral | None:
    source = str(values.get("referral_source") or "")
    if not source:
        return None
    return NewReferral(
        source=source,
        reason=str(values.get("referral_reason") or ""),
        referrer_name=str(values.get("referrer_name") or "") or None,
        urgency=str(values.get("urgency") or ReferralUrgency.ROUTINE.value),
        received_on=str(values.get("received_on") or "") or None,
        first_contact_due=str(values.get("first_contact_due") or "") or None,
    )


def new_person(values: dict[str, object]) -> NewPerson:
    def text(name: str) -> str:
        return str(values.get(name) or "")

    return NewPerson(
        nhs_number=text("nhs_number"),
        given_name=text("given_name"),
        family_name=text("family_name"),
        preferred_name=text("preferred_name") or None,
        date_of_birth=text("date_of_birth"),
        postcode=text("postcode"),
        address_line1=text("address_line1"),
        town=text("town") or None,
        phone=text("phone") or None,
        level_of_need=text("level_of_need") or LevelOfNeed.TARGETED.value,
    )


class MatchOffer(QFrame):
    """Who this may already be, and the two ways on."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("matchOffer")
        self.text = QLabel()
        self.text.setObjectName("matchText")
        self.text.setWordWrap(True)
        self.open_existing = button("Open their record", name="openExistingButton", primary=True)
        self.different = button(
            "Register as a different person",
            name="differentPersonButton",
            tip="Only when you are sure: for example twins at the same address",
        )
        row = QHBoxLayout()
        row.addWidget(self.open_existing)
        row.addWidget(self.different)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.text)
        layout.addLayout(row)
        self.hide()

    def offer(self, found: Everywhere) -> None:
        server = found.on_server
        whys = [m.why for m in (*found.here, *server.matches)]
        same_number = SAME_NHS_NUMBER in whys + [h.why for h in server.other_teams]
        lines = [_line(m) for m in found.here]
        lines += [
            tr(
                "{who}: on the team server, not yet on this laptop (sync to bring their record)"
            ).format(who=_line(m))
            for m in server.matches
        ]
        lines += [
            tr(
                "Someone with {why} is registered with another team ({team}): ask your coordinator"
            ).format(why=tr(h.why), team=h.team or tr("no team yet"))
            for h in server.other_teams
        ]
        intro = (
            tr("This NHS number is already in the record:")
            if same_number
            else tr("This may be someone already in the record:")
        )
        self.text.setText(intro + "\n" + "\n".join(lines))
        self.open_existing.setVisible(bool(found.here))
        self.different.setVisible(not same_number)
        self.show()


def _line(m: PossibleMatch) -> str:
    if m.why == SAME_NHS_NUMBER:
        return tr("{who} ({why})").format(who=m.describe(), why=tr("same NHS number"))
    return tr("{who} (same family name, date of birth and postcode)").format(who=m.describe())


class RegisterFlow(QObject):
    """The New person form and what happens when it is saved."""

    registered = Signal(str)  # the new person's id: the app opens their record
    open_existing = Signal(str)  # the person it may already be

    def __init__(
        self,
        ops: Operations,
        parent: QObject | None = None,
        *,
        server_check: ServerCheck | None = None,
    ) -> None:
        super().__init__(parent)
        self._ops = ops
        self._server_check = server_check  # the team server's check (sync), when any
        self.dialog: FormDialog | None = None
        self.offer: MatchOffer | None = None
        self._matches: list[PossibleMatch] = []
        # Who may lead a new person's care: the coordinator's form offers them.
        self._leads: tuple[tuple[str, str], ...] = ()
        # What the team server check said when it could not be made ("checked this
        # laptop only"): told to the user with the registration.
        self.server_note = ""

    def load_leads(self) -> None:
        """Read once the profile is open, so the form opens at once when asked."""
        self._leads = ()
        self._ops.read(lead_choices, on_done=self._set_leads)

    def _set_leads(self, leads: tuple[tuple[str, str], ...]) -> None:
        self._leads = leads

    def open(self, parent: QWidget) -> FormDialog | None:
        if not self._ops.unlocked:
            return None
        if self.dialog is not None:
            self.dialog.raise_()
            return self.dialog
        dialog = FormDialog(
            "Register a person",
            fields_with_lead(self._leads),
            intro=tr("Someone new to the team: a referral or a first visit."),
            submit_label="Register",
            parent=parent,
        )
        dialog.setObjectName("registerDialog")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        offer = MatchOffer(dialog)
        layout = dialog.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(layout.indexOf(dialog.error) + 1, offer)
        offer.open_existing.clicked.connect(self._open_existing)
        offer.different.clicked.connect(lambda: self._register(different_person=True))
        dialog.submitted.connect(lambda _values: self._check())
        dialog.edited.connect(offer.hide)  # a changed form is checked again
        dialog.finished.connect(self._closed)
        self.dialog, self.offer = dialog, offer
        dialog.set_values({"level_of_need": LevelOfNeed.TARGETED.value})
        dialog.open()
        dialog.activateWindow()
        dialog.field("nhs_number").setFocus(Qt.FocusReason.OtherFocusReason)
        return dialog

    def close(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()

    def _closed(self, _result: int) -> None:
        self.dialog = self.offer = None
        self._matches = []

    def _check(self) -> None:
        dialog = self.dialog
        if dialog is None:
            return
        new = new_person(dialog.values())
        dialog.set_busy(True)
        server_check = self._server_check
        # The team server is asked on the network lane; this laptop's own look is a
        # store step on the database lane, so nothing saved meanwhile waits on it.
        started = self._ops.network(
            lambda ws, on_store: look_everywhere(ws, new, server_check, on_store=on_store),
            on_done=self._checked,
            on_error=self._failed,
        )
        if not started:
            dialog.set_busy(False)

    def _checked(self, found: Everywhere) -> None:
        if self.dialog is None or self.offer is None:
            return
        self._matches = list(found.here)
        self.server_note = found.on_server.note if not found.on_server.checked else ""
        if found.anyone:
            self.dialog.set_busy(False)
            self.offer.offer(found)
            focus = self.offer.open_existing if found.here else self.offer.different
            focus.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self._register(different_person=False)

    def _register(self, *, different_person: bool) -> None:
        dialog = self.dialog
        if dialog is None:
            return
        values = dialog.values()
        new = new_person(values)
        dialog.set_busy(True)
        self._ops.write(
            partial(
                register_person,
                new=new,
                different_person=different_person,
                referral=new_referral(values),
                first_visit_at=parse_when(values.get("first_visit_at")),
                lead_professional_id=str(values.get("lead_professional_id") or "") or None,
            ),
            on_done=self._done,
            on_error=self._failed,
        )

    def _done(self, change: Change) -> None:
        if self.dialog is not None:
            self.dialog.accept()
        if change.person_id:
            self.registered.emit(change.person_id)

    def _failed(self, message: str) -> None:
        if self.dialog is not None:
            self.dialog.set_busy(False)
            self.dialog.show_error(message)

    def _open_existing(self) -> None:
        if not self._matches:
            return
        person_id = self._matches[0].person_id
        self.close()
        self.open_existing.emit(person_id)
