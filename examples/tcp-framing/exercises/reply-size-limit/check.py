"""Check of "Refuse a reply that is too big" (Python): a stand-in server answers the client's
first frame with a header announcing 3,000,000,000 bytes and then stays silent; the client
must refuse it at once. A second stand-in answers with a reply of exactly 1 MiB, the largest
allowed, and echoes the rest: the client must take it and run to its end."""

import socket
import struct

from check import indent

MAX_FRAME_BYTES = 1024 * 1024
HUGE = 3_000_000_000


def last_lines(run) -> str:
    """The last lines a program printed."""
    return indent("\n".join((run.stdout + run.stderr).rstrip().split("\n")[-8:])) or "  (nothing)"


def check(t):
    # 1. A header that announces 3,000,000,000 bytes, 3 bytes of payload, then silence.
    def liar(conn: socket.socket) -> None:
        if conn.recv(65536):
            conn.sendall(struct.pack("!I", HUGE) + b"abc")
        while conn.recv(65536):  # say nothing more; keep the connection open until the client closes it
            pass

    refused = t.run("python/client.py", ["--port", str(t.fake_server(liar))], timeout_s=4)
    expected = f"client: a reply announces {HUGE} bytes, over the {MAX_FRAME_BYTES}-byte limit; closing"
    told = (f"Your client sent its first frame. The stand-in server answered with a 4-byte header announcing "
            f"{HUGE} bytes (b2 d0 5e 00),\nthen 3 bytes of that payload, and then nothing more (the connection "
            f"stays open).\nExpected your client to print this line, and to exit with code 1 at once, without "
            f"waiting for the rest:\n  {expected}\n")
    if refused.timed_out:
        t.fail(f"{told}Your client was still running after 4 s. It printed:\n{last_lines(refused)}")
    if expected not in (refused.stdout + refused.stderr).split("\n"):
        t.fail(f"{told}Your client exited with code {refused.code} and printed:\n{last_lines(refused)}")
    if refused.code != 1:
        t.fail(f"{told}Your client printed that line, but exited with code {refused.code}.")

    # 2. A reply of exactly MAX_FRAME_BYTES is allowed: an echo server whose first reply is that big.
    def generous(conn: socket.socket) -> None:
        pending, replies = b"", 0
        while chunk := conn.recv(65536):
            pending += chunk
            while len(pending) >= 4 and len(pending) >= 4 + struct.unpack("!I", pending[:4])[0]:
                end = 4 + struct.unpack("!I", pending[:4])[0]
                payload = b"x" * MAX_FRAME_BYTES if replies == 0 else pending[4:end]
                conn.sendall(struct.pack("!I", len(payload)) + payload)
                replies += 1
                pending = pending[end:]

    allowed = t.run("python/client.py", ["--port", str(t.fake_server(generous))])
    if allowed.code != 0 or "client: done, closing" not in allowed.stdout.split("\n"):
        ended = "Your client was still running after 5 s" if allowed.timed_out else f"Your client exited with code {allowed.code}"
        t.fail(f"The stand-in server answered your client's first frame with a reply of exactly {MAX_FRAME_BYTES} bytes "
               f"(the largest allowed), and echoed every other frame.\n"
               f"Expected your client to take that reply and run to its end (\"client: done, closing\", exit code 0).\n"
               f"{ended}. Its last lines:\n{last_lines(allowed)}")
