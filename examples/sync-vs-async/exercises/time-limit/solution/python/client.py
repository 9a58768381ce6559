"""Opens N connections to the slow server at the same moment. Each sends one request line and
measures how long its answer took, counted from the moment all of them started.

The Python twin of client.js. Opening N connections "at the same moment" needs either N
threads or asyncio; this client uses asyncio: asyncio.gather() over N coroutines is what
client.js does with Promise.all(), in one thread with an event loop, and 1000 connections
cost no more than 1000 small coroutines (not 1000 threads). Each coroutine:
  asyncio.open_connection(host, port)   connect()
  writer.write(line)                    sendall()
  await reader.read()                   recv() until it returns b"": the server closes after its answer
  time.perf_counter()                   the clock for the measurement

Run: python3 client.py [--clients 5] [--timeout-ms T] [--host 127.0.0.1] [--port 7015]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Optional


async def ask_all(host: str, port: int, count: int, timeout: Optional[float]) -> list[Optional[float]]:
    refused = False

    async def ask(client_id: int, started: float) -> Optional[float]:
        """One client: the seconds until its whole answer had arrived, or None if it failed."""
        nonlocal refused
        request = f"request from client {client_id}"
        try:
            reader, writer = await asyncio.open_connection(host, port)
        except ConnectionRefusedError:
            if not refused:  # say it once, not once per client
                refused = True
                print(f"client: nothing is listening on {host}:{port}. Start the server first: python3 server.py",
                      file=sys.stderr)
            return None
        except OSError as error:
            print(f"client {client_id}: {error.strerror or error}", file=sys.stderr)
            return None
        try:
            writer.write(f"{request}\n".encode("utf-8"))
            # Everything until the server closes the connection, or at most `timeout` seconds
            # (None: no limit). wait_for() cancels the read when the time is up.
            answer = await asyncio.wait_for(reader.read(), timeout)
        except asyncio.TimeoutError:
            print(f"client {client_id}: no answer within {timeout:.2f} s", file=sys.stderr)
            return None
        except OSError as error:
            print(f"client {client_id}: {error.strerror or error}", file=sys.stderr)
            return None
        finally:
            writer.close()
        elapsed = time.perf_counter() - started
        if answer == f"done: {request}\n".encode("utf-8"):
            print(f"client {client_id}: answered after {elapsed:.2f} s")
            return elapsed
        text = json.dumps(answer.decode("utf-8", errors="replace"), ensure_ascii=False)
        print(f"client {client_id}: unexpected answer {text} after {elapsed:.2f} s", file=sys.stderr)
        return None

    started = time.perf_counter()
    # All N coroutines start now; each waits for its own answer while the others run.
    return await asyncio.gather(*(ask(i + 1, started) for i in range(count)))


def main() -> int:
    parser = argparse.ArgumentParser(description="N clients at once against the slow server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7015)
    parser.add_argument("--clients", default="5")
    parser.add_argument("--timeout-ms", type=float, help="give up on an answer after this long (default: wait)")
    options = parser.parse_args()
    try:
        count = float(options.clients)
    except ValueError:
        count = float("nan")  # not a number: refused just below
    if not count.is_integer() or not 1 <= count <= 1000:
        clients = json.dumps(options.clients, ensure_ascii=False)
        print(f"client: --clients must be a whole number from 1 to 1000, not {clients}", file=sys.stderr)
        return 1
    count = int(count)
    if options.timeout_ms is not None and not options.timeout_ms > 0:
        print(f"client: --timeout-ms must be more than 0, not {options.timeout_ms:g}", file=sys.stderr)
        return 1
    timeout = None if options.timeout_ms is None else options.timeout_ms / 1000

    print(f"client: opening {count} connections to {options.host}:{options.port} at the same moment")
    answers = asyncio.run(ask_all(options.host, options.port, count, timeout))
    times = sorted(t for t in answers if t is not None)
    if len(times) == count:
        print(f"client: {count} clients, first answer after {times[0]:.2f} s, last after {times[-1]:.2f} s")
        return 0
    print(f"client: only {len(times)} of {count} clients got their answer", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # each line appears at once, even in a pipe
    sys.exit(main())
