"""Save one note through the app, say so, and stop dead: the moment a power cut would
strike right after the app acknowledged a save (tests/reliability/test_power_loss.py
runs this under strace).

    python -m tests.reliability.power_cut_child <profile folder> <NHS number>

It never locks or closes the profile: a clean close checkpoints the WAL (and fsyncs
it), which would hide a commit that was acknowledged before it was on the disk.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from app.services.care.notes import add_note
from app.workspace import unlock

SAID = b"SAVED-AND-ACKNOWLEDGED\n"
NOTE = "Power cut drill: the kettle is on."


def main() -> None:
    folder, nhs = Path(sys.argv[1]), sys.argv[2]
    workspace = unlock(folder, os.environ["ONERECORD_PASSPHRASE"], for_sync=True)
    add_note(workspace, nhs, NOTE)
    # One write(2) straight to stdout, so the trace shows exactly when it was said.
    os.write(1, SAID)
    os._exit(0)


if __name__ == "__main__":
    main()
