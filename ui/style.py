"""The look: Fusion (the same on every platform) plus resources/style.qss."""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

import resources

logger = logging.getLogger(__name__)

# Plain, widely installed sans-serifs, nearest first to the NHS's Frutiger.
FONT_FAMILIES = ["Segoe UI", "Helvetica Neue", "Arial", "Liberation Sans", "DejaVu Sans"]


def apply_style(app: QApplication) -> None:
    app.setStyle("Fusion")
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPixelSize(16)
    app.setFont(font)
    try:
        app.setStyleSheet(resources.stylesheet())
    except OSError:
        # A missing stylesheet makes the app plain, not unusable.
        logger.warning("stylesheet %s not found; using the default look", resources.STYLESHEET)
