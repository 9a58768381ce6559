import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import net from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { examplesDir, startExampleServer, type ExampleServer } from './support/example-process.ts';
import { describeExercises, type ExerciseMistake } from './support/exercises.ts';
import { watchMemory } from './support/memory.ts';
import { assertStartPrints } from './support/npm-start.ts';
import { randomBytes, seededRandom } from './support/random.ts';
import { splitRandomly, tcpExchange, vanishMidMessage } from './support/tcp-client.ts';
import { twins } from './support/twins.ts';

const run = promisify(execFile);

const MAX_FRAME = 1024 * 1024;

/** 4-byte big-endian length, then the payload. */
function frame(payload: Buffer): Buffer {
	const header = Buffer.alloc(4);
	header.writeUInt32BE(payload.length);
	return Buffer.concat([header, payload]);
}
const tooBig = (length: number) => frame(Buffer.from(`error: frame of ${length} bytes is over the ${MAX_FRAME}-byte limit`, 'ascii'));
const atLeast = (bytes: number) => (received: Buffer) => received.length >= bytes;

for (const language of ['node', 'python'] as const) {
	it(`tcp-framing (${language}): the start command exits 0 and prints the three labelled cases`, async () => {
		const output = await assertStartPrints('tcp-framing', language, [
			/^server: listening on 127\.0\.0\.1:\d+$/,
			/^client: connected to 127\.0\.0\.1:\d+ from local port \d+$/,
			/^client: \(a\) three small frames, written with three write\(\) calls back to back$/,
			/^client: \(a\) wrote 9 bytes: a 4-byte header saying 5, then "hello"$/,
			/^client: \(a\) reply 1: 5 bytes "hello"$/,
			/^client: \(a\) reply 3: 20 bytes "keeps messages apart"$/,
			/^client: \(a\) the 3 replies came in [123] reads?$/,
			/^client: \(b\) one frame of 200000 bytes, written with one write\(\)$/,
			/^client: \(b\) reply: 200000 bytes, the same bytes as sent, put together from \d+ reads?$/,
			/^client: \(c\) wrote 2 bytes \(half of the header\), now waiting 300 ms$/,
			/^client: \(c\) reply: 17 bytes "sent in two parts"$/,
			/^client: done, closing$/,
			/^server: stopping$/,
		]);
		const server = output.split('\n').filter((line) => line.startsWith('server: '));
		// (b): 200,004 bytes never fit in one read (Node reads at most 64 KiB at a time, and so
		// does the Python server: recv(65536)).
		const readsForB = server.slice(
			server.indexOf('server: frame #3 complete: 20 bytes'),
			server.indexOf('server: frame #4 complete: 200000 bytes')
		);
		assert.ok(readsForB.filter((line) => / in one chunk$/.test(line)).length >= 4, `server reads for (b):\n${readsForB.join('\n')}`);
		// (c): the server read the 2 header bytes on their own and completed the frame later.
		assert.ok(server.includes('server: read 2 bytes in one chunk'));
		assert.ok(server.includes('server: frame #5 complete: 17 bytes'));
	});
}

