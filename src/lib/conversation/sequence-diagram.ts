/**
 * A socket event log (event-log.ts) drawn as an SVG sequence diagram at build time: one
 * lifeline per program, time going down, every event of the log one `<g class="event
 * event-<type>" data-event="<index>">`. Messages (connect, send, datagram, half-close, reset)
 * are arrows from one lifeline to another; what a program sees on its own (listen, accept, a
 * read, close, an error) is a mark on its lifeline.
 *
 * TCP is a byte stream: a `send` is joined to the `receive`(s) of the same direction of the same
 * connection by byte offsets, so two writes read at once are two arrows that meet in one read,
 * and one write read in parts is one arrow that forks.
 *
 * The SVG carries classes only (no `style` attribute, no `<style>`, nothing the page's
 * Content-Security-Policy has to allow): SequenceDiagram.astro colours it for both themes.
 * Pure and deterministic: the same log gives the same bytes.
 */
import type { EventLog, EventType, SocketEvent } from './event-log.ts';

export interface DiagramOptions {
	/** Prefix of the ids inside the SVG (its `<title>` and `<desc>`); unique on the page. */
	idPrefix: string;
	/** What the diagram shows, in a few words: the SVG's `<title>`. */
	title: string;
}

/** One event of the log as a row of a plain table: the diagram's text alternative. */
export interface DiagramRow {
	/** Index in `log.events`, the same as the diagram's `data-event`. */
	event: number;
	type: EventType;
	/** Milliseconds since the first event. */
	t: number;
	/** `t` as shown: one decimal. */
	time: string;
	/** The program that sent it, or the one it happened in. */
	from: string;
	/** The program it went to, or the address when no program of the run is there; empty for a local event. */
	to: string;
	/** What happened, in words. */
	what: string;
	bytes?: number;
	preview?: string;
}

export interface SequenceDiagram {
	svg: string;
	rows: DiagramRow[];
}

// ---- Geometry, in viewBox units (about CSS pixels at full size) ----
const TIME_COL = 58; // the elapsed-time margin on the left
const HEAD_TOP = 8;
const HEAD_H = 28;
const FIRST_ROW = HEAD_TOP + HEAD_H + 28;
const ROW = 28; // between two events, however close in time
const GAP_MS = 50; // a pause at least this long is marked as one on every lifeline
const BOTTOM = 20;
const HEAD_LEN = 9; // arrowheads
const HEAD_HALF = 4;
const PREVIEW_MAX = 24; // characters of a preview in the picture (the table has all of it)

/** Events drawn as arrows from one lifeline to another; the others are marks on their own lifeline. */
const ARROW_TYPES = new Set<EventType>(['connect', 'connect-failed', 'send', 'half-close', 'reset', 'datagram-sent']);

interface Lane {
	id: string;
	index: number;
	label: string;
	x: number;
}

interface Target {
	/** Events at the other end (receives, accept, peer-half-close, datagram-received). */
	events: number[];
	/** The program at the other end, if it is in the run. */
	process?: string;
}

/** Everything the picture, the table and the summary need to know about one log. */
class Analysis {
	readonly events: SocketEvent[];
	readonly lanes: Lane[] = [];
	readonly laneOf = new Map<string, Lane>();
	readonly socketProcess = new Map<string, string>();
	readonly peerOf = new Map<string, string>();
	/** For each message event: where it ends. */
	readonly targets = new Map<number, Target>();
	/** For each receiving event: the message events that end there. */
	readonly sources = new Map<number, number[]>();
	/** For a receive: whether it holds only part of one send. */
	readonly partial = new Set<number>();
	/** For a reset: the program whose socket reset the connection, and its last event before. */
	readonly resetOrigin = new Map<number, { process?: string; event?: number }>();
	readonly listeningSockets = new Set<string>();
	/** The other end's `host:port` of each socket, as first logged. */
	readonly remoteOf = new Map<string, string>();
	private readonly socketByAddress = new Map<string, string>();
	private readonly listenerByAddress = new Map<string, string>();
	/** Listeners on every address of the machine (`0.0.0.0`, `::`): by port. */
	private readonly listenerByPort = new Map<string, string>();

	constructor(log: EventLog) {
		this.events = log.events;
		const known = new Set(log.processes.map((p) => p.id));
		const all = [...log.processes.map((p) => ({ id: p.id, name: p.name, args: p.args }))];
		for (const e of log.events) {
			if (!known.has(e.process)) {
				known.add(e.process);
				all.push({ id: e.process, name: e.process, args: [] });
			}
		}
		all.forEach((p, index) => {
			const same = all.filter((q) => q.name === p.name);
			const lane: Lane = { id: p.id, index, label: same.length > 1 ? distinguish(p, same) : p.name, x: 0 };
			this.lanes.push(lane);
			this.laneOf.set(p.id, lane);
		});

		this.events.forEach((e) => {
			if (!this.socketProcess.has(e.socket)) this.socketProcess.set(e.socket, e.process);
			if (e.local !== undefined) {
				const key = address(e.local);
				if (!this.socketByAddress.has(key)) this.socketByAddress.set(key, e.socket);
				if (e.type === 'listen' && !this.listenerByAddress.has(key)) this.listenerByAddress.set(key, e.process);
				const port = wildcardPort(e.local);
				if (e.type === 'listen' && port !== undefined && !this.listenerByPort.has(port)) this.listenerByPort.set(port, e.process);
			}
			if (e.type === 'listen') this.listeningSockets.add(e.socket);
			if (e.remote !== undefined && e.protocol === 'tcp' && !this.remoteOf.has(e.socket)) this.remoteOf.set(e.socket, e.remote);
			if (e.protocol === 'tcp' && e.peer !== undefined && e.peer !== e.socket) {
				if (!this.peerOf.has(e.socket)) this.peerOf.set(e.socket, e.peer);
				if (!this.peerOf.has(e.peer)) this.peerOf.set(e.peer, e.socket);
			}
		});
		// A connection whose sockets name no peer: pair them by addresses.
		this.events.forEach((e) => {
			if (e.protocol !== 'tcp' || this.peerOf.has(e.socket) || e.remote === undefined || this.listeningSockets.has(e.socket)) return;
			const other = this.socketByAddress.get(address(e.remote));
			if (other !== undefined && other !== e.socket && !this.listeningSockets.has(other) && !this.peerOf.has(other)) {
				this.peerOf.set(e.socket, other);
				this.peerOf.set(other, e.socket);
			}
		});

		this.matchConnections();
		this.matchStreams();
		this.matchHalfCloses();
		this.matchDatagrams();
		this.matchResets();
	}

