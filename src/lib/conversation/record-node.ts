/**
 * The Node.js socket recorder: a preload (`node --import`) that writes every socket event of
 * one process to `$NETCOURSE_EVENTS_DIR/<pid>.jsonl`, one JSON line ({@link RawEvent}) per
 * event, from outside the example code. `runExample` (src/lib/examples/recording.ts) passes it
 * to every Node.js process of a run through `NODE_OPTIONS=--import=<file URL>`, so the programs
 * that `launch.js` starts load it too; src/lib/conversation/merge.ts turns the files into the
 * run's event log (src/lib/conversation/event-log.ts).
 *
 * It observes without changing behaviour:
 * - it finds sockets through `node:diagnostics_channel` (`net.client.socket`, `udp.socket`,
 *   and the `tracing:net.server.listen:*` channels for servers, whose `emit('connection')` it
 *   wraps so that an accepted socket is seen before the program's own connection listener;
 *   `net.server.socket` only as a fallback, as Node publishes it after that listener ran);
 * - on each socket it wraps `emit` (to see 'connect', 'data', 'end', 'error', 'close',
 *   'message', 'listening') and `write`/`end`/`destroy`/`send`/`close` (to see what the
 *   program sends and closes); it never adds a listener, so a paused socket (`pauseOnConnect`)
 *   stays paused and an 'error' nobody handles still crashes the program as before;
 * - it writes synchronously (`appendFileSync`), so nothing is lost when a program ends with
 *   `process.exit()`; a failure of the recorder itself is swallowed, never the program's.
 * Only TCP and UDP sockets with an address are recorded: pipes (the stdio of child processes)
 * and IPC sockets are not the example's.
 *
 * TLS sockets are recorded as the TCP connections under them, with the encrypted bytes that
 * cross the wire: record-node-tls.ts runs TLS over a stream the recorder can see.
 *
 * Not seen (no example needs them): the bytes that Node's own `node:http` server reads straight
 * from a socket's handle, without 'data' events; a socket still open when its program exits
 * gets no 'close'.
 *
 * This file is loaded into the example programs: it imports nothing but Node's built-ins (and
 * record-node-tls.ts beside it, which does the same).
 */
import dc from 'node:diagnostics_channel';
import type dgram from 'node:dgram';
import { appendFileSync } from 'node:fs';
import type net from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { RawEvent, RawEventType } from './merge.ts';
import { tapAcceptedSocket, tapTlsConnect } from './record-node-tls.ts';

/** The folder to write to: EVENTS_DIR_ENV of merge.ts (not imported: this file imports only built-ins). */
const EVENTS_DIR_ENV = 'NETCOURSE_EVENTS_DIR';

/**
 * The contract's preview of some bytes: printable ASCII kept, `\n` as `⏎`, any other byte as
 * `·`; at most 32 characters, then `…` if there were more bytes.
 */
export function preview(bytes: Uint8Array): string {
	let text = '';
	for (const byte of bytes.subarray(0, 32)) {
		text += byte === 0x0a ? '⏎' : byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '·';
	}
	return bytes.length > 32 ? `${text}…` : text;
}

type Fields = Partial<Pick<RawEvent, 'local' | 'remote' | 'bytes' | 'preview' | 'error'>>;
type AnyFunction = (...args: unknown[]) => unknown;

interface Tracked {
	/** The socket's number within this process, from its first recorded event. */
	n: number | undefined;
	protocol: 'tcp' | 'udp';
	/** TCP: a client socket before 'connect' (sends wait), open, or not the example's (a pipe). */
	state: 'connecting' | 'open' | 'ignored';
	/** TCP: events that happen on the wire only once connected (sends before 'connect'). */
	queued: Array<() => void>;
	ended: boolean;
	peerEnded: boolean;
	closed: boolean;
	/** Inside the program's `end()`: the `write()` it may make is the same bytes, not more. */
	inEnd: boolean;
	/** UDP: bound (its 'listening' was seen): a send before that is sent again by Node once bound. */
	bound: boolean;
}

