"""Names and addresses: the client. Three steps:
  1. looks up a host name ("localhost") with getaddrinfo() and prints every address it got,
     and how long the call blocked;
  2. tries a list of addresses ("::1", then "127.0.0.1") one at a time until one accepts the
     connection and answers "whoami" within ANSWER_TIMEOUT_S, and prints the answer; an
     address that accepts but closes, or stays silent, counts as failed;
  3. connects to the host name with socket.create_connection(), which looks the name up and
     tries its addresses itself, and asks "whoami" again.
With --only-try it does step 2 only.

The Python twin of client.js.

Run: python3 client.py [--host localhost] [--port 7017] [--try ::1,127.0.0.1] [--only-try]
"""

from __future__ import annotations

import argparse
import socket
import sys
import time

TIMEOUT_S = 10  # no step waits longer than this for the server
ANSWER_TIMEOUT_S = 1  # in step 2, an address whose server has not answered by then counts as failed


def host_port(host: str, port: int) -> str:
    """`127.0.0.1:5000`, `[::1]:5000`: an IPv6 address goes in brackets, or its colons would run into the port's."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def look_up(name: str, port: int) -> None:
    """Step 1: getaddrinfo() returns a list of (family, type, proto, canonname, sockaddr),
    where sockaddr is (host, port) for AF_INET, (host, port, flowinfo, scope_id) for AF_INET6.
    The call blocks: this thread does nothing else until the answer is there."""
    started = time.perf_counter()
    results = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM)
    ms = (time.perf_counter() - started) * 1000
    count = f"{len(results)} address{'' if len(results) == 1 else 'es'}"
    print(f'client: getaddrinfo("{name}", {port}, type=SOCK_STREAM) blocked for {ms:.2f} ms and returned {count}:')
    for family, _type, _proto, _canonname, sockaddr in results:
        print(f"client:   {family.name} {sockaddr!r}")


def connected(sock: socket.socket) -> socket.socket:
    """Prints both ends of a new connection; returns the socket."""
    peer = sock.getpeername()  # ("::1", 7017, 0, 0): host, port, flowinfo, scope_id; ("127.0.0.1", 7017)
    print(f"client: connected to {host_port(peer[0], peer[1])} from local port {sock.getsockname()[1]}")
    fields = "host, port, flowinfo, scope_id" if len(peer) == 4 else "host, port"
    print(f"client:   getpeername() returned {peer!r}: ({fields})")
    return sock


def explain(error: OSError) -> str:
    if isinstance(error, ConnectionRefusedError):
        return "ConnectionRefusedError (nothing listens there)"
    return f"{type(error).__name__} ({error.strerror or error})"


def connect_in_turn(hosts: list[str], port: int) -> None:
    """Step 2: the loop inside socket.create_connection(): for each address, a socket of its
    family, then connect() and "whoami"; the first that answers wins, a failure moves on to the
    next. A server that accepted but closed, or did not answer in time, is a failure too."""
    print(f"client: trying {', then '.join(hosts)}, one at a time, as create_connection() does")
    last_error: OSError = OSError("no address to try")
    for i, host in enumerate(hosts):
        sock = None
        try:
            # getaddrinfo() of an address written in digits only converts it: no lookup.
            family, type_, proto, _canonname, sockaddr = socket.getaddrinfo(
                host, port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST)[0]
            sock = socket.socket(family, type_, proto)
            sock.settimeout(TIMEOUT_S)
            sock.connect(sockaddr)  # ("::1", 7017, 0, 0) or ("127.0.0.1", 7017)
        except OSError as error:
            if sock is not None:
                sock.close()
            last_error = error
            after = "; trying the next address" if i + 1 < len(hosts) else ""
            print(f"client: connecting to {host_port(host, port)} failed: {explain(error)}{after}")
            continue
        connected(sock)
        sock.settimeout(ANSWER_TIMEOUT_S)  # from now on, wait this long for the answer
        try:
            whoami(sock)  # closes the socket, also on failure
            return
        except OSError as error:  # TimeoutError: no answer in time; ConnectionError: closed without one
            last_error = error
            after = "; trying the next address" if i + 1 < len(hosts) else ""
            print(f"client: {host_port(host, port)} did not answer: {explain(error)}{after}")
    raise last_error


def whoami(sock: socket.socket) -> None:
    """Sends "whoami", prints the server's answer line, closes the socket."""
    with sock:
        sock.sendall(b"whoami\n")
        print('client: sent 7 bytes: "whoami\\n"')
        received = b""
        while b"\n" not in received:
            chunk = sock.recv(4096)
            if not chunk:
                raise ConnectionError("the server closed the connection without an answer")
            received += chunk
        answer = received[: received.index(b"\n")].decode("utf-8", errors="replace")
        print(f'client: the server says "{answer}"')
        sock.shutdown(socket.SHUT_WR)  # like Node's socket.end(): "I am done sending"


def main() -> int:
    parser = argparse.ArgumentParser(description="Names and addresses: the client")
    parser.add_argument("--host", default="localhost", help="the name to look up and connect to")
    parser.add_argument("--port", type=int, default=7017)
    parser.add_argument("--try", dest="candidates", default="::1,127.0.0.1", help="addresses to try in turn")
    parser.add_argument("--only-try", action="store_true", help="only try those addresses")
    options = parser.parse_args()
    hosts = [host for host in options.candidates.split(",") if host]

    try:
        if not options.only_try:
            look_up(options.host, options.port)
    except socket.gaierror as error:
        print(f'client: the name "{options.host}" was not found ({error.strerror})', file=sys.stderr)
        return 1
    try:
        connect_in_turn(hosts, options.port)
    except ConnectionRefusedError:
        print(f"client: nothing is listening on port {options.port} at {' or '.join(hosts)}. "
              f"Start the server first: python3 server.py", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"client: {explain(error)}", file=sys.stderr)
        return 1
    if options.only_try:
        return 0
    where = f'("{options.host}", {options.port})'
    print(f'client: create_connection({where}) tries the addresses of "{options.host}" itself')
    try:
        whoami(connected(socket.create_connection((options.host, options.port), timeout=TIMEOUT_S)))
    except OSError as error:  # the error of the last address it tried
        print(f"client: create_connection({where}) failed: {explain(error)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    sys.exit(main())
