import socket
import sys

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 5000  # the server's port

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
    sock.connect(("127.0.0.1", PORT))   # OS picks our port
    print("my end:", sock.getsockname())
    sock.sendall(b"Hello, server!\n")
    sock.shutdown(socket.SHUT_WR)       # half-close: done sending
    reply = b""
    while chunk := sock.recv(4096):     # until the server closes
        reply += chunk
print("reply:", reply.decode())