for (const impl of twins('server.js', 'python/server.py')) {
	describe(`tcp-framing server (${impl.label})`, () => {
		let server: ExampleServer;
		before(async () => {
			server = await startExampleServer('tcp-framing', impl.file, [], { command: impl.command });
		});
		after(async () => {
			await server.stop();
		});

		it('gives each of 200 concurrent clients exactly its own frames back, split at random points across writes', async () => {
			const random = seededRandom(200);
			const clients = Array.from({ length: 200 }, () => {
				const sizes = Array.from({ length: 20 }, () => (random() < 0.1 ? 0 : Math.floor(random() ** 3 * 20_000)));
				const sent = Buffer.concat(sizes.map((size) => frame(randomBytes(random, size))));
				return { sent, chunks: splitRandomly(sent, random, 30) };
			});
			const results = await Promise.all(
				clients.map((c) => tcpExchange(server.port, c.chunks, { done: atLeast(c.sent.length), timeoutMs: 20_000 }))
			);
			for (const [id, result] of results.entries()) {
				assert.equal(result.ended, 'done', `client ${id}`);
				assert.ok(result.received.equals(clients[id]!.sent), `client ${id} got back different bytes`);
			}
		});

		it('completes frames sent one byte per write, with pauses, and an empty frame', async () => {
			const sent = Buffer.concat([frame(Buffer.from('one byte at a time')), frame(Buffer.alloc(0))]);
			const readsBefore = server.output.filter((line) => line === 'server: read 1 byte in one chunk').length;
			const received = await new Promise<Buffer>((resolve, reject) => {
				const parts: Buffer[] = [];
				const socket = net.connect(server.port, '127.0.0.1', async () => {
					socket.setNoDelay(true); // send every byte at once, in its own segment
					for (const byte of sent) {
						socket.write(Buffer.from([byte]));
						await sleep(3);
					}
				});
				socket.on('data', (chunk) => {
					parts.push(chunk);
					if (Buffer.concat(parts).length >= sent.length) {
						socket.destroy();
						resolve(Buffer.concat(parts));
					}
				});
				socket.on('error', reject);
				setTimeout(() => reject(new Error(`only got ${Buffer.concat(parts).length} bytes`)), 10_000).unref();
			});
			assert.ok(received.equals(sent));
			const oneByteReads = server.output.filter((line) => line === 'server: read 1 byte in one chunk').length - readsBefore;
			assert.ok(oneByteReads >= 10, `only ${oneByteReads} reads of 1 byte`);
		});

		it('accepts a frame of exactly 1 MiB and refuses 1 MiB + 1 from its header alone', async () => {
			const limit = frame(Buffer.alloc(MAX_FRAME, 0x5a));
			const ok = await tcpExchange(server.port, [limit], { done: atLeast(limit.length), timeoutMs: 15_000 });
			assert.ok(ok.received.equals(limit));
			const header = Buffer.alloc(4);
			header.writeUInt32BE(MAX_FRAME + 1);
			const refused = await tcpExchange(server.port, [header]); // no payload at all: the header is enough
			assert.ok(refused.received.equals(tooBig(MAX_FRAME + 1)), refused.received.toString());
			assert.equal(refused.ended, 'closed');
		});

		it('answers garbage whose first 4 bytes are a huge length with the error frame, then closes', async () => {
			const garbage = randomBytes(seededRandom(7), 64 * 1024);
			garbage.writeUInt32BE(0xfedcba98, 0);
			const result = await tcpExchange(server.port, splitRandomly(garbage, seededRandom(8), 10));
			assert.ok(result.received.equals(tooBig(0xfedcba98)), result.received.toString());
			assert.notEqual(result.ended, 'timeout');
			const all = Buffer.alloc(8, 0xff); // the largest length there is
			const largest = await tcpExchange(server.port, [all]);
			assert.ok(largest.received.equals(tooBig(4294967295)));
			assert.ok(server.alive());
		});

		it('echoes the frames before an oversized one, then sends the error frame', async () => {
			const header = Buffer.alloc(4);
			header.writeUInt32BE(5_000_000);
			const good = Buffer.concat([frame(Buffer.from('first')), frame(Buffer.from('second'))]);
			const result = await tcpExchange(server.port, [Buffer.concat([good, header, Buffer.from('payload never read')])]);
			assert.ok(result.received.equals(Buffer.concat([good, tooBig(5_000_000)])), result.received.toString());
		});

		it('refuses an 8 MiB frame without buffering it, discards the flood, closes, and keeps serving', async () => {
			const memory = watchMemory(server);
			const header = Buffer.alloc(4);
			header.writeUInt32BE(8 * 1024 * 1024);
			// Keep sending all 8 MiB even after the server has closed its side (allowHalfOpen), so the
			// server really has to read and drop them.
			const { received, written } = await new Promise<{ received: Buffer; written: number }>((resolve, reject) => {
				const parts: Buffer[] = [];
				const socket = net.connect({ port: server.port, host: '127.0.0.1', allowHalfOpen: true }, async () => {
					socket.write(header);
					for (let i = 0; i < 32; i++) {
						if (!socket.write(Buffer.alloc(256 * 1024, 0x61))) await new Promise((r) => socket.once('drain', r));
					}
					socket.end();
				});
				socket.on('data', (chunk) => parts.push(chunk));
				socket.on('error', () => {}); // the server may drop the connection while we still send
				socket.on('close', () => resolve({ received: Buffer.concat(parts), written: socket.bytesWritten }));
				setTimeout(() => reject(new Error('the server did not close the connection')), 15_000).unref();
			});
			assert.ok(received.equals(tooBig(8 * 1024 * 1024)), received.toString());
			assert.ok(written > 4 * 1024 * 1024, `only ${written} bytes went out`);
			memory.assertBounded();
			const hello = frame(Buffer.from('still here'));
			const check = await tcpExchange(server.port, [hello], { done: atLeast(hello.length) });
			assert.ok(check.received.equals(hello));
		});

		it('keeps serving others when clients vanish mid-frame or close their side mid-frame', async () => {
			const partial = frame(Buffer.alloc(100, 0x62)).subarray(0, 30);
			const vanishing = Array.from({ length: 50 }, () => vanishMidMessage(server.port, partial));
			const halfClosed = tcpExchange(server.port, [partial], { endAfterSending: true });
			const steady = Array.from({ length: 20 }, (_, i) => {
				const sent = frame(Buffer.from(`steady ${i}`));
				return tcpExchange(server.port, splitRandomly(sent, seededRandom(i), 4), { done: atLeast(sent.length) });
			});
			await Promise.all(vanishing);
			for (const [i, result] of (await Promise.all(steady)).entries()) {
				assert.ok(result.received.equals(frame(Buffer.from(`steady ${i}`))), `steady ${i}`);
			}
			const ended = await halfClosed;
			assert.equal(ended.ended, 'closed');
			assert.equal(ended.received.length, 0, 'an unfinished frame gets no reply');
			const hello = frame(Buffer.from('after'));
			const later = await tcpExchange(server.port, [hello], { done: atLeast(hello.length) });
			assert.ok(later.received.equals(hello));
			assert.ok(server.alive());
		});

		it('says clearly when its port is taken', async () => {
			const second = startExampleServer('tcp-framing', impl.file, ['--port', String(server.port)], { command: impl.command });
			await assert.rejects(second, /already in use/);
		});
	});
}

