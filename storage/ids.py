"""Ids for new records and changes: UUIDs that begin with the time they were made.

A version 4 UUID is random, so every new record or change lands on a random page of
each index keyed by it: the journal's change ids, a table's primary key, the server's
`changes`. Once those indexes outgrow the page cache, a pull or push of 10,000 changes
rewrites (and re-encrypts) most of their pages, and gets slower as the record grows
(a 10,000-note pull went from 680 to 950 ms over eight such pulls). A version 7 UUID
(RFC 9562) puts the Unix time in milliseconds in its first 48 bits, so new keys go
at the right-hand end of the index and each write touches a handful of pages.

Ids stay UUIDs in the same 36-character form; ids made before stay as they were (any
UUID is accepted everywhere: nothing reads an id's version). An id now tells when its
record was made, to the millisecond; every record and change already carries that
time in the clear beside its id (recorded_at, the clock stamp), so it reveals nothing
new (docs/security.md).

Within one process ids are strictly increasing: inside one millisecond the 12 bits
after the version are a counter (RFC 9562 section 6.2, method 1), and a clock that
steps back is not followed (the last millisecond is reused until the clock passes it).
The remaining 62 bits are random, so two laptops' ids never meet.
"""

from __future__ import annotations

import os
import threading
import time
import uuid

_COUNTER_MAX = 0xFFF
_lock = threading.Lock()
_last_ms = 0
_counter = 0


def new_id() -> str:
    """A new time-ordered id (UUID version 7) as its 36-character text."""
    global _last_ms, _counter
    random_bits = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    with _lock:
        now_ms = time.time_ns() // 1_000_000
        if now_ms > _last_ms:
            _last_ms = now_ms
            # A random start in the lower half leaves room to count on within the
            # millisecond, and keeps the counter from saying how many ids came before.
            _counter = int.from_bytes(os.urandom(2), "big") & 0x7FF
        elif _counter < _COUNTER_MAX:
            _counter += 1
        else:
            # 4,096 ids in one millisecond: borrow the next one (the RFC's own remedy).
            _last_ms += 1
            _counter = 0
        ms, counter = _last_ms, _counter
    value = (ms << 80) | (0x7 << 76) | (counter << 64) | (0b10 << 62) | random_bits
    return str(uuid.UUID(int=value))
