"""Demo people: demographics, their group and themes, and their carers."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Final

from app.demo import names, places
from app.demo.common import Row, landline, mobile, new_id, phone
from app.demo.directory import Directory, Staff
from app.demo.subject import Subject
from app.demo.themes import Theme
from app.demo.themes_young import themes_for
from app.values import nhs_number
from app.values.vocab import CarersAssessment, LevelOfNeed, LifeStage, PersonStatus, Role

GROUPS: Final = (("older", 78), ("adult", 14), ("teen", 4), ("baby", 4))
LEVELS: Final = (
    (LevelOfNeed.UNIVERSAL.value, 15),
    (LevelOfNeed.TARGETED.value, 45),
    (LevelOfNeed.SPECIALIST.value, 40),
)
LANGUAGES: Final = {
    "south_asian": ("Punjabi", "Urdu", "Gujarati", "Bengali"),
    "eastern_european": ("Polish", "Polish", "Czech", "Romanian"),
    "welsh": ("Welsh",),
}
# kind -> (the recorded need, large print, what the person says in About me). One
# choice per person feeds both places, so they never disagree.
COMMUNICATION: Final[dict[str, tuple[str, bool, str]]] = {
    "hearing": (
        "Hard of hearing: wears hearing aids; face me and speak clearly",
        False,
        "I am hard of hearing in my left ear: sit on my right and face me.",
    ),
    "sight": (
        "Macular degeneration: large print, and read letters aloud",
        True,
        "I need large print. My eyes are not good since the macular degeneration.",
    ),
    "speech": (
        "Aphasia after a stroke: use yes/no questions and the picture board",
        False,
        "Please speak slowly and give me time to answer since my stroke.",
    ),
    "blind": (
        "Registered blind: announce yourself when you come in; read letters aloud",
        False,
        "I am registered blind: say who you are when you come in.",
    ),
    "book": (
        "Uses a communication book: give time to answer",
        False,
        "I use a communication book; please give me time.",
    ),
}
COMMUNICATION_KINDS: Final = {"older": ("hearing", "sight", "speech", "blind"), "adult": ("book",)}
COMMUNICATION_CHANCE: Final = {"older": 0.2, "adult": 0.15}
# On warfarin (so INR tests): about one older person in eight, a few younger adults.
WARFARIN_CHANCE: Final = {"older": 0.12, "adult": 0.03}
# (relationship, share) of a main carer per group.
CARER_KINDS: Final[dict[str, tuple[tuple[str, int], ...]]] = {
    "older": (("spouse", 45), ("Daughter", 30), ("Son", 15), ("Neighbour", 10)),
    "adult": (("Mother", 50), ("spouse", 30), ("Sister", 20)),
    "teen": (("Mother", 70), ("Father", 20), ("Grandmother", 10)),
    "baby": (("Mother", 85), ("Father", 15)),
}
CARER_CHANCE: Final = {"older": 0.43, "adult": 0.4, "teen": 1.0, "baby": 1.0}
CARER_NOTES: Final = (
    "Lives nearby, about ten minutes away",
    "Works full time: ring after 5pm",
    "Lives with the person",
    "Has health problems of their own",
    "Drives; takes the person to appointments",
)
# (relationship, the contact's sex or None for either, comment)
OTHER_CONTACTS: Final = (
    ("Nephew", "male", "Lives in Leeds; emergency contact only"),
    ("Niece", "female", "Lives in Leeds; emergency contact only"),
    ("Neighbour", None, "Holds a spare key"),
    ("Son", "male", "Lives in Australia; ring in the evening"),
    ("Daughter", "female", "Lives in Australia; ring in the evening"),
    ("Friend", None, "From chapel; visits on Sundays"),
)
SEX_OF: Final = {
    "Son": "male",
    "Father": "male",
    "Husband": "male",
    "Daughter": "female",
    "Mother": "female",
    "Wife": "female",
    "Sister": "female",
    "Grandmother": "female",
}


class PersonFactory:
    """Makes one person at a time; keeps NHS numbers unique across the whole caseload."""

    def __init__(self, rng: random.Random, directory: Directory, as_of: date) -> None:
        self.rng = rng
        self.d = directory
        self.as_of = as_of
        self.used_nhs: set[str] = set()
        leads = [s for s in directory.practitioners if s.job_title != "Reablement support worker"]
        weights = [
            4 if s is directory.nurse else 3 if s.role == Role.COMMUNITY_NURSE else 2 for s in leads
        ]
        self.leads: list[Staff] = leads
        self.lead_weights = weights

    def _nhs(self) -> str:
        while True:
            digits = nhs_number.synthetic(self.rng).digits
            if digits not in self.used_nhs:
                self.used_nhs.add(digits)
                return digits

    def make(self, batch: dict[str, list[Row]]) -> Subject:
        rng, as_of = self.rng, self.as_of
        group = rng.choices([g for g, _ in GROUPS], [w for _, w in GROUPS])[0]
        if group == "older":
            age = min(100, int(rng.triangular(70, 101, 84)))
            sex = "female" if rng.random() < 0.6 else "male"
        elif group == "adult":
            age, sex = rng.randrange(20, 70), rng.choice(("female", "male"))
        elif group == "teen":
            age, sex = rng.randrange(13, 20), rng.choice(("female", "male"))
        else:
            age, sex = 0, rng.choice(("female", "male"))
        dob = (
            as_of - timedelta(days=rng.randrange(10, 700))
            if group == "baby"
            else as_of - timedelta(days=age * 365 + age // 4 + rng.randrange(1, 364))
        )
        generation = {"older": "older", "adult": "adult"}.get(group, "young")
        name = names.person_name(rng, generation, sex)
        pool = LANGUAGES.get(name.origin)
        language = "English"
        if pool and group in ("older", "adult") and rng.random() < 0.35:
            language = rng.choice(pool)
        town = rng.choice(self.d.towns)
        gp = rng.choice(self.d.gp_practices)
        lead = None if rng.random() < 0.04 else rng.choices(self.leads, self.lead_weights)[0]
        has_carer = rng.random() < CARER_CHANCE[group]
        kinds = CARER_KINDS[group]
        carer_kind = (
            rng.choices([k for k, _ in kinds], [w for _, w in kinds])[0] if has_carer else None
        )
        # end of life is one plan in a dozen or so, not one in six
        dying = rng.random() < 0.45
        choices = [
            t
            for t in themes_for(group)
            if (has_carer or t.key != "carer") and (dying or t.key != "end_of_life")
        ]
        themes = tuple(rng.sample(choices, min(len(choices), rng.choice((1, 2, 2, 3)))))
        level = rng.choices([v for v, _ in LEVELS], [w for _, w in LEVELS])[0]
        status = PersonStatus.OPEN.value if rng.random() < 0.93 else PersonStatus.CLOSED.value
        s = Subject(
            id=new_id(rng),
            group=group,
            sex=sex,
            age=age,
            given=name.given,
            preferred=names.preferred(rng, name.given),
            family=name.family,
            origin=name.origin,
            language=language,
            town=town,
            gp=gp,
            doctor=rng.choice(gp.doctors),
            lead=lead,
            level=level,
            open=status == PersonStatus.OPEN.value,
            known_since=max(dob, as_of - timedelta(days=rng.randrange(21, 3 * 365))),
            themes=themes,
        )
        if group in COMMUNICATION_KINDS and rng.random() < COMMUNICATION_CHANCE[group]:
            s.communication = rng.choice(COMMUNICATION_KINDS[group])
        s.interpreter = language not in ("English", "Welsh") and rng.random() < 0.7
        s.anticoagulated = rng.random() < WARFARIN_CHANCE.get(group, 0.0)
        comm = COMMUNICATION[s.communication] if s.communication else None
        line1, line2 = places.address_line(rng)
        batch["person"].append(
            {
                "id": s.id,
                "nhs_number": self._nhs(),
                "nhs_number_status": rng.choices(("01", "02", "03"), (92, 6, 2))[0],
                "title": _title(rng, group, sex, married=carer_kind == "spouse"),
                "given_name": s.given,
                "family_name": s.family,
                "preferred_name": s.preferred,
                "date_of_birth": dob,
                "sex": sex,
                "gender": sex,
                "address_line1": line1,
                "address_line2": line2,
                "town": town.name,
                "postcode": places.postcode(rng, town.district),
                "phone": landline(rng) if group == "older" else mobile(rng),
                "gp_practice_id": gp.org.id,
                "gp_name": s.doctor,
                "interpreter_needed": s.interpreter,
                "language": language,
                "large_print": bool(comm and comm[1]),
                "communication_needs": comm[0] if comm else None,
                "locality_id": town.locality_id,
                "team_id": self.d.team_id,
                "level_of_need": level,
                "life_stage": _life_stage(group, themes),
                "lead_professional_id": lead.id if lead else None,
                "status": status,
                "date_of_death": None,
            }
        )
        if carer_kind is not None:
            self._carer(s, carer_kind, batch)
        if rng.random() < (0.3 if has_carer else 0.5):
            rel, contact_sex, comment = rng.choice(OTHER_CONTACTS)
            batch["personal_contact"].append(
                _contact(
                    rng,
                    s,
                    names.staff_name(rng, contact_sex or rng.choice(("female", "male"))),
                    rel,
                    main=False,
                    key_holder=rel == "Neighbour",
                    comments=comment,
                )
            )
        return s

    def _carer(self, s: Subject, kind: str, batch: dict[str, list[Row]]) -> None:
        rng = self.rng
        if kind == "spouse":
            sex = "male" if s.sex == "female" and rng.random() < 0.95 else "female"
            rel = {"male": "Husband", "female": "Wife"}[sex] if s.group == "older" else "Partner"
            first = names.given(rng, s.origin, "older" if s.group == "older" else "adult", sex)
            surname = names.family_for(s.family, sex)
        else:
            rel = kind
            sex = SEX_OF.get(kind) or rng.choice(("female", "male"))
            generation = "older" if kind == "Grandmother" else "adult"
            origin = names.origin(rng) if kind == "Neighbour" else s.origin
            first = names.given(rng, origin, generation, sex)
            same = kind in ("Mother", "Father", "Son", "Grandmother") or rng.random() < 0.5
            surname = (
                names.family_for(s.family, sex)
                if same and kind != "Neighbour"
                else names.family(rng, origin, sex)
            )
        s.carer_first = first
        s.carer_is_spouse = kind == "spouse"
        s.carer_phrase = "Mum" if s.group == "baby" else f"my {rel.lower()} {first}"
        assessment = rng.choices([c.value for c in CarersAssessment], (30, 25, 10, 35))[0]
        dated = assessment in (CarersAssessment.DONE.value, CarersAssessment.OFFERED.value)
        lpa = None
        if s.group == "older" and kind != "Neighbour" and rng.random() < 0.25:
            lpa = rng.choice(("health_and_welfare", "property_and_financial", "both"))
        batch["personal_contact"].append(
            _contact(
                rng,
                s,
                f"{first} {surname}",
                rel,
                main=True,
                key_holder=kind in ("Neighbour", "Daughter", "Son") and rng.random() < 0.6,
                comments=rng.choice(CARER_NOTES) if rng.random() < 0.6 else None,
                assessment=assessment,
                assessed_on=self.as_of - timedelta(days=rng.randrange(5, 500)) if dated else None,
                lpa=lpa,
            )
        )


def _contact(
    rng: random.Random,
    s: Subject,
    name: str,
    relationship: str,
    *,
    main: bool,
    key_holder: bool,
    comments: str | None,
    assessment: str | None = None,
    assessed_on: date | None = None,
    lpa: str | None = None,
) -> Row:
    return {
        "id": new_id(rng),
        "person_id": s.id,
        "name": name,
        "relationship": relationship,
        "phone": phone(rng),
        "is_main_carer": main,
        "carers_assessment": assessment,
        "carers_assessment_date": assessed_on,
        "is_key_holder": key_holder,
        "lasting_power_of_attorney": lpa,
        "is_emergency_contact": main or rng.random() < 0.6,
        "comments": comments,
    }


def _title(rng: random.Random, group: str, sex: str, *, married: bool) -> str | None:
    """From sex, age and marriage: no title under 18, Mr for men, Mrs for a woman whose
    husband or wife is her carer (never Miss or Ms then); otherwise, for older women,
    mostly Mrs (many are widowed), and a spread for younger women."""
    if group in ("teen", "baby"):
        return None
    if rng.random() < 0.02:
        return "Dr"
    if sex == "male":
        return "Mr"
    if married:
        return "Mrs"
    return rng.choices(("Mrs", "Miss", "Ms"), (70, 15, 15) if group == "older" else (30, 25, 45))[0]


def _life_stage(group: str, themes: tuple[Theme, ...]) -> str:
    if group == "baby":
        return LifeStage.STARTING_WELL.value
    if group == "teen":
        return LifeStage.GROWING_WELL.value
    if group == "adult":
        return LifeStage.LIVING_WELL.value
    if any(t.key == "end_of_life" for t in themes):
        return LifeStage.DYING_WELL.value
    return LifeStage.AGEING_WELL.value
