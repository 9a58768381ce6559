"""Length-prefix framing client: shows that TCP moves bytes, not messages, in three cases.
  (a) three small frames sent with three back-to-back sendall() calls: they usually arrive
      at the server in ONE recv() (the writes coalesce);
  (b) one 200 kB frame sent with one sendall(): it arrives in SEVERAL recv()s (it is split);
  (c) one frame sent in two parts, pausing 300 ms in the middle of its 4-byte length header:
      the server waits for the rest before it does anything.
In every case the replies are put back together by this client's own frame parser.

The Python twin of client.js: socket.create_connection() -> sendall() -> recv() -> close().
Why a buffer and not a recv_exactly(sock, n) helper (see the README), which is the usual way
to read ONE frame with blocking calls? recv_exactly() asks for exactly the bytes it still
needs, 4 for a header and then the payload's, so no recv() could ever hold two replies and
we could not watch them coalesce. Like client.js, this client takes whatever each recv()
returns (up to 64 KiB), prints its size, and lets take_frames() cut complete frames out of
the buffer, keeping an unfinished one for the next recv(). The length is struct.unpack("!I").

Run: python3 client.py [--host 127.0.0.1] [--port 7009]
"""

from __future__ import annotations

import argparse
import json
import socket
import struct
import sys
import time

HEADER_BYTES = 4
MAX_FRAME_BYTES = 1024 * 1024  # a bigger reply is refused from its header, before its payload arrives
REPLY_TIMEOUT_S = 5


def frame(payload: bytes) -> bytes:
    """A frame: the payload's length as 4 bytes, big-endian ("!" = network byte order), then the payload."""
    return struct.pack("!I", len(payload)) + payload


def take_frames(buffer: bytes) -> tuple[list[bytes], bytes]:
    """Our frame parser: returns the payloads of the complete frames at the start of `buffer`
    and the bytes left over (an unfinished frame, kept for the next recv()). Raises ValueError
    as soon as a header announces more than MAX_FRAME_BYTES."""
    payloads = []
    while len(buffer) >= HEADER_BYTES:
        (length,) = struct.unpack("!I", buffer[:HEADER_BYTES])
        if length > MAX_FRAME_BYTES:
            raise ValueError(f"a reply announces {length} bytes, over the {MAX_FRAME_BYTES}-byte limit")
        if len(buffer) < HEADER_BYTES + length:
            break  # the rest of this frame has not arrived yet
        payloads.append(buffer[HEADER_BYTES : HEADER_BYTES + length])
        buffer = buffer[HEADER_BYTES + length :]
    return payloads, buffer


def show(payload: bytes) -> str:
    """A payload as JSON-quoted text, cut after 60 bytes."""
    if len(payload) > 60:
        return json.dumps(payload[:60].decode("utf-8", errors="replace") + "...", ensure_ascii=False)
    return json.dumps(payload.decode("utf-8", errors="replace"), ensure_ascii=False)


def plural(n: int, word: str) -> str:
    """ "1 read", "3 reads"."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class Replies:
    """Receives the server's replies: prints the size of every recv() and collects the payloads."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.buffer = b""  # bytes of an unfinished frame
        self.payloads: list[bytes] = []  # complete replies not yet asked for
        self.reads = 0

    def next(self, count: int) -> list[bytes]:
        """Returns the next `count` replies, counting in self.reads the recv()s they took."""
        self.reads = 0
        deadline = time.monotonic() + REPLY_TIMEOUT_S
        while len(self.payloads) < count:
            left = deadline - time.monotonic()
            try:
                if left <= 0:
                    raise TimeoutError
                self.sock.settimeout(left)  # recv() gives up after this long
                chunk = self.sock.recv(65536)  # whatever has arrived: part of a frame, or several
            except TimeoutError:
                print(f"client: no complete reply within {REPLY_TIMEOUT_S} s", file=sys.stderr)
                sys.exit(1)
            if not chunk:
                print("client: the server closed the connection before all replies came", file=sys.stderr)
                sys.exit(1)
            self.reads += 1
            try:
                completed, self.buffer = take_frames(self.buffer + chunk)
            except ValueError as error:  # refused from its header: do not wait for (or store) the payload
                print(f"client: {error}; closing", file=sys.stderr)
                sys.exit(1)
            completing = f", completing {plural(len(completed), 'frame')}" if completed else ""
            print(f"client: read {plural(len(chunk), 'byte')} in one chunk{completing}")
            self.payloads += completed
        taken, self.payloads = self.payloads[:count], self.payloads[count:]
        return taken


def main() -> int:
    parser = argparse.ArgumentParser(description="TCP framing client")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7009)
    options = parser.parse_args()

    try:
        sock = socket.create_connection((options.host, options.port))  # socket() + connect()
    except ConnectionRefusedError:
        print(f"client: nothing is listening on {options.host}:{options.port}. "
              f"Start the server first: python3 server.py", file=sys.stderr)
        return 1
    with sock:
        server_host, server_port = sock.getpeername()[:2]
        print(f"client: connected to {server_host}:{server_port} from local port {sock.getsockname()[1]}")
        replies = Replies(sock)

        print("client: (a) three small frames, written with three write() calls back to back")
        small = [b"hello", b"framing", b"keeps messages apart"]
        frames_a = [frame(payload) for payload in small]  # built first, so that nothing slows down the three writes
        for data in frames_a:
            sock.sendall(data)
        for payload in small:
            print(f"client: (a) wrote {HEADER_BYTES + len(payload)} bytes: a 4-byte header saying "
                  f"{len(payload)}, then {show(payload)}")
        for i, payload in enumerate(replies.next(len(small)), start=1):
            print(f"client: (a) reply {i}: {len(payload)} bytes {show(payload)}")
        print(f"client: (a) the 3 replies came in {plural(replies.reads, 'read')}")

        print("client: (b) one frame of 200000 bytes, written with one write()")
        big = (b"abcdefghijklmnopqrstuvwxyz" * 7693)[:200_000]
        sock.sendall(frame(big))
        print(f"client: (b) wrote {HEADER_BYTES + len(big)} bytes")
        (reply_b,) = replies.next(1)
        same = "the same bytes as sent" if reply_b == big else f"NOT the bytes we sent: {show(reply_b)}"
        print(f"client: (b) reply: {len(reply_b)} bytes, {same}, put together from {plural(replies.reads, 'read')}")

        print("client: (c) one frame written in two parts, pausing 300 ms inside its 4-byte header")
        framed = frame(b"sent in two parts")
        sock.sendall(framed[:2])
        print("client: (c) wrote 2 bytes (half of the header), now waiting 300 ms")
        time.sleep(0.3)
        sock.sendall(framed[2:])
        print(f"client: (c) wrote the other {len(framed) - 2} bytes")
        (reply_c,) = replies.next(1)
        print(f"client: (c) reply: {len(reply_c)} bytes {show(reply_c)}")

        print("client: done, closing")
        sock.shutdown(socket.SHUT_WR)  # like Node's socket.end(): "I am done sending"
    return 0  # leaving the `with` block is close()


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # each line appears at once, even in a pipe
    try:
        sys.exit(main())
    except OSError as error:  # e.g. the server vanished (ECONNRESET)
        print(f"client: {error.strerror or error}", file=sys.stderr)
        sys.exit(1)
