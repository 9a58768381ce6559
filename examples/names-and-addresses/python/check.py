"""Checks your solution to an exercise: `python3 python/check.py <exercise>` runs the
exercise's check (exercises/<exercise>/check.py) against the Python code in this folder. It
prints "passed", or what was sent, what came back and what was expected, and exits 0 or 1.
`python3 python/check.py` checks every exercise and prints a table.
A check never needs the network (everything runs on 127.0.0.1), gives up after its time
limit, and stops every program it started. The Node.js twin is check.js.

This file is the same in every example folder that has exercises.
"""

from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent.parent  # the example folder
CHECK_TIMEOUT_S = 20  # how long one whole check may take
MAX_OUTPUT = 64 * 1024  # at most this much of a program's output is kept


class CheckFailure(Exception):
    """A check's verdict that the code does not do what the exercise asks; its message says why."""


class Run:
    def __init__(self, stdout: str, stderr: str, code: int | None, timed_out: bool):
        self.stdout, self.stderr, self.code, self.timed_out = stdout, stderr, code, timed_out


class Checker:
    """What a check gets: ways to run the student's programs and to talk to them."""

    def __init__(self) -> None:
        self._processes: list[subprocess.Popen] = []
        self._servers: list[socket.socket] = []

    def run(self, file: str, args: list[str] | None = None, timeout_s: float = 5) -> Run:
        """Runs `python <file> ...args` here until it exits, or stops it after `timeout_s`."""
        process = subprocess.Popen([sys.executable, file, *(args or [])], cwd=HERE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        self._processes.append(process)
        try:
            stdout, stderr = process.communicate(timeout=timeout_s)
            timed_out = False
        except subprocess.TimeoutExpired:
            process.kill()
            stdout, stderr = process.communicate()
            timed_out = True
        text = lambda data: data[:MAX_OUTPUT].decode("utf-8", errors="replace")  # noqa: E731
        return Run(text(stdout), text(stderr), None if timed_out else process.returncode, timed_out)

    def start(self, file: str, args: list[str] | None = None) -> int:
        """Starts a server program here; returns its port once it prints "listening on HOST:PORT"."""
        process = subprocess.Popen([sys.executable, file, *(args or [])], cwd=HERE, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)
        self._processes.append(process)
        found: list[int] = []
        printed: list[str] = []

        def read() -> None:
            for line in process.stdout:  # type: ignore[union-attr]
                printed.append(line)
                if not found and "listening on " in line:
                    found.append(int(line.rsplit(":", 1)[1].split()[0]))

        threading.Thread(target=read, daemon=True).start()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not found and process.poll() is None:
            time.sleep(0.02)
        if not found:
            process.kill()
            self.fail(f"python3 {file} did not print \"listening on HOST:PORT\" within 5 s.\n"
                      f"It printed:\n{indent(''.join(printed)) or '  (nothing)'}")
        return found[0]

    def fake_server(self, on_connection: Callable[[socket.socket], None]) -> int:
        """A stand-in server on 127.0.0.1 with a free port: `on_connection(conn)` plays the other side."""
        server = socket.create_server(("127.0.0.1", 0))
        self._servers.append(server)

        def serve() -> None:
            while True:
                try:
                    conn, _ = server.accept()
                except OSError:
                    return  # closed: the check is over
                def handle(conn: socket.socket = conn) -> None:
                    with conn:
                        try:
                            on_connection(conn)
                        except OSError:
                            pass  # the program under check may vanish: that is its verdict, not ours
                threading.Thread(target=handle, daemon=True).start()

        threading.Thread(target=serve, daemon=True).start()
        return server.getsockname()[1]

    def fake_udp_server(self, on_datagram: Callable[[bytes, Callable[[bytes], None]], None]) -> int:
        """A stand-in UDP server on 127.0.0.1 with a free port: `on_datagram(data, reply)` is called
        for each datagram that arrives; `reply(data)` sends a datagram back to its sender."""
        server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        server.bind(("127.0.0.1", 0))
        self._servers.append(server)

        def serve() -> None:
            while True:
                try:
                    data, sender = server.recvfrom(65536)
                except OSError:
                    return  # closed: the check is over
                try:
                    on_datagram(data, lambda reply, sender=sender: server.sendto(reply, sender))
                except OSError:
                    pass

        threading.Thread(target=serve, daemon=True).start()
        return server.getsockname()[1]

    def exchange(self, port: int, chunks: list[bytes], until_lines: float = float("inf"), timeout_s: float = 3):
        """Connects, sends each chunk, collects what comes back until `until_lines` lines ("\\n")
        arrived, the program closes, or `timeout_s` passes. Returns (received, closed)."""
        received, closed = b"", False
        deadline = time.monotonic() + timeout_s
        try:
            conn = socket.create_connection(("127.0.0.1", port), timeout=timeout_s)
        except OSError as error:
            self.fail(f"Could not connect to your program on 127.0.0.1:{port}: {error.strerror or error}. "
                      f"Is it still running?")
        with conn:
            for chunk in chunks:
                try:
                    conn.sendall(chunk)
                except OSError:
                    break  # the program closed or vanished: what it sent before is the answer
                time.sleep(0.02)  # separate pieces on the wire
            while received.count(b"\n") < until_lines and time.monotonic() < deadline:
                conn.settimeout(max(0.01, deadline - time.monotonic()))
                try:
                    data = conn.recv(65536)
                except (TimeoutError, OSError):
                    break
                if not data:
                    closed = True
                    break
                received += data
        return received, closed

    def fail(self, message: str):
        raise CheckFailure(message)

    def stop_everything(self) -> None:
        for process in self._processes:
            if process.poll() is None:
                process.kill()
                process.wait()
        for server in self._servers:
            server.close()


def indent(text: str) -> str:
    return "\n".join(f"  {line}" for line in text.rstrip().split("\n") if line)


def show(data: bytes | str) -> str:
    return json.dumps(data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data, ensure_ascii=False)


def exercise_names() -> list[str]:
    folder = HERE / "exercises"
    if not folder.is_dir():
        return []
    return sorted(entry.name for entry in folder.iterdir() if (entry / "check.py").is_file())


def check_exercise(name: str) -> str | None:
    """Runs one exercise's check: None if it passed, else why not."""
    spec = importlib.util.spec_from_file_location(f"check_{name.replace('-', '_')}", HERE / "exercises" / name / "check.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    checker = Checker()
    outcome: list[str | None] = []

    def run() -> None:
        try:
            module.check(checker)
            outcome.append(None)
        except CheckFailure as failure:
            outcome.append(str(failure))
        except Exception as error:  # noqa: BLE001 - a bug in the check, not in the student's code
            outcome.append(f"the check itself failed (a bug in the check, not in your code): {error!r}")

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(CHECK_TIMEOUT_S)
    checker.stop_everything()
    if not outcome:
        return f"the check did not finish within {CHECK_TIMEOUT_S} s: a program it started may be waiting for ever"
    return outcome[0]


def main() -> int:
    # Checks `import check`: let that be this very module, so that its CheckFailure is the one caught here.
    sys.modules.setdefault("check", sys.modules[__name__])
    names = exercise_names()
    if len(sys.argv) > 1:
        name = sys.argv[1]
        if name not in names:
            print(f"check: no exercise \"{name}\" here. The exercises are: {', '.join(names) or '(none)'}", file=sys.stderr)
            return 2
        problem = check_exercise(name)
        print(f"check {name}: passed" if problem is None else f"check {name}: not yet\n{problem}")
        return 0 if problem is None else 1
    results = [(name, check_exercise(name)) for name in names]
    width = max([8, *(len(name) for name in names)])
    print(f"{'exercise'.ljust(width)}  result")
    for name, problem in results:
        print(f"{name.ljust(width)}  {'passed' if problem is None else 'not yet'}")
    print("\nFor what is missing: python3 python/check.py <exercise>")
    return 0 if all(problem is None for _, problem in results) else 1


if __name__ == "__main__":
    sys.exit(main())
