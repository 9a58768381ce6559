"""Check of "A file server" (Python): makes a folder of files in the system's temporary folder,
starts python/server.py with --root on it, and sends raw GET requests, one per connection:
files of each kind, a missing file, a folder, and paths that try to get out of the folder."""

import re
import shutil
import tempfile
from pathlib import Path

from check import CheckFailure, indent, show

# A 1x1 PNG image: binary bytes, with "\r\n", "\n" and 0x00 among them, as every PNG has.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8dfc0f01f"
    "000680027f104c1be10000000049454e44ae426082")
SECRET = b"the secret next to the folder: never serve me\n"
PRIVATE = b"a private key in a folder whose name starts like the served one\n"

# The served folder: path inside it -> its bytes.
FILES = {
    "index.html": b"<!doctype html>\n<title>Hello</title>\n<p>Served from a folder.</p>\n",
    "notes.txt": "Grüße aus dem Ordner: ü and ß are 2 bytes each.\n".encode(),
    "css/site.css": b"body { font-family: sans-serif; }\n",
    "app.js": b"console.log('hello');\n",
    "logo.png": PNG,
    "LICENSE": b"A file without an extension.\n",
    "hello world.txt": b"A space in the name: %20 in the request.\n",
}

# Requests for files that exist: (target, file, the Content-Types that are right).
FOUND = [
    ("/index.html", "index.html", ["text/html"]),
    ("/notes.txt", "notes.txt", ["text/plain"]),
    ("/css/site.css", "css/site.css", ["text/css"]),
    ("/app.js", "app.js", ["text/javascript", "application/javascript"]),
    ("/logo.png", "logo.png", ["image/png"]),
    ("/LICENSE", "LICENSE", ["application/octet-stream"]),
    ("/hello%20world.txt", "hello world.txt", ["text/plain"]),
]

# Requests that must not get a file: (target, why).
REFUSED = [
    ("/missing.html", "there is no such file"),
    ("/css", "css is a folder, not a file"),
    ("/../secret.txt", "secret.txt is outside the folder"),
    ("/%2e%2e/secret.txt", '%2e%2e is ".." written with %-escapes'),
    ("/%2E%2E%2Fsecret.txt", '%2E%2E%2F is "../" written with %-escapes'),
    ("/css/../../secret.txt", "css/../.. is the folder above"),
    ("/..%5csecret.txt", '%5c is "\\", a separator on Windows'),
    ("/../site-private/key.txt", "site-private is a folder next to site whose name starts the same"),
]


def parse(received: bytes):
    """(status, headers, head, body) of a raw response, or None if it is not one."""
    end = received.find(b"\r\n\r\n")
    if end == -1:
        return None
    head = received[:end].decode("latin-1")
    status_line, *lines = head.split("\r\n")
    headers = {}
    for line in lines:
        name, colon, value = line.partition(":")
        if colon and name.strip():
            headers[name.strip().lower()] = value.strip()
    parts = status_line.split(" ")
    ok = len(parts) >= 2 and parts[0] in ("HTTP/1.1", "HTTP/1.0") and len(parts[1]) == 3 and parts[1].isdigit()
    return (int(parts[1]) if ok else 0), headers, head, received[end + 4:]


def show_bytes(data: bytes) -> str:
    """Bytes for people: as text if they are text, else their first bytes in hex."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = "\x00"
    if re.search("[\x00-\x08\x0e-\x1f\x7f\ufffd]", text):
        return f"not text, in hex: {data[:16].hex(' ')}{' ...' if len(data) > 16 else ''}"
    return f"{show(text[:80])}..." if len(text) > 80 else show(text)


def describe(received: bytes) -> str:
    """What came back, for people: the status line and headers, then the body, shortened."""
    if not received:
        return "  (nothing: the connection closed without a response)"
    response = parse(received)
    if response is None:
        return f'  {show(received[:300])} (no empty line "\\r\\n\\r\\n" ends a header section)'
    _, _, head, body = response
    return f"{indent(head.replace(chr(13) + chr(10), chr(10)))}\n  (then a body of {len(body)} bytes: {show_bytes(body)})"


def check(t):
    folder = Path(tempfile.mkdtemp(prefix="file-server-check-"))
    root = folder / "site"
    try:
        for path, content in FILES.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_bytes(content)
        (folder / "secret.txt").write_bytes(SECRET)
        (folder / "site-private").mkdir()
        (folder / "site-private" / "key.txt").write_bytes(PRIVATE)

        args = ["--port", "0", "--root", str(root)]
        try:
            port = t.start("python/server.py", args)
        except CheckFailure as error:  # the server did not start
            why = next((line.strip() for line in str(error).split("\n") if "error" in line.lower()), None)
            t.fail(f"Started your server: python3 python/server.py {' '.join(args)}\n"
                   f"Expected it to take the option --root FOLDER (the folder whose files it serves) "
                   f"and print \"listening on HOST:PORT\".\n"
                   + (f"It stopped with:\n  {why}" if why else str(error)))

        def get(target: str):
            request = f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
            received, _ = t.exchange(port, [request.encode("latin-1")])
            return received, parse(received)

        def fail(target: str, expected: str, received: bytes, problem: str = ""):
            t.fail(f"The check made a folder, {root}, with index.html, notes.txt,\n"
                   f"css/site.css, app.js, logo.png, LICENSE and \"hello world.txt\" in it, and next to it\n"
                   f"secret.txt and site-private/key.txt, and started your server with --root on that folder.\n"
                   f"Sent:\n  GET {target} HTTP/1.1\n  Host: 127.0.0.1:{port}\n  Connection: close\n"
                   f"Expected back:\n{indent(expected)}\n"
                   f"Got back:\n{describe(received)}" + (f"\n{problem}" if problem else ""))

        for target, file, types in FOUND:
            content = FILES[file]
            charset = ' (a "; charset=utf-8" after it is fine)' if types[0].startswith("text/") else ""
            expected = (f"HTTP/1.1 200 OK\nContent-Type: {types[0]}{charset}\n"
                        f"Content-Length: {len(content)}\n(then the {len(content)} bytes of {file} as the body)")
            received, response = get(target)
            if response is None or response[0] != 200:
                fail(target, expected, received)
            _, headers, _, body = response
            if headers.get("content-type", "").split(";")[0].strip().lower() not in types:
                end = Path(file).suffix
                fail(target, expected, received, "The Content-Type is wrong: "
                     + (f"{file} ends in \"{end}\"." if end else f"{file} has no \".\" in its name."))
            length = headers.get("content-length")
            if length != str(len(content)):
                if length == str(len(body)) and body != content:
                    fail(target, expected, received, f"The file has {len(content)} bytes, but your server sent {length}: "
                         "read the file as bytes, not as text, and send them as they are.")
                fail(target, expected, received, f"Content-Length must be the file's size in bytes: {len(content)}"
                     + ("; there was none." if length is None else f", not {length}."))
            if body != content:
                fail(target, expected, received,
                     f"The body is not the {len(content)} bytes of {file}: send the file's bytes as they are.")

        for target, why in REFUSED:
            received, response = get(target)
            leaked = SECRET in received or PRIVATE in received
            if leaked or response is None or response[0] not in (403, 404):
                fail(target, "HTTP/1.1 404 Not Found (or 403 Forbidden)\nand no file in the body", received,
                     f"Your server sent a file from outside the folder! ({why})" if leaked else f"({why})")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
