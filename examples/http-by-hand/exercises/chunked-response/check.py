"""Check of "A chunked response" (Python): a stand-in server answers the client's GET / with a
chunked body (sizes in hex, a "ü" split between two chunks), sent in pieces that cut a size
line in two, then its POST /echo with a Content-Length body, and closes."""

import json
import re
import socket
import time

from check import indent

HEAD = (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nTransfer-Encoding: chunked\r\n"
        b"Connection: keep-alive\r\n\r\n")
TEXT = "hello from a chunked response: grüße!\n".encode()
# The body in 3 chunks of 11, 23 and 6 bytes: sizes b, 17 and 6 in hex; the second ends in the first byte of "ü".
CHUNKS = [TEXT[:11], TEXT[11:34], TEXT[34:]]
FIRST = HEAD + b"".join(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n" for chunk in CHUNKS) + b"0\r\n\r\n"
# Where FIRST is cut into pieces: in the first chunk, in the size line "17", in the last "\r\n".
CUTS = [0, len(HEAD) + 8, FIRST.index(b"17\r\n") + 1, len(FIRST) - 1, len(FIRST)]
PIECES = [FIRST[start:end] for start, end in zip(CUTS, CUTS[1:])]
ECHO = "Grüße, server!\n".encode()  # what the client sends to /echo, unless it was changed


def read_request(conn: socket.socket, pending: bytes):
    """(body, rest) of the next request (head, then Content-Length body), or (None, b"") if the client closed."""
    while True:
        end = pending.find(b"\r\n\r\n")
        if end != -1:
            length = re.search(rb"\r\ncontent-length: *(\d+)", pending[:end], re.IGNORECASE)
            size = end + 4 + int(length.group(1) if length else 0)
            if len(pending) >= size:
                return pending[end + 4 : size], pending[size:]
        data = conn.recv(65536)
        if not data:
            return None, b""
        pending += data


def lines(data: bytes) -> str:
    """Bytes one line per line, with "\\r" and "\\n" shown."""
    found = re.findall(r"[^\n]*\n|[^\n]+", data.decode("utf-8", errors="replace"))
    return "\n".join("  " + line.replace("\r", "\\r").replace("\n", "\\n") for line in found)


def check(t):
    echoed = []  # the body of the client's POST /echo

    def serve(conn: socket.socket) -> None:
        conn.settimeout(5)
        _, pending = read_request(conn, b"")
        if _ is None:
            return
        for piece in PIECES:
            conn.sendall(piece)
            time.sleep(0.02)  # separate pieces on the wire
        body, _ = read_request(conn, pending)
        if body is None:
            return
        echoed.append(body)
        conn.sendall(f"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {len(body)}\r\n"
                     f"Connection: close\r\n\r\n".encode() + body)

    port = t.fake_server(serve)
    result = t.run("python/client.py", ["--port", str(port)])
    second = echoed[0] if echoed else ECHO
    expected = [
        f"raw client: body {len(TEXT)} bytes: {json.dumps(TEXT.decode(), ensure_ascii=False)}",
        f"raw client: body {len(second)} bytes: {json.dumps(second.decode('utf-8', errors='replace'), ensure_ascii=False)}",
    ]
    printed = result.stdout.split("\n")
    story = (f"A stand-in server answered GET / with this response, its body in {len(CHUNKS)} chunks\n"
             f"(Transfer-Encoding: chunked), sent in {len(PIECES)} pieces. The 2 bytes of \"ü\" are in two chunks (shown as �):\n"
             f"{lines(FIRST)}\n"
             f"It answered POST /echo with a Content-Length of {len(second)} bytes, then closed the connection.")
    output = indent(result.stdout + result.stderr) or "  (nothing)"
    if result.timed_out:
        t.fail(f"{story}\npython3 python/client.py was still running after 5 s: it should have printed both bodies "
               f"and stopped.\nIt printed:\n{output}")
    if expected[0] not in printed or expected[1] not in printed[printed.index(expected[0]) + 1:]:
        t.fail(f"{story}\nExpected your client to print these two lines (each body put together, as text):\n"
               + "\n".join(f"  {line}" for line in expected)
               + f"\nYour client printed:\n{output}")
    if result.code != 0:
        t.fail(f"{story}\npython3 python/client.py printed both bodies, but then exited with code {result.code}; "
               f"expected 0:\n{indent(result.stderr)}")
