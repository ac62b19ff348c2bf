"""The team meeting's pack on the reference caseload (5,000 people): 20 people on the
list, each one's brief read from the encrypted store (what every agency changed since
the last meeting, open actions, high risks, the plan's review) and the whole pack
laid out as a PDF, one page each. Budget < 5 s (issue 20), timed as the coordinator
saves it: the briefs read, then the PDF built.

    setpriv --bounding-set -ipc_lock --inh-caps -ipc_lock \\
        .venv/bin/python bench/meeting_pack.py [--people 5000] [--reuse] [--runs 7]

Works on a scratch copy of the shared demo profile (bench/out/access-N); the meeting
is set up a week ahead and its list is the top 20 of the record's own suggestions.
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.reports.mdt_pack import build_pack_pdf
from app.services import clock
from app.services.mdt.agenda import add_to_list, offered
from app.services.mdt.briefs import meeting_pack
from app.services.mdt.meetings import set_up_meeting
from app.workspace import unlock
from bench._profiles import PASSPHRASE, scratch_copy, shared_profile
from bench._stats import summary, timed
from storage.tables import StaffMember

BUDGET_MS = 5000
LISTED = 20


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    target = scratch_copy(shared_profile(args.people, reuse=args.reuse), "meeting")
    workspace = unlock(target, PASSPHRASE)
    try:
        with workspace.store.write(workspace.actor) as s:
            me = s.get(StaffMember, workspace.actor.user_id)
            assert me is not None
            me.role = "coordinator"
        when = clock.at_local(clock.today() + timedelta(days=7), 10)
        meeting_id = set_up_meeting(workspace, meets_at=when).entity_id
        assert meeting_id is not None
        suggested = offered(workspace, meeting_id)
        for row in suggested[:LISTED]:
            add_to_list(
                workspace,
                meeting_id,
                person_id=row.person_id,
                reason=row.reason,
                why=row.why,
                flag_id=row.item_id,
            )
        pack = meeting_pack(workspace, meeting_id)
        pdf = build_pack_pdf(pack)
        changes = sum(len(b.changes) for b in pack.briefs)
        print(
            f"{len(suggested):,} suggested, {len(pack.briefs)} briefs listed"
            f" ({changes} lines of changes), {pdf.pages} pages, {len(pdf.data):,} bytes"
        )
        print(summary("briefs read", timed(lambda: meeting_pack(workspace, meeting_id), args.runs)))
        print(
            summary(
                "pack (briefs read + PDF)",
                timed(lambda: build_pack_pdf(meeting_pack(workspace, meeting_id)), args.runs),
                BUDGET_MS,
            )
        )
        print(summary("list offered", timed(lambda: offered(workspace, meeting_id), args.runs)))
    finally:
        workspace.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
