"""`python3 python/start.py`, in two parts. 1: starts the server on both loopback addresses
(127.0.0.1 and ::1, one free port) and runs the client: the lookup, ::1 tried first, then the
name. 2: starts a second server on 127.0.0.1 only and runs the client's second step against
it: ::1 is refused, 127.0.0.1 accepts. Stops each server after its part. The Python twin of
start.js."""

from launch import launch, run_program, start_server


def main() -> int:
    print("launch: part 1, a server on both loopback addresses, 127.0.0.1 and ::1", flush=True)
    both = start_server("server.py", ["--port", "0"])
    code = run_program("client.py", ["--port", str(both.port)])
    both.stop()
    if code != 0:
        return code

    print("launch: part 2, a server on 127.0.0.1 only: nothing listens on ::1", flush=True)
    ipv4_only = start_server("server.py", ["--port", "0", "--listen", "127.0.0.1"])
    return run_program("client.py", ["--port", str(ipv4_only.port), "--only-try"])


launch(main)
