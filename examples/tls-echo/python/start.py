"""`python3 python/start.py`: starts the server on a free port, runs the client against
it, stops the server. The Python twin of start.js."""

from launch import launch, run_program, start_server


def main() -> int:
    server = start_server("server.py", ["--port", "0"])
    return run_program("client.py", ["--host", server.host, "--port", str(server.port)])


launch(main)
