"""TLS echo server: every line a client sends comes straight back, encrypted.

The Python twin of server.js. It is an asyncio line echo with TLS between TCP and the lines:
asyncio.start_server(..., ssl=context) does the TLS handshake before handle() runs, and from
then on the reader and writer carry plain lines while TLS records cross the wire. A client
whose handshake fails (it is not speaking TLS, it refuses our certificate, it vanishes) never
reaches handle(): asyncio closes that connection without a word (it logs it only in debug
mode), where server.js prints "a TLS handshake failed".

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)   a context for a server
    context.load_cert_chain(certfile, keyfile)                      our certificate and key
    await asyncio.start_server(handle, host, port, ssl=context)     listen; TLS on each connection

Run: python3 server.py [--host 127.0.0.1] [--port 7443]   (port 0 = any free port)
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import os
import signal
import ssl
import sys
from pathlib import Path
from typing import NoReturn

MAX_LINE_BYTES = 1024 * 1024  # a longer line is refused, so one client cannot fill our memory
IDLE_TIMEOUT_S = 30  # a client that sends nothing for this long is disconnected
HANDSHAKE_TIMEOUT_S = 10  # a client must finish the TLS handshake this soon after connecting
CERTS = Path(__file__).resolve().parent.parent / "certs"


def log(line: str) -> None:
    print(line, flush=True)


def tls_context() -> ssl.SSLContext:
    """The server's side of TLS: our certificate for "localhost", signed by the test CA, and its key."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(CERTS / "server.crt", CERTS / "server.key")
    context.minimum_version = ssl.TLSVersion.TLSv1_3  # an older client fails the handshake ("protocol version")
    return context


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Runs once a client's TLS handshake is done: echoes its lines until it closes."""
    host, port = writer.get_extra_info("peername")[:2]
    peer = f"{host}:{port}"
    tls = writer.get_extra_info("ssl_object")
    log(f"server: TLS handshake done with {peer}: {tls.version()}, {tls.cipher()[0]}")
    pending = b""
    try:
        while True:
            chunk = await asyncio.wait_for(reader.read(65536), IDLE_TIMEOUT_S)  # already decrypted
            if not chunk:
                # The client is done (asyncio then closes the TLS connection at once): a last
                # line without "\n" gets no answer.
                log(f"server: {peer} closed the connection")
                break
            pending += chunk
            while (newline := pending.find(b"\n")) != -1:
                line, pending = pending[: newline + 1], pending[newline + 1 :]
                writer.write(line)
                log(f"server: echoed {len(line)} bytes to {peer}")
            await writer.drain()
            if len(pending) > MAX_LINE_BYTES:
                log(f"server: {peer} sent a line over {MAX_LINE_BYTES} bytes, refusing it")
                writer.write(f"error: line longer than {MAX_LINE_BYTES} bytes, closing\n".encode("ascii"))
                await writer.drain()
                break
    except asyncio.TimeoutError:
        log(f"server: {peer} sent nothing for {IDLE_TIMEOUT_S} s, closing")
        writer.write(b"error: idle for too long, closing\n")
    except OSError as error:
        # Without this, a client that vanishes (ConnectionResetError) would end with a traceback.
        log(f"server: connection to {peer} failed: {error.strerror or error}")
    finally:
        writer.close()


async def serve(host: str, port: int) -> None:
    try:
        server = await asyncio.start_server(
            handle, host, port, ssl=tls_context(), ssl_handshake_timeout=HANDSHAKE_TIMEOUT_S, backlog=511
        )
    except OSError as error:
        port_in_use(error, host, port)
    address = server.sockets[0].getsockname()
    log(f"server: listening on {address[0]}:{address[1]} with the certificate for localhost")
    async with server:
        await server.serve_forever()


def port_in_use(error: OSError, host: str, port: int) -> NoReturn:
    if error.errno == errno.EADDRINUSE:
        print(f"server: port {port} on {host} is already in use. Stop the other program or choose "
              f"another port: python3 server.py --port 0", file=sys.stderr)
    else:
        print(f"server: {error.strerror or error}", file=sys.stderr)
    sys.exit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description="A TLS line echo server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7443)
    options = parser.parse_args()

    def stop(signum: int, _frame: object) -> None:
        log("server: stopping")
        os._exit(0)  # leave at once, as Node's process.exit(0) does: open connections are dropped

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    asyncio.run(serve(options.host, options.port))


if __name__ == "__main__":
    main()
