"""Check of "Count per sender" (Python): starts python/server.py and sends datagrams to it from
two sockets of its own (two "clients", each with its own port), taking turns, one at a time."""

import socket

from check import indent, show

# Which client sends what, in this order, and the reply each one should get.
TURNS = [
    ("A", "hello", "1: hello"),
    ("B", "Grüße", "1: Grüße"),
    ("A", "", "2: "),
    ("A", "again", "3: again"),
    ("B", "bye", "2: bye"),
]


def check(t):
    port = t.start("python/server.py", ["--port", "0"])
    clients: dict[str, socket.socket] = {}
    try:
        for name in ("A", "B"):
            clients[name] = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            clients[name].bind(("127.0.0.1", 0))
            clients[name].settimeout(1)
        story: list[str] = []
        for name, text, expected in TURNS:
            sock = clients[name]
            try:
                sock.sendto(text.encode(), ("127.0.0.1", port))
                reply = sock.recvfrom(65535)[0]
            except OSError:  # a timeout, or on Windows a "port unreachable" report
                reply = None
            got = "nothing within 1 s" if reply is None else show(reply)
            sent = f"{name} (port {sock.getsockname()[1]}) sent {show(text)}"
            if reply != expected.encode():
                t.fail(f"The check sent datagrams from two sockets of its own, A and B, one at a time:\n"
                       f"{indent(chr(10).join([*story, sent]))}\n"
                       f"Expected back: {show(expected)} (this is datagram {expected.split(':')[0]} from {name})\n"
                       f"Got back:      {got}")
            story.append(f"{sent}, got back {got}")
    finally:
        for sock in clients.values():
            sock.close()
