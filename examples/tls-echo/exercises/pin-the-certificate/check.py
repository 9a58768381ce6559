"""Check of "Pin the certificate" (Python): a stand-in TLS echo server, with the example's
certificate for localhost, notes every byte it receives inside TLS. python/client.py runs
against it twice: with --pin set to the fingerprint of that certificate (it must connect, say
that the pin matches, and get its line back), then with the fingerprint of the CA's certificate
(it must refuse the server, say so, send nothing and exit with 1).
The checker's stand-in servers speak plain TCP, so this check wraps each connection in TLS."""

from __future__ import annotations

import hashlib
import socket
import ssl
from pathlib import Path

from check import indent, show

CERTS = Path(__file__).resolve().parent.parent.parent / "certs"


def fingerprint(pem_file: Path) -> str:
    """A certificate's SHA-256 fingerprint as the pin is written: 64 lowercase hex digits."""
    pem = pem_file.read_text()
    pem = pem[pem.index("-----BEGIN CERTIFICATE-----"):]  # the file starts with a note
    return hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem)).hexdigest()


RIGHT_PIN = fingerprint(CERTS / "server.crt")
CA_PIN = fingerprint(CERTS / "ca.crt")


def printed(run) -> str:
    """What the client printed."""
    return indent((run.stdout + "\n" + run.stderr)[:3000]) or "  (nothing)"


def check(t):
    received_inside: list[bytes] = []  # what the stand-in received inside TLS, since the last clear()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(CERTS / "server.crt", CERTS / "server.key")

    def serve(conn: socket.socket) -> None:
        conn.settimeout(5)
        try:
            with context.wrap_socket(conn, server_side=True) as tls:
                while data := tls.recv(65536):
                    received_inside.append(data)
                    tls.sendall(data)  # an echo
        except ssl.SSLError:
            pass  # the client refused us: expected

    port = str(t.fake_server(serve))

    right = t.run("python/client.py", ["--port", port, "--pin", RIGHT_PIN, "hello"])
    matches = "client: the certificate's SHA-256 fingerprint matches the pin"
    echoed = 'client: received 6 bytes: "hello\\n"'
    lines = right.stdout.split("\n")
    if right.code != 0 or matches not in lines or echoed not in lines:
        t.fail(f"Ran: python3 python/client.py --port {port} --pin {RIGHT_PIN} hello\n"
               "against a TLS echo server with the certificate in certs/server.crt, whose fingerprint is that pin.\n"
               f"Expected your client to print these lines, and to exit with 0:\n{indent(matches + chr(10) + echoed)}\n"
               f"Your client printed{' (and it was still running after 5 s)' if right.timed_out else f', and exited with {right.code}'}:\n"
               f"{printed(right)}")

    received_inside.clear()
    wrong = t.run("python/client.py", ["--port", port, "--pin", CA_PIN, "hello"])
    refusal = f"client: refused: the certificate's SHA-256 fingerprint is {RIGHT_PIN}, not the pinned {CA_PIN}"
    got = b"".join(received_inside)
    if wrong.code != 1 or refusal not in (wrong.stdout + "\n" + wrong.stderr).split("\n") or got:
        t.fail(f"Ran: python3 python/client.py --port {port} --pin {CA_PIN} hello\n"
               "That pin is the fingerprint of the CA's certificate, not of the server's.\n"
               f"Expected your client to print this line, send nothing, and exit with 1:\n  {refusal}\n"
               f"Your client printed{' (and it was still running after 5 s)' if wrong.timed_out else f', and exited with {wrong.code}'}:\n"
               f"{printed(wrong)}\n"
               f"The server received inside TLS: {show(got) if got else 'nothing'}")
