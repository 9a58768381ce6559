"""Check of "A method that checks its params" (Python): starts python/server.py and calls
repeat with right params (by position and by name) and with wrong ones, one request per
connection, and compares each reply with the one JSON-RPC 2.0 asks for."""

import json

# (params as sent (None: no params member), the result (None: Invalid params), why)
CASES = [
    ('["ab",3]', "ababab", "params by position"),
    ('{"count":2,"text":"xy"}', "xyxy", "params by name, in another order"),
    ('["ab",0]', "", "zero copies"),
    ('["-",100]', "-" * 100, "the largest count allowed"),
    ('["ab",101]', None, "count is over 100"),
    ('["ab",-1]', None, "count is negative"),
    ('["ab",2.5]', None, "count is not a whole number"),
    ('["ab","3"]', None, "count is a string"),
    ('[3,"ab"]', None, "the arguments are in the wrong order"),
    ('["ab"]', None, "count is missing"),
    ('["ab",3,4]', None, "there is one argument too many"),
    ('{"text":"ab","times":3}', None, 'a name is wrong: "times" instead of "count"'),
    (None, None, "there are no params at all"),
]


def check(t):
    port = t.start("python/server.py", ["--port", "0"])
    for id, (params, result, why) in enumerate(CASES, start=1):
        params_member = "" if params is None else f'"params":{params},'
        request = '{"jsonrpc":"2.0","method":"repeat",' + params_member + f'"id":{id}}}'
        if result is None:
            expected = {"jsonrpc": "2.0", "error": {"code": -32602, "message": "Invalid params"}, "id": id}
        else:
            expected = {"jsonrpc": "2.0", "result": result, "id": id}
        received, _ = t.exchange(port, [f"{request}\n".encode()], until_lines=1)
        line = received.decode("utf-8", errors="replace").split("\n")[0]
        try:
            reply = json.loads(line)
        except ValueError:
            reply = None
        # Compared as values, not as text: 1 and 1.0 are the same number.
        if reply != expected:
            t.fail(f"Sent ({why}):\n  {request}\n"
                   f"Expected back:\n  {json.dumps(expected, separators=(',', ':'))}\n"
                   f"Got back:\n  {line or '(nothing)'}")
