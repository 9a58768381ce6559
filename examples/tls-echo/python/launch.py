"""Runs an example's Python programs the way you would by hand in separate terminals:
start the server, wait until it says it is listening, run the client against it, then stop
the server. The Python counterpart of launch.js; this file is the same in every example.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Callable, Optional

HERE = Path(__file__).resolve().parent
LISTENING = re.compile(r"listening on (\S+):(\d+)")
_children: list[subprocess.Popen[str]] = []
_relays: dict[int, list[threading.Thread]] = {}
# Several threads relay output at once; one whole line at a time, or lines could get glued.
_output_lock = threading.Lock()


class RunningServer:
    """A started program that printed "listening on HOST:PORT"."""

    def __init__(self, process: subprocess.Popen[str], host: str, port: int, watchers: list[Callable[[str], None]]):
        self.process = process
        self.host = host
        self.port = port
        self._watchers = watchers

    def type(self, line: str) -> None:
        """Types a line into the program, as if at its keyboard."""
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def wait_for(self, pattern: str, timeout: float = 10.0) -> str:
        """Returns the next line the program prints that matches `pattern`."""
        return self.ask(None, pattern, timeout)

    def ask(self, line: Optional[str], pattern: str, timeout: float = 10.0) -> str:
        """Types `line` (if any) and returns the next printed line matching `pattern`. It starts
        watching before it types, so a quick answer cannot slip past unseen."""
        found: list[str] = []
        event = threading.Event()

        def watcher(printed: str) -> None:
            if not event.is_set() and re.search(pattern, printed):
                found.append(printed)
                event.set()

        self._watchers.append(watcher)
        try:
            if line is not None:
                self.type(line)
            if not event.wait(timeout):
                raise TimeoutError(f"nothing matching {pattern!r} within {timeout:g} s")
            return found[0]
        finally:
            self._watchers.remove(watcher)

    def stop(self) -> None:
        """Asks the program to stop (like Ctrl+C) and waits for it."""
        _stop(self.process)


def start_server(file: str, args: Optional[list[str]] = None, timeout: float = 10.0) -> RunningServer:
    """Starts `python <file> ...args` and returns once it prints "listening on HOST:PORT"."""
    process = _spawn(file, args or [])
    watchers: list[Callable[[str], None]] = []
    listening: list[re.Match[str]] = []
    ready = threading.Event()

    def on_line(line: str) -> None:
        for watcher in list(watchers):
            watcher(line)
        match = LISTENING.search(line)
        if match and not ready.is_set():
            listening.append(match)
            ready.set()

    _relay(process, on_line, on_end=ready.set)
    if not ready.wait(timeout) or not listening:
        _stop(process)
        raise RuntimeError(f'{file} did not say "listening on ..." within {timeout:g} s')
    return RunningServer(process, listening[0].group(1), int(listening[0].group(2)), watchers)


def run_program(file: str, args: Optional[list[str]] = None, timeout: float = 30.0,
                on_line: Callable[[str], None] = lambda line: None) -> int:
    """Runs `python <file> ...args` to the end and returns its exit code."""
    process = _spawn(file, args or [])
    _relay(process, on_line, on_end=lambda: None)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        print(f"launch: {file} did not finish within {timeout:g} s, stopping it", file=sys.stderr, flush=True)
        process.kill()
        process.wait()
    _finish(process)
    return process.returncode


def launch(main: Callable[[], int]) -> None:
    """Runs `main`, then stops every program still running and exits with its result."""
    code = 1
    try:
        code = main()
    except Exception as error:  # report it like a program would, then clean up
        print(f"launch: {error}", file=sys.stderr, flush=True)
    except KeyboardInterrupt:
        code = 130
    for process in list(_children):
        _stop(process)
    sys.exit(code)


def _spawn(file: str, args: list[str]) -> subprocess.Popen[str]:
    # -u: the child prints each line at once, so we can see "listening on ..." immediately.
    process = subprocess.Popen(
        [sys.executable, "-u", str(HERE / file), *args],
        cwd=HERE,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    _children.append(process)
    return process


def _relay(process: subprocess.Popen[str], on_line: Callable[[str], None], on_end: Callable[[], None]) -> None:
    """Copies the program's output through, line by line; hands stdout lines to `on_line`."""

    def pump(stream, out, handle: bool) -> None:
        for raw in stream:
            line = raw.rstrip("\r\n")
            with _output_lock:
                out.write(line + "\n")
                out.flush()
            if handle:
                on_line(line)
        if handle:
            on_end()

    threads = [
        threading.Thread(target=pump, args=(process.stdout, sys.stdout, True), daemon=True),
        threading.Thread(target=pump, args=(process.stderr, sys.stderr, False), daemon=True),
    ]
    for thread in threads:
        thread.start()
    _relays[process.pid] = threads


def _stop(process: subprocess.Popen[str]) -> None:
    """SIGTERM (what Ctrl+C does, near enough), up to 3 s to finish, then forced."""
    if process.poll() is None:
        if os.name == "nt":
            process.terminate()
        else:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(3)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    _finish(process)


def _finish(process: subprocess.Popen[str]) -> None:
    """Waits until the program's last lines have been printed, then forgets it."""
    for thread in _relays.pop(process.pid, []):
        thread.join(5)
    if process in _children:
        _children.remove(process)
