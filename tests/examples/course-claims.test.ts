/**
 * What the course pages say about how Python's sockets behave, tried on loopback with the
 * Python that runs the examples. Each test names the page and the claim; each Python snippet
 * prints what happened, and the test compares that with what the page says. Everything runs
 * on 127.0.0.1 with ports from the operating system, and every wait is bounded.
 *
 * Linux-only claims (what Linux does with ICMP errors on UDP sockets) are skipped elsewhere.
 * The killed peer (b"", then BrokenPipeError) and the reset after closing with unread data are
 * in the failures example, whose tests and recorded runs show them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runPython } from './support/python-snippet.ts';

/** Runs a Python snippet and returns the lines it printed. */
const python = async (code: string): Promise<string[]> => (await runPython(code)).split('\n');

const linuxOnly = { skip: process.platform !== 'linux' && 'Linux behaviour' };

describe('socket-functions page, "Blocking and timeouts": a non-blocking call that would wait raises BlockingIOError', () => {
	it('recv() with no data, accept() with no client, send() with a full buffer: EAGAIN; connect(): EINPROGRESS', async () => {
		const lines = await python(`
			import errno, socket
			def attempt(what, call):
			    try:
			        call()
			        print(what, "returned")
			    except BlockingIOError as e:
			        print(what, type(e).__name__, errno.errorcode[e.errno])
			with socket.create_server(("127.0.0.1", 0)) as server:
			    server.setblocking(False)
			    attempt("accept", server.accept)
			    client = socket.socket()
			    client.setblocking(False)
			    attempt("connect", lambda: client.connect(server.getsockname()))
			    client.close()
			    with socket.create_connection(server.getsockname()) as sock:
			        sock.setblocking(False)
			        attempt("recv", lambda: sock.recv(100))
			        def fill():
			            while True:
			                sock.send(b"x" * 65536)
			        attempt("send", fill)
		`);
		assert.deepEqual(lines, ['accept BlockingIOError EAGAIN', 'connect BlockingIOError EINPROGRESS', 'recv BlockingIOError EAGAIN', 'send BlockingIOError EAGAIN']);
	});
});

describe('socket-functions page, "sendto() and recvfrom()" and "A UDP echo pair": UDP and "port unreachable"', () => {
	it('an unconnected UDP socket is not told and times out; a connected one gets ConnectionRefusedError', linuxOnly, async () => {
		const lines = await python(`
			import socket
			with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
			    probe.bind(("127.0.0.1", 0))
			    closed = probe.getsockname()  # free again once closed: nothing listens there
			for connected in (False, True):
			    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
			        sock.settimeout(0.5)
			        if connected:
			            sock.connect(closed)
			            sock.send(b"anyone?")
			        else:
			            sock.sendto(b"anyone?", closed)
			        try:
			            sock.recv(100)
			            print("connected" if connected else "unconnected", "got an answer")
			        except OSError as e:
			            print("connected" if connected else "unconnected", type(e).__name__)
		`);
		assert.deepEqual(lines, ['unconnected TimeoutError', 'connected ConnectionRefusedError']);
	});

	it('a connected UDP socket receives only from the address it is connected to', async () => {
		const lines = await python(`
			import socket
			def udp():
			    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
			    s.bind(("127.0.0.1", 0))
			    return s
			me, friend, stranger = udp(), udp(), udp()
			me.connect(friend.getsockname())
			stranger.sendto(b"from a stranger", me.getsockname())
			friend.sendto(b"from the friend", me.getsockname())
			me.settimeout(0.5)
			print(me.recv(100).decode())
			try:
			    print(me.recv(100).decode())
			except TimeoutError:
			    print("nothing more")
		`);
		assert.deepEqual(lines, ['from the friend', 'nothing more']);
	});
});

describe('sockets page, "Datagram sockets (UDP)": a buffer shorter than the datagram', () => {
	it('recvfrom(n) returns the first n bytes, and the rest of that datagram is gone', linuxOnly, async () => {
		const lines = await python(`
			import socket
			with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as receiver, socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
			    receiver.bind(("127.0.0.1", 0))
			    sender.sendto(b"0123456789", receiver.getsockname())
			    sender.sendto(b"next", receiver.getsockname())
			    print(receiver.recvfrom(4)[0].decode())
			    print(receiver.recvfrom(100)[0].decode())
		`);
		assert.deepEqual(lines, ['0123', 'next']);
	});
});

describe('socket-functions page, "close() and shutdown()": closing with unread data', () => {
	it('close() after reading sends a normal end (b""); close() with bytes unread resets (ConnectionResetError)', async () => {
		const lines = await python(`
			import socket, time
			with socket.create_server(("127.0.0.1", 0)) as server:
			    for read_first in (True, False):
			        with socket.create_connection(server.getsockname(), timeout=2) as sock:
			            conn, _ = server.accept()
			            sock.sendall(b"hello\\n")
			            time.sleep(0.1)
			            if read_first:
			                conn.recv(100)
			            conn.close()
			            try:
			                print("read first" if read_first else "unread", repr(sock.recv(100)))
			            except OSError as e:
			                print("read first" if read_first else "unread", type(e).__name__)
		`);
		assert.deepEqual(lines, ["read first b''", 'unread ConnectionResetError']);
	});
});

