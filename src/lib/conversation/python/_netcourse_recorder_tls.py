"""TLS for the Python recorder (_netcourse_recorder.py): lets it see what an ssl socket puts
on the wire, which is encrypted records, not the program's plain text.

An ssl.SSLSocket reads and writes its file descriptor inside OpenSSL, where the recorder's
socket methods never see the bytes. asyncio's TLS needs nothing: it runs TLS in memory
(SSLContext.wrap_bio) and moves the records with the socket's own send() and recv_into(),
which the recorder sees. So in a recorded run SSLContext.wrap_socket() does what asyncio does:
it returns a WireTLSSocket that runs the same TLS in memory and moves the records with the
wrapped socket's sendall() and recv().

What changes in a recorded run, and only there: wrap_socket() returns a WireTLSSocket, not an
ssl.SSLSocket. It has what a blocking program calls: the handshake (in wrap_socket, or
do_handshake()), send/sendall/recv/recv_into, unwrap, close, version/cipher/getpeercert/
selected_alpn_protocol, and the socket's own methods (settimeout, getpeername, ...). A call it
does not have (makefile, non-blocking use) raises an error that says so.
"""

import ssl

_NOT_COVERED = {"makefile", "sendfile", "recvfrom", "recvfrom_into", "sendto", "recvmsg", "sendmsg", "dup", "setblocking"}


class WireTLSSocket:
    """TLS over memory buffers, its records sent and received with the recorded socket `sock`."""

    def __init__(self, context, sock, server_side, server_hostname, session, handshake, suppress_ragged_eofs):
        self._sock = sock
        self._incoming = ssl.MemoryBIO()
        self._outgoing = ssl.MemoryBIO()
        self._tls = context.wrap_bio(self._incoming, self._outgoing, server_side, server_hostname, session)
        self._suppress_ragged_eofs = suppress_ragged_eofs
        self.context = context
        self.server_side = server_side
        self.server_hostname = server_hostname
        if handshake:
            try:
                self.do_handshake()
            except BaseException:
                sock.close()  # as SSLSocket does when its handshake fails
                raise

    def _flush(self):
        data = self._outgoing.read()
        if data:
            self._sock.sendall(data)

    def _run(self, operation, *args):
        """Runs one TLS operation, feeding it records from the socket until it has what it needs."""
        while True:
            try:
                result = operation(*args)
            except ssl.SSLWantReadError:
                self._flush()
                data = self._sock.recv(65536)
                if data:
                    self._incoming.write(data)
                else:
                    self._incoming.write_eof()
                continue
            except ssl.SSLError:
                self._flush()  # the alert that tells the peer why, as SSLSocket sends it
                raise
            self._flush()
            return result

    def do_handshake(self):
        self._run(self._tls.do_handshake)

    def recv(self, bufsize=1024, flags=0):
        try:
            return self._run(self._tls.read, bufsize)
        except ssl.SSLZeroReturnError:
            return b""
        except ssl.SSLEOFError:
            if self._suppress_ragged_eofs:
                return b""
            raise

    def recv_into(self, buffer, nbytes=0, flags=0):
        data = self.recv(nbytes or len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def send(self, data, flags=0):
        return self._run(self._tls.write, data)

    def sendall(self, data, flags=0):
        view = memoryview(data).cast("B")
        while view:
            view = view[self.send(view) :]

    def unwrap(self):
        self._run(self._tls.unwrap)
        return self._sock

    def version(self):
        return self._tls.version()

    def cipher(self):
        return self._tls.cipher()

    def getpeercert(self, binary_form=False):
        return self._tls.getpeercert(binary_form)

    def selected_alpn_protocol(self):
        return self._tls.selected_alpn_protocol()

    def close(self):
        self._sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def __getattr__(self, name):
        if name in _NOT_COVERED:
            raise AttributeError(f"the recorder's TLS socket has no {name}(): record this program without it")
        return getattr(self._sock, name)


def install():
    """Makes SSLContext.wrap_socket() return a WireTLSSocket."""

    def wrap_socket(context, sock, server_side=False, do_handshake_on_connect=True, suppress_ragged_eofs=True,
                    server_hostname=None, session=None):
        return WireTLSSocket(context, sock, server_side, server_hostname, session, do_handshake_on_connect,
                             suppress_ragged_eofs)

    ssl.SSLContext.wrap_socket = wrap_socket
