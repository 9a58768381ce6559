import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startExampleServer, type ExampleServer } from './support/example-process.ts';
import { assertNpmStartPrints } from './support/npm-start.ts';
import { randomBytes, seededRandom } from './support/random.ts';
import { splitRandomly, tcpExchange, vanishMidMessage, type Exchange } from './support/tcp-client.ts';

const MAX_LINE = 1024 * 1024;
const TOO_LONG = `error: request line longer than ${MAX_LINE} bytes\n`;
const NOT_UTF8 = 'error: request line is not valid UTF-8\n';

/** Sends `line` (bytes, "\n" included or not) and collects the answer until the server closes. */
const ask = (port: number, line: Buffer | string, timeoutMs = 10_000) =>
	tcpExchange(port, [Buffer.from(line)], { timeoutMs });

/** Connects and sends nothing yet: the test decides when this client sends its line. */
function holdConnection(port: number): Promise<{ send: (line: string) => Promise<Exchange> }> {
	return new Promise((resolve, reject) => {
		const parts: Buffer[] = [];
		const socket = net.connect(port, '127.0.0.1', () =>
			resolve({
				send: (line) =>
					new Promise((done) => {
						socket.on('close', () => done({ received: Buffer.concat(parts), ended: 'closed' }));
						socket.write(line);
					}),
			})
		);
		socket.on('data', (chunk) => parts.push(chunk));
		socket.on('error', reject);
	});
}

it('sync-vs-async: npm start exits 0, runs both servers and compares measured times', async () => {
	const output = await assertNpmStartPrints('sync-vs-async', [
		/^sequential server: listening on 127\.0\.0\.1:\d+$/,
		/^concurrent server: listening on 127\.0\.0\.1:\d+$/,
		/^launch: 5 clients against the sequential server$/,
		/^client: opening 5 connections to 127\.0\.0\.1:\d+ at the same moment$/,
		/^sequential server: answered "request from client \d" after [\d.]+ s \([\d.]+ s waiting, then [\d.]+ s of work\)$/,
		/^client \d: answered after [\d.]+ s$/,
		/^client: 5 clients, first answer after [\d.]+ s, last after [\d.]+ s$/,
		/^launch: 5 clients against the concurrent server$/,
		/^concurrent server: answered "request from client \d" after [\d.]+ s/,
		/^client: 5 clients, first answer after [\d.]+ s, last after [\d.]+ s$/,
		/^launch: the concurrent server answered the last client [\d.]+x sooner \(after [\d.]+ s instead of [\d.]+ s\)$/,
		/^(sequential|concurrent) server: stopping$/,
	]);
	const lasts = [...output.matchAll(/^client: 5 clients, first answer after ([\d.]+) s, last after ([\d.]+) s$/gm)].map((m) => Number(m[2]));
	assert.equal(lasts.length, 2);
	const [sequentialLast, concurrentLast] = lasts as [number, number];
	// 5 requests of 200 ms one after another take at least 1 s; side by side, about 0.2 s.
	assert.ok(sequentialLast >= 0.99, `sequential: last answer after ${sequentialLast} s`);
	assert.ok(concurrentLast < 0.6, `concurrent: last answer after ${concurrentLast} s`);
	const ratio = /answered the last client ([\d.]+)x sooner/.exec(output)?.[1];
	assert.equal(ratio, (sequentialLast / concurrentLast).toFixed(1), 'the comparison is computed from the two measurements');
	assert.equal(output.match(/^client \d: answered after [\d.]+ s$/gm)?.length, 10);
});

