/**
 * A socket event log read as a conversation: one lane per program, and for each message event
 * (connect, send, half-close, datagram, reset) where it ends. Pairs are the log's own (`peer`,
 * `counterpart`, `addressedTo`, `lost`, set once by merge.ts); what is derived here is only
 * what the diagram adds to them: which reads of a TCP stream hold the bytes of which send (by
 * byte offsets on each direction of a connection), which end-of-stream a half-close causes,
 * and where a reset came from. No address or byte content is compared here.
 */
import type { EventLog, SocketEvent } from './event-log.ts';

/** One program of the run: a column of the diagram. */
export interface Lane {
	id: string;
	/** Its position, left to right, from 0. */
	index: number;
	/** Its name as shown; `peer.js --name A` when several run the same script. */
	label: string;
}

/** Where a message event ends. */
export interface Target {
	/** Events at the other end (receives, accept, peer-half-close, datagram-received). */
	events: number[];
	/** The program at the other end, if it is in the run. */
	process?: string;
}

/** Where a reset came from: the program whose socket reset the connection, and its last event before. */
export interface ResetOrigin {
	process?: string;
	event?: number;
}

interface Span {
	index: number;
	start: number;
	end: number;
}

export class Conversation {
	readonly events: SocketEvent[];
	readonly lanes: Lane[] = [];
	readonly laneOf = new Map<string, Lane>();
	/** For each message event: where it ends. */
	readonly targets = new Map<number, Target>();
	/** For each receiving event: the message events that end there. */
	readonly sources = new Map<number, number[]>();
	/** The receives that hold some send's bytes only in part (that send was read in parts). */
	readonly partial = new Set<number>();
	readonly resetOrigins = new Map<number, ResetOrigin>();
	readonly listeningSockets = new Set<string>();
	/** The other end's `host:port` of each TCP socket, as first logged. */
	readonly remoteOf = new Map<string, string>();
	private readonly socketProcess = new Map<string, string>();
	/** TCP: the socket at the other end of each socket's connection. */
	private readonly peerOf = new Map<string, string>();
	/** The socket of the run each socket's first unpaired event was addressed to. */
	private readonly addressedToOf = new Map<string, string>();

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
			const lane: Lane = { id: p.id, index, label: same.length > 1 ? distinguish(p, same) : p.name };
			this.lanes.push(lane);
			this.laneOf.set(p.id, lane);
		});

		for (const e of this.events) {
			if (!this.socketProcess.has(e.socket)) this.socketProcess.set(e.socket, e.process);
			if (e.type === 'listen') this.listeningSockets.add(e.socket);
			if (e.addressedTo !== undefined && !this.addressedToOf.has(e.socket)) this.addressedToOf.set(e.socket, e.addressedTo);
			if (e.remote !== undefined && e.protocol === 'tcp' && !this.remoteOf.has(e.socket)) this.remoteOf.set(e.socket, e.remote);
			if (e.protocol === 'tcp' && e.peer !== undefined && e.peer !== e.socket) {
				if (!this.peerOf.has(e.socket)) this.peerOf.set(e.socket, e.peer);
				if (!this.peerOf.has(e.peer)) this.peerOf.set(e.peer, e.socket);
			}
		}

		this.endConnects();
		this.endStreams();
		this.endHalfCloses();
		this.endDatagrams();
		this.findResetOrigins();
	}

	processOfSocket(socket: string | undefined): string | undefined {
		return socket === undefined ? undefined : this.socketProcess.get(socket);
	}

	labelOf(process: string | undefined): string {
		return process === undefined ? '' : (this.laneOf.get(process)?.label ?? process);
	}

	/** The program at the other end of event `i`'s socket: its peer's, else the one it was addressed to. */
	otherEnd(i: number): string | undefined {
		const e = this.events[i]!;
		return this.processOfSocket(this.peerOf.get(e.socket)) ?? this.processOfSocket(e.addressedTo ?? this.addressedToOf.get(e.socket));
	}

	/** The program event `i` was going to when it reached no socket: its peer's, else the one at its address. */
	private destination(e: SocketEvent, peer: string | undefined): string | undefined {
		return this.processOfSocket(peer) ?? this.processOfSocket(e.addressedTo);
	}

	private link(from: number, to: number[], process: string | undefined): void {
		const target: Target = { events: to };
		if (process !== undefined) target.process = process;
		this.targets.set(from, target);
		for (const t of to) this.sources.set(t, [...(this.sources.get(t) ?? []), from]);
	}

	private counterpartOf(e: SocketEvent, type: SocketEvent['type']): number | undefined {
		return e.counterpart !== undefined && this.events[e.counterpart]?.type === type ? e.counterpart : undefined;
	}

	private endConnects(): void {
		this.events.forEach((e, i) => {
			if (e.type === 'connect') {
				const accept = this.counterpartOf(e, 'accept');
				if (accept !== undefined) this.link(i, [accept], this.events[accept]!.process);
				else this.link(i, [], this.destination(e, this.peerOf.get(e.socket)));
			} else if (e.type === 'connect-failed') {
				const target = this.destination(e, undefined);
				this.link(i, [], target === e.process ? undefined : target);
			}
		});
	}

	/** Sends to receives of the same direction of a connection, by byte offsets. */
	private endStreams(): void {
		const sends = new Map<string, Span[]>();
		const receives = new Map<string, Span[]>();
		const sent = new Map<string, number>();
		const read = new Map<string, number>();
		this.events.forEach((e, index) => {
			if (e.protocol !== 'tcp' || (e.type !== 'send' && e.type !== 'receive')) return;
			const [spans, offsets] = e.type === 'send' ? [sends, sent] : [receives, read];
			const start = offsets.get(e.socket) ?? 0;
			const end = start + (e.bytes ?? 0);
			offsets.set(e.socket, end);
			spans.set(e.socket, [...(spans.get(e.socket) ?? []), { index, start, end }]);
		});
		for (const [socket, spans] of sends) {
			const peer = this.peerOf.get(socket) ?? this.events[spans[0]!.index]!.peer;
			const theirs = peer === undefined ? [] : (receives.get(peer) ?? []);
			for (const send of spans) {
				const hit = send.end > send.start ? theirs.filter((r) => r.start < send.end && send.start < r.end) : [];
				this.link(
					send.index,
					hit.map((r) => r.index),
					this.destination(this.events[send.index]!, peer)
				);
				for (const r of hit) if (send.start < r.start || send.end > r.end) this.partial.add(r.index);
			}
		}
	}

	private endHalfCloses(): void {
		const used = new Set<number>();
		this.events.forEach((e, i) => {
			if (e.type !== 'half-close') return;
			const peer = this.peerOf.get(e.socket) ?? e.peer;
			const j = this.events.findIndex((p, k) => !used.has(k) && p.type === 'peer-half-close' && p.socket === peer);
			if (j >= 0) used.add(j);
			this.link(i, j >= 0 ? [j] : [], this.destination(e, peer));
		});
	}

	private endDatagrams(): void {
		this.events.forEach((e, i) => {
			if (e.type !== 'datagram-sent') return;
			const arrival = e.lost === true ? undefined : this.counterpartOf(e, 'datagram-received');
			if (arrival !== undefined) {
				this.link(i, [arrival], this.events[arrival]!.process);
				return;
			}
			const process = this.destination(e, e.peer);
			this.link(i, [], e.lost === true && process === e.process ? undefined : process);
		});
	}

	/** A reset comes from the other end: the peer socket's last close (or abort) before it. */
	private findResetOrigins(): void {
		this.events.forEach((e, i) => {
			if (e.type !== 'reset') return;
			const peer = this.peerOf.get(e.socket) ?? e.peer;
			const process = this.destination(e, peer);
			const origin: ResetOrigin = {};
			if (process !== undefined && process !== e.process) origin.process = process;
			for (let k = i - 1; k >= 0; k--) {
				const p = this.events[k]!;
				if (p.socket === peer && (p.type === 'close' || p.type === 'reset' || p.type === 'error')) {
					origin.event = k;
					break;
				}
			}
			this.resetOrigins.set(i, origin);
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
