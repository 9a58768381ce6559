/**
 * Builds a run's event log (src/lib/conversation/event-log.ts) from what the recorders wrote:
 * one `<pid>.jsonl` file per process of the run, one {@link RawEvent} a line, from the Node.js
 * recorder (record-node.ts) or the Python one (python/sitecustomize.py).
 *
 * - Processes are named by their script, relative to the example folder (`server.js`,
 *   `python/client.py`), their arguments with every port replaced by `<port>`; `p1`, `p2`, …
 *   in order of first event.
 * - Events are sorted by time, then process id, then the process's own sequence (stable and
 *   deterministic); `t` counts from the first event. Sockets are `s1`, `s2`, … in order of
 *   first event; a socket without any address (not a TCP or UDP socket) is left out.
 * - Pairing, done here once (the diagram reads it and pairs nothing): a TCP client's `connect`
 *   (local a, remote b) is the `counterpart` of the server's `accept` (local b, remote a), and
 *   every event of both sockets names the other as `peer`. A `datagram-sent` is the
 *   `counterpart` of the `datagram-received` of the same bytes between the same ports (the
 *   first one after it), each naming the other's socket as `peer`; a sent datagram nobody
 *   received gets `lost: true`. An event with a `remote` but no `peer` (a failed connect, a
 *   lost datagram) names the socket of the run bound to that address, if any, as `addressedTo`.
 *   Addresses compare through address.ts, whatever their spelling.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { isWildcard, normalizeAddress, portOf, sameEnd } from './address.ts';
import { EVENT_LOG_FORMAT, eventLogSchema, type EventLog, type EventType, type SocketEvent } from './event-log.ts';

/** The environment variable that switches the recorders on: the folder they write their files to. */
export const EVENTS_DIR_ENV = 'NETCOURSE_EVENTS_DIR';

export type RawEventType = EventType;

/** One line of a recorder's `<pid>.jsonl`: one event as one process saw it. */
export interface RawEvent {
	/** Absolute time in milliseconds since 1970 (Node: `performance.timeOrigin + performance.now()`). */
	t: number;
	pid: number;
	/** When the process started (ms since 1970): with `pid`, tells processes apart even if a pid is reused. */
	started: number;
	/** The script the process runs, as given on its command line (`process.argv[1]`, `sys.argv[0]`). */
	script: string;
	args: string[];
	/** The event's number within its process, from 1. */
	seq: number;
	/** The socket's number within its process, from 1. */
	socket: number;
	protocol: 'tcp' | 'udp';
	type: RawEventType;
	local?: string | undefined;
	remote?: string | undefined;
	bytes?: number | undefined;
	preview?: string | undefined;
	error?: string | undefined;
}

export interface MergeOptions {
	/** The example folder: process names are script paths relative to it. */
	exampleDir: string;
	example: string;
	language: EventLog['language'];
	sourceHash: string;
	recordedAt: string;
	limitations?: string | undefined;
}

/** Every event in the `*.jsonl` files of `dir`, in no particular order (a cut-off last line is skipped). */
export function readRawEvents(dir: string): RawEvent[] {
	const events: RawEvent[] = [];
	for (const name of readdirSync(dir).filter((file) => file.endsWith('.jsonl')).sort()) {
		for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
			if (!line.trim()) continue;
			try {
				events.push(JSON.parse(line) as RawEvent);
			} catch {
				// a process killed in the middle of a write: that event is lost, the others count
			}
		}
	}
	return events;
}

/** Reads a run's recorder files from `dir` and builds its event log. */
export function mergeEventLog(dir: string, options: MergeOptions): EventLog {
	return mergeEvents(readRawEvents(dir), options);
}

const processKey = (event: RawEvent) => `${event.pid}@${event.started}`;
const socketKey = (event: RawEvent) => `${processKey(event)}#${event.socket}`;