describe('sync-vs-async concurrent server (Node), --delay-ms 20', () => {
	let server: ExampleServer;
	before(async () => {
		server = await startExampleServer('sync-vs-async', 'server.js', ['--mode', 'concurrent', '--delay-ms', '20']);
	});
	after(async () => {
		await server.stop();
	});

	it('answers 200 concurrent clients, each with "done: <its own line>", side by side', async () => {
		const random = seededRandom(200);
		const lines = Array.from({ length: 200 }, (_, id) => `client ${id} asks ${'?'.repeat(Math.floor(random() * 500))}`);
		const started = performance.now();
		const results = await Promise.all(
			lines.map((line) => tcpExchange(server.port, splitRandomly(Buffer.from(`${line}\n`), random, 4), { timeoutMs: 20_000 }))
		);
		const elapsed = performance.now() - started;
		for (const [id, result] of results.entries()) {
			assert.equal(result.ended, 'closed', `client ${id}`);
			assert.equal(result.received.toString(), `done: ${lines[id]}\n`, `client ${id}`);
		}
		// One at a time, 200 × 20 ms would take at least 4 s.
		assert.ok(elapsed < 2000, `200 requests of 20 ms took ${elapsed.toFixed(0)} ms`);
	});

	it('answers any valid UTF-8 text, control characters, \\r and the empty line included, byte for byte', async () => {
		for (const line of ['', ' ', 'tab\there', 'nul\0byte', 'ends with cr\r', 'Grüße, 你好, 🙂', '\u001b[31mred\u001b[0m', 'done: done:']) {
			const result = await ask(server.port, `${line}\n`);
			assert.equal(result.received.toString('utf8'), `done: ${line}\n`, JSON.stringify(line));
			assert.equal(result.ended, 'closed');
		}
	});

	it('answers only the first line and ignores what follows it', async () => {
		const result = await ask(server.port, 'first\nsecond\nthird');
		assert.equal(result.received.toString(), 'done: first\n');
	});

	it('refuses a line that is not UTF-8 with a clear error, at once, and closes', async () => {
		for (const bytes of [[0xff, 0x0a], [0x41, 0xc3, 0x28, 0x0a], [0xed, 0xa0, 0x80, 0x0a], [0xc0, 0xaf, 0x0a]]) {
			const result = await ask(server.port, Buffer.from(bytes));
			assert.equal(result.received.toString(), NOT_UTF8, Buffer.from(bytes).toString('hex'));
			assert.equal(result.ended, 'closed');
		}
		const garbage = Buffer.from(randomBytes(seededRandom(7), 4096).map((b) => (b === 0x0a ? 0x20 : b)));
		assert.ok(!Buffer.from(garbage.toString('utf8')).equals(garbage), 'seeded garbage is not UTF-8');
		const result = await tcpExchange(server.port, splitRandomly(Buffer.concat([garbage, Buffer.from('\n')]), seededRandom(8), 6));
		assert.equal(result.received.toString(), NOT_UTF8);
		assert.ok(server.alive());
	});

	it('gives no answer to a client that closes its side before its newline', async () => {
		const result = await tcpExchange(server.port, [Buffer.from('no newline')], { endAfterSending: true });
		assert.equal(result.ended, 'closed');
		assert.equal(result.received.length, 0);
	});

	it('accepts a line of exactly 1 MiB and refuses 1 MiB + 1 byte', async () => {
		const longest = 'a'.repeat(MAX_LINE);
		const ok = await ask(server.port, `${longest}\n`);
		assert.equal(ok.received.toString(), `done: ${longest}\n`);
		const tooLong = await ask(server.port, `${longest}a\n`);
		assert.equal(tooLong.received.toString(), TOO_LONG);
	});

	it('refuses an 8 MiB line with an error and closes, without buffering it, and keeps serving', async () => {
		const rssBefore = server.rss();
		const flood = Array.from({ length: 32 }, () => Buffer.alloc(256 * 1024, 0x61)); // 8 MiB, no newline
		const result = await tcpExchange(server.port, flood, { timeoutMs: 15_000 });
		assert.equal(result.received.toString(), TOO_LONG);
		assert.notEqual(result.ended, 'timeout');
		const rssAfter = server.rss();
		if (rssBefore !== undefined && rssAfter !== undefined) {
			assert.ok(rssAfter - rssBefore < 48 * 1024 * 1024, `server memory grew by ${(rssAfter - rssBefore) >> 20} MiB`);
		}
		assert.equal((await ask(server.port, 'still here\n')).received.toString(), 'done: still here\n');
	});

	it('keeps serving others when clients vanish mid-line or while their answer is being prepared', async () => {
		const vanishing = Array.from({ length: 50 }, (_, i) =>
			vanishMidMessage(server.port, Buffer.from(i % 2 === 0 ? `half a line ${i}` : `a whole line ${i}\n`))
		);
		const steady = Array.from({ length: 20 }, (_, i) => ask(server.port, `steady ${i}\n`));
		await Promise.all(vanishing);
		for (const [i, result] of (await Promise.all(steady)).entries()) assert.equal(result.received.toString(), `done: steady ${i}\n`);
		await sleep(100);
		assert.equal((await ask(server.port, 'after\n')).received.toString(), 'done: after\n');
		assert.ok(server.alive());
	});

	it('does not wait for a slow client before answering the others', async () => {
		const slow = await holdConnection(server.port);
		const others = await Promise.all(Array.from({ length: 10 }, (_, i) => ask(server.port, `other ${i}\n`, 3000)));
		for (const [i, result] of others.entries()) assert.equal(result.received.toString(), `done: other ${i}\n`);
		assert.equal((await slow.send('finally\n')).received.toString(), 'done: finally\n');
	});

	it('says clearly when its port is taken, and when an option is wrong', async () => {
		await assert.rejects(startExampleServer('sync-vs-async', 'server.js', ['--port', String(server.port)]), /already in use/);
		await assert.rejects(startExampleServer('sync-vs-async', 'server.js', ['--mode', 'parallel']), /--mode must be sequential or concurrent/);
	});
});

