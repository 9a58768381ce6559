"""Check of "Number the lines" (Python): starts python/server.py, sends three lines in odd
pieces on one connection and one line on a second one, and compares the answers."""

from check import show

CASES = [
    ("a first connection", [b"alpha\nbe", b"ta\ngamma\n"], b"1: alpha\n2: beta\n3: gamma\n"),
    ("a second connection, while the server keeps running", [b"x\n"], b"1: x\n"),
]


def check(t):
    port = t.start("python/server.py", ["--port", "0"])
    for which, pieces, expected in CASES:
        received, _ = t.exchange(port, pieces, until_lines=expected.count(b"\n"))
        if received != expected:
            t.fail(f"Sent on {which}: {', then '.join(show(piece) for piece in pieces)}\n"
                   f"Expected back: {show(expected)}\n"
                   f"Got back:      {show(received)}")
