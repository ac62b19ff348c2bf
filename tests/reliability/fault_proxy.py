"""A fault-injecting HTTP/1.1 proxy on loopback (asyncio, in its own thread).

It sits between a laptop and the server and reads each request whole (headers and
Content-Length body), so a fault lands on one exchange at a time, whatever the
client's keep-alive does. `schedule(n)` names the fault for the n-th request
(0-based, counted across connections); a fault that breaks the connection ends it,
and the client must open another:

  pass          forward both ways
  drop          close without forwarding (the server never sees the request)
  reset         forward, let the server finish, then reset the connection (RST):
                the server acted, the laptop never hears back
  truncate      forward, send back only half the response, then close
  error         answer 503 without forwarding
  error_after   forward, then answer 502 in place of the server's answer
  delay         wait `DELAY` seconds, then forward
  trickle       forward, send the response back a few bytes at a time
"""

from __future__ import annotations

import asyncio
import random
import socket
import struct
import threading
from collections import Counter
from collections.abc import Callable

FAULTS = ("pass", "drop", "reset", "truncate", "error", "error_after", "delay", "trickle")
DELAY = 0.3
Schedule = Callable[[int], str]


def random_schedule(seed: int, fault_rate: float) -> Schedule:
    """Each request independently faulty with `fault_rate`. The first faulty requests
    meet every kind of fault once, in a random order, and the fault is drawn at random
    after that: drawn at random from the start, ~35 faults missed one kind in about
    one run in thirty (a run must meet them all)."""
    rng = random.Random(seed)
    broken = [f for f in FAULTS if f != "pass"]
    unmet = rng.sample(broken, len(broken))
    drawn: dict[int, str] = {}

    def schedule(n: int) -> str:
        while len(drawn) <= n:
            if rng.random() < fault_rate:
                drawn[len(drawn)] = unmet.pop() if unmet else rng.choice(broken)
            else:
                drawn[len(drawn)] = "pass"
        return drawn[n]

    return schedule


class FaultProxy:
    def __init__(self, upstream_port: int, schedule: Schedule = lambda _n: "pass") -> None:
        self.upstream_port = upstream_port
        self.schedule = schedule
        self.injected: Counter[str] = Counter()
        self.requests = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="fault-proxy")
        self._thread.start()
        self._ready.wait(10)
        self.url = f"http://127.0.0.1:{self.port}"

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._handle, "127.0.0.1", 0)
        )
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    def stop(self) -> None:
        async def close() -> None:
            self._server.close()
            await self._server.wait_closed()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        try:
            while True:
                request = await _read_message(reader)
                if request is None:
                    return
                n = self.requests
                self.requests += 1
                fault = self.schedule(n)
                self.injected[fault] += 1
                if fault == "drop":
                    return
                if fault == "error":
                    writer.write(_status(503))
                    await writer.drain()
                    return
                if fault == "delay":
                    await asyncio.sleep(DELAY)
                if upstream is None:
                    upstream = await asyncio.open_connection("127.0.0.1", self.upstream_port)
                upstream[1].write(request)
                await upstream[1].drain()
                response = await _read_message(upstream[0])
                if response is None:
                    return
                if fault == "reset":
                    _reset(writer)
                    return
                if fault == "error_after":
                    writer.write(_status(502))
                    await writer.drain()
                    return
                if fault == "truncate":
                    writer.write(response[: len(response) // 2])
                    await writer.drain()
                    return
                if fault == "trickle":
                    for start in range(0, len(response), 64):
                        writer.write(response[start : start + 64])
                        await writer.drain()
                        await asyncio.sleep(0.002)
                else:
                    writer.write(response)
                    await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, OSError):
            return
        finally:
            if upstream is not None:
                upstream[1].close()
            if not writer.is_closing():
                writer.close()


async def _read_message(reader: asyncio.StreamReader) -> bytes | None:
    """One HTTP/1.1 message: the head, then a Content-Length body (none otherwise)."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        return None
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    body = await reader.readexactly(length) if length else b""
    return head + body


def _status(code: int) -> bytes:
    body = b'{"detail":"injected by the fault proxy"}'
    return (
        f"HTTP/1.1 {code} Injected\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    ).encode() + body


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with RST, not FIN: linger on, zero timeout."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()