describe('sync-vs-async sequential server (Node)', () => {
	let server: ExampleServer;
	before(async () => {
		server = await startExampleServer('sync-vs-async', 'server.js', ['--mode', 'sequential', '--delay-ms', '1']);
	});
	after(async () => {
		await server.stop();
	});

	it('serves 50 concurrent clients one at a time (--delay-ms 1): all answered, the k-th no sooner than k ms', async () => {
		const started = performance.now();
		const times: number[] = [];
		const results = await Promise.all(
			Array.from({ length: 50 }, async (_, id) => {
				const result = await ask(server.port, `client ${id}\n`);
				times.push(performance.now() - started);
				return result;
			})
		);
		for (const [id, result] of results.entries()) assert.equal(result.received.toString(), `done: client ${id}\n`);
		// One after another, the k-th answer cannot come before k × 1 ms of work has been done.
		times.sort((a, b) => a - b);
		for (const [k, time] of times.entries()) assert.ok(time >= k + 1, `answer ${k + 1} after only ${time.toFixed(1)} ms`);
		assert.ok(times.at(-1)! >= 50);
	});

	it('answers nobody while the client whose turn it is has not sent its line', async () => {
		const first = await holdConnection(server.port);
		await sleep(100); // make sure the server has accepted it first: it is now its turn
		const answered: number[] = [];
		const waiting = Array.from({ length: 49 }, (_, i) =>
			ask(server.port, `waiting ${i}\n`).then((result) => {
				answered.push(i);
				return result;
			})
		);
		await sleep(300);
		assert.deepEqual(answered, [], 'the others were answered before the first client sent its line');
		assert.equal((await first.send('first\n')).received.toString(), 'done: first\n');
		for (const [i, result] of (await Promise.all(waiting)).entries()) assert.equal(result.received.toString(), `done: waiting ${i}\n`);
	});

	it('skips clients that vanished while waiting in the queue, and serves the rest', async () => {
		const first = await holdConnection(server.port);
		await sleep(100);
		await Promise.all(
			Array.from({ length: 20 }, (_, i) => vanishMidMessage(server.port, Buffer.from(i % 2 === 0 ? `half ${i}` : `whole ${i}\n`)))
		);
		const steady = Array.from({ length: 10 }, (_, i) => ask(server.port, `steady ${i}\n`));
		await sleep(100);
		assert.equal((await first.send('first\n')).received.toString(), 'done: first\n');
		for (const [i, result] of (await Promise.all(steady)).entries()) assert.equal(result.received.toString(), `done: steady ${i}\n`);
		await sleep(100); // the server's output can lag behind its answers
		assert.ok(server.output.some((line) => / left (without sending a whole request line, skipping it|before its answer was ready)$/.test(line)));
		assert.ok(server.alive());
	});

	it('refuses an 8 MiB line with an error, closes, keeps its memory bounded, and serves the next in line', async () => {
		const rssBefore = server.rss();
		const flood = Array.from({ length: 32 }, () => Buffer.alloc(256 * 1024, 0x62));
		const [result, next] = await Promise.all([
			tcpExchange(server.port, flood, { timeoutMs: 15_000 }),
			sleep(50).then(() => ask(server.port, 'next in line\n')),
		]);
		assert.equal(result.received.toString(), TOO_LONG);
		assert.equal(next.received.toString(), 'done: next in line\n');
		const rssAfter = server.rss();
		if (rssBefore !== undefined && rssAfter !== undefined) {
			assert.ok(rssAfter - rssBefore < 48 * 1024 * 1024, `server memory grew by ${(rssAfter - rssBefore) >> 20} MiB`);
		}
		assert.ok(server.alive());
	});
});
