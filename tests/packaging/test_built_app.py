"""The packaged build (build.spec) works: every test here runs the BUILT binaries in
dist/onerecord/, never the source. The build is made with the documented command,
scripts/build, when dist/ is missing or older than any source file (a few minutes)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pdfplumber
import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform != "linux", reason="the Linux build is tested here"),
]

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist" / "onerecord"
APP = DIST / "onerecord"
SERVER = DIST / "onerecord-server"
PASSPHRASE = "kettle moorland lantern"
SOURCES = ("app", "ui", "storage", "sync", "resources")


def _newest_source() -> float:
    files = [ROOT / "build.spec", ROOT / "pyproject.toml", ROOT / "scripts" / "build"]
    for folder in SOURCES:
        files.extend(p for p in (ROOT / folder).rglob("*") if "__pycache__" not in p.parts)
    return max(p.stat().st_mtime for p in files if p.is_file())


@pytest.fixture(scope="module")
def built() -> Path:
    if not APP.exists() or not SERVER.exists() or APP.stat().st_mtime < _newest_source():
        started = time.monotonic()
        subprocess.run([str(ROOT / "scripts" / "build")], check=True, timeout=1800)
        print(f"\nbuilt in {time.monotonic() - started:.0f} s")
    return DIST


def run(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120, program: Path = APP
) -> subprocess.CompletedProcess[str]:
    # The built app must not lean on this venv or the source tree: no PYTHONPATH, and run
    # from a folder outside the checkout.
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    base.update(ONERECORD_PASSPHRASE=PASSPHRASE, QT_QPA_PLATFORM="offscreen")
    base.update(env or {})
    return subprocess.run(
        [str(program), *args],
        env=base,
        cwd=Path(os.environ["HOME"]),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_version_comes_from_pyproject(built: Path) -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert ok(run("--version")).strip() == f"onerecord {version}"


def test_the_folder_holds_what_the_app_needs_and_not_what_it_does_not(built: Path) -> None:
    internal = built / "_internal"
    qt = internal / "PySide6" / "Qt"
    for needed in (
        qt / "plugins" / "imageformats" / "libqsvg.so",  # the stylesheet's SVG images
        qt / "plugins" / "platforms" / "libqxcb.so",
        qt / "plugins" / "platforms" / "libqoffscreen.so",
        qt / "lib" / "libQt6Pdf.so.6",  # the print preview
        internal / "resources" / "style.qss",
        internal / "resources" / "fonts" / "DejaVuSans.ttf",
        internal / "storage" / "migrations" / "env.py",
        internal / "storage" / "migrations" / "script.py.mako",
        internal / "tzdata" / "zoneinfo" / "Europe" / "London",
    ):
        assert needed.is_file(), needed
    assert list((internal / "storage" / "migrations" / "versions").glob("0001_*.py"))
    assert list(internal.glob("sqlcipher3/_sqlite3*.so"))
    names = {p.name for p in internal.rglob("*")}
    for unwanted in ("libQt6Qml.so.6", "libQt6Quick.so.6", "libQt6WebEngineCore.so.6"):
        assert unwanted not in names
    for package in ("pytest", "tkinter", "pdfplumber", "hypothesis", "mypy"):
        assert not (internal / package).exists(), package
    # PyInstaller links some libraries into the top folder: count each file once.
    size = sum(p.lstat().st_size for p in built.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"\ndist/onerecord: {size / 2**20:.0f} MiB")
    assert size < 360 * 2**20  # ~310 MiB: Qt ~105, numpy+matplotlib ~65 (the charts)


def test_init_demo_print_check_and_the_desktop_start(built: Path, tmp_path: Path) -> None:
    mine = tmp_path / "my profile"
    ok(run("init", "--profile", str(mine), "--user", "Sam Taylor", "--organisation", "Trust"))
    assert "passed" in ok(run("check", "--profile", str(mine))).lower()

    demo = tmp_path / "demo"
    ok(run("demo", "--profile", str(demo), "--people", "5", "--seed", "7"))
    # Every person the demo made, closed cases too (the demo closes some, with reasons).
    listed = ok(run("list", "--profile", str(demo), "--format", "json", "--include-closed"))
    people = json.loads(listed)
    assert len(people) == 5
    pdf = tmp_path / "x.pdf"
    nhs = people[0]["nhs_number"]
    ok(run("print-plan", "--profile", str(demo), "--nhs", nhs, "--out", str(pdf)))
    with pdfplumber.open(pdf) as document:
        text = "\n".join(page.extract_text() or "" for page in document.pages)
    assert people[0]["family_name"] in text
    assert f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}" in text
    assert "This plan replaces any earlier printed plan." in text
    ok(run("check", "--profile", str(demo)))
    # The coordinator's charts: matplotlib's Agg canvas and its data files in the bundle.
    # Only a coordinator (or the IG lead) may draw them; the demo signs in a nurse.
    coordinator = tmp_path / "coordinator"
    ok(
        run(
            "init",
            "--profile",
            str(coordinator),
            "--user",
            "Julie Walker",
            "--role",
            "coordinator",
            "--organisation",
            "Trust",
        )
    )
    charts = tmp_path / "charts"
    charts.mkdir()
    ok(run("charts", "--profile", str(coordinator), "--out-dir", str(charts)))
    pngs = sorted(charts.glob("*.png"))
    assert len(pngs) == 3
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)

    # The desktop: Qt's platform plugin, the stylesheet's SVG images, unlocking through
    # the unlock window, and the Print dialog's QtPdf preview (ui/smoke_test.py).
    out = ok(run("gui", "--profile", str(demo), "--smoke-test", timeout=180))
    for line in (
        "smoke: platform offscreen",
        "icons load; stylesheet applied",
        "smoke: unlock window painted",
        "smoke: unlocked; main window shown",
        "laid out by QtPdf",
        "smoke: ok",
    ):
        assert line in out, out
    # The wrong passphrase does not get through the unlock window.
    wrong = run(
        "gui", "--profile", str(demo), "--smoke-test", env={"ONERECORD_PASSPHRASE": "x" * 12}
    )
    assert wrong.returncode == 1
    assert "smoke: FAILED: unlock refused:" in wrong.stderr
    assert "smoke: unlocked" not in wrong.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def built_server(built: Path, tmp_path: Path) -> Iterator[tuple[str, str]]:
    db = f"sqlite:///{tmp_path / 'server.db'}"
    admin = ("--db", db)
    ok(run("team", "add", "Craven Locality", *admin, program=SERVER))
    ok(run("user", "add", "--name", "Sam Taylor", "--role", "community_nurse",
           "--team", "Craven Locality", *admin, program=SERVER))  # fmt: skip
    printed = ok(run("enrol", "--user", "Sam Taylor", *admin, program=SERVER))
    found = re.search(r"Enrolment code for Sam Taylor: (\S+)", printed)
    assert found, printed
    code = found.group(1)
    port = _free_port()
    serving = subprocess.Popen(
        [str(SERVER), "serve", "--db", db, "--port", str(port), "--organisation", "Dales"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert serving.poll() is None, serving.stderr.read() if serving.stderr else ""
            assert time.monotonic() < deadline, "the built server did not start"
            time.sleep(0.3)
        yield url, code
    finally:
        serving.terminate()
        serving.wait(timeout=30)


def test_the_built_laptop_enrols_and_syncs_with_the_built_server(
    built_server: tuple[str, str], tmp_path: Path
) -> None:
    url, code = built_server
    laptop = tmp_path / "laptop"
    ok(run("init", "--profile", str(laptop), "--user", "Sam Taylor", "--organisation", "Trust"))
    assert "Enrolled as Sam Taylor" in ok(
        run("enrol", "--profile", str(laptop), "--server", url, "--code", code)
    )
    assert ok(run("sync", "--profile", str(laptop))).startswith("Synced in")
