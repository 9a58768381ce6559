"""Check of "Frames with a type" (Python): starts python/server.py and sends it typed frames
(a 1-byte type, a 4-byte length, the payload): on one connection one byte at a time and cut
inside their headers, then a frame of an unknown type, then one that is too big."""

import struct

from check import show

TYPE_NAMES = {1: "DATA", 2: "PING", 3: "PONG", 4: "ERROR"}
DATA, PING, PONG, ERROR = 1, 2, 3, 4


def frame(kind: int, text: str) -> bytes:
    payload = text.encode("utf-8")
    return struct.pack("!BI", kind, len(payload)) + payload


def describe(kind: int, text: str) -> str:
    return f"{TYPE_NAMES.get(kind, f'type {kind}')} {show(text)}"


def hex_bytes(data: bytes) -> str:
    """At most 24 bytes in hexadecimal: "01 00 00 00 05 68 ..."."""
    return " ".join(f"{byte:02x}" for byte in data[:24]) + (" ..." if len(data) > 24 else "")


def frames_in(data: bytes) -> list[str]:
    """The whole frames of this exercise at the start of `data`, described."""
    found = []
    while len(data) >= 5 and data[0] in TYPE_NAMES and len(data) >= 5 + struct.unpack("!I", data[1:5])[0]:
        end = 5 + struct.unpack("!I", data[1:5])[0]
        found.append(describe(data[0], data[5:end].decode("utf-8", errors="replace")))
        data = data[end:]
    return found


def cut_at(data: bytes, cuts: list[int]) -> list[bytes]:
    """Cuts `data` at the given offsets."""
    return [data[start:end] for start, end in zip([0, *cuts], [*cuts, len(data)])]


HELLO, PING_FRAME, LAST = frame(DATA, "hello"), frame(PING, "are you there?"), frame(PING, "last one\n")
CASES = [
    {
        "what": "one connection, in 15 pieces 20 ms apart: the first frame one byte at a time, "
                "the others cut inside their headers",
        "sent": [describe(DATA, "hello"), describe(PING, "are you there?"), describe(DATA, ""),
                 describe(DATA, "two frames in one read"), describe(PING, "last one\n")],
        "pieces": [*cut_at(HELLO, [1, 2, 3, 4, 5, 6, 7, 8, 9]), *cut_at(PING_FRAME, [3, 8]),
                   frame(DATA, "") + frame(DATA, "two frames in one read") + LAST[:3], LAST[3:]],
        "expected": [(DATA, "hello"), (PONG, "are you there?"), (DATA, ""), (DATA, "two frames in one read"),
                     (PONG, "last one\n")],
        "closes": False,
    },
    {
        "what": "a new connection, the header in 3 pieces",
        "sent": [f"a frame of type 7 (no such type) {show('abc')}"],
        "pieces": cut_at(frame(7, "abc"), [1, 3, 5]),
        "expected": [(ERROR, "error: unknown frame type 7")],
        "closes": True,
    },
    {
        "what": "a new connection, the header in 2 pieces",
        "sent": ["the header of a DATA frame of 1048577 bytes (01 00 10 00 01), and no payload"],
        "pieces": cut_at(bytes([DATA, 0x00, 0x10, 0x00, 0x01]), [3]),
        "expected": [(ERROR, "error: frame of 1048577 bytes is over the 1048576-byte limit")],
        "closes": True,
    },
]


def check(t):
    port = t.start("python/server.py", ["--port", "0"])
    for case in CASES:
        expected = b"".join(frame(kind, text) for kind, text in case["expected"])
        # The only "\n" is at the very end of what should come back: the exchange stops there (or when the server closes).
        try:
            received, closed = t.exchange(port, case["pieces"], until_lines=float("inf") if case["closes"] else 1)
        except OSError:  # the server closed (or reset) the connection while the check was still sending
            received, closed = b"", True
        if received == expected and (closed or not case["closes"]):
            continue
        lines = [f"Sent on {case['what']}:", *(f"  {line}" for line in case["sent"]),
                 f"Expected back{', then the server closes the connection' if case['closes'] else ''}:",
                 *(f"  {describe(kind, text)}" for kind, text in case["expected"]),
                 f"  that is the bytes {hex_bytes(expected)}"]
        if received == expected:
            lines.append("Got back the right frame, but the server did not close the connection.")
        elif not received:
            lines.append(f"Got back nothing{', and the server closed the connection' if closed else ''}.")
            lines.append("Did the server stop with an error? Start it yourself (python3 python/server.py) to see what it prints.")
        else:
            lines += [f"Got back {len(received)} bytes{', then the server closed the connection' if closed else ''}:",
                      f"  bytes: {hex_bytes(received)}",
                      f"  text:  {show(received)}"]
            if frames_in(received):
                lines.append(f"  read as frames: {', '.join(frames_in(received))}")
        t.fail("\n".join(lines))
