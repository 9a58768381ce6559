"""Check of "A time limit for each answer" (Python): a stand-in server answers clients 1 and 3
after 100 ms and never answers client 2. The client runs with --clients 3 --timeout-ms 500:
client 2 must give up after 0.5 s, the others get their answers, and the client exits."""

import socket
import time

from check import indent, show

TIMEOUT_MS = 500
ANSWER_AFTER_S = 0.1
SILENT_CLIENT = 2


def check(t):
    def serve(conn: socket.socket) -> None:
        received = b""
        while b"\n" not in received:
            data = conn.recv(65536)
            if not data:
                return
            received += data
        line = received[: received.index(b"\n")]
        if line == f"request from client {SILENT_CLIENT}".encode():
            while conn.recv(65536):  # never answer: just wait until the client goes
                pass
            return
        time.sleep(ANSWER_AFTER_S)
        conn.sendall(b"done: " + line + b"\n")  # leaving `with` closes

    port = t.fake_server(serve)
    args = ["--port", str(port), "--clients", "3", "--timeout-ms", str(TIMEOUT_MS)]
    result = t.run("python/client.py", args, timeout_s=3)
    output = result.stdout + result.stderr
    lines = output.split("\n")
    expected = [
        "client 1: answered after ... s",
        f"client {SILENT_CLIENT}: no answer within {TIMEOUT_MS / 1000:.2f} s",
        "client 3: answered after ... s",
        "client: only 2 of 3 clients got their answer",
    ]

    def printed(want: str) -> bool:
        before, _, after = want.partition("...")
        if not _:
            return want in lines
        return any(line.startswith(before) and line.endswith(after) for line in lines)

    if result.timed_out or not all(printed(want) for want in expected):
        told = (f"Ran: python3 python/client.py {' '.join(args)}\n"
                f"The server answered {show('request from client 1' + chr(10))} and "
                f"{show('request from client 3' + chr(10))} after {ANSWER_AFTER_S:g} s, "
                f"and never answered client {SILENT_CLIENT}.\n"
                f"Expected your client to print these lines (in any order) and to stop:\n"
                f"{indent(chr(10).join(expected))}\n")
        # A program that stopped on an error: its error line, without the traceback around it.
        why = next((line for line in lines if "error" in line.lower() and "Traceback" not in line), None)
        if result.timed_out:
            t.fail(f"{told}Your client was still running after 3 s, so it was stopped. It printed:\n"
                   f"{indent(output) or '  (nothing)'}")
        if result.code != 0 and why is not None and not any(line.startswith("client ") for line in lines):
            t.fail(f"{told}Your client stopped with:\n  {why.strip()}")
        t.fail(f"{told}Your client printed:\n{indent(output) or '  (nothing)'}")