describe('socket-functions page, "connect()": create_connection() tries every address of a name', () => {
	it('when the first address getaddrinfo() gives is refused, it connects to the next; a plain connect() tries one', async () => {
		// The name's addresses are made up here (this machine's "localhost" may have only one), so
		// getaddrinfo() is replaced by one that answers as a dual-stack "localhost" does: ::1 first.
		const lines = await python(`
			import socket
			real_getaddrinfo = socket.getaddrinfo
			def localhost_both(host, port, *args, **kwargs):
			    return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("::1", port, 0, 0)),
			            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
			with socket.create_server(("127.0.0.1", 0)) as server:  # IPv4 only
			    port = server.getsockname()[1]
			    socket.getaddrinfo = localhost_both
			    with socket.create_connection(("dual-stack-name", port), timeout=2) as sock:
			        print("create_connection reached", sock.getpeername()[0])
			    socket.getaddrinfo = real_getaddrinfo
			    with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock:
			        try:
			            sock.connect(("::1", port))
			            print("connect to ::1 accepted")
			        except OSError as e:
			            print("connect to ::1:", type(e).__name__)
		`);
		assert.deepEqual(lines, ['create_connection reached 127.0.0.1', 'connect to ::1: ConnectionRefusedError']);
	});
});

describe('sockets page, "Byte order": how a number becomes bytes', () => {
	it('struct, int.to_bytes and htons give the bytes and numbers the page shows', async () => {
		const lines = await python(`
			import socket, struct, sys
			print(struct.pack("!I", 5), struct.pack(">I", 5) == struct.pack("!I", 5))
			print(struct.pack("<I", 5))
			print(struct.pack(">H", 443))
			print((5).to_bytes(4, "big"), int.from_bytes(b"\\x00\\x00\\x00\\x05", "big"))
			print(int.from_bytes(b"\\x05\\x00\\x00\\x00", "big"))
			print(socket.htons(443) if sys.byteorder == "little" else 47873)
		`);
		assert.deepEqual(lines, ["b'\\x00\\x00\\x00\\x05' True", "b'\\x05\\x00\\x00\\x00'", "b'\\x01\\xbb'", "b'\\x00\\x00\\x00\\x05' 5", '83886080', '47873']);
	});

	it("Node's Buffer writes and reads big-endian with writeUInt32BE and readUInt32BE", () => {
		const buffer = Buffer.alloc(4);
		buffer.writeUInt32BE(5);
		assert.deepEqual([...buffer], [0, 0, 0, 5]);
		assert.equal(buffer.readUInt32BE(), 5);
		assert.equal(buffer.readUInt32LE(), 83_886_080);
	});
});

describe('socket-functions page, "A connection that died without a word": TCP keepalive', () => {
	it('SO_KEEPALIVE is off until set; on Linux TCP_KEEPIDLE, TCP_KEEPINTVL and TCP_KEEPCNT read back as set', linuxOnly, async () => {
		const lines = await python(`
			import socket
			with socket.socket() as sock:
			    print(sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE))
			    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
			    print(sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) != 0)
			    for option, value in ((socket.TCP_KEEPIDLE, 60), (socket.TCP_KEEPINTVL, 10), (socket.TCP_KEEPCNT, 5)):
			        sock.setsockopt(socket.IPPROTO_TCP, option, value)
			        print(sock.getsockopt(socket.IPPROTO_TCP, option))
		`);
		assert.deepEqual(lines, ['0', 'True', '60', '10', '5']);
	});
});

describe('socket-functions page, "When things go wrong": a killed program', () => {
	it('its OS closes its sockets as close() would: b"" when it had read everything, a reset when bytes were unread', async () => {
		const lines = await python(`
			import socket, subprocess, sys, time
			PEER = "import socket, sys, time\\ns = socket.create_server(('127.0.0.1', 0))\\nprint(s.getsockname()[1], flush=True)\\nc, _ = s.accept()\\nif sys.argv[1] == 'read': c.recv(100)\\nprint('ready', flush=True)\\ntime.sleep(30)"
			for mode in ("read", "unread"):
			    peer = subprocess.Popen([sys.executable, "-c", PEER, mode], stdout=subprocess.PIPE, text=True)
			    port = int(peer.stdout.readline())
			    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
			        sock.sendall(b"hello\\n")
			        peer.stdout.readline()
			        time.sleep(0.1)
			        peer.kill()
			        peer.wait()
			        try:
			            print(mode, repr(sock.recv(100)))
			        except OSError as e:
			            print(mode, type(e).__name__)
		`);
		assert.deepEqual(lines, ["read b''", 'unread ConnectionResetError']);
	});

	it('after a reset, the bytes that had already arrived are read first; the next call raises ConnectionResetError', linuxOnly, async () => {
		const lines = await python(`
			import socket, time
			with socket.create_server(("127.0.0.1", 0)) as server, socket.create_connection(server.getsockname(), timeout=2) as sock:
			    conn, _ = server.accept()
			    sock.sendall(b"unread\\n")
			    conn.sendall(b"reply\\n")
			    time.sleep(0.1)
			    conn.close()  # with "unread\\n" still unread: a reset
			    time.sleep(0.1)
			    print(repr(sock.recv(100)))
			    try:
			        sock.recv(100)
			    except OSError as e:
			        print(type(e).__name__)
		`);
		assert.deepEqual(lines, ["b'reply\\n'", 'ConnectionResetError']);
	});
});
