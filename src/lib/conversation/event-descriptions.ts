/**
 * What each type of socket event says, in one table: the label of its arrow or mark in the
 * picture, its row of the table (from, to, what), and its phrase in the diagram's description
 * (`<desc>`, program by program). The facts a row carries as data (a read joining several
 * sends, a read of part of a send, a failure) are decided here once; the words follow them.
 */
import type { Conversation } from './conversation.ts';
import type { EventType } from './event-log.ts';
import { countOf, groupDigits, listOf, millisecondsText, shortPreview } from './wording.ts';

/** The text of an arrow or mark in the picture. */
export interface Label {
	text: string;
	/** The preview part, set in monospace. */
	preview?: string;
	/** A class for the text: `failed` draws it in red. */
	cls?: string;
}

/** How an event failed: a refused connect, a reset, a lost datagram, another error. */
export type Failure = 'refused' | 'reset' | 'lost' | 'error';

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
	/** A TCP read holding the bytes of this many sends (more than one): separate sends that arrived together. */
	joinedSends?: number;
	/** A TCP read holding only part of one send: the send was read in parts. */
	partOfSend?: true;
	failure?: Failure;
}

/** The facts of one event the words are made from. */
interface Facts {
	c: Conversation;
	i: number;
	/** The row's structured fields. */
	joinedSends?: number;
	partOfSend?: true;
	failure?: Failure;
}

interface Description {
	/** Who is in the row's From and To: a message out of this program, into it, or an event within it. */
	ends: 'out' | 'in' | 'here';
	label(f: Facts): Label;
	what(f: Facts): string;
	/** Its phrases in the description of its program; `all`: every event of this type of that program. */
	phrases(f: Facts, all: number[]): string[];
}

const event = (f: Facts) => f.c.events[f.i]!;
const bytesLabel = (f: Facts) => `${groupDigits(event(f).bytes ?? 0)} B`;
const listenWhat = (f: Facts) => {
	const e = event(f);
	return e.protocol === 'udp' ? `binds a UDP socket to ${e.local ?? 'a port'}` : `listens on ${e.local ?? 'a port'}`;
};

/** The program a message went to, else its address. */
function targetName(c: Conversation, i: number): string {
	const t = c.targets.get(i);
	return t?.process !== undefined ? c.labelOf(t.process) : (c.events[i]!.remote ?? 'an unknown address');
}

/** The program a received event came from, else its address. */
function sourceName(c: Conversation, i: number): string {
	const s = c.sources.get(i);
	if (s !== undefined && s.length > 0) return c.labelOf(c.events[s[0]!]!.process);
	return c.labelOf(c.otherEnd(i)) || (c.events[i]!.remote ?? 'an unknown address');
}

/** A program's events of one type, by the program at the other end: how many, their bytes, how many lost. */
function byOtherEnd(c: Conversation, all: number[], name: (c: Conversation, i: number) => string) {
	const groups = new Map<string, { n: number; bytes: number; lost: number }>();
	for (const i of all) {
		const e = c.events[i]!;
		const g = groups.get(name(c, i)) ?? { n: 0, bytes: 0, lost: 0 };
		g.n += 1;
		g.bytes += e.bytes ?? 0;
		if (e.lost === true) g.lost += 1;
		groups.set(name(c, i), g);
	}
	return [...groups];
}

