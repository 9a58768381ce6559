"""__EXAMPLE_TITLE__: the server. TODO: say what it does and which socket calls it shows.

The Python twin of server.js. As scaffolded, a TCP line echo: every line a client sends
comes straight back. Each accepted connection gets its own thread.

Run: python3 server.py [--host 127.0.0.1] [--port 7020]   (port 0 = any free port)
"""

from __future__ import annotations

import argparse
import errno
import json
import signal
import socket
import sys
import threading
import time

MAX_LINE_BYTES = 64 * 1024  # a longer line is refused, so one client cannot fill our memory

_log_lock = threading.Lock()


def log(message: str) -> None:
    """Prints one line; the lock keeps lines from several client threads whole."""
    with _log_lock:
        print(message)


def answer(line: str) -> str:
    """TODO: your protocol. The reply to one request line (without its "\\n")."""
    return line.upper()


def serve_client(conn: socket.socket, peer: str) -> None:
    """Answers complete lines until the client closes its side."""
    log(f"server: accepted a connection from {peer}")
    pending = b""  # bytes received since the last newline
    with conn:
        try:
            while True:
                chunk = conn.recv(65536)  # b"" means the client closed its side
                if not chunk:
                    conn.shutdown(socket.SHUT_WR)
                    log(f"server: {peer} closed the connection")
                    return
                pending += chunk
                while (newline := pending.find(b"\n")) != -1:
                    line = pending[:newline].decode("utf-8", errors="replace")
                    pending = pending[newline + 1 :]
                    reply = answer(line)
                    conn.sendall(f"{reply}\n".encode("utf-8"))
                    log(f"server: answered {json.dumps(line, ensure_ascii=False)} "
                        f"with {json.dumps(reply, ensure_ascii=False)}")
                if len(pending) > MAX_LINE_BYTES:
                    log(f"server: {peer} sent a line over {MAX_LINE_BYTES} bytes, refusing it")
                    conn.sendall(f"error: line longer than {MAX_LINE_BYTES} bytes, closing\n".encode())
                    refuse(conn)
                    return
        except OSError as error:  # e.g. the client vanished (ECONNRESET): this thread ends, the server goes on
            log(f"server: connection to {peer} failed: {error.strerror or error}")


def refuse(conn: socket.socket) -> None:
    """Closes our sending side, drops input for up to 2 s so the client can read the error
    (closing with unread data would send a reset instead), then closes."""
    deadline = time.monotonic() + 2
    try:
        conn.shutdown(socket.SHUT_WR)
        while (left := deadline - time.monotonic()) > 0:
            conn.settimeout(left)
            if not conn.recv(65536):
                break
    except OSError:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description="__EXAMPLE_TITLE__: the server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7020)
    options = parser.parse_args()

    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        server.bind((options.host, options.port))
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            print(f"server: port {options.port} on {options.host} is already in use. Stop the other program "
                  f"or choose another port: python3 server.py --port 0", file=sys.stderr)
        else:
            print(f"server: {error}", file=sys.stderr)
        sys.exit(1)
    server.listen()
    host, port = server.getsockname()[:2]
    log(f"server: listening on {host}:{port}")

    def stop(signum: int, frame: object) -> None:
        log("server: stopping")
        server.close()
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    while True:
        conn, (peer_host, peer_port) = server.accept()
        threading.Thread(target=serve_client, args=(conn, f"{peer_host}:{peer_port}"), daemon=True).start()


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # each line appears at once, even in a pipe
    main()
