"""A slow server, run in one of three ways. Every request takes --delay-ms of "work": a
stand-in for a slow disk or database, done here by sleeping.

  --mode sequential   socketserver.TCPServer: handle() runs to the end, time.sleep()
                      included, before the server calls accept() for the next connection.
                      The others wait in the operating system's listen backlog, unread.
                      Really one client at a time.
  --workers N         (sequential mode) up to N connections at a time, each in a thread of
                      its own; the next one is accept()ed when one of them is done.
  --mode threaded     socketserver.ThreadingTCPServer: the same handle(), but every accepted
                      connection gets a thread of its own, so the sleeps overlap.
  --mode concurrent   asyncio.start_server(): one thread and an event loop, like Node. Each
                      connection is a coroutine that does `await asyncio.sleep()`: while it
                      waits, the event loop runs the others. (time.sleep() there would stop
                      the whole loop, and every client with it.)

The Python twin of server.js, which has two modes: sequential and concurrent (an event loop).
The threaded mode is Python's extra: the other classic way to serve many clients at once.
The same protocol is written twice below, with blocking calls (serve_blocking) and with
await (serve_async), so that you can compare them line by line.

Run: python3 server.py [--mode sequential|threaded|concurrent] [--workers 1] [--delay-ms 200]
                       [--host 127.0.0.1] [--port P]
     (default port 7014 sequential, 7016 threaded, 7015 concurrent; 0 = any free port)
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import json
import os
import signal
import socket
import socketserver
import sys
import threading
import time
from typing import NoReturn

MAX_LINE_BYTES = 1024 * 1024  # a request line may be at most 1 MiB (without its \n)
IDLE_TIMEOUT_S = 30  # a client whose turn has come but that sends nothing for this long is disconnected
GRACE_S = 2  # after the answer or an error, how long we read and drop what the client still sends
DEFAULT_PORTS = {"sequential": 7014, "threaded": 7016, "concurrent": 7015}
HOW = {
    "sequential": "one connection at a time",
    "threaded": "every connection as soon as it arrives, each in a thread of its own",
    "concurrent": "every connection as soon as it arrives",
}

# Set once in main(): every line starts with LABEL, so the servers' output can be told apart.
LABEL = "server:"
DELAY_S = 0.2


# In threaded mode several threads print at once, and print() writes the text and its "\n"
# separately: the lock keeps each line whole. (Reentrant, for the signal handler's line.)
_print_lock = threading.RLock()


def log(line: str) -> None:
    """Prints one whole line, even when other threads print at the same moment."""
    with _print_lock:
        print(line)


def show(text: str) -> str:
    """A request line in JSON quotes, cut after 40 characters as server.js cuts it."""
    units = text.encode("utf-16-le")  # JavaScript counts a string's length in UTF-16 units
    if len(units) > 80:
        text = units[:80].decode("utf-16-le", errors="surrogatepass") + "..."
    # backslashreplace writes half an emoji cut in two as \ud83d, as JSON.stringify does
    return json.dumps(text, ensure_ascii=False).encode("utf-8", errors="backslashreplace").decode("utf-8")


def line_too_long(pending: bytes, newline: int) -> bool:
    """True once more than MAX_LINE_BYTES have arrived without a \\n, or the line before it is longer."""
    return (len(pending) if newline == -1 else newline) > MAX_LINE_BYTES


def report_answer(text: str, arrived: float, started: float) -> None:
    now = time.perf_counter()
    log(f"{LABEL} answered {show(text)} after {now - arrived:.2f} s "
        f"({started - arrived:.2f} s waiting, then {now - started:.2f} s of work)")


# --- sequential and threaded modes: blocking calls ------------------------------------------

def serve_blocking(conn: socket.socket, peer: str, arrived: float) -> None:
    """Serves one connection: reads its request line, does the slow work, answers."""
    conn.settimeout(IDLE_TIMEOUT_S)
    try:
        pending = b""
        while True:
            chunk = conn.recv(65536)  # blocks until bytes arrive; b"" = the client closed its side
            if not chunk:
                log(f"{LABEL} {peer} closed without sending a whole request line")
                return
            pending += chunk
            newline = pending.find(b"\n")
            if line_too_long(pending, newline):
                refuse(conn, peer, f"request line longer than {MAX_LINE_BYTES} bytes")
                return
            if newline != -1:
                break  # anything after the \n is ignored
        line = pending[:newline]
        try:
            text = line.decode("utf-8")  # strict: bytes that are not UTF-8 raise an error
        except UnicodeDecodeError:
            refuse(conn, peer, "request line is not valid UTF-8")
            return
        started = time.perf_counter()
        # The slow work. This thread waits; in sequential mode so does everybody else.
        time.sleep(DELAY_S)
        try:
            conn.sendall(b"done: " + line + b"\n")
        except OSError as error:  # the client reset the connection while we worked
            log(f"{LABEL} connection to {peer} failed: {error.strerror or error}")
            log(f"{LABEL} {peer} left before its answer was ready")
            return
        report_answer(text, arrived, started)
        close_gracefully(conn)
    except TimeoutError:  # recv() waited IDLE_TIMEOUT_S (settimeout above)
        log(f"{LABEL} {peer} sent no request line within {IDLE_TIMEOUT_S} s, closing")
        try:
            conn.sendall(b"error: idle for too long, closing\n")
        except OSError:
            pass
    except OSError as error:  # e.g. the client vanished (ECONNRESET): the server goes on
        log(f"{LABEL} connection to {peer} failed: {error.strerror or error}")
        log(f"{LABEL} {peer} left without sending a whole request line, skipping it")


def refuse(conn: socket.socket, peer: str, message: str) -> None:
    log(f"{LABEL} {peer}: {message}, refusing it")
    conn.sendall(f"error: {message}\n".encode("ascii"))
    close_gracefully(conn)


def close_gracefully(conn: socket.socket) -> None:
    """Closes our sending side, then reads and drops input until the client closes too, at
    most GRACE_S: closing with unread input would send a reset, which can destroy our answer
    before the client has read it."""
    deadline = time.monotonic() + GRACE_S
    try:
        conn.shutdown(socket.SHUT_WR)
        while (left := deadline - time.monotonic()) > 0:
            conn.settimeout(left)
            if not conn.recv(65536):
                break
    except OSError:
        pass


class Handler(socketserver.BaseRequestHandler):
    """socketserver calls handle() for every accepted connection, then closes it."""

    def handle(self) -> None:
        # When accept() gave us this connection. In sequential mode the client may have waited
        # long before that, in the operating system's backlog, where this program cannot see
        # it: so this server prints "0.00 s waiting", and only the client's clock shows the wait.
        arrived = time.perf_counter()
        host, port = self.client_address[:2]
        serve_blocking(self.request, f"{host}:{port}", arrived)


class Settings:
    """What both socketserver servers below change from the standard library's defaults."""

    allow_reuse_address = True  # restart without waiting, as Node does
    request_queue_size = 511  # the listen backlog, where clients wait to be accepted (Node's default)
    daemon_threads = True  # threaded: stopping the server does not wait for the threads

    def handle_error(self, request: object, client_address: tuple[str, int]) -> None:
        # Only a mistake in our code gets here (serve_blocking catches network errors).
        log(f"{LABEL} connection to {client_address[0]}:{client_address[1]} failed: {sys.exc_info()[1]!r}")


