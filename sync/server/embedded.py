"""Run a partner server inside this process, on a background thread (tests, benchmarks,
and a single-machine demo). Production runs `onerecord-server`."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from sync.server.app import create_app
from sync.server.store import ServerStore


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class EmbeddedServer:
    url: str
    store: ServerStore
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def serve_in_thread(
    store: ServerStore,
    *,
    cert: Path | None = None,
    key: Path | None = None,
    port: int | None = None,
) -> EmbeddedServer:
    port = port or free_port()
    config = uvicorn.Config(
        create_app(store),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        ssl_certfile=str(cert) if cert else None,
        ssl_keyfile=str(key) if key else None,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True, name="onerecord-server")
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the embedded server did not start")
        time.sleep(0.01)
    scheme = "https" if cert else "http"
    return EmbeddedServer(f"{scheme}://127.0.0.1:{port}", store, server, thread)
