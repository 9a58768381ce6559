"""TCP echo client: connects to the echo server, sends a few lines and prints what comes back.

The Python twin of client.js: socket() -> connect() -> sendall()/recv() -> shutdown() -> close().

Run: python3 client.py [--host 127.0.0.1] [--port 7007] [message ...]
"""

from __future__ import annotations

import argparse
import json
import socket
import sys


def main() -> int:
    parser = argparse.ArgumentParser(description="TCP echo client")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7007)
    parser.add_argument("messages", nargs="*")
    options = parser.parse_args()
    messages = options.messages or ["hello", "TCP keeps bytes in order", "Grüße: ü is 2 bytes in UTF-8"]

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # socket()
    try:
        sock.connect((options.host, options.port))  # connect(): the OS picks our local port
    except ConnectionRefusedError:
        print(f"client: nothing is listening on {options.host}:{options.port}. "
              f"Start the server first: python3 server.py", file=sys.stderr)
        return 1
    with sock:
        server_host, server_port = sock.getpeername()[:2]
        print(f"client: connected to {server_host}:{server_port} from local port {sock.getsockname()[1]}")
        for message in messages:
            line = f"{message}\n".encode("utf-8")
            sock.sendall(line)  # sendall(): send() until every byte is handed to the OS
            print(f"client: sent {len(line)} bytes: {json.dumps(message + chr(10), ensure_ascii=False)}")

        received = b""
        echoed = 0
        while echoed < len(messages):
            chunk = sock.recv(65536)  # recv(): whatever has arrived, not necessarily one line
            if not chunk:
                print(f"client: the server closed the connection after {echoed} of {len(messages)} lines",
                      file=sys.stderr)
                return 1
            received += chunk
            while (newline := received.find(b"\n")) != -1:
                line, received = received[: newline + 1], received[newline + 1 :]
                text = line.decode("utf-8", errors="replace")
                print(f"client: received {len(line)} bytes: {json.dumps(text, ensure_ascii=False)}")
                echoed += 1
        print("client: every line came back, closing")
        sock.shutdown(socket.SHUT_WR)  # like Node's socket.end(): "I am done sending"
        # Read to the end: the server may still send something, then closes (recv() gives b"").
        while chunk := sock.recv(65536):
            received += chunk
            while (newline := received.find(b"\n")) != -1:
                line, received = received[: newline + 1], received[newline + 1 :]
                print(f"client: received {len(line)} bytes: {json.dumps(line.decode('utf-8', errors='replace'), ensure_ascii=False)}")
        if received:
            text = received.decode("utf-8", errors="replace")
            print(f"client: received {len(received)} bytes (no newline at the end): {json.dumps(text, ensure_ascii=False)}")
    return 0  # leaving the `with` block is close()


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    sys.exit(main())
