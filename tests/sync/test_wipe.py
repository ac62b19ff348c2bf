"""A revoked laptop, told so by its server, leaves nothing behind that holds or unlocks
a record: not its key file (nor a copy of it), database, WAL or shared memory, backups,
drafts, audit anchor, failed-unlock count or what an interrupted write left, and
nothing in the system's temp folder.

The profile is a real one in every state a laptop can be found in: a backup taken, a
restore and a passphrase change each cut off by SIGKILL at their final rename (a flat
battery), a wrong passphrase typed, a draft half written, the desktop app unlocked and
a command still holding the database open beside it. Every file is hard-linked aside
first, as someone recovering deleted files from the disk would find them: after the
wipe none of those copies may still open with either passphrase.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from app.errors import WrongPassphraseError
from app.services.care.notes import add_note
from app.services.profile.backup import backup_profile
from app.services.record import drafts, people
from app.workspace import Workspace, unlock
from storage import keyvault, profile, settings
from storage.audit_anchor import ANCHOR_FILE
from storage.errors import ProfileDamagedError
from storage.unlock_attempts import FAILURES_FILE
from sync.client.enrol import wipe
from sync.server import directory
from sync.transport import RevokedError
from tests.conftest import PASSPHRASE, ZOE
from tests.sync.conftest import Laptop, RunningServer, reopen
from tests.sync.helpers import sync

NEW_PASSPHRASE = "another long test passphrase"
ROOT = Path(__file__).resolve().parents[2]

# Run in a child process: SIGKILL it at the rename that would finish an operation, so
# the operation's temp file stays behind exactly as a crash there leaves it.
_KILLED_AT_RENAME = """
import os, signal, sys
from pathlib import Path

real_replace = os.replace

def replace(src, dst, *args, **kwargs):
    if Path(src).name.startswith(sys.argv[1]):
        os.kill(os.getpid(), signal.SIGKILL)
    return real_replace(src, dst, *args, **kwargs)

os.replace = replace
exec(sys.argv[2])
"""


def _killed_at_rename(prefix: str, code: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_AT_RENAME, prefix, code],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr.decode(errors="replace")


def _listing(folder: Path) -> list[str]:
    if not folder.exists():
        return []
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def _opens_with(file: Path, passphrase: str) -> bool:
    """Whether this file is a key vault that gives up the database key."""
    try:
        wrapped = keyvault.WrappedKey.from_json(file.read_bytes().decode("utf-8", "replace"))
        keyvault.unwrap(wrapped, passphrase)
    except (ProfileDamagedError, WrongPassphraseError):
        return False
    return True


def _set_up_the_laptop(laptop: Laptop) -> Workspace:
    """An enrolled laptop with a person, a note and a half-written draft (then locked)."""
    ws = reopen(laptop("Sam Taylor"))  # the lock writes the audit anchor
    sync(ws)
    person = people.register(ws, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    with ws.store.write(ws.actor) as session:  # the team's: a legitimate relationship
        people.find(session, ZOE).team_id = settings.get(session, settings.HOME_TEAM)
    add_note(ws, ZOE, "Visited; walking with the frame.")
    drafts.save_draft(
        ws,
        key=drafts.visit_note_key(person),
        values={"narrative": "Half-written: the key safe by the back door"},
        person_id=person,
    )
    return ws


def test_a_revoked_laptop_leaves_nothing_that_holds_or_unlocks_records(
    server: RunningServer,
    laptop: Laptop,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    system_temp = tmp_path / "system-temp"
    system_temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(system_temp))
    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR

    ws = _set_up_the_laptop(laptop)
    path = ws.store.path
    ws.close()

    backup = backup_profile(path, PASSPHRASE).path
    _killed_at_rename(
        f".{profile.DB_FILE}.restoring",
        "from app.services.profile.backup import restore_profile\n"
        f"restore_profile(Path({str(path)!r}), {PASSPHRASE!r}, Path({str(backup)!r}))",
    )
    _killed_at_rename(
        ".tmp-",
        "from storage import profile\n"
        f"profile.change_passphrase(Path({str(path)!r}), {PASSPHRASE!r}, {NEW_PASSPHRASE!r})",
    )

    desktop = unlock(path, PASSPHRASE, for_sync=True)  # the app, unlocked
    beside = unlock(path, PASSPHRASE, for_sync=True)  # a command running beside it
    with pytest.raises(WrongPassphraseError):
        unlock(path, "not the passphrase at all")
    with desktop.store.read() as session:
        person = people.find(session, ZOE).id
    assert drafts.load_draft(desktop, key=drafts.visit_note_key(person)) is not None

    before = _listing(path)
    for name in (
        profile.VAULT_FILE,
        profile.DB_FILE,
        f"{profile.DB_FILE}-wal",
        f"{profile.DB_FILE}-shm",
        profile.META_FILE,
        ANCHOR_FILE,
        FAILURES_FILE,
        f".{profile.DB_FILE}.restoring",
        f"{profile.BACKUP_DIR}/{backup.name}",
    ):
        assert name in before, f"{name} was not on disk before the wipe: {before}"
    assert any(
        n.startswith(f"{profile.BACKUP_DIR}/backup-") and "before-restore" in n for n in before
    )
    vault_copies = [path / n for n in before if n.startswith(".tmp-")]
    assert len(vault_copies) == 1 and _opens_with(vault_copies[0], NEW_PASSPHRASE), before
    assert _opens_with(path / profile.VAULT_FILE, PASSPHRASE)

    # What a forensic recovery of the deleted files would find: the same inodes.
    recovered = tmp_path / "recovered"
    recovered.mkdir()
    for name in before:
        if (path / name).is_file():
            os.link(path / name, recovered / name.replace("/", "__"))

    directory.revoke(server.store, desktop.store.device_id)
    with pytest.raises(RevokedError):
        sync(desktop)
    wipe(desktop)  # what the app does when a sync says "revoked" (ui.app_controller)
    beside.close()  # the command ends after the wipe: it must not write anything back

    left = _listing(path)
    assert left == [], f"the wipe left these in the profile folder: {left}"
    assert not path.exists()
    still_a_key = [
        f.name
        for f in sorted(recovered.iterdir())
        if _opens_with(f, PASSPHRASE) or _opens_with(f, NEW_PASSPHRASE)
    ]
    assert still_a_key == [], f"recovered copies that still unlock the database: {still_a_key}"
    assert _listing(system_temp) == [], "files left in the system temp folder"
