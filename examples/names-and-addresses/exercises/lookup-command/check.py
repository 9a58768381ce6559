"""Check of "A lookup command" (Python): starts python/server.py and sends "lookup NAME" for an
IPv4 address, an IPv6 address and localhost, the last one with "whoami" in the same write, and
compares each answer with what getaddrinfo() finds on this computer."""

import re
import socket

from check import show


def expected_answer(name: str) -> str:
    """What the server should answer to "lookup NAME", from this computer's own lookup."""
    results = socket.getaddrinfo(name, None, type=socket.SOCK_STREAM)
    return f"{name}: " + ", ".join(f"{family.name} {sockaddr[0]}" for family, _, _, _, sockaddr in results) + "\n"


def check(t):
    localhost = expected_answer("localhost")
    cases = [
        ("lookup 127.0.0.1\n", expected_answer("127.0.0.1"),
         "127.0.0.1 is already an address (IPv4): the lookup only converts it."),
        ("lookup ::1\n", expected_answer("::1"), "::1 is already an address (IPv6): the lookup only converts it."),
        ("lookup localhost\nwhoami\n", f"{localhost}AF_INET 127.0.0.1 port <the check's port>\n",
         "Both lines came in one piece: the answers must come back in the same order, the lookup first."),
    ]
    port = t.start("python/server.py", ["--port", "0"])
    for sent, expected, why in cases:
        received, _ = t.exchange(port, [sent.encode()], until_lines=sent.count("\n"))
        text = received.decode("utf-8", errors="replace")
        if "<" in expected:
            right = text.startswith(localhost) and re.fullmatch(r"AF_INET 127\.0\.0\.1 port \d+\n", text[len(localhost):])
        else:
            right = text == expected
        if not right:
            unknown = text.startswith("error: unknown command")
            first = text.split("\n")[0].split(": ", 1)[-1].split(", ")
            if len(set(first)) < len(first):
                why = "The same address came back more than once: each address goes in the answer once."
            t.fail(f"Sent on a new connection to 127.0.0.1: {show(sent)}\n"
                   f"Expected back: {show(expected)}\n"
                   f"Got back:      {show(received)}\n"
                   + ('Your server does not know the command "lookup NAME" yet.' if unknown else why)
                   + "\n(The addresses are the ones socket.getaddrinfo(name, None, type=socket.SOCK_STREAM) finds "
                   "on this computer, in its order.)")
