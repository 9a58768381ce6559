import net from 'node:net';
import tls from 'node:tls';
import { wireTap } from '../../../src/lib/conversation/record-node-tls.ts';
import type { ExampleServer } from './example-process.ts';
import { MEMORY_GROWTH_LIMIT } from './memory.ts';
import { randomBytes, seededRandom } from './random.ts';
import { splitRandomly } from './tcp-client.ts';
import type { Language } from './twins.ts';

/**
 * Seeded, bounded fuzzing of the example servers. One seed (FUZZ_SEED, default below) drives
 * every choice: fuzz case number i of a server is generated from (seed, server label, i)
 * alone, so it is the same bytes, split and ending on every run, whatever the timing.
 */
export const DEFAULT_FUZZ_SEED = 20_251_125;

/** The seed from FUZZ_SEED (decimal or 0x hex), else {@link DEFAULT_FUZZ_SEED}. */
export function fuzzSeed(): number {
	const text = process.env.FUZZ_SEED?.trim();
	if (!text) return DEFAULT_FUZZ_SEED;
	const seed = Number(text);
	if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`FUZZ_SEED must be a whole number, not ${JSON.stringify(text)}`);
	return seed >>> 0;
}

/** A PRNG for one purpose: the seed, mixed with names and numbers (FNV-1a), so streams do not overlap. */
export function derivedRandom(seed: number, ...parts: (string | number)[]): () => number {
	let hash = 0x811c9dc5 ^ seed;
	for (const byte of Buffer.from(parts.join('/'))) hash = Math.imul(hash ^ byte, 0x01000193);
	return seededRandom(hash >>> 0);
}

export const int = (random: () => number, below: number) => Math.floor(random() * below);
export const pick = <T>(random: () => number, items: readonly T[]): T => items[int(random, items.length)]!;
export const chance = (random: () => number, p: number) => random() < p;

/** Text for well-formed messages: ASCII, spaces, punctuation, 2-, 3- and 4-byte UTF-8; never a control character. */
const ALPHABET = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?-_/()=+*#'.split(''), 'é', 'ü', '✓', '漢', '😀'];
export function randomText(random: () => number, maxLength: number): string {
	return Array.from({ length: int(random, maxLength + 1) }, () => pick(random, ALPHABET)).join('');
}

/** A size from 0 to `max`, mostly small. */
export const skewedSize = (random: () => number, max: number) => Math.floor(random() ** 3 * (max + 1));

/** Bytes that break parsers: line ends, NUL, invalid and odd UTF-8, JSON and HTTP syntax. */
const TOKENS: Buffer[] = [
	'\n', '\r', '\r\n', '\n\n', '\0', ' ', '\t', '\x1b', '\x7f', '"', '\\', '{', '}', '[', ']', ':', ',', '\u2028', '\ufeff',
	'9'.repeat(40), '-0', '1e400', 'null', 'true', '"\\ud800"', '\r\n\r\n', ': ', 'é',
].map((token) => Buffer.from(token));
TOKENS.push(
	...[[0xff], [0xfe], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf4, 0x90, 0x80, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80]].map((bytes) =>
		Buffer.from(bytes)
	)
);

type Mutation = (random: () => number, bytes: Buffer, tokens: Buffer[]) => Buffer;

const at = (random: () => number, bytes: Buffer) => int(random, bytes.length + 1);
const MUTATIONS: Record<string, Mutation> = {
	flip(random, bytes) {
		const out = Buffer.from(bytes);
		for (let n = 1 + int(random, 8); n > 0 && out.length > 0; n--) {
			const i = int(random, out.length);
			out[i] = out[i]! ^ (1 << int(random, 8));
		}
		return out;
	},
	byte(random, bytes) {
		const out = Buffer.from(bytes);
		if (out.length > 0) out[int(random, out.length)] = int(random, 256);
		return out;
	},
	truncate: (random, bytes) => bytes.subarray(0, at(random, bytes)),
	behead: (random, bytes) => bytes.subarray(at(random, bytes)),
	duplicate(random, bytes) {
		const from = at(random, bytes);
		const slice = bytes.subarray(from, from + 1 + int(random, 200));
		const to = at(random, bytes);
		return Buffer.concat([bytes.subarray(0, to), slice, slice.length < 16 && chance(random, 0.5) ? Buffer.concat(Array(20).fill(slice)) : slice, bytes.subarray(to)]);
	},
	delete(random, bytes) {
		const from = at(random, bytes);
		return Buffer.concat([bytes.subarray(0, from), bytes.subarray(from + 1 + int(random, 64))]);
	},
	token(random, bytes, tokens) {
		const to = at(random, bytes);
		const token = pick(random, tokens);
		return Buffer.concat([bytes.subarray(0, to), chance(random, 0.2) ? Buffer.concat(Array(2 + int(random, 40)).fill(token)) : token, bytes.subarray(to)]);
	},
	lineEnds(random, bytes) {
		const replacement = pick(random, [Buffer.from('\r\n'), Buffer.from('\r'), Buffer.alloc(0), Buffer.from('\n\r'), Buffer.from(' ')]);
		const parts: Buffer[] = [];
		let start = 0;
		for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, start)) {
			parts.push(bytes.subarray(start, i), chance(random, 0.7) ? replacement : Buffer.from('\n'));
			start = i + 1;
		}
		parts.push(bytes.subarray(start));
		return Buffer.concat(parts);
	},
	tail: (random, bytes) => Buffer.concat([bytes, randomBytes(random, int(random, 256))]),
	head: (random, bytes) => Buffer.concat([randomBytes(random, int(random, 64)), bytes]),
	nest(random, bytes) {
		const depth = 1 + skewedSize(random, 3000);
		const to = at(random, bytes);
		return Buffer.concat([bytes.subarray(0, to), Buffer.from('['.repeat(depth) + (chance(random, 0.5) ? ']'.repeat(depth) : '')), bytes.subarray(to)]);
	},
};

