"""Seven things that happen to connections, six of them failures, each made to happen on
purpose, caught, and explained: what Python raises, what Node reports, and what it means.
  1. connection refused    nothing listens on the port          ConnectionRefusedError          ECONNREFUSED
  2. address in use        a second program listens on a port   OSError, errno EADDRINUSE       EADDRINUSE
  3. timeout               the server never answers             TimeoutError                    (no code)
  4. reset by peer         the server aborts the connection     ConnectionResetError            ECONNRESET
  5. unread data at close  a program closes without reading     ConnectionResetError            ECONNRESET
  6. peer killed           its OS closes the socket normally    b"", then BrokenPipeError       'end', then EPIPE
  7. half-close            we stop sending but keep listening   (no exception)                  (no error)

The Python twin of client.js. Node reports a failure later, as an 'error' event whose
error.code names it ('ECONNREFUSED'). Python's socket calls block until they are done, so a
failure is an exception raised by the very call that failed, and its class names it
(ConnectionRefusedError; every one is an OSError, and its .errno looked up in errno.errorcode
usually gives Node's code name).
So each scenario below is a try/except around one call:
  socket.create_connection((host, port), timeout=5)   connect; raises ConnectionRefusedError
  sock.bind((host, port))                             raises OSError with errno EADDRINUSE
  sock.settimeout(1.0); sock.recv(65536)              raises TimeoutError after 1 s of silence
  sock.recv(65536)                                    raises ConnectionResetError after a reset
  sock.shutdown(socket.SHUT_WR)                       "I am done sending"; recv() still works
Every wait has a limit (timeout=..., settimeout()), so no scenario can hang.

Scenarios 2, 3, 4 and 7 need server.py running; 1, 5 and 6 make their own peer. Exits 0 if all
seven behaved as explained, else 1.

Run: python3 client.py [--host 127.0.0.1] [--port 7013]
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import socket
import subprocess
import sys
import time

SCENARIO_LIMIT_S = 5.0  # no scenario may take longer than this
ATTEMPTS = 5  # how many times the client tries to reach the server before it gives up
FIRST_DELAY_MS = 100  # the wait after the first refusal; it doubles after each one


def say(text: str) -> None:
    print(f"client:   {text}")


def since(start: float) -> str:
    """Milliseconds since `start` (a time.perf_counter() value), for printing."""
    return f"{(time.perf_counter() - start) * 1000:.1f} ms"


def quoted(data: bytes) -> str:
    """Bytes that arrived, shown as a JSON string (as JSON.stringify shows them in client.js)."""
    return json.dumps(data.decode("utf-8", "replace"), ensure_ascii=False)


def cannot_connect(host: str, port: int, error: OSError) -> bool:
    """A server we cannot reach makes every later scenario fail: say why, once per scenario."""
    if isinstance(error, ConnectionRefusedError):
        say(f"nothing is listening on {host}:{port}. Start the server first: python3 server.py")
    else:
        say(f"could not connect to {host}:{port}: {error}")
    return False


def connection_refused(host: str, port: int) -> bool:
    # Find a port where nothing listens, honestly: borrow a free one from the OS, give it back.
    with socket.create_server((host, 0)) as borrowed:  # bind() to port 0 and listen()
        free_port = borrowed.getsockname()[1]
    say(f"port {free_port} was free a moment ago (we listened on it and closed it), so nothing listens there")
    start = time.perf_counter()
    try:
        sock = socket.create_connection((host, free_port), timeout=SCENARIO_LIMIT_S)
    except OSError as error:
        say(f"connecting to {host}:{free_port} failed after {since(start)}")
        say(f"Python: socket.create_connection() raised {type(error).__name__}")
        say("Node error code: ECONNREFUSED")
        say("what it means: the computer is there, but no program listens on that port, so its OS said no "
            "(at once on Linux and macOS; Windows tries again for about 2 s)")
        if isinstance(error, ConnectionRefusedError):
            return True
        say(f"NOT as explained: expected ConnectionRefusedError, got {type(error).__name__}: {error}")
        return False
    sock.close()
    say(f"NOT as explained: the connection was accepted (another program took port {free_port} meanwhile?)")
    return False


def address_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as second:
        if os.name == "posix":  # as server.py does (see README.md); it cannot take a port in use
            second.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            second.bind((host, port))
        except OSError as error:
            code = errno.errorcode.get(error.errno, str(error.errno))
            say(f"listening on {host}:{port}, the port the server already listens on, failed at bind()")
            say(f"Python: sock.bind() raised {type(error).__name__} with errno {code} ({json.dumps(error.strerror)})")
            say("Node error code: EADDRINUSE")
            say("what it means: one port, one listening program; SO_REUSEADDR only lets a restarted server "
                "reuse a port that old, closed connections still hold, not steal a live one")
            if error.errno == errno.EADDRINUSE:
                return True
            say(f"NOT as explained: expected errno EADDRINUSE, got {code}")
            return False
    say(f"NOT as explained: listening on {host}:{port} worked, so the server is not running. "
        f"Start it first: python3 server.py")
    return False


def timeout(host: str, port: int) -> bool:
    try:
        sock = socket.create_connection((host, port), timeout=SCENARIO_LIMIT_S)
    except OSError as error:
        return cannot_connect(host, port, error)
    with sock:
        sock.sendall(b"silent\n")
        say('sent "silent\\n": the server reads it and will never answer')
        start = time.perf_counter()
        sock.settimeout(1.0)  # from now on a recv() that gets nothing for 1 s raises TimeoutError
        try:
            data = sock.recv(65536)
        except TimeoutError as error:  # socket.timeout: the same class since Python 3.10
            sock.close()  # a timeout closes nothing by itself: giving up is our decision
            say(f"no answer; after {since(start)} of silence our timeout fired, and we gave up and closed the connection")
            say(f"Python: after sock.settimeout(1.0), sock.recv() raised {type(error).__name__} "
                "(socket.timeout before Python 3.10)")
            say("Node error code: none: socket.setTimeout(1000) only emits a 'timeout' event "
                "(a connect that the OS gives up on is ETIMEDOUT)")
            say("what it means: a stuck server, a lost packet and an unplugged cable all look like silence, "
                "so every wait needs a limit")
            return True
        except OSError as error:
            say(f"NOT as explained: the socket failed with {type(error).__name__}")
            return False
    say(f"NOT as explained: it answered {quoted(data)}" if data else "NOT as explained: the server closed the connection")
    return False


def reset_by_peer(host: str, port: int) -> bool:
    try:
        sock = socket.create_connection((host, port), timeout=SCENARIO_LIMIT_S)
    except OSError as error:
        return cannot_connect(host, port, error)
    with sock:
        sock.sendall(b"reset\n")
        say('sent "reset\\n": the server will abort the connection with a TCP reset (RST) instead of closing it')
        start = time.perf_counter()
        try:
            data = sock.recv(65536)
        except TimeoutError:
            say("NOT as explained: nothing happened")
            return False
        except OSError as error:
            say(f"the connection failed {since(start)} after we sent the command")
            say(f"Python: sock.recv() raised {type(error).__name__}")
            say("Node error code: ECONNRESET")
            say("what it means: the other side aborted the connection instead of closing it "
                "(this server on purpose, with SO_LINGER 0), and anything still on the way is lost")
            if isinstance(error, ConnectionResetError):
                return True
            say(f"NOT as explained: expected ConnectionResetError, got {type(error).__name__}: {error}")
            return False
    say(f"NOT as explained: it answered {quoted(data)}" if data else "NOT as explained: the server closed the connection")
    return False


def closed_with_unread_data(host: str, port: int) -> bool:
    # A listener of our own that accepts one connection and never reads from it.
    with socket.create_server((host, 0)) as listener:
        with socket.create_connection(listener.getsockname(), timeout=SCENARIO_LIMIT_S) as sock:
            theirs, _ = listener.accept()
            request = b"bytes that nobody will read\n"
            sock.sendall(request)
            say(f"connected to a listener of our own that never reads, and sent it {len(request)} bytes")
            time.sleep(0.1)  # time for them to arrive in its receive buffer
            theirs.close()  # close() while unread bytes wait: the OS answers with a reset, not a FIN
            say("the listener closed its end with our bytes still unread in its receive buffer")
            start = time.perf_counter()
            try:
                data = sock.recv(65536)
            except OSError as error:
                say(f"our connection failed {since(start)} after that close")
                say(f"Python: sock.recv() raised {type(error).__name__}")
                say("Node error code: ECONNRESET")
                say('what it means: closing a socket with data still unread tells the sender "your bytes were '
                    'thrown away": a reset, not a normal close')
                if isinstance(error, ConnectionResetError):
                    return True
                say(f"NOT as explained: expected ConnectionResetError, got {type(error).__name__}: {error}")
                return False
    say(f"NOT as explained: it answered {quoted(data)}" if data else "NOT as explained: the listener closed the connection normally")
    return False


def peer_killed(host: str, port: int) -> bool:
    # peer.py: prints its port, accepts one connection, prints "accepted", then waits to be killed.
    peer_program = os.path.join(os.path.dirname(os.path.abspath(__file__)), "peer.py")
    peer = subprocess.Popen([sys.executable, peer_program, "--host", host], stdout=subprocess.PIPE, text=True)
    try:
        first_line = peer.stdout.readline()
        if not first_line.strip().isdigit():
            say(f"NOT as explained: the other program did not start (it printed {first_line!r})")
            return False
        peer_port = int(first_line)
        with socket.create_connection((host, peer_port), timeout=SCENARIO_LIMIT_S) as sock:
            peer.stdout.readline()  # "accepted": the connection is the program's own, not waiting in its queue
            say(f"connected to another program (process {peer.pid}), then killed it: it could not run a line of its own")
            peer.kill()  # SIGKILL (on Windows, TerminateProcess)
            peer.wait()
            data = sock.recv(65536)
            if data:
                say(f"NOT as explained: it answered {quoted(data)}")
                return False
            say("its operating system closed the killed program's socket normally: sock.recv() returned b\"\"")
            sock.sendall(b"first message\n")
            time.sleep(0.1)  # time for the peer's answer to that send
            try:
                sock.sendall(b"second message\n")
            except OSError as error:
                say("the first sock.sendall() still returned: the bytes left, and the peer's OS answered them with a reset")
                say(f"the second failed: Python: sock.sendall() raised {type(error).__name__}")
                say(f"Node error code: {'EPIPE' if isinstance(error, BrokenPipeError) else 'ECONNRESET'} (after the 'end' event, the first write() works)")
                say("what it means: when a program dies, even by SIGKILL, its OS closes its sockets as close() would: "
                    "normally, unless bytes were left unread. A send that returns only means the bytes left, "
                    "not that anyone read them")
                # Linux says EPIPE; Windows (and some other systems) report the peer's reset instead.
                if isinstance(error, BrokenPipeError) or (isinstance(error, ConnectionResetError) and sys.platform != "linux"):
                    return True
                say(f"NOT as explained: expected BrokenPipeError, got {type(error).__name__}: {error}")
                return False
            say("NOT as explained: the second sendall() worked too")
            return False
    finally:
        peer.kill()
        peer.wait()


def half_close(host: str, port: int) -> bool:
    try:
        sock = socket.create_connection((host, port), timeout=SCENARIO_LIMIT_S)
    except OSError as error:
        return cannot_connect(host, port, error)
    body = b"these bytes are the whole request\n"
    with sock:
        sock.sendall(b"half-close\n" + body)
        sock.shutdown(socket.SHUT_WR)  # sends FIN: "I have nothing more to send"
        say(f'sent "half-close\\n", then {len(body)} more bytes, then called sock.shutdown(socket.SHUT_WR): '
            "our sending side is closed, our receiving side is open")
        received = b""
        ended = "end"
        deadline = time.monotonic() + SCENARIO_LIMIT_S
        try:
            while True:
                sock.settimeout(max(deadline - time.monotonic(), 0.001))
                chunk = sock.recv(65536)
                if not chunk:  # b"": the server closed its side too
                    break
                received += chunk
        except TimeoutError:
            ended = "timeout"
        except OSError as error:
            ended = type(error).__name__
    expected = (f"you sent {len(body)} bytes and then closed your side; "
                "my side is still open, so here is my answer\n").encode()
    if ended != "end" or received != expected:
        say(f"NOT as explained: got {quoted(received)}, then {ended}")
        return False
    say(f"after closing our side we still received {len(received)} bytes: {quoted(received)}")
    say('Python: no exception: sock.shutdown(socket.SHUT_WR), then sock.recv() still returned the answer, then b""')
    say("Node error code: none: socket.end() is no error, and Node emits 'end' when the server closes its side too")
    say('what it means: a TCP connection has two directions that close separately, so "I am done sending" '
        "is itself a message")
    return True


def wait_for_server(host: str, port: int) -> bool:
    """Connects to the server; while the connection is refused, tries again after a wait that
    doubles each time (100, 200, 400, 800 ms). True once it connected."""
    delay_ms = FIRST_DELAY_MS
    for attempt in range(1, ATTEMPTS + 1):
        try:
            # It only has to be there: each scenario makes its own connection.
            socket.create_connection((host, port), timeout=SCENARIO_LIMIT_S).close()
        except ConnectionRefusedError:
            if attempt == ATTEMPTS:
                print(f"client: attempt {attempt} of {ATTEMPTS}: connection refused, giving up")
                return False
            print(f"client: attempt {attempt} of {ATTEMPTS}: connection refused, trying again in {delay_ms} ms")
            time.sleep(delay_ms / 1000)  # sleep() takes seconds
            delay_ms *= 2
        except OSError as error:
            print(f"client: attempt {attempt} of {ATTEMPTS}: {error}, giving up")
            return False
        else:
            print(f"client: attempt {attempt} of {ATTEMPTS}: connected")
            return True
    return False


SCENARIOS = [
    ("connection refused", connection_refused),
    ("address already in use", address_in_use),
    ("timeout", timeout),
    ("connection reset by peer", reset_by_peer),
    ("closed with unread data", closed_with_unread_data),
    ("peer killed", peer_killed),
    ("half-close", half_close),
]


def main() -> int:
    parser = argparse.ArgumentParser(description="seven things that happen to connections, made to happen and explained")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7013)
    options = parser.parse_args()
    if not wait_for_server(options.host, options.port):
        print(f"client: nothing is listening on {options.host}:{options.port}. Start the server first: python3 server.py")
        return 1

    failed = 0
    for number, (title, scenario) in enumerate(SCENARIOS, start=1):
        print(f"client: [{number}/{len(SCENARIOS)}] {title}")
        try:
            behaved = scenario(options.host, options.port)
        except OSError as error:  # e.g. sendall() failed: the server is not the one we expect
            say(f"NOT as explained: {type(error).__name__}: {error}")
            behaved = False
        if not behaved:
            failed += 1

    if failed == 0:
        print(f"client: all {len(SCENARIOS)} scenarios behaved as explained")
    else:
        print(f"client: {failed} of {len(SCENARIOS)} scenarios did not behave as explained")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    sys.exit(main())
