"""Check of "A hop limit" (Python): starts peer B with a stand-in next peer that acknowledges
everything, hands B messages with a ttl of 3, then 1, then bad ones, types "send" into B, and
looks at what B answers, passes on and prints."""

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
TTL_ERROR = '"ttl" must be a whole number from 1 to 16'


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

        def hand(id_: str, ttl: int) -> str:
            """Sends one message line to B and checks that B acknowledges it."""
            line = f'{{"type":"message","id":"{id_}","origin":"A","text":"hello","path":["A"],"ttl":{ttl}}}'
            received = exchange(f"{line}\n".encode(), 1)
            ack = f'{{"type":"ack","id":"{id_}"}}\n'
            if received != ack.encode():
                fail(f"It sent peer B:\n  {line}", f"Expected back the ack:\n  {ack}",
                     f"Got back:\n  {json.dumps(received.decode('utf-8', 'replace'), ensure_ascii=False)}")
            return line

        first = hand("A-1", 3)
        expected = '{"type":"message","id":"A-1","origin":"A","text":"hello","path":["A","B"],"ttl":2}'
        until(lambda: len(passed_on) > 0, 3)
        if passed_on[:1] != [expected]:
            fail(f"It sent peer B:\n  {first}", f"Expected B to pass it on with one hop used up:\n  {expected}",
                 f"B passed on:\n  {passed_on[0]}" if passed_on else "B passed nothing on within 3 s.")

        last = hand("A-2", 1)
        dropped = "peer B: dropping A-2 from A: its ttl ran out"
        until(lambda: dropped in peer.lines or len(passed_on) > 1, 3)
        if len(passed_on) > 1 or dropped not in peer.lines:
            fail(f"It sent peer B a message with one hop left:\n  {last}",
                 f"Expected B to use up that hop, pass nothing on, and print:\n  {dropped}",
                 f"B passed on:\n  {passed_on[1]}" if len(passed_on) > 1 else "B did not print that line within 3 s.")

        bad = [f'{{"type":"message","id":"A-{i + 3}","origin":"A","text":"hello","path":["A"]{ttl}}}'
               for i, ttl in enumerate(["", ',"ttl":0', ',"ttl":17', ',"ttl":"3"'])]
        received = exchange("".join(f"{line}\n" for line in bad).encode(), len(bad))
        error = json.dumps({"type": "error", "message": TTL_ERROR}, separators=(",", ":")) + "\n"
        if received != (error * len(bad)).encode():
            fail(f"It sent peer B messages with no ttl, or a ttl that is not a whole number from 1 to 16:\n"
                 f"{indent(chr(10).join(bad))}",
                 f"Expected back this error for each of them:\n  {error}",
                 f"Got back:\n{indent(received.decode('utf-8', 'replace')) or '  (nothing)'}")

        before = len(passed_on)
        peer.type("send hi")
        sent = '{"type":"message","id":"B-1","origin":"B","text":"hi","path":["B"],"ttl":16}'
        until(lambda: len(passed_on) > before, 3)
        if passed_on[before:before + 1] != [sent]:
            fail("Then it typed into peer B: send hi", f"Expected B to send a message that may make 16 hops:\n  {sent}",
                 f"B sent:\n  {passed_on[before]}" if len(passed_on) > before else "B sent nothing within 3 s.")
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
