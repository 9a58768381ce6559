/**
 * TLS for the Node.js recorder (record-node.ts): lets it see what a TLS socket puts on the
 * wire, which is encrypted records, not the program's plain text.
 *
 * Node's TLS reads and writes its TCP socket's handle in C++, where no 'data' event and no
 * `write()` shows the bytes. Given a stream that is not a `net.Socket` with a handle, Node's
 * `TLSSocket` reads and writes that stream through JavaScript instead. So in a recorded run:
 * - `tls.connect(options)` without `options.socket` first opens a plain TCP connection with
 *   `net.connect` (which the recorder tracks like any other) and gives TLS a {@link wireTap}
 *   of it: a `Duplex` that passes each chunk to and from the TCP socket;
 * - a `tls.Server` hands each accepted TCP socket to TLS inside a wire tap
 *   ({@link tapAcceptedSocket}, called from the recorder's wrapper of the server's `emit`).
 * What changes in a recorded run, and only there: TLS runs over a JavaScript stream (a little
 * slower), and the TLS socket's addresses (`remoteAddress`, `localPort`, ...) are copied from
 * the TCP socket ({@link copyAddresses}), as TLS over a stream has none of its own.
 * Not covered (no example uses them): the `tls.connect(port, host, ...)` argument forms and a
 * `new tls.TLSSocket()` made by the program itself.
 *
 * This file is loaded into the example programs: it imports nothing but Node's built-ins.
 */
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import { Duplex } from 'node:stream';
import tls from 'node:tls';

/** The TCP socket under each wire tap. */
const tapped = new WeakMap<Duplex, net.Socket>();

/** Node's cache of a socket's addresses, read by `remoteAddress` and the others. */
interface AddressCache {
	_peername?: unknown;
	_sockname?: unknown;
	_getpeername?: () => unknown;
	_getsockname?: () => unknown;
}

/** A `Duplex` over `raw` that TLS reads and writes as if it were the connection itself. */
export function wireTap(raw: net.Socket): Duplex {
	const tap = new Duplex({
		write(chunk, _encoding, done) {
			raw.write(chunk, done);
		},
		final(done) {
			raw.end();
			done();
		},
		read() {
			if (raw.isPaused()) raw.resume();
		},
		destroy(error, done) {
			raw.destroy();
			done(error);
		},
	});
	raw.on('data', (chunk: Buffer) => {
		if (!tap.push(chunk)) raw.pause();
	});
	// The TCP socket ends its own side when the peer's ends (allowHalfOpen false, as TLS sockets
	// are by default) and then closes: that close is what tells TLS mid-handshake that the peer left.
	raw.on('end', () => tap.push(null));
	raw.on('error', (error) => tap.destroy(error));
	raw.on('close', () => tap.destroy());
	tapped.set(tap, raw);
	return tap;
}

/** Gives `socket`, a TLS socket over a wire tap, the addresses of the TCP socket underneath. */
export function copyAddresses(socket: tls.TLSSocket, raw: net.Socket): void {
	const from = raw as unknown as AddressCache;
	const to = socket as unknown as AddressCache;
	to._peername = from._getpeername?.();
	to._sockname = from._getsockname?.();
}

/**
 * For the recorder's wrapper of a server's `emit`: the socket TLS should get for an accepted
 * TCP socket (a wire tap when `server` is a TLS server), and, for the events that hand the
 * program a TLS socket, that socket's addresses filled in first.
 */
export function tapAcceptedSocket(server: net.Server, args: unknown[]): void {
	if (!(server instanceof tls.Server)) return;
	const [event] = args;
	if (event === 'connection' && args[1] instanceof net.Socket) {
		args[1] = wireTap(args[1]);
		return;
	}
	const socket = event === 'secureConnection' ? args[1] : event === 'tlsClientError' ? args[2] : undefined;
	if (!(socket instanceof tls.TLSSocket)) return;
	// Node keeps the stream under a TLS socket at `_handle._parentWrap.stream` (JSStreamSocket).
	const stream = (socket as unknown as { _handle?: { _parentWrap?: { stream?: unknown } } })._handle?._parentWrap?.stream;
	const raw = stream instanceof Duplex ? tapped.get(stream) : undefined;
	if (raw) copyAddresses(socket, raw);
}

/** Makes `tls.connect(options)` run TLS over a wire tap of a TCP connection it opens first. */
export function tapTlsConnect(): void {
	const original = tls.connect;
	const connect = function (this: unknown, ...args: unknown[]) {
		const [options] = args;
		if (!options || typeof options !== 'object' || (options as tls.ConnectionOptions).socket) {
			return (original as (...args: unknown[]) => tls.TLSSocket).apply(this, args);
		}
		const { host, port, family, localAddress, localPort, lookup, autoSelectFamily } = options as tls.ConnectionOptions & net.TcpNetConnectOpts;
		const given = Object.entries({ family, localAddress, localPort, lookup, autoSelectFamily }).filter(([, value]) => value !== undefined);
		const raw = net.connect({ host: host ?? 'localhost', port: Number(port), ...Object.fromEntries(given) });
		const socket = (original as (...args: unknown[]) => tls.TLSSocket).call(this, { ...options, socket: wireTap(raw) }, ...args.slice(1));
		raw.once('connect', () => copyAddresses(socket, raw));
		// A TLS socket over a stream does not close that stream: close the connection as Node's
		// own TLS does when the program destroys its socket (a refused certificate, say).
		socket.once('close', () => raw.destroy());
		return socket;
	};
	tls.connect = connect as typeof tls.connect;
	syncBuiltinESMExports(); // so that `import { connect } from 'node:tls'` gets it too
}
