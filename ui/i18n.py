"""The one translation function every user-visible string goes through.

Today it returns the English text; wiring a QTranslator in later translates
every string at once because they all pass through here.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

_CONTEXT = "OneRecord"


def tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)
