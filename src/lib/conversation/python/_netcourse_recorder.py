"""The Python socket recorder that python/sitecustomize.py installs when NETCOURSE_EVENTS_DIR is set:
a subclass of socket.socket that writes each socket event, as one JSON line, to
<events dir>/<pid>.jsonl (RawEvent in src/lib/conversation/merge.ts), without changing what any
call does or returns. sitecustomize.py says which calls it observes and why.
"""

import os


def install(events_dir):
    """Replaces socket.socket with the recording subclass; events go to <events_dir>/<pid>.jsonl."""
    import errno
    import json
    import socket as socket_module
    import sys
    import threading
    import time

    base = socket_module.socket
    inet = (socket_module.AF_INET, getattr(socket_module, "AF_INET6", -1))
    stream = socket_module.SOCK_STREAM
    dgram = socket_module.SOCK_DGRAM
    lock = threading.Lock()
    counters = {"seq": 0, "sockets": 0}
    started = time.time() * 1000
    process = {}

    def preview(data):
        """Printable ASCII kept, "\\n" as "⏎", any other byte as "·"; 32 at most, then "…"."""
        data = bytes(data)
        text = "".join("⏎" if b == 0x0A else chr(b) if 0x20 <= b < 0x7F else "·" for b in data[:32])
        return text + "…" if len(data) > 32 else text

    def address(where):
        if not isinstance(where, tuple) or len(where) < 2:
            return None
        host, port = str(where[0]), where[1]
        return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"

    def code(error):
        if isinstance(error, TimeoutError) and not error.errno:
            return "ETIMEDOUT"
        return errno.errorcode.get(error.errno or 0) or type(error).__name__

    class Track:
        __slots__ = ("n", "protocol", "connecting", "listened", "half_closed", "peer_half_closed",
                     "reset", "closed")

        def __init__(self, protocol):
            self.n = None
            self.protocol = protocol
            self.connecting = None  # the address of a non-blocking connect under way
            self.listened = False
            self.half_closed = False
            self.peer_half_closed = False
            self.reset = False
            self.closed = False

    def now():
        return time.time() * 1000

    def write(track, kind, at=None, **fields):
        """Appends one event; `at`: when it happened, if before now (a send is timed before its call,
        so that it comes before the other side's receive)."""
        try:
            with lock:
                if track.n is None:
                    counters["sockets"] += 1
                    track.n = counters["sockets"]
                counters["seq"] += 1
                if "script" not in process:
                    argv = getattr(sys, "argv", None) or [""]
                    process["script"] = os.path.abspath(argv[0]) if argv[0] and argv[0] != "-c" else argv[0]
                    process["args"] = [str(arg) for arg in argv[1:]]
                line = {
                    "t": now() if at is None else at,
                    "pid": os.getpid(),
                    "started": started,
                    "script": process["script"],
                    "args": process["args"],
                    "seq": counters["seq"],
                    "socket": track.n,
                    "protocol": track.protocol,
                    "type": kind,
                }
                line.update((key, value) for key, value in fields.items() if value is not None)
                with open(os.path.join(events_dir, f"{os.getpid()}.jsonl"), "a", encoding="utf-8") as out:
                    out.write(json.dumps(line) + "\n")
        except Exception:  # the recording misses this event; the program goes on as without it
            pass

    class socket(base):
        __slots__ = ("_netcourse",)

        # --- bookkeeping ---

        def _track(self):
            """This socket's record, or None if it is not a TCP or UDP socket of the example."""
            try:
                return self._netcourse
            except AttributeError:
                pass
            try:
                kind = self.type
                track = Track("tcp" if kind == stream else "udp") if self.family in inet and kind in (stream, dgram) else None
            except Exception:
                track = None
            self._netcourse = track
            return track

        def _event(self, kind, at=None, **fields):
            track = self._track()
            if track is not None:
                write(track, kind, at, **fields)

        def _local(self):
            try:
                return address(base.getsockname(self))
            except OSError:
                return None

        def _remote(self):
            try:
                return address(base.getpeername(self))
            except OSError:
                return None

        def _connected(self):
            track = self._track()
            if track is None:
                return
            track.connecting = None
            if track.protocol == "tcp":
                self._event("connect", local=self._local(), remote=self._remote())

        def _connect_failed(self, where, error_code):
            track = self._track()
            if track is None:
                return
            track.connecting = None
            if track.protocol == "tcp":
                self._event("connect-failed", remote=address(where), error=error_code)

        def _settle(self):
            """A non-blocking connect under way that nobody asked about: connected by now?"""
            track = self._track()
            if track is not None and track.connecting is not None:
                try:
                    base.getpeername(self)
                except OSError:
                    return
                self._connected()

        def _failed(self, error):
            if isinstance(error, (BlockingIOError, InterruptedError, TimeoutError)):
                return  # nothing happened on the wire (yet)
            track = self._track()
            if track is None:
                return
            if isinstance(error, (ConnectionResetError, BrokenPipeError, ConnectionAbortedError)):
                if not track.reset:
                    track.reset = True
                    self._event("reset", error=code(error))
            else:
                self._event("error", error=code(error))

        def _calling(self, method, *args):
            """The real call; an error it raises is recorded (a reset, or an error), then raised as before."""
            try:
                return method(self, *args)
            except OSError as error:
                self._failed(error)
                raise

        def _implicitly_bound(self, at=None):
            """A datagram socket's first sendto() binds it: that is its "listen"."""
            track = self._track()
            if track is not None and track.protocol == "udp" and not track.listened:
                track.listened = True
                self._event("listen", at, local=self._local())

        def _sent(self, at, data, count, to=None):
            track = self._track()
            if track is None or count is None:
                return
            if track.protocol == "udp":
                self._implicitly_bound(at)
                chunk = bytes(memoryview(data).cast("B")[:count]) if not isinstance(data, bytes) else data[:count]
                self._event("datagram-sent", at, local=self._local(), remote=address(to) if to is not None else self._remote(),
                            bytes=count, preview=preview(chunk))
            elif count > 0:
                chunk = bytes(memoryview(data).cast("B")[:count]) if not isinstance(data, bytes) else data[:count]
                self._event("send", at, bytes=count, preview=preview(chunk))

        def _received(self, data, count, sender=None, asked=1):
            track = self._track()
            if track is None:
                return
            if track.protocol == "udp":
                self._event("datagram-received", local=self._local(),
                            remote=address(sender) if sender is not None else self._remote(),
                            bytes=count, preview=preview(data[:count]))
            elif count > 0:
                self._event("receive", bytes=count, preview=preview(data[:count]))
            elif asked > 0 and not track.peer_half_closed:
                track.peer_half_closed = True
                self._event("peer-half-close")

        # --- connecting ---

        def connect(self, where):
            try:
                result = base.connect(self, where)
            except (BlockingIOError, InterruptedError):
                track = self._track()
                if track is not None:
                    track.connecting = where
                raise
            except OSError as error:
                self._connect_failed(where, code(error))
                raise
            self._connected()
            return result

        def connect_ex(self, where):
            result = base.connect_ex(self, where)
            track = self._track()
            if track is not None:
                if result == 0 or (result == errno.EISCONN and track.connecting is not None):
                    self._connected()
                elif result in (errno.EINPROGRESS, errno.EALREADY, errno.EWOULDBLOCK, errno.EINTR):
                    track.connecting = where
                else:
                    self._connect_failed(where, errno.errorcode.get(result, str(result)))
            return result

        def getsockopt(self, *args):
            result = base.getsockopt(self, *args)
            track = self._track()
            if (track is not None and track.connecting is not None and len(args) == 2
                    and args[0] == socket_module.SOL_SOCKET and args[1] == socket_module.SO_ERROR):
                # asyncio's sock_connect asks this when the socket becomes writable
                if result == 0:
                    self._connected()
                else:
                    self._connect_failed(track.connecting, errno.errorcode.get(result, str(result)))
            return result

        def bind(self, where):
            try:
                result = base.bind(self, where)
            except OSError as error:
                self._event("error", local=address(where), error=code(error))
                raise
            track = self._track()
            if track is not None and track.protocol == "udp" and not track.listened:
                track.listened = True
                self._event("listen", local=self._local())
            return result

        def listen(self, *args):
            result = base.listen(self, *args)
            track = self._track()
            if track is not None and track.protocol == "tcp":
                track.listened = True
                self._event("listen", local=self._local())
            return result

        def accept(self):
            conn, where = base.accept(self)  # builds `socket(...)`: this class
            if isinstance(conn, socket):
                conn._event("accept", local=conn._local(), remote=address(where))
            return conn, where

        # --- sending ---

        def send(self, data, *args):
            self._settle()
            at = now()
            count = self._calling(base.send, data, *args)
            self._sent(at, data, count)
            return count

        def sendall(self, data, *args):
            self._settle()
            at = now()
            result = self._calling(base.sendall, data, *args)
            self._sent(at, data, memoryview(data).nbytes)
            return result

        def sendto(self, data, *args):
            at = now()
            count = self._calling(base.sendto, data, *args)
            self._sent(at, data, count, args[-1] if args else None)
            return count

        def sendmsg(self, buffers, *args):
            self._settle()
            buffers = list(buffers)
            at = now()
            count = self._calling(base.sendmsg, buffers, *args)
            to = args[2] if len(args) > 2 else None
            self._sent(at, b"".join(bytes(memoryview(b).cast("B")) for b in buffers), count, to)
            return count

        # --- receiving ---

        def recv(self, bufsize, *args):
            self._settle()
            data = self._calling(base.recv, bufsize, *args)
            if not (args and args[0] & socket_module.MSG_PEEK):
                self._received(data, len(data), asked=bufsize)
            return data

        def recv_into(self, buffer, nbytes=0, flags=0):
            self._settle()
            count = self._calling(base.recv_into, buffer, nbytes, flags)
            if not flags & socket_module.MSG_PEEK:
                view = memoryview(buffer).cast("B")
                self._received(bytes(view[:count]), count, asked=nbytes or view.nbytes)
            return count

        def recvfrom(self, bufsize, *args):
            data, sender = self._calling(base.recvfrom, bufsize, *args)
            if not (args and args[0] & socket_module.MSG_PEEK):
                self._received(data, len(data), sender, asked=bufsize)
            return data, sender

        def recvfrom_into(self, buffer, nbytes=0, flags=0):
            count, sender = self._calling(base.recvfrom_into, buffer, nbytes, flags)
            if not flags & socket_module.MSG_PEEK:
                view = memoryview(buffer).cast("B")
                self._received(bytes(view[:count]), count, sender, asked=nbytes or view.nbytes)
            return count, sender

        def recvmsg(self, bufsize, *args):
            result = self._calling(base.recvmsg, bufsize, *args)
            data, _ancdata, _flags, sender = result
            if not (len(args) > 1 and args[1] & socket_module.MSG_PEEK):
                self._received(data, len(data), sender or None, asked=bufsize)
            return result

        # --- closing ---

        def shutdown(self, how):
            at = now()
            result = base.shutdown(self, how)
            track = self._track()
            if (track is not None and track.protocol == "tcp" and how in (socket_module.SHUT_WR, socket_module.SHUT_RDWR)
                    and not track.half_closed):
                track.half_closed = True
                self._event("half-close", at)
            return result

        def _real_close(self, *args, **kwargs):
            track = self._track() if self.fileno() != -1 else None
            if track is not None and track.n is not None and not track.closed:
                track.closed = True  # only a socket that did something: a closed idle one is not news
                self._event("close")
            return base._real_close(self, *args, **kwargs)

    # The same name as the original, so repr() and error messages read as before.
    socket.__module__ = base.__module__
    socket.__qualname__ = base.__qualname__
    socket_module.socket = socket

    # An ssl.SSLSocket's bytes never pass through these methods: TLS moves them in memory instead.
    from _netcourse_recorder_tls import install as install_tls

    install_tls()
