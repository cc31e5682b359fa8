"""A TCP proxy in a process of its own, for putting a database behind a link that can freeze or
die: `benchmarks.faults` runs PostgreSQL's traffic through it.

    python -m benchmarks.tcpproxy --target HOST:PORT [--port N]    # prints `ready PORT`

Freeze it with SIGSTOP: the kernel still completes new connections into the listen backlog,
but no byte moves either way, as with a database host that hangs. SIGCONT thaws it; SIGKILL is
a host gone (connections reset, new ones refused). `Proxy` drives one from Python.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from dataclasses import dataclass

CHUNK = 65536
READY_TIMEOUT_SECONDS = 15


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(CHUNK):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()


async def relay(target_host: str, target_port: int, port: int) -> None:
    async def connected(client_reader: asyncio.StreamReader,
                        client_writer: asyncio.StreamWriter) -> None:
        try:
            server_reader, server_writer = await asyncio.open_connection(target_host,
                                                                         target_port)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(_pipe(client_reader, server_writer),
                             _pipe(server_reader, client_writer))

    server = await asyncio.start_server(connected, "127.0.0.1", port, backlog=1024)
    print(f"ready {server.sockets[0].getsockname()[1]}", flush=True)
    async with server:
        await server.serve_forever()


@dataclass
class Proxy:
    """A proxy process in front of `target` (host:port): freeze, thaw, kill, start again."""

    target: str
    port: int = 0
    process: subprocess.Popen[str] | None = None

    def start(self) -> int:
        """Start (again, on the same port once it has one); the port it listens on."""
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.tcpproxy", "--target", self.target,
             "--port", str(self.port)], stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline() if self.process.stdout else ""
        if not line.startswith("ready "):
            self.kill()
            raise RuntimeError(f"the TCP proxy did not start: {line!r}")
        self.port = int(line.split()[1])
        return self.port

    def freeze(self) -> None:
        self._signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self._signal(signal.SIGCONT)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self._signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait()

    def _signal(self, signum: int) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signum)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True, help="HOST:PORT to relay to")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: any)")
    args = parser.parse_args()
    host, _, port = args.target.rpartition(":")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(relay(host, int(port), args.port))


if __name__ == "__main__":
    main()
