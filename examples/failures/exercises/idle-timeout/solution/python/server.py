"""A deliberately misbehaving server, so that client.py can show what goes wrong on a
network. A client sends one command per line:
  echo TEXT     answers TEXT and a newline; the connection stays open for more commands
  silent        reads everything, answers nothing ever again    (the client must time out)
  reset         aborts the connection at once with a TCP reset  (the client gets ConnectionResetError)
  half-close    waits until the client has closed its sending side, then answers and closes
Anything else gets `error: unknown command "..."`. README.md lists every byte.

The Python twin of server.js, written with the socket calls themselves:
socket() -> bind() -> listen() -> accept() -> recv()/sendall() -> shutdown()/close().
Node serves all clients from one event loop and tells us about each connection with events
('data', 'end'); here each accepted connection gets its own thread that simply waits in
recv(). The end of the client's sending side is then not an event but recv() returning b"",
and our own sending side stays open until we call shutdown(SHUT_WR) or close(), so the
"half-close" answer needs nothing like Node's allowHalfOpen option.

Run: python3 server.py [--host 127.0.0.1] [--port 7013] [--idle-timeout 30]   (port 0 = any free port)
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import signal
import socket
import struct
import sys
import threading
import time

MAX_LINE_BYTES = 1024 * 1024  # a longer command line is refused, so one client cannot fill our memory
IDLE_TIMEOUT_S = 30  # a client that sends nothing for this long is disconnected (also a "silent" one)

output = threading.RLock()  # one line at a time on stdout, even when threads print at once


def say(text: str) -> None:
    with output:
        print(f"server: {text}")


def serve_client(conn: socket.socket, peer: str, idle_timeout_s: float) -> None:
    """Runs one client's commands. The connection is in one of these states: reading
    "commands", "silent" (reading, never answering), "half-close" (counting bytes until the
    client closes its side) or "finished" (reset)."""
    say(f"accepted a connection from {peer}")
    state = "commands"
    pending = b""  # bytes received since the last newline
    counted = 0  # bytes received after a "half-close" command: counted, never stored
    conn.settimeout(idle_timeout_s)
    with conn:
        try:
            while True:
                chunk = conn.recv(65536)
                if not chunk:  # the client closed its sending side; ours is still open
                    if state == "half-close":
                        say(f"{peer} closed its sending side after {counted} more bytes; answering on mine")
                        answer = f"you sent {counted} bytes and then closed your side; my side is still open, so here is my answer\n"
                        conn.sendall(answer.encode())
                    else:
                        say(f"{peer} closed the connection")  # an unfinished last line is dropped
                    conn.shutdown(socket.SHUT_WR)  # now we close ours too
                    return
                if state == "half-close":
                    counted += len(chunk)
                if state != "commands":
                    continue  # silent or half-close: read it, drop it
                pending += chunk
                start = 0
                while state == "commands" and (newline := pending.find(b"\n", start)) != -1 \
                        and newline - start <= MAX_LINE_BYTES:
                    state = run(conn, peer, pending[start:newline])
                    start = newline + 1
                if state == "finished":
                    return  # reset: the socket is already closed
                if state == "half-close":
                    counted += len(pending) - start  # bytes that came with the command
                    pending = b""
                elif state == "silent":
                    pending = b""
                elif len(pending) - start > MAX_LINE_BYTES:
                    say(f"{peer} sent a line over {MAX_LINE_BYTES} bytes, refusing it")
                    conn.sendall(f"error: line longer than {MAX_LINE_BYTES} bytes, closing\n".encode())
                    refuse(conn, peer)
                    return
                else:
                    pending = pending[start:]
        except socket.timeout:
            say(f"{peer} sent nothing for {idle_timeout_s:g} s, closing")
            try:
                conn.sendall(b"error: idle for too long, closing\n")
                refuse(conn, peer)  # closes our side, lets the client read the goodbye, then closes
            except OSError:
                pass  # the client is gone already
        except OSError as error:  # e.g. the client vanished (ECONNRESET): this thread ends, the server goes on
            say(f"connection to {peer} failed: {error.strerror or error}")


def run(conn: socket.socket, peer: str, line: bytes) -> str:
    """Runs one command (the bytes before "\\n") and returns the connection's next state."""
    if line.endswith(b"\r"):
        line = line[:-1]  # "\r\n" line ends (telnet) are fine too
    text = line.decode("utf-8", "replace")  # bytes that are not UTF-8 become U+FFFD
    if text == "echo" or text.startswith("echo "):
        answer = line[5:] + b"\n"  # the bytes after "echo ", exactly as they came
        conn.sendall(answer)  # waits while the client does not read: meanwhile we read nothing
        say(f"echoed {len(answer)} bytes to {peer}")
        return "commands"
    if text == "silent":
        say(f"{peer} asked for silence: reading, never answering")
        return "silent"
    if text == "reset":
        say(f"{peer} asked for a reset: aborting the connection")
        # SO_LINGER "on, 0 seconds": close() must not linger to deliver what is still unsent
        # and say goodbye with a FIN; it drops everything and sends a TCP reset (RST) instead.
        # This is what Node's socket.resetAndDestroy() does.
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()
        return "finished"
    if text == "half-close":
        say(f"{peer} asked for half-close: waiting until it closes its sending side")
        return "half-close"
    conn.sendall(f"error: unknown command {json.dumps(text, ensure_ascii=False)}\n".encode())
    say(f"{peer} sent an unknown command ({len(line)} bytes)")
    return "commands"


def refuse(conn: socket.socket, peer: str) -> None:
    """Closes our sending side, then reads and drops input for up to 2 s so the client can
    read the error (closing with unread data would send a reset instead), then closes."""
    deadline = time.monotonic() + 2
    try:
        conn.shutdown(socket.SHUT_WR)
        while (left := deadline - time.monotonic()) > 0:
            conn.settimeout(left)
            if not conn.recv(65536):
                say(f"{peer} closed the connection")
                break
    except OSError:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description="a deliberately misbehaving server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7013)
    parser.add_argument("--idle-timeout", type=float, default=IDLE_TIMEOUT_S, help="seconds a client may send nothing")
    options = parser.parse_args()

    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # socket()
    # SO_REUSEADDR: restart at once, even while old connections linger (Node sets it too). Only
    # on Linux and macOS: on Windows it would let a second program take the port as well.
    if os.name == "posix":
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        server.bind((options.host, options.port))  # bind()
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            print(f"server: port {options.port} on {options.host} is already in use. Stop the other program "
                  f"or choose another port: python3 server.py --port 0", file=sys.stderr)
        else:
            print(f"server: {error}", file=sys.stderr)
        sys.exit(1)
    server.listen()  # listen()
    host, port = server.getsockname()[:2]
    say(f"listening on {host}:{port}")

    def stop(signum: int, frame: object) -> None:
        output.acquire()  # for good: no other thread prints while Python shuts down
        print("server: stopping")
        server.close()
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    while True:
        conn, (peer_host, peer_port) = server.accept()  # accept(): a new socket for this client
        threading.Thread(target=serve_client, args=(conn, f"{peer_host}:{peer_port}", options.idle_timeout), daemon=True).start()


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # each line appears at once, even in a pipe
    main()
