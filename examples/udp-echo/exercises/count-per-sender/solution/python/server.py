"""UDP echo server: sends every datagram it receives straight back to the address and port
it came from.

The Python twin of server.js, written with the socket calls themselves:
socket(AF_INET, SOCK_DGRAM) -> bind() -> recvfrom()/sendto() in a loop -> close().
UDP has no connection: there is no listen() and no accept(). Every client's datagrams arrive
on this one socket, each with the sender's address, so one thread and one loop serve
everybody; there are no connections to keep apart. (Node does the same with one event
loop: its 'message' event is our recvfrom().) Each datagram arrives whole or not at all,
but datagrams may be lost, duplicated or arrive out of order: nobody resends them for us.

Run: python3 server.py [--host 127.0.0.1] [--port 7008]   (port 0 = any free port)
"""

from __future__ import annotations

import argparse
import errno
import signal
import socket
import sys

MAX_DATAGRAM_BYTES = 8192  # datagrams up to this size are echoed; a bigger one gets an error reply
TOO_LARGE = f"error: datagram larger than {MAX_DATAGRAM_BYTES} bytes".encode("ascii")


def main() -> None:
    parser = argparse.ArgumentParser(description="UDP echo server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7008)
    options = parser.parse_args()

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # socket(): a datagram socket
    # No SO_REUSEADDR here: for UDP it would let a second server bind the same port.
    try:
        sock.bind((options.host, options.port))  # bind(): from now on datagrams to this port are ours
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            print(f"server: UDP port {options.port} on {options.host} is already in use. Stop the other program "
                  f"or choose another port: python3 server.py --port 0", file=sys.stderr)
        else:
            print(f"server: {error.strerror or error}", file=sys.stderr)
        sys.exit(1)
    host, port = sock.getsockname()[:2]
    print(f"server: listening on {host}:{port}")

    def stop(signum: int, frame: object) -> None:
        print("server: stopping")
        sock.close()
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    # Datagrams received from each sender, "ADDR:PORT": with no connections, that is who a client is.
    counts: dict[str, int] = {}

    while True:
        try:
            # recvfrom(): exactly one whole datagram and who sent it. The buffer must hold the
            # largest datagram there is (65,507 bytes of payload): a smaller one cuts it short.
            data, (peer_host, peer_port) = sock.recvfrom(65535)
        except OSError as error:
            # E.g. Windows reports here that an earlier reply could not be delivered (the
            # client had gone). One failed datagram must not stop the server for everybody.
            print(f"server: {error.strerror or error}", file=sys.stderr)
            continue
        peer = f"{peer_host}:{peer_port}"
        print(f"server: received {len(data)} bytes from {peer}")
        # One datagram is one message, as the client sent it: no line ends or lengths to
        # look for, as a TCP server must.
        if len(data) > MAX_DATAGRAM_BYTES:
            try:
                sock.sendto(TOO_LARGE, (peer_host, peer_port))
            except OSError as error:
                print(f"server: could not send the error reply to {peer}: {error.strerror or error}")
            else:
                print(f"server: {len(data)} bytes is over the {MAX_DATAGRAM_BYTES}-byte limit, "
                      f"sent an error reply to {peer}")
            continue
        counts[peer] = counts.get(peer, 0) + 1
        try:
            # sendto() returns once the datagram is handed to the operating system. That does
            # not mean it arrived: UDP never tells us.
            sock.sendto(f"{counts[peer]}: ".encode() + data, (peer_host, peer_port))
        except OSError as error:
            print(f"server: could not echo to {peer}: {error.strerror or error}")
        else:
            print(f"server: echoed {len(data)} bytes to {peer}, numbered {counts[peer]}")


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # each line appears at once, even in a pipe
    main()
