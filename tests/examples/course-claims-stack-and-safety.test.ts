/**
 * Runs the claims about socket behaviour that the course text makes in
 * content/docs/course/protocol-stack.mdx, content/docs/course/client-server.mdx and the
 * example READMEs (examples/tcp-framing/README.md, examples/udp-echo/README.md), on loopback
 * with ports the operating system picks. Each claim is a short Python snippet run with
 * `python3 -c` (or Node's `net`), bounded by a timeout. A claim that depends on the operating
 * system or on privileges is skipped, with the reason, where it cannot be run.
 *
 * Claims that are documented kernel facts and not run here: Nagle's algorithm and delayed
 * ACK timings (RFC 896, RFC 1122 4.2.3.2 and 4.2.3.4; about 40 ms minimum on Linux), and
 * that macOS's ping uses an ICMP datagram socket.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { findPython } from '../../src/lib/examples/python.ts';
import { runPython } from './support/python-snippet.ts';

const run = promisify(execFile);
const TIMEOUT_MS = 15_000;
const linux = process.platform === 'linux';
const windows = process.platform === 'win32';

const python = (code: string, env: NodeJS.ProcessEnv = process.env): Promise<string> => runPython(code, { env, timeoutMs: TIMEOUT_MS });

/** True if `command` can be started (it is on the PATH). */
function hasCommand(command: string, args: string[] = ['--version']): boolean {
	try {
		execFileSync(command, args, { stdio: 'ignore', timeout: 5_000 });
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code !== 'ENOENT';
	}
}

/** True if `command args` runs and exits 0. */
function succeeds(command: string, args: string[]): boolean {
	try {
		execFileSync(command, args, { stdio: 'ignore', timeout: 5_000 });
		return true;
	} catch {
		return false;
	}
}

/**
 * Python: drop root to the user and group "nobody" (65534), so that the rest of the snippet
 * runs unprivileged. Modules are imported first: the interpreter may live where only root can read.
 */
const DROP_ROOT = `
import json, os, socket, struct
if os.getuid() == 0:
    os.setgroups([]); os.setgid(65534); os.setuid(65534)
`;

