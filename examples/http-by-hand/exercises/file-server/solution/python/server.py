"""A minimal HTTP/1.1 server written by hand on a raw TCP socket. HTTP is an application
protocol on top of TCP: lines of text ending in CR LF ("\\r\\n"), an empty line, then a body
whose length the Content-Length header gives. The Python twin of server.js; ../README.md
lists every rule it keeps.

It uses the Berkeley socket calls themselves, socket() -> bind() -> listen() -> accept() ->
recv()/sendall(), and parses the bytes itself, because that is the point: to see what an HTTP
library does for you. Node serves every client from one event loop; here each accepted
connection gets its own thread, which simply blocks in recv() while it waits. The standard
library's http.server.HTTPServer + BaseHTTPRequestHandler do all of this file's parsing
(self.command, self.path, self.headers, self.rfile.read(length), self.send_response(200)).
The calls it makes:
  socket.socket(); bind(); listen()     net.createServer(), server.listen()
  conn, addr = sock.accept()            'connection' event
  conn.recv(65536)                      'data' event
  conn.sendall(head + body)             socket.write(head + body)

GET of any other path serves the file at that path in the folder --root (default: public).

Run: python3 server.py [--host 127.0.0.1] [--port 7011] [--root public]   (port 0 = any free port)
"""

from __future__ import annotations

import argparse
import email.utils
import errno
import re
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional
from urllib.parse import unquote

MAX_HEAD_BYTES = 16384  # request line + header lines + the empty line may be at most this long
MAX_BODY_BYTES = 1024 * 1024  # a request body (Content-Length) may be at most 1 MiB
IDLE_TIMEOUT_S = 30  # a client that sends nothing for this long is disconnected

HELLO = b"hello from a hand-written HTTP server\n"
TEXT = "text/plain; charset=utf-8"

REASONS = {
    200: "OK",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Content Too Large",
    431: "Request Header Fields Too Large",
    501: "Not Implemented",
    505: "HTTP Version Not Supported",
}

ROUTES = {"/": "GET", "/echo": "POST"}  # each path this server knows, and the one method it accepts there

# The Content-Type of each kind of file; any other file is just bytes.
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".png": "image/png",
}

# What RFC 9110/9112 allow in each part of a request (re.ASCII: \d is only 0-9).
TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")  # method and header names
TARGET = re.compile(r"/[\x21-\x7e]*")  # "/" then visible ASCII characters, no spaces
VERSION = re.compile(r"HTTP/\d\.\d", re.ASCII)
FIELD_VALUE = re.compile(r"[\t\x20-\x7e\x80-\xff]*")  # no control characters
DIGITS = re.compile(r"\d+", re.ASCII)


class HttpError(Exception):
    """A reason to answer with an error status and close the connection."""

    def __init__(self, status: int, why: str):
        super().__init__(why)
        self.status = status


@dataclass
class Request:
    """A request whose request line has arrived."""

    method: str
    target: str
    version: str
    headers: dict[str, list[str]] = field(default_factory=dict)  # lowercase name -> values, in arrival order
    body_length: Optional[int] = None  # set once the empty line has arrived


def parse_request_line(line: str) -> Request:
    """Checks a request line: METHOD SP request-target SP HTTP-version."""
    parts = line.split(" ")
    method, target, version = (parts + ["", "", ""])[:3]
    if len(parts) > 3 or not TOKEN.fullmatch(method) or not TARGET.fullmatch(target) or not VERSION.fullmatch(version):
        raise HttpError(400, "the request line must be METHOD /path HTTP/1.1, one space apart")
    if version not in ("HTTP/1.1", "HTTP/1.0"):
        raise HttpError(505, f"this server speaks HTTP/1.1 and HTTP/1.0, not {version}")
    return Request(method, target, version)


def add_header(request: Request, line: str) -> None:
    """Checks a header line, Name: value, and stores it."""
    name, colon, value = line.partition(":")
    value = value.strip(" \t")
    if not colon or not TOKEN.fullmatch(name) or not FIELD_VALUE.fullmatch(value):
        raise HttpError(400, "a header line must be Name: value")
    request.headers.setdefault(name.lower(), []).append(value)  # header names are case-insensitive


