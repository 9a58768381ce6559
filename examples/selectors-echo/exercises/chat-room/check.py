"""Check of "A chat room" (Python): starts python/server.py and connects clients A and B (and C,
who leaves at once). Each line one of them sends must reach every client, the sender too. The
checker's exchange() talks on one connection at a time, so this check opens its own
connections, and closes them all at the end."""

from __future__ import annotations

import socket
import time

from check import show

WAIT_S = 1  # how long to wait for the lines of one step


class Client:
    """A client of the check: `received` is everything that came back so far."""

    def __init__(self, port: int, name: str) -> None:
        self.name = name
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=WAIT_S)
        self.received = b""

    def read_until(self, size: int, deadline: float) -> None:
        """Reads until `size` bytes in all have come, or the deadline; after it, what has arrived."""
        while len(self.received) < size:
            self.sock.settimeout(max(0.0, deadline - time.monotonic()))  # 0: take only what is there
            try:
                data = self.sock.recv(65536)
            except OSError:  # timed out, or reset
                return
            if not data:
                return
            self.received += data


def check(t):
    port = t.start("python/server.py", ["--port", "0"])
    clients: list[Client] = []
    story: list[str] = []  # what the check did so far, for the message

    def connect(name: str) -> Client:
        client = Client(port, name)
        clients.append(client)
        return client

    def expect(expected: dict[str, bytes]) -> None:
        """Waits until each client got its expected bytes (or WAIT_S passed), and compares."""
        deadline = time.monotonic() + WAIT_S
        for client in clients:
            if client.name in expected:
                client.read_until(len(expected[client.name]), deadline)
        if all(client.received == expected[client.name] for client in clients if client.name in expected):
            return
        got = [client for client in clients if client.name in expected]
        t.fail("\n".join([
            *story,
            "Expected, in all, a chat room that sends each line to everyone, the sender too:",
            *(f"  {client.name} gets {show(expected[client.name])}" for client in got),
            "Got:",
            *(f"  {client.name} got  {show(client.received)}" for client in got),
        ]))

    try:
        a = connect("A")
        a.sock.sendall(b"hi from A\n")
        story.append('Client A connected and sent "hi from A\\n".')
        expect({"A": b"hi from A\n"})

        b = connect("B")
        b.sock.sendall(b"hi from B\n")
        story.append('Then client B connected and sent "hi from B\\n".')
        expect({"A": b"hi from A\nhi from B\n", "B": b"hi from B\n"})

        connect("C").sock.close()
        b.sock.sendall(b"bye from B\n")
        story.append('Then client C connected and left at once, and B sent "bye from B\\n".')
        expect({"A": b"hi from A\nhi from B\nbye from B\n", "B": b"hi from B\nbye from B\n"})
    finally:
        for client in clients:
            client.sock.close()
