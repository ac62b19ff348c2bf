"""Keep the layers honest: ui -> app -> storage, sync -> app/storage, PySide6 only in ui.

Three independent checks:

* the import-linter contracts in pyproject.toml are all kept;
* the checker really catches a violation (a leak injected into a copy of the packages);
* an AST scan, importing nothing, over every .py file, which also sees dynamic
  ``importlib.import_module("...")`` calls that import-linter cannot.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("app", "storage", "sync", "ui")

# import-linter's own entry point, run with the interpreter running the tests (so the
# venv's import-linter), whatever the platform calls its scripts folder.
LINT_IMPORTS = (
    "import sys; from importlinter.cli import lint_imports_command; "
    "sys.exit(lint_imports_command())"
)

QT = frozenset({"PySide6", "shiboken6"})
# What each package must never import (top-level names), per DESIGN.md.
FORBIDDEN: dict[str, frozenset[str]] = {
    "app": QT,
    "storage": QT,
    "sync": QT,
    "ui": frozenset({"sqlalchemy", "sqlcipher3", "storage"}),
}


def _contracts() -> list[dict[str, Any]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts: list[dict[str, Any]] = config["tool"]["importlinter"]["contracts"]
    return contracts


def _run_lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", LINT_IMPORTS, "--no-cache", "--no-logo"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _layer_modules(layer: str) -> set[str]:
    # A layer may be "a" or hold siblings: "a | b" (independent) or "a : b".
    return {part.strip() for part in re.split(r"[|:]", layer)}


def _contract_forbidding(importer: str, imported: str) -> str:
    """The name of the pyproject contract that forbids `importer` importing `imported`."""
    for contract in _contracts():
        if contract["type"] == "forbidden":
            if importer in contract["source_modules"] and imported in contract["forbidden_modules"]:
                return str(contract["name"])
        elif contract["type"] == "layers":
            levels = [_layer_modules(layer) for layer in contract["layers"]]
            above = [i for i, mods in enumerate(levels) if imported in mods]
            below = [i for i, mods in enumerate(levels) if importer in mods]
            if above and below and above[0] < below[0]:
                return str(contract["name"])
    pytest.fail(f"pyproject.toml has no import-linter contract forbidding {importer} -> {imported}")


# (a) ------------------------------------------------------------------------------------


def test_import_linter_contracts_are_all_kept() -> None:
    result = _run_lint_imports(ROOT)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert f"Contracts: {len(_contracts())} kept, 0 broken." in result.stdout, output


# (b) ------------------------------------------------------------------------------------


def _copy_packages(dest: Path) -> None:
    def not_python(folder: str, names: list[str]) -> list[str]:
        return [
            name
            for name in names
            if name == "__pycache__"
            or (not name.endswith(".py") and not (Path(folder) / name).is_dir())
        ]

    for package in PACKAGES:
        shutil.copytree(ROOT / package, dest / package, ignore=not_python)
    shutil.copy2(ROOT / "pyproject.toml", dest / "pyproject.toml")


@pytest.mark.parametrize(
    ("package", "imported"),
    [
        pytest.param("storage", "PySide6.QtWidgets", id="storage-imports-qt"),
        pytest.param("ui", "sqlalchemy", id="ui-imports-sqlalchemy"),
        pytest.param("app", "ui", id="app-imports-ui"),
    ],
)
def test_import_linter_catches_an_injected_leak(
    tmp_path: Path, package: str, imported: str
) -> None:
    contract = _contract_forbidding(package, imported.split(".")[0])
    _copy_packages(tmp_path)
    (tmp_path / package / "_leak.py").write_text(f"import {imported}\n", encoding="utf-8")

    result = _run_lint_imports(tmp_path)

    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert f"{contract} BROKEN" in result.stdout, output
    assert f"{package}._leak -> {imported.split('.')[0]}" in result.stdout, output


# (c) ------------------------------------------------------------------------------------


def _dynamic_import_target(call: ast.Call) -> str | None:
    """The module named by importlib.import_module("x") / import_module("x") / __import__("x")."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name not in {"import_module", "__import__"} or not call.args:
        return None
    first = call.args[0]
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value
    return None


def imported_modules(source: str, filename: str = "<string>") -> Iterator[tuple[int, str]]:
    """(line, absolute module name) for every import in `source`, static or dynamic."""
    for node in ast.walk(ast.parse(source, filename=filename)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            # Relative imports stay inside their own top-level package.
            if node.level == 0 and node.module:
                yield node.lineno, node.module
        elif isinstance(node, ast.Call):
            target = _dynamic_import_target(node)
            if target and not target.startswith("."):
                yield node.lineno, target


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import PySide6.QtWidgets", ["PySide6.QtWidgets"]),
        ("from PySide6 import QtCore", ["PySide6"]),
        ("import os, sqlalchemy as sa", ["os", "sqlalchemy"]),
        ("from . import sibling\nfrom .x import y", []),
        ("def f():\n    import storage.engine", ["storage.engine"]),
        ("import importlib\nimportlib.import_module('ui.main')", ["importlib", "ui.main"]),
        ("__import__('shiboken6')", ["shiboken6"]),
    ],
)
def test_the_ast_scan_sees_imports(source: str, expected: list[str]) -> None:
    assert [name for _, name in imported_modules(source)] == expected


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_forbidden_import_anywhere_in_the_source(package: str) -> None:
    forbidden = FORBIDDEN[package]
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"no Python files found under {package}/"
    leaks = [
        f"{path.relative_to(ROOT)}:{line}: imports {name}"
        for path in files
        for line, name in imported_modules(path.read_text(encoding="utf-8"), str(path))
        if name.split(".")[0] in forbidden
    ]
    assert not leaks, f"{package}/ must never import {', '.join(sorted(forbidden))}:\n" + "\n".join(
        leaks
    )
