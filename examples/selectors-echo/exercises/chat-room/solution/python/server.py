"""Echo server for many clients in ONE thread: non-blocking sockets and a selector.

Every socket here is non-blocking (setblocking(False)): a call that would have to wait raises
BlockingIOError at once instead. So the server never waits on one client. Once per turn of
its loop it asks the selector (selectors.DefaultSelector: epoll on Linux, kqueue on macOS)
"which of my sockets are ready?", and then calls accept(), recv() or send() on exactly those.
asyncio's event loop runs this same kind of loop underneath, and so does Node's.

Per connection it keeps two buffers:
  pending   bytes received since the last "\\n" (an unfinished line)
  outgoing  bytes to send that send() has not taken yet (a send may take only part)
It asks for EVENT_WRITE only while `outgoing` is not empty, and it stops asking for
EVENT_READ while `outgoing` holds more than WRITE_BUFFER_LIMIT bytes (backpressure: a client
that does not read its answers cannot make the server buffer without end).

On loopback the operating system's send buffer can be several MiB, enough to take a 1 MiB
answer in one send(). So that partial sends show, this server asks for a 64 KiB send buffer
per connection (SO_SNDBUF); --send-buffer 0 leaves the OS's default.

Run: python3 server.py [--host 127.0.0.1] [--port 7030] [--send-buffer 65536]   (port 0 = any free port)
"""

from __future__ import annotations

import argparse
import errno
import selectors
import signal
import socket
import sys
import time

MAX_LINE_BYTES = 1024 * 1024  # a longer line is refused, so one client cannot fill our memory
IDLE_TIMEOUT_S = 30  # a client that sends or takes nothing for this long is disconnected
WRITE_BUFFER_LIMIT = 64 * 1024  # stop reading from a client while more than this waits to be sent to it
GOODBYE_S = 2  # after an error line: how long the client gets to read it before we close

selector = selectors.DefaultSelector()


def log(message: str) -> None:
    print(message)  # one thread: lines cannot get mixed up


class Connection:
    """One client: its socket and the two buffers."""

    def __init__(self, sock: socket.socket, peer: str) -> None:
        self.sock = sock
        self.peer = peer
        self.pending = bytearray()  # received since the last "\n"
        self.outgoing = bytearray()  # waiting for send() to take it
        self.paused = False  # not reading, because `outgoing` is over the limit
        self.client_done = False  # recv() returned b"": the client closed its sending side
        self.partly_sent = False  # a send() took only part of `outgoing`
        self.closing = False  # an error line is queued: drop what comes in, close soon
        self.shut = False  # closing, and our sending side is closed (shutdown(SHUT_WR))
        self.last_active = time.monotonic()  # last time bytes went in or out
        self.close_by: float | None = None  # when closing: close at this time at the latest

    def deadline(self) -> float:
        return self.close_by if self.close_by is not None else self.last_active + IDLE_TIMEOUT_S


connections: dict[socket.socket, Connection] = {}


def on_accept(server: socket.socket, send_buffer: int) -> None:
    """The listening socket is readable: accept every client that is waiting."""
    while True:
        try:
            sock, address = server.accept()
        except BlockingIOError:  # EAGAIN: nobody else is waiting
            return
        except OSError as error:  # e.g. too many open files: try again on the next turn
            log(f"server: accept() failed: {error.strerror or error}")
            return
        sock.setblocking(False)  # accept() gave us a blocking socket: make it non-blocking too
        if send_buffer:  # a small send buffer: large answers need several send() calls
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, send_buffer)
        conn = Connection(sock, f"{address[0]}:{address[1]}")
        connections[sock] = conn
        selector.register(sock, selectors.EVENT_READ, conn)
        log(f"server: accepted a connection from {conn.peer} ({len(connections)} open)")


def on_readable(conn: Connection) -> None:
    try:
        chunk = conn.sock.recv(65536)  # whatever has arrived, at most 64 KiB
    except BlockingIOError:  # EAGAIN: nothing to read after all; the selector will tell us again
        return
    except OSError as error:  # e.g. the client vanished (ECONNRESET)
        fail(conn, error)
        return
    conn.last_active = time.monotonic()
    if not chunk:  # b"": the client closed its sending side
        conn.client_done = True
        if conn.closing:
            if conn.shut:
                close(conn)
            else:
                send_some(conn)  # the error line first, then close
            return
        if conn.pending:
            conn.outgoing += conn.pending  # a last line without "\n" is still echoed
            conn.pending.clear()
        log(f"server: {conn.peer} closed its sending side")
        send_some(conn)
        return
    if conn.closing:  # told to stop: read and drop what it sends
        return
    start = len(conn.pending)
    conn.pending += chunk
    # A chat room: each line goes to every client that is not being closed, the sender too.
    members = [member for member in connections.values() if not member.closing]
    while (newline := conn.pending.find(b"\n", start)) != -1:
        line = bytes(conn.pending[: newline + 1])
        del conn.pending[: newline + 1]
        start = 0
        for member in members:
            member.outgoing += line  # sent below, or later if its socket is not ready
        log(f"server: sending {len(line)} bytes from {conn.peer} to {len(members)} clients")
    if len(conn.pending) > MAX_LINE_BYTES:
        log(f"server: {conn.peer} sent a line over {MAX_LINE_BYTES} bytes, refusing it")
        conn.pending.clear()
        say_goodbye(conn, f"error: line longer than {MAX_LINE_BYTES} bytes, closing\n")
    for member in members:
        if member is not conn and member.sock in connections:
            send_some(member)  # what its socket takes now; EVENT_WRITE for the rest
    send_some(conn)


