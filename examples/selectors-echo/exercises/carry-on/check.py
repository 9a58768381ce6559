"""Check of "Carry on after a failure" (Python): the client opens 4 connections to a stand-in
server, which closes connection 1 as soon as its first line has come, echoes connections 2 and
3 after 100 ms, and closes connection 4 after 200 ms without an answer. So one failure comes
before the good answers, one after. The client must finish 2 and 3 and say so."""

import re
import socket
import time

from check import indent


def check(t):
    def serve(conn: socket.socket) -> None:
        received = b""
        while not (first := re.match(rb"hello from connection (\d+)\n", received)):
            data = conn.recv(65536)
            if not data:
                return
            received += data
        number = int(first.group(1))
        if number in (2, 3):
            time.sleep(0.1)
            while received:  # the echo, 100 ms late, until the client closes
                conn.sendall(received)
                received = conn.recv(65536)
            return
        if number == 4:
            time.sleep(0.2)
        conn.shutdown(socket.SHUT_WR)  # close our side, no answer (1 at once, 4 after 0.2 s)
        while conn.recv(65536):  # and read until the client closes too
            pass

    port = t.fake_server(serve)
    args = ["--port", str(port), "--connections", "4", "--big", "0"]
    result = t.run("python/client.py", args, timeout_s=3)
    output = result.stdout + result.stderr
    lines = output.split("\n")
    expected = [
        "client: connection 2 got every line back, closing it",
        "client: connection 3 got every line back, closing it",
        "client: 2 of 4 connections came back right",
    ]
    missing = [line for line in expected if line not in lines]
    if result.timed_out or missing or result.code != 1:
        ending = ("Your client was still running after 3 s, so it was stopped." if result.timed_out
                  else f"Your client exited with code {result.code}.")
        found = f"These lines are missing:\n{indent(chr(10).join(missing))}" if missing else "All these lines are there."
        t.fail(f"Ran: python3 python/client.py {' '.join(args)}\n"
               "The server closed connection 1 as soon as its first line came, sent connections 2 and 3\n"
               "their lines back after 0.1 s, and closed connection 4 after 0.2 s without an answer.\n"
               "Expected your client to print these lines (among others) and to exit with code 1:\n"
               f"{indent(chr(10).join(expected))}\n{ending}\n{found}\n"
               f"Your client printed:\n{indent(output) or '  (nothing)'}")
