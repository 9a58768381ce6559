/**
 * The socket event log of one recorded run of an example ("what crossed the wire"): written by
 * the recorders (src/lib/conversation/record-node.ts for Node.js, a Python wrapper for the
 * twins) from outside the example code, stored beside the recorded output as
 * `examples/_recordings/<name>.<language>.events.json`, and drawn at build time as a sequence
 * diagram (src/lib/conversation/sequence-diagram.ts).
 *
 * This file is the contract between the recorders and the diagram: change it in one place.
 */
import { z } from 'astro/zod';

/** 2: events carry `counterpart` and `addressedTo` (merge.ts pairs them; the diagram reads the pairs). */
export const EVENT_LOG_FORMAT = 2;

/** One program of the run: a lifeline in the diagram. */
export const processSchema = z.object({
	/** Stable within the log: `p1`, `p2`, … in order of first event. */
	id: z.string(),
	/** What a reader calls it: the script's file name without folder, such as `server.js` or `python/client.py`. */
	name: z.string(),
	/** The script's arguments, ports replaced by `<port>` so logs of two runs compare. */
	args: z.array(z.string()),
});

export const eventTypes = [
	/** A server socket starts listening (TCP) or a datagram socket is bound (UDP). `local` set. */
	'listen',
	/** A TCP client's connection is established. `local`, `remote`, and `peer` (the accepting socket) and `counterpart` (its `accept`) when the server is in the run. */
	'connect',
	/** A TCP connect failed (refused, timed out). `remote` and `error` (such as `ECONNREFUSED`) set; `addressedTo` if a socket of the run was bound there. */
	'connect-failed',
	/** A server accepted a connection: a new socket. `local`, `remote`, and `peer` and `counterpart` (the `connect`) when the client is in the run. */
	'accept',
	/** Bytes handed to the OS: one write/send/sendall call. `bytes` and `preview` set. */
	'send',
	/** Bytes the program read: one data event/recv call that returned data. `bytes` and `preview` set. */
	'receive',
	/** This side shut down its sending direction (Node `end()`, Python `shutdown(SHUT_WR)`). */
	'half-close',
	/** The other side's half-close arrived: the read side reached end of stream. */
	'peer-half-close',
	/** The connection was reset (ECONNRESET, EPIPE). `error` set. */
	'reset',
	/** The socket was closed by this program. */
	'close',
	/** A UDP datagram was sent. `remote`, `bytes`, `preview` set; `peer` and `counterpart` (its arrival), or `lost: true` if no socket of the run received it. */
	'datagram-sent',
	/** A UDP datagram arrived. `remote` (the sender), `bytes`, `preview` set; `peer` and `counterpart` when its sending is in the log. */
	'datagram-received',
	/** Any other socket error. `error` set. */
	'error',
] as const;
export type EventType = (typeof eventTypes)[number];

export const socketEventSchema = z.object({
	/** Milliseconds since the first event of the run, rounded to 0.1 ms. */
	t: z.number().nonnegative(),
	/** The process (`processes[].id`). */
	process: z.string(),
	/** The socket within the whole log: `s1`, `s2`, … in order of first event. */
	socket: z.string(),
	protocol: z.enum(['tcp', 'udp']),
	type: z.enum(eventTypes),
	/** `host:port` of this socket, where known. */
	local: z.string().optional(),
	/** `host:port` of the other end, where known. */
	remote: z.string().optional(),
	/** The socket at the other end of this connection or datagram, when it is in the log. */
	peer: z.string().optional(),
	/**
	 * Index in `events` of the event at the other end of this one: a `connect`'s `accept` (and
	 * back), a `datagram-sent`'s `datagram-received` (and back).
	 */
	counterpart: z.number().int().nonnegative().optional(),
	/** Only without `peer`: the socket of the run bound to `remote`, where a failed connect or a lost datagram was going. */
	addressedTo: z.string().optional(),
	bytes: z.number().int().nonnegative().optional(),
	/** The first bytes as text: printable ASCII kept, `\n` as `⏎`, others as `·`; at most 32 characters plus `…`. */
	preview: z.string().optional(),
	/** An error code such as `ECONNREFUSED` or `ECONNRESET`. */
	error: z.string().optional(),
	/** Only on `datagram-sent`: no socket of the run received it. */
	lost: z.boolean().optional(),
});
export type SocketEvent = z.infer<typeof socketEventSchema>;

export const eventLogSchema = z.object({
	format: z.literal(EVENT_LOG_FORMAT),
	example: z.string(),
	language: z.enum(['node', 'python']),
	/** Same as the recorded output's `sourceHash`: the log is fresh when they match the code. */
	sourceHash: z.string(),
	recordedAt: z.string(),
	processes: z.array(processSchema),
	events: z.array(socketEventSchema),
	/** Set when this language's recorder cannot capture some events, saying which and why. */
	limitations: z.string().optional(),
});
export type EventLog = z.infer<typeof eventLogSchema>;
