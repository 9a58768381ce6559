"""Check of "A pool of workers" (Python): starts python/server.py in sequential mode with 3
workers and 300 ms of work per request, connects 6 clients at the same moment, and times each
answer. With 3 workers the answers come in 2 waves of 3, about 300 ms apart. (The checker has
no "many clients at once", so this check opens its own connections, a thread for each.)"""

from __future__ import annotations

import socket
import threading
import time

from check import CheckFailure, indent, show

WORKERS = 3
CLIENTS = 6
DELAY_S = 0.3
SAME_WAVE_S = DELAY_S / 2  # answers closer than this are one wave; a wave is DELAY_S after the one before
WAIT_S = 3  # how long a client waits for its answer (one at a time would take 6 x 0.3 s = 1.8 s)


def ask(port: int, client_id: int, started: float, results: dict[int, tuple[bytes, float | None]]) -> None:
    """One client: sends its request line, reads until the server closes, notes when."""
    answer, at = b"", None
    deadline = started + WAIT_S
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=WAIT_S) as conn:
            conn.sendall(f"request from client {client_id}\n".encode())
            while (left := deadline - time.monotonic()) > 0:
                conn.settimeout(left)
                data = conn.recv(65536)
                if not data:  # the server closes after its answer
                    at = time.monotonic() - started
                    break
                answer += data
    except OSError:
        pass  # refused, reset or timed out: no answer
    results[client_id] = (answer, at)


def waves(times: list[float]) -> list[int]:
    """How many answers came in each wave (times sorted)."""
    sizes: list[int] = []
    for i, at in enumerate(times):
        if i == 0 or at - times[i - 1] > SAME_WAVE_S:
            sizes.append(1)
        else:
            sizes[-1] += 1
    return sizes


def check(t):
    args = ["--mode", "sequential", "--workers", str(WORKERS), "--delay-ms", str(int(DELAY_S * 1000)), "--port", "0"]
    command = f"python3 python/server.py {' '.join(args)}"
    try:
        port = t.start("python/server.py", args)
    except CheckFailure as failure:  # the server did not start
        # The line that says why it stopped, without the traceback around it.
        why = next((line for line in str(failure).split("\n") if "error" in line.lower() and "Traceback" not in line), None)
        if why is None:
            t.fail(f"Started: {command}\nExpected it to print \"listening on HOST:PORT\".\n{failure}")
        t.fail(f"Started: {command}\nExpected it to print \"listening on HOST:PORT\", but it stopped with:\n"
               f"  {why.strip()}\nDoes your server know the --workers option?")

    results: dict[int, tuple[bytes, float | None]] = {}
    started = time.monotonic()
    clients = [threading.Thread(target=ask, args=(port, i + 1, started, results), daemon=True) for i in range(CLIENTS)]
    for client in clients:
        client.start()
    for client in clients:
        client.join(WAIT_S + 1)

    def line(client_id: int) -> str:
        answer, at = results.get(client_id, (b"", None))
        return f"client {client_id}: " + (f"no answer within {WAIT_S} s" if at is None else f"{show(answer)} after {at:.2f} s")

    report = "\n".join(line(i + 1) for i in range(CLIENTS))
    told = (f"Started: {command}\n"
            f"Then {CLIENTS} clients connected at the same moment; client N sent \"request from client N\\n\".\n"
            f"Expected the answers in 2 waves of {WORKERS}: {WORKERS} after about {DELAY_S:g} s, "
            f"then {WORKERS} after about {2 * DELAY_S:g} s.\n")
    for client_id in range(1, CLIENTS + 1):
        answer, at = results.get(client_id, (b"", None))
        if at is None or answer != f"done: request from client {client_id}\n".encode():
            t.fail(f"{told}Expected client N to get \"done: request from client N\\n\". What came back:\n{indent(report)}")
    sizes = waves(sorted(at for _, at in results.values() if at is not None))
    if sizes != [WORKERS, WORKERS]:
        if len(sizes) == 1:
            seen = f"all {CLIENTS} at once, in one wave"
        elif all(size == 1 for size in sizes):
            seen = "one at a time"
        else:
            seen = f"in {len(sizes)} waves, of {', '.join(map(str, sizes))}"
        t.fail(f"{told}Your server answered {seen}:\n{indent(report)}")
