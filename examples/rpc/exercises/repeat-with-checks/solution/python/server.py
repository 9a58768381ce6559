"""JSON-RPC 2.0 server over TCP: a client names a function ("method") and its arguments
("params"), the server runs it and sends back the result or an error. That is RPC, a remote
procedure call. The Python twin of server.js; ../README.md lists every byte it sends.

Python's standard library has RPC built in: xmlrpc.server.SimpleXMLRPCServer registers plain
functions (server.register_function(add)) and xmlrpc.client.ServerProxy calls them
(proxy.add(2, 3)), with XML over HTTP. xmlrpc cannot speak JSON lines over a socket, so this
twin shows the same idea by hand with socketserver, the standard library's frame for TCP
servers: socketserver.ThreadingTCPServer accepts connections and runs one
StreamRequestHandler per client in its own thread. Node serves every client from one event
loop; here each client gets a thread that simply blocks while it waits, the plainest way in
Python to serve many clients at once. The calls it makes:
  ThreadingTCPServer((host, port), Handler)    net.createServer(), server.listen()
  self.rfile.readline(MAX_LINE_BYTES + 1)      'data' events split at "\n", at most 1 MiB
  json.loads(text, parse_int=float, ...)       JSON.parse(text)
  self.wfile.write(reply_line)                 socket.write(reply_line)

Both servers must send the same bytes, and JavaScript differs from Python in two places:
every JSON number in JavaScript is a float (a double), written without ".0" and with its own
exponent rules, and JSON.stringify writes a lone surrogate as a \\udXXX escape. to_json()
below writes JSON exactly as JSON.stringify does.

Run: python3 server.py [--host 127.0.0.1] [--port 7010]   (port 0 = any free port)
"""

from __future__ import annotations

import argparse
import errno
import json
import math
import re
import signal
import socket
import socketserver
import sys
import threading
import time
from decimal import Decimal
from typing import Any, Callable, Optional

MAX_LINE_BYTES = 1024 * 1024  # a longer request line is refused, so one client cannot fill our memory
MAX_BATCH = 1000  # a batch may hold at most this many requests: one line, bounded work
IDLE_TIMEOUT_S = 30  # a client that sends nothing for this long is disconnected
MAX_REPEAT = 100  # repeat() makes at most this many copies, so one call cannot ask for millions of them

# The error codes the specification defines, and the ones this server's methods add.
PARSE_ERROR = -32700  # the line is not JSON
INVALID_REQUEST = -32600  # JSON, but not a request object
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603  # the method failed in a way nobody planned for (a bug)
MESSAGES = {
    PARSE_ERROR: "Parse error",
    INVALID_REQUEST: "Invalid Request",
    METHOD_NOT_FOUND: "Method not found",
    INVALID_PARAMS: "Invalid params",
    INTERNAL_ERROR: "Internal error",
}


class RpcError(Exception):
    """An error the caller should see: it becomes {"code": ..., "message": ...} in the reply."""

    def __init__(self, code: int, message: Optional[str] = None):
        self.code = code
        self.message = message or MESSAGES.get(code, "Error")
        super().__init__(self.message)


# ---- The procedures a client may call ------------------------------------------------------
# Like Python functions, each takes its arguments by position (params [a, b]) or by name
# (params {"a": ..., "b": ...}). Every JSON number arrives as a float, as in JavaScript.

def add(params: Any) -> float:
    a, b = read_args(params, ["a", "b"], float)
    return finite(a + b)


def subtract(params: Any) -> float:
    a, b = read_args(params, ["a", "b"], float)
    return finite(a - b)


def divide(params: Any) -> float:
    a, b = read_args(params, ["a", "b"], float)
    if b == 0:
        raise RpcError(1, "division by zero")  # an error the caller must handle
    return finite(a / b)


def echo(params: Any) -> str:
    return read_args(params, ["text"], str)[0]


def repeat(params: Any) -> str:
    """repeat(text, count): the text `count` times over; count is a whole number from 0 to MAX_REPEAT."""
    text, count = read_args(params, ["text", "count"], [str, float])
    # Check the value too, not only the type: "ab" * 2.5 raises a TypeError, which the caller
    # would see as Internal error, and "ab" * -1 quietly gives "".
    if not count.is_integer() or not 0 <= count <= MAX_REPEAT:
        raise RpcError(INVALID_PARAMS)
    return text * int(count)


def broken(params: Any) -> Any:
    """A method with a bug, to show that the server answers -32603 instead of crashing."""
    nothing = json.loads("null")
    return nothing["field"]  # TypeError: 'NoneType' object is not subscriptable


METHODS: dict[str, Callable[[Any], Any]] = {
    "add": add, "subtract": subtract, "divide": divide, "echo": echo, "repeat": repeat, "broken": broken,
}


