"""`onerecord gui [--profile DIR]`: start the desktop app at the unlock window."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from app import logging_setup
from app.paths import default_profile
from ui.app_controller import AppController
from ui.i18n import tr
from ui.kit.gui_gc import collect_on_gui_thread
from ui.kit.tasks import TaskRunner
from ui.style import apply_style

logger = logging.getLogger(__name__)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="onerecord gui", description=tr("The OneRecord desktop app.")
    )
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        metavar="DIR",
        help=tr("the profile folder (default: the usual one for this computer)"),
    )
    # For the packaged build's test: check the build works, then quit (ui/smoke_test.py).
    parser.add_argument("--smoke-test", action="store_true", help=argparse.SUPPRESS)
    # Qt's own options (-platform, -style...) pass through to QApplication.
    args, qt_args = parser.parse_known_args(argv)
    args.profile = (args.profile or default_profile()).expanduser()
    args.qt_args = qt_args
    return args


def create_application(qt_args: list[str]) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0], *qt_args])
    app.setApplicationName("OneRecord")
    app.setOrganizationName("OneRecord")
    app.setApplicationDisplayName("OneRecord")
    apply_style(app)
    collect_on_gui_thread(app)  # never on the database worker: ui/kit/gui_gc.py
    return app


def run_gui(argv: list[str]) -> int:
    try:
        args = parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already printed by argparse
        return int(exc.code or 0)
    logging_setup.configure()
    app = create_application(args.qt_args)
    runner = TaskRunner()
    controller = AppController(runner, args.profile)
    # On quit: lock (dropping the key) and wait for the database worker to finish.
    app.aboutToQuit.connect(controller.shutdown)
    controller.start()
    logger.info("started")
    if args.smoke_test:
        from ui.smoke_test import SmokeTest

        SmokeTest(app, controller).start()
    return app.exec()