const descriptions: { [T in EventType]: Description } = {
	listen: {
		ends: 'here',
		label: (f) => ({ text: `${event(f).protocol === 'udp' ? 'bind' : 'listen'} ${event(f).local ?? ''}`.trim() }),
		what: listenWhat,
		phrases: (f) => [listenWhat(f)],
	},
	connect: {
		ends: 'out',
		label: () => ({ text: 'connect' }),
		what: (f) => `connects to ${event(f).remote ?? 'the server'} (TCP handshake)`,
		phrases: (f, all) => byOtherEnd(f.c, all, targetName).map(([to, g]) => `connects to ${to}${g.n > 1 ? ` ${g.n} times` : ''}`),
	},
	'connect-failed': {
		ends: 'out',
		label: (f) => ({ text: `connect ${event(f).remote ?? ''}`.trim(), cls: 'failed' }),
		what: (f) => `connecting to ${event(f).remote ?? 'the server'} fails: ${event(f).error ?? 'error'}`,
		phrases: (f, all) => all.map((i) => `fails to connect to ${f.c.events[i]!.remote ?? 'a server'} (${f.c.events[i]!.error ?? 'error'})`),
	},
	accept: {
		ends: 'in',
		label: () => ({ text: 'accept: new socket' }),
		what: (f) => `accepts a connection from ${event(f).remote ?? 'a client'}: a new socket`,
		phrases: (_, all) => [`accepts ${countOf(all.length, 'connection')}`],
	},
	send: {
		ends: 'out',
		label: (f) => withPreview(f, bytesLabel(f)),
		what: (f) => {
			const target = f.c.targets.get(f.i);
			const parts = target?.events.length ?? 0;
			return parts > 1 ? `sends; read in ${parts} parts` : parts === 0 && target?.process !== undefined ? 'sends; no read of these bytes in the log' : 'sends';
		},
		phrases: (f, all) => byOtherEnd(f.c, all, targetName).map(([to, g]) => `sends ${countOf(g.bytes, 'byte')} to ${to} in ${countOf(g.n, 'write')}`),
	},
	receive: {
		ends: 'in',
		label: (f) => ({ text: `read ${bytesLabel(f)}${f.joinedSends !== undefined ? ` (${f.joinedSends} sends)` : f.partOfSend ? ' (part of a send)' : ''}` }),
		what: (f) => (f.joinedSends !== undefined ? `receives ${f.joinedSends} sends in one read` : f.partOfSend ? 'receives part of a send' : 'receives'),
		phrases: (f, all) => byOtherEnd(f.c, all, sourceName).map(([from, g]) => `receives ${countOf(g.bytes, 'byte')} from ${from} in ${countOf(g.n, 'read')}`),
	},
	'half-close': {
		ends: 'out',
		label: () => ({ text: 'half-close (FIN)' }),
		what: () => 'half-closes: done sending (FIN)',
		phrases: (_, all) => [all.length > 1 ? `half-closes ${all.length} connections` : 'half-closes its sending side'],
	},
	'peer-half-close': {
		ends: 'in',
		label: () => ({ text: 'end of stream' }),
		what: () => 'reaches the end of the stream: the other side half-closed',
		phrases: () => [],
	},
	reset: {
		ends: 'in',
		label: (f) => ({ text: `RST ${event(f).error ?? ''}`.trim(), cls: 'failed' }),
		what: (f) => `connection reset (RST): ${event(f).error ?? 'reset'}`,
		phrases: (f, all) => [`has ${countOf(all.length, 'connection')} reset (${[...new Set(all.map((i) => f.c.events[i]!.error ?? 'RST'))].join(', ')})`],
	},
	close: {
		ends: 'here',
		label: (f) => ({ text: f.c.listeningSockets.has(event(f).socket) && event(f).protocol === 'tcp' ? 'close (stop listening)' : 'close' }),
		what: (f) => (f.c.listeningSockets.has(event(f).socket) ? (event(f).protocol === 'udp' ? 'closes its UDP socket' : 'stops listening (closes)') : 'closes the socket'),
		phrases: (_, all) => [all.length > 1 ? `closes ${all.length} sockets` : 'closes its socket'],
	},
	'datagram-sent': {
		ends: 'out',
		label: (f) => withPreview(f, bytesLabel(f)),
		what: (f) => (f.failure === 'lost' ? 'sends a datagram, which is lost' : 'sends a datagram'),
		phrases: (f, all) =>
			byOtherEnd(f.c, all, targetName).map(([to, g]) => `sends ${countOf(g.n, 'datagram')} (${countOf(g.bytes, 'byte')}) to ${to}${g.lost > 0 ? `, ${g.lost} of them lost` : ''}`),
	},
	'datagram-received': {
		ends: 'in',
		label: (f) => ({ text: `datagram ${bytesLabel(f)}` }),
		what: () => 'receives a datagram',
		phrases: (f, all) => byOtherEnd(f.c, all, sourceName).map(([from, g]) => `receives ${countOf(g.n, 'datagram')} (${countOf(g.bytes, 'byte')}) from ${from}`),
	},
	error: {
		ends: 'here',
		label: (f) => ({ text: `error ${event(f).error ?? ''}`.trim(), cls: 'failed' }),
		what: (f) => `error ${event(f).error ?? ''}${event(f).local !== undefined ? ` on ${event(f).local}` : ''}`.replace(/ +/g, ' ').trim(),
		phrases: (f, all) => all.map((i) => `gets the error ${f.c.events[i]!.error ?? 'unknown'}`),
	},
};

