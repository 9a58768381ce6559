"""A program that client.py kills on purpose (scenario 6, "peer killed"): it listens on a free
port, prints the port, accepts one connection, prints "accepted", and then does nothing until
it is killed. Its operating system then closes its socket, as it does for every program that
ends, however it ends.

The Python twin of peer.js.

Run: python3 peer.py [--host 127.0.0.1]
"""

import argparse
import socket
import time

parser = argparse.ArgumentParser(description="accepts one connection and waits to be killed")
parser.add_argument("--host", default="127.0.0.1")
options = parser.parse_args()

with socket.create_server((options.host, 0)) as listener:
    print(listener.getsockname()[1], flush=True)
    conn, _ = listener.accept()
    print("accepted", flush=True)
    while True:  # until killed; the connection stays open
        time.sleep(60)
