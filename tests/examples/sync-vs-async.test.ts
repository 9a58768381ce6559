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
import { splitRandomly, tcpExchange, vanishMidMessage, type Exchange } from './support/tcp-client.ts';
import { twins, type Language, type Program } from './support/twins.ts';

const run = promisify(execFile);

const MAX_LINE = 1024 * 1024;
const TOO_LONG = `error: request line longer than ${MAX_LINE} bytes\n`;
const NOT_UTF8 = 'error: request line is not valid UTF-8\n';

/**
 * The modes each server has. The Node version has two; its Python twin has a third,
 * `threaded` (socketserver.ThreadingTCPServer), and runs it in its start command too.
 */
const MODES: Record<Language, string[]> = {
	node: ['sequential', 'concurrent'],
	python: ['sequential', 'threaded', 'concurrent'],
};
const SUMMARY = /^client: 5 clients, first answer after ([\d.]+) s, last after ([\d.]+) s$/;

/** Sends `line` (bytes, "\n" included or not) and collects the answer until the server closes. */
const ask = (port: number, line: Buffer | string, timeoutMs = 10_000) => tcpExchange(port, [Buffer.from(line)], { timeoutMs });

/** Connects and sends nothing yet: the test decides when this client sends its line. */
function holdConnection(port: number): Promise<{ send: (line: string) => Promise<Exchange> }> {
	return new Promise((resolve, reject) => {
		const parts: Buffer[] = [];
		const socket = net.connect(port, '127.0.0.1', () =>
			resolve({
				send: (line) =>
					new Promise((done) => {
						socket.on('close', () => done({ received: Buffer.concat(parts), ended: 'closed', localPort: socket.localPort ?? 0 }));
						socket.write(line);
					}),
			})
		);
		socket.on('data', (chunk) => parts.push(chunk));
		socket.on('error', reject);
	});
}

for (const language of ['node', 'python'] as const) {
	it(`sync-vs-async (${language}): the start command exits 0, runs every server and compares measured times`, async () => {
		const output = await assertStartPrints('sync-vs-async', language, [
			/^sequential server: listening on 127\.0\.0\.1:\d+$/,
			/^concurrent server: listening on 127\.0\.0\.1:\d+$/,
			/^launch: 5 clients against the sequential server$/,
			/^client: opening 5 connections to 127\.0\.0\.1:\d+ at the same moment$/,
			/^sequential server: answered "request from client \d" after [\d.]+ s \([\d.]+ s waiting, then [\d.]+ s of work\)$/,
			/^client \d: answered after [\d.]+ s$/,
			/^client: 5 clients, first answer after [\d.]+ s, last after [\d.]+ s$/,
			/^launch: 5 clients against the concurrent server$/,
			/^client: 5 clients, first answer after [\d.]+ s, last after [\d.]+ s$/,
			/^launch: the concurrent server answered the last client [\d.]+x sooner \(after [\d.]+ s instead of [\d.]+ s\)$/,
			/^(sequential|concurrent) server: stopping$/,
		]);
		// The concurrent server's lines and the client's come through two pipes, in no fixed order.
		assert.equal(output.match(/^concurrent server: answered "request from client \d" after [\d.]+ s/gm)?.length, 5, 'the concurrent server answers all five');
		// Each client's own measurement, by the server it ran against.
		const lasts = new Map<string, number>();
		let against = '';
		for (const line of output.split('\n')) {
			against = /^launch: 5 clients against the (\w+) server$/.exec(line)?.[1] ?? against;
			const summary = SUMMARY.exec(line);
			if (summary) lasts.set(against, Number(summary[2]));
		}
		assert.deepEqual([...lasts.keys()], MODES[language], 'one measurement per mode, in this order');
		const sequentialLast = lasts.get('sequential')!;
		// 5 requests of 200 ms one after another take at least 1 s; side by side, about 0.2 s.
		assert.ok(sequentialLast >= 0.99, `sequential: last answer after ${sequentialLast} s`);
		for (const mode of MODES[language].filter((m) => m !== 'sequential')) {
			const last = lasts.get(mode)!;
			assert.ok(last < 0.6, `${mode}: last answer after ${last} s`);
			const comparison = new RegExp(
				`^launch: the ${mode} server answered the last client ([\\d.]+)x sooner \\(after ([\\d.]+) s instead of ([\\d.]+) s\\)$`,
				'm'
			).exec(output);
			assert.ok(comparison, `no comparison line for the ${mode} server`);
			assert.equal(comparison[1], (sequentialLast / last).toFixed(1), 'the comparison is computed from the two measurements');
			assert.deepEqual([comparison[2], comparison[3]], [last.toFixed(2), sequentialLast.toFixed(2)]);
		}
		assert.equal(output.match(/^client \d: answered after [\d.]+ s$/gm)?.length, 5 * MODES[language].length);
		// The waiting time the sequential server prints for its 5 answers.
		const waits = [...output.matchAll(/^sequential server: answered .* \(([\d.]+) s waiting, then [\d.]+ s of work\)$/gm)].map((m) =>
			Number(m[1])
		);
		assert.equal(waits.length, 5);
		if (language === 'python') {
			// TCPServer accept()s a connection only when its turn comes: the time it waited in the
			// operating system's backlog is invisible to the program (the client's clock shows it).
			assert.ok(Math.max(...waits) < 0.1, `Python waits: ${waits.join(', ')}`);
		} else {
			// Node accepts every connection at once and queues it itself: the last one waited for 4
			// others' 200 ms (0.8 s); on a busy machine the accepts spread out, so allow 3 others' worth.
			assert.ok(Math.max(...waits) >= 0.6, `Node waits: ${waits.join(', ')}`);
		}
	});
}

