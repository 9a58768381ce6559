"""Check of "A UDP pinger" (Python): runs `python/client.py --ping 10 --timeout 200` against a
stand-in server that echoes ping N after 5×N ms, never answers pings 3, 6 and 9, and answers
ping 4 only when ping 6 arrives (too late). Then it reads what the client printed."""

import re
import threading
import time

from check import indent, show

COUNT = 10
TIMEOUT_MS = 200
NEVER = [3, 6, 9]
LATE = 4  # answered only when ping 6 arrives
LOST = sorted([*NEVER, LATE])


def delay(seq: int) -> int:
    """How long the server waits before it echoes ping `seq`, in ms."""
    return 5 * seq


def check(t):
    arrived: list[tuple[str, float]] = []  # (text, when)

    def on_datagram(data: bytes, reply) -> None:
        text = data.decode("utf-8", errors="replace")
        arrived.append((text, time.monotonic()))
        match = re.fullmatch(r"ping ([1-9][0-9]*)", text)
        seq = int(match.group(1)) if match else 0
        if seq == 6:
            reply(f"ping {LATE}".encode())  # the late reply, while the client waits for ping 6
        if seq not in LOST:
            def echo() -> None:
                try:
                    reply(data)
                except OSError:
                    pass  # the check is over
            timer = threading.Timer(delay(seq) / 1000, echo)
            timer.daemon = True
            timer.start()

    port = t.fake_udp_server(on_datagram)
    args = ["--port", str(port), "--ping", str(COUNT), "--timeout", str(TIMEOUT_MS)]
    result = t.run("python/client.py", args)

    printed = f"Your client printed:\n{indent(result.stdout + result.stderr) or '  (nothing)'}"
    story = (f"The check ran: python3 python/client.py {' '.join(args)}\n"
             f"Its stand-in server echoed ping N after 5×N ms, never answered pings "
             f"{', '.join(map(str, NEVER[:-1]))} and {NEVER[-1]},\n"
             f"and answered ping {LATE} only when ping 6 arrived, too late.")

    def fail(*lines: str):
        t.fail("\n".join([story, *lines, printed]))

    if result.timed_out:
        fail(f"Your client was still running after 5 s. Expected it to give up on each ping after "
             f"{TIMEOUT_MS} ms and be done in about 1 s.")

    wanted = [f"ping {seq}" for seq in range(1, COUNT + 1)]
    if [text for text, _ in arrived] != wanted:
        got = ", ".join(show(text) for text, _ in arrived) or "no datagrams"
        fail(f"Expected {COUNT} pings, one datagram each: {show(wanted[0])}, {show(wanted[1])}, ... "
             f"{show(wanted[-1])}, in that order.",
             f"The server received {got}.")
    for seq in LOST:
        gap = (arrived[seq][1] - arrived[seq - 1][1]) * 1000
        if gap < TIMEOUT_MS / 2 or gap > TIMEOUT_MS + 500:
            fail(f"Ping {seq} got no reply in time, and your client sent ping {seq + 1} {round(gap)} ms later.",
                 f"Expected it to wait {TIMEOUT_MS} ms (--timeout {TIMEOUT_MS}), then send the next ping.")

    lines = result.stdout.splitlines()
    rtts: list[float] = []
    for seq in range(1, COUNT + 1):
        own = [line for line in lines if line.startswith(f"client: ping {seq}: ")]
        if len(own) > 1:
            listed = "\n".join(f"  {line}" for line in own)
            fail(f"Your client printed {len(own)} lines starting with \"client: ping {seq}: \"; only one may:\n{listed}",
                 "Expected one line for each ping: its reply, or that none came in time.")
        if seq in LOST:
            expected = f"client: ping {seq}: no reply within {TIMEOUT_MS} ms"
            if own != [expected]:
                why = (f" While your client waited for it, the late reply \"ping {LATE}\" came in: "
                       f"it is not the reply to ping 6." if seq == 6 else
                       " Its reply came only later." if seq == LATE else "")
                fail(f"The server never answered ping {seq} in time.{why}",
                     f"Expected exactly this line for it:\n  {expected}")
        else:
            match = re.fullmatch(r"client: ping \d+: reply in (\d+\.\d{3}) ms", own[0]) if len(own) == 1 else None
            rtt = float(match.group(1)) if match else -1
            if not delay(seq) / 2 <= rtt <= TIMEOUT_MS:
                fail(f"The server echoed ping {seq} after {delay(seq)} ms.",
                     f"Expected exactly one line for it, with the round-trip time in milliseconds (3 decimals), "
                     f"at least {delay(seq)} ms, like:\n  client: ping {seq}: reply in {delay(seq) + 0.312:.3f} ms")
            rtts.append(rtt)

    lost = len(LOST)
    summary = f"client: {COUNT} pings sent, {COUNT - lost} replies, {lost} lost ({round(100 * lost / COUNT)}% loss)"
    if summary not in lines:
        fail(f"Expected this line after the pings:\n  {summary}")
    average = sum(rtts) / len(rtts)
    found = next((line for line in lines if line.startswith("client: round-trip ")), "")
    stats = re.fullmatch(r"client: round-trip min/avg/max = (\d+\.\d{3})/(\d+\.\d{3})/(\d+\.\d{3}) ms", found)
    if not stats or any(abs(float(text) - value) > 0.002
                        for text, value in zip(stats.groups(), (min(rtts), average, max(rtts)))):
        fail(f"Expected the smallest, the average and the largest of the {len(rtts)} round-trip times your "
             f"client printed:\n  client: round-trip min/avg/max = {min(rtts):.3f}/{average:.3f}/{max(rtts):.3f} ms")