describe('protocol-stack.mdx', () => {
	it('the minimal HTTP request is 37 bytes: two lines ending in CR LF, then an empty line', { timeout: TIMEOUT_MS }, async () => {
		const out = await python(`
request = b"GET / HTTP/1.1\\r\\nHost: example.com\\r\\n\\r\\n"
print(len(request), request.endswith(b"\\r\\n\\r\\n"), request.count(b"\\r\\n"), request.count(b"\\n"))
`);
		// 37 bytes; the header section ends with an empty line; 3 line ends, each CR LF (no bare LF).
		assert.equal(out, '37 True 3 3');
	});

	it('TCP: both connections to one server port reach their own accepted socket (the 4-tuple), sharing the server address and port', { timeout: TIMEOUT_MS }, async () => {
		const out = await python(`
import socket
socket.setdefaulttimeout(5)
server = socket.create_server(("127.0.0.1", 0))
c1 = socket.create_connection(server.getsockname())
c2 = socket.create_connection(server.getsockname())
a1, peer1 = server.accept()
a2, peer2 = server.accept()
# Both accepted sockets have the listening socket's address and port as their own end ...
assert a1.getsockname() == a2.getsockname() == server.getsockname()
# ... and differ only in the client's end: the 4-tuples differ.
assert peer1 != peer2 and {peer1, peer2} == {c1.getsockname(), c2.getsockname()}
c2.sendall(b"from client 2")
c1.sendall(b"from client 1")
by_peer = {peer1: a1, peer2: a2}
print(by_peer[c1.getsockname()].recv(100).decode(), "|", by_peer[c2.getsockname()].recv(100).decode())
`);
		assert.equal(out, 'from client 1 | from client 2');
	});

	it('a raw socket (SOCK_RAW) is refused to an ordinary user', { timeout: TIMEOUT_MS, skip: windows && 'raw sockets on Windows follow other rules' }, async () => {
		const out = await python(`${DROP_ROOT}
try:
    socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    print("allowed")
except PermissionError:
    print("refused")
`);
		assert.equal(out, 'refused');
	});

	// ping's ICMP datagram socket: an ordinary user sends an echo request to 127.0.0.1 and gets
	// the echo reply back, with no raw socket. Linux lets the groups in net.ipv4.ping_group_range
	// open one. Where this machine's setting leaves our group out (the kernel's default, "1 0"),
	// the test runs as root in a network namespace of its own (so the machine's setting is not
	// touched), with the setting open to every group, and drops root before opening the socket.
	const pingRange = linux ? readFileSync('/proc/sys/net/ipv4/ping_group_range', 'utf8').trim().split(/\s+/).map(Number) : [];
	const gid = process.getgid?.() ?? -1;
	const allowedHere = linux && process.getuid?.() !== 0 && gid >= pingRange[0]! && gid <= pingRange[1]!;
	const asRootInNamespace = linux && process.getuid?.() === 0 && succeeds('unshare', ['--net', 'true']) && succeeds('ip', ['-V']);
	it(
		'ping without privileges: an ICMP datagram socket (SOCK_DGRAM, IPPROTO_ICMP) sends an echo request and gets the reply',
		{
			timeout: TIMEOUT_MS,
			skip: !linux ? 'Linux only (ping_group_range)' : !allowedHere && !asRootInNamespace && 'ping_group_range leaves our group out, and we cannot make a network namespace',
		},
		async () => {
			const snippet = `${DROP_ROOT}
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP)
s.settimeout(5)
# Echo request: type 8, code 0; the kernel fills in the checksum and the identifier.
s.sendto(struct.pack("!BBHHH", 8, 0, 0, 0, 1) + b"netcourse", ("127.0.0.1", 0))
reply, address = s.recvfrom(1024)
print(os.getuid() != 0, reply[0], address[0], reply[8:].decode())
`;
			let out: string;
			if (allowedHere) {
				out = await python(snippet);
			} else {
				const script = 'ip link set lo up && echo "0 2147483647" > /proc/sys/net/ipv4/ping_group_range && exec "$PY" -c "$SNIPPET"';
				const { stdout } = await run('unshare', ['--net', 'sh', '-c', script], {
					timeout: TIMEOUT_MS,
					env: { ...process.env, PY: findPython(), SNIPPET: snippet },
				});
				out = stdout.trim();
			}
			// Not root; type 0 is the echo reply; it came from 127.0.0.1 with our payload.
			assert.equal(out, 'True 0 127.0.0.1 netcourse');
		}
	);

	const ss = linux && hasCommand('ss', ['-V']);
	it('ss -tln lists the listening socket; ss -tn lists a loopback connection twice, once from each end', { timeout: TIMEOUT_MS, skip: !ss && 'needs ss (Linux)' }, async () => {
		const server = net.createServer((socket) => socket.on('error', () => {}));
		await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
		const port = (server.address() as net.AddressInfo).port;
		const client = net.connect(port, '127.0.0.1');
		try {
			await new Promise<void>((connected, failed) => client.once('connect', connected).once('error', failed));
			const clientPort = client.localPort!;
			const listening = (await run('ss', ['-tln'], { timeout: TIMEOUT_MS })).stdout;
			assert.match(listening, new RegExp(`^LISTEN\\s.*\\s127\\.0\\.0\\.1:${port}\\s`, 'm'));
			const connections = (await run('ss', ['-tn'], { timeout: TIMEOUT_MS })).stdout;
			assert.match(connections, new RegExp(`^ESTAB\\s.*\\s127\\.0\\.0\\.1:${clientPort}\\s+127\\.0\\.0\\.1:${port}\\s`, 'm'));
			assert.match(connections, new RegExp(`^ESTAB\\s.*\\s127\\.0\\.0\\.1:${port}\\s+127\\.0\\.0\\.1:${clientPort}\\s`, 'm'));
		} finally {
			client.destroy();
			server.close();
		}
	});
});

