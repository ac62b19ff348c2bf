"""Files the app ships with (stylesheets, icons, translations), found wherever the
package is installed: a source checkout, a wheel or a PyInstaller bundle."""

from __future__ import annotations

from importlib import resources as _resources

STYLESHEET = "style.qss"


def read_text(name: str) -> str:
    """The text of a file shipped in this package, e.g. `read_text(STYLESHEET)`."""
    return _resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def folder() -> str:
    """Where the shipped files are, as a path a stylesheet `url()` can use."""
    return str(_resources.files(__name__)).replace("\\", "/")


def stylesheet() -> str:
    """The stylesheet, its `url({resources}/...)` images pointed at the shipped files."""
    return read_text(STYLESHEET).replace("{resources}", folder())
