"""Make a small demo profile per schema version for the upgrade tests.

    .venv/bin/python scripts/make_fixture_profile.py            # every missing fixture
    .venv/bin/python scripts/make_fixture_profile.py --revision 0005 --force

For each migration revision R (bar the newest: head needs no upgrade), the last
commit at which R was the head is checked out into a throwaway git worktree and
*that commit's own* `onerecord demo` builds the profile: a profile exactly as a
laptop running that version would have left it, not one imitated by today's code.
Then, with today's code, its key is rewrapped under the cheap test KDF (the
database is untouched) and a manifest records what must survive the upgrade:
counts, one person's id and a hash of their details, the journal size.

Synthetic people only (the demo's 999-range NHS numbers). The passphrase is in
tests/fixtures/profiles/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from storage import keyvault  # noqa: E402
from storage.engine import connect_raw  # noqa: E402

OUT = ROOT / "tests" / "fixtures" / "profiles"
VERSIONS = ROOT / "storage" / "migrations" / "versions"
PASSPHRASE = "fixture profile passphrase, synthetic data only"  # noqa: S105 (documented)
FAST_KDF = keyvault.KdfParams(time_cost=1, memory_kib=8192, parallelism=1)
PEOPLE = 6
DEMO = ("--people", str(PEOPLE), "--seed", "8")
COUNTED = ("person", "contact_note", "goal", "risk", "consent_decision", "change_journal")


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()


def revisions() -> list[tuple[str, list[str]]]:
    """(revision, commits at which it was head, newest first), oldest revision first;
    head excluded. A commit mid-way through someone's work may not run: the builder
    tries the next older one."""
    files = sorted(p for p in VERSIONS.glob("[0-9][0-9][0-9][0-9]_*.py"))
    added = [
        _git("log", "--diff-filter=A", "--format=%H", "--", str(f)).splitlines()[-1] for f in files
    ]
    out = []
    for n, f in enumerate(files[:-1]):
        following = added[n + 1]
        if following == added[n]:
            continue  # added in the same commit as the next: never a laptop's head
        later = _git("rev-list", "--first-parent", f"{added[n]}..{following}^").splitlines()
        commits = [*later, added[n]]
        out.append((f.name[:4], commits))
    return out


def _demo_at(commit: str, tmp: Path) -> Path | None:
    """That commit's own `onerecord demo`, in a worktree; None if it does not run."""
    tree = tmp / f"tree-{commit[:8]}"
    _git("worktree", "add", "--detach", str(tree), commit)
    try:
        profile = tmp / f"profile-{commit[:8]}"
        env = {**os.environ, "ONERECORD_PASSPHRASE": PASSPHRASE, "PYTHONPATH": str(tree)}
        env["HOME"] = str(tmp)  # the old code's logs and settings stay in the temp folder
        done = subprocess.run(
            [sys.executable, "-m", "app.cli.main", "demo", "--profile", str(profile), *DEMO],
            cwd=tree,
            env=env,
            check=False,
            capture_output=True,
            text=True,
        )
        return profile if done.returncode == 0 else None
    finally:
        _git("worktree", "remove", "--force", str(tree))


def build(revision: str, commits: list[str], target: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        for commit in commits:
            made = _demo_at(commit, tmp)
            if made is not None:
                profile = made
                break
            print(f"{revision}: {commit[:8]} does not run its demo; trying the one before")
        else:
            raise SystemExit(f"{revision}: no commit could build a demo profile")
        _rewrap(profile)
        manifest = _manifest(profile, revision, commit)
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        for name in ("onerecord.db", "keyvault.json", "profile.json"):
            shutil.copyfile(profile / name, target / name)
        (target / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"{revision}: {target.relative_to(ROOT)} ({manifest['counts']})")


def _rewrap(profile: Path) -> None:
    """The slow default KDF would make every test unlock slow: rewrap under a cheap one."""
    vault = profile / "keyvault.json"
    key = keyvault.unwrap(keyvault.read_vault(vault), PASSPHRASE)
    keyvault.write_vault(vault, keyvault.wrap(bytes(key), PASSPHRASE, FAST_KDF))
    # One self-contained file: fold the WAL in.
    conn = connect_raw(profile / "onerecord.db", key)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("VACUUM")  # small fixtures: no free pages in the repository
    conn.close()
    keyvault.wipe(key)


def person_digest(row: tuple[object, ...]) -> str:
    return hashlib.sha256(json.dumps([str(v) for v in row]).encode()).hexdigest()


def _manifest(profile: Path, revision: str, commit: str) -> dict[str, object]:
    key = keyvault.unwrap(keyvault.read_vault(profile / "keyvault.json"), PASSPHRASE)
    conn = connect_raw(profile / "onerecord.db", key)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        counts = {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608 (constants)
            for t in COUNTED
            if t in tables
        }
        person = conn.execute(
            "SELECT id, nhs_number, family_name, given_name, date_of_birth FROM person "
            "ORDER BY id LIMIT 1"
        ).fetchone()
        found = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        conn.close()
        keyvault.wipe(key)
    assert found == revision, (found, revision)
    return {
        "revision": revision,
        "made_by_commit": commit,
        "counts": counts,
        "person_id": person[0],
        "person_digest": person_digest(person[1:]),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--revision", help="only this revision (e.g. 0005)")
    parser.add_argument("--force", action="store_true", help="rebuild fixtures that exist")
    args = parser.parse_args()
    for revision, commits in revisions():
        target = OUT / f"schema-{revision}"
        if args.revision and revision != args.revision:
            continue
        if target.exists() and not args.force:
            print(f"{revision}: exists (use --force to rebuild)")
            continue
        build(revision, commits, target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
