"""PostgreSQL: every insert into the server's journal (`changes`) holds one
transaction-scoped advisory lock, so commits land in seq order.

A pull moves a laptop's cursor to the newest seq it can see (sync/server/pull.py
reads the head first): a change with a lower seq that committed later would be
behind the cursor, and that laptop would never be sent it. Pushes, a partner
server's pages, the directory entries the server publishes and the break-glass
grants it writes all take it. SQLite has one writer at a time and needs none.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

# Any fixed number of ours; written into the statement so a test can see it taken.
JOURNAL_LOCK = 7171
_HOLD = text(f"SELECT pg_advisory_xact_lock({JOURNAL_LOCK})")


def hold(conn: Connection) -> None:
    """Wait for, and hold until this transaction ends, the journal's write turn."""
    if conn.dialect.name == "postgresql":
        conn.execute(_HOLD)