def body_length(request: Request) -> int:
    """Called at the empty line: decides how many body bytes follow."""
    if "transfer-encoding" in request.headers:
        raise HttpError(501, "Transfer-Encoding (chunked bodies) is not supported")
    lengths = request.headers.get("content-length", ["0"])
    if len(lengths) > 1 or not DIGITS.fullmatch(lengths[0]):
        raise HttpError(400, "Content-Length must be one decimal number")
    digits = lengths[0].lstrip("0") or "0"  # "007" is 7; int() refuses numbers of over 4300 digits
    if len(digits) > len(str(MAX_BODY_BYTES)) or int(digits) > MAX_BODY_BYTES:
        raise HttpError(413, f"a body may be at most {MAX_BODY_BYTES} bytes")
    return int(digits)


def wants_close(request: Request) -> bool:
    """True if the client wants the connection closed after this request."""
    # strip(" \t\xa0"): what JavaScript's trim() removes from a header value (a bare strip()
    # would also remove 0x85, which trim() keeps: the two servers would disagree).
    options = [o.strip(" \t\xa0") for o in ",".join(request.headers.get("connection", [])).lower().split(",")]
    # HTTP/1.1 keeps connections open unless asked not to; HTTP/1.0 closes unless asked not to.
    return "close" in options if request.version == "HTTP/1.1" else "keep-alive" not in options


def short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


_print_lock = threading.Lock()


def log(line: str) -> None:
    """Prints one whole line; the lock keeps lines from different client threads apart."""
    with _print_lock:
        print(line)


