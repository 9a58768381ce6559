"""Names and addresses: the server. It listens on both loopback addresses, 127.0.0.1 (IPv4)
and ::1 (IPv6), on the same port, with one listening socket for each, and answers the line
"whoami" with the address family and the client's address as the server sees them:
"AF_INET6 ::1 port 51514" or "AF_INET 127.0.0.1 port 51516". The line "lookup NAME" is answered
with the addresses the name lookup finds for NAME: "localhost: AF_INET 127.0.0.1".

The Python twin of server.js. socket.create_server(("::1", port), family=socket.AF_INET6)
makes the IPv6 listening socket, socket.create_server(("127.0.0.1", port)) the IPv4 one.
It does not use create_server(("", port), family=socket.AF_INET6, dualstack_ipv6=True): one
socket for both families, but on every address of the computer, so other computers could
connect. Loopback only. select() waits until either listening socket has a client; each
accepted connection gets its own thread.

Run: python3 server.py [--listen 127.0.0.1 --listen ::1] [--port 7017]   (port 0 = any free port)
"""

from __future__ import annotations

import argparse
import errno
import select
import signal
import socket
import sys
import threading
import time

MAX_LINE_BYTES = 1024 * 1024  # a longer line is refused, so one client cannot fill our memory
IDLE_TIMEOUT_S = 30  # a client that sends nothing for this long is disconnected
UNKNOWN_COMMAND = b"error: unknown command; the commands are whoami and lookup NAME\n"

_log_lock = threading.Lock()


def log(message: str) -> None:
    """Prints one line; the lock keeps lines from several client threads whole."""
    with _log_lock:
        print(message)


def host_port(host: str, port: int) -> str:
    """`127.0.0.1:5000`, `[::1]:5000`: an IPv6 address goes in brackets, or its colons would run into the port's."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def look_up(name: str) -> str:
    """The answer to "lookup NAME": each address getaddrinfo() finds, with its family, in the
    order it returns them. type=SOCK_STREAM: one result per address, not one per socket type.
    The call blocks this client's thread until the answer is there; other clients go on."""
    try:
        results = socket.getaddrinfo(name, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):  # not found; UnicodeError: not a possible name
        return f"error: no address for {name}\n"
    return f"{name}: " + ", ".join(f"{family.name} {sockaddr[0]}" for family, _, _, _, sockaddr in results) + "\n"


def serve_client(conn: socket.socket, address: tuple) -> None:
    """Answers complete lines until the client closes its side.

    `address` is what accept() returned: (host, port) for IPv4,
    (host, port, flowinfo, scope_id) for IPv6."""
    host, port = address[0], address[1]
    family = conn.family.name  # the listening socket it came in on decides: "AF_INET6" or "AF_INET"
    peer = host_port(host, port)
    log(f"server: accepted a connection from {peer} ({family}): accept() returned {address!r}")
    pending = b""  # bytes received since the last newline
    conn.settimeout(IDLE_TIMEOUT_S)
    with conn:
        try:
            while True:
                chunk = conn.recv(65536)  # up to 64 KiB; b"" means the client closed its side
                if not chunk:
                    # A last line without "\n" is not a command: dropped.
                    conn.shutdown(socket.SHUT_WR)
                    log(f"server: {peer} closed the connection")
                    return
                pending += chunk
                while (newline := pending.find(b"\n")) != -1:
                    line, pending = pending[:newline], pending[newline + 1 :]
                    if len(line) > MAX_LINE_BYTES:
                        refuse(conn, peer)
                        return
                    if line.endswith(b"\r"):  # "whoami\r\n" from telnet or Windows
                        line = line[:-1]
                    if line == b"whoami":
                        answer = f"{family} {host} port {port}"
                        conn.sendall(f"{answer}\n".encode())
                        log(f'server: told {peer} "{answer}"')
                    elif line.startswith(b"lookup ") and len(line) > len(b"lookup "):
                        name = line[len(b"lookup ") :].decode("latin-1")
                        conn.sendall(look_up(name).encode())
                        log(f'server: {peer} asked for the addresses of "{name}"')
                    else:
                        conn.sendall(UNKNOWN_COMMAND)
                        log(f"server: {peer} sent an unknown command of {len(line)} bytes")
                if len(pending) > MAX_LINE_BYTES:
                    refuse(conn, peer)
                    return
        except socket.timeout:
            log(f"server: {peer} sent nothing for {IDLE_TIMEOUT_S} s, closing")
            try:
                conn.sendall(b"error: idle for too long, closing\n")
            except OSError:
                pass
        except OSError as error:  # e.g. the client vanished (ECONNRESET): this thread ends, the server goes on
            log(f"server: connection to {peer} failed: {error.strerror or error}")


