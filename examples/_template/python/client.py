"""__EXAMPLE_TITLE__: the client. TODO: say what it sends and what it expects back.

The Python twin of client.js. As scaffolded, it sends a few lines to the echo server and
prints each reply.

Run: python3 client.py [--host 127.0.0.1] [--port 7020] [line ...]
"""

from __future__ import annotations

import argparse
import json
import socket
import sys


def main() -> int:
    parser = argparse.ArgumentParser(description="__EXAMPLE_TITLE__: the client")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7020)
    parser.add_argument("requests", nargs="*")
    options = parser.parse_args()
    # TODO: the requests your client sends.
    requests = options.requests or ["hello", "one line, one reply"]

    try:
        sock = socket.create_connection((options.host, options.port))
    except ConnectionRefusedError:
        print(f"client: nothing is listening on {options.host}:{options.port}. "
              f"Start the server first: python3 server.py", file=sys.stderr)
        return 1
    with sock:
        print(f"client: connected to {options.host}:{options.port}")
        for request in requests:
            sock.sendall(f"{request}\n".encode("utf-8"))
            print(f"client: sent {json.dumps(request, ensure_ascii=False)}")

        received = b""
        answered = 0
        while answered < len(requests):
            chunk = sock.recv(65536)
            if not chunk:
                print(f"client: the server closed the connection after {answered} of {len(requests)} replies",
                      file=sys.stderr)
                return 1
            received += chunk
            while (newline := received.find(b"\n")) != -1:
                reply = received[:newline].decode("utf-8", errors="replace")
                received = received[newline + 1 :]
                # TODO: check the reply your protocol promises.
                print(f"client: received {json.dumps(reply, ensure_ascii=False)}")
                answered += 1
        print("client: every request was answered, closing")
        sock.shutdown(socket.SHUT_WR)
    return 0


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    sys.exit(main())