/** Builds the event log of one run from the raw events of all its processes; validated against the contract. */
export function mergeEvents(raw: readonly RawEvent[], options: MergeOptions): EventLog {
	// Sockets with no address anywhere are not TCP or UDP sockets of the example.
	const addressed = new Set(raw.filter((event) => event.local !== undefined || event.remote !== undefined).map(socketKey));
	const events = raw
		.filter((event) => addressed.has(socketKey(event)))
		.map((event, index) => ({ event, index }))
		.sort((a, b) => a.event.t - b.event.t || a.event.pid - b.event.pid || a.event.started - b.event.started || a.event.seq - b.event.seq || a.index - b.index)
		.map(({ event }) => event);

	const processIds = new Map<string, string>();
	const processes: EventLog['processes'] = [];
	const socketIds = new Map<string, string>();
	const ports = new Set<number>();
	for (const event of events) {
		for (const where of [event.local, event.remote]) {
			const port = portOf(where);
			if (port) ports.add(port);
		}
	}
	for (const event of events) {
		const key = processKey(event);
		if (!processIds.has(key)) {
			const id = `p${processIds.size + 1}`;
			processIds.set(key, id);
			processes.push({ id, name: scriptName(event.script, options.exampleDir), args: maskPorts(event.args, ports) });
		}
		if (!socketIds.has(socketKey(event))) socketIds.set(socketKey(event), `s${socketIds.size + 1}`);
	}

	const connections = linkConnections(events);
	const datagrams = linkDatagrams(events);
	const counterparts = new Map([...connections.counterparts, ...datagrams.counterparts]);
	const socketAt = socketsByAddress(events);
	const first = events[0]?.t ?? 0;
	const log: EventLog = {
		format: EVENT_LOG_FORMAT,
		example: options.example,
		language: options.language,
		sourceHash: options.sourceHash,
		recordedAt: options.recordedAt,
		processes,
		events: events.map((event, index) => {
			const out: SocketEvent = {
				t: Math.round((event.t - first) * 10) / 10,
				process: processIds.get(processKey(event))!,
				socket: socketIds.get(socketKey(event))!,
				protocol: event.protocol,
				type: event.type,
			};
			if (event.local !== undefined) out.local = event.local;
			if (event.remote !== undefined) out.remote = event.remote;
			const peer = event.protocol === 'udp' ? datagrams.peers.get(index) : event.type === 'listen' ? undefined : connections.peers.get(socketKey(event));
			if (peer !== undefined) out.peer = socketIds.get(peer)!;
			const counterpart = counterparts.get(index);
			if (counterpart !== undefined) out.counterpart = counterpart;
			const addressee = peer === undefined && event.type !== 'listen' ? socketAt(event.remote) : undefined;
			if (addressee !== undefined && addressee !== socketKey(event)) out.addressedTo = socketIds.get(addressee)!;
			if (event.bytes !== undefined) out.bytes = event.bytes;
			if (event.preview !== undefined) out.preview = event.preview;
			if (event.error !== undefined) out.error = event.error;
			if (datagrams.lost.has(index)) out.lost = true;
			return out;
		}),
		...(options.limitations ? { limitations: options.limitations } : {}),
	};
	return eventLogSchema.parse(log);
}

/** TCP: socket key → the socket key at the other end of its connection; the index of each `connect` ↔ its `accept`. */
function linkConnections(events: readonly RawEvent[]): { peers: Map<string, string>; counterparts: Map<number, number> } {
	const peers = new Map<string, string>();
	const counterparts = new Map<number, number>();
	const indexed = events.map((event, index) => ({ event, index }));
	const connects = indexed.filter(({ event }) => event.protocol === 'tcp' && event.type === 'connect');
	for (const { event: accept, index } of indexed.filter(({ event }) => event.protocol === 'tcp' && event.type === 'accept')) {
		const open = connects.filter(({ event: c }) => !peers.has(socketKey(c)));
		const exact = open.filter(({ event: c }) => same(c.local, accept.remote) && same(c.remote, accept.local));
		const candidates = exact.length > 0 ? exact : open.filter(({ event: c }) => sameEnd(c.local, accept.remote) && sameEnd(c.remote, accept.local));
		const connect = candidates.sort((a, b) => Math.abs(a.event.t - accept.t) - Math.abs(b.event.t - accept.t))[0];
		if (!connect) continue;
		peers.set(socketKey(connect.event), socketKey(accept));
		peers.set(socketKey(accept), socketKey(connect.event));
		counterparts.set(connect.index, index);
		counterparts.set(index, connect.index);
	}
	return { peers, counterparts };
}

