"""`python3 python/start.py`: starts the slow server three times on free ports (sequential,
threaded and concurrent), runs the same 5 clients against each, then compares the measured
times. The Python twin of start.js, which has only the sequential and concurrent servers."""

import re
import sys
from decimal import ROUND_HALF_UP, Decimal

from launch import launch, run_program, start_server

# The client's own measurement: "client: 5 clients, first answer after 0.20 s, last after 1.01 s".
SUMMARY = re.compile(r"^client: \d+ clients, first answer after ([\d.]+) s, last after ([\d.]+) s$")
MODES = ["sequential", "threaded", "concurrent"]


def to_fixed(x: float, digits: int) -> str:
    """x with `digits` decimals as JavaScript's x.toFixed(digits) writes it: a tie such as 5.25
    goes up to 5.3 (Python's f"{x:.1f}" would round it to the even 5.2)."""
    return str(Decimal(x).quantize(Decimal(10) ** -digits, rounding=ROUND_HALF_UP))


def main() -> int:
    servers = {mode: start_server("server.py", ["--mode", mode, "--port", "0"]) for mode in MODES}
    last_answers: dict[str, float] = {}
    for mode, server in servers.items():
        print(f"launch: 5 clients against the {mode} server", flush=True)

        def pick_up_summary(line: str, mode: str = mode) -> None:
            match = SUMMARY.match(line)
            if match:
                last_answers[mode] = float(match.group(2))

        code = run_program("client.py", ["--host", server.host, "--port", str(server.port), "--clients", "5"],
                           on_line=pick_up_summary)
        if code != 0:
            return code
    slow = last_answers.get("sequential")
    if slow is None or len(last_answers) < len(MODES) or 0 in last_answers.values():
        print("launch: the client did not print every measurement, nothing to compare", file=sys.stderr, flush=True)
        return 1
    for mode in ["threaded", "concurrent"]:
        fast = last_answers[mode]
        print(f"launch: the {mode} server answered the last client {to_fixed(slow / fast, 1)}x sooner "
              f"(after {fast:.2f} s instead of {slow:.2f} s)", flush=True)
    return 0


launch(main)
