/**
 * Fuzzes every example server, the Node program and its Python twin: for a bounded time, a
 * bounded number of connections send seeded random and malformed input (random bytes, valid
 * messages with bytes flipped, cut, duplicated or deleted, odd line ends, NUL, invalid UTF-8,
 * inputs near and over the size limits, resets half way, writes split at random points),
 * while well-formed clients beside them keep doing real exchanges and must get exactly the
 * right replies. Afterwards the server must still run, its memory must not have grown
 * much, it must have printed no sign of a bug and only whole, labelled lines, and a last
 * exchange must still work.
 *
 * Where the protocol fixes the answer to any input (tcp-echo, tcp-framing, sync-vs-async,
 * failures, udp-echo), the reply to every fuzz connection is checked against a model of the
 * protocol too; for the others (rpc, http-by-hand, peer-to-peer), its form is checked.
 *
 * One seed drives it all: FUZZ_SEED=123 replays another run; a failure names the seed, the
 * server and the input, and fuzz case #i is always the same bytes, split and ending.
 * FUZZ_MS sets the fuzzing time per server (default 1500), at most MAX_CASES connections; the
 * well-formed clients stop with the fuzzing.
 */
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConnectionOptions } from 'node:tls';
import { examplesDir, startExampleServer, type ExampleServer } from './support/example-process.ts';
import {
	besideFuzzing,
	bugLines,
	chance,
	derivedRandom,
	describeCase,
	fuzzConnection,
	fuzzMemoryLimit,
	fuzzSeed,
	hexPrefix,
	int,
	loopUntil,
	makeFuzzCase,
	MAX_OVERSIZE_CASES,
	pick,
	randomText,
	sampleMemory,
	skewedSize,
	stopServer,
	watchOutputLines,
	type FuzzGrammar,
	type FuzzResult,
} from './support/fuzz.ts';
import { randomBytes } from './support/random.ts';
import { splitRandomly, tcpExchange } from './support/tcp-client.ts';
import { twins, type Language, type Program } from './support/twins.ts';
import { udpExchange } from './support/udp-client.ts';

const SEED = fuzzSeed();
const FUZZ_MS = Number(process.env.FUZZ_MS ?? 1500);
/** At most this many fuzz connections (or UDP fuzz cases) per server. */
const MAX_CASES = 200;
const FUZZ_CONCURRENCY = 4;
const WELL_FORMED_CLIENTS = 3;
/**
 * Between a well-formed client's exchanges. A few dozen exchanges each, among the fuzz
 * connections, show that the server goes on serving others; back to back, they ran a thousand
 * and more per server and took most of the fuzz's time on two cores.
 */
const WELL_FORMED_PAUSE_MS = 20;

const MAX_LINE = 1024 * 1024;
const countLines = (bytes: Buffer) => bytes.reduce((n, byte) => n + (byte === 0x0a ? 1 : 0), 0);
/** The complete lines in `bytes` (without "\n"); a last line without "\n" is left out. */
const completeLines = (bytes: Buffer) => bytes.subarray(0, bytes.lastIndexOf(0x0a) + 1).toString('utf8').split('\n').slice(0, -1);
/** The `id` members of the JSON objects (and of those in JSON arrays) on the lines of `sent` that parse. */
function idsSent(sent: Buffer): Set<unknown> {
	const ids = new Set<unknown>([null]);
	for (const line of sent.toString('utf8').split('\n')) {
		let value: unknown;
		try {
			value = JSON.parse(line);
		} catch {
			continue;
		}
		for (const item of Array.isArray(value) ? value : [value]) {
			if (typeof item === 'object' && item !== null && 'id' in item) ids.add((item as { id: unknown }).id);
		}
	}
	return ids;
}
const isPrefixOf = (prefix: Buffer, whole: Buffer) => prefix.length <= whole.length && whole.subarray(0, prefix.length).equals(prefix);
const show = (bytes: Buffer) => hexPrefix(bytes, 96);
/** A line of `length` bytes (before any "\n") that starts with `head` and ends with `tail`, padded with `fill`. */
const padded = (head: string, length: number, tail = '', fill = 'x') =>
	Buffer.concat([Buffer.from(head), Buffer.alloc(Math.max(0, length - Buffer.byteLength(head) - Buffer.byteLength(tail)), fill), Buffer.from(tail)]);
/** A size near `limit`: just under, at, just over, or well over. */
const nearLimit = (random: () => number, limit: number) => limit + pick(random, [-2, -1, 0, 1, 2, 1 + int(random, 64 * 1024)]);
const newlineOrNot = (random: () => number) => (chance(random, 0.6) ? '\n' : '');

/** One well-formed exchange: what to send, when the reply is complete, and whether it is exactly right. */
interface WellFormed {
	chunks: Buffer[];
	/** Wait for the server to close instead of for `done`. */
	untilClose?: boolean;
	done(received: Buffer): boolean;
	/** undefined if `received` is exactly the right reply, else what is wrong. */
	verify(received: Buffer): string | undefined;
}

/** A well-formed exchange whose reply must be exactly `expected`. */
function expectBytes(chunks: Buffer[], expected: Buffer): WellFormed {
	return {
		chunks,
		done: (received) => received.length >= expected.length || !isPrefixOf(received, expected), // stop at the first wrong byte
		verify: (received) => (received.equals(expected) ? undefined : `expected ${show(expected)}\n    got ${show(received)}`),
	};
}

interface TcpTarget {
	example: string;
	/** The test name: example, program and mode. */
	name: string;
	program: Program;
	args: string[];
	grammar: FuzzGrammar;
	/** A well-formed exchange; `tag` makes its messages unique. */
	wellFormed(random: () => number, tag: string): WellFormed;
	/** Checks a fuzz connection's reply against the protocol: undefined if allowed, else why not. */
	checkFuzz(result: FuzzResult): string | undefined;
	/** For a TLS server: how its clients connect (the fuzz goes inside TLS). */
	tls?: ConnectionOptions;
}

