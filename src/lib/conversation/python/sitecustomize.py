"""The Python socket recorder: the twin of src/lib/conversation/record-node.ts.

`runExample` (src/lib/examples/recording.ts) puts this folder on PYTHONPATH, so every Python
process of a run (python/start.py, and the programs launch.py starts with sys.executable)
imports this module at startup. When NETCOURSE_EVENTS_DIR is set, it replaces socket.socket
with a subclass (_netcourse_recorder.py, beside it) that writes each socket event, as one JSON line, to
$NETCOURSE_EVENTS_DIR/<pid>.jsonl (the format of RawEvent in src/lib/conversation/merge.ts).
Without that variable it does nothing at all.

The subclass observes the calls every socket user goes through, without changing what they do
or return: connect/connect_ex (and, for a non-blocking connect as asyncio makes, the
getsockopt(SO_ERROR) that tells how it ended), listen, bind (UDP: "listen"; a failed bind:
"error"), accept (socket.py's accept() builds the new socket with the module's `socket`, so
it is this subclass too), send/sendall/sendto/sendmsg, recv/recv_into/recvfrom/
recvfrom_into/recvmsg (only calls that return data; b"" is the peer's half-close),
shutdown(SHUT_WR), and the real close (after a makefile() is closed too). That covers plain
sockets, socket.create_connection/create_server, socketserver, http.client and makefile()
(both read with recv_into and write with sendall), and asyncio's selector event loop (its
transports call recv/send/shutdown/close on the socket object, and sock_connect ends with
getsockopt(SO_ERROR)), with asyncio's TLS (it moves the encrypted records with send and
recv_into). An ssl.SSLSocket moves its bytes inside OpenSSL, so in a recorded run
SSLContext.wrap_socket() runs TLS in memory over the recorded socket instead
(_netcourse_recorder_tls.py). Only AF_INET/AF_INET6 stream and datagram sockets are recorded (not
asyncio's AF_UNIX self-pipe). A failure of the recorder itself is swallowed.

If another sitecustomize module is on the path after this one, it is run too.
"""

import os as _os


def _install(events_dir):
    from _netcourse_recorder import install

    install(events_dir)


def _run_next_sitecustomize():
    import importlib.machinery
    import importlib.util
    import sys

    here = _os.path.dirname(_os.path.abspath(__file__))
    others = [path for path in sys.path if _os.path.abspath(path or ".") != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", others)
    if spec is not None and spec.loader is not None and spec.origin and _os.path.abspath(spec.origin) != _os.path.abspath(__file__):
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)


if _os.environ.get("NETCOURSE_EVENTS_DIR"):
    try:
        _install(_os.environ["NETCOURSE_EVENTS_DIR"])
    except Exception:
        pass
try:
    _run_next_sitecustomize()
except Exception:
    pass