	processOfSocket(socket: string | undefined): string | undefined {
		return socket === undefined ? undefined : this.socketProcess.get(socket);
	}

	/** The program at `host:port`: the one listening there, else the one whose socket has it. */
	processAt(remote: string | undefined): string | undefined {
		if (remote === undefined) return undefined;
		const key = address(remote);
		return (
			this.listenerByAddress.get(key) ??
			this.processOfSocket(this.socketByAddress.get(key)) ??
			this.listenerByPort.get(/:(\d+)$/.exec(key)?.[1] ?? '')
		);
	}

	labelOf(process: string | undefined): string {
		return process === undefined ? '' : (this.laneOf.get(process)?.label ?? process);
	}

	private link(from: number, to: number[], process: string | undefined): void {
		const target: Target = { events: to };
		if (process !== undefined) target.process = process;
		this.targets.set(from, target);
		for (const t of to) this.sources.set(t, [...(this.sources.get(t) ?? []), from]);
	}

	private matchConnections(): void {
		const used = new Set<number>();
		this.events.forEach((e, i) => {
			if (e.type === 'connect') {
				const peer = this.peerOf.get(e.socket);
				const j = this.events.findIndex((a, k) => !used.has(k) && a.type === 'accept' && (a.socket === peer || a.peer === e.socket));
				if (j >= 0) {
					used.add(j);
					this.link(i, [j], this.events[j]!.process);
				} else {
					this.link(i, [], this.processOfSocket(peer) ?? this.processAt(e.remote));
				}
			} else if (e.type === 'connect-failed') {
				const target = this.processAt(e.remote);
				this.link(i, [], target === e.process ? undefined : target);
			}
		});
	}

	/** Sends to receives of the same direction of a connection, by byte offsets. */
	private matchStreams(): void {
		const sends = new Map<string, { index: number; start: number; end: number }[]>();
		const receives = new Map<string, { index: number; start: number; end: number }[]>();
		const sent = new Map<string, number>();
		const read = new Map<string, number>();
		this.events.forEach((e, index) => {
			if (e.protocol !== 'tcp' || (e.type !== 'send' && e.type !== 'receive')) return;
			const [list, offsets] = e.type === 'send' ? [sends, sent] : [receives, read];
			const start = offsets.get(e.socket) ?? 0;
			const end = start + (e.bytes ?? 0);
			offsets.set(e.socket, end);
			list.set(e.socket, [...(list.get(e.socket) ?? []), { index, start, end }]);
		});
		for (const [socket, list] of sends) {
			const peer = this.peerOf.get(socket) ?? this.events[list[0]!.index]!.peer;
			const theirs = peer === undefined ? [] : (receives.get(peer) ?? []);
			for (const send of list) {
				const e = this.events[send.index]!;
				const hit = send.end > send.start ? theirs.filter((r) => r.start < send.end && send.start < r.end) : [];
				this.link(
					send.index,
					hit.map((r) => r.index),
					this.processOfSocket(peer) ?? this.processAt(e.remote)
				);
				// A read that holds only part of this send.
				for (const r of hit) if (send.start < r.start || send.end > r.end) this.partial.add(r.index);
			}
		}
	}

	private matchHalfCloses(): void {
		const used = new Set<number>();
		this.events.forEach((e, i) => {
			if (e.type !== 'half-close') return;
			const peer = this.peerOf.get(e.socket) ?? e.peer;
			const j = this.events.findIndex((p, k) => !used.has(k) && p.type === 'peer-half-close' && p.socket === peer);
			if (j >= 0) used.add(j);
			this.link(i, j >= 0 ? [j] : [], this.processOfSocket(peer) ?? this.processAt(e.remote));
		});
	}

	private matchDatagrams(): void {
		const used = new Set<number>();
		this.events.forEach((e, i) => {
			if (e.type !== 'datagram-sent') return;
			const to = e.peer ?? this.socketByAddress.get(address(e.remote ?? ''));
			const process = this.processOfSocket(to) ?? this.processAt(e.remote);
			if (e.lost === true) {
				this.link(i, [], process === e.process ? undefined : process);
				return;
			}
			const from = (r: SocketEvent) =>
				r.peer === e.socket || (r.peer === undefined && r.remote !== undefined && this.socketByAddress.get(address(r.remote)) === e.socket);
			const candidates = (after: boolean) =>
				this.events.findIndex(
					(r, k) =>
						!used.has(k) &&
						(!after || k > i) &&
						r.type === 'datagram-received' &&
						(to === undefined || r.socket === to) &&
						from(r) &&
						r.bytes === e.bytes &&
						r.preview === e.preview
				);
			let j = candidates(true);
			if (j < 0) j = candidates(false);
			if (j >= 0) used.add(j);
			this.link(i, j >= 0 ? [j] : [], j >= 0 ? this.events[j]!.process : process);
		});
	}

