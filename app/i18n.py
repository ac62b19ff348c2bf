"""The translation seam for the app layer (it lives in storage, below every layer
that raises a user-facing message): `tr` for the app's own words, `install` for
the desktop to route them all through Qt's translator."""

from storage.i18n import Translate, install, tr

__all__ = ["Translate", "install", "tr"]
