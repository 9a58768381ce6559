"""Check of "TLS 1.3 only" (Python): starts python/server.py, then connects twice with ssl,
trusting the test CA: once as a client that speaks at most TLS 1.2, whose handshake must fail,
and once as an ordinary client, which must get TLS 1.3 and its line back.
The checker talks plain TCP, so this check makes its own TLS connections (each bounded in
time, and always closed)."""

from __future__ import annotations

import socket
import ssl
from pathlib import Path

from check import show

CA_FILE = Path(__file__).resolve().parent.parent.parent / "certs" / "ca.crt"
LINE = b"hello\n"


def try_tls(port: int, maximum_version: ssl.TLSVersion | None) -> tuple[str | None, bytes, str | None]:
    """Connects with TLS as localhost; if the handshake works, sends LINE and reads a line back.
    Returns (the TLS version or None, what came back, the error or None)."""
    context = ssl.create_default_context(cafile=CA_FILE)
    if maximum_version is not None:
        context.maximum_version = maximum_version
    version, received = None, b""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=4) as sock:
            with context.wrap_socket(sock, server_hostname="localhost") as tls:
                version = tls.version()
                tls.sendall(LINE)
                while b"\n" not in received:
                    chunk = tls.recv(4096)
                    if not chunk:
                        break
                    received += chunk
    except (OSError, ssl.SSLError) as error:
        return version, received, f"{type(error).__name__}: {error}"
    return version, received, None


def check(t):
    port = t.start("python/server.py", ["--port", "0"])
    version, received, _ = try_tls(port, ssl.TLSVersion.TLSv1_2)
    if version is not None:
        t.fail(f"A client that speaks at most TLS 1.2 connected, and the handshake worked: {version}.\n"
               f"It sent {show(LINE)} and got back {show(received)}.\n"
               "Expected the server to refuse it during the handshake: this server speaks TLS 1.3 only.")
    version, received, error = try_tls(port, None)
    if version != "TLSv1.3" or received != LINE:
        happened = (f"The handshake failed: {error}." if version is None
                    else f"The handshake gave {version}; it got back {show(received)}.")
        t.fail(f"An ordinary client (TLS 1.2 and 1.3) connected and sent {show(LINE)}.\n{happened}\n"
               f"Expected TLS 1.3, and {show(LINE)} back: refusing old clients must not refuse new ones.")