const tracked = new WeakMap<object, Tracked>();
let socketCount = 0;
let sequence = 0;
let file: string | undefined;
const started = performance.timeOrigin;

function install(dir: string): void {
	file = join(dir, `${process.pid}.jsonl`);
	tapTlsConnect();
	dc.subscribe('net.client.socket', (message) => guard(() => trackClient((message as { socket: net.Socket }).socket)));
	dc.subscribe('udp.socket', (message) => guard(() => trackUdp((message as { socket: dgram.Socket }).socket)));
	dc.subscribe('tracing:net.server.listen:asyncStart', (message) => guard(() => trackServer((message as { server: net.Server }).server)));
	dc.subscribe('tracing:net.server.listen:asyncEnd', (message) => guard(() => listened((message as { server: net.Server }).server)));
	dc.subscribe('tracing:net.server.listen:error', (message) =>
		guard(() => {
			const { server, error } = message as { server: net.Server; error: NodeJS.ErrnoException & { address?: string; port?: number } };
			const state = tracked.get(server);
			if (!state || error.port === undefined) return;
			record(state, 'error', { local: address(error.address, error.port), error: error.code ?? error.name });
		})
	);
	// Node publishes this one after the server's 'connection' listeners ran: a fallback only.
	dc.subscribe('net.server.socket', (message) => guard(() => trackAccepted((message as { socket: net.Socket }).socket)));
}

/** Runs the recorder's own code; its failures must never become the program's. */
function guard(work: () => void): void {
	try {
		work();
	} catch {
		// the recording misses this event; the program goes on exactly as without it
	}
}

function record(state: Tracked, type: RawEventType, fields: Fields = {}): void {
	if (!file || state.state === 'ignored') return;
	state.n ??= ++socketCount;
	const line: RawEvent = {
		t: performance.timeOrigin + performance.now(),
		pid: process.pid,
		started,
		script: process.argv[1] ?? '',
		args: process.argv.slice(2),
		seq: ++sequence,
		socket: state.n,
		protocol: state.protocol,
		type,
		...fields,
	};
	appendFileSync(file, `${JSON.stringify(line)}\n`);
}

