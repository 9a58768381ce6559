"""TCP echo server: sends every line it receives straight back to the client that sent it.

The Python twin of server.js, written with the Berkeley socket calls themselves:
socket() -> bind() -> listen() -> accept() -> recv()/sendall() -> close().
Node serves all clients from one event loop; here each accepted connection gets its own
thread, the plainest way in Python to serve several clients at once with blocking calls.

Run: python3 server.py [--host 127.0.0.1] [--port 7007]   (port 0 = any free port)
"""

from __future__ import annotations

import argparse
import errno
import signal
import socket
import sys
import threading
import time

MAX_LINE_BYTES = 1024 * 1024  # a longer line is refused, so one client cannot fill our memory
IDLE_TIMEOUT_S = 30  # a client that sends nothing for this long is disconnected


_log_lock = threading.Lock()


def log(message: str) -> None:
    """Prints one line; the lock keeps lines from several client threads whole."""
    with _log_lock:
        print(message)


def serve_client(conn: socket.socket, peer: str) -> None:
    """Echoes complete lines until the client closes its side."""
    log(f"server: accepted a connection from {peer}")
    pending = b""  # bytes received since the last newline
    line_number = 0  # lines answered on this connection: each connection counts on its own
    conn.settimeout(IDLE_TIMEOUT_S)
    with conn:
        try:
            while True:
                chunk = conn.recv(65536)  # up to 64 KiB; b"" means the client closed its side
                if not chunk:
                    if pending:
                        conn.sendall(pending)  # a last line without "\n" is still echoed
                    conn.shutdown(socket.SHUT_WR)
                    log(f"server: {peer} closed the connection")
                    return
                pending += chunk
                while (newline := pending.find(b"\n")) != -1:
                    line, pending = pending[: newline + 1], pending[newline + 1 :]
                    line_number += 1
                    conn.sendall(f"{line_number}: ".encode() + line)
                    log(f"server: echoed {len(line)} bytes to {peer}")
                if len(pending) > MAX_LINE_BYTES:
                    log(f"server: {peer} sent a line over {MAX_LINE_BYTES} bytes, refusing it")
                    conn.sendall(f"error: line longer than {MAX_LINE_BYTES} bytes, closing\n".encode())
                    refuse(conn)
                    return
        except socket.timeout:
            log(f"server: {peer} sent nothing for {IDLE_TIMEOUT_S} s, closing")
            try:
                conn.sendall(b"error: idle for too long, closing\n")
            except OSError:
                pass
        except OSError as error:  # e.g. the client vanished (ECONNRESET): this thread ends, the server goes on
            log(f"server: connection to {peer} failed: {error.strerror or error}")


def refuse(conn: socket.socket) -> None:
    """Closes our sending side, then reads and drops input for up to 2 s so the client can
    read the error (closing with unread data would send a reset instead), then closes."""
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
    parser = argparse.ArgumentParser(description="TCP echo server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7007)
    options = parser.parse_args()

    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # restart without waiting
    try:
        server.bind((options.host, options.port))  # bind()
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            print(f"server: port {options.port} on {options.host} is already in use. Stop the other program "
                  f"or choose another port: python3 server.py --port 0", file=sys.stderr)
        else:
            print(f"server: {error}", file=sys.stderr)
        sys.exit(1)
    server.listen()  # listen()
    host, port = server.getsockname()[:2]
    log(f"server: listening on {host}:{port}")

    def stop(signum: int, frame: object) -> None:
        log("server: stopping")
        server.close()
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    while True:
        conn, (peer_host, peer_port) = server.accept()  # accept(): a new socket for this client
        threading.Thread(target=serve_client, args=(conn, f"{peer_host}:{peer_port}"), daemon=True).start()


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # each line appears at once, even in a pipe
    main()
