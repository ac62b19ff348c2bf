"""bench/encryption.py compares what it says it compares: the same schema and work
on the encrypted profile and on a plain SQLite copy, the copy really unencrypted and
the profile really not."""

from __future__ import annotations

from pathlib import Path

from bench.encryption import Work, _stores


def test_the_plain_copy_is_plain_sqlite_and_the_profile_is_not(tmp_path: Path) -> None:
    encrypted, plain = _stores(tmp_path)
    try:
        assert (tmp_path / "plain.db").read_bytes()[:16] == b"SQLite format 3\x00"
        profile_db = next((tmp_path / "encrypted").glob("*.db"))
        assert profile_db.read_bytes()[:16] != b"SQLite format 3\x00"
        schema = "SELECT type, name, sql FROM sqlite_master ORDER BY name"
        assert encrypted.execute(schema).fetchall() == plain.execute(schema).fetchall()
        for conn in (encrypted, plain):
            work = Work(conn)
            work.write(conn)()
            work.read(conn)()
            (notes,) = conn.execute("SELECT count(*) FROM contact_note").fetchone()
            (journal,) = conn.execute("SELECT count(*) FROM change_journal").fetchone()
            assert notes == 10_000 and journal >= 10_000
    finally:
        encrypted.close()
        plain.close()
