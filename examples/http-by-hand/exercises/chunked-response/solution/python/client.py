"""HTTP by hand: a raw TCP client that writes the bytes of two HTTP/1.1 requests itself and
prints every byte of the responses, with each CR LF shown as \\r\\n. On one connection it sends
GET /, reads the whole response, then sends POST /echo with "Connection: close".
The Python twin of client.js.

To know where a response ends, the client does what every HTTP client does: read up to the
empty line (\\r\\n\\r\\n), find Content-Length in the headers, then read exactly that many body
bytes. TCP itself has no messages; HTTP's framing is the empty line + Content-Length, or, with
"Transfer-Encoding: chunked", a body sent in chunks that each give their length. It prints each
response's body, put together from its chunks, on a line of its own.
It uses the plain socket module on purpose, so that every byte is visible; client_http.py
sends the same requests with http.client, which does this framing for you. The calls:
  socket.create_connection((host, port))    net.connect(port, host)
  sock.sendall(request)                      socket.write(request)
  sock.recv(65536)                           'data' event

Run: python3 client.py [--host 127.0.0.1] [--port 7011]
"""

from __future__ import annotations

import argparse
import json
import re
import socket
import sys
from typing import Optional

LABEL = "raw client"


def show(what: str, data: bytes) -> None:
    """Prints bytes one line per output line, with the line ends made visible."""
    print(f"{LABEL}: {what} {len(data)} bytes:")
    for line in re.findall(r"[^\n]*\n|[^\n]+", data.decode("utf-8", errors="replace")):
        visible = line.replace("\r", "\\r").replace("\n", "\\n")
        print(f"{LABEL}:   {visible}")


def parse_response(data: bytes) -> Optional[tuple[int, bytes]]:
    """How long the response at the start of `data` is, and its body, or None if it has not
    all arrived."""
    end = data.find(b"\r\n\r\n")
    if end == -1:
        return None  # the header section is not complete yet
    head = data[:end].decode("latin-1")
    if re.search(r"\r\ntransfer-encoding: *chunked", head, re.IGNORECASE):
        return chunked_body(data, end + 4)
    length = re.search(r"\r\ncontent-length: *(\d+)", head, re.IGNORECASE | re.ASCII)
    total = end + 4 + int(length.group(1) if length else 0)
    return (total, data[end + 4 : total]) if len(data) >= total else None


def chunked_body(data: bytes, start: int) -> Optional[tuple[int, bytes]]:
    """A chunked body, from `start` in `data`: chunks of "SIZE\\r\\n" (in hex), SIZE bytes,
    "\\r\\n", until a chunk of size 0; then trailer lines (usually none) and an empty line."""
    body = b""
    while True:
        line_end = data.find(b"\r\n", start)
        if line_end == -1:
            return None  # the size line is not complete yet
        size = int(data[start:line_end].split(b";")[0], 16)  # "1a;name=value": the size is before ";"
        start = line_end + 2
        if size == 0:
            break
        if len(data) < start + size + 2:
            return None  # the chunk is not complete yet
        body += data[start : start + size]  # bytes: a character may be split between two chunks
        start += size + 2  # the chunk and its "\r\n"
    while (line_end := data.find(b"\r\n", start)) != start:
        if line_end == -1:
            return None  # the trailers are not complete yet
        start = line_end + 2  # a trailer line
    return start + 2, body


def main() -> int:
    parser = argparse.ArgumentParser(description="HTTP/1.1 by hand on a TCP socket")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7011)
    options = parser.parse_args()
    host = f"{options.host}:{options.port}"
    body = "Grüße, server!\n".encode("utf-8")

    # The exact bytes of each request: request line, header lines, empty line, body.
    requests = [
        f"GET / HTTP/1.1\r\nHost: {host}\r\n\r\n".encode("latin-1"),
        f"POST /echo HTTP/1.1\r\nHost: {host}\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode("latin-1") + body,
    ]

    try:
        sock = socket.create_connection((options.host, options.port))
    except ConnectionRefusedError:
        print(f"{LABEL}: nothing is listening on {options.host}:{options.port}. "
              f"Start the server first: python3 server.py", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"{LABEL}: {error.strerror or error}", file=sys.stderr)
        return 1

    with sock:
        server_host, server_port = sock.getpeername()[:2]
        print(f"{LABEL}: connected to {server_host}:{server_port} from local port {sock.getsockname()[1]}")
        print(f"{LABEL}: the POST body is {len(body.decode())} characters but {len(body)} bytes; "
              "Content-Length counts bytes")
        sock.sendall(requests[0])
        show("sent", requests[0])
        received = b""
        answered = 0
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:  # the server closed the connection
                    break
                received += chunk
                while (response := parse_response(received)) is not None:
                    length, body = response
                    show("received", received[:length])
                    text = json.dumps(body.decode("utf-8", errors="replace"), ensure_ascii=False)
                    print(f"{LABEL}: body {len(body)} bytes: {text}")  # quoted like JSON.stringify
                    received = received[length:]
                    answered += 1
                    # The connection stays open after a response (HTTP/1.1 keep-alive): send the next request on it.
                    if answered < len(requests):
                        sock.sendall(requests[answered])
                        show("sent", requests[answered])
        except OSError as error:
            print(f"{LABEL}: {error.strerror or error}", file=sys.stderr)
            return 1
        except ValueError as error:  # a malformed response: a chunk size that is no hex number
            print(f"{LABEL}: bad chunk size ({error}); closing", file=sys.stderr)
            return 1
    if answered < len(requests):
        print(f"{LABEL}: the server closed the connection after {answered} of {len(requests)} responses",
              file=sys.stderr)
        return 1
    print(f"{LABEL}: the server closed the connection")
    return 0


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    sys.exit(main())