// ---- tcp-echo ---------------------------------------------------------------------------------

const ECHO_TOO_LONG = Buffer.from(`error: line longer than ${MAX_LINE} bytes, closing\n`);

const tcpEcho: Omit<TcpTarget, 'name' | 'program'> = {
	example: 'tcp-echo',
	args: [],
	grammar: {
		valid: (random) => Buffer.from(`${randomText(random, 60)}\n`),
		oversize: (random) => Buffer.concat([Buffer.from('short line\n'), padded('', nearLimit(random, MAX_LINE)), Buffer.from(newlineOrNot(random))]),
	},
	wellFormed(random, tag) {
		const sent = Buffer.from(Array.from({ length: 1 + int(random, 5) }, (_, i) => `${tag}.${i} ${randomText(random, 200)}\n`).join(''));
		return expectBytes(splitRandomly(sent, random, 6), sent);
	},
	// Every complete line comes back as it was; an overlong one ends it all with the error line.
	checkFuzz({ sent, received }) {
		let common = 0;
		while (common < received.length && received[common] === sent[common]) common++;
		if (common === received.length) return undefined; // all of it is the bytes sent, in order
		for (let k = common; k >= 0; k--) {
			if ((k === 0 || sent[k - 1] === 0x0a) && isPrefixOf(received.subarray(k), ECHO_TOO_LONG)) return undefined;
		}
		return 'the reply is not the bytes sent (up to a line end, then the line-too-long error)';
	},
};

// ---- names-and-addresses ----------------------------------------------------------------------

const WHOAMI_UNKNOWN = 'error: unknown command; the only command is whoami\n';
const WHOAMI_TOO_LONG = `error: line longer than ${MAX_LINE} bytes, closing\n`;

/** What a names-and-addresses server answers to `sent` from 127.0.0.1:`port`: a line per line ("\r\n" too), up to the first over 1 MiB. */
function whoamiReply(sent: Buffer, port: number): Buffer {
	const replies: string[] = [];
	for (let start = 0; ; ) {
		const newline = sent.indexOf(0x0a, start);
		if ((newline === -1 ? sent.length : newline) - start > MAX_LINE) {
			replies.push(WHOAMI_TOO_LONG);
			break;
		}
		if (newline === -1) break; // an unfinished last line is dropped
		let line = sent.subarray(start, newline);
		start = newline + 1;
		if (line.at(-1) === 0x0d) line = line.subarray(0, -1);
		replies.push(line.toString('latin1') === 'whoami' ? `AF_INET 127.0.0.1 port ${port}\n` : WHOAMI_UNKNOWN);
	}
	return Buffer.from(replies.join(''));
}
/** The client's port as the first answer in `received` names it (fuzz connections come from 127.0.0.1). */
const whoamiPort = (received: Buffer) => Number(/^AF_INET 127\.0\.0\.1 port (\d+)$/m.exec(received.toString('latin1'))?.[1] ?? 0);

const namesAndAddresses: Omit<TcpTarget, 'name' | 'program'> = {
	example: 'names-and-addresses',
	args: [],
	grammar: {
		valid: (random) => Buffer.from(`${pick(random, ['whoami', 'whoami', 'whoami\r', 'WHOAMI', '', ' whoami', randomText(random, 30)])}\n`),
		oversize: (random) => Buffer.concat([Buffer.from('whoami\n'), padded('whoami', nearLimit(random, MAX_LINE)), Buffer.from(newlineOrNot(random))]),
		tokens: ['whoami', 'whoami\r\n', '\r'],
	},
	wellFormed(random, tag) {
		const lines = Array.from({ length: 1 + int(random, 6) }, (_, i) => (chance(random, 0.6) ? `whoami${chance(random, 0.3) ? '\r' : ''}` : `${tag}.${i} ${randomText(random, 100)}`));
		const sent = Buffer.from(lines.map((line) => `${line}\n`).join(''));
		return {
			chunks: splitRandomly(sent, random, 6),
			done: (received) => countLines(received) >= lines.length,
			verify(received) {
				const expected = whoamiReply(sent, whoamiPort(received));
				return received.equals(expected) ? undefined : `expected ${show(expected)}\n    got ${show(received)}`;
			},
		};
	},
	// Every complete line gets its answer, in order; an overlong one ends it all with the error line.
	checkFuzz({ sent, received }) {
		const expected = whoamiReply(sent, whoamiPort(received));
		return isPrefixOf(received, expected) ? undefined : `the reply is not the start of ${show(expected)}`;
	},
};

// ---- tcp-framing ------------------------------------------------------------------------------

const frame = (payload: Buffer) => {
	const header = Buffer.alloc(4);
	header.writeUInt32BE(payload.length);
	return Buffer.concat([header, payload]);
};
const header = (length: number) => {
	const bytes = Buffer.alloc(4);
	bytes.writeUInt32BE(length >>> 0);
	return bytes;
};

/** What a tcp-framing server sends for `sent`: every complete frame, in order, up to the first too big. */
function framingReply(sent: Buffer): Buffer {
	const replies: Buffer[] = [];
	for (let at = 0; sent.length - at >= 4; ) {
		const length = sent.readUInt32BE(at);
		if (length > MAX_LINE) {
			replies.push(frame(Buffer.from(`error: frame of ${length} bytes is over the ${MAX_LINE}-byte limit`)));
			break;
		}
		if (sent.length - at - 4 < length) break;
		replies.push(sent.subarray(at, at + 4 + length));
		at += 4 + length;
	}
	return Buffer.concat(replies);
}