	/** A reset comes from the other end: the peer socket's last close (or abort) before it. */
	private matchResets(): void {
		this.events.forEach((e, i) => {
			if (e.type !== 'reset') return;
			const peer = this.peerOf.get(e.socket) ?? e.peer;
			const process = this.processOfSocket(peer) ?? this.processAt(e.remote);
			const origin: { process?: string; event?: number } = {};
			if (process !== undefined && process !== e.process) origin.process = process;
			for (let k = i - 1; k >= 0; k--) {
				const p = this.events[k]!;
				if (p.socket === peer && (p.type === 'close' || p.type === 'reset' || p.type === 'error')) {
					origin.event = k;
					break;
				}
			}
			this.resetOrigin.set(i, origin);
		});
	}
}

/** `peer.js --name A` for one of several `peer.js`: the first argument that tells them apart. */
function distinguish<P extends { name: string; args: string[] }>(p: P, same: P[]): string {
	for (let k = 0; k < p.args.length; k++) {
		const value = p.args[k]!;
		if (value === '<port>' || same.every((q) => q.args[k] === value)) continue;
		const flag = k > 0 && p.args[k - 1]!.startsWith('-') ? `${p.args[k - 1]} ` : '';
		return `${p.name} ${flag}${value}`;
	}
	return `${p.name} #${same.indexOf(p) + 1}`;
}

/** `host:port` comparable across spellings: `[::ffff:127.0.0.1]:5000` is `127.0.0.1:5000`. */
function address(hostPort: string): string {
	return hostPort
		.toLowerCase()
		.replace(/^\[::ffff:(\d+\.\d+\.\d+\.\d+)\]/, '$1')
		.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)(?=:\d+$)/, '$1');
}

/** The port of `host:port`, and whether the host is a wildcard a listener takes any address on. */
function wildcardPort(hostPort: string): string | undefined {
	const m = /^(0\.0\.0\.0|\[::\]|::|localhost):(\d+)$/.exec(address(hostPort));
	return m?.[2];
}

// ---- Text ----

/** Characters XML 1.0 does not allow (and lone surrogates) become `·`. */
function clean(text: string): string {
	return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '·');
}

