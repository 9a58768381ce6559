"""Check of "Say goodbye to an idle client" (Python): starts python/server.py with
--idle-timeout 0.5 and makes two connections at once. The first sends one echo command, then
nothing; the second sends a second command 400 ms after its first. Each must get its echoes,
then, once it has sent nothing for 0.5 s (not sooner), the goodbye line and a normal close (FIN).
The checker's exchange() sends everything at once, so this check makes its own connections
(and always closes them)."""

from __future__ import annotations

import socket
import threading
import time

from check import CheckFailure, show

IDLE_S = 0.5
ARGS = ["--port", "0", "--idle-timeout", str(IDLE_S)]
GOODBYE = b"error: idle for too long, closing\n"
WAIT_S = IDLE_S + 2.5  # how long after its last command a connection waits for the goodbye


def talk(port: int, sends: list[tuple[float, bytes]], echo_bytes: int) -> dict:
    """Connects, sends each (after_s, data) at its time, and collects what comes back until the
    server closes the connection or WAIT_S after the last send."""
    received, ended, last_sent_at, after_echoes_at = b"", "still open", 0.0, None
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        start = time.monotonic()
        pending = list(sends)
        give_up = None
        while True:
            now = time.monotonic()
            if pending and now >= start + pending[0][0]:
                conn.sendall(pending.pop(0)[1])
                last_sent_at = time.monotonic()
                if not pending:
                    give_up = last_sent_at + WAIT_S
                continue
            wake = start + pending[0][0] if pending else give_up
            if now >= wake:
                break
            conn.settimeout(wake - now)
            try:
                chunk = conn.recv(65536)
            except TimeoutError:
                continue
            except ConnectionResetError:
                ended = "reset"
                break
            if not chunk:
                ended = "closed"
                break
            received += chunk
            if after_echoes_at is None and len(received) > echo_bytes:
                after_echoes_at = time.monotonic()
    if after_echoes_at is None and ended != "still open":
        after_echoes_at = time.monotonic()
    return {"received": received, "ended": ended, "last_sent_at": last_sent_at, "after_echoes_at": after_echoes_at}


def why_not_started(message: str) -> str:
    """Keeps the lines of a failed start that say what went wrong, not the traceback."""
    printed = [line for line in message.split("\n")[1:] if line.strip()]
    errors = [line for line in printed if "error" in line.lower()]
    return "\n".join((errors or printed)[-6:]) or "  (nothing)"


CASES = [
    ([(0, b"echo hi\n")], b"hi\n", 'Sent "echo hi\\n", then nothing.'),
    ([(0, b"echo one\n"), (0.4, b"echo two\n")], b"one\ntwo\n", 'Sent "echo one\\n", and 400 ms later "echo two\\n", then nothing.'),
]


def check(t):
    try:
        port = t.start("python/server.py", ARGS)
    except CheckFailure as error:  # t.start says why the server did not start
        t.fail(f"Started: python3 python/server.py {' '.join(ARGS)}\n"
               'Expected the server to take --idle-timeout (in seconds) and print "listening on HOST:PORT".\n'
               f"It printed:\n{why_not_started(str(error))}")

    results: list[dict | None] = [None, None]

    def run(i: int) -> None:
        sends, echoes, _ = CASES[i]
        results[i] = talk(port, sends, len(echoes))

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(CASES))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    for result, (_, echoes, told) in zip(results, CASES):
        if result is None:
            t.fail(f"{told}\nThe check could not talk to the server.")
        expected = echoes + GOODBYE
        received, ended = result["received"], result["ended"]
        if received != expected or ended == "still open":
            then = {"still open": f", and the connection was still open {WAIT_S:g} s after the last command.",
                    "reset": ", then a reset.", "closed": ", then a close."}[ended]
            t.fail(f"{told}\n"
                   f"Expected back: {show(expected)}, then the server closes the connection.\n"
                   f"Got back:      {show(received)}{then}")
        if ended == "reset":
            t.fail(f"{told}\nGot back {show(received)}, but then the connection was reset.\n"
                   "Expected a normal close (FIN) after the goodbye, so that the goodbye cannot be lost.")
        waited = result["after_echoes_at"] - result["last_sent_at"]
        if waited < 0.8 * IDLE_S:
            t.fail(f"{told}\nThe goodbye came {waited * 1000:.0f} ms after the last command.\n"
                   f"Expected it only after {IDLE_S:g} s in which the client sent nothing: each command starts the wait again.")