def refuse(conn: socket.socket, peer: str) -> None:
    """Sends the error and closes our sending side, then reads and drops input for up to 2 s
    so the client can read the error (closing with unread data would send a reset instead)."""
    log(f"server: {peer} sent a line over {MAX_LINE_BYTES} bytes, refusing it")
    deadline = time.monotonic() + 2
    try:
        conn.sendall(f"error: line longer than {MAX_LINE_BYTES} bytes, closing\n".encode())
        conn.shutdown(socket.SHUT_WR)
        while (left := deadline - time.monotonic()) > 0:
            conn.settimeout(left)
            if not conn.recv(65536):
                break
    except OSError:
        pass


class PortInUse(Exception):
    def __init__(self, host: str, port: int):
        super().__init__(f"port {port} on {host} is already in use")
        self.host = host
        self.port = port


def listen_on_all(addresses: list[str], wanted: int) -> list[socket.socket]:
    """One listening socket per address, all on one port: the first gets `wanted` (0: any free
    one), the others the port it got. Should that port be taken on another address, it starts
    again with a new one."""
    for attempt in range(1, 11):
        listeners: list[socket.socket] = []
        port = wanted
        try:
            for host in addresses:
                family = socket.AF_INET6 if ":" in host else socket.AF_INET
                try:
                    # socket(), setsockopt(SO_REUSEADDR) except on Windows, bind(), listen()
                    listener = socket.create_server((host, port), family=family)
                except OSError as error:
                    if error.errno == errno.EADDRINUSE:
                        raise PortInUse(host, port) from None
                    # E.g. EADDRNOTAVAIL for ::1 on a computer without IPv6: go on with the other address.
                    reason = errno.errorcode.get(error.errno or 0) or str(error)
                    log(f"server: cannot listen on {host_port(host, port)} ({reason}), going on without it")
                    continue
                listener.setblocking(False)  # accept() below never waits: select() said a client is there
                listeners.append(listener)
                port = listener.getsockname()[1]
            if not listeners:
                print("server: could not listen on any address", file=sys.stderr)
                sys.exit(1)
            return listeners
        except PortInUse as taken:
            for listener in listeners:
                listener.close()
            if wanted == 0 and attempt < 10:
                continue  # a free port on one address, taken on another: try another
            print(f"server: port {taken.port} on {taken.host} is already in use. Stop the other program "
                  f"or choose another port: python3 server.py --port 0", file=sys.stderr)
            sys.exit(1)
    raise AssertionError("unreachable")


def main() -> None:
    parser = argparse.ArgumentParser(description="Names and addresses: the server")
    parser.add_argument("--listen", action="append", help="an address to listen on (default: 127.0.0.1 and ::1)")
    parser.add_argument("--port", type=int, default=7017)
    options = parser.parse_args()

    listeners = listen_on_all(options.listen or ["127.0.0.1", "::1"], options.port)
    for listener in listeners:
        host, port = listener.getsockname()[:2]  # ("::1", port, 0, 0) for IPv6
        log(f"server: listening on {host_port(host, port)}")

    def stop(signum: int, frame: object) -> None:
        log("server: stopping")
        for listener in listeners:
            listener.close()
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    while True:
        ready, _, _ = select.select(listeners, [], [])  # wait until a listening socket has a client
        for listener in ready:
            try:
                conn, address = listener.accept()  # a new socket for this client
            except OSError:  # BlockingIOError: the client gave up before we got to it
                continue
            threading.Thread(target=serve_client, args=(conn, address), daemon=True).start()


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # each line appears at once, even in a pipe
    main()
