"""`python3 python/start.py`: starts the HTTP server on a free port, runs the raw client, then
the http.client client, stops the server. The Python twin of start.js."""

from launch import launch, run_program, start_server


def main() -> int:
    server = start_server("server.py", ["--port", "0"])
    address = ["--host", server.host, "--port", str(server.port)]
    raw = run_program("client.py", address)
    via_http_client = run_program("client_http.py", address)
    return raw if raw != 0 else via_http_client


launch(main)
