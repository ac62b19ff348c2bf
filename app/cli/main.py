"""`onerecord`: administration, scripting and tests, beside the desktop app.

User errors print one plain line on stderr and exit non-zero: 2 usage, 3 wrong
passphrase, 4 missing or damaged profile, 5 access denied (someone outside the
user's caseload: `--break-glass REASON`), 1 anything else. No tracebacks.

Start time (issue 21: `--help` within 150 ms, a command within 300 ms beyond the
passphrase's key derivation): each commands_* module's `register` and the top of the
module import only light things (argparse, app.errors, app.values, app.cli's own
helpers and app.cli.choices); a handler imports the services it calls (SQLAlchemy,
the profile, reports, the sync client) in its own body. tests/cli/test_cli_start.py
fails if building the parser or any `--help` loads them.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from app.cli import (
    commands_assessment,
    commands_audit,
    commands_backup,
    commands_conflicts,
    commands_contacts,
    commands_coordinator,
    commands_mdt,
    commands_outcomes,
    commands_person,
    commands_plan,
    commands_priorities,
    commands_profile,
    commands_record,
    commands_reports,
)
from app.errors import OneRecordError
from app.logging_setup import configure, log_bug
from app.paths import default_profile

logger = logging.getLogger(__name__)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"onerecord: {message} (see '{self.prog} --help')\n")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="profile folder (default: $ONERECORD_PROFILE or the user data folder)",
    )
    parser.add_argument(
        "--passphrase-file", type=Path, default=None, help="read the passphrase from this file"
    )
    parser.add_argument("--verbose", action="store_true", help="show debug logging")


Extension = Callable[[Any, Callable[[argparse.ArgumentParser], None]], None]


def build_parser(extensions: Sequence[Extension] = ()) -> argparse.ArgumentParser:
    parser = _Parser(
        prog="onerecord", description="OneRecord: one shared, encrypted record and care plan."
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    commands_profile.register(sub, _common)
    commands_record.register(sub, _common)
    commands_person.register(sub, _common)
    commands_assessment.register(sub, _common)
    commands_plan.register(sub, _common)
    commands_outcomes.register(sub, _common)
    commands_contacts.register(sub, _common)
    commands_reports.register(sub, _common)
    commands_conflicts.register(sub, _common)
    commands_audit.register(sub, _common)
    commands_backup.register(sub, _common)
    commands_coordinator.register(sub, _common)
    commands_priorities.register(sub, _common)
    commands_mdt.register(sub, _common)
    # Layers above app (sync) add their commands here; app never imports them.
    for register in extensions:
        register(sub, _common)
    return parser


def main(argv: Sequence[str] | None = None, extensions: Sequence[Extension] = ()) -> int:
    parser = build_parser(extensions)
    args = parser.parse_args(argv)
    configure(verbose=args.verbose)
    if args.profile is None:
        args.profile = default_profile()
    try:
        return int(args.handler(args) or 0)
    except OneRecordError as err:
        print(f"onerecord: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("onerecord: cancelled.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        log_bug(exc)
        print(
            f"onerecord: something went wrong inside OneRecord ({type(exc).__name__}); "
            "it has been logged without any personal data.",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
