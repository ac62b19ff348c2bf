"""The one translation function every user-visible string goes through.

Today it returns the English text; wiring a QTranslator in later translates
every string at once because they all pass through here. Importing this module
routes the layers below (their error messages and words, `app.i18n`) through it
as well, so one catalogue covers the window and everything it shows.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app import i18n as app_i18n

_CONTEXT = "OneRecord"


def tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


app_i18n.install(tr)