const tcpFraming: Omit<TcpTarget, 'name' | 'program'> = {
	example: 'tcp-framing',
	args: [],
	grammar: {
		valid: (random) => frame(randomBytes(random, skewedSize(random, 300))),
		oversize(random) {
			const length = nearLimit(random, MAX_LINE);
			const payload = Buffer.alloc(chance(random, 0.5) ? Math.min(length, MAX_LINE + 10) : int(random, 1000), 0x5a);
			return Buffer.concat([frame(Buffer.from('first')), header(length), payload]);
		},
	},
	wellFormed(random, tag) {
		const sent = Buffer.concat(
			Array.from({ length: 1 + int(random, 4) }, (_, i) =>
				frame(chance(random, 0.1) ? Buffer.alloc(0) : Buffer.concat([Buffer.from(`${tag}.${i} `), randomBytes(random, skewedSize(random, 20_000))]))
			)
		);
		return expectBytes(splitRandomly(sent, random, 10), sent);
	},
	checkFuzz({ sent, received }) {
		return isPrefixOf(received, framingReply(sent)) ? undefined : `the reply is not the start of ${show(framingReply(sent))}`;
	},
};

// ---- sync-vs-async ----------------------------------------------------------------------------

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const isUtf8 = (bytes: Buffer) => {
	try {
		strictUtf8.decode(bytes);
		return true;
	} catch {
		return false;
	}
};

/** What a sync-vs-async server answers to `sent` (nothing if the line never ended). */
function syncReply(sent: Buffer): Buffer {
	const newline = sent.indexOf(0x0a);
	if ((newline === -1 ? sent.length : newline) > MAX_LINE) return Buffer.from(`error: request line longer than ${MAX_LINE} bytes\n`);
	if (newline === -1) return Buffer.alloc(0);
	const line = sent.subarray(0, newline);
	if (!isUtf8(line)) return Buffer.from('error: request line is not valid UTF-8\n');
	return Buffer.concat([Buffer.from('done: '), line, Buffer.from('\n')]);
}

const syncVsAsync: Omit<TcpTarget, 'name' | 'program' | 'args'> = {
	example: 'sync-vs-async',
	grammar: {
		valid: (random) => Buffer.from(`${randomText(random, 40)}${pick(random, ['', '\r', '\t', '\0'])}\n`),
		oversize: (random) => Buffer.concat([padded('', nearLimit(random, MAX_LINE), '', chance(random, 0.5) ? 'a' : 'é'), Buffer.from(newlineOrNot(random))]),
	},
	wellFormed(random, tag) {
		const line = `${tag} ${randomText(random, 300)}${pick(random, ['', '\r', ' tab\there', ' nul\0'])}`;
		const trailing = chance(random, 0.2) ? `ignored ${randomText(random, 20)}` : ''; // bytes after the line are read and ignored
		const expected = Buffer.from(`done: ${line}\n`);
		return {
			...expectBytes(splitRandomly(Buffer.from(`${line}\n${trailing}`), random, 4), expected),
			untilClose: true, // the server closes after its answer
		};
	},
	checkFuzz({ sent, received }) {
		return isPrefixOf(received, syncReply(sent)) ? undefined : `the reply is not the start of ${show(syncReply(sent))}`;
	},
};

// ---- rpc --------------------------------------------------------------------------------------

const rpcCall = (method: string, params: unknown, id?: string | number) =>
	JSON.stringify(id === undefined ? { jsonrpc: '2.0', method, params } : { jsonrpc: '2.0', method, params, id });