def read_args(params: Any, names: list[str], kind: type | list[type]) -> list[Any]:
    """The arguments in order, from params by position or by name. A wrong count, wrong
    names or wrong types are "Invalid params". `kind` is the type of every argument, or a
    list with the type of each."""
    kinds = kind if isinstance(kind, list) else [kind] * len(names)
    values = params if isinstance(params, list) else []
    if isinstance(params, dict) and sorted(params) == sorted(names):
        values = [params[name] for name in names]
    if len(values) != len(names) or not all(isinstance(value, k) for value, k in zip(values, kinds)):
        raise RpcError(INVALID_PARAMS)
    return values


def finite(value: float) -> float:
    """JSON has no infinity, so an overflowing result is an error rather than a wrong answer."""
    if not math.isfinite(value):
        raise RpcError(2, "result out of range")
    return value


# ---- JSON as JavaScript reads and writes it -----------------------------------------------

def reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")  # Python's json accepts NaN and Infinity; JSON.parse does not


def parse_json(text: str) -> Any:
    """JSON.parse: every number becomes a float (JavaScript has no other kind of number)."""
    return json.loads(text, parse_int=float, parse_constant=reject_constant)


LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def to_json(value: Any) -> str:
    """JSON.stringify: compact, members in insertion order, numbers written as JavaScript
    writes them, lone surrogates (from "\\ud800" in a request) escaped instead of raw."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{to_json(key)}:{to_json(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(to_json(item) for item in value) + "]"
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
        return LONE_SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
    if isinstance(value, float):
        return js_number(value)
    return json.dumps(value)  # int (our error codes), True, False, None


def js_number(x: float) -> str:
    """A number as JavaScript writes it (Number.prototype.toString): 5 not 5.0, 1e-7 not
    1e-07, 1e+21 from 10**21 up, 12345678901234567000 (all digits below 10**21)."""
    if not math.isfinite(x):
        return "null"  # what JSON.stringify writes for NaN and Infinity
    if x == 0:
        return "0"  # also for -0
    # repr() gives the shortest digits that read back as the same float, as JavaScript does.
    _, digit_tuple, exponent = Decimal(repr(abs(x))).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    exponent += len(digit_tuple) - len(digits)  # x = digits * 10**exponent
    k = len(digits)
    n = k + exponent  # x = 0.digits * 10**n
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = f"{digits[:n]}.{digits[n:]}"
    elif -6 < n <= 0:
        text = "0." + "0" * -n + digits
    else:
        mantissa = digits[0] + (f".{digits[1:]}" if k > 1 else "")
        text = f"{mantissa}e{'+' if n > 0 else '-'}{abs(n - 1)}"
    return ("-" if x < 0 else "") + text


# ---- Requests and replies -----------------------------------------------------------------

_print_lock = threading.Lock()


def log(line: str) -> None:
    """Prints one whole line; the lock keeps lines from different client threads apart."""
    with _print_lock:
        print(line)


def show(value: Any) -> str:
    """A short, one-line picture of a value for the server's log (JSON escapes any newlines).
    None stands for absent params: a request with "params": null is refused earlier."""
    try:
        text = "" if value is None else to_json(value)
    except RecursionError:
        text = "(too deeply nested to show)"
    return text if len(text) <= 60 else text[:57] + "..."


def show_name(name: str) -> str:
    """The method name for the log: escaped like a JSON string, without the quotes."""
    text = to_json(name)[1:-1]
    return text if len(text) <= 40 else text[:37] + "..."


def error_reply(code: int, id: Any, message: Optional[str] = None) -> dict[str, Any]:
    error = RpcError(code, message)
    log(f"server: error {code} {error.message}")
    return {"jsonrpc": "2.0", "error": {"code": code, "message": error.message}, "id": id}


def handle(request: Any) -> Optional[dict[str, Any]]:
    """Checks and runs one request object. Returns the reply, or None for a notification
    (a request without "id": nobody waits for an answer, not even an error)."""
    if not isinstance(request, dict):
        return error_reply(INVALID_REQUEST, None)
    has_id = "id" in request
    id, method, params = request.get("id"), request.get("method"), request.get("params")
    # An id must be a string, a number or null; if it is anything else we cannot use it.
    id_ok = id is None or isinstance(id, str) or (isinstance(id, float) and math.isfinite(id))
    if has_id and not id_ok:
        return error_reply(INVALID_REQUEST, None)
    if request.get("jsonrpc") != "2.0" or not isinstance(method, str):
        return error_reply(INVALID_REQUEST, id)
    if "params" in request and not isinstance(params, (list, dict)):
        return error_reply(INVALID_REQUEST, id)

    call = f"{show_name(method)}({show(params)})"
    note = "" if has_id else " (notification: no reply)"
    try:
        procedure = METHODS.get(method)
        if procedure is None:
            raise RpcError(METHOD_NOT_FOUND)
        result = procedure(params)
        reply = {"jsonrpc": "2.0", "result": result, "id": id}
        log(f"server: {call} -> {show(result)}{note}")
    except Exception as caught:
        # An RpcError is meant for the caller. Anything else is a bug: log it here, but tell
        # the caller only "Internal error" (never crash, never leak the server's insides).
        error = caught if isinstance(caught, RpcError) else RpcError(INTERNAL_ERROR)
        bug = "" if isinstance(caught, RpcError) else f" ({type(caught).__name__}: {caught})"
        reply = {"jsonrpc": "2.0", "error": {"code": error.code, "message": error.message}, "id": id}
        log(f"server: error {error.code} {error.message} for {call}{bug}{note}")
    return reply if has_id else None


def answer(line: bytes) -> Optional[str]:
    """Turns one received line (without its "\\n") into the reply line to send, or None when
    there is nothing to send (notifications, blank lines)."""
    try:
        text = line.decode("utf-8")  # bytes that are not UTF-8 are not JSON either
        if re.fullmatch(r"[ \t\r]*", text):
            return None  # a blank line is not a message: ignore it
        message = parse_json(text)
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        return to_json(error_reply(PARSE_ERROR, None))
    if not isinstance(message, list):
        reply = handle(message)
        return None if reply is None else to_json(reply)
    # A batch: several requests in one array, answered by one array in the same order.
    if not message:
        return to_json(error_reply(INVALID_REQUEST, None))
    if len(message) > MAX_BATCH:
        return to_json(error_reply(INVALID_REQUEST, None, f"Invalid Request: batch of more than {MAX_BATCH} requests"))
    replies = [reply for reply in map(handle, message) if reply is not None]
    log(f"server: batch of {len(message)} requests -> {len(replies)} replies")
    return to_json(replies) if replies else None


class RpcHandler(socketserver.StreamRequestHandler):
    """Serves one client, in its own thread: read a line, answer it, read the next."""

    timeout = IDLE_TIMEOUT_S  # StreamRequestHandler sets it on the socket: a silent client raises TimeoutError

    def handle(self) -> None:
        peer = "%s:%d" % self.client_address[:2]
        log(f"server: accepted a connection from {peer}")
        try:
            while True:
                # At most one byte more than a line may hold, so nothing unbounded is buffered.
                line = self.rfile.readline(MAX_LINE_BYTES + 1)
                if not line:  # b"": the client closed its sending side
                    log(f"server: {peer} closed the connection")
                    return
                if line.endswith(b"\n"):
                    self.reply(line[:-1])
                elif len(line) > MAX_LINE_BYTES:
                    self.refuse(peer)
                    return
                else:
                    self.reply(line)  # a last request without "\n" (the client closed) is still answered
        except TimeoutError:
            log(f"server: {peer} sent nothing for {IDLE_TIMEOUT_S} s, closing")
        except OSError as error:  # e.g. the client vanished (ECONNRESET): this thread ends, the server goes on
            log(f"server: connection to {peer} failed: {error.strerror or error}")

    def reply(self, line: bytes) -> None:
        try:
            text = answer(line)
        except Exception as error:  # nothing above should raise; if it does, still answer
            log(f"server: unexpected {error!r}")
            text = to_json(error_reply(INTERNAL_ERROR, None))
        if text is not None:
            # A blocking write: if the client does not read its replies, we wait here and stop
            # reading its requests (backpressure), so nothing piles up in our memory.
            self.wfile.write(text.encode("utf-8") + b"\n")

    def refuse(self, peer: str) -> None:
        """Sends the error, closes our sending side, then reads and drops input for up to 2 s
        so the client can read the error (closing with unread data would send a reset)."""
        error = error_reply(INVALID_REQUEST, None, f"Invalid Request: message larger than {MAX_LINE_BYTES} bytes")
        self.wfile.write(to_json(error).encode("utf-8") + b"\n")
        self.connection.shutdown(socket.SHUT_WR)
        log(f"server: {peer} sent a message over {MAX_LINE_BYTES} bytes, closing")
        deadline = time.monotonic() + 2
        while (left := deadline - time.monotonic()) > 0:
            self.connection.settimeout(left)
            try:
                if not self.connection.recv(65536):
                    log(f"server: {peer} closed the connection")
                    return
            except TimeoutError:
                return


class RpcServer(socketserver.ThreadingTCPServer):
    daemon_threads = True  # client threads end with the server
    allow_reuse_address = sys.platform != "win32"  # restart at once (on Windows it would allow a second server)
    request_queue_size = 128  # socketserver's default of 5 waiting connections is too few

    def handle_error(self, request: Any, client_address: Any) -> None:
        log(f"server: unexpected {sys.exc_info()[1]!r} with {client_address[0]}:{client_address[1]}")


def main() -> None:
    parser = argparse.ArgumentParser(description="JSON-RPC 2.0 server over TCP")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7010)
    options = parser.parse_args()

    try:
        server = RpcServer((options.host, options.port), RpcHandler)  # socket(), bind(), listen()
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            print(f"server: port {options.port} on {options.host} is already in use. Stop the other program "
                  f"or choose another port: python3 server.py --port 0", file=sys.stderr)
        else:
            print(f"server: {error}", file=sys.stderr)
        sys.exit(1)
    host, port = server.server_address[:2]
    print(f"server: listening on {host}:{port}")

    def stop(signum: int, frame: object) -> None:
        log("server: stopping")
        server.server_close()
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    server.serve_forever()  # accept() in a loop; each client's handle() runs in a new thread


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # each line appears at once, even in a pipe
    main()