/** Text or attribute value, escaped for XML. */
export function escapeXml(text: string): string {
	return clean(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function bytesText(n: number): string {
	return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function plural(n: number, one: string, many = `${one}s`): string {
	return `${bytesText(n)} ${n === 1 ? one : many}`;
}

function shortPreview(preview: string | undefined): string {
	if (preview === undefined || preview === '') return '';
	const chars = [...preview];
	return `“${chars.length > PREVIEW_MAX ? `${chars.slice(0, PREVIEW_MAX - 1).join('')}…` : preview}”`;
}

function timeText(t: number): string {
	return bytesText(Math.floor(t)) + (t.toFixed(1).match(/\.\d$/)?.[0] ?? '');
}

/** Rough width of a label at 12px: enough to lay out lanes so that labels fit between them. */
function textWidth(text: string, mono = false): number {
	return [...text].length * (mono ? 7.3 : 6.8);
}

function num(n: number): string {
	const r = Math.round(n * 10) / 10;
	return Object.is(r, -0) ? '0' : String(r);
}

// ---- The table and the summary ----

function rowOf(a: Analysis, i: number): DiagramRow {
	const e = a.events[i]!;
	const own = a.labelOf(e.process);
	const target = a.targets.get(i);
	const remote = e.remote ?? a.remoteOf.get(e.socket);
	const targetLabel = target?.process !== undefined ? a.labelOf(target.process) : (remote ?? '');
	const senders = a.sources.get(i) ?? [];
	const senderLabel = senders.length > 0 ? a.labelOf(a.events[senders[0]!]!.process) : a.labelOf(a.processOfSocket(a.peerOf.get(e.socket)) ?? a.processAt(remote)) || (remote ?? '');
	let from = own;
	let to = '';
	let what: string;
	switch (e.type) {
		case 'listen':
			what = e.protocol === 'udp' ? `binds a UDP socket to ${e.local ?? 'a port'}` : `listens on ${e.local ?? 'a port'}`;
			break;
		case 'connect':
			to = targetLabel;
			what = `connects to ${e.remote ?? 'the server'} (TCP handshake)`;
			break;
		case 'connect-failed':
			to = targetLabel;
			what = `connecting to ${e.remote ?? 'the server'} fails: ${e.error ?? 'error'}`;
			break;
		case 'accept':
			from = senderLabel;
			to = own;
			what = `accepts a connection from ${e.remote ?? 'a client'}: a new socket`;
			break;
		case 'send': {
			to = targetLabel;
			const parts = target?.events.length ?? 0;
			what = parts > 1 ? `sends; read in ${parts} parts` : parts === 0 && target?.process !== undefined ? 'sends; no read of these bytes in the log' : 'sends';
			break;
		}
		case 'receive':
			from = senderLabel;
			to = own;
			what = senders.length > 1 ? `receives ${senders.length} sends in one read` : a.partial.has(i) ? 'receives part of a send' : 'receives';
			break;
		case 'half-close':
			to = targetLabel;
			what = 'half-closes: done sending (FIN)';
			break;
		case 'peer-half-close':
			from = senderLabel;
			to = own;
			what = 'reaches the end of the stream: the other side half-closed';
			break;
		case 'reset': {
			const origin = a.resetOrigin.get(i)?.process;
			from = origin !== undefined ? a.labelOf(origin) : (remote ?? '');
			to = own;
			what = `connection reset (RST): ${e.error ?? 'reset'}`;
			break;
		}
		case 'close':
			what = a.listeningSockets.has(e.socket) ? (e.protocol === 'udp' ? 'closes its UDP socket' : 'stops listening (closes)') : 'closes the socket';
			break;
		case 'datagram-sent':
			to = targetLabel;
			what = e.lost === true ? 'sends a datagram, which is lost' : 'sends a datagram';
			break;
		case 'datagram-received':
			from = senderLabel;
			to = own;
			what = 'receives a datagram';
			break;
		case 'error':
			what = `error ${e.error ?? ''}${e.local !== undefined ? ` on ${e.local}` : ''}`.replace(/ +/g, ' ').trim();
			break;
	}
	const row: DiagramRow = { event: i, type: e.type, t: e.t, time: timeText(e.t), from, to, what };
	if (e.bytes !== undefined) row.bytes = e.bytes;
	if (e.preview !== undefined) row.preview = e.preview;
	return row;
}

/** The diagram in words, program by program. */
function summary(a: Analysis): string {
	const events = a.events;
	const names = a.lanes.map((l) => l.label);
	const span = events.length > 0 ? events[events.length - 1]!.t : 0;
	const who = names.length <= 2 ? names.join(' and ') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
	const parts = [`${plural(events.length, 'socket event')} between ${who || 'no programs'} over ${timeText(span)} ms, time going down.`];
	for (const lane of a.lanes) {
		const mine = events.map((e, i) => ({ e, i })).filter(({ e }) => e.process === lane.id);
		if (mine.length === 0) continue;
		const phrases: string[] = [];
		const add = (phrase: string) => {
			if (!phrases.includes(phrase)) phrases.push(phrase);
		};
		const count = (type: EventType) => mine.filter(({ e }) => e.type === type);
		const byOther = (type: EventType, other: (i: number) => string) => {
			const groups = new Map<string, { n: number; bytes: number; lost: number }>();
			for (const { e, i } of count(type)) {
				const key = other(i);
				const g = groups.get(key) ?? { n: 0, bytes: 0, lost: 0 };
				g.n += 1;
				g.bytes += e.bytes ?? 0;
				if (e.lost === true) g.lost += 1;
				groups.set(key, g);
			}
			return [...groups];
		};
		const targetOf = (i: number) => {
			const t = a.targets.get(i);
			return t?.process !== undefined ? a.labelOf(t.process) : (events[i]!.remote ?? 'an unknown address');
		};
		const sourceOf = (i: number) => {
			const s = a.sources.get(i);
			if (s !== undefined && s.length > 0) return a.labelOf(events[s[0]!]!.process);
			const e = events[i]!;
			return a.labelOf(a.processOfSocket(a.peerOf.get(e.socket)) ?? a.processAt(e.remote)) || (e.remote ?? 'an unknown address');
		};
		for (const { e } of mine) {
			switch (e.type) {
				case 'listen':
					add(e.protocol === 'udp' ? `binds a UDP socket to ${e.local ?? 'a port'}` : `listens on ${e.local ?? 'a port'}`);
					break;
				case 'connect':
					for (const [to, g] of byOther('connect', targetOf)) add(`connects to ${to}${g.n > 1 ? ` ${g.n} times` : ''}`);
					break;
				case 'connect-failed':
					for (const f of count('connect-failed')) add(`fails to connect to ${f.e.remote ?? 'a server'} (${f.e.error ?? 'error'})`);
					break;
				case 'accept':
					add(`accepts ${plural(count('accept').length, 'connection')}`);
					break;
				case 'send':
					for (const [to, g] of byOther('send', targetOf)) add(`sends ${plural(g.bytes, 'byte')} to ${to} in ${plural(g.n, 'write')}`);
					break;
				case 'receive':
					for (const [from, g] of byOther('receive', sourceOf)) add(`receives ${plural(g.bytes, 'byte')} from ${from} in ${plural(g.n, 'read')}`);
					break;
				case 'datagram-sent':
					for (const [to, g] of byOther('datagram-sent', targetOf))
						add(`sends ${plural(g.n, 'datagram')} (${plural(g.bytes, 'byte')}) to ${to}${g.lost > 0 ? `, ${g.lost} of them lost` : ''}`);
					break;
				case 'datagram-received':
					for (const [from, g] of byOther('datagram-received', sourceOf)) add(`receives ${plural(g.n, 'datagram')} (${plural(g.bytes, 'byte')}) from ${from}`);
					break;
				case 'half-close':
					add(count('half-close').length > 1 ? `half-closes ${count('half-close').length} connections` : 'half-closes its sending side');
					break;
				case 'peer-half-close':
					break;
				case 'reset':
					add(`has ${plural(count('reset').length, 'connection')} reset (${[...new Set(count('reset').map((r) => r.e.error ?? 'RST'))].join(', ')})`);
					break;
				case 'error':
					for (const f of count('error')) add(`gets the error ${f.e.error ?? 'unknown'}`);
					break;
				case 'close':
					add(count('close').length > 1 ? `closes ${count('close').length} sockets` : 'closes its socket');
					break;
			}
		}
		parts.push(`${lane.label} ${phrases.join(', ')}.`);
	}
	return parts.join(' ');
}

// ---- Drawing ----

interface Layout {
	y: number[];
	/** Rows top to bottom: their y, the events on them, and the pause before them. */
	rows: { y: number; t: number; pause: number }[];
	height: number;
}

/** Each event's y: one row per event, more room after a longer pause (logarithmic, capped). */
function layout(a: Analysis): Layout {
	// A message whose other end was logged first (an accept before its connect: both are the end
	// of one handshake; or two clocks a hair apart) is drawn level with it, not as an arrow going
	// up: the later one moves up if its own program did nothing in between, else the earlier one
	// moves down if its program did nothing in between.
	const joinUp = new Map<number, number>();
	const joinDown = new Map<number, number[]>();
	const deferred = new Set<number>();
	a.events.forEach((e, i) => {
		const target = a.targets.get(i)?.events ?? [];
		if (target.length === 0 || target.some((j) => j > i)) return;
		const j = Math.min(...target);
		const between = a.events.slice(j + 1, i);
		if (!between.some((o) => o.process === e.process)) joinUp.set(i, j);
		else if (target.length === 1 && (a.sources.get(j)?.length ?? 0) === 1 && !between.some((o) => o.process === a.events[j]!.process)) {
			deferred.add(j);
			joinDown.set(i, [j]);
		}
	});

	const y: number[] = [];
	const rows: Layout['rows'] = [];
	let lastT = 0;
	let lastY = FIRST_ROW - ROW;
	a.events.forEach((e, i) => {
		const up = joinUp.get(i);
		if (up !== undefined && y[up] !== undefined) {
			y[i] = y[up];
			return;
		}
		if (deferred.has(i)) return;
		const pause = rows.length === 0 ? 0 : Math.max(0, e.t - lastT);
		const extra = pause <= 1 ? 0 : Math.min(40, Math.round(10 * Math.log10(pause)));
		const rowY = lastY + ROW + extra + (pause >= GAP_MS ? 12 : 0);
		rows.push({ y: rowY, t: e.t, pause });
		y[i] = rowY;
		for (const j of joinDown.get(i) ?? []) y[j] = rowY;
		lastY = rowY;
		lastT = Math.max(lastT, e.t);
	});
	a.events.forEach((_, i) => {
		y[i] ??= lastY; // (cannot happen: every deferred event has its row made later)
	});
	return { y, rows, height: lastY + ROW + BOTTOM };
}

type Side = 1 | -1;

/** Local labels go away from the arrows that reach the mark, or outward on the outer lanes. */
function sideOf(a: Analysis, i: number): Side {
	const e = a.events[i]!;
	const lane = a.laneOf.get(e.process)!;
	const senders = a.sources.get(i) ?? [];
	const other = senders.length > 0 ? a.laneOf.get(a.events[senders[0]!]!.process) : undefined;
	if (other !== undefined && other.index !== lane.index) return other.index < lane.index ? 1 : -1;
	return lane.index === 0 && a.lanes.length > 1 ? -1 : 1;
}

interface Label {
	text: string;
	/** The preview part, set in monospace. */
	preview?: string;
	cls?: string;
}

function labelWidth(l: Label): number {
	return textWidth(l.text) + (l.preview !== undefined ? 6 + textWidth(l.preview, true) : 0);
}

/** The label of an arrow (drawn at its start) or of a mark (beside it). */
function labelFor(a: Analysis, i: number): Label {
	const e = a.events[i]!;
	const preview = shortPreview(e.preview);
	const withPreview = (text: string): Label => (preview === '' ? { text } : { text, preview });
	switch (e.type) {
		case 'listen':
			return { text: `${e.protocol === 'udp' ? 'bind' : 'listen'} ${e.local ?? ''}`.trim() };
		case 'connect':
			return { text: 'connect' };
		case 'connect-failed':
			return { text: `connect ${e.remote ?? ''}`.trim(), cls: 'failed' };
		case 'accept':
			return { text: 'accept: new socket' };
		case 'send':
		case 'datagram-sent':
			return withPreview(`${bytesText(e.bytes ?? 0)} B`);
		case 'receive': {
			const n = a.sources.get(i)?.length ?? 0;
			return { text: `read ${bytesText(e.bytes ?? 0)} B${n > 1 ? ` (${n} sends)` : a.partial.has(i) ? ' (part of a send)' : ''}` };
		}
		case 'datagram-received':
			return { text: `datagram ${bytesText(e.bytes ?? 0)} B` };
		case 'half-close':
			return { text: 'half-close (FIN)' };
		case 'peer-half-close':
			return { text: 'end of stream' };
		case 'reset':
			return { text: `RST ${e.error ?? ''}`.trim(), cls: 'failed' };
		case 'close':
			return { text: a.listeningSockets.has(e.socket) && e.protocol === 'tcp' ? 'close (stop listening)' : 'close' };
		case 'error':
			return { text: `error ${e.error ?? ''}`.trim(), cls: 'failed' };
	}
}

function text(x: number, y: number, anchor: 'start' | 'end' | 'middle', label: Label): string {
	const cls = label.cls !== undefined ? `label ${label.cls}` : 'label';
	const preview = label.preview !== undefined ? ` <tspan class="preview">${escapeXml(label.preview)}</tspan>` : '';
	return `<text class="${cls}" x="${num(x)}" y="${num(y)}" text-anchor="${anchor}">${escapeXml(label.text)}${preview}</text>`;
}

function arrowHead(x1: number, y1: number, x2: number, y2: number, cls: string): string {
	const len = Math.hypot(x2 - x1, y2 - y1) || 1;
	const ux = (x2 - x1) / len;
	const uy = (y2 - y1) / len;
	const bx = x2 - ux * HEAD_LEN;
	const by = y2 - uy * HEAD_LEN;
	return `<path class="${cls}" d="M${num(x2)} ${num(y2)}L${num(bx - uy * HEAD_HALF)} ${num(by + ux * HEAD_HALF)}L${num(bx + uy * HEAD_HALF)} ${num(by - ux * HEAD_HALF)}Z"/>`;
}

function cross(x: number, y: number): string {
	const s = 5;
	return `<path class="cross" d="M${num(x - s)} ${num(y - s)}L${num(x + s)} ${num(y + s)}M${num(x - s)} ${num(y + s)}L${num(x + s)} ${num(y - s)}"/>`;
}

/** A lightning bolt beside (x, y): the reset. */
function bolt(x: number, y: number, side: Side): string {
	const cx = x + side * 12;
	return `<path class="bolt" d="M${num(cx + 2)} ${num(y - 9)}L${num(cx - 4)} ${num(y + 1)}L${num(cx)} ${num(y + 1)}L${num(cx - 2)} ${num(y + 9)}L${num(cx + 4)} ${num(y - 1)}L${num(cx)} ${num(y - 1)}Z"/>`;
}

/**
 * The log as an SVG sequence diagram, and the same events as rows of a table.
 */
export function sequenceDiagram(log: EventLog, options: DiagramOptions): SequenceDiagram {
	const a = new Analysis(log);
	const { y, rows: timeRows, height } = layout(a);
	const n = a.lanes.length;
	const labels = a.events.map((_, i) => labelFor(a, i));
	const sides = a.events.map((_, i) => sideOf(a, i));

	// Lane spacing from the labels that have to fit: arrow labels between lanes, mark labels beside.
	let gap = 200;
	let outerLeft = 80;
	let outerRight = 80;
	a.events.forEach((e, i) => {
		const w = labelWidth(labels[i]!) + 30;
		const lane = a.laneOf.get(e.process)!;
		if (ARROW_TYPES.has(e.type)) {
			gap = Math.max(gap, w + 20);
			// A reset's error code stands beside the lifeline it reaches, on the far side.
			if (e.type === 'reset' && lane.index === 0) outerLeft = Math.max(outerLeft, w + 10);
			if (e.type === 'reset' && lane.index === n - 1) outerRight = Math.max(outerRight, w + 10);
			if (lane.index === 0 && n === 1) outerRight = Math.max(outerRight, w + 20);
		} else if (sides[i] === -1 && lane.index === 0) outerLeft = Math.max(outerLeft, w);
		else if (sides[i] === 1 && lane.index === n - 1) outerRight = Math.max(outerRight, w);
		else gap = Math.max(gap, w + 30);
	});
	for (const lane of a.lanes) {
		const w = textWidth(lane.label) * 1.1 + 24;
		gap = Math.max(gap, w + 16);
		if (lane.index === 0) outerLeft = Math.max(outerLeft, w / 2 + 8);
		if (lane.index === n - 1) outerRight = Math.max(outerRight, w / 2 + 8);
	}
	gap = Math.min(Math.ceil(gap), 340);
	outerLeft = Math.min(Math.ceil(outerLeft), 240);
	outerRight = Math.min(Math.ceil(outerRight), 240);
	for (const lane of a.lanes) lane.x = TIME_COL + outerLeft + lane.index * gap;
	const width = TIME_COL + outerLeft + Math.max(0, n - 1) * gap + outerRight;
	const xOf = (process: string) => a.laneOf.get(process)!.x;

	/** Where an arrow with no lifeline at its end goes: towards its target, or the nearest lane. */
	const openEnd = (from: string, toward: string | undefined, fraction: number): number => {
		const x1 = xOf(from);
		if (toward !== undefined && toward !== from) return x1 + (xOf(toward) - x1) * fraction;
		const lane = a.laneOf.get(from)!;
		const dir = lane.index < n - 1 ? 1 : n > 1 ? -1 : 1;
		return x1 + dir * Math.min(gap, n > 1 ? gap : outerRight - 20) * fraction;
	};

	const out: string[] = [];
	const p = escapeXml(options.idPrefix);
	out.push(
		`<svg xmlns="http://www.w3.org/2000/svg" class="sequence" viewBox="0 0 ${num(width)} ${num(height)}" width="${num(width)}" height="${num(height)}" role="img" aria-labelledby="${p}-title ${p}-desc">`,
		`<title id="${p}-title">${escapeXml(options.title)}</title>`,
		`<desc id="${p}-desc">${escapeXml(summary(a))}</desc>`
	);

	// Lanes: a name at the top and a line down.
	out.push('<g class="lanes">');
	for (const lane of a.lanes) {
		const w = Math.min(gap - 12, textWidth(lane.label) * 1.1 + 24);
		out.push(
			`<g class="lane" data-process="${escapeXml(lane.id)}">`,
			`<line class="lifeline" data-process="${escapeXml(lane.id)}" x1="${num(lane.x)}" y1="${HEAD_TOP + HEAD_H}" x2="${num(lane.x)}" y2="${num(height - BOTTOM / 2)}"/>`,
			`<rect class="lane-head" x="${num(lane.x - w / 2)}" y="${HEAD_TOP}" width="${num(w)}" height="${HEAD_H}" rx="5"/>`,
			`<text class="lane-name" x="${num(lane.x)}" y="${HEAD_TOP + HEAD_H / 2 + 4.5}" text-anchor="middle">${escapeXml(lane.label)}</text>`,
			'</g>'
		);
	}
	out.push('</g>');

	// The time margin: ms since the first event on every row, and long pauses marked.
	out.push('<g class="times">', `<text class="time-head" x="${TIME_COL - 10}" y="${HEAD_TOP + HEAD_H / 2 + 4.5}" text-anchor="end">ms</text>`);
	let previous = FIRST_ROW - ROW;
	for (const row of timeRows) {
		if (row.pause >= GAP_MS && row !== timeRows[0]) {
			const mid = (previous + row.y) / 2;
			out.push(`<g class="pause"><text class="pause-label" x="${TIME_COL - 10}" y="${num(mid + 4)}" text-anchor="end">+${timeText(row.pause)}</text>`);
			const marks = a.lanes.map((l) => `M${num(l.x - 7)} ${num(mid - 1)}l14 -5M${num(l.x - 7)} ${num(mid + 5)}l14 -5`).join('');
			out.push(`<path class="pause-mark" d="${marks}"/></g>`);
		}
		out.push(`<text class="time" x="${TIME_COL - 10}" y="${num(row.y + 4)}" text-anchor="end">${timeText(row.t)}</text>`);
		previous = row.y;
	}
	out.push(`<line class="time-rule" x1="${TIME_COL}" y1="${HEAD_TOP}" x2="${TIME_COL}" y2="${num(height - BOTTOM / 2)}"/>`, '</g>');

	// The events, in log order: first their shapes, then the labels of arrows, each put above
	// its arrow's start or, where other arrows cross there, below it.
	const segments: Segment[] = [];
	const boxes: Box[] = []; // every text placed so far
	const fixedText = (x: number, y: number, anchor: 'start' | 'end' | 'middle', l: Label): string => {
		boxes.push(boxOf(x, y, anchor, l));
		return text(x, y, anchor, l);
	};
	const drawn = a.events.map((e, i) => {
		const x = xOf(e.process);
		const ey = y[i]!;
		const label = labels[i]!;
		const side = sides[i]!;
		const parts: (string | ArrowLabel)[] = [];
		const arrowLine = (from: string | undefined, to: string | undefined, x1: number, y1: number, x2: number, y2: number, cls: string, head = 'head') => {
			const ends = [from !== undefined ? `data-from="${escapeXml(from)}"` : '', to !== undefined ? `data-to="${escapeXml(to)}"` : ''].filter(Boolean).join(' ');
			if (from !== undefined && to !== undefined && Math.abs(x2 - x1) < 0.5) {
				// A program talking to itself: a loop out to the side and back.
				const yEnd = y2 === y1 ? y1 + 10 : y2;
				parts.push(`<path class="arrow-line ${cls}" ${ends} d="M${num(x1)} ${num(y1)}h36V${num(yEnd)}h-36"/>`, arrowHead(x1 + 36, yEnd, x2, yEnd, head));
				segments.push({ event: i, x1, y1, x2: x1 + 36, y2: yEnd });
				return;
			}
			parts.push(`<line class="arrow-line ${cls}" ${ends} x1="${num(x1)}" y1="${num(y1)}" x2="${num(x2)}" y2="${num(y2)}"/>`);
			if (head !== '') parts.push(arrowHead(x1, y1, x2, y2, head));
			segments.push({ event: i, x1, y1, x2, y2 });
		};
		const arrowLabel = (x1: number, x2: number, y1: number, l: Label) => {
			parts.push({ x1, dir: x2 >= x1 ? 1 : -1, y1, label: l });
		};
		const markLabel = (l: Label) => parts.push(fixedText(x + side * 12, ey + 4, side > 0 ? 'start' : 'end', l));

		switch (e.type) {
			case 'connect':
			case 'send':
			case 'half-close':
			case 'datagram-sent': {
				const target = a.targets.get(i);
				const ends = target?.events ?? [];
				const cls = e.type === 'connect' ? 'arrow-connect' : e.type === 'half-close' ? 'arrow-fin' : e.type === 'send' ? 'arrow-data' : 'arrow-datagram';
				parts.push(`<circle class="dot" cx="${num(x)}" cy="${num(ey)}" r="3"/>`);
				if (e.type === 'datagram-sent' && e.lost === true) {
					const x2 = openEnd(e.process, target?.process, 0.5);
					arrowLine(e.process, undefined, x, ey, x2, ey + 8, `${cls} arrow-lost`, '');
					const dir = x2 >= x ? 1 : -1;
					parts.push(cross(x2, ey + 8), fixedText(x2 + dir * 9, ey + 12, dir > 0 ? 'start' : 'end', { text: 'lost', cls: 'failed' }));
					arrowLabel(x, x2, ey, label);
				} else if (ends.length > 0) {
					for (const j of ends) arrowLine(e.process, a.events[j]!.process, x, ey, xOf(a.events[j]!.process), y[j]!, cls);
					arrowLabel(x, xOf(a.events[ends[0]!]!.process), ey, label);
				} else if (target?.process !== undefined) {
					// The other end is in the run but did not log reading it: level, to its lifeline.
					arrowLine(e.process, target.process, x, ey, xOf(target.process), ey, `${cls} arrow-unread`);
					arrowLabel(x, xOf(target.process), ey, label);
				} else {
					const x2 = openEnd(e.process, undefined, 0.6);
					arrowLine(e.process, undefined, x, ey, x2, ey, `${cls} arrow-outside`);
					arrowLabel(x, x2, ey, label);
					parts.push(fixedText(x2 + (x2 > x ? 6 : -6), ey + 4, x2 > x ? 'start' : 'end', { text: e.remote ?? a.remoteOf.get(e.socket) ?? '?', cls: 'address' }));
				}
				break;
			}
			case 'connect-failed': {
				const target = a.targets.get(i)?.process;
				const x2 = openEnd(e.process, target, target !== undefined ? 0.75 : 0.6);
				parts.push(`<circle class="dot failed" cx="${num(x)}" cy="${num(ey)}" r="3"/>`);
				arrowLine(e.process, undefined, x, ey, x2, ey, 'arrow-refused', '');
				parts.push(cross(x2, ey), fixedText(x2, ey + 18, 'middle', { text: e.error ?? 'failed', cls: 'failed' }));
				arrowLabel(x, x2, ey, label);
				break;
			}
			case 'reset': {
				const origin = a.resetOrigin.get(i) ?? {};
				if (origin.process !== undefined) {
					const x1 = xOf(origin.process);
					const y1 = origin.event !== undefined && y[origin.event]! <= ey ? y[origin.event]! : ey;
					arrowLine(origin.process, e.process, x1, y1, x, ey, 'arrow-reset', 'head head-reset');
					const dir: Side = x >= x1 ? 1 : -1;
					arrowLabel(x1, x, y1, { text: 'RST', cls: 'failed' });
					parts.push(bolt(x, ey, dir), fixedText(x + dir * 24, ey + 4, dir > 0 ? 'start' : 'end', { text: e.error ?? 'reset', cls: 'failed' }));
				} else {
					// The other end is not in the run: the reset arrives from outside.
					const x1 = openEnd(e.process, undefined, 0.6);
					arrowLine(undefined, e.process, x1, ey, x, ey, 'arrow-reset arrow-outside', 'head head-reset');
					const dir: Side = x >= x1 ? 1 : -1;
					arrowLabel(x1, x, ey, { text: 'RST', cls: 'failed' });
					parts.push(bolt(x, ey, dir), fixedText(x + dir * 24, ey + 4, dir > 0 ? 'start' : 'end', { text: e.error ?? 'reset', cls: 'failed' }));
				}
				break;
			}
			case 'listen':
				parts.push(`<rect class="mark mark-listen" x="${num(x - 6)}" y="${num(ey - 6)}" width="12" height="12"/>`);
				markLabel(label);
				break;
			case 'accept':
				parts.push(`<circle class="mark mark-accept" cx="${num(x)}" cy="${num(ey)}" r="5.5"/>`);
				markLabel(label);
				break;
			case 'receive':
			case 'datagram-received':
				parts.push(`<rect class="mark mark-receive" x="${num(x - 4)}" y="${num(ey - 7)}" width="8" height="14" rx="1.5"/>`);
				markLabel(label);
				break;
			case 'peer-half-close':
				parts.push(`<rect class="mark mark-eof" x="${num(x - 4)}" y="${num(ey - 7)}" width="8" height="14" rx="1.5"/>`);
				markLabel(label);
				break;
			case 'close':
				parts.push(`<path class="mark-close" d="M${num(x - 9)} ${num(ey)}h18"/>`);
				markLabel(label);
				break;
			case 'error':
				parts.push(cross(x, ey));
				markLabel(label);
				break;
		}
		return parts;
	});

	const rows = a.events.map((_, i) => rowOf(a, i));
	// Where each arrow label would go by default, so that one moved out of the way does not land on it.
	const pending = new Map<ArrowLabel, Box>();
	for (const parts of drawn) for (const part of parts) if (typeof part !== 'string') pending.set(part, boxOf(part.x1 + part.dir * 10, part.y1 - 6, part.dir > 0 ? 'start' : 'end', part.label));
	out.push('<g class="events">');
	drawn.forEach((parts, i) => {
		const row = rows[i]!;
		const tip = `${row.time} ms: ${row.from}${row.to !== '' ? ` → ${row.to}` : ''}: ${row.what}${row.bytes !== undefined ? `, ${plural(row.bytes, 'byte')}` : ''}${row.preview !== undefined && row.preview !== '' ? ` “${row.preview}”` : ''}`;
		const body = parts.map((part) => (typeof part === 'string' ? part : placeLabel(part, segments, boxes, pending))).join('');
		out.push(`<g class="event event-${a.events[i]!.type}" data-event="${i}"><title>${escapeXml(tip)}</title>${body}</g>`);
	});
	out.push('</g>', '</svg>');

	return { svg: out.join('\n'), rows };
}

interface Segment {
	event: number;
	x1: number;
	y1: number;
	x2: number;
	y2: number;
}

interface ArrowLabel {
	x1: number;
	dir: Side;
	y1: number;
	label: Label;
}

interface Box {
	left: number;
	top: number;
	right: number;
	bottom: number;
}

/** The room a text takes, roughly (from its length, not the font). */
function boxOf(x: number, baseline: number, anchor: 'start' | 'end' | 'middle', l: Label): Box {
	const w = labelWidth(l);
	const left = anchor === 'start' ? x : anchor === 'end' ? x - w : x - w / 2;
	return { left, top: baseline - 10, right: left + w, bottom: baseline + 3 };
}

function overlaps(p: Box, q: Box): boolean {
	return p.left < q.right && q.left < p.right && p.top < q.bottom && q.top < p.bottom;
}

/**
 * An arrow's label goes above the arrow's start, or below it where that is clearer: where
 * fewer lines cross it and it covers no other text.
 */
function placeLabel(l: ArrowLabel, segments: Segment[], boxes: Box[], pending: Map<ArrowLabel, Box>): string {
	const x = l.x1 + l.dir * 10;
	const anchor = l.dir > 0 ? 'start' : 'end';
	pending.delete(l);
	const others = [...boxes, ...pending.values()];
	const cost = (baseline: number) => {
		const box = boxOf(x, baseline, anchor, l.label);
		return segments.filter((s) => crosses(s, box)).length + 10 * others.filter((o) => overlaps(o, box)).length;
	};
	const above = l.y1 - 6;
	const below = l.y1 + 15;
	const baseline = cost(above) > cost(below) ? below : above;
	boxes.push(boxOf(x, baseline, anchor, l.label));
	return text(x, baseline, anchor, l.label);
}

/** Whether a line segment passes through a box (Liang–Barsky clipping). */
function crosses(s: Segment, { left, top, right, bottom }: Box): boolean {
	const dx = s.x2 - s.x1;
	const dy = s.y2 - s.y1;
	let t0 = 0;
	let t1 = 1;
	for (const [p, q] of [
		[-dx, s.x1 - left],
		[dx, right - s.x1],
		[-dy, s.y1 - top],
		[dy, bottom - s.y1],
	] as const) {
		if (p === 0) {
			if (q < 0) return false;
		} else {
			const r = q / p;
			if (p < 0) t0 = Math.max(t0, r);
			else t1 = Math.min(t1, r);
			if (t0 > t1) return false;
		}
	}
	return true;
}
