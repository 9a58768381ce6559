import socket
import sys

HOST = "127.0.0.1"
PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 5000  # or: python echo_server.py 6000

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
    # allow a quick restart: see "Why SO_REUSEADDR?"
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((HOST, PORT))
    server.listen()
    host, port = server.getsockname()  # port 0: the OS picked one
    print(f"listening on {host}:{port}")
    while True:
        conn, addr = server.accept()    # wait for a client
        with conn:                      # the client's own socket
            print("connected:", addr)
            while True:
                data = conn.recv(4096)  # b"": client is done
                if not data:
                    break
                conn.sendall(data)      # send it back
        print("closed:", addr)
