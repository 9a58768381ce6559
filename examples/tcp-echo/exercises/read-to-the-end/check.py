"""Check of "Read to the end" (Python): a stand-in server echoes the client's line, waits for
the client to close its sending side, then sends a last word without "\\n" and closes."""

import socket

from check import indent, show

LAST_WORD = "tschüß".encode("utf-8")  # 6 characters, 8 bytes


def check(t):
    def serve(conn: socket.socket) -> None:
        while data := conn.recv(65536):  # the echo, until the client closes its sending side
            conn.sendall(data)
        conn.sendall(LAST_WORD)  # then the last word; leaving `with` closes

    port = t.fake_server(serve)
    result = t.run("python/client.py", ["--port", str(port), "hello"])
    expected = f"client: received {len(LAST_WORD)} bytes (no newline at the end): {show(LAST_WORD)}"
    if result.timed_out:
        t.fail("python3 python/client.py was still running after 5 s. The server had closed the connection; "
               "the client should print the last word and exit.")
    if expected not in result.stdout.split("\n"):
        t.fail(f"The server echoed \"hello\\n\", and after your client closed its sending side it sent "
               f"{show(LAST_WORD)} ({len(LAST_WORD)} bytes, no newline) and closed.\n"
               f"Expected your client to print this line:\n  {expected}\n"
               f"Your client printed:\n{indent(result.stdout + result.stderr) or '  (nothing)'}")
