"""Check of "Calls from the server" (Python): a stand-in server, after the client's first
request, sends it a notice (a notification), a ping and a call of a method the client does
not have, waits up to 3 s for the client's two answers, and only then answers the first
request. Every later call gets the error Method not found, so that the client runs to its end."""

import json
import socket
import time

from check import indent

NOTICE = "the server restarts at 18:00"
FROM_SERVER = [
    '{"jsonrpc":"2.0","method":"notice","params":[' + json.dumps(NOTICE) + "]}",
    '{"jsonrpc":"2.0","method":"ping","id":"s1"}',
    '{"jsonrpc":"2.0","method":"status","params":[],"id":"s2"}',
]
# What the client must send back, by the id of the server's request.
ANSWERS = {
    "s1": {"jsonrpc": "2.0", "result": "pong", "id": "s1"},
    "s2": {"jsonrpc": "2.0", "error": {"code": -32601, "message": "Method not found"}, "id": "s2"},
}
WAIT_S = 3


def parse(line: str):
    try:
        return json.loads(line)
    except ValueError:
        return None


def compact(value) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def stand_in_reply(line: str):
    """The stand-in's answer to a line from the client, after the first: Method not found for every call."""
    message = parse(line)

    def one(request):
        return {"jsonrpc": "2.0", "error": {"code": -32601, "message": "Method not found"},
                "id": request.get("id") if isinstance(request, dict) else None}

    if message is None:
        return compact({"jsonrpc": "2.0", "error": {"code": -32700, "message": "Parse error"}, "id": None})
    if isinstance(message, list):
        return compact([one(request) for request in message if isinstance(request, dict) and "id" in request])
    return compact(one(message)) if isinstance(message, dict) and "id" in message else None


def check(t):
    seen = {"first": None, "answers": [], "complete": False}

    def serve(conn: socket.socket) -> None:
        lines = conn.makefile("rb")
        first = lines.readline()
        if not first:
            return
        seen["first"] = parse(first.decode("utf-8", errors="replace"))
        conn.sendall("".join(f"{message}\n" for message in FROM_SERVER).encode("utf-8"))
        deadline = time.monotonic() + WAIT_S
        while not seen["complete"]:
            conn.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                line = lines.readline()
            except TimeoutError:
                return  # no answers: give up on this client (leaving serve() closes the connection)
            if not line:
                return
            seen["answers"].append(line.decode("utf-8", errors="replace").rstrip("\n"))
            ids = [answer.get("id") for answer in map(parse, seen["answers"]) if isinstance(answer, dict)]
            seen["complete"] = "s1" in ids and "s2" in ids
        first_id = seen["first"].get("id") if isinstance(seen["first"], dict) else None
        conn.sendall((compact({"jsonrpc": "2.0", "result": 5, "id": first_id}) + "\n").encode("utf-8"))
        conn.settimeout(5)
        for line in lines:
            reply = stand_in_reply(line.decode("utf-8", errors="replace").rstrip("\n"))
            if reply is not None:
                conn.sendall(f"{reply}\n".encode("utf-8"))

    run = t.run("python/client.py", ["--port", str(t.fake_server(serve))])
    last = "\n".join((run.stdout + run.stderr).rstrip().split("\n")[-10:])
    printed = f"Your client printed:\n{indent(last) or '  (nothing)'}"
    told = "After your client's first request, the stand-in server sent these three lines:\n" + "\n".join(
        f"  {line}" for line in FROM_SERVER)
    within = "" if seen["complete"] else f" (within {WAIT_S} s)"
    got = f"Your client sent back{within}:\n{indent(chr(10).join(seen['answers'])) or '  (nothing)'}"

    if seen["first"] is None:
        t.fail(f"The stand-in server never got a request from your client.\n{printed}")
    for id, answer in ANSWERS.items():
        if not any(parse(line) == answer for line in seen["answers"]):
            t.fail(f"{told}\nExpected your client to answer the request \"{id}\" with this line:\n"
                   f"  {compact(answer)}\n{got}")
    if len(seen["answers"]) != 2:
        t.fail(f"{told}\nExpected exactly two answers, to \"s1\" and \"s2\": the notice is a notification "
               f"(it has no \"id\"), so it gets no answer.\n{got}")
    notice_line = f"client: notice from the server: {NOTICE}"
    if notice_line not in run.stdout.split("\n"):
        t.fail(f"{told}\nExpected your client to print this line for the notice:\n  {notice_line}\n{printed}")
    if run.code != 0 or "client: done, closing" not in run.stdout.split("\n"):
        ended = "Your client was still running after 5 s" if run.timed_out else f"Your client exited with code {run.code}"
        t.fail("Your client answered the server, but did not run to its end.\n"
               "Expected \"client: done, closing\" and exit code 0 (the stand-in server answers every later call "
               f"with the error Method not found).\n{ended}. {printed}")