/** How a fuzz connection ends: FIN after sending, left open a while, RST after sending, RST half way, or RST before sending. */
export type Ending = 'end' | 'hold' | 'reset' | 'reset-mid' | 'vanish';

export interface FuzzCase {
	/** Its number on this server: generated from (seed, server, index) alone. */
	index: number;
	/** What was done to make it, e.g. "mutated: flip+token". */
	kind: string;
	bytes: Buffer;
	/** The bytes as written, one write each. */
	chunks: Buffer[];
	ending: Ending;
	/** For 'reset-mid': how many chunks are written before the reset. */
	cutAfter: number;
	/** For 'hold': how long the connection stays open after sending. */
	holdMs: number;
}

/** The fuzz-relevant part of a protocol: valid messages to start from and the deliberately oversized inputs. */
export interface FuzzGrammar {
	/** One valid message (or a few), as sent on the wire. */
	valid(random: () => number): Buffer;
	/** An input near or over the protocol's size limit (exempt from the usual size cap). */
	oversize(random: () => number): Buffer;
	/** More tokens worth inserting, for this protocol. */
	tokens?: string[];
}

/** Inputs are at most this long, except the deliberate oversize cases. */
export const MAX_FUZZ_BYTES = 64 * 1024;
/** At most this many oversize cases per server (each is about 1 MiB or more). */
export const MAX_OVERSIZE_CASES = 12;

/** Generates fuzz case `index` for one server. Deterministic in (seed, label, index). */
export function makeFuzzCase(seed: number, label: string, index: number, grammar: FuzzGrammar, allowOversize: boolean): FuzzCase {
	const random = derivedRandom(seed, label, 'case', index);
	const tokens = [...TOKENS, ...(grammar.tokens ?? []).map((token) => Buffer.from(token))];
	const roll = random();
	let kind: string;
	let bytes: Buffer;
	if (roll < 0.15) {
		kind = 'random bytes';
		bytes = randomBytes(random, skewedSize(random, 8192));
	} else if (roll < 0.27) {
		kind = 'valid burst';
		bytes = Buffer.concat(Array.from({ length: 1 + int(random, 20) }, () => grammar.valid(random)));
	} else if (roll < 0.35 && allowOversize) {
		kind = 'oversize';
		bytes = grammar.oversize(random);
	} else {
		const base = Buffer.concat(Array.from({ length: 1 + int(random, 4) }, () => grammar.valid(random)));
		const names = Array.from({ length: 1 + int(random, 4) }, () => pick(random, Object.keys(MUTATIONS)));
		kind = `mutated: ${names.join('+')}`;
		bytes = names.reduce<Buffer>((current, name) => MUTATIONS[name]!(random, current, tokens), base);
	}
	if (kind !== 'oversize' && bytes.length > MAX_FUZZ_BYTES) bytes = bytes.subarray(0, MAX_FUZZ_BYTES);

	const split = random();
	const chunks =
		split < 0.15 ? [bytes] : split < 0.3 && bytes.length <= 200 ? [...bytes].map((byte) => Buffer.from([byte])) : splitRandomly(bytes, random, 12);
	const endingRoll = random();
	const ending: Ending = endingRoll < 0.4 ? 'end' : endingRoll < 0.6 ? 'hold' : endingRoll < 0.8 ? 'reset' : endingRoll < 0.95 ? 'reset-mid' : 'vanish';
	return { index, kind, bytes, chunks, ending, cutAfter: int(random, chunks.length), holdMs: 20 + int(random, 180) };
}

