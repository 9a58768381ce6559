"""Length-prefix framing over TCP, with a type in every frame: the server reads frames (a 1-byte
type, a 4-byte length, then that many bytes) and answers each one with a frame holding the
same payload: a DATA frame for a DATA frame, a PONG frame for a PING frame.

The Python twin of server.js, with the socket calls themselves: socket() -> bind() ->
listen() -> accept(), then recv()/sendall() in one thread per connection (Node serves all
connections from one event loop; a thread each is the plainest way in Python to serve
several clients at once with blocking calls). TCP delivers a stream of bytes, not messages:
one recv() may hold several frames, or part of one. So the server prints the size of every
recv(), keeps what it has received in a buffer, and takes a frame out only once all of its
bytes are there. The header is unpacked with struct.unpack("!BI", ...).

Run: python3 server.py [--host 127.0.0.1] [--port 7009]   (port 0 = any free port)
"""

from __future__ import annotations

import argparse
import errno
import signal
import socket
import struct
import sys
import threading
import time

HEADER_BYTES = 5  # 1 byte for the frame's type, then 4 bytes for the payload's length
# The frame types: the first byte of every frame.
DATA = 1  # answered with a DATA frame holding the same payload
PING = 2  # answered with a PONG frame holding the same payload
PONG = 3
ERROR = 4  # the server's error messages
MAX_FRAME_BYTES = 1024 * 1024  # a bigger frame is refused before we read its payload
IDLE_TIMEOUT_S = 30  # a client that sends nothing for this long is disconnected


_print_lock = threading.Lock()


def log(line: str) -> None:
    """Prints one whole line; the lock keeps lines from several client threads whole (print()
    writes the text and its "\\n" separately, so two threads could otherwise mix them up)."""
    with _print_lock:
        print(line)


def frame(kind: int, payload: bytes) -> bytes:
    """A frame: its type in 1 byte, the payload's length as 4 bytes, big-endian, then the payload.
    "!BI" is an unsigned byte, then an unsigned 32-bit integer, in network byte order
    (big-endian, the same as ">"; "!" also means no padding bytes between them)."""
    return struct.pack("!BI", kind, len(payload)) + payload


def serve_client(conn: socket.socket, peer: str) -> None:
    """Echoes every complete frame until the client closes its side."""
    log(f"server: accepted a connection from {peer}")
    pending = b""  # bytes received that do not yet make a complete frame
    frames = 0
    conn.settimeout(IDLE_TIMEOUT_S)
    with conn:
        try:
            while True:
                chunk = conn.recv(65536)  # whatever has arrived, 1 to 65,536 bytes; b"" = closed
                if not chunk:
                    # The client closed its sending side. An unfinished frame can never be completed now.
                    if pending:
                        log(f"server: {peer} closed in the middle of a frame, dropping its {len(pending)} bytes")
                    conn.shutdown(socket.SHUT_WR)
                    log(f"server: {peer} closed the connection")
                    return
                log(f"server: read {len(chunk)} {'byte' if len(chunk) == 1 else 'bytes'} in one chunk")
                pending += chunk
                # Take out every complete frame; leave an incomplete one in `pending` for the next recv().
                while len(pending) >= HEADER_BYTES:
                    kind, length = struct.unpack("!BI", pending[:HEADER_BYTES])
                    if kind not in (DATA, PING):
                        # A type we do not know: we cannot know what its payload means, so refuse it now.
                        log(f"server: frame #{frames + 1} has the unknown type {kind}; refusing it and closing")
                        conn.sendall(frame(ERROR, f"error: unknown frame type {kind}".encode("ascii")))
                        if refuse(conn):
                            log(f"server: {peer} closed the connection")
                        return
                    if length > MAX_FRAME_BYTES:
                        # Refuse now, from the header alone: never wait for (or store) the huge payload.
                        log(f"server: frame #{frames + 1} announces {length} bytes, over the "
                            f"{MAX_FRAME_BYTES}-byte limit; refusing it and closing")
                        error = f"error: frame of {length} bytes is over the {MAX_FRAME_BYTES}-byte limit"
                        conn.sendall(frame(ERROR, error.encode("ascii")))
                        if refuse(conn):
                            log(f"server: {peer} closed the connection")
                        return
                    if len(pending) < HEADER_BYTES + length:
                        break  # the rest has not arrived yet
                    payload = pending[HEADER_BYTES : HEADER_BYTES + length]
                    pending = pending[HEADER_BYTES + length :]
                    frames += 1
                    log(f"server: frame #{frames} complete: {length} bytes")
                    # sendall() blocks while the client is not reading our replies, so we stop
                    # reading its frames meanwhile: the replies cannot pile up in our memory.
                    conn.sendall(frame(PONG if kind == PING else DATA, payload))
        except TimeoutError:  # no recv() for IDLE_TIMEOUT_S (settimeout above)
            log(f"server: {peer} sent nothing for {IDLE_TIMEOUT_S} s, closing")
            try:
                conn.sendall(frame(ERROR, b"error: idle for too long, closing"))
            except OSError:
                pass
        except OSError as error:  # e.g. the client vanished (ECONNRESET): this thread ends, the server goes on
            log(f"server: connection to {peer} failed: {error.strerror or error}")


def refuse(conn: socket.socket) -> bool:
    """Closes our sending side, then reads and drops input for up to 2 s so the client can
    read the error (closing with unread data would send a reset instead). True if the
    client closed its side within those 2 s."""
    deadline = time.monotonic() + 2
    try:
        conn.shutdown(socket.SHUT_WR)
        while (left := deadline - time.monotonic()) > 0:
            conn.settimeout(left)
            if not conn.recv(65536):
                return True
    except OSError:
        pass
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description="TCP framing server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7009)
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
            print(f"server: {error.strerror or error}", file=sys.stderr)
        sys.exit(1)
    server.listen()  # listen()
    host, port = server.getsockname()[:2]
    log(f"server: listening on {host}:{port}")

    def stop(signum: int, _frame: object) -> None:
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
