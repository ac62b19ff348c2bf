"""A demo person's story outside the plan, decided before the plan and the notes so
they agree with it: how they were referred, their reablement episode (if any), their
hospital stays and A&E visits, and how and when their case closed (and, for some,
when they died).

Each person's story comes from its own `random.Random` seeded by the person's id, so
one seed still gives one caseload and the story's draws move nothing else in it.
Closing follows what happened: someone who died in reablement, or by the 91-day
check, is closed as died on a day that agrees with it; someone in a care home by
then, as moved to a care home; anyone else closed (one in fourteen, as before) after
everything their record says happened.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Final

from app.demo import hospital, reablement, referrals
from app.demo.common import Row
from app.demo.directory import Directory
from app.demo.hospital import HospitalHistory
from app.demo.subject import Episode, Subject
from app.values.vocab import ClosedReason as C
from app.values.vocab import FollowUpResult as F
from app.values.vocab import PersonStatus
from app.values.vocab import ReablementOutcome as O
from app.values.vocab import ReferralSource as R

ONGOING_WANTED: Final = 3
ONGOING_CHANCE: Final = 0.2  # spread among the caseload, not the first three people

CLOSE_REASONS: Final = {
    "older": (
        (C.DISCHARGED.value, 45),
        (C.DIED.value, 22),
        (C.MOVED_AWAY.value, 8),
        (C.CARE_HOME.value, 15),
        (C.SERVICE_DECLINED.value, 10),
    ),
    "young": ((C.DISCHARGED.value, 70), (C.MOVED_AWAY.value, 20), (C.SERVICE_DECLINED.value, 10)),
}


class StoryTeller:
    def __init__(self, d: Directory, as_of: date) -> None:
        self.as_of = as_of
        # By chance about one person in a hundred is in reablement today: a 200-person
        # demo could show none, so the first few who could be are (one planned longer
        # than six weeks, with its reason, if none is yet).
        self.ongoing_wanted = ONGOING_WANTED
        self.longer_made = False
        self.hospitals = {
            str(row["id"]): hospital.HOSPITALS.get(str(row["name"]), hospital.FALLBACK_HOSPITALS)
            for row in d.rows["locality"]
        }

    def tell(self, s: Subject, person: Row, batch: dict[str, list[Row]]) -> None:
        """Decide the story, write its referrals, episode and hospital events, and close
        the person's row if their case is closed."""
        rng = random.Random(f"story-{s.id}")
        as_of = self.as_of
        near, far = self.hospitals[s.town.locality_id]
        h = HospitalHistory(s, near if rng.random() < 0.8 else far)
        decided = reablement.decide(rng, s, as_of)
        if decided is None and self.ongoing_wanted and rng.random() < ONGOING_CHANCE:
            forced = reablement.in_progress(rng, s, as_of, longer=not self.longer_made)
            decided = (forced, False) if forced is not None else None
        e, at_joining = decided if decided is not None else (None, False)
        if e is not None and e.ended_on is None:
            self.ongoing_wanted = max(0, self.ongoing_wanted - 1)
        self.longer_made = self.longer_made or (e is not None and e.longer_reason is not None)
        s.episode = e
        born = person["date_of_birth"]
        assert isinstance(born, date)
        mine: list[Row] = []
        if e is not None and at_joining:
            mine.append(self._into_reablement(rng, s, e, h))
        else:
            mine.append(self._first_referral(rng, s, h, born))
        if e is not None and not at_joining:
            mine.append(self._into_reablement(rng, s, e, h))
        batch["referral"].extend(mine)
        joined = min(_day(r["received_on"]) for r in mine)
        self._close(rng, s, e, person)
        if e is not None:
            h.busy.append((e.started_on, e.ended_on or as_of))
            self._after_episode(rng, s, e, h)
            batch["reablement_episode"].append(reablement.episode_row(s, e))
        until = s.last_day(as_of - timedelta(days=1))
        hospital.background(rng, h, joined, until, born=born)
        batch["hospital_event"].extend(h.rows)

    def _into_reablement(
        self, rng: random.Random, s: Subject, e: Episode, h: HospitalHistory
    ) -> Row:
        """The referral into the episode: from the ward the day before or the day the
        person went home (after their admission), or after a fall at home."""
        if e.discharged_on is not None:
            stay = hospital.length_of_stay(rng, s) + rng.randrange(5)
            why = rng.choice(hospital.REABLEMENT_REASONS)
            h.stay(rng, e.discharged_on - timedelta(days=stay), e.discharged_on, why)
            received = e.discharged_on - timedelta(days=rng.choice((0, 1)))
            return referrals.referral_row(
                rng,
                s,
                source=R.HOSPITAL_DISCHARGE.value,
                received=received,
                reason=f"{why}. Home for reablement: washing, dressing and getting about",
                referrer=f"Discharge coordinator, {h.hospital}",
            )
        fell = e.started_on - timedelta(days=rng.randrange(1, 4))
        if rng.random() < 0.6:  # the ambulance took them to A&E and home again
            h.event(rng, hospital.AE, fell, "Fall at home; no fracture. Home with reablement")
            h.busy.append((fell, fell))
        return referrals.referral_row(
            rng,
            s,
            source=referrals.fall_source(rng),
            received=max(fell, e.started_on - timedelta(days=1)),
            reason="Fall at home: struggling with the stairs and washing. Reablement please",
            urgent=True,
        )

    def _first_referral(
        self, rng: random.Random, s: Subject, h: HospitalHistory, born: date
    ) -> Row:
        source = referrals.first_source(rng, s)
        urgent = referrals.is_urgent(rng, source)
        # Seen the day after an urgent referral; a routine one within about three
        # weeks (its first contact is due in two, so some are late, as in life).
        lag = rng.randrange(0, 2) if urgent else rng.randrange(21)
        received = max(born, s.known_since - timedelta(days=lag))
        if source == R.HOSPITAL_DISCHARGE.value and s.group != "baby":
            home = min(s.known_since, received + timedelta(days=rng.choice((0, 1))))
            stay = hospital.length_of_stay(rng, s)
            h.stay(rng, home - timedelta(days=stay), home, hospital.admission_reason(rng, s))
        return referrals.referral_row(rng, s, source=source, received=received, urgent=urgent)

    def _close(self, rng: random.Random, s: Subject, e: Episode | None, person: Row) -> None:
        """When and why the case closed, agreeing with the episode and its check."""
        as_of, last = self.as_of, self.as_of - timedelta(days=1)
        closed = not s.open
        reason: str | None = None
        closed_on: date | None = None
        died: date | None = None
        if e is not None and e.ended_on is None:
            closed = False  # in reablement today
        elif e is not None and e.ended_on is not None:
            ended, check = e.ended_on, e.follow_up_on
            if e.outcome == O.DIED.value:
                died = ended
            elif e.follow_up_result == F.DIED.value and check is not None:
                died = ended + timedelta(days=rng.randrange(1, (check - ended).days + 1))
            if e.outcome == O.RESIDENTIAL_CARE.value:
                closed_on = _on_or_before(ended, 7, rng, last)
                reason, closed_on = C.CARE_HOME.value, min(closed_on, died or closed_on)
            elif e.follow_up_result == F.RESIDENTIAL_CARE.value and check is not None:
                moved = ended + timedelta(days=rng.randrange(1, (check - ended).days + 1))
                reason, closed_on = C.CARE_HOME.value, moved
            elif died is not None:
                reason, closed_on = C.DIED.value, _on_or_before(died, 3, rng, last)
            elif closed:
                # After everything the record says: the end, and the check if done.
                earliest = (check or ended) + timedelta(days=7)
                reason, closed_on, died = _closing(rng, s, earliest, as_of) or (None, None, None)
            closed = closed_on is not None
        elif closed:
            found = _closing(rng, s, s.known_since + timedelta(days=14), as_of)
            reason, closed_on, died = found or (None, None, None)
            closed = closed_on is not None
        s.open = not closed
        s.closed_on, s.died_on = closed_on, died
        person.update(
            status=PersonStatus.CLOSED.value if closed else PersonStatus.OPEN.value,
            closed_reason=reason,
            closed_on=closed_on,
            date_of_death=died,
        )

    def _after_episode(
        self, rng: random.Random, s: Subject, e: Episode, h: HospitalHistory
    ) -> None:
        """Back into hospital: when the episode ended that way, or by the 91-day check."""
        if e.ended_on is None:
            return
        check, result = e.follow_up_on, e.follow_up_result
        if e.outcome == O.READMITTED.value:
            start = e.ended_on
        elif result == F.IN_HOSPITAL.value and check is not None:
            before = check - timedelta(days=rng.randrange(1, 20))
            start = max(e.ended_on + timedelta(days=1), before)
        else:
            return
        home = start + timedelta(days=hospital.length_of_stay(rng, s))
        if check is not None and result == F.IN_HOSPITAL.value:
            home = max(home, check + timedelta(days=rng.randrange(1, 15)))
        elif check is not None:
            home = min(home, check - timedelta(days=1))  # home (or moved) by the check
        discharged: date | None = home
        if s.died_on is not None and s.died_on <= home:
            discharged = None  # died in hospital
        elif s.closed_on is not None and home > s.closed_on:
            discharged = max(start, s.closed_on)  # from the ward to a care home
        elif home >= self.as_of:
            discharged = None  # still in hospital today
        why = "Readmitted: " + hospital.admission_reason(rng, s).lower()
        h.stay(rng, start, discharged, why)


def _day(value: object) -> date:
    assert isinstance(value, date)
    return value


def _on_or_before(day: date, within: int, rng: random.Random, last: date) -> date:
    """A day from `day` to `within` days after it, never after `last`."""
    return min(last, day + timedelta(days=rng.randrange(within + 1)))


def _closing(
    rng: random.Random, s: Subject, earliest: date, as_of: date
) -> tuple[str, date, date | None] | None:
    """A closing day from `earliest` (mostly within the last ten months), its reason,
    and the date of death when the reason is death. None: no room, so still open."""
    last = as_of - timedelta(days=1)
    if earliest > last:
        return None
    closed_on = max(earliest, as_of - timedelta(days=rng.randrange(30, 300)))
    table = CLOSE_REASONS["older" if s.group in ("older", "adult") else "young"]
    reason = rng.choices([r for r, _ in table], [w for _, w in table])[0]
    died = None
    if reason == C.DIED.value:
        died = max(earliest, closed_on - timedelta(days=rng.randrange(4)))
    return reason, closed_on, died