describe('client-server.mdx: keeping a server safe', () => {
	it('pickle.loads() on bytes from the network calls a function the sender chose; eval() runs any code', { timeout: TIMEOUT_MS }, async () => {
		const out = await python(`
import os, pickle, socket
socket.setdefaulttimeout(5)

class Chosen:  # on the sender's side
    def __reduce__(self):
        return (print, ("code chosen by the sender ran",))

server = socket.create_server(("127.0.0.1", 0))
with socket.create_connection(server.getsockname()) as sender:
    sender.sendall(pickle.dumps(Chosen()))
    sender.shutdown(socket.SHUT_WR)
    conn, _ = server.accept()
    data = b""
    while chunk := conn.recv(1024):
        data += chunk
del Chosen  # the receiver does not need the sender's class
pickle.loads(data)  # the receiver's mistake: prints the sender's text
print(eval("__import__('os').getpid()") == os.getpid())
`);
		assert.equal(out, 'code chosen by the sender ran\nTrue');
	});

	it('a server bound to 127.0.0.1 is reached only at 127.0.0.1; one bound to 0.0.0.0 at every address of the machine', { timeout: TIMEOUT_MS, skip: !linux && 'Linux: 127.0.0.2 is a loopback address there' }, async () => {
		const out = await python(`
import json, socket
socket.setdefaulttimeout(5)

def reach(bind_host, connect_host):
    with socket.create_server((bind_host, 0)) as server:
        port = server.getsockname()[1]
        try:
            with socket.create_connection((connect_host, port)):
                return "connected"
        except ConnectionRefusedError:
            return "refused"

# One of this machine's own network (non-loopback) addresses, if it has one: connect() on a
# UDP socket sends nothing, it only picks the route and so the local address.
other = None
try:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("198.51.100.1", 9))
        if not probe.getsockname()[0].startswith("127."):
            other = probe.getsockname()[0]
except OSError:
    pass
targets = ["127.0.0.1", "127.0.0.2"] + ([other] if other else [])
print(json.dumps({bind: [reach(bind, target) for target in targets] for bind in ("127.0.0.1", "0.0.0.0")}))
`);
		const result = JSON.parse(out) as Record<string, string[]>;
		const others = result['127.0.0.1']!.length - 2;
		assert.deepEqual(result['127.0.0.1'], ['connected', 'refused', ...Array(others).fill('refused')]);
		assert.deepEqual(result['0.0.0.0'], ['connected', 'connected', ...Array(others).fill('connected')]);
	});

	it('settimeout(): a recv() that waits longer raises TimeoutError', { timeout: TIMEOUT_MS }, async () => {
		const out = await python(`
import socket
socket.setdefaulttimeout(5)
server = socket.create_server(("127.0.0.1", 0))
client = socket.create_connection(server.getsockname())  # connects, then says nothing
conn, _ = server.accept()
conn.settimeout(0.3)
try:
    conn.recv(1024)
    print("got data")
except TimeoutError:
    print("TimeoutError")
`);
		assert.equal(out, 'TimeoutError');
	});

	it("listen()'s backlog is no limit on connections: with a backlog of 1, five connections are open at once", { timeout: TIMEOUT_MS }, async () => {
		const out = await python(`
import socket
socket.setdefaulttimeout(5)
server = socket.create_server(("127.0.0.1", 0), backlog=1)
clients, conns = [], []
for i in range(5):
    clients.append(socket.create_connection(server.getsockname()))
    conns.append(server.accept()[0])
for i, (client, conn) in enumerate(zip(clients, conns)):
    client.sendall(bytes([i]))
    assert conn.recv(1) == bytes([i])
print(len(conns), "open")
`);
		assert.equal(out, '5 open');
	});
});

describe('examples/tcp-framing/README.md: Nagle and TCP_NODELAY', () => {
	it('TCP_NODELAY is off by default and reads back as set after setsockopt()', { timeout: TIMEOUT_MS }, async () => {
		const out = await python(`
import socket
socket.setdefaulttimeout(5)
server = socket.create_server(("127.0.0.1", 0))
sock = socket.create_connection(server.getsockname())
before = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
after = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
print(before == 0, after != 0)
`);
		assert.equal(out, 'True True');
	});
});

describe('examples/udp-echo/README.md: silent loss on loopback', () => {
	it('datagrams that do not fit into a full receive buffer are dropped, and every sendto() still succeeded', { timeout: TIMEOUT_MS, skip: !linux && 'Linux only' }, async () => {
		const out = await python(`
import socket, time
receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
receiver.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # a small buffer, not read from
receiver.bind(("127.0.0.1", 0))
sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sent = sum(sender.sendto(b"x" * 1000, receiver.getsockname()) == 1000 for _ in range(200))
time.sleep(0.2)
receiver.setblocking(False)
received = 0
while True:
    try:
        receiver.recvfrom(65535)
        received += 1
    except BlockingIOError:
        break
print(sent, received)
`);
		const [sent, received] = out.split(' ').map(Number);
		assert.equal(sent, 200, 'every sendto() reported success');
		assert.ok(received! > 0 && received! < 200, `received ${received} of 200: some, not all`);
	});
});
