"""The `onerecord` entry point. `gui` (or no command) starts the desktop app;
everything else is the command line in app.cli. It lives in ui/ because only
the top layer may know about both."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] in (["--version"], ["-V"]):
        from app.version import version

        print(f"onerecord {version()}")
        return 0
    if not args or args[0] == "gui" or args[0].startswith("--profile"):
        from ui.app_main import run_gui

        return run_gui(args[1:] if args and args[0] == "gui" else args)
    from app.cli.main import main as cli_main
    from sync.cli import register as sync_commands

    return cli_main(args, extensions=[sync_commands])


if __name__ == "__main__":
    sys.exit(main())