const rpc: Omit<TcpTarget, 'name' | 'program'> = {
	example: 'rpc',
	args: [],
	grammar: {
		valid(random) {
			const id = chance(random, 0.5) ? int(random, 1000) : randomText(random, 8);
			const line = pick(random, [
				() => rpcCall('add', [int(random, 100), int(random, 100)], id),
				() => rpcCall('divide', { a: int(random, 100), b: int(random, 3) }, id),
				() => rpcCall('echo', [randomText(random, 30)], id),
				() => rpcCall('subtract', [1, 2]),
				() => `[${rpcCall('add', [1, 2], id)},${rpcCall('echo', { text: 'x' })},1]`,
				() => rpcCall(pick(random, ['multiply', 'toString', '__proto__']), [], id),
				() => '{"jsonrpc":"2.0","method":"add","params":[1e308,1e308],"id":1e400}',
			])();
			return Buffer.from(`${line}${pick(random, ['\n', '\r\n', '\n\n'])}`);
		},
		oversize: (random) => {
			const length = nearLimit(random, MAX_LINE);
			return Buffer.concat([padded('{"jsonrpc":"2.0","method":"echo","params":["', length, '"],"id":"big"}'), Buffer.from(newlineOrNot(random))]);
		},
		tokens: ['"jsonrpc":"2.0"', '"id":', '"params":', '"method":"add"', '1e308', '-1e400', '0.1'],
	},
	wellFormed(random, tag) {
		const lines: string[] = [];
		const replies: string[] = [];
		const count = 1 + int(random, 6);
		for (let i = 0; i < count; i++) {
			const id = chance(random, 0.5) ? `${tag}.${i}` : int(random, 1e9);
			const a = int(random, 2000) - 1000;
			const b = 1 + int(random, 1000);
			const reply = (result: number | string) => replies.push(JSON.stringify({ jsonrpc: '2.0', result, id }));
			const kind = int(random, 7);
			if (kind === 0) lines.push(rpcCall('add', [a, b], id)), reply(a + b);
			if (kind === 1) lines.push(rpcCall('subtract', { b, a }, id)), reply(a - b);
			if (kind === 2) lines.push(rpcCall('divide', [a, b], id)), reply(a / b);
			if (kind === 3) {
				const text = `${tag} ${randomText(random, 100)}`;
				lines.push(rpcCall('echo', { text }, id)), reply(text);
			}
			if (kind === 4) lines.push(rpcCall('echo', [`${tag} notification`])); // no reply
			if (kind === 5) lines.push(pick(random, ['', ' \t', '\r'])); // blank: ignored
			if (kind === 6) {
				lines.push(`[${rpcCall('add', [a, b], id)},${rpcCall('add', [1, 1])},${rpcCall('echo', [tag], 'second')}]`);
				replies.push(`[${JSON.stringify({ jsonrpc: '2.0', result: a + b, id })},${JSON.stringify({ jsonrpc: '2.0', result: tag, id: 'second' })}]`);
			}
		}
		// A final request, so every exchange has a reply to wait for.
		lines.push(rpcCall('echo', [`${tag} end`], `${tag}.end`));
		replies.push(JSON.stringify({ jsonrpc: '2.0', result: `${tag} end`, id: `${tag}.end` }));
		const sent = Buffer.from(lines.map((line) => `${line}${chance(random, 0.2) ? '\r\n' : '\n'}`).join(''));
		return expectBytes(splitRandomly(sent, random, 8), Buffer.from(replies.map((reply) => `${reply}\n`).join('')));
	},
	// Every reply line is a JSON-RPC 2.0 reply or a batch of them; nothing follows the too-long error.
	checkFuzz({ sent, received }) {
		const isReply = (value: unknown) =>
			typeof value === 'object' && value !== null && !Array.isArray(value) && (value as { jsonrpc?: unknown }).jsonrpc === '2.0' &&
			'id' in value && ('result' in value) !== ('error' in value);
		const lines = completeLines(received);
		if (lines.length > countLines(sent) + 1) return `${lines.length} reply lines for ${countLines(sent)} lines sent`;
		const ids = idsSent(sent);
		for (const [i, line] of lines.entries()) {
			let value: unknown;
			try {
				value = JSON.parse(line);
			} catch {
				return `reply line ${i} is not JSON: ${JSON.stringify(line.slice(0, 200))}`;
			}
			if (!(isReply(value) || (Array.isArray(value) && value.length > 0 && value.every(isReply)))) return `reply line ${i} is not a JSON-RPC reply: ${line.slice(0, 200)}`;
			const stranger = (Array.isArray(value) ? value : [value]).find((reply: { id: unknown }) => !ids.has(reply.id));
			if (stranger) return `reply line ${i} answers an id this connection never sent: ${line.slice(0, 200)}`;
			if (line.includes('message larger than') && (i < lines.length - 1 || received.at(-1) !== 0x0a)) return 'bytes after the message-too-large error';
		}
		return undefined;
	},
};

// ---- http-by-hand -----------------------------------------------------------------------------

const MAX_HEAD = 16384;
const HELLO = Buffer.from('hello from a hand-written HTTP server\n');

interface HttpResponse {
	statusLine: string;
	header(name: string): string | undefined;
	body: Buffer;
}

/** The complete responses in `data` (framed by the empty line and Content-Length), and the bytes after them. */
function parseResponses(data: Buffer): { responses: HttpResponse[]; rest: Buffer; problem?: string } {
	const responses: HttpResponse[] = [];
	let at = 0;
	for (;;) {
		const end = data.indexOf('\r\n\r\n', at);
		if (end === -1) return { responses, rest: data.subarray(at) };
		const [statusLine = '', ...lines] = data.subarray(at, end).toString('latin1').split('\r\n');
		const fields = lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()] as const);
		const header = (name: string) => fields.find(([n]) => n === name)?.[1];
		const length = Number(header('content-length'));
		if (!/^\d+$/.test(header('content-length') ?? '')) return { responses, rest: data.subarray(at), problem: `a response without Content-Length: ${statusLine}` };
		if (data.length < end + 4 + length) return { responses, rest: data.subarray(at) };
		responses.push({ statusLine, header, body: data.subarray(end + 4, end + 4 + length) });
		at = end + 4 + length;
	}
}

const STATUS = /^HTTP\/1\.1 (200 OK|400 Bad Request|404 Not Found|405 Method Not Allowed|413 Content Too Large|431 Request Header Fields Too Large|501 Not Implemented|505 HTTP Version Not Supported)$/;

