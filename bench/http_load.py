"""A cheap HTTP load generator for the scale bench (bench/peak_bench.py): asyncio, raw HTTP/1.1
with keep-alive, one connection per simulated kiosk or counter.

The load generator runs on the same two cores as the server and PostgreSQL, so every
millisecond it spends is taken from the server: ``requests`` costs about 1.5 ms of CPU per
request, this about a tenth of that. Each request's bytes are built once per call; the answer is
read to its end (``Content-Length`` or chunked) so the connection can be used again.
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Request = tuple[str, str, dict[str, str], Any]  # method, path, headers, JSON body or None


class Connection:
    """One keep-alive connection; reopened when the server has closed it."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def _open(self) -> None:
        self._reader, self._writer = await asyncio.open_connection(self.host, self.port)

    async def send(self, method: str, path: str, headers: dict[str, str], body: Any) -> int:
        """The answer's status code. A request on a connection the server closed meanwhile
        (its keep-alive ran out) is sent again once on a new connection."""
        payload = b"" if body is None else json.dumps(body).encode()
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        if body is not None:
            lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + payload
        for attempt in (1, 2):
            if self._writer is None:
                await self._open()
            try:
                return await self._exchange(raw)
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _exchange(self, raw: bytes) -> int:
        assert self._reader is not None and self._writer is not None
        self._writer.write(raw)
        await self._writer.drain()
        head = await self._reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        headers = {}
        for line in header_lines:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            await self._reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding") == "chunked":
            while True:
                size = int((await self._reader.readuntil(b"\r\n")).split(b";")[0], 16)
                await self._reader.readexactly(size + 2)
                if size == 0:
                    break
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None


@dataclass
class Samples:
    """Latencies (ms) of the answers that had the expected status, and the count of the rest."""

    ms: list[float] = field(default_factory=list)
    failed: int = 0
    statuses: dict[int, int] = field(default_factory=dict)

    def add(self, status: int, ok: int, ms: float) -> None:
        if status == ok:
            self.ms.append(ms)
        else:
            self.failed += 1
            self.statuses[status] = self.statuses.get(status, 0) + 1

    def percentile(self, p: int) -> float:
        if len(self.ms) < 2:
            return self.ms[0] if self.ms else float("nan")
        return statistics.quantiles(self.ms, n=100, method="inclusive")[p - 1]

    def line(self, name: str) -> str:
        bad = f", {self.failed} failed {self.statuses}" if self.failed else ""
        return (
            f"{name:<9} {len(self.ms):6d} ok{bad}: p50 {self.percentile(50):6.1f} ms, "
            f"p95 {self.percentile(95):6.1f} ms, p99 {self.percentile(99):6.1f} ms"
        )


@dataclass
class Stream:
    """One kind of request at a fixed rate (open loop): ``make(rng)`` builds the next request,
    sent on any of this stream's idle connections (a kiosk or counter not busy answering)."""

    name: str
    per_second: float
    ok: int
    make: Callable[[random.Random, int], Request]  # (rng, connection index) → request
    connections: int
    samples: Samples = field(default_factory=Samples)


async def open_loop(host: str, port: int, streams: list[Stream], seconds: float, seed: int) -> None:
    """Every stream's arrivals as a Poisson process at its rate, for ``seconds``. A request's
    time counts from its scheduled arrival, so waiting for an idle connection is in it (a slow
    server cannot make the figures look better by holding the load back)."""
    rng = random.Random(seed)

    async def run(stream: Stream) -> None:
        idle: asyncio.Queue[int] = asyncio.Queue()
        for n in range(stream.connections):
            idle.put_nowait(n)
        pool = [Connection(host, port) for _ in range(stream.connections)]
        pending: set[asyncio.Task[None]] = set()

        async def one(due: float) -> None:
            index = await idle.get()
            method, path, headers, body = stream.make(rng, index)
            try:
                status = await pool[index].send(method, path, headers, body)
            except (ConnectionError, asyncio.IncompleteReadError):
                status = 0
            stream.samples.add(status, stream.ok, (time.perf_counter() - due) * 1000)
            idle.put_nowait(index)

        start = time.perf_counter()
        due = start
        while True:
            due += rng.expovariate(stream.per_second)
            if due - start > seconds:
                break
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            task = asyncio.create_task(one(due))
            pending.add(task)
            task.add_done_callback(pending.discard)
        if pending:
            await asyncio.wait(pending)
        for conn in pool:
            conn.close()

    await asyncio.gather(*(run(s) for s in streams))


async def closed_loop(
    host: str,
    port: int,
    make: Callable[[random.Random, int], Request],
    ok: int,
    connections: int,
    seconds: float,
    seed: int,
) -> Samples:
    """``connections`` clients, each sending its next request as soon as the last answered."""
    samples = Samples()
    until = time.perf_counter() + seconds

    async def client(index: int) -> None:
        rng = random.Random(seed + index)
        conn = Connection(host, port)
        while time.perf_counter() < until:
            method, path, headers, body = make(rng, index)
            started = time.perf_counter()
            status = await conn.send(method, path, headers, body)
            samples.add(status, ok, (time.perf_counter() - started) * 1000)
        conn.close()

    await asyncio.gather(*(client(n) for n in range(connections)))
    return samples
