"""Every message a user is shown can be translated: the window's words through
ui.i18n.tr, and every user-facing error raised below the window (store, app,
sync) through the one seam in storage.i18n, as a template with its values by
name, so a catalogue entry matches whatever was typed."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import i18n
from app.errors import InvalidInputError, OneRecordError
from app.rules import postcode
from storage import i18n as seam

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("app", "storage", "sync")


def _user_facing_classes(trees: list[ast.Module]) -> set[str]:
    bases: dict[str, list[str]] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases[node.name] = [
                    b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases
                ]

    def user_facing(name: str, seen: frozenset[str] = frozenset()) -> bool:
        if name == "OneRecordError":
            return True
        return any(user_facing(b, seen | {name}) for b in bases.get(name, []) if b not in seen)

    return {name for name in bases if user_facing(name)} | {"OneRecordError"}


def _raised_messages() -> Iterator[tuple[str, int, ast.expr]]:
    files = [p for layer in LAYERS for p in (ROOT / layer).rglob("*.py")]
    trees = {p: ast.parse(p.read_text(encoding="utf-8")) for p in files}
    classes = _user_facing_classes(list(trees.values()))
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            func = node.exc.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in classes and node.exc.args:
                yield str(path.relative_to(ROOT)), node.lineno, node.exc.args[0]


def test_every_user_facing_message_is_a_template_not_a_filled_string() -> None:
    filled = []
    seen = 0
    for where, line, message in _raised_messages():
        seen += 1
        formatted = isinstance(message, ast.JoinedStr) or (
            isinstance(message, ast.Call)
            and isinstance(message.func, ast.Attribute)
            and message.func.attr == "format"
        )
        if formatted or (isinstance(message, ast.BinOp) and isinstance(message.op, ast.Mod)):
            filled.append(f"{where}:{line}")
    assert seen > 100  # the scan found the layers' messages
    assert filled == [], "pass values by name instead: " + ", ".join(filled)


@pytest.fixture
def pseudo_welsh() -> Iterator[dict[str, str]]:
    catalogue = {
        "'{text}' is not a UK postcode (for example DL8 3AB).": (
            "Nid yw '{text}' yn god post yn y DU (er enghraifft DL8 3AB)."
        ),
        "A date of birth cannot be in the future.": "Ni all dyddiad geni fod yn y dyfodol.",
    }
    i18n.install(lambda text: catalogue.get(text, text))
    try:
        yield catalogue
    finally:
        i18n.install(None)


def test_an_app_error_reaches_the_user_translated_with_its_value(
    pseudo_welsh: dict[str, str],
) -> None:
    with pytest.raises(InvalidInputError) as raised:
        postcode("ZZ9 {0}")  # braces typed by the user are shown as typed, never formatted
    assert str(raised.value) == "Nid yw 'ZZ9 {0}' yn god post yn y DU (er enghraifft DL8 3AB)."
    assert str(OneRecordError("A date of birth cannot be in the future.")) == (
        "Ni all dyddiad geni fod yn y dyfodol."
    )


def test_english_until_a_translator_is_installed() -> None:
    with pytest.raises(InvalidInputError) as raised:
        postcode("nowhere")
    assert str(raised.value) == "'nowhere' is not a UK postcode (for example DL8 3AB)."


@pytest.mark.gui
def test_the_desktop_routes_the_layers_below_through_its_translator() -> None:
    import importlib

    from ui import i18n as ui_i18n

    i18n.install(None)
    ui_i18n = importlib.reload(ui_i18n)  # what starting the desktop does
    assert seam._translate is ui_i18n.tr
