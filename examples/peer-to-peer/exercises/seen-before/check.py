"""Check of "Seen it before" (Python): starts peer B with a stand-in next peer that
acknowledges everything, hands B a message, the same message again, and a new one, then lets
a message of B's own come home, and looks at what B answers, passes on and prints."""

import json
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable

from check import indent

FOLDER = Path(__file__).resolve().parent.parent.parent


def check(t):
    passed_on: list[str] = []  # the lines the stand-in next peer received, each answered with an ack

    def next_peer(conn: socket.socket) -> None:
        pending = b""
        while chunk := conn.recv(65536):
            pending += chunk
            while (newline := pending.find(b"\n")) != -1:
                line, pending = pending[:newline].decode("utf-8", "replace"), pending[newline + 1:]
                passed_on.append(line)
                try:
                    id_ = json.loads(line).get("id")
                except (ValueError, AttributeError):
                    id_ = None
                conn.sendall((json.dumps({"type": "ack", "id": id_}, separators=(",", ":")) + "\n").encode())

    next_port = t.fake_server(next_peer)
    peer = Peer("B")
    try:
        set_up = (f"The check starts peer B (python3 python/peer.py --name B --port 0) and types into it: "
                  f"next 127.0.0.1:{next_port}\n(a stand-in next peer that acknowledges every message).")

        def fail(*lines: str):
            t.fail("\n".join([set_up, *lines, f"Peer B printed:\n{indent(peer.output()) or '  (nothing)'}"]))

        if not until(lambda: peer.port() is not None or peer.process.poll() is not None, 5):
            fail('Expected it to print "listening on HOST:PORT" within 5 s.')
        port = peer.port()
        if port is None:
            fail('Expected it to print "listening on HOST:PORT", but it stopped.')

        def exchange(data: bytes, until_lines: int) -> bytes:
            try:
                return t.exchange(port, [data], until_lines=until_lines)[0]
            except OSError as error:
                fail(f"The check could not connect to peer B ({error.strerror or error}). Has it stopped?")
        peer.type(f"next 127.0.0.1:{next_port}")
        if not until(lambda: "my next peer is now" in peer.output(), 3):
            fail(f'Expected it to print "my next peer is now 127.0.0.1:{next_port}".')

        def hand(id_: str, path: list[str], story: str = "It sent peer B:", origin: str = "A") -> str:
            """Sends one message line to B and checks that B acknowledges it."""
            text = "hello" if origin == "A" else "hi"
            line = (f'{{"type":"message","id":"{id_}","origin":"{origin}","text":"{text}",'
                    f'"path":{json.dumps(path, separators=(",", ":"))}}}')
            received = exchange(f"{line}\n".encode(), 1)
            ack = f'{{"type":"ack","id":"{id_}"}}\n'
            if received != ack.encode():
                fail(f"{story}\n  {line}", f"Expected back the ack:\n  {ack}",
                     f"Got back:\n  {json.dumps(received.decode('utf-8', 'replace'), ensure_ascii=False)}")
            return line

        def expected(id_: str) -> str:
            return f'{{"type":"message","id":"{id_}","origin":"A","text":"hello","path":["A","B"]}}'

        first = hand("A-1", ["A"])
        until(lambda: len(passed_on) > 0, 3)
        if passed_on[:1] != [expected("A-1")]:
            fail(f"It sent peer B:\n  {first}", f"Expected B to pass it on:\n  {expected('A-1')}",
                 f"B passed on:\n  {passed_on[0]}" if passed_on else "B passed nothing on within 3 s.")

        hand("A-1", ["A"], "Then it sent the same message again, on a new connection, as a sender does that never got its ack:")
        again = "peer B: already saw A-1, not passing it on again"
        until(lambda: again in peer.lines or len(passed_on) > 1, 3)
        if len(passed_on) > 1 or again not in peer.lines:
            fail(f"It sent peer B this message twice:\n  {first}",
                 f"Expected B to acknowledge it both times, pass it on only once, and print the second time:\n  {again}",
                 f"B passed it on again:\n  {passed_on[1]}" if len(passed_on) > 1 else "B did not print that line within 3 s.")

        other = hand("A-2", ["A"])
        until(lambda: len(passed_on) > 1, 3)
        if passed_on != [expected("A-1"), expected("A-2")]:
            fail(f"After A-1 twice, it sent peer B a new message, with the same text:\n  {other}",
                 f"Expected B to pass it on:\n  {expected('A-2')}",
                 f"In all, B passed on:\n{indent(chr(10).join(passed_on)) or '  (nothing)'}")

        peer.type("send hi")
        until(lambda: len(passed_on) > 2, 3)
        home = hand("B-1", ["B", "C"], "Then it typed into peer B: send hi, and once B had passed B-1 on, "
                                      "sent it back to B, as peer C would:", origin="B")
        came_back = "peer B: my message came back: B -> C -> B (2 hops)"
        if not until(lambda: came_back in peer.lines, 3):
            fail(f"It typed into peer B: send hi, then sent B's message back to B:\n  {home}",
                 f"B had sent it, but never received it: expected B to print\n  {came_back}")
    finally:
        peer.stop()


class Peer:
    """`python3 python/peer.py --name NAME --port 0` here, with a pipe to type commands into it
    (a program that t.start() runs gets no input). Always call stop()."""

    def __init__(self, name: str) -> None:
        self.lines: list[str] = []
        self.process = subprocess.Popen([sys.executable, "python/peer.py", "--name", name, "--port", "0"], cwd=FOLDER,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True, encoding="utf-8", errors="replace")
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:  # type: ignore[union-attr]
            if len(self.lines) < 1000:
                self.lines.append(line.rstrip("\r\n"))

    def output(self) -> str:
        return "\n".join(self.lines)

    def port(self) -> int | None:
        found = re.search(r"listening on \S+:(\d+)", self.output())
        return int(found.group(1)) if found else None

    def type(self, line: str) -> None:
        try:
            self.process.stdin.write(f"{line}\n")  # type: ignore[union-attr]
            self.process.stdin.flush()  # type: ignore[union-attr]
        except OSError:
            pass  # it has stopped: what it printed says why

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()
        try:
            self.process.stdin.close()  # type: ignore[union-attr]
        except OSError:
            pass


def until(test: Callable[[], bool], seconds: float) -> bool:
    """Asks `test` every 10 ms until it says yes or `seconds` have passed; returns its last answer."""
    deadline = time.monotonic() + seconds
    while not test() and time.monotonic() < deadline:
        time.sleep(0.01)
    return test()