/**
 * The servers that serve every connection as soon as it arrives: Node's and Python's
 * `concurrent` mode (an event loop), and Python's `threaded` mode (a thread per connection).
 */
const sideBySide: { impl: Program; mode: string }[] = twins('server.js', 'python/server.py').flatMap((impl) =>
	MODES[impl.language].filter((mode) => mode !== 'sequential').map((mode) => ({ impl, mode }))
);

for (const { impl, mode } of sideBySide) {
	describe(`sync-vs-async ${mode} server (${impl.label}), --delay-ms 20`, () => {
		let server: ExampleServer;
		before(async () => {
			server = await startExampleServer('sync-vs-async', impl.file, ['--mode', mode, '--delay-ms', '20'], { command: impl.command });
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
			for (const line of [
				'',
				' ',
				'tab\there',
				'nul\0byte',
				'ends with cr\r',
				'Grüße, 你好, 🙂',
				'\u001b[31mred\u001b[0m',
				'done: done:',
			]) {
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
			for (const bytes of [
				[0xff, 0x0a],
				[0x41, 0xc3, 0x28, 0x0a],
				[0xed, 0xa0, 0x80, 0x0a],
				[0xc0, 0xaf, 0x0a],
			]) {
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
			const memory = watchMemory(server);
			const flood = Array.from({ length: 32 }, () => Buffer.alloc(256 * 1024, 0x61)); // 8 MiB, no newline
			const result = await tcpExchange(server.port, flood, { timeoutMs: 15_000 });
			assert.equal(result.received.toString(), TOO_LONG);
			assert.notEqual(result.ended, 'timeout');
			memory.assertBounded();
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

		it('a client that closes its sending side right after its line: Node takes it as gone, Python answers it', async () => {
			const result = await tcpExchange(server.port, [Buffer.from('then half-closed\n')], { endAfterSending: true });
			assert.equal(result.ended, 'closed');
			if (impl.language === 'python') {
				// A half-closed client can still read, and the Python servers answer it.
				assert.equal(result.received.toString(), 'done: then half-closed\n');
			} else {
				// Node's server sockets end as soon as the client's side ends (allowHalfOpen: false),
				// so the answer finds the connection gone.
				assert.equal(result.received.length, 0);
				await server.waitFor(/ left before its answer was ready$/, { from: 0 });
			}
		});

		it('does not wait for a slow client before answering the others', async () => {
			const slow = await holdConnection(server.port);
			const others = await Promise.all(Array.from({ length: 10 }, (_, i) => ask(server.port, `other ${i}\n`, 3000)));
			for (const [i, result] of others.entries()) assert.equal(result.received.toString(), `done: other ${i}\n`);
			assert.equal((await slow.send('finally\n')).received.toString(), 'done: finally\n');
		});

		it('says clearly when its port is taken, and when an option is wrong', async () => {
			const start = (args: string[]) => startExampleServer('sync-vs-async', impl.file, args, { command: impl.command });
			await assert.rejects(start(['--mode', mode, '--port', String(server.port)]), /already in use/);
			if (impl.language === 'python') {
				// The Python twin has a third mode, so its message names three.
				await assert.rejects(start(['--mode', 'parallel']), /--mode must be sequential, threaded or concurrent, not "parallel"/);
			} else {
				await assert.rejects(start(['--mode', 'parallel']), /--mode must be sequential or concurrent, not "parallel"/);
				await assert.rejects(start(['--mode', 'threaded']), /--mode must be sequential or concurrent, not "threaded"/);
			}
			await assert.rejects(start(['--delay-ms', 'soon']), /--delay-ms must be a number of milliseconds, 0 or more, not "soon"/);
		});
	});
}

for (const impl of twins('server.js', 'python/server.py')) {
	describe(`sync-vs-async sequential server (${impl.label})`, () => {
		let server: ExampleServer;
		before(async () => {
			server = await startExampleServer('sync-vs-async', impl.file, ['--mode', 'sequential', '--delay-ms', '1'], { command: impl.command });
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
			assert.ok(
				server.output.some((line) => / left (without sending a whole request line, skipping it|before its answer was ready)$/.test(line))
			);
			assert.ok(server.alive());
		});

		it('refuses an 8 MiB line with an error, closes, keeps its memory bounded, and serves the next in line', async () => {
			const memory = watchMemory(server);
			const flood = Array.from({ length: 32 }, () => Buffer.alloc(256 * 1024, 0x62));
			const [result, next] = await Promise.all([
				tcpExchange(server.port, flood, { timeoutMs: 15_000 }),
				sleep(50).then(() => ask(server.port, 'next in line\n')),
			]);
			assert.equal(result.received.toString(), TOO_LONG);
			assert.equal(next.received.toString(), 'done: next in line\n');
			memory.assertBounded();
			assert.ok(server.alive());
		});
	});
}

describe('sync-vs-async interop: each client against the other language’s server', () => {
	const servers = twins('server.js', 'python/server.py');
	const clients = twins('client.js', 'python/client.py');
	for (const server of servers) {
		for (const client of clients.filter((c) => c.language !== server.language)) {
			it(`${client.label} client → ${server.label} server, in each of its modes`, async () => {
				for (const mode of MODES[server.language]) {
					const running = await startExampleServer('sync-vs-async', server.file, ['--mode', mode, '--delay-ms', '50'], {
						command: server.command,
					});
					try {
						const { stdout } = await run(client.command, [client.file, '--port', String(running.port), '--clients', '3'], {
							cwd: join(examplesDir, 'sync-vs-async'),
							timeout: 20_000,
						});
						for (const id of [1, 2, 3]) assert.match(stdout, new RegExp(`^client ${id}: answered after [\\d.]+ s$`, 'm'), mode);
						assert.match(stdout, /^client: 3 clients, first answer after [\d.]+ s, last after [\d.]+ s$/m, mode);
					} finally {
						await running.stop();
					}
				}
			});
		}
	}
});

/** Plausible mistakes, each made in the reference solution by a few edits: the check must reject every one. */
const mistakes: ExerciseMistake[] = [
	{
		exercise: 'worker-pool',
		language: 'node',
		what: 'lets one connection too many in (busy <= workers)',
		file: 'server.js',
		edits: [['while (busy < workers && queue.length > 0)', 'while (busy <= workers && queue.length > 0)']],
	},
	{
		exercise: 'worker-pool',
		language: 'node',
		what: 'never frees a worker, so the queue stops after the first wave',
		file: 'server.js',
		edits: [['\t\t\tbusy -= 1; // this worker is free: give it the next connection in the queue\n', '']],
	},
	{
		exercise: 'worker-pool',
		language: 'python',
		what: 'gives the worker back as soon as its thread has started, not when handle() is done',
		file: 'python/server.py',
		edits: [
			['        super().process_request(request, client_address)  # handle() in a new thread\n', '        super().process_request(request, client_address)  # handle() in a new thread\n        self.workers.release()\n'],
			['        self.workers.release()  # so this worker is free for the next connection\n', ''],
		],
	},
	{
		exercise: 'worker-pool',
		language: 'python',
		what: 'never puts the --workers number into the semaphore, which stays at 1',
		file: 'python/server.py',
		edits: [['        PoolServer.workers = threading.Semaphore(options.workers)\n', '']],
	},
	{
		exercise: 'time-limit',
		language: 'node',
		what: 'prints the message but leaves the connection open, so the client never exits',
		file: 'client.js',
		edits: [['\t\t\t\tsocket.destroy(); // close the connection: we no longer wait for it\n', '']],
	},
	{
		exercise: 'time-limit',
		language: 'node',
		what: 'gives up but never settles the promise, so the summary never comes',
		file: 'client.js',
		edits: [['\t\t\t\tsocket.destroy(); // close the connection: we no longer wait for it\n\t\t\t\tresolve(undefined);\n', '\t\t\t\tsocket.destroy(); // close the connection: we no longer wait for it\n']],
	},
	{
		exercise: 'time-limit',
		language: 'python',
		what: 'puts the time limit on connecting, not on waiting for the answer',
		file: 'python/client.py',
		edits: [
			['reader, writer = await asyncio.open_connection(host, port)', 'reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)'],
			['answer = await asyncio.wait_for(reader.read(), timeout)', 'answer = await reader.read()'],
		],
	},
	{
		exercise: 'time-limit',
		language: 'python',
		what: 'has one time limit for all the clients together',
		file: 'python/client.py',
		edits: [
			['answer = await asyncio.wait_for(reader.read(), timeout)', 'answer = await reader.read()'],
			['return await asyncio.gather(*(ask(i + 1, started) for i in range(count)))', 'return await asyncio.wait_for(asyncio.gather(*(ask(i + 1, started) for i in range(count))), timeout)'],
		],
	},
];

describeExercises('sync-vs-async', mistakes);
