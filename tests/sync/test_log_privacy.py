"""Logs carry no words a user typed: a name searched beyond the team reaches no log
file, console or captured log record at any level (it travels in the signed body of
a POST, and no URL's query string is ever logged); the log file and its rotations
are 0600 (app/logging_setup.py, sync/client/beyond_team.py)."""

from __future__ import annotations

import logging
import logging.handlers
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from app.logging_setup import LOG_FILE, QUERY_REMOVED, configure, reset
from app.services.record import people
from sync.client import settings as sync_settings
from sync.client.beyond_team import find_beyond_team
from sync.server import directory
from sync.transport import ServerUnreachableError, client, request
from tests.conftest import ZOE
from tests.sync.conftest import Laptop, RunningServer, reopen
from tests.sync.helpers import sync

OTHER = "Wharfedale Locality"
WORD = "Quillfeather"  # a surname no log line could hold by chance


@pytest.fixture(autouse=True)
def _logging_put_back() -> Iterator[None]:
    root = logging.getLogger()
    level = root.level
    yield
    reset()  # no handler left bound to this test's captured streams
    root.setLevel(level)
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.NOTSET)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _forms(word: str) -> list[str]:
    """The word as it could appear in a log: as typed, any case, URL-encoded."""
    return [word.lower(), quote(word).lower(), quote(f"{word} O").lower()]


def _holds(text: str, word: str) -> bool:
    return any(form in text.lower() for form in _forms(word))


def test_a_name_searched_beyond_the_team_is_in_no_log_at_any_level(
    server: RunningServer,
    laptop: Laptop,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    directory.add_team(server.store, OTHER)
    directory.add_user(server.store, "Nell Wharfe", "community_nurse", OTHER)
    nell = reopen(laptop("Nell Wharfe"))
    sync(nell)
    people.register(nell, people.NewPerson(ZOE, "Zoë", WORD, "1938-04-12", "DL8 3AB"))
    sync(nell)
    sam = reopen(laptop("Sam Taylor"))
    sync(sam)

    log_dir = tmp_path / "state"
    path = configure(verbose=True, log_dir=log_dir)  # the most a user can turn it up to
    assert path is not None
    # And more than a user can: every library at DEBUG, httpx's request lines included.
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore"):
        caplog.set_level(logging.DEBUG, logger=name)
    (found,) = find_beyond_team(sam, f"{WORD} O")
    assert found.name.startswith(WORD)  # the search did run, and found her

    logged = "\n".join(p.read_text() for p in log_dir.iterdir())
    assert "beyond-team" in caplog.text  # the request was logged (httpx at DEBUG) ...
    assert not _holds(caplog.text, WORD)  # ... without the words
    assert not _holds(logged, WORD)
    out, err = capfd.readouterr()
    assert not _holds(out + err, WORD)
    assert _mode(path) == 0o600
    assert _mode(log_dir) == 0o700


@pytest.mark.parametrize("verbose", [False, True])
def test_a_url_query_logged_by_anyone_is_removed(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], verbose: bool
) -> None:
    """Each handler cleans what it writes (not verbose, an INFO line reaches the file
    alone; verbose, the console first)."""
    path = configure(verbose=verbose, log_dir=tmp_path)
    assert path is not None
    library = logging.getLogger("some.library")
    library.info("GET %s", f"https://partner.example/find?name={WORD}&dob=1938")
    library.warning("fetching /sync/thing?q=%s failed", WORD)
    try:
        raise RuntimeError(f"cannot reach http://127.0.0.1:9/x?who={WORD}")
    except RuntimeError:
        library.exception("request failed")
    logged = path.read_text()
    out, err = capfd.readouterr()
    for text in (logged, out + err):
        assert not _holds(text, WORD)
        assert f"/sync/thing{QUERY_REMOVED}" in text
    assert f"https://partner.example/find{QUERY_REMOVED}" in logged


def test_httpx_request_lines_stay_out_of_the_log_even_when_verbose(
    server: RunningServer, laptop: Laptop, tmp_path: Path
) -> None:
    ws = laptop("Sam Taylor")
    path = configure(verbose=True, log_dir=tmp_path)
    assert path is not None
    sync(ws)
    logged = path.read_text()
    assert "HTTP Request" not in logged and "/sync/pull" not in logged


def test_the_log_file_and_its_rotations_are_owner_only(tmp_path: Path) -> None:
    old = tmp_path / LOG_FILE
    old.write_text("from an older version\n")
    old.chmod(0o644)
    rotated = tmp_path / f"{LOG_FILE}.1"
    rotated.write_text("older still\n")
    rotated.chmod(0o644)
    path = configure(log_dir=tmp_path)
    assert path == old
    assert _mode(old) == 0o600 and _mode(rotated) == 0o600
    handler = next(
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.handlers.RotatingFileHandler)
    )
    handler.doRollover()
    logging.getLogger("app").warning("after the rollover")
    files = sorted(tmp_path.iterdir())
    assert len(files) >= 3
    assert all(_mode(f) == 0o600 for f in files)
    fresh = tmp_path / "fresh"
    assert configure(log_dir=fresh) == fresh / LOG_FILE
    assert _mode(fresh / LOG_FILE) == 0o600 and _mode(fresh) == 0o700


def test_an_unexpected_server_error_is_logged_by_its_kind_only(
    server: RunningServer, laptop: Laptop, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    """A database error's text can hold the values it was given (PostgreSQL's "Key
    (nhs_number)=(...) already exists"). uvicorn logged every unhandled error again
    with its whole traceback, after the app had answered 500."""
    from sync.server import handlers

    nurse = reopen(laptop("Sam Taylor"))
    with nurse.store.read() as session:
        enrolment = sync_settings.enrolment(session)
    assert enrolment is not None

    def broken(*_args: Any, **_kwargs: Any) -> bytes:
        raise RuntimeError(f"Key (nhs_number)=({ZOE}) already exists")

    monkeypatch.setattr(handlers, "pull", broken)
    uvicorn_errors = logging.getLogger("uvicorn.error")
    uvicorn_errors.addHandler(caplog.handler)
    http = client(server.url, device_id=nurse.store.device_id, private_key=enrolment.private_key)
    try:
        with pytest.raises(ServerUnreachableError):
            request(http, "GET", "/sync/pull", params={"cursor": "", "limit": 10})
        # uvicorn logs it once the 500 has gone out: wait for its line.
        deadline = time.monotonic() + 5
        while not any(r.name == "uvicorn.error" for r in caplog.records):
            assert time.monotonic() < deadline, "uvicorn logged the error"
            time.sleep(0.01)
    finally:
        http.close()
        uvicorn_errors.removeHandler(caplog.handler)
    # As any handler would write them:
    written = [logging.Formatter().format(r) for r in caplog.records if r.name == "uvicorn.error"]
    assert any("RuntimeError" in line for line in written), written
    for line in written:
        assert ZOE not in line and "Traceback" not in line
