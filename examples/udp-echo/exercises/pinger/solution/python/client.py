"""UDP echo client: sends three datagrams back to back, without waiting, and checks that three
separate datagrams come back, each with its own boundaries. Over TCP the same three writes
could arrive as one read ("onetwo twothree three three"); over UDP they cannot.

The Python twin of client.js: socket(AF_INET, SOCK_DGRAM) -> sendto() (no connect(): every
datagram carries its destination) -> recvfrom() with settimeout() -> close().
UDP does not resend lost datagrams, so this client does it itself: it waits up to 1 s for
the replies and sends again every datagram whose reply is missing, at most 3 tries in all.
Node waits for its 'message' events and a timer; a blocking recvfrom() with a timeout is
the same wait written as a plain loop. Reliability is the application's job with UDP.

Run: python3 client.py [--host 127.0.0.1] [--port 7008] [message ...]
 or: python3 client.py --ping N [--timeout MS]   (a pinger: N pings, each waiting MS ms at most)
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import time
from dataclasses import dataclass

REPLY_TIMEOUT_S = 1
MAX_TRIES = 3


@dataclass
class Datagram:
    data: bytes
    tries: int = 0
    back: bool = False


def datagram_count(n: int) -> str:
    """ "1 datagram", "3 datagrams"."""
    return "1 datagram" if n == 1 else f"{n} datagrams"


def show(data: bytes) -> str:
    """A datagram's bytes as JSON-quoted text, cut after 60 characters, as client.js shows it."""
    text = data.decode("utf-8", errors="replace")
    units = text.encode("utf-16-le")  # JavaScript counts a string's length in UTF-16 units
    if len(units) > 120:
        text = units[:120].decode("utf-16-le", errors="surrogatepass") + "..."
    # backslashreplace writes half an emoji cut in two as \ud83d, as JSON.stringify does
    return json.dumps(text, ensure_ascii=False).encode("utf-8", errors="backslashreplace").decode("utf-8")


def ping(host: str, port: int, count: int, timeout_ms: int) -> int:
    """The pinger: sends `count` pings, one at a time. Each is one datagram "ping N" (N counts
    from 1) and waits at most `timeout_ms` for its echo before the next one goes."""
    rtts: list[float] = []  # round-trip times in ms
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for seq in range(1, count + 1):
            expected = f"ping {seq}".encode()
            start = time.perf_counter()
            deadline = start + timeout_ms / 1000
            sock.sendto(expected, (host, port))
            rtt = None
            while rtt is None and (left := deadline - time.perf_counter()) > 0:
                sock.settimeout(left)  # in seconds
                try:
                    data, _ = sock.recvfrom(65535)
                except TimeoutError:
                    break
                except ConnectionResetError:  # Windows: "port unreachable", one more missing reply
                    continue
                # A late echo of an earlier ping may arrive now: the sequence number tells them apart.
                if data == expected:
                    rtt = (time.perf_counter() - start) * 1000
                else:
                    print(f"client: ignoring a late or unknown reply: {show(data)}")
            if rtt is None:
                print(f"client: ping {seq}: no reply within {timeout_ms} ms")
            else:
                rtts.append(rtt)
                print(f"client: ping {seq}: reply in {rtt:.3f} ms")
    lost = count - len(rtts)
    print(f"client: {count} pings sent, {len(rtts)} replies, {lost} lost ({round(100 * lost / count)}% loss)")
    if rtts:
        print(f"client: round-trip min/avg/max = {min(rtts):.3f}/{sum(rtts) / len(rtts):.3f}/{max(rtts):.3f} ms")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description="UDP echo client")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7008)
    parser.add_argument("--ping", type=int, metavar="N", help="send N pings and measure their round-trip times")
    parser.add_argument("--timeout", type=int, default=1000, metavar="MS", help="how long each ping waits for its reply")
    parser.add_argument("messages", nargs="*")
    options = parser.parse_args()
    host, port = options.host, options.port
    if options.ping is not None:
        return ping(host, port, options.ping, options.timeout)
    messages = options.messages or ["one", "two two", "three three three"]
    datagrams = [Datagram(text.encode("utf-8")) for text in messages]
    heard = 0  # datagrams received, whatever they held: if none, maybe nobody is listening

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # socket(): no connect() to follow

    def send(datagram: Datagram) -> None:
        datagram.tries += 1
        again = f" again (try {datagram.tries} of {MAX_TRIES})" if datagram.tries > 1 else ""
        try:
            # sendto(): the destination goes with every datagram; the OS picks our local port
            # on the first one.
            sock.sendto(datagram.data, (host, port))
        except OSError as error:
            print(f"client: could not send {show(datagram.data)}: {error.strerror or error}", file=sys.stderr)
        else:
            print(f"client: sent {len(datagram.data)} bytes{again}: {show(datagram.data)}")

    def receive(data: bytes, sender: tuple[str, int]) -> None:
        nonlocal heard
        heard += 1
        origin = f"{sender[0]}:{sender[1]}"
        # The echo of a datagram is the same bytes, so that is how we find which one came back.
        datagram = next((d for d in datagrams if not d.back and d.data == data), None)
        if datagram:
            datagram.back = True
            print(f"client: received one datagram of {len(data)} bytes from {origin}: {show(data)}")
        elif any(d.data == data for d in datagrams):
            print(f"client: received {show(data)} again: a late reply to a datagram we sent twice, ignoring it")
        else:
            print(f"client: received {len(data)} bytes from {origin} that we did not send: {show(data)}")

    def wait_for_replies(seconds: float) -> None:
        """Receives until every reply is back or `seconds` have passed, whichever comes first."""
        deadline = time.monotonic() + seconds
        while not all(d.back for d in datagrams):
            left = deadline - time.monotonic()
            if left <= 0:
                return
            sock.settimeout(left)  # recvfrom() gives up after this long
            try:
                data, sender = sock.recvfrom(65535)  # one whole datagram, whoever sent it
            except TimeoutError:
                return
            except ConnectionResetError:
                # Windows: the server's port was closed ("port unreachable"). Like Node, treat
                # it as one more missing reply; the retries and the summary explain it.
                continue
            receive(data, sender[:2])

    with sock:
        print(f"client: no connection to set up, sending {datagram_count(len(datagrams))} straight to {host}:{port}")
        for round_number in range(1, MAX_TRIES + 1):
            missing = [d for d in datagrams if not d.back]
            if not missing:
                break
            if round_number > 1:
                print(f"client: no reply within {REPLY_TIMEOUT_S} s to {datagram_count(len(missing))} "
                      f"(lost on the way, or nobody is listening), sending again")
            for datagram in missing:
                send(datagram)  # back to back, without waiting for replies
            wait_for_replies(REPLY_TIMEOUT_S)

    back = sum(d.back for d in datagrams)
    resent = sum(d.tries > 1 for d in datagrams)
    sent = f"{datagram_count(len(datagrams))} sent{f' ({resent} resent)' if resent else ''}"
    if back == len(datagrams):
        print(f"client: {sent}, {back} came back, each with its own boundaries")
        return 0
    if heard == 0:
        print(f"client: no reply from {host}:{port} after {MAX_TRIES} tries. Maybe nothing is listening there "
              f"(UDP cannot tell): start the server first: python3 server.py", file=sys.stderr)
    else:
        print(f"client: {sent}, only {back} came back after {MAX_TRIES} tries", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # each line appears at once, even in a pipe
    sys.exit(main())
