"""Registering a person on the reference caseload (5,000 people), the same person
looked for first, as the New person form and `onerecord person add` do.

    .venv/bin/python bench/register.py [--people 5000] [--reuse] [--runs 40]

Shares bench/access.py's profile (bench/out/access-N). Prints median and p95 of:
the duplicate check alone (the form's first step); registering someone new (check
and write in one transaction, journalled and audited); and a registration refused
as a possible duplicate. Budget: < 100 ms for registering with the check.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select

from app.services.record.registration import (
    NewPerson,
    PossibleDuplicateError,
    find_matches,
    register_person,
)
from app.values.nhs_number import synthetic
from app.workspace import unlock
from bench._profiles import PASSPHRASE, scratch_copy, shared_profile
from bench._stats import summary, timed
from storage.tables import Person


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    source = shared_profile(args.people, reuse=args.reuse)
    target = scratch_copy(source, f"register-{args.people}")
    ws = unlock(target, PASSPHRASE)
    rng = random.Random(2026)
    try:
        with ws.store.read() as session:
            someone = session.execute(select(Person).limit(1)).scalar_one()
            known = NewPerson(
                "",
                someone.given_name,
                someone.family_name.upper(),
                someone.date_of_birth,
                someone.postcode.replace(" ", "").lower(),
            )
        counter = iter(range(1_000_000))

        def new_person() -> NewPerson:
            n = next(counter)
            return NewPerson(
                synthetic(rng).digits,
                "Bench",
                f"Registered{n:05d}",
                f"19{40 + n % 50:02d}-0{1 + n % 9}-1{n % 9}",
                "DL8 3AB",
            )

        print(
            summary(
                "duplicate check (form's first step)",
                timed(lambda: find_matches(ws, new_person()), args.runs),
                100,
            )
        )

        def refused() -> None:
            try:
                register_person(ws, known)
            except PossibleDuplicateError:
                return
            raise AssertionError("a possible duplicate was registered")

        print(summary("register refused: possible duplicate", timed(refused, args.runs), 100))
        print(
            summary(
                "register someone new (check + write)",
                timed(lambda: register_person(ws, new_person()), args.runs),
                100,
            )
        )
    finally:
        ws.close()
        shutil.rmtree(target, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
