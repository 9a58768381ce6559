"""TLS echo client: connects three times, to show what certificate checking does.

The Python twin of client.js.
 1. It trusts the course's test CA (certs/ca.crt) and asks for "localhost": the handshake
    succeeds, and it sends its lines and reads them back.
 2. It asks for "example.com", a name the certificate does not carry: it refuses the server.
 3. It trusts only the CAs of this computer, not the test CA: it refuses the server.
Only the first connection carries any of our lines: a refused server never sees them.

    context = ssl.create_default_context(cafile=...)         check certificates against these CAs
    tls = context.wrap_socket(sock, server_hostname=...)     the handshake; raises if refused
    tls.sendall(data), tls.recv(4096)                        plain bytes in, plain bytes out

Run: python3 client.py [--host 127.0.0.1] [--port 7443] [--pin SHA256] [line ...]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import socket
import ssl
import sys
from pathlib import Path

TIMEOUT_S = 10  # every call must be done within this time, so the client never hangs
CA_FILE = Path(__file__).resolve().parent.parent / "certs" / "ca.crt"


def show(data: bytes) -> str:
    """The bytes as JSON shows a string, as client.js prints them: "hello\\n"."""
    return json.dumps(data.decode("utf-8", errors="replace"), ensure_ascii=False)


def name(entries: tuple) -> str:
    """The common name (CN) in a certificate's subject or issuer, as getpeercert() gives it."""
    return next((value for entry in entries for key, value in entry if key == "commonName"), "?")


def connect_tls(host: str, port: int, server_hostname: str, context: ssl.SSLContext) -> ssl.SSLSocket:
    """A TCP connection, then the TLS handshake on it; raises if the certificate is refused."""
    sock = socket.create_connection((host, port), timeout=TIMEOUT_S)
    try:
        return context.wrap_socket(sock, server_hostname=server_hostname)
    except BaseException:
        sock.close()
        raise


def echo_lines(tls: ssl.SSLSocket, lines: list[str]) -> None:
    """Sends each line and waits for it to come back."""
    received = b""
    for line in lines:
        data = f"{line}\n".encode("utf-8")
        tls.sendall(data)
        print(f"client: sent {len(data)} bytes: {show(data)}")
        while b"\n" not in received:
            chunk = tls.recv(4096)
            if not chunk:
                raise ConnectionError("the server closed the connection before answering")
            received += chunk
        reply, received = received[: received.index(b"\n") + 1], received[received.index(b"\n") + 1 :]
        print(f"client: received {len(reply)} bytes: {show(reply)}")


def describe(error: Exception) -> str:
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"{error.verify_message} (SSLCertVerificationError)"
    return f"{getattr(error, 'strerror', None) or error} ({type(error).__name__})"


def main() -> int:
    parser = argparse.ArgumentParser(description="A TLS line echo client")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7443)
    parser.add_argument("--pin", help="the server certificate's SHA-256 fingerprint: 64 lowercase hex digits")
    parser.add_argument("lines", nargs="*", default=["hello", "a secret: 1234"])
    options = parser.parse_args()
    trusts_test_ca = ssl.create_default_context(cafile=CA_FILE)

    try:
        with connect_tls(options.host, options.port, "localhost", trusts_test_ca) as tls:
            certificate = tls.getpeercert()
            print(f"client: TLS handshake done: {tls.version()}, {tls.cipher()[0]}")
            print(f"client: the certificate is for {name(certificate['subject'])}, "
                  f"signed by {name(certificate['issuer'])}, which we trust")
            if options.pin is not None:
                # The fingerprint is the SHA-256 of the certificate's bytes (DER), as sent in the handshake.
                fingerprint = hashlib.sha256(tls.getpeercert(binary_form=True)).hexdigest()
                if fingerprint != options.pin:
                    print(f"client: refused: the certificate's SHA-256 fingerprint is {fingerprint}, "
                          f"not the pinned {options.pin}", file=sys.stderr)
                    return 1
                print("client: the certificate's SHA-256 fingerprint matches the pin")
            echo_lines(tls, options.lines)
            print("client: every line came back, closing")
    except ConnectionRefusedError:
        print(f"client: nothing is listening on {options.host}:{options.port}. Start the server first: "
              f"python3 python/server.py", file=sys.stderr)
        return 1
    except (OSError, ssl.SSLError) as error:
        print(f"client: {describe(error)}", file=sys.stderr)
        return 1

    status = 0
    for attempt, server_hostname, context in (
        ('as "example.com", a name the certificate does not carry', "example.com", trusts_test_ca),
        ("without trusting the test CA", "localhost", ssl.create_default_context()),
    ):
        try:
            connect_tls(options.host, options.port, server_hostname, context).close()
            print(f"client: connecting {attempt} should have failed, but the server was accepted", file=sys.stderr)
            status = 1
        except (OSError, ssl.SSLError) as error:
            print(f"client: connecting {attempt}: refused, {describe(error)}")
    return status


if __name__ == "__main__":
    sys.exit(main())
