"""Check of "Retry with backoff" (Python): runs python/client.py twice at once, each time with
a port where nothing listens. On the first port a stand-in server starts listening as soon as
the client has printed its third refusal, so the client must connect on its fourth attempt and
then run its scenarios. The second port stays closed, so the client must give up after its
fifth attempt. Compares the attempt lines and the time between them.
The checker's run() gives no time for each line, so this check starts the client itself (and
always stops it, and its stand-in server, in `finally`)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from check import indent

FOLDER = Path(__file__).resolve().parent.parent.parent
SLOW_REFUSAL_S = 2.5 if sys.platform == "win32" else 0  # on Windows a refusal on 127.0.0.1 takes about 2 s
DEADLINE_S = 6 + 5 * SLOW_REFUSAL_S  # how long one run of the client may take here


def refused(n: int, delay: int) -> str:
    return f"client: attempt {n} of 5: connection refused, trying again in {delay} ms"


SERVER_APPEARS = [refused(1, 100), refused(2, 200), refused(3, 400), "client: attempt 4 of 5: connected"]
NEVER_THERE = [refused(1, 100), refused(2, 200), refused(3, 400), refused(4, 800),
               "client: attempt 5 of 5: connection refused, giving up"]


def free_ports() -> list[int]:
    """Two ports where nothing listens: the OS gave them to us, and we gave them back."""
    borrowed = [socket.create_server(("127.0.0.1", 0)) for _ in range(2)]
    ports = [server.getsockname()[1] for server in borrowed]
    for server in borrowed:
        server.close()
    return ports


class Watched:
    """`python3 python/client.py --port <port>`, with the time each line arrived."""

    def __init__(self, port: int, on_line, enough, processes: list[subprocess.Popen]):
        self.lines: list[tuple[str, float]] = []
        self.stderr = ""
        self.code: int | None = None
        self.timed_out = False
        self._port, self._on_line, self._enough, self._processes = port, on_line, enough, processes

    def run(self) -> None:
        process = subprocess.Popen([sys.executable, "python/client.py", "--port", str(self._port)], cwd=FOLDER,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                   text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self._processes.append(process)
        done = threading.Event()

        def read_out() -> None:
            for line in process.stdout:  # type: ignore[union-attr]
                text = line.rstrip("\r\n")
                self.lines.append((text, time.monotonic()))
                self._on_line(text)
                if self._enough(text):
                    break
            done.set()

        def read_err() -> None:
            self.stderr = process.stderr.read()  # type: ignore[union-attr]

        threading.Thread(target=read_out, daemon=True).start()
        err_reader = threading.Thread(target=read_err, daemon=True)
        err_reader.start()
        self.timed_out = not done.wait(DEADLINE_S)
        if not self.timed_out and not (self.lines and self._enough(self.lines[-1][0])):
            try:
                process.wait(1)  # its output ended: the client is ending
            except subprocess.TimeoutExpired:
                pass
        self.code = process.poll()
        process.kill()
        process.wait()
        err_reader.join(1)


def printed(run: Watched) -> str:
    """The first lines a client printed, for a message."""
    # Lines on standard error are marked: only standard output's lines count as the attempts.
    lines = [text for text, _ in run.lines] + [f"(stderr) {line}" for line in run.stderr.split("\n") if line]
    if not lines:
        return "  (nothing)"
    return indent("\n".join(lines[:12])) + ("\n  ..." if len(lines) > 12 else "")


def check(t):
    appears_port, never_port = free_ports()
    processes: list[subprocess.Popen] = []
    stand_in: list[socket.socket] = []

    def on_line(text: str) -> None:
        if not stand_in and re.match(r"client: attempt 3 of \d+: connection refused", text):
            stand_in.append(socket.create_server(("127.0.0.1", appears_port)))  # listens; the OS accepts for it

    appears = Watched(appears_port, on_line, lambda text: text.startswith("client: [2/7]"), processes)
    never = Watched(never_port, lambda text: None, lambda text: False, processes)
    try:
        runs = [threading.Thread(target=run.run, daemon=True) for run in (appears, never)]
        for thread in runs:
            thread.start()
        for thread in runs:
            thread.join(DEADLINE_S + 5)

        for run, port, expected, story in (
            (appears, appears_port, SERVER_APPEARS, "where nothing listened yet.\nThe check started a server there "
             "once your client had printed its third refused attempt."),
            (never, never_port, NEVER_THERE, "where nothing listened.\nNothing ever started there."),
        ):
            texts = [text for text, _ in run.lines]
            scenarios_start = next((i for i, text in enumerate(texts) if text.startswith("client: [1/7]")), len(texts))
            attempts = [(text, at) for text, at in run.lines[:scenarios_start] if text.startswith("client: attempt ")]
            got = [text for text, _ in attempts]
            if got != expected:
                t.fail(f"Your client was started with --port {port}, {story}\n"
                       f"Expected your client to print first:\n{indent(chr(10).join(expected))}\n"
                       f"Your client printed:\n{printed(run)}"
                       + (f"\nand it was still running after {DEADLINE_S:g} s." if run.timed_out else ""))
            # The time between one attempt line and the next is the client's wait. A line that
            # reaches us late makes the wait after it look shorter: the lower limit is on the sum.
            announced = [int(found.group(1)) if (found := re.search(r"trying again in (\d+) ms$", text)) else 0
                         for text in got]
            for (text, at), (next_text, next_at), ms in zip(attempts, attempts[1:], announced):
                waited = (next_at - at) * 1000
                most = 3 * ms + 1000 + SLOW_REFUSAL_S * 1000
                if waited > most:
                    t.fail(f"Your client printed:\n  {text}\nand {waited:.0f} ms later:\n  {next_text}\n"
                           f"Expected it to wait about {ms} ms before trying again (the check accepts up to {most:g} ms).")
            total = sum(announced)
            waited_in_all = (attempts[-1][1] - attempts[0][1]) * 1000
            if waited_in_all < total / 2:
                t.fail(f"Your client printed:\n  {got[0]}\nand {waited_in_all:.0f} ms later:\n  {got[-1]}\n"
                       f"Expected it to wait {' + '.join(str(ms) for ms in announced if ms)} = {total} ms in between "
                       f"(the check accepts {total / 2:g} ms or more).")

        # After it connected, the scenarios run as before: scenario 1 still sees its refusal at once.
        texts = [text for text, _ in appears.lines]
        first = texts.index("client: [1/7] connection refused") if "client: [1/7] connection refused" in texts else -1
        second = next((i for i, text in enumerate(texts) if text.startswith("client: [2/7]")), -1)
        if first == -1 or second == -1:
            t.fail("Your client connected on its 4th attempt. Expected it to go on with its scenarios then,\n"
                   'starting with "client: [1/7] connection refused" and "client: [2/7] ...".\n'
                   f"Your client printed:\n{printed(appears)}")
        retried = next((text for text in texts[first:second] if re.match(r"client: .*attempt \d", text)), None)
        if retried is not None:
            t.fail(f"In scenario 1, your client printed:\n  {retried}\n"
                   "Expected scenario 1 to connect once and show the refusal at once, as before:\n"
                   "only the wait for the server, before the scenarios, tries again.")
        if never.code in (None, 0) or any(text.startswith("client: [1/7]") for text, _ in never.lines):
            t.fail("Your client gave up after its 5th attempt. Expected it to stop then, with exit code 1,\n"
                   f"without running the scenarios. "
                   f"{'It was still running.' if never.code is None else f'It exited with code {never.code}.'}\n"
                   f"Your client printed:\n{printed(never)}")
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
        for server in stand_in:
            server.close()
