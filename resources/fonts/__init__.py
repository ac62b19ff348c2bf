"""Fonts embedded in printed plans: DejaVu Sans and DejaVu Sans Bold (Bitstream Vera
licence, see LICENSE-DejaVu.txt), chosen for their coverage of the names on a caseload
(Łukasz, Siobhán, Zoë, Nguyễn) and for reading well at large sizes."""

from __future__ import annotations

from importlib import resources as _resources
from pathlib import Path

REGULAR = "DejaVuSans.ttf"
BOLD = "DejaVuSans-Bold.ttf"


def path(name: str) -> Path:
    """A real file path for a font shipped here (a source checkout, a wheel or a bundle)."""
    found = Path(str(_resources.files(__name__).joinpath(name)))
    if not found.is_file():
        raise FileNotFoundError(name)
    return found
