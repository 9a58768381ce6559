"""`python3 python/start.py`: starts three peers A, B and C on free ports, types "next" into
each to close the ring A -> B -> C -> A, types "send" into A, waits until A says its message
came back, then stops all three. The Python twin of start.js."""

from launch import launch, start_server


def main() -> int:
    a = start_server("peer.py", ["--name", "A", "--port", "0"])
    b = start_server("peer.py", ["--name", "B", "--port", "0"])
    c = start_server("peer.py", ["--name", "C", "--port", "0"])

    # Close the ring, waiting each time until the peer has taken its "next".
    for peer, after in ((a, b), (b, c), (c, a)):
        peer.ask(f"next {after.host}:{after.port}", "my next peer is now", 5)

    a.ask("send hello around the ring", "my message came back", 10)
    return 0


launch(main)
