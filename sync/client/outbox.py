"""The laptop's outbox: journal entries the server has not yet taken, read as the
wire's JSON, and marked once the server answers.

Each change is turned into its wire form (sync.protocol.Change) by SQLite's
json_object in the same query that finds it, so a batch of 2,000 costs one
query and one join rather than a Python dict per row; the server validates
every change against the schema as before. Directory records made on a laptop
before enrolment are local placeholders (the server owns the directory): they
are marked done and never sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

from app.services.write_rules.write_policy import DIRECTORY
from storage.change_row import CHANGE_FIELDS
from storage.rawwrite import stored_utc
from sync.protocol import MAX_PUSH_BYTES

# recorded_at is stored as "YYYY-MM-DD HH:MM:SS.ffffff" (UTC, storage.tables.base);
# the wire carries what datetime.isoformat() gives: "T", no ".000000", "+00:00".
_RECORDED_AT = (
    "substr(recorded_at, 1, 10) || 'T' || CASE WHEN substr(recorded_at, 20) = '.000000'"
    " THEN substr(recorded_at, 12, 8) ELSE substr(recorded_at, 12) END || '+00:00'"
)
# Each change field as the wire carries it, from its journal column.
_AS_WIRE = {"bases": "json(coalesce(bases, '[]'))", "recorded_at": _RECORDED_AT}
_WIRE = "json_object({})".format(
    ", ".join(f"'{name}', {_AS_WIRE.get(name, name)}" for name in CHANGE_FIELDS)
)
_PENDING = "pushed_at IS NULL AND push_error IS NULL"


@dataclass(frozen=True)
class OutgoingBatch:
    seqs: list[int]  # every journal row taken, sent or not
    change_ids: list[str]  # the same rows' change ids
    body: bytes  # {"changes": [...]} holding the rows that are sent
    sent: int


def pending_count(conn: Connection) -> int:
    sql = f"SELECT count(*) FROM change_journal WHERE {_PENDING}"  # noqa: S608
    return int(conn.exec_driver_sql(sql).scalar_one())


def next_batch(
    conn: Connection,
    limit: int,
    *,
    entity: str | None = None,
    max_bytes: int = MAX_PUSH_BYTES,
    after: OutgoingBatch | None = None,
) -> OutgoingBatch | None:
    """The oldest `limit` pending changes (of one entity, if given), ended early once
    the body reaches `max_bytes` (always at least one change); None when there are none.
    `after`: those after a batch taken but not yet answered (so not yet marked)."""
    only = "AND entity = ?" if entity else ""
    rows = conn.exec_driver_sql(
        f"SELECT seq, change_id, entity, {_WIRE} FROM change_journal"  # noqa: S608
        f" WHERE {_PENDING} {only} AND seq > ? ORDER BY seq LIMIT ?",
        (*((entity,) if entity else ()), after.seqs[-1] if after else 0, limit),
    ).all()
    if not rows:
        return None
    # Long notes make long batches: the server refuses a body past its limit, so a
    # batch stops growing at max_bytes (the rest waits for the next batch).
    size = 0
    for taken, row in enumerate(rows):
        size += len(row[3].encode()) if row[2] not in DIRECTORY else 0
        if size >= max_bytes:
            rows = rows[: taken + 1]
            break
    wire = [row[3] for row in rows if row[2] not in DIRECTORY]
    return OutgoingBatch(
        seqs=[row[0] for row in rows],
        change_ids=[row[1] for row in rows],
        body=('{"changes":[' + ",".join(wire) + "]}").encode(),
        sent=len(wire),
    )


def mark_answered(
    conn: Connection, batch: OutgoingBatch, refused: dict[str, str], now: datetime
) -> None:
    """Taken changes are pushed; a refused one keeps the server's reason, shown to the
    user and never dropped (it is not sent again until someone acts on it)."""
    stamp = stored_utc(now)
    answered = list(zip(batch.seqs, batch.change_ids, strict=True))
    taken = [seq for seq, change_id in answered if change_id not in refused]
    for start in range(0, len(taken), 500):
        chunk = taken[start : start + 500]
        conn.exec_driver_sql(
            "UPDATE change_journal SET pushed_at = ? WHERE seq IN"  # noqa: S608
            f" ({','.join('?' * len(chunk))})",
            (stamp, *chunk),
        )
    for seq, change_id in answered:
        if change_id in refused:
            conn.exec_driver_sql(
                "UPDATE change_journal SET push_error = ? WHERE seq = ?", (refused[change_id], seq)
            )