/** What a fuzz connection got back. */
export interface FuzzResult {
	/** The bytes actually written before the connection ended (all of them unless reset or failed early). */
	sent: Buffer;
	received: Buffer;
	/** True if we closed our sending side normally (FIN) after sending everything. */
	clientEnded: boolean;
	ended: string;
}

/**
 * Runs one fuzz case on a new connection (a TLS one, given `tls`, the case's bytes sent once its
 * handshake is done). Every path ends within `timeoutMs` (the 'hold' ending sooner); the socket
 * is always destroyed. Never rejects.
 */
export function fuzzConnection(port: number, fuzz: FuzzCase, { timeoutMs = 800, tls: tlsOptions }: { timeoutMs?: number; tls?: tls.ConnectionOptions } = {}): Promise<FuzzResult> {
	return new Promise((resolve) => {
		const parts: Buffer[] = [];
		let receivedBytes = 0;
		const written: Buffer[] = [];
		let clientEnded = false;
		let settled = false;
		const tcp = net.connect(port, '127.0.0.1');
		// TLS runs over a stream on this TCP socket, which is the one to reset: a TLS socket cannot
		// send a RST, and resetting the TCP socket under Node's native TLS crashes Node.
		const socket = tlsOptions ? tls.connect({ ...tlsOptions, socket: wireTap(tcp) }) : tcp;
		const finish = (ended: string) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			socket.destroy();
			resolve({ sent: Buffer.concat(written), received: Buffer.concat(parts), clientEnded, ended });
		};
		const timer = setTimeout(() => finish('timeout'), fuzz.ending === 'hold' ? fuzz.holdMs : timeoutMs);
		const reset = () => {
			if (settled) return;
			tcp.resetAndDestroy();
			finish('reset');
		};
		socket.on('data', (chunk: Buffer) => {
			receivedBytes += chunk.length;
			if (receivedBytes <= 8 * 1024 * 1024) parts.push(chunk); // a bound, should a server echo endlessly
		});
		socket.on('error', (error: NodeJS.ErrnoException) => finish(`error:${error.code ?? error.message}`));
		socket.on('close', () => finish('closed'));
		socket.on(tlsOptions ? 'secureConnect' : 'connect', async () => {
			if (fuzz.ending === 'vanish') return reset();
			const chunks = fuzz.ending === 'reset-mid' ? fuzz.chunks.slice(0, fuzz.cutAfter) : fuzz.chunks;
			for (const chunk of chunks) {
				if (settled) return;
				written.push(chunk);
				if (!socket.write(chunk)) {
					await new Promise<void>((drained) => {
						socket.once('drain', drained);
						socket.once('close', drained);
					});
				}
			}
			if (settled) return;
			if (fuzz.ending === 'end') {
				clientEnded = true;
				socket.end();
			} else if (fuzz.ending === 'reset' || fuzz.ending === 'reset-mid') {
				// Once the bytes are on their way (written to the kernel), abort.
				socket.write(Buffer.alloc(0), () => setImmediate(reset));
			}
		});
	});
}

/** The first bytes of an input in hex, to name it in a failure message. */
export function hexPrefix(bytes: Buffer, length = 64): string {
	return `${bytes.length} bytes, hex ${bytes.subarray(0, length).toString('hex')}${bytes.length > length ? '…' : ''}`;
}

/** A fuzz case, described so that it can be found again and replayed. */
export function describeCase(fuzz: FuzzCase): string {
	const sizes = fuzz.chunks.length > 12 ? `${fuzz.chunks.length} writes` : `writes of ${fuzz.chunks.map((chunk) => chunk.length).join('+')} bytes`;
	const ending = fuzz.ending === 'reset-mid' ? `reset after ${fuzz.cutAfter} writes` : fuzz.ending === 'hold' ? `held open ${fuzz.holdMs} ms` : fuzz.ending;
	return `case #${fuzz.index} (${fuzz.kind}; ${sizes}; ${ending}): ${hexPrefix(fuzz.bytes)}`;
}

