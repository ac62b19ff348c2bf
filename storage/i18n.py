"""The one seam every user-facing message passes through, in the lowest layer so
the store's, the app's and sync's messages all reach it.

It returns the English text until the desktop installs Qt's translator
(`ui/i18n.py` does, through `app.i18n`), so one catalogue translates the window's
words and every message the layers below raise. A message with values is a
template (`"'{text}' is not a UK postcode"`) translated first and filled after,
so a catalogue entry matches whatever was typed.
"""

from __future__ import annotations

from collections.abc import Callable

Translate = Callable[[str], str]


def _english(text: str) -> str:
    return text


_translate: Translate = _english


def install(translate: Translate | None) -> None:
    """Route every message through `translate` (None: back to English)."""
    global _translate
    _translate = translate or _english


def tr(template: str, **values: object) -> str:
    """The message in the user's language, its values filled in."""
    text = _translate(template)
    return text.format(**values) if values else text