class Connection:
    """One client's connection, served in its own thread."""

    def __init__(self, conn: socket.socket, peer: str, root: Path):
        self.conn = conn
        self.peer = peer
        self.root = root  # the folder whose files GET serves, as a full path
        self.pending = bytearray()  # bytes received and not yet used
        self.head_bytes = 0  # bytes of the header section read so far (at most MAX_HEAD_BYTES)
        self.request: Optional[Request] = None  # the request being read
        self.closing = False  # set once we decided to close: everything else the client sends is ignored

    def run(self) -> None:
        log(f"server: accepted a connection from {self.peer}")
        self.conn.settimeout(IDLE_TIMEOUT_S)
        with self.conn:
            try:
                while not self.closing:
                    chunk = self.conn.recv(65536)  # up to 64 KiB; b"" means the client closed its side
                    if not chunk:
                        middle = self.request is not None or len(self.pending) > 0
                        log(f"server: {self.peer} closed the connection{' in the middle of a request' if middle else ''}")
                        return
                    self.pending += chunk
                    try:
                        self.serve()
                    except HttpError as error:
                        self.refuse(error)
                self.linger()
            except TimeoutError:
                log(f"server: {self.peer} sent nothing for {IDLE_TIMEOUT_S} s, closing")
            except OSError as error:  # e.g. the client vanished (ECONNRESET): this thread ends, the server goes on
                log(f"server: connection to {self.peer} failed: {error.strerror or error}")
            except Exception as error:  # a bug in this file: drop this one connection, never the server
                log(f"server: unexpected {error!r}, dropping the connection to {self.peer}")

    def serve(self) -> None:
        """Reads as many complete requests from `pending` as there are, in order, and answers
        each. sendall() blocks while the client does not read our responses, so we then stop
        reading its requests too (backpressure)."""
        while not self.closing:
            request = self.request
            if request is not None and request.body_length is not None:
                # Header section done: wait for exactly Content-Length body bytes.
                if len(self.pending) < request.body_length:
                    return
                body = bytes(self.pending[: request.body_length])
                del self.pending[: request.body_length]
                self.answer(request, body)
                self.request = None
                self.head_bytes = 0
                continue
            # Still in the header section: take one line at a time.
            newline = self.pending.find(b"\n")
            line_bytes = len(self.pending) if newline == -1 else newline + 1
            if self.head_bytes + line_bytes > MAX_HEAD_BYTES:
                raise HttpError(431, f"the header section may be at most {MAX_HEAD_BYTES} bytes")
            if newline == -1:
                return  # wait for the rest of the line
            line = bytes(self.pending[: newline + 1])
            del self.pending[: newline + 1]
            self.head_bytes += len(line)
            if not line.endswith(b"\r\n"):
                raise HttpError(400, "every line must end in CR LF (\\r\\n)")
            text = line[:-2].decode("latin-1")  # header bytes are Latin-1, one character per byte
            if request is None:
                if text:  # (empty lines before a request are skipped)
                    self.request = parse_request_line(text)
            elif text:
                add_header(request, text)
            else:
                request.body_length = body_length(request)  # the empty line: the header section is complete

    def answer(self, request: Request, body: bytes) -> None:
        """Answers a complete request; the routes of this server."""
        path = request.target.split("?")[0]
        close = wants_close(request)
        allowed = ROUTES.get(path)
        if allowed is None and request.method == "GET":
            self.serve_file(path, close)
        elif allowed is None:
            self.respond(404, TEXT, f"404 Not Found: nothing at {short(path)}\n".encode(), close=close)
        elif request.method != allowed:
            message = f"405 Method Not Allowed: {path} only takes {allowed}\n".encode()
            self.respond(405, TEXT, message, close=close, allow=allowed)
        elif path == "/":
            self.respond(200, TEXT, HELLO, close=close)
        else:
            content_type = request.headers.get("content-type", ["application/octet-stream"])[-1]
            self.respond(200, content_type, body, close=close)

    def serve_file(self, path: str, close: bool) -> None:
        """Answers GET of `path` with the file at that path inside the root folder, and never with
        one outside it. "%2e%2e" is "..": decode first, then let resolve() work out every "..",
        then look where the path ended up."""
        try:
            file = (self.root / unquote(path).lstrip("/")).resolve()
            inside = file.is_relative_to(self.root)
            content = file.read_bytes() if inside else b""
        except (OSError, ValueError):  # no such file, a folder, or a NUL byte ("%00") in the name
            self.respond(404, TEXT, f"404 Not Found: no file at {short(path)}\n".encode(), close=close)
            return
        if not inside:
            message = f"403 Forbidden: {short(path)} is not a path inside the folder\n"
            self.respond(403, TEXT, message.encode(), close=close)
            return
        self.respond(200, TYPES.get(file.suffix.lower(), "application/octet-stream"), content, close=close)

    def respond(self, status: int, content_type: str, body: bytes,
                close: bool = False, allow: Optional[str] = None) -> None:
        """Writes one response. Every response has Content-Type, Content-Length, Connection and Date."""
        head = [
            f"HTTP/1.1 {status} {REASONS[status]}",
            f"Content-Type: {content_type}",
            f"Content-Length: {len(body)}",
            *([f"Allow: {allow}"] if allow else []),
            f"Connection: {'close' if close else 'keep-alive'}",
            f"Date: {email.utils.formatdate(usegmt=True)}",  # e.g. Tue, 25 Nov 2025 09:41:07 GMT
            "",
            "",
        ]
        self.conn.sendall("\r\n".join(head).encode("latin-1") + body)
        what = f"{self.request.method} {short(self.request.target)}" if self.request else "a malformed request"
        log(f"server: {what} -> {status} ({len(body)} bytes){', closing the connection' if close else ''}")
        if close:
            self.closing = True

    def refuse(self, error: HttpError) -> None:
        body = f"{error.status} {REASONS[error.status]}: {error}\n".encode()
        self.respond(error.status, TEXT, body, close=True)

    def linger(self) -> None:
        """After a response with "Connection: close": close our sending side, then read and drop
        what the client still sends for up to 2 s, so it can read the response (closing with
        unread data would send a reset instead), then close."""
        self.conn.shutdown(socket.SHUT_WR)
        deadline = time.monotonic() + 2
        while (left := deadline - time.monotonic()) > 0:
            self.conn.settimeout(left)
            try:
                if not self.conn.recv(65536):
                    log(f"server: {self.peer} closed the connection")
                    return
            except TimeoutError:
                return


def main() -> None:
    parser = argparse.ArgumentParser(description="A minimal HTTP/1.1 server on a raw TCP socket")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7011)
    parser.add_argument("--root", default="public", help="the folder whose files GET serves")
    options = parser.parse_args()
    root = Path(options.root).resolve()

    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # socket()
    if sys.platform != "win32":  # restart at once (on Windows this would let a second server share the port)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
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
    print(f"server: listening on {host}:{port}")

    def stop(signum: int, frame: object) -> None:
        log("server: stopping")
        server.close()
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    while True:
        conn, (peer_host, peer_port) = server.accept()  # accept(): a new socket for this client
        connection = Connection(conn, f"{peer_host}:{peer_port}", root)
        threading.Thread(target=connection.run, daemon=True).start()


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # each line appears at once, even in a pipe
    main()
