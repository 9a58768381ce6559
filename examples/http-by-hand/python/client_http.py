"""The same two requests as client.py, GET / and POST /echo, made with the standard library's
HTTP client, http.client, instead of by hand. The Python twin of client-http.js.

http.client is Python's HTTP protocol module (urllib.request is built on it): request()
writes the request line and headers, getresponse() reads the status line, the headers and
the Content-Length body, and hands back the pieces. One HTTPConnection keeps its TCP
connection open between requests (HTTP/1.1 keep-alive), so the second request reuses the
first one's connection, as client.py does by hand. Node's node:http is asynchronous (a
callback per response); http.client is blocking: each call returns when its work is done.
  conn = http.client.HTTPConnection(host, port)     new http.Agent({ keepAlive: true })
  conn.request("POST", "/echo", body, headers)      http.request({ method, path, ... })
  response = conn.getresponse(); response.status    'response' event: res.statusCode
  response.getheaders()                             res.rawHeaders
  response.read()                                   res 'data' events

The label is "http-client client" (for http.client: a label may not contain a dot).

Run: python3 client_http.py [--host 127.0.0.1] [--port 7011]
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
from typing import Optional

LABEL = "http-client client"


def request(conn: http.client.HTTPConnection, method: str, path: str, body: Optional[bytes] = None) -> None:
    """Makes one request and prints what comes back."""
    headers = {"Content-Type": "text/plain; charset=utf-8"} if body else {}
    extra = f" with a {len(body)}-byte body" if body else ""
    print(f"{LABEL}: sending {method} {path}{extra} "
          "(http.client writes the request line, Host and Accept-Encoding for us)")
    reused = conn.sock is not None  # an open connection from the last request is used again
    conn.request(method, path, body, headers)  # with a body, http.client adds Content-Length too
    local_port = conn.sock.getsockname()[1]
    response = conn.getresponse()
    version = {10: "1.0", 11: "1.1"}.get(response.version, str(response.version))
    print(f"{LABEL}: status {response.status} {response.reason} (HTTP/{version})")
    for name, value in response.getheaders():
        print(f"{LABEL}: header {name}: {value}")
    received = response.read()  # exactly Content-Length bytes
    text = received.decode("utf-8", errors="replace")
    print(f"{LABEL}: body {len(received)} bytes: {json.dumps(text, ensure_ascii=False)}")  # quoted like JSON.stringify
    how = "the same connection again (keep-alive)" if reused else "a new connection"
    print(f"{LABEL}: that was {how}, local port {local_port}")


def main() -> int:
    parser = argparse.ArgumentParser(description="GET / and POST /echo with http.client")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7011)
    options = parser.parse_args()

    conn = http.client.HTTPConnection(options.host, options.port, timeout=30)
    try:
        request(conn, "GET", "/")
        request(conn, "POST", "/echo", "Grüße, server!\n".encode("utf-8"))
    except ConnectionRefusedError:
        print(f"{LABEL}: nothing is listening on {options.host}:{options.port}. "
              f"Start the server first: python3 server.py", file=sys.stderr)
        return 1
    except (OSError, http.client.HTTPException) as error:
        print(f"{LABEL}: {getattr(error, 'strerror', None) or error!r}", file=sys.stderr)
        return 1
    finally:
        conn.close()  # close the kept-open connection
    return 0


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    sys.exit(main())