def send_some(conn: Connection) -> None:
    """Hands the OS as much of `outgoing` as it takes now, then updates what we wait for."""
    if conn.outgoing:
        before = len(conn.outgoing)
        try:
            sent = conn.sock.send(conn.outgoing)  # may take only part: it returns how much it took
        except BlockingIOError:  # EAGAIN: the socket's send buffer is full
            sent = 0
        except OSError as error:  # e.g. EPIPE or ECONNRESET: the client is gone
            fail(conn, error)
            return
        del conn.outgoing[:sent]
        if sent > 0:
            conn.last_active = time.monotonic()
        if conn.outgoing:
            conn.partly_sent = True
            log(f"server: sent {sent} of {before} bytes to {conn.peer}, "
                f"keeping the rest for when the socket is writable")
        elif conn.partly_sent:
            conn.partly_sent = False
            log(f"server: sent the last {sent} bytes to {conn.peer}, its write buffer is empty")
    if not conn.outgoing and conn.client_done:
        # Everything is sent and the client sends no more: close (our FIN follows theirs).
        if not conn.closing:
            log(f"server: {conn.peer} got every line back, closing the connection")
        close(conn)
        return
    if not conn.outgoing and conn.closing and not conn.shut:
        # The error line is sent: "I will send nothing more" (FIN). We still read, and drop,
        # what the client sends until it closes or GOODBYE_S pass, because closing with
        # unread data would send a reset, and the client might lose the error line.
        conn.shut = True
        try:
            conn.sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
    update_interest(conn)


def update_interest(conn: Connection) -> None:
    """Tells the selector what to watch this socket for; pauses reading while too much waits."""
    over = len(conn.outgoing) > WRITE_BUFFER_LIMIT and not conn.closing
    if conn.closing:
        pass  # closing soon: it reads, and drops, whatever comes
    elif over and not conn.paused:
        log(f"server: {len(conn.outgoing)} bytes wait to be sent to {conn.peer}, over the "
            f"{WRITE_BUFFER_LIMIT}-byte limit: not reading from it until they are sent")
    elif not over and conn.paused:
        log(f"server: {len(conn.outgoing)} bytes wait to be sent to {conn.peer} now, under the limit: reading from it again")
    conn.paused = over
    events = 0
    if not conn.client_done and not conn.paused:
        events |= selectors.EVENT_READ
    if conn.outgoing:
        events |= selectors.EVENT_WRITE  # only while there is something to send
    if selector.get_key(conn.sock).events != events:
        selector.modify(conn.sock, events, conn)


def say_goodbye(conn: Connection, message: str) -> None:
    """Queues an error line after what is already queued; the connection closes soon after."""
    conn.closing = True
    conn.close_by = time.monotonic() + GOODBYE_S
    conn.outgoing += message.encode()


def check_deadlines(now: float) -> None:
    """Closes idle clients, and those whose goodbye time is up."""
    for conn in list(connections.values()):
        if now < conn.deadline():
            continue
        if conn.closing:
            close(conn)
        else:
            log(f"server: {conn.peer} sent nothing for {IDLE_TIMEOUT_S} s, closing")
            say_goodbye(conn, "error: idle for too long, closing\n")
            send_some(conn)


def fail(conn: Connection, error: OSError) -> None:
    log(f"server: connection to {conn.peer} failed: {error.strerror or error}")
    close(conn)


def close(conn: Connection) -> None:
    if connections.pop(conn.sock, None) is None:
        return
    selector.unregister(conn.sock)  # always before close(): the selector holds its number
    conn.sock.close()


def main() -> None:
    parser = argparse.ArgumentParser(description="Echo server: many clients in one thread with selectors")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7030)
    parser.add_argument("--send-buffer", type=int, default=65536,
                        help="SO_SNDBUF for each connection, in bytes (0: leave the OS's default)")
    options = parser.parse_args()

    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # restart without waiting
    try:
        server.bind((options.host, options.port))
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            print(f"server: port {options.port} on {options.host} is already in use. Stop the other program "
                  f"or choose another port: python3 server.py --port 0", file=sys.stderr)
        else:
            print(f"server: {error}", file=sys.stderr)
        sys.exit(1)
    server.listen(512)  # room for many clients that connect at the same moment
    server.setblocking(False)  # accept() raises BlockingIOError instead of waiting
    selector.register(server, selectors.EVENT_READ, None)  # data None: the listening socket
    host, port = server.getsockname()[:2]
    log(f"server: listening on {host}:{port}")
    asked = f"a send buffer of {options.send_buffer} bytes (SO_SNDBUF)" if options.send_buffer else "the OS's default send buffer"
    log(f"server: one thread: {type(selector).__name__} (selectors.DefaultSelector) watches every socket; "
        f"each connection gets {asked}")

    def stop(signum: int, frame: object) -> None:
        log("server: stopping")
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    while True:  # the event loop
        # Sleep until a socket is ready or the next deadline (idle or goodbye) is due.
        next_deadline = min((conn.deadline() for conn in connections.values()), default=None)
        timeout = None if next_deadline is None else max(0.0, next_deadline - time.monotonic())
        for key, mask in selector.select(timeout):
            if key.data is None:
                on_accept(server, options.send_buffer)
                continue
            conn = key.data
            if mask & selectors.EVENT_READ and conn.sock in connections:
                on_readable(conn)
            if mask & selectors.EVENT_WRITE and conn.sock in connections:
                send_some(conn)
        check_deadlines(time.monotonic())


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # each line appears at once, even in a pipe
    main()
