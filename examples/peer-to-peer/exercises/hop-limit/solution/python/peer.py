"""A peer in a ring. Every peer is a server AND a client: it listens for messages from the
peer before it, and it connects to the peer after it ("next") to pass each message on.
There is no central server: take any peer away and only the ring through it breaks.

The Python twin of peer.js, written with the socket calls themselves:
  server side   socket() -> bind() -> listen() -> accept() -> recv()/sendall()
  client side   socket.create_connection((host, port), timeout=5) -> sendall() -> recv()
A peer has to do three things at once: accept connections, serve each of them, and read what
you type. Node does all three in one thread with one event loop, each started by an event
('connection', 'data', 'line'). Python's socket calls block (accept() waits until someone
connects, recv() until bytes arrive), so here each waiting job gets a thread of its own:
one thread accepts, every accepted connection and every message passed on gets a thread,
the main thread reads your commands, and a lock guards the messages and next peer they
share (Node needs none: its callbacks never run at the same time).

You steer a peer by typing commands (one per line) into it:
  next HOST:PORT   pass messages on to the peer listening there
  send TEXT        start a message around the ring
  help             list the commands
On the wire: one JSON object per line (README.md lists every byte).
  {"type":"message","id":"A-1","origin":"A","text":"hello","path":["A"],"ttl":16}
  {"type":"ack","id":"A-1"}                the receiver's answer on the same connection

Run: python3 peer.py --name A [--host 127.0.0.1] [--port 7012]   (port 0 = any free port)
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import re
import signal
import socket
import sys
import threading
import time
from typing import Any, Optional, Union

MAX_LINE_BYTES = 1024 * 1024  # a longer line is refused, so one peer cannot fill our memory
IDLE_TIMEOUT_S = 30  # a connection that sends nothing for this long is closed
ACK_TIMEOUT_S = 5  # how long we wait for the next peer's ack before we keep the message
MAX_HOPS = 16  # a message that made this many hops without coming home is dropped (like IP's TTL)
MAX_KEPT = 100  # at most this many messages wait for a next peer; beyond that the oldest goes
NAME = re.compile(r"[A-Za-z0-9]{1,32}")
ID = re.compile(r"[A-Za-z0-9._:-]{1,100}")
BLANK = re.compile(r"[ \t\r]*")
# The characters JavaScript's trim() and \s count as spaces, so that typed commands are read
# exactly as peer.js reads them (Python's str.strip() has a slightly different list).
JS_SPACES = ("\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
             "\u2028\u2029\u202f\u205f\u3000\ufeff")
ADDRESS = re.compile(rf"\[?([^{JS_SPACES}\]]+)\]?:([0-9]{{1,5}})")
LONE_SURROGATE = re.compile("[\ud800-\udfff]")

Message = dict[str, Any]  # {"type": "message", "id": ..., "origin": ..., "text": ..., "path": [...]}
Address = tuple[str, int]  # (host, port)

me = ""
next_peer: Optional[Address] = None  # the peer we pass messages to, set by the "next" command
kept: list[Message] = []  # messages waiting for a next peer
messages_sent = 0
state = threading.Lock()  # guards next_peer, kept and messages_sent: several threads use them
output = threading.RLock()  # one line at a time on stdout, even when threads print at once


def say(text: str) -> None:
    # A string cut in half between two UTF-16 units (see js_cut) cannot be printed as UTF-8;
    # Node prints U+FFFD for such a half, and so do we.
    with output:
        print(f"peer {me}: {LONE_SURROGATE.sub(chr(0xFFFD), text)}")


# ---- JSON exactly as JavaScript writes and reads it. ----

def to_json(value: Any) -> str:
    """JSON.stringify(value): compact, members in insertion order, UTF-8 as it is. A lone
    UTF-16 surrogate (which "\\ud800" in a received text can produce) is written as an
    escape, as JSON.stringify does, because it has no UTF-8 encoding."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def from_json(text: str) -> Any:
    """JSON.parse(text): rejects NaN and Infinity (not JSON, but Python's json accepts them)
    and takes numbers of any length (Python limits int conversions to 4300 digits)."""
    def no_constant(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")
    return json.loads(text, parse_constant=no_constant, parse_int=float)


def js_cut(text: str, limit: int) -> tuple[str, bool]:
    """text.slice(0, limit) in JavaScript, and whether it cut anything. JavaScript counts a
    string's length in UTF-16 units, so a character beyond U+FFFF (an emoji) counts 2."""
    units = text.encode("utf-16-le", "surrogatepass")
    if len(units) <= 2 * limit:
        return text, False
    return units[: 2 * limit].decode("utf-16-le", "surrogatepass"), True


def show(text: str) -> str:
    """A short picture of a text for the log: quoted and escaped like JSON, cut after 50 characters."""
    start, was_cut = js_cut(text, 50)
    return to_json(start) + ("..." if was_cut else "")


def cut(line: str) -> str:
    """A received or sent line for the log, cut after 150 characters."""
    start, was_cut = js_cut(line, 150)
    return start + ("..." if was_cut else "")


# ---- The server side: other peers connect to us and hand us messages. ----

def accept_forever(server: socket.socket) -> None:
    while True:
        try:
            conn, address = server.accept()  # accept(): a new socket for each peer that connects
        except OSError as error:
            if server.fileno() == -1:
                return  # the listening socket was closed: we are stopping
            say(f"could not accept a connection: {error.strerror or error}")  # e.g. too many open files
            time.sleep(0.1)
            continue
        sender = f"{address[0]}:{address[1]}"
        threading.Thread(target=serve, args=(conn, sender), daemon=True).start()


def serve(conn: socket.socket, sender: str) -> None:
    """Answers every message line on one connection, until the sender closes it."""
    conn.settimeout(IDLE_TIMEOUT_S)
    pending = b""  # bytes received since the last newline
    with conn:
        try:
            while True:
                chunk = conn.recv(65536)  # b"": the sender closed its side
                if not chunk:
                    return  # an unfinished last line is dropped; leaving `with` closes ours
                pending += chunk
                start = 0
                while (newline := pending.find(b"\n", start)) != -1 and newline - start <= MAX_LINE_BYTES:
                    answer_line(conn, sender, pending[start:newline])
                    start = newline + 1
                pending = pending[start:]
                if len(pending) > MAX_LINE_BYTES:
                    say(f"{sender} sent a line over {MAX_LINE_BYTES} bytes, closing")
                    answer(conn, {"type": "error", "message": f"line longer than {MAX_LINE_BYTES} bytes, closing"})
                    refuse(conn)
                    return
        except socket.timeout:
            say(f"{sender} sent nothing for {IDLE_TIMEOUT_S} s, closing")
        except OSError as error:  # e.g. the sender vanished (ECONNRESET): this thread ends, the peer goes on
            say(f"connection from {sender} failed: {error.strerror or error}")


def answer_line(conn: socket.socket, sender: str, line: bytes) -> None:
    checked = check_message(line)
    if checked is None:
        return  # a blank line: nothing to do
    if isinstance(checked, str):
        say(f"{sender} sent a bad line: {checked}")
        answer(conn, {"type": "error", "message": checked})
    else:
        answer(conn, {"type": "ack", "id": checked["id"]})  # "got it": from now on it is our job
        handle(checked)


def answer(conn: socket.socket, reply: dict[str, str]) -> None:
    # sendall() waits while the sender does not read our answers, so meanwhile we read nothing.
    conn.sendall((to_json(reply) + "\n").encode())


def refuse(conn: socket.socket) -> None:
    """Closes our sending side, then reads and drops input for up to 2 s so the sender can
    read the error (closing with unread data would send a reset instead), then closes."""
    deadline = time.monotonic() + 2
    try:
        conn.shutdown(socket.SHUT_WR)
        while (left := deadline - time.monotonic()) > 0:
            conn.settimeout(left)
            if not conn.recv(65536):
                break
    except OSError:
        pass


def check_message(line: bytes) -> Union[Message, str, None]:
    """Checks one received line (the bytes before "\\n"). Returns the message, an error text
    for the sender, or None for a blank line."""
    try:
        text = line.decode("utf-8")  # bytes that are not UTF-8 are not JSON either
        if BLANK.fullmatch(text):
            return None
        data = from_json(text)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than Python's json can go
        return "not valid JSON"
    if not isinstance(data, dict) or data.get("type") != "message":
        return 'expected a JSON object with "type":"message"'
    id_, origin, text, path, ttl = (data.get(key) for key in ("id", "origin", "text", "path", "ttl"))
    if not isinstance(id_, str) or not ID.fullmatch(id_):
        return '"id" must be 1 to 100 letters, digits or . _ : -'
    if not isinstance(origin, str) or not NAME.fullmatch(origin):
        return '"origin" must be a peer name: 1 to 32 letters or digits'
    if not isinstance(text, str):
        return '"text" must be a string'
    names = isinstance(path, list) and 1 <= len(path) <= MAX_HOPS and all(
        isinstance(name, str) and NAME.fullmatch(name) for name in path)
    if not names or path[0] != origin:
        return f'"path" must be a list of 1 to {MAX_HOPS} peer names, starting with the origin'
    # from_json() reads every number as a float, as JavaScript does: 3 arrives as 3.0.
    if not isinstance(ttl, float) or not ttl.is_integer() or not 1 <= ttl <= MAX_HOPS:
        return f'"ttl" must be a whole number from 1 to {MAX_HOPS}'
    # Rebuild it, so that we pass on exactly these members, in this order, and nothing else.
    return {"type": "message", "id": id_, "origin": origin, "text": text, "path": list(path), "ttl": int(ttl)}


def handle(message: Message) -> None:
    """What we do with a message once we have acknowledged it."""
    message["path"].append(me)
    message["ttl"] -= 1  # this hop used one up
    hops = len(message["path"]) - 1
    if message["origin"] == me:
        say(f"my message came back: {' -> '.join(message['path'])} ({hops} {'hop' if hops == 1 else 'hops'})")
    elif message["ttl"] == 0:
        say(f"dropping {message['id']} from {message['origin']}: its ttl ran out")
    elif hops >= MAX_HOPS:
        say(f"dropping {message['id']} from {message['origin']}: {hops} hops and still not home "
            f"(is {message['origin']} in the ring?)")
    else:
        with state:
            to = next_peer
            if to is None:
                keep(message, f"got {show(message['text'])} from {message['origin']}, but I have no next peer")
                return
        say(f"got {show(message['text'])} from {message['origin']}, passing it to {to[0]}:{to[1]}")
        pass_on_later(message, to)


def keep(message: Message, why: str) -> None:
    """Call with `state` held."""
    if len(kept) >= MAX_KEPT:
        say(f"already keeping {MAX_KEPT} messages: dropping the oldest, {kept.pop(0)['id']}")
    kept.append(message)
    say(f"{why}: keeping it ({len(kept)} kept). Type: next HOST:PORT")


# ---- The client side: we connect to the next peer, send one message, wait for its ack. ----

def pass_on_later(message: Message, to: Address) -> None:
    """Passes the message on in a thread of its own, so nobody waits for the next peer's ack."""
    threading.Thread(target=pass_on, args=(message, to), daemon=True).start()


def pass_on(message: Message, to: Address) -> None:
    address = f"{to[0]}:{to[1]}"
    line = to_json(message)
    try:
        # timeout=5: connect() and every recv() below give up after 5 s of silence.
        with socket.create_connection(to, timeout=ACK_TIMEOUT_S) as sock:
            data = (line + "\n").encode()
            sock.sendall(data)
            say(f"sent {len(data)} bytes to {address} from my port {sock.getsockname()[1]}: {cut(line)}")
            problem = check_ack(read_reply(sock), message["id"])
            if problem is None:
                say(f"{address} acknowledged {message['id']}, closing that connection")
                try:
                    sock.shutdown(socket.SHUT_WR)  # like Node's socket.end(): "I am done sending"
                except OSError:
                    pass  # the message is delivered; how the connection ends no longer matters
                return
    except socket.timeout:  # the same class as TimeoutError since Python 3.10
        problem = f"no ack within {ACK_TIMEOUT_S} s"
    except ConnectionRefusedError:
        problem = "nothing is listening there (ECONNREFUSED)"
    except OSError as error:
        problem = error.strerror or str(error)
    with state:
        keep(message, f"could not pass {message['id']} to {address}: {problem}")


def check_ack(reply: Optional[bytes], id_: str) -> Optional[str]:
    """None if `reply` is the ack for `id_`, else what is wrong with it."""
    if reply is None:
        return "its answer was too long"
    if reply == b"":
        return "it closed the connection before acknowledging"
    text = reply.decode("utf-8", "replace")
    try:
        data = from_json(text)
    except (ValueError, RecursionError):
        data = None
    if isinstance(data, dict) and data.get("type") == "ack" and data.get("id") == id_:
        return None
    return f"it answered {cut(text)} instead of an ack"


def read_reply(sock: socket.socket) -> Optional[bytes]:
    """The first reply line (without "\\n"); b"" if the connection closed first; None if more
    than MAX_LINE_BYTES came without a newline."""
    pending = b""
    while (newline := pending.find(b"\n")) == -1:
        if len(pending) > MAX_LINE_BYTES:
            return None
        chunk = sock.recv(65536)
        if not chunk:
            return b""
        pending += chunk
    return pending[:newline] if newline <= MAX_LINE_BYTES else None


# ---- Commands typed into this peer (from the keyboard, or from start.py). ----

def command(typed: str) -> None:
    global next_peer, messages_sent
    word, *rest = typed.strip(JS_SPACES).split(" ")
    argument = " ".join(rest).strip(JS_SPACES)
    if word == "":
        return
    if word == "help":
        say("next HOST:PORT   pass messages on to the peer listening there")
        say("send TEXT        start TEXT on a trip around the ring")
        say("help             show these commands")
    elif word == "next":
        match = ADDRESS.fullmatch(argument)
        if not match or not 1 <= int(match.group(2)) <= 65535:
            say(f'"next" needs an address like 127.0.0.1:7112, not "{argument}"')
            return
        with state:
            next_peer = (match.group(1), int(match.group(2)))
            waiting = kept[:]  # try again with every message that was waiting for a next peer
            kept.clear()
            say(f"my next peer is now {next_peer[0]}:{next_peer[1]}")
            for message in waiting:
                pass_on_later(message, next_peer)
    elif word == "send" and argument == "":
        say('"send" needs some text, like: send hello')
    elif word == "send":
        with state:
            messages_sent += 1
            message = {"type": "message", "id": f"{me}-{messages_sent}", "origin": me, "text": argument, "path": [me],
                       "ttl": MAX_HOPS}
            if next_peer is None:
                keep(message, f"I have no next peer to send {message['id']} to")
                return
            to = next_peer
        say(f"sending {show(argument)} as {message['id']} to {to[0]}:{to[1]}")
        pass_on_later(message, to)
    else:
        say(f'unknown command "{word}"; type help')


def main() -> None:
    global me
    parser = argparse.ArgumentParser(description="a peer in a ring")
    parser.add_argument("--name")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7012)
    options = parser.parse_args()
    if options.name is None or not NAME.fullmatch(options.name):
        print("peer: give every peer a name of 1 to 32 letters or digits, e.g. python3 peer.py --name A", file=sys.stderr)
        sys.exit(1)
    me = options.name

    family = socket.AF_INET6 if ":" in options.host else socket.AF_INET
    server = socket.socket(family, socket.SOCK_STREAM)  # socket()
    # SO_REUSEADDR: restart at once, even while old connections linger (Node sets it too). Only
    # on Linux and macOS: on Windows it would let a second program take the port as well.
    if os.name == "posix":
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        server.bind((options.host, options.port))  # bind()
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            print(f"peer {me}: port {options.port} on {options.host} is already in use. Stop the other program "
                  f"or choose another port: python3 peer.py --name {me} --port 0", file=sys.stderr)
        else:
            print(f"peer {me}: {error}", file=sys.stderr)
        sys.exit(1)
    server.listen()  # listen()
    host, port = server.getsockname()[:2]
    say(f"listening on {host}:{port}")
    say('type "help" for commands')

    def stop(signum: int, frame: object) -> None:
        output.acquire()  # for good: no other thread prints while Python shuts down
        count = len(kept)
        say(f"stopping ({count} kept {'message is' if count == 1 else 'messages are'} lost)" if count else "stopping")
        server.close()
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    threading.Thread(target=accept_forever, args=(server,), daemon=True).start()

    # Like Node's readline: UTF-8 (bad bytes become U+FFFD), and a line ends at "\n", "\r\n",
    # "\r", U+2028 or U+2029.
    sys.stdin.reconfigure(encoding="utf-8", errors="replace", newline=None)
    for line in sys.stdin:
        for typed in re.split("[\u2028\u2029]", line.rstrip("\n")):
            command(typed)
    while True:  # no more commands (stdin closed), but we still serve the ring until stopped
        time.sleep(3600)


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # each line appears at once, even in a pipe
    main()