const httpByHand: Omit<TcpTarget, 'name' | 'program'> = {
	example: 'http-by-hand',
	args: [],
	grammar: {
		valid(random) {
			const body = randomBytes(random, skewedSize(random, 200));
			return Buffer.from(
				pick(random, [
					() => 'GET / HTTP/1.1\r\nHost: x\r\n\r\n',
					() => `POST /echo HTTP/1.1\r\nContent-Type: a/b\r\nContent-Length: ${body.length}\r\n\r\n${body.toString('latin1')}`,
					() => 'GET /nope?x=1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n',
					() => 'DELETE /echo HTTP/1.1\r\nConnection: close\r\n\r\n',
					() => `POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n`,
				])(),
				'latin1'
			);
		},
		oversize(random) {
			return pick(random, [
				() => Buffer.from(`GET / HTTP/1.1\r\nX: ${'a'.repeat(nearLimit(random, MAX_HEAD) - 23)}\r\n\r\n`),
				() => Buffer.from(`GET /${'a'.repeat(nearLimit(random, MAX_HEAD))} HTTP/1.1\r\n\r\n`),
				() => {
					const length = nearLimit(random, MAX_LINE);
					const body = Buffer.alloc(chance(random, 0.5) ? Math.min(length, MAX_LINE + 10) : int(random, 1000), 0x62);
					return Buffer.concat([Buffer.from(`POST /echo HTTP/1.1\r\nContent-Length: ${length}\r\n\r\n`), body, Buffer.from('GET / HTTP/1.1\r\n\r\n')]);
				},
			])();
		},
		tokens: ['HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'Content-Length: ', 'Transfer-Encoding: chunked\r\n', 'Connection: close\r\n', ' ', '\r\n ', 'GET / HTTP/1.1\r\n\r\n', '99999999999999999999'],
	},
	wellFormed(random, tag) {
		const count = 1 + int(random, 3);
		const expected: { status: string; body: Buffer; type: string; connection: string }[] = [];
		const requests: Buffer[] = [];
		for (let i = 0; i < count; i++) {
			const close = i === count - 1 && chance(random, 0.3) ? 'Connection: close\r\n' : '';
			const connection = close ? 'close' : 'keep-alive';
			const kind = int(random, 3);
			if (kind === 0) {
				requests.push(Buffer.from(`GET /?${tag} HTTP/1.1\r\nHost: test\r\n${close}\r\n`));
				expected.push({ status: 'HTTP/1.1 200 OK', body: HELLO, type: 'text/plain; charset=utf-8', connection });
			} else if (kind === 1) {
				const body = Buffer.concat([Buffer.from(`${tag}.${i} `), randomBytes(random, skewedSize(random, 5000))]);
				const type = chance(random, 0.5) ? `application/x-${tag}` : undefined;
				requests.push(Buffer.concat([Buffer.from(`POST /echo HTTP/1.1\r\n${type ? `Content-Type: ${type}\r\n` : ''}Content-Length: ${body.length}\r\n${close}\r\n`), body]));
				expected.push({ status: 'HTTP/1.1 200 OK', body, type: type ?? 'application/octet-stream', connection });
			} else {
				requests.push(Buffer.from(`GET /${tag}/missing HTTP/1.1\r\n${close}\r\n`));
				expected.push({ status: 'HTTP/1.1 404 Not Found', body: Buffer.alloc(0), type: 'text/plain; charset=utf-8', connection });
			}
		}
		return {
			chunks: splitRandomly(Buffer.concat(requests), random, 8),
			done: (received) => parseResponses(received).responses.length >= count,
			verify(received) {
				const { responses, rest } = parseResponses(received);
				if (responses.length !== count || rest.length > 0) return `expected ${count} responses, got ${responses.length} and ${rest.length} more bytes: ${show(received)}`;
				for (const [i, response] of responses.entries()) {
					const want = expected[i]!;
					const problems = [
						response.statusLine !== want.status && `status line ${JSON.stringify(response.statusLine)}`,
						response.header('content-type') !== want.type && `Content-Type ${response.header('content-type')}`,
						response.header('connection') !== want.connection && `Connection ${response.header('connection')}`,
						want.status.endsWith('200 OK') && !response.body.equals(want.body) && `body ${show(response.body)} instead of ${show(want.body)}`,
					].filter(Boolean);
					if (problems.length > 0) return `response ${i}: ${problems.join(', ')}`;
				}
				return undefined;
			},
		};
	},
	// Every response is complete and well-formed; an error or "Connection: close" is the last one.
	checkFuzz({ received }) {
		const { responses, rest, problem } = parseResponses(received);
		if (problem) return problem;
		for (const [i, response] of responses.entries()) {
			if (!STATUS.test(response.statusLine)) return `response ${i}: status line ${JSON.stringify(response.statusLine)}`;
			const connection = response.header('connection');
			if (connection !== 'close' && connection !== 'keep-alive') return `response ${i}: Connection ${connection}`;
			if (!/ (200|404|405) /.test(response.statusLine) && connection !== 'close') return `response ${i}: ${response.statusLine} without Connection: close`;
			if (connection === 'close' && (i < responses.length - 1 || rest.length > 0)) return `response ${i} said Connection: close, but more bytes followed`;
		}
		return undefined;
	},
};

// ---- peer-to-peer -----------------------------------------------------------------------------

const peerMessage = (id: string, origin: string, text: string, path = [origin]) => JSON.stringify({ type: 'message', id, origin, text, path });
const PEER_REPLY = new RegExp(
	'^(?:\\{"type":"ack","id":"[A-Za-z0-9._:-]{1,100}"\\}|\\{"type":"error","message":"(?:' +
		[
			'not valid JSON',
			'expected a JSON object with \\\\"type\\\\":\\\\"message\\\\"',
			'\\\\"id\\\\" must be 1 to 100 letters, digits or \\. _ : -',
			'\\\\"origin\\\\" must be a peer name: 1 to 32 letters or digits',
			'\\\\"text\\\\" must be a string',
			'\\\\"path\\\\" must be a list of 1 to 16 peer names, starting with the origin',
			`line longer than ${MAX_LINE} bytes, closing`,
		].join('|') +
		')"\\})$'
);

const peerToPeer: Omit<TcpTarget, 'name' | 'program'> = {
	example: 'peer-to-peer',
	args: ['--name', 'P'],
	grammar: {
		valid: (random) => Buffer.from(`${peerMessage(`f${int(random, 1000)}`, pick(random, ['A', 'B', 'P']), randomText(random, 40), pick(random, [['A'], ['B', 'C'], ['P', 'Q']]))}${pick(random, ['\n', '\r\n'])}`),
		oversize: (random) => {
			const length = nearLimit(random, MAX_LINE);
			return Buffer.concat([padded('{"type":"message","id":"big","origin":"A","text":"', length, '","path":["A"]}'), Buffer.from(newlineOrNot(random))]);
		},
		tokens: ['"type":"message"', '"id":', '"path":[', '"origin":"A"', '"text":'],
	},
	wellFormed(random, tag) {
		const ids = Array.from({ length: 1 + int(random, 5) }, (_, i) => `${tag}.${i}`);
		const origin = `W${tag.replace(/[^A-Za-z0-9]/g, '')}`;
		const lines = ids.flatMap((id) => [...(chance(random, 0.2) ? [' \t'] : []), `${peerMessage(id, origin, `${randomText(random, 200)}`)}${chance(random, 0.2) ? '\r' : ''}`]);
		const sent = Buffer.from(lines.map((line) => `${line}\n`).join(''));
		return expectBytes(splitRandomly(sent, random, 8), Buffer.from(ids.map((id) => `{"type":"ack","id":"${id}"}\n`).join('')));
	},
	checkFuzz({ sent, received }) {
		const lines = completeLines(received);
		if (lines.length > countLines(sent) + 1) return `${lines.length} reply lines for ${countLines(sent)} lines sent`;
		const bad = lines.find((line) => !PEER_REPLY.test(line));
		if (bad !== undefined) return `a reply line that is neither an ack nor an error: ${JSON.stringify(bad.slice(0, 200))}`;
		const ids = idsSent(sent);
		const stranger = lines.find((line) => line.startsWith('{"type":"ack"') && !ids.has(JSON.parse(line).id));
		if (stranger !== undefined) return `an ack for an id this connection never sent: ${stranger}`;
		const tooLong = lines.findIndex((line) => line.includes('line longer than'));
		if (tooLong !== -1 && (tooLong < lines.length - 1 || received.at(-1) !== 0x0a)) return 'bytes after the line-too-long error';
		return undefined;
	},
};

// ---- failures ---------------------------------------------------------------------------------

const replacing = new TextDecoder('utf-8', { ignoreBOM: true });

/** What a failures server sends for `sent` (and, if `clientEnded`, then for the end of the client's sending side). */
function failuresReply(sent: Buffer, clientEnded: boolean): Buffer {
	const replies: Buffer[] = [];
	for (let start = 0; ; ) {
		const newline = sent.indexOf(0x0a, start);
		if ((newline === -1 ? sent.length : newline) - start > MAX_LINE) {
			replies.push(Buffer.from(`error: line longer than ${MAX_LINE} bytes, closing\n`));
			break;
		}
		if (newline === -1) break; // an unfinished last line is dropped
		let line = sent.subarray(start, newline);
		start = newline + 1;
		if (line.at(-1) === 0x0d) line = line.subarray(0, -1);
		const text = replacing.decode(line);
		if (text === 'echo' || text.startsWith('echo ')) {
			replies.push(line.subarray(5), Buffer.from('\n'));
		} else if (text === 'silent' || text === 'reset') {
			break;
		} else if (text === 'half-close') {
			if (clientEnded) replies.push(Buffer.from(`you sent ${sent.length - start} bytes and then closed your side; my side is still open, so here is my answer\n`));
			break;
		} else {
			replies.push(Buffer.from(`error: unknown command ${JSON.stringify(text)}\n`));
		}
	}
	return Buffer.concat(replies);
}

const failures: Omit<TcpTarget, 'name' | 'program'> = {
	example: 'failures',
	args: [],
	grammar: {
		valid: (random) =>
			Buffer.from(`${pick(random, [`echo ${randomText(random, 30)}`, 'echo', 'silent', 'reset', 'half-close', randomText(random, 20)])}${pick(random, ['\n', '\r\n'])}`),
		oversize: (random) => Buffer.concat([padded('echo ', nearLimit(random, MAX_LINE)), Buffer.from(newlineOrNot(random))]),
		tokens: ['echo ', 'silent', 'reset', 'half-close', 'ECHO'],
	},
	wellFormed(random, tag) {
		const lines = Array.from({ length: 1 + int(random, 5) }, (_, i) => {
			const text = `${tag}.${i} ${randomText(random, 150)}`;
			const end = chance(random, 0.3) ? '\r\n' : '\n';
			return chance(random, 0.7) ? { line: `echo ${text}${end}`, reply: `${text}\n` } : { line: `ask ${text}${end}`, reply: `error: unknown command ${JSON.stringify(`ask ${text}`)}\n` };
		});
		return expectBytes(splitRandomly(Buffer.from(lines.map((l) => l.line).join('')), random, 8), Buffer.from(lines.map((l) => l.reply).join('')));
	},
	checkFuzz({ sent, received, clientEnded }) {
		const expected = failuresReply(sent, clientEnded);
		return isPrefixOf(received, expected) ? undefined : `the reply is not the start of ${show(expected)}`;
	},
};

// ---- selectors-echo ---------------------------------------------------------------------------

// The same line echo as tcp-echo, served from one thread with non-blocking sockets. Some
// well-formed exchanges carry a long line (up to 400 KB), so that the servers' sends are
// partial and their reading pauses while the fuzz connections come and go.
const selectorsEcho: Omit<TcpTarget, 'name' | 'program'> = {
	...tcpEcho,
	example: 'selectors-echo',
	wellFormed(random, tag) {
		const long = chance(random, 0.25) ? [`${tag}.long ${'0123456789'.repeat(1 + int(random, 40_000))}\n`] : [];
		const lines = Array.from({ length: 1 + int(random, 5) }, (_, i) => `${tag}.${i} ${randomText(random, 200)}\n`);
		const sent = Buffer.from([...lines.slice(0, 1), ...long, ...lines.slice(1)].join(''));
		return expectBytes(splitRandomly(sent, random, 6), sent);
	},
};

// ---- tls-echo ---------------------------------------------------------------------------------

// The tcp-echo protocol inside TLS (the fuzz's bytes are the plaintext): every complete line
// comes back, an overlong one ends it all with the error line. A line without "\n" when the
// client closes gets no answer, and Python's asyncio may drop answers still on their way then:
// tcp-echo's check allows a reply cut short.
const tlsEcho: Omit<TcpTarget, 'name' | 'program'> = {
	...tcpEcho,
	example: 'tls-echo',
	tls: { ca: readFileSync(join(examplesDir, 'tls-echo', 'certs', 'ca.crt')), servername: 'localhost' },
};

// ---- the targets ------------------------------------------------------------------------------

const servers = twins('server.js', 'python/server.py');
const SYNC_MODES: Record<Language, string[]> = { node: ['concurrent', 'sequential'], python: ['concurrent', 'threaded', 'sequential'] };

const tcpTargets: TcpTarget[] = [
	...[tcpEcho, namesAndAddresses, tcpFraming, rpc, httpByHand, failures, selectorsEcho, tlsEcho].flatMap((target) =>
		servers.map((program) => ({ ...target, program, name: `${target.example} server (${program.label})` }))
	),
	...servers.flatMap((program) =>
		SYNC_MODES[program.language].map((mode) => ({
			...syncVsAsync,
			program,
			args: ['--mode', mode, '--delay-ms', mode === 'sequential' ? '1' : '5'],
			name: `sync-vs-async ${mode} server (${program.label})`,
		}))
	),
	...twins('peer.js', 'python/peer.py').map((program) => ({ ...peerToPeer, program, name: `peer-to-peer peer (${program.label})` })),
];

// ---- running them -----------------------------------------------------------------------------

const started = new Set<ExampleServer>();
after(async () => {
	// Even if a test failed or timed out half way: no server outlives the tests.
	await Promise.all([...started].map((server) => stopServer(server)));
});

async function start(example: string, program: Program, args: string[]): Promise<ExampleServer> {
	const server = await startExampleServer(example, program.file, args, { command: program.command });
	started.add(server);
	return server;
}

/** The failure message: the seed, the server, what went wrong, and how to run it again. */
function failure(name: string, problems: string[]): string {
	const shown = problems.slice(0, 5).join('\n  - ');
	const more = problems.length > 5 ? `\n  (and ${problems.length - 5} more)` : '';
	const pattern = name.replace(/[()]/g, '\\$&');
	return (
		`FUZZ_SEED=${SEED}, ${name}:\n  - ${shown}${more}\n` +
		`  replay: FUZZ_SEED=${SEED} FUZZ_MS=${FUZZ_MS} node --experimental-strip-types --test --test-name-pattern="${pattern}" tests/examples/fuzz.test.ts`
	);
}

/** After fuzzing: still running, memory bounded, no sign of a bug printed, only whole labelled lines. */
async function checkAfterwards(server: ExampleServer, memory: { check(): string | undefined }, output: { check(): string[] }, problems: string[]) {
	await sleep(100); // let the last output lines arrive
	problems.push(...output.check());
	if (!server.alive()) problems.push(`the server exited (code ${server.child.exitCode}, signal ${server.child.signalCode}); last output:\n${server.output.slice(-15).join('\n')}`);
	for (const line of bugLines(server)) problems.push(`the server printed a sign of a bug: ${line}`);
	const grew = memory.check();
	if (grew) problems.push(grew);
}

describe(`fuzz: every example server, Node and Python, under seeded malformed input (FUZZ_SEED=${SEED})`, () => {
	for (const target of tcpTargets) {
		it(`${target.name}`, { timeout: 60_000 }, async (t) => {
			t.diagnostic(`FUZZ_SEED=${SEED}`);
			const server = await start(target.example, target.program, target.args);
			try {
				const memory = sampleMemory(server, fuzzMemoryLimit(target.program.language));
				const output = watchOutputLines(server);
				const problems: string[] = [];
				const stopped = () => problems.length > 0;
				const deadline = Date.now() + FUZZ_MS;
				let oversize = 0;
				let exchanges = 0;
				let answered = 0;
				const stats = new Map<string, number>();

				const wellFormed = async (client: number, seq: number, tag: string) => {
					const random = derivedRandom(SEED, target.name, 'client', client, seq);
					const exchange = target.wellFormed(random, tag);
					const result = await tcpExchange(server.port, exchange.chunks, {
						...(exchange.untilClose ? {} : { done: exchange.done }),
						timeoutMs: 10_000,
						...(target.tls ? { tls: target.tls } : {}),
					});
					const wrong =
						(result.ended !== (exchange.untilClose ? 'closed' : 'done') && `the exchange ended with ${result.ended}, not ${exchange.untilClose ? 'closed by the server' : 'with the whole reply'}`) ||
						exchange.verify(result.received);
					if (wrong) problems.push(`well-formed client ${client}, exchange ${seq} (sent ${show(Buffer.concat(exchange.chunks))}): ${wrong}`);
					exchanges++;
				};

				const fuzzing = loopUntil({ deadline, limit: MAX_CASES, concurrency: FUZZ_CONCURRENCY, stopped }, async (index) => {
					const fuzz = makeFuzzCase(SEED, target.name, index, target.grammar, oversize < MAX_OVERSIZE_CASES);
					if (fuzz.kind === 'oversize') oversize++;
					const result = await fuzzConnection(server.port, fuzz, target.tls ? { tls: target.tls } : {});
					const kind = fuzz.kind.split(':')[0]!;
					stats.set(kind, (stats.get(kind) ?? 0) + 1);
					if (result.received.length > 0) answered++;
					const wrong = target.checkFuzz(result);
					if (wrong) problems.push(`${describeCase(fuzz)}\n    ${wrong}\n    sent ${show(result.sent)}, got ${show(result.received)} (${result.ended})`);
				});
				const clients = Array.from({ length: WELL_FORMED_CLIENTS }, (_, client) =>
					besideFuzzing(fuzzing, { deadline, stopped, pauseMs: WELL_FORMED_PAUSE_MS }, (seq) => wellFormed(client, seq, `c${client}-${seq}`))
				);
				const [cases] = await Promise.all([fuzzing, ...clients]);

				await checkAfterwards(server, memory, output, problems);
				if (server.alive()) await wellFormed(WELL_FORMED_CLIENTS, 0, 'final');
				t.diagnostic(`${cases} fuzz connections (${[...stats].sort().map(([kind, n]) => `${n} ${kind}`).join(', ')}; ${answered} got a reply, checked), ${exchanges} well-formed exchanges, ${memory.growth()}`);
				assert.ok(exchanges >= WELL_FORMED_CLIENTS, failure(target.name, [...problems, `only ${exchanges} well-formed exchanges ran`]));
				if (problems.length > 0) assert.fail(failure(target.name, problems));
			} finally {
				await stopServer(server);
			}
		});
	}

	// ---- udp-echo: datagrams, no connections ----------------------------------------------------

	const MAX_DATAGRAM = 8192;
	const TOO_LARGE = Buffer.from(`error: datagram larger than ${MAX_DATAGRAM} bytes`);
	const udpReply = (datagram: Buffer) => (datagram.length > MAX_DATAGRAM ? TOO_LARGE : datagram);

	for (const program of servers) {
		const name = `udp-echo server (${program.label})`;
		it(name, { timeout: 60_000 }, async (t) => {
			t.diagnostic(`FUZZ_SEED=${SEED}`);
			const server = await start('udp-echo', program, []);
			try {
				const memory = sampleMemory(server, fuzzMemoryLimit(program.language));
				const output = watchOutputLines(server);
				const problems: string[] = [];
				const stopped = () => problems.length > 0;
				const deadline = Date.now() + FUZZ_MS;
				let exchanges = 0;

				const wellFormed = async (client: number, seq: number) => {
					const random = derivedRandom(SEED, name, 'client', client, seq);
					const datagrams = Array.from({ length: 1 + int(random, 3) }, (_, i) =>
						Buffer.concat([Buffer.from(`c${client}-${seq}.${i} `), randomBytes(random, skewedSize(random, MAX_DATAGRAM - 20))])
					);
					const result = await udpExchange(server.port, datagrams, { timeoutMs: 1000, retries: 2 });
					for (const [i, reply] of result.replies.entries()) {
						const wrong = reply === undefined ? 'no reply after 3 tries' : !reply.equals(datagrams[i]!) && `got back ${show(reply)}`;
						if (wrong) problems.push(`well-formed client ${client}, exchange ${seq}, datagram ${i} (${show(datagrams[i]!)}): ${wrong}`);
					}
					exchanges++;
				};

				const usedPorts = new Set<number>();
				const fuzzing = loopUntil({ deadline, limit: MAX_CASES, concurrency: FUZZ_CONCURRENCY, stopped }, async (index) => {
					const random = derivedRandom(SEED, name, 'case', index);
					const size = () => pick(random, [0, 1, 2, MAX_DATAGRAM - 1, MAX_DATAGRAM, MAX_DATAGRAM + 1, 65_507, skewedSize(random, MAX_DATAGRAM), skewedSize(random, 65_507)]);
					const datagrams = Array.from({ length: 1 + int(random, 3) }, () =>
						chance(random, 0.5) ? randomBytes(random, size()) : Buffer.concat([Buffer.from(randomText(random, 50)), Buffer.from([0x00, 0x0d, 0x0a, 0xff, 0xc3])])
					);
					const waitForReplies = chance(random, 0.7);
					const what = `case #${index} (${datagrams.length} datagrams of ${datagrams.map((d) => d.length).join(', ')} bytes${waitForReplies ? '' : ', socket closed at once'}): first ${show(datagrams[0]!)}`;
					// A port no earlier case had: the OS may hand a just-closed port out again, and a late
					// reply to the earlier case would then look like a wrong answer to this one.
					let socket = dgram.createSocket('udp4');
					for (let tries = 0; ; tries++) {
						await new Promise<void>((bound) => socket.bind(0, '127.0.0.1', bound));
						if (!usedPorts.has(socket.address().port) || tries === 20) break;
						socket.close();
						socket = dgram.createSocket('udp4');
					}
					usedPorts.add(socket.address().port);
					socket.on('error', () => {});
					const replies: Buffer[] = [];
					socket.on('message', (message, from) => {
						if (from.port === server.port) replies.push(message);
					});
					try {
						for (const datagram of datagrams) await new Promise<void>((sent) => socket.send(datagram, server.port, '127.0.0.1', () => sent()));
						if (waitForReplies) {
							for (let waited = 0; waited < 300 && replies.length < datagrams.length; waited += 10) await sleep(10);
						}
					} finally {
						socket.close();
					}
					// A reply may be lost (UDP), but one that came must be the echo (or the size error) of a datagram sent.
					const allowed = datagrams.map(udpReply);
					for (const reply of replies) {
						if (!allowed.some((ok) => ok.equals(reply))) problems.push(`${what}\n    got a reply that answers none of them: ${show(reply)}`);
					}
					if (replies.length > datagrams.length) problems.push(`${what}\n    ${replies.length} replies to ${datagrams.length} datagrams`);
				});
				const clients = Array.from({ length: WELL_FORMED_CLIENTS }, (_, client) =>
					besideFuzzing(fuzzing, { deadline, stopped, pauseMs: WELL_FORMED_PAUSE_MS }, (seq) => wellFormed(client, seq))
				);
				const [cases] = await Promise.all([fuzzing, ...clients]);

				await checkAfterwards(server, memory, output, problems);
				if (server.alive()) await wellFormed(WELL_FORMED_CLIENTS, 0);
				t.diagnostic(`${cases} fuzz cases, ${exchanges} well-formed exchanges, ${memory.growth()}`);
				assert.ok(exchanges >= WELL_FORMED_CLIENTS, failure(name, [...problems, `only ${exchanges} well-formed exchanges ran`]));
				if (problems.length > 0) assert.fail(failure(name, problems));
			} finally {
				await stopServer(server);
			}
		});
	}
});
