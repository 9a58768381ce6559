"""Echo client with several connections at once, all in ONE thread: non-blocking sockets
and a selector, like the server.

It opens 4 connections at the same moment. Connections 1 to 3 each send two short lines;
connection 4 sends one line of 1,000,000 bytes (plus "\\n"), under the server's 1 MiB limit,
large enough that the Python server's send() takes only part of the answer at a time. It
reads every answer back, checks it, and exits 0 when all were right. A connection that fails
is closed and reported, and the others go on.

connect() on a non-blocking socket raises BlockingIOError (errno EINPROGRESS): the handshake
goes on without us. The socket becomes writable when it has ended; getsockopt(SO_ERROR) then
says whether it worked (0) or why not.

Run: python3 client.py [--host 127.0.0.1] [--port 7030] [--connections 3] [--big 1000000] [line ...]
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import selectors
import socket
import sys

QUIET_LIMIT_S = 10  # give up if nothing at all happens for this long


class Connection:
    def __init__(self, number: int, lines: list[bytes]) -> None:
        self.number = number
        self.name = f"connection {number}"
        self.lines = lines  # what we send, and expect back, in order
        self.expected = b"".join(lines)
        self.outgoing = bytearray()  # not yet taken by send()
        self.received = bytearray()
        self.checked = 0  # bytes of `received` already checked, up to a "\n"
        self.recv_calls = 0
        self.connected = False
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setblocking(False)  # connect(), send(), recv() never wait


def main() -> int:
    parser = argparse.ArgumentParser(description="Echo client: several connections in one thread with selectors")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7030)
    parser.add_argument("--connections", type=int, default=3, help="connections that send short lines")
    parser.add_argument("--big", type=int, default=1_000_000, help="bytes of the long line on the last connection (0: none)")
    parser.add_argument("lines", nargs="*", help="short lines to send on each connection")
    options = parser.parse_args()

    connections = []
    for number in range(1, options.connections + 1):
        texts = options.lines or [f"hello from connection {number}", f"connection {number}: ü is 2 bytes in UTF-8"]
        connections.append(Connection(number, [f"{text}\n".encode("utf-8") for text in texts]))
    if options.big > 0:
        digits = b"0123456789" * (options.big // 10 + 1)
        connections.append(Connection(len(connections) + 1, [digits[: options.big] + b"\n"]))

    selector = selectors.DefaultSelector()
    many = f"{len(connections)} connection{'' if len(connections) == 1 else 's'}"
    print(f"client: opening {many} to {options.host}:{options.port} at once, from one thread")
    explained = False
    for conn in connections:
        try:
            conn.sock.connect((options.host, options.port))
        except BlockingIOError as error:  # EINPROGRESS: the handshake goes on in the background
            if not explained:
                explained = True
                print(f"client: connect() raised BlockingIOError ({errno.errorcode[error.errno]}): "
                      f"the handshakes go on while we continue")
        except ConnectionRefusedError:
            return refused(options)
        # Writable means: the handshake has ended, one way or the other.
        selector.register(conn.sock, selectors.EVENT_WRITE, conn)

    open_connections = len(connections)

    def drop(conn: Connection) -> None:
        """Closes a connection that failed. Only this one: the loop goes on with the others."""
        nonlocal open_connections
        selector.unregister(conn.sock)  # before close(), as in the server
        conn.sock.close()
        open_connections -= 1

    wrong = 0
    turns = 0
    while open_connections > 0:
        events = selector.select(QUIET_LIMIT_S)  # sleep until some socket is ready
        turns += 1
        if not events:
            print(f"client: nothing happened for {QUIET_LIMIT_S} s, giving up", file=sys.stderr)
            return 1
        for key, mask in events:
            conn = key.data
            if not conn.connected:
                error = conn.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if error == errno.ECONNREFUSED:
                    return refused(options)
                if error != 0:
                    print(f"client: {conn.name} could not connect: {os.strerror(error)}", file=sys.stderr)
                    drop(conn)
                    continue
                conn.connected = True
                host, port = conn.sock.getpeername()[:2]
                print(f"client: {conn.name} connected to {host}:{port} from local port {conn.sock.getsockname()[1]}")
                for line in conn.lines:
                    conn.outgoing += line
                    if len(line) <= 200:
                        print(f"client: {conn.name} sends {len(line)} bytes: {show(line)}")
                    else:
                        print(f"client: {conn.name} sends one line of {len(line)} bytes")
                mask = selectors.EVENT_WRITE
            if mask & selectors.EVENT_WRITE and conn.outgoing:
                before = len(conn.outgoing)
                try:
                    sent = conn.sock.send(conn.outgoing)  # may take only part
                except BlockingIOError:  # EAGAIN: the send buffer is full after all
                    sent = 0
                except OSError as error:  # e.g. the server reset the connection
                    failed(conn, error)
                    drop(conn)
                    continue
                del conn.outgoing[:sent]
                if conn.outgoing:
                    print(f"client: {conn.name} sent {sent} of {before} bytes, keeping the rest for when the socket is writable")
            if mask & selectors.EVENT_READ:
                try:
                    chunk = conn.sock.recv(65536)
                except BlockingIOError:  # EAGAIN: nothing to read after all
                    continue
                except OSError as error:
                    failed(conn, error)
                    drop(conn)
                    continue
                conn.recv_calls += 1
                if not chunk:
                    print(f"client: the server closed {conn.name} after sending {len(conn.received)} of "
                          f"{len(conn.expected)} bytes: {show(bytes(conn.received[-200:]))}", file=sys.stderr)
                    drop(conn)
                    continue
                wrong += take(conn, chunk)
                if len(conn.received) >= len(conn.expected):
                    if len(conn.expected) > 200:
                        same = "the same bytes as sent" if conn.received == conn.expected else "NOT the bytes sent"
                        print(f"client: {conn.name} received its {len(conn.received)} bytes back "
                              f"in {conn.recv_calls} recv() calls, {same}")
                        wrong += conn.received != conn.expected
                    print(f"client: {conn.name} got every line back, closing it")
                    selector.unregister(conn.sock)
                    try:
                        conn.sock.shutdown(socket.SHUT_WR)  # "I will send nothing more"
                    except OSError:
                        pass  # the server closed first: nothing left to say
                    conn.sock.close()
                    open_connections -= 1
                    continue
            # Wait to read always; to write only while something is left to send.
            wanted = selectors.EVENT_READ | (selectors.EVENT_WRITE if conn.outgoing else 0)
            if key.events != wanted:
                selector.modify(conn.sock, wanted, conn)

    if wrong:
        print(f"client: {wrong} answers were wrong", file=sys.stderr)
    right = sum(conn.received == conn.expected for conn in connections)
    if right < len(connections):
        print(f"client: {right} of {len(connections)} connections came back right", file=sys.stderr)
        return 1
    print(f"client: every answer was right: {many}, one thread, {turns} turns of the select() loop")
    return 0


def take(conn: Connection, chunk: bytes) -> int:
    """Adds what arrived; prints and checks each line that is complete now. Returns how many were wrong."""
    conn.received += chunk
    if len(conn.expected) > 200:
        return 0  # the long line is checked as a whole, at the end
    wrong = 0
    while (newline := conn.received.find(b"\n", conn.checked)) != -1:
        got = bytes(conn.received[conn.checked : newline + 1])
        index = conn.received.count(b"\n", 0, conn.checked)
        line = conn.lines[index] if index < len(conn.lines) else b""
        verdict = "" if got == line else f", expected {show(line)}"
        wrong += got != line
        print(f"client: {conn.name} received {len(got)} bytes: {show(got)}{verdict}")
        conn.checked = newline + 1
    return wrong


def show(line: bytes) -> str:
    return json.dumps(line.decode("utf-8", errors="replace"), ensure_ascii=False)


def failed(conn: Connection, error: OSError) -> int:
    print(f"client: {conn.name} failed: {error.strerror or error}", file=sys.stderr)
    return 1


def refused(options: argparse.Namespace) -> int:
    print(f"client: nothing is listening on {options.host}:{options.port}. "
          f"Start the server first: python3 server.py", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    sys.exit(main())
