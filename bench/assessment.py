"""The joint initial assessment on the reference caseload (5,000 people): opening its
form for a person and saving a part, as the record page does.

    .venv/bin/python bench/assessment.py [--people 5000] [--reuse] [--runs 40]

Shares bench/access.py's profile (bench/out/access-N), on a copy (saving writes).
Prints median and p95 of:

* the form's data: the person's record read (the one reader the page uses) and
  the part's draft looked for, as the controller does before the form opens;
* the form itself: the real FormDialog built from the editor and shown (offscreen
  unless QT_QPA_PLATFORM says otherwise);
* saving a part: checked, signed, journalled, audited, its draft discarded.

Budgets: the form open within 100 ms (data and dialog each), a part saved in 100 ms.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from app.services.care.joint_assessment import record_part
from app.services.record import drafts
from app.services.record.record import open_record
from app.workspace import unlock
from bench._profiles import PASSPHRASE, scratch_copy, shared_profile
from bench._stats import summary, timed
from storage import settings
from storage.tables import Person
from ui.kit.forms import FormDialog
from ui.record.assessment_editors import assessment_part


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    source = shared_profile(args.people, reuse=args.reuse)
    target = scratch_copy(source, f"assessment-{args.people}")
    app = QApplication.instance() or QApplication([])
    ws = unlock(target, PASSPHRASE)
    try:
        with ws.store.read() as session:
            team = settings.get(session, settings.HOME_TEAM)
            people = list(
                session.execute(
                    select(Person.id).where(Person.team_id == team).order_by(Person.id).limit(40)
                ).scalars()
            )
        record = open_record(ws, people[0])
        key = assessment_part(record).draft_key

        def form_data() -> None:
            open_record(ws, people[0])
            drafts.load_draft(ws, key=key)

        print(
            summary(
                "assessment form: record read + draft looked for", timed(form_data, args.runs), 100
            )
        )

        def form_shown() -> None:
            editor = assessment_part(record)
            dialog = FormDialog(editor.title, editor.fields, intro=editor.intro)
            dialog.set_values(editor.initial)
            dialog.show()
            app.processEvents()
            dialog.close()
            dialog.deleteLater()

        print(summary("assessment form: dialog built and shown", timed(form_shown, args.runs), 100))

        parts = iter(range(1_000_000))

        def save() -> None:
            n = next(parts)
            record_part(
                ws,
                person_id=people[n % len(people)],
                part="daily_living",
                findings="Cannot get in or out of the bath; her daughter shops twice a week.",
                needs_help_with=["personal_hygiene", "nutrition"],
                shown_in_plan=n % 2 == 0,
                draft_key=key,
            )

        print(summary("save a part (checked, signed, journalled)", timed(save, args.runs), 100))
    finally:
        ws.close()
        shutil.rmtree(target, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