describe('tcp-framing interop: each client against the other language’s server', () => {
	const servers = twins('server.js', 'python/server.py');
	const clients = twins('client.js', 'python/client.py');
	for (const server of servers) {
		for (const client of clients.filter((c) => c.language !== server.language)) {
			it(`${client.label} client → ${server.label} server`, async () => {
				const running = await startExampleServer('tcp-framing', server.file, [], { command: server.command });
				try {
					const { stdout } = await run(client.command, [client.file, '--port', String(running.port)], {
						cwd: join(examplesDir, 'tcp-framing'),
						timeout: 20_000,
					});
					assert.match(stdout, /^client: \(a\) reply 1: 5 bytes "hello"$/m);
					assert.match(stdout, /^client: \(a\) reply 2: 7 bytes "framing"$/m);
					assert.match(stdout, /^client: \(a\) reply 3: 20 bytes "keeps messages apart"$/m);
					assert.match(stdout, /^client: \(b\) reply: 200000 bytes, the same bytes as sent, put together from \d+ reads?$/m);
					assert.match(stdout, /^client: \(c\) reply: 17 bytes "sent in two parts"$/m);
					assert.match(stdout, /^client: done, closing$/m);
				} finally {
					await running.stop();
				}
			});
		}
	}
});

/** Plausible mistakes, each made in the reference solution by a few edits: the check must reject every one. */
const mistakes: ExerciseMistake[] = [
	{
		exercise: 'typed-frames',
		language: 'node',
		what: 'reads the 5-byte header once 4 bytes are there',
		file: 'server.js',
		edits: [['while (pending.length >= HEADER_BYTES) {', 'while (pending.length >= 4) {']],
	},
	{
		exercise: 'typed-frames',
		language: 'node',
		what: 'answers a PING with a PING',
		file: 'server.js',
		edits: [['frame(type === PING ? PONG : DATA, payload)', 'frame(type, payload)']],
	},
	{
		exercise: 'typed-frames',
		language: 'python',
		what: 'reads the 5-byte header once 4 bytes are there',
		file: 'python/server.py',
		edits: [['while len(pending) >= HEADER_BYTES:', 'while len(pending) >= 4:']],
	},
	{
		exercise: 'typed-frames',
		language: 'python',
		what: 'takes the payload from byte 4, as with the old header',
		file: 'python/server.py',
		edits: [['payload = pending[HEADER_BYTES : HEADER_BYTES + length]', 'payload = pending[4 : 4 + length]']],
	},
	{
		exercise: 'typed-frames',
		language: 'python',
		what: 'refuses an unknown type with a DATA frame, not an ERROR frame',
		file: 'python/server.py',
		edits: [['frame(ERROR, f"error: unknown frame type', 'frame(DATA, f"error: unknown frame type']],
	},
	{
		exercise: 'reply-size-limit',
		language: 'node',
		what: 'checks the length only once the whole frame has arrived',
		file: 'client.js',
		edits: [
			["\t\t\tif (length > MAX_FRAME_BYTES) throw new Error(`a reply announces ${length} bytes, over the ${MAX_FRAME_BYTES}-byte limit`);\n", ''],
			[
				'// the rest of this frame has not arrived yet\n',
				'// the rest of this frame has not arrived yet\n\t\t\tif (length > MAX_FRAME_BYTES) throw new Error(`a reply announces ${length} bytes, over the ${MAX_FRAME_BYTES}-byte limit`);\n',
			],
		],
	},
	{
		exercise: 'reply-size-limit',
		language: 'node',
		what: 'refuses a reply of exactly 1 MiB',
		file: 'client.js',
		edits: [['if (length > MAX_FRAME_BYTES) throw', 'if (length >= MAX_FRAME_BYTES) throw']],
	},
	{
		exercise: 'reply-size-limit',
		language: 'python',
		what: 'refuses a reply of exactly 1 MiB',
		file: 'python/client.py',
		edits: [['if length > MAX_FRAME_BYTES:', 'if length >= MAX_FRAME_BYTES:']],
	},
	{
		exercise: 'reply-size-limit',
		language: 'python',
		what: 'prints the refusal but goes on waiting for the payload',
		file: 'python/client.py',
		edits: [['print(f"client: {error}; closing", file=sys.stderr)\n                sys.exit(1)', 'print(f"client: {error}; closing", file=sys.stderr)\n                continue']],
	},
];

describeExercises('tcp-framing', mistakes);