class SequentialServer(Settings, socketserver.TCPServer):
    """accept(), handle() to the end, close; then the next connection."""


class PoolServer(Settings, socketserver.ThreadingTCPServer):
    """Sequential mode with --workers N: handle() in a thread, but at most N threads at a time.
    While all N are busy, the next connection is not accept()ed: it waits in the backlog."""

    workers = threading.Semaphore(1)  # main() puts a Semaphore(N) here

    def process_request(self, request: object, client_address: tuple[str, int]) -> None:
        self.workers.acquire()  # wait for a free worker; meanwhile nothing is accept()ed
        super().process_request(request, client_address)  # handle() in a new thread

    def shutdown_request(self, request: object) -> None:
        super().shutdown_request(request)  # handle() is done and the connection closed
        self.workers.release()  # so this worker is free for the next connection


class ThreadedServer(Settings, socketserver.ThreadingTCPServer):
    """accept(), then handle() in a new thread; meanwhile, accept() the next connection."""


# --- concurrent mode: asyncio, one thread and an event loop ------------------------------------

async def serve_async(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """The same as serve_blocking(), with await wherever that one blocks."""
    arrived = time.perf_counter()
    host, port = writer.get_extra_info("peername")[:2]
    peer = f"{host}:{port}"
    try:
        pending = b""
        while True:
            chunk = await asyncio.wait_for(reader.read(65536), IDLE_TIMEOUT_S)  # b"" = closed
            if not chunk:
                log(f"{LABEL} {peer} closed without sending a whole request line")
                return
            pending += chunk
            newline = pending.find(b"\n")
            if line_too_long(pending, newline):
                await refuse_async(reader, writer, peer, f"request line longer than {MAX_LINE_BYTES} bytes")
                return
            if newline != -1:
                break
        line = pending[:newline]
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            await refuse_async(reader, writer, peer, "request line is not valid UTF-8")
            return
        started = time.perf_counter()
        # The slow work: while this coroutine waits, the event loop serves the other connections.
        await asyncio.sleep(DELAY_S)
        try:
            if writer.is_closing():  # the client reset the connection while we worked
                raise reader.exception() or ConnectionResetError(errno.ECONNRESET, "Connection reset by peer")
            writer.write(b"done: " + line + b"\n")
            await writer.drain()
        except OSError as error:
            log(f"{LABEL} connection to {peer} failed: {error.strerror or error}")
            log(f"{LABEL} {peer} left before its answer was ready")
            return
        report_answer(text, arrived, started)
        await close_gracefully_async(reader, writer)
    except asyncio.TimeoutError:
        log(f"{LABEL} {peer} sent no request line within {IDLE_TIMEOUT_S} s, closing")
        writer.write(b"error: idle for too long, closing\n")
    except OSError as error:
        log(f"{LABEL} connection to {peer} failed: {error.strerror or error}")
        log(f"{LABEL} {peer} left without sending a whole request line, skipping it")
    finally:
        writer.close()


async def refuse_async(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, peer: str, message: str) -> None:
    log(f"{LABEL} {peer}: {message}, refusing it")
    writer.write(f"error: {message}\n".encode("ascii"))
    await close_gracefully_async(reader, writer)


async def close_gracefully_async(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """close_gracefully() with await."""

    async def discard_until_closed() -> None:
        while await reader.read(65536):
            pass

    try:
        writer.write_eof()
        await asyncio.wait_for(discard_until_closed(), GRACE_S)
    except (asyncio.TimeoutError, OSError):
        pass


async def serve_concurrently(host: str, port: int) -> None:
    try:
        server = await asyncio.start_server(serve_async, host, port, backlog=511)
    except OSError as error:
        port_in_use(error, host, port)
    address = server.sockets[0].getsockname()
    log(f"{LABEL} listening on {address[0]}:{address[1]}")
    async with server:
        await server.serve_forever()


# --- starting and stopping ---------------------------------------------------------------------

def port_in_use(error: OSError, host: str, port: int) -> NoReturn:
    if error.errno == errno.EADDRINUSE:
        print(f"{LABEL} port {port} on {host} is already in use. Stop the other program or choose "
              f"another port: python3 server.py --port 0", file=sys.stderr)
    else:
        print(f"{LABEL} {error.strerror or error}", file=sys.stderr)
    sys.exit(1)


def main() -> None:
    global LABEL, DELAY_S
    parser = argparse.ArgumentParser(description="A slow server: sequential, threaded or concurrent")
    parser.add_argument("--mode", default="concurrent")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--delay-ms", default="200")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int)
    options = parser.parse_args()
    if options.mode not in HOW:
        mode = json.dumps(options.mode, ensure_ascii=False)
        print(f"server: --mode must be sequential, threaded or concurrent, not {mode}", file=sys.stderr)
        sys.exit(1)
    try:
        delay_ms = float(options.delay_ms)
    except ValueError:
        delay_ms = float("nan")
    if not 0 <= delay_ms < float("inf"):  # also false for nan
        delay = json.dumps(options.delay_ms, ensure_ascii=False)
        print(f"server: --delay-ms must be a number of milliseconds, 0 or more, not {delay}", file=sys.stderr)
        sys.exit(1)
    if options.workers < 1:
        print(f"server: --workers must be 1 or more, not {options.workers}", file=sys.stderr)
        sys.exit(1)
    LABEL = f"{options.mode} server:"
    DELAY_S = delay_ms / 1000
    port = DEFAULT_PORTS[options.mode] if options.port is None else options.port

    def stop(signum: int, _frame: object) -> None:
        log(f"{LABEL} stopping")
        # Leave at once, as Node's process.exit(0) does: open connections are simply dropped.
        # (sys.exit() would first make asyncio cancel every connection's coroutine.)
        os._exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    shown_ms = int(delay_ms) if delay_ms.is_integer() else delay_ms  # 200, not 200.0, as Node prints it
    how = HOW[options.mode]
    if options.mode == "sequential" and options.workers > 1:
        how = f"at most {options.workers} connections at a time"
    log(f"{LABEL} serves {how}, with {shown_ms} ms of work per request")
    if options.mode == "concurrent":
        asyncio.run(serve_concurrently(options.host, port))
        return
    if options.mode == "threaded":
        server_class = ThreadedServer
    elif options.workers > 1:
        PoolServer.workers = threading.Semaphore(options.workers)
        server_class = PoolServer
    else:
        server_class = SequentialServer
    try:
        server = server_class((options.host, port), Handler)  # socket(), bind() and listen()
    except OSError as error:
        port_in_use(error, options.host, port)
    host, bound_port = server.server_address[:2]
    log(f"{LABEL} listening on {host}:{bound_port}")
    server.serve_forever()  # accept(), handle(), and again


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # each line appears at once, even in a pipe
    main()