function address(host: string | undefined, port: number | undefined): string | undefined {
	if (host === undefined || port === undefined) return undefined;
	return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function newState(protocol: 'tcp' | 'udp', state: Tracked['state']): Tracked {
	return { n: undefined, protocol, state, queued: [], ended: false, peerEnded: false, closed: false, inEnd: false, bound: false };
}

/**
 * Makes `target[name]` a function that first calls `before` (guarded), then the original.
 * Node itself reassigns some methods on a socket (`connect()` resets `socket.write`, a socket
 * whose peer ended gets `write = writeAfterFIN`): the property is an accessor, so such an
 * assignment replaces what runs, and `before` is only called while the original runs.
 */
function wrap(target: object, name: string, before: (original: AnyFunction, args: unknown[]) => (() => void) | void): void {
	const original = (target as Record<string, unknown>)[name];
	if (typeof original !== 'function') return;
	let current = original as AnyFunction;
	const wrapper = function (this: unknown, ...args: unknown[]) {
		if (current !== original) return current.apply(this, args);
		let after: (() => void) | void;
		try {
			after = before(current, args);
		} catch {
			after = undefined;
		}
		try {
			return current.apply(this, args);
		} finally {
			if (after) guard(after);
		}
	};
	Object.defineProperty(target, name, {
		configurable: true,
		enumerable: false,
		get: () => wrapper,
		set: (value: AnyFunction) => {
			current = value === wrapper ? (original as AnyFunction) : value;
		},
	});
}

function toBytes(chunk: unknown, encoding: unknown): Buffer | undefined {
	if (typeof chunk === 'string') return Buffer.from(chunk, typeof encoding === 'string' && Buffer.isEncoding(encoding) ? encoding : 'utf8');
	if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
	if (ArrayBuffer.isView(chunk)) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
	if (Array.isArray(chunk)) {
		const parts = chunk.map((part) => toBytes(part, encoding)).filter((part): part is Buffer => part !== undefined);
		return Buffer.concat(parts);
	}
	return undefined;
}

// ---- TCP ----

function trackClient(socket: net.Socket): void {
	if (tracked.has(socket)) return;
	const state = newState('tcp', 'connecting');
	tracked.set(socket, state);
	watchTcp(socket, state);
}

function trackAccepted(socket: net.Socket): void {
	if (tracked.has(socket)) return;
	const state = newState('tcp', 'open');
	tracked.set(socket, state);
	if (socket.remotePort === undefined || socket.localPort === undefined) {
		state.state = 'ignored';
		return;
	}
	record(state, 'accept', { local: address(socket.localAddress, socket.localPort), remote: address(socket.remoteAddress, socket.remotePort) });
	watchTcp(socket, state);
}

function trackServer(server: net.Server): void {
	if (tracked.has(server)) return;
	const state = newState('tcp', 'open');
	tracked.set(server, state);
	wrap(server, 'emit', (_original, args) => {
		const [event, socket] = args;
		if (event === 'connection' && socket && typeof socket === 'object') trackAccepted(socket as net.Socket);
		tapAcceptedSocket(server, args);
	});
	wrap(server, 'close', () => {
		if (server.listening && !state.closed) {
			state.closed = true;
			record(state, 'close');
		}
	});
}

function listened(server: net.Server): void {
	const state = tracked.get(server);
	if (!state) return;
	const bound = server.address();
	if (bound === null || typeof bound === 'string') {
		state.state = 'ignored'; // a pipe or IPC server, not a TCP one
		return;
	}
	state.closed = false;
	record(state, 'listen', { local: address(bound.address, bound.port) });
}

function watchTcp(socket: net.Socket, state: Tracked): void {
	/** Records now, or once connected if the bytes cannot leave before. */
	const onWire = (event: () => void) => {
		if (state.state === 'connecting') state.queued.push(event);
		else event();
	};
	const sent = (bytes: Buffer | undefined) => {
		if (bytes && bytes.length > 0) onWire(() => record(state, 'send', { bytes: bytes.length, preview: preview(bytes) }));
	};
	const writable = () => !state.ended && !socket.destroyed && socket.writable !== false;

	wrap(socket, 'emit', (_original, [event, ...args]) => {
		switch (event) {
			case 'connect': {
				if (state.state !== 'connecting') return;
				if (socket.remotePort === undefined) {
					state.state = 'ignored';
					return;
				}
				state.state = 'open';
				record(state, 'connect', { local: address(socket.localAddress, socket.localPort), remote: address(socket.remoteAddress, socket.remotePort) });
				for (const event of state.queued.splice(0)) event();
				return;
			}
			case 'data': {
				const bytes = toBytes(args[0], socket.readableEncoding);
				if (bytes && bytes.length > 0) record(state, 'receive', { bytes: bytes.length, preview: preview(bytes) });
				return;
			}
			case 'end':
				if (!state.peerEnded) {
					state.peerEnded = true;
					record(state, 'peer-half-close');
				}
				return;
			case 'error': {
				const error = args[0] as (NodeJS.ErrnoException & { address?: string; port?: number }) | undefined;
				const code = error?.code ?? error?.name ?? 'Error';
				if (state.state === 'connecting') {
					if (error?.port === undefined) {
						state.state = 'ignored'; // a pipe that failed to connect
						return;
					}
					state.queued.length = 0; // nothing queued ever left
					record(state, 'connect-failed', { remote: address(error.address, error.port), error: code });
					state.state = 'open'; // its 'close' still counts
					return;
				}
				record(state, ['ECONNRESET', 'EPIPE', 'ECONNABORTED'].includes(code) ? 'reset' : 'error', { error: code });
				return;
			}
			case 'close':
				if (state.state === 'connecting') state.state = 'open'; // closed before it connected
				if (!state.closed) {
					state.closed = true;
					record(state, 'close');
				}
				return;
		}
	});
	wrap(socket, 'write', (_original, [chunk, encoding]) => {
		if (!state.inEnd && writable()) sent(toBytes(chunk, encoding));
	});
	wrap(socket, 'end', (_original, [chunk, encoding]) => {
		if (state.inEnd || state.ended || socket.destroyed) return;
		if (typeof chunk !== 'function' && chunk !== undefined && chunk !== null) sent(toBytes(chunk, encoding));
		state.ended = true;
		state.inEnd = true;
		onWire(() => record(state, 'half-close'));
		return () => {
			state.inEnd = false;
		};
	});
	wrap(socket, 'destroy', (_original, [error]) => {
		// With an error, Node emits 'error' and then 'close': those say what happened.
		if (error || state.closed || socket.destroyed || state.state !== 'open') return;
		state.closed = true;
		record(state, 'close');
	});
}

// ---- UDP ----

function trackUdp(socket: dgram.Socket): void {
	if (tracked.has(socket)) return;
	const state = newState('udp', 'open');
	tracked.set(socket, state);
	const local = () => {
		const bound = socket.address();
		return address(bound.address, bound.port);
	};

	wrap(socket, 'emit', (_original, [event, ...args]) => {
		switch (event) {
			case 'listening':
				state.bound = true;
				record(state, 'listen', { local: local() });
				return;
			case 'message': {
				const bytes = toBytes(args[0], undefined) ?? Buffer.alloc(0);
				const from = args[1] as dgram.RemoteInfo | undefined;
				record(state, 'datagram-received', { local: local(), remote: address(from?.address, from?.port), bytes: bytes.length, preview: preview(bytes) });
				return;
			}
			case 'error': {
				const error = args[0] as NodeJS.ErrnoException | undefined;
				record(state, 'error', { error: error?.code ?? error?.name ?? 'Error' });
				return;
			}
			case 'close':
				if (!state.closed) {
					state.closed = true;
					record(state, 'close');
				}
				return;
		}
	});
	wrap(socket, 'send', (_original, args) => {
		// An unbound socket is bound by its first send, and Node calls send() again once it is
		// ('listening'): that call is the one that sends.
		if (!state.bound) return;
		const datagram = udpSend(socket, args);
		if (datagram) record(state, 'datagram-sent', { local: local(), remote: datagram.remote, bytes: datagram.bytes.length, preview: preview(datagram.bytes) });
	});
	wrap(socket, 'close', () => {
		if (!state.closed) {
			state.closed = true;
			record(state, 'close');
		}
	});
}

/** What `socket.send(msg[, offset, length][, port][, address][, callback])` sends, and where. */
function udpSend(socket: dgram.Socket, args: unknown[]): { bytes: Buffer; remote: string | undefined } | undefined {
	let [message, offset, length, port, host] = args;
	let connected: { address: string; port: number } | undefined;
	try {
		connected = socket.remoteAddress();
	} catch {
		connected = undefined;
	}
	let bytes = toBytes(message, undefined);
	if (!bytes) return undefined;
	if (connected) {
		if (typeof length === 'number') bytes = bytes.subarray(Number(offset), Number(offset) + length);
		return { bytes, remote: address(connected.address, connected.port) };
	}
	if (host || (port && typeof port !== 'function')) {
		if (typeof offset === 'number' && typeof length === 'number') bytes = bytes.subarray(offset, offset + length);
	} else {
		port = offset;
		host = length;
	}
	if (typeof host !== 'string') host = (socket as dgram.Socket & { type?: string }).type === 'udp6' ? '::1' : '127.0.0.1';
	return { bytes, remote: address(String(host), Number(port)) };
}

const eventsDir = process.env[EVENTS_DIR_ENV];
if (eventsDir) guard(() => install(eventsDir));
