"""Check of "Answer in capitals" (Python): starts python/server.py, sends a line, expects it back in capitals."""

from check import show

SENT = b"hello\n"
EXPECTED = b"HELLO\n"


def check(t):
    port = t.start("python/server.py", ["--port", "0"])
    received, _ = t.exchange(port, [SENT], until_lines=1)
    if received != EXPECTED:
        t.fail(f"Sent: {show(SENT)}\n"
               f"Expected back: {show(EXPECTED)}\n"
               f"Got back:      {show(received)}")