/** Whether two addresses are one, however spelled (both unknown is not a match). */
function same(a: string | undefined, b: string | undefined): boolean {
	return a !== undefined && b !== undefined && normalizeAddress(a) === normalizeAddress(b);
}

/** UDP: event index → socket key of the other end, each sent datagram's index ↔ its arrival's, and the indexes of datagrams nobody received. */
function linkDatagrams(events: readonly RawEvent[]): { peers: Map<number, string>; counterparts: Map<number, number>; lost: Set<number> } {
	const peers = new Map<number, string>();
	const counterparts = new Map<number, number>();
	const lost = new Set<number>();
	const received = events.map((event, index) => ({ event, index })).filter(({ event }) => event.protocol === 'udp' && event.type === 'datagram-received');
	events.forEach((sent, index) => {
		if (sent.protocol !== 'udp' || sent.type !== 'datagram-sent') return;
		const fits = received.filter(
			({ event, index: at }) =>
				!counterparts.has(at) &&
				event.bytes === sent.bytes &&
				event.preview === sent.preview &&
				sameEnd(event.local, sent.remote) &&
				sameEnd(event.remote, sent.local)
		);
		// The first one after it; one before it only if the clocks of two processes disagree.
		const match = fits.find(({ index: at }) => at > index) ?? fits[0];
		if (!match) {
			lost.add(index);
			return;
		}
		peers.set(index, socketKey(match.event));
		peers.set(match.index, socketKey(sent));
		counterparts.set(index, match.index);
		counterparts.set(match.index, index);
	});
	return { peers, counterparts, lost };
}

/**
 * The socket of the run bound to an address, for an event that reached no peer: a listening
 * socket bound there, else the first socket with that local address, else a listener on every
 * address (`0.0.0.0`) with that port.
 */
function socketsByAddress(events: readonly RawEvent[]): (where: string | undefined) => string | undefined {
	const listener = new Map<string, string>();
	const anySocket = new Map<string, string>();
	const wildcardListener = new Map<number, string>();
	for (const event of events) {
		if (event.local === undefined) continue;
		const key = normalizeAddress(event.local);
		if (!anySocket.has(key)) anySocket.set(key, socketKey(event));
		if (event.type !== 'listen') continue;
		if (!listener.has(key)) listener.set(key, socketKey(event));
		const port = portOf(event.local);
		if (port !== undefined && isWildcard(event.local) && !wildcardListener.has(port)) wildcardListener.set(port, socketKey(event));
	}
	return (where) => {
		if (where === undefined) return undefined;
		const key = normalizeAddress(where);
		return listener.get(key) ?? anySocket.get(key) ?? wildcardListener.get(portOf(where) ?? -1);
	};
}

/** `server.js`, `python/client.py`: the script relative to the example folder, else its file name. */
function scriptName(script: string, exampleDir: string): string {
	if (!script) return '(unknown)';
	const inside = relative(exampleDir, script);
	if (inside && !inside.startsWith('..') && !inside.startsWith(sep) && !/^[a-z]:/i.test(inside)) return inside.split(sep).join('/');
	return basename(script);
}

/** The arguments with every port (`--port 41879`, `127.0.0.1:41879`, a port seen in the run) as `<port>`. */
function maskPorts(args: readonly string[], ports: ReadonlySet<number>): string[] {
	return args.map((arg, index) => {
		if (/^-(-port|p)$/.test(args[index - 1] ?? '') && /^\d+$/.test(arg)) return '<port>';
		return arg
			.replace(/^(--port=)\d+$/, '$1<port>')
			.replace(/(^|[^\w.])(\d{1,5})(?![\w.])/g, (whole, before: string, digits: string) => (ports.has(Number(digits)) ? `${before}<port>` : whole));
	});
}