function withPreview(f: Facts, text: string): Label {
	const preview = shortPreview(event(f).preview);
	return preview === '' ? { text } : { text, preview };
}

/** The failure each type of event is, if any (a datagram is one only when lost). */
const failureOfType: Partial<Record<EventType, Failure>> = { 'connect-failed': 'refused', reset: 'reset', error: 'error' };

function factsOf(c: Conversation, i: number): Facts {
	const e = c.events[i]!;
	const facts: Facts = { c, i };
	if (e.type === 'receive') {
		const senders = c.sources.get(i)?.length ?? 0;
		if (senders > 1) facts.joinedSends = senders;
		else if (c.partial.has(i)) facts.partOfSend = true;
	}
	const failure = e.type === 'datagram-sent' && e.lost === true ? 'lost' : failureOfType[e.type];
	if (failure !== undefined) facts.failure = failure;
	return facts;
}

/** The label of event `i`'s arrow (drawn at its start) or mark (beside it). */
export function labelOf(c: Conversation, i: number): Label {
	return descriptions[c.events[i]!.type].label(factsOf(c, i));
}

/** Event `i` as a row of the table. */
export function rowOf(c: Conversation, i: number): DiagramRow {
	const e = c.events[i]!;
	const facts = factsOf(c, i);
	const description = descriptions[e.type];
	const own = c.labelOf(e.process);
	const remote = e.remote ?? c.remoteOf.get(e.socket);
	const target = c.targets.get(i);
	const senders = c.sources.get(i) ?? [];
	let [from, to] = [own, ''];
	if (description.ends === 'out') to = target?.process !== undefined ? c.labelOf(target.process) : (remote ?? '');
	if (description.ends === 'in') [from, to] = [senders.length > 0 ? c.labelOf(c.events[senders[0]!]!.process) : c.labelOf(c.otherEnd(i)) || (remote ?? ''), own];
	if (e.type === 'reset') {
		const origin = c.resetOrigins.get(i)?.process;
		from = origin !== undefined ? c.labelOf(origin) : (remote ?? '');
	}
	const row: DiagramRow = { event: i, type: e.type, t: e.t, time: millisecondsText(e.t), from, to, what: description.what(facts) };
	if (e.bytes !== undefined) row.bytes = e.bytes;
	if (e.preview !== undefined) row.preview = e.preview;
	if (facts.joinedSends !== undefined) row.joinedSends = facts.joinedSends;
	if (facts.partOfSend) row.partOfSend = true;
	if (facts.failure !== undefined) row.failure = facts.failure;
	return row;
}

/** The diagram in words, program by program. */
export function summaryOf(c: Conversation): string {
	const events = c.events;
	const span = events.length > 0 ? events[events.length - 1]!.t : 0;
	const parts = [`${countOf(events.length, 'socket event')} between ${listOf(c.lanes.map((l) => l.label)) || 'no programs'} over ${millisecondsText(span)} ms, time going down.`];
	for (const lane of c.lanes) {
		const mine = events.flatMap((e, i) => (e.process === lane.id ? [i] : []));
		if (mine.length === 0) continue;
		const phrases: string[] = [];
		for (const i of mine) {
			const type = events[i]!.type;
			const all = mine.filter((k) => events[k]!.type === type);
			for (const phrase of descriptions[type].phrases(factsOf(c, i), all)) if (!phrases.includes(phrase)) phrases.push(phrase);
		}
		parts.push(`${lane.label} ${phrases.join(', ')}.`);
	}
	return parts.join(' ');
}
