"""The demo's carers at the tipping point (issue 20): about half the main carers have
had two or three carer-strain checks over the last months, signed by the person's
lead, some steady or easing, some rising past the team's prompt; about a third of
the main carers have written what happens if they cannot care.

Its own random stream, seeded by the person's id: adding it changes nothing else the
seed makes (names, notes, visits stay as they were)."""

from __future__ import annotations

import json
import logging
import random
from datetime import date, timedelta
from typing import Final

from app.demo.common import Row, new_id
from app.values import carer_strain

logger = logging.getLogger(__name__)

CHECKED: Final = 0.5
PLANNED: Final = 0.35
# Each carer's path of totals, oldest first (about a quarter rise past the prompt).
PATHS: Final[tuple[tuple[int, ...], ...]] = (
    (6, 7),
    (9, 8, 8),
    (12, 10),
    (8, 12, 17),
    (11, 15),
    (5, 6, 6),
    (14, 15, 16),
    (10, 9),
)
PLANS: Final = (
    "{family} comes to stay; until then the council's emergency carers line sends "
    "someone the same day.",
    "Ring the care team first thing: {name} cannot be left alone overnight. The "
    "neighbour with the key can sit with {name} until help comes.",
    "Respite at the local care home has been agreed in principle: ring the lead "
    "professional to book it.",
    "Our daughter has the list of medicines and the carers' rota, and will take over.",
)


def _answers(rng: random.Random, total: int) -> list[int]:
    """Thirteen answers 0-2 adding up to `total`."""
    answers = [0] * len(carer_strain.STATEMENTS)
    for _ in range(min(total, carer_strain.MOST)):
        spare = [i for i, a in enumerate(answers) if a < 2]
        answers[rng.choice(spare)] += 1
    return answers


def carer_rows(person: Row, contacts: list[Row], as_of: date, batch: dict[str, list[Row]]) -> None:
    """Checks with the person's main carer, and maybe their contingency plan, for the
    person just built (`contacts`: their personal contact rows)."""
    main = next((c for c in contacts if c["is_main_carer"]), None)
    signer = person.get("lead_professional_id")
    if main is None or person.get("status") != "open":
        return
    rng = random.Random(f"carers-{person['id']}")
    if rng.random() < PLANNED:
        main["contingency_plan"] = rng.choice(PLANS).format(
            family=f"Their {rng.choice(('son', 'daughter', 'niece', 'brother'))}",
            name=person["given_name"],
        )
    if signer is None or rng.random() >= CHECKED:
        return
    path = rng.choice(PATHS)
    last = as_of - timedelta(days=rng.randrange(0, 25))
    step = timedelta(days=rng.randrange(60, 90))
    for n, total in enumerate(path):
        on = last - step * (len(path) - 1 - n)
        batch["carer_strain_check"].append(
            {
                "id": new_id(rng),
                "person_id": person["id"],
                "carer_id": main["id"],
                "checked_on": on,
                "answers": json.dumps(_answers(rng, total)),
                "comment": None,
                "asked_by_id": signer,
            }
        )