/** Lines a server prints only when it has a bug: an uncaught exception, a thread that died, a task that failed. */
const BUG_IN_OUTPUT =
	/Traceback \(most recent call last\)|Exception in thread|Task exception was never retrieved|Exception in callback|Exception occurred during processing|^[\w -]+: unexpected |failed: [A-Z]\w*(?:Error|Exception)\(|Uncaught|UnhandledPromiseRejection|ERR_INTERNAL_ASSERTION/;

/** The lines of the server's output that show a bug, if any. */
export function bugLines(server: Pick<ExampleServer, 'output'>): string[] {
	return server.output.filter((line) => BUG_IN_OUTPUT.test(line)).slice(0, 10);
}

/**
 * Collects what the server writes to stdout from now on, as raw bytes (so that only "\n" ends
 * a line), and `check()` lists lines that are not whole: empty, not starting with the label
 * of its first line ("server: ", "peer P: "), or holding a second label, as when two threads
 * print at once and their lines run into each other.
 */
export function watchOutputLines(server: Pick<ExampleServer, 'child' | 'output'>): { check(): string[] } {
	const label = /^[^:]+: /.exec(server.output[0] ?? '')?.[0] ?? 'server: ';
	const chunks: Buffer[] = [];
	server.child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
	return {
		check() {
			const lines = Buffer.concat(chunks).toString('utf8').split('\n').slice(0, -1);
			return lines
				.filter((line) => !line.startsWith(label) || line.includes(label, 1))
				.slice(0, 5)
				.map((line) => `the server printed a line that is not one whole labelled line: ${JSON.stringify(line.slice(0, 300))}`);
		},
	};
}

/** Stops the server; if SIGTERM does not end it within 5 s, SIGKILL. */
export async function stopServer(server: ExampleServer): Promise<void> {
	if (!server.alive()) return;
	let timer: NodeJS.Timeout | undefined;
	const killed = new Promise<void>((resolve) => {
		timer = setTimeout(() => {
			server.child.kill('SIGKILL');
			resolve();
		}, 5000);
	});
	await Promise.race([server.stop().then(() => undefined), killed]);
	clearTimeout(timer);
}

/**
 * Runs `work(index)` in `concurrency` loops until `deadline` or `limit` calls have started,
 * or `stopped()` turns true. Indices are handed out in order, from 0.
 */
export async function loopUntil(
	{ deadline, limit, concurrency, stopped }: { deadline: number; limit: number; concurrency: number; stopped: () => boolean },
	work: (index: number) => Promise<void>
): Promise<number> {
	let next = 0;
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (Date.now() < deadline && next < limit && !stopped()) await work(next++);
		})
	);
	return next;
}

/**
 * One well-formed client beside the fuzz connections: runs `exchange(seq)` over and over while
 * `fuzzing` lasts (each client at least once), until `deadline` or `stopped()` turns true.
 */
export async function besideFuzzing(
	fuzzing: Promise<unknown>,
	{ deadline, stopped, pauseMs }: { deadline: number; stopped: () => boolean; pauseMs: number },
	exchange: (seq: number) => Promise<void>
): Promise<void> {
	let fuzzed = false;
	const done = () => {
		fuzzed = true;
	};
	fuzzing.then(done, done);
	for (let seq = 0; Date.now() < deadline && !stopped() && (seq === 0 || !fuzzed); seq++) {
		await exchange(seq);
		await new Promise((resolve) => setTimeout(resolve, pauseMs));
	}
}

/**
 * How much a fuzzed server's memory may grow. Node frees a Buffer's memory only when V8
 * collects garbage, which it does for Buffers once about 64 MiB of them have piled up since
 * the last collection (V8's external memory limit); the servers join chunks with
 * Buffer.concat, so a 1 MiB line leaves about 12 MiB of garbage behind. Python frees memory
 * at once (reference counting), so it gets no such allowance.
 */
export function fuzzMemoryLimit(language: Language): number {
	return MEMORY_GROWTH_LIMIT + (language === 'node' ? 64 * 1024 * 1024 : 0);
}

/**
 * Watches the server's resident memory while it is fuzzed: samples it every 50 ms from now
 * on, and `check()` returns a problem if it ever grew by `limit` or more (peak or final).
 */
export function sampleMemory(server: Pick<ExampleServer, 'rss'>, limit: number): { check(): string | undefined; growth(): string } {
	const before = server.rss();
	let peak = before ?? 0;
	const sample = () => {
		const now = server.rss();
		if (now !== undefined) peak = Math.max(peak, now);
	};
	const timer = setInterval(sample, 50).unref(); // never keeps the tests running
	const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
	return {
		check() {
			clearInterval(timer);
			sample();
			const after = server.rss();
			if (before === undefined || after === undefined) return undefined; // no /proc here
			if (peak - before >= limit) return `memory grew by ${mib(peak - before)} at its peak (limit ${mib(limit)}), ${mib(after - before)} at the end`;
			return undefined;
		},
		growth() {
			const after = server.rss();
			return before === undefined || after === undefined ? 'memory not measured' : `memory grew by ${mib(peak - before)} at its peak, ${mib(after - before)} at the end`;
		},
	};
}
