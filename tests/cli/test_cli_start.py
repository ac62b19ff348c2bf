"""The command line starts fast (issue 21): building the parser and printing any
`--help` loads none of the heavy libraries; each command imports what it needs when
it runs. Checked by what is imported, not by timing (bench/cli_start.py times it)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from app.cli import choices
from app.values.about_me_fields import ABOUT_ME_FIELDS

ROOT = Path(__file__).resolve().parents[2]
HEAVY = (
    "sqlalchemy",
    "alembic",
    "pydantic",
    "httpx",
    "reportlab",
    "argon2",
    "PySide6",
    "fastapi",
    "sqlcipher3",
    "app.workspace",
    "storage.tables",
)

# In a fresh interpreter: the whole parser as the launcher builds it (with the sync
# layer's commands), then `--help` for the top level and for every subcommand.
CHILD = """
import argparse, contextlib, io, json, sys
from app.cli.main import build_parser
from sync.cli import register

parser = build_parser([register])

def walk(p, path):
    yield path
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from walk(child, [*path, name])

helps = []
for path in walk(parser, []):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            parser.parse_args([*path, "--help"])
        except SystemExit as done:
            assert done.code == 0, (path, done.code)
    assert "usage: onerecord" in out.getvalue(), path
    helps.append(" ".join(path))
heavy = sorted({h for h in HEAVY for m in sys.modules if m == h or m.startswith(h + ".")})
print(json.dumps({"helps": helps, "heavy": heavy}))
"""


def test_help_everywhere_imports_nothing_heavy() -> None:
    done = subprocess.run(
        [sys.executable, "-c", f"HEAVY = {HEAVY!r}\n{CHILD}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    # The walk reached every command, the sync layer's and the nested ones too.
    for command in ("", "list", "plan end", "meeting pack", "audit report", "sync", "break-glass"):
        assert command in found["helps"]
    assert found["heavy"] == [], (
        "building the parser imported these; import them inside the handler that needs "
        f"them (see app/cli/main.py): {found['heavy']}"
    )


def test_choices_are_their_owners() -> None:
    """app.cli.choices repeats words whose owners are heavy to import: the same words."""
    from app.services.care.plan_endings import ENDABLE
    from app.services.caseload.caseload import SORTS as CASELOAD_SORTS
    from app.services.need_to_know.access_report import ALL_KINDS
    from app.services.record.about_me import PROMPTS, SUPPORTED_BY
    from app.services.record.people import EDITABLE
    from app.services.team.team_caseload import SORTS as TEAM_SORTS

    assert choices.ACCESS_KINDS == ALL_KINDS
    assert tuple(CASELOAD_SORTS) == choices.CASELOAD_SORTS
    assert tuple(TEAM_SORTS) == choices.TEAM_SORTS
    assert tuple(EDITABLE) == choices.EDITABLE_FIELDS
    assert tuple(ENDABLE) == choices.ENDABLE_KINDS
    assert (*(name for name, _ in PROMPTS), SUPPORTED_BY[0]) == ABOUT_ME_FIELDS
