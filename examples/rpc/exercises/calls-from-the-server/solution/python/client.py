"""JSON-RPC 2.0 client: `client.call("add", [2, 3])` looks almost like calling a local
function add(2, 3), but the work happens in another process, maybe on another machine.
The Python twin of client.js.

How RPC hides the network: call() turns the method name and arguments into a JSON line
(marshalling), sends it, and reads reply lines until the one with its request's "id" comes
back. The caller just gets a result, or an RpcError.

What RPC cannot hide:
- latency: a local call takes nanoseconds; each remote call is a round trip over the network.
- failures: the request or the reply can be lost, the server can crash or be slow, and then
  the caller cannot know whether the work was done. So call() gives up after 5 s
  (CALL_TIMEOUT_S) or when the connection closes.

Python's standard library does this for XML-RPC over HTTP with
xmlrpc.client.ServerProxy("http://127.0.0.1:8000").add(2, 3); it cannot speak JSON lines over
TCP, so this client does it by hand with a socket. Node's client.js is asynchronous: call()
returns a Promise and replies are matched to waiting callers as they arrive. Here call() is
blocking, the usual style in Python: it sends, then reads lines until its reply is there.
The calls it makes:
  socket.create_connection((host, port))    net.connect(port, host)
  sock.sendall(line)                         socket.write(line)
  sock.makefile("rb").readline()             'data' events split at "\\n"
  json.dumps(request) / json.loads(reply)    JSON.stringify / JSON.parse

Run: python3 client.py [--host 127.0.0.1] [--port 7010]
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import time
from typing import Any, Callable

CALL_TIMEOUT_S = 5  # how long a call waits for its reply before giving up


class RpcError(Exception):
    """An error reply from the server: {"code": ..., "message": ...}."""

    def __init__(self, code: int, message: str):
        super().__init__(f"error {code}: {message}")
        self.code = code


def to_json(value: Any) -> str:
    """Compact JSON, as JSON.stringify writes it: no spaces, non-ASCII characters as they are."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class RpcClient:
    """One connection to a JSON-RPC server; each request gets its own id."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.lines = sock.makefile("rb")  # a file view of the socket, to read one line at a time
        self.next_id = 1

    def call(self, method: str, params: list[Any] | dict[str, Any]) -> Any:
        """Calls `method` on the server and returns its result, or raises RpcError."""
        id = self._new_id()
        self._send_line(to_json({"jsonrpc": "2.0", "method": method, "params": params, "id": id}))
        return self._result(self._wait_for([id])[0])

    def batch(self, requests: list[dict[str, Any]]) -> list[Any]:
        """Sends several requests in one line (a JSON array). Notifications have no id: the
        server runs them but never answers, so there is nothing to wait for."""
        messages = [
            {"jsonrpc": "2.0", "method": r["method"], "params": r["params"]} if r.get("notification")
            else {"jsonrpc": "2.0", "method": r["method"], "params": r["params"], "id": self._new_id()}
            for r in requests
        ]
        ids = [message["id"] for message in messages if "id" in message]
        self._send_line(to_json(messages))
        return [self._result(reply) for reply in self._wait_for(ids)]

    def send_raw(self, text: str) -> Any:
        """Sends a line as it is. If the server cannot read a request it cannot read its id
        either, so it answers with "id": null: that is the reply we wait for."""
        self._send_line(text)
        return self._result(self._wait_for([None])[0])

    def _new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def _send_line(self, text: str) -> None:
        line = f"{text}\n".encode("utf-8")  # "\n" ends a message on the wire
        self.sock.sendall(line)
        print(f"client: sent {len(line)} bytes: {text}")

    def _wait_for(self, ids: list[Any]) -> list[dict[str, Any]]:
        """Reads reply lines until there is one for each id; returns them in the order of `ids`."""
        deadline = time.monotonic() + CALL_TIMEOUT_S
        replies: dict[Any, dict[str, Any]] = {}
        while len(replies) < len(ids):
            self.sock.settimeout(max(deadline - time.monotonic(), 0.001))
            try:
                line = self.lines.readline()
            except TimeoutError:
                raise TimeoutError(f"no reply within {CALL_TIMEOUT_S} s") from None
            if not line.endswith(b"\n"):  # the connection closed (a last piece without "\n" is no reply)
                raise ConnectionError("the connection closed before the reply came")
            text = line[:-1].decode("utf-8", errors="replace")
            print(f"client: received {len(line)} bytes: {text}")
            try:
                message = json.loads(text)
            except ValueError:
                print("client: that line is not JSON, ignoring it")
                continue
            for reply in message if isinstance(message, list) else [message]:
                if isinstance(reply, dict) and "method" in reply:
                    self._answer_server(reply)  # a request from the server, not a reply
                    continue
                if not isinstance(reply, dict) or "id" not in reply:
                    continue
                if reply["id"] in ids and reply["id"] not in replies:
                    replies[reply["id"]] = reply
                else:
                    print(f"client: a reply nobody waits for (id {to_json(reply['id'])})")
        return [replies[id] for id in ids]

    def _answer_server(self, request: dict[str, Any]) -> None:
        """JSON-RPC works both ways: a message from the server that has a "method" is a request
        to us. A notification (no "id") is acted on and never answered."""
        method, params = request.get("method"), request.get("params")
        if method == "notice" and isinstance(params, list) and params:
            print(f"client: notice from the server: {params[0]}")
        if "id" not in request:
            return
        if method == "ping":
            self._send_line(to_json({"jsonrpc": "2.0", "result": "pong", "id": request["id"]}))
        else:
            error = {"code": -32601, "message": "Method not found"}
            self._send_line(to_json({"jsonrpc": "2.0", "error": error, "id": request["id"]}))

    @staticmethod
    def _result(reply: dict[str, Any]) -> Any:
        if "error" in reply:
            raise RpcError(reply["error"]["code"], reply["error"]["message"])
        return reply.get("result")


def demo(what: str, why: str, run: Callable[[], Any]) -> None:
    """Runs one demonstration: prints what it calls, how it ended and how long it took."""
    print(f"client: --- {what}: {why}")
    started = time.perf_counter()

    def took() -> str:
        return f"round trip {(time.perf_counter() - started) * 1000:.1f} ms"

    try:
        result = run()
        print(f"client: {what} returned {to_json(result)} ({took()})")
    except RpcError as error:  # the call failed; a network failure is not caught here
        print(f"client: {what} failed with {error} ({took()})")


def main() -> int:
    parser = argparse.ArgumentParser(description="JSON-RPC 2.0 client")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7010)
    options = parser.parse_args()

    try:
        sock = socket.create_connection((options.host, options.port))
    except ConnectionRefusedError:
        print(f"client: nothing is listening on {options.host}:{options.port}. "
              f"Start the server first: python3 server.py", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"client: {error.strerror or error}", file=sys.stderr)
        return 1

    with sock:
        host, port = sock.getpeername()[:2]
        print(f"client: connected to {host}:{port} from local port {sock.getsockname()[1]}")
        client = RpcClient(sock)
        code = 0
        try:
            demo("add(2, 3)", "params by position", lambda: client.call("add", [2, 3]))
            demo("subtract(a=10, b=4)", "params by name", lambda: client.call("subtract", {"a": 10, "b": 4}))
            demo("divide(1, 0)", "the method itself reports an error", lambda: client.call("divide", [1, 0]))
            demo("multiply(2, 3)", "the server has no such method", lambda: client.call("multiply", [2, 3]))
            demo('add("two", 3)', "a string where a number belongs", lambda: client.call("add", ["two", 3]))
            demo("a cut-off line", "not JSON, so the server cannot even find the id",
                 lambda: client.send_raw('{"jsonrpc":"2.0","method":"add","params":[1,'))
            demo('batch [add(1, 2), echo("hello"), notification]', "one line, one reply line", lambda: client.batch([
                {"method": "add", "params": [1, 2]},
                {"method": "echo", "params": ["hello"]},
                {"method": "echo", "params": ["nobody waits for this reply"], "notification": True},
            ]))
            print("client: done, closing")
        except OSError as error:  # the network failed, not the call: timeouts, resets, a closed connection
            print(f"client: {error.strerror or error}", file=sys.stderr)
            code = 1
        try:
            sock.shutdown(socket.SHUT_WR)  # like Node's socket.end(): "I am done sending"
        except OSError:
            pass
    return code


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    sys.exit(main())
