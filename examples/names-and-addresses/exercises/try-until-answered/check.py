"""Check of "Try until one answers" (Python): runs `python/client.py --only-try` (it tries ::1,
then 127.0.0.1) three times against stand-in servers on one port: on ::1 one that closes at
once, then one that never answers, then none at all; on 127.0.0.1 always one that answers
"whoami". The runner has no stand-in server on ::1, so this check makes its own and closes them all."""

from __future__ import annotations

import errno
import socket
import threading

from check import indent


def close_at_once(conn: socket.socket) -> None:
    conn.shutdown(socket.SHUT_WR)


def never_answer(conn: socket.socket) -> None:
    while conn.recv(65536):  # read and drop, until the client closes (or the check closes this socket)
        pass


# The three cases: what the stand-in on ::1 does with a connection, and how to say it.
CASES = [
    ("accepted the connection and closed it at once, without an answer", close_at_once),
    ("accepted the connection and never answered", never_answer),
    ("is not there: nothing listens on ::1, so the connection is refused", None),
]


def answer_whoami(conn: socket.socket, answers: list[str]) -> None:
    """The stand-in on 127.0.0.1: answers each "whoami" line as the example's server does."""
    host, port = conn.getpeername()[:2]
    pending = b""
    while data := conn.recv(65536):
        pending += data
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            if line.rstrip(b"\r") == b"whoami":
                answers.append(f"AF_INET {host} port {port}")
                conn.sendall(f"{answers[-1]}\n".encode())
            else:
                conn.sendall(b"error: unknown command; the only command is whoami\n")


def close(sock: socket.socket) -> None:
    """Closes a socket, first waking a thread that waits in accept() or recv() on it."""
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # not connected, or already shut
    sock.close()


def check(t):
    opened: list[socket.socket] = []  # every socket this check made: all closed at the end

    def serve(listener: socket.socket, handle) -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return  # closed: this case is over
            opened.append(conn)

            def run(conn: socket.socket = conn) -> None:
                try:
                    handle(conn)
                except OSError:
                    pass  # the client went away, or the check closed the socket

            threading.Thread(target=run, daemon=True).start()

    try:
        for story, on_ipv6 in CASES:
            answers: list[str] = []
            # One port on both addresses: ::1 first on a free port, then 127.0.0.1 on the same (or try another).
            port = 0
            for attempt in range(1, 11):
                ipv6 = None
                try:
                    ipv6 = socket.create_server(("::1", 0), family=socket.AF_INET6)
                    opened.append(ipv6)
                    taken = ipv6.getsockname()[1]
                    ipv4 = socket.create_server(("127.0.0.1", taken))
                    opened.append(ipv4)
                except OSError as error:
                    if ipv6 is not None:
                        ipv6.close()
                    if error.errno == errno.EADDRINUSE and attempt < 10:
                        continue
                    t.fail("This check needs a port on both loopback addresses, ::1 (IPv6) and 127.0.0.1, and could "
                           f"not listen ({error.strerror or error}).\nExpected a computer with IPv6 on loopback; "
                           "without it, this exercise cannot be checked here.")
                port = taken
                break
            threading.Thread(target=serve, args=(ipv4, lambda conn: answer_whoami(conn, answers)), daemon=True).start()
            if on_ipv6 is None:
                ipv6.close()  # the third case: nothing on ::1
            else:
                threading.Thread(target=serve, args=(ipv6, on_ipv6), daemon=True).start()

            args = ["--port", str(port), "--only-try"]
            result = t.run("python/client.py", args)
            said = answers[0] if answers else "AF_INET 127.0.0.1 port <your client's port>"
            expected = f'client: the server says "{said}"'
            if result.timed_out or result.code != 0 or expected not in result.stdout.split("\n"):
                how = ("It was still running after 5 s, and was stopped. It printed:" if result.timed_out
                       else f"It exited with code {result.code} and printed:")
                t.fail(f"On [::1]:{port} a stand-in server {story};\n"
                       f"on 127.0.0.1:{port} another one answers \"whoami\".\n"
                       f"Ran: python3 python/client.py {' '.join(args)}   (it tries ::1, then 127.0.0.1)\n"
                       f"Expected your client to give up on ::1, try 127.0.0.1, print\n  {expected}\n"
                       f"and exit with code 0.\n{how}\n{indent(result.stdout + result.stderr) or '  (nothing)'}")
            while opened:
                close(opened.pop())
    finally:
        for sock in opened:
            close(sock)
