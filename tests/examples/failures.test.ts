import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import net from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { examplesDir, startExampleServer, type ExampleServer } from './support/example-process.ts';
import { describeExercises, type ExerciseMistake } from './support/exercises.ts';
import { watchMemory } from './support/memory.ts';
import { assertStartPrints } from './support/npm-start.ts';
import { randomBytes, seededRandom } from './support/random.ts';
import { splitRandomly, tcpExchange, vanishMidMessage } from './support/tcp-client.ts';
import { twins, type Language, type Program } from './support/twins.ts';

const MAX_LINE = 1024 * 1024;
const countLines = (received: Buffer) => received.reduce((n, byte) => n + (byte === 0x0a ? 1 : 0), 0);
const endsWithLines = (count: number) => (received: Buffer) => countLines(received) >= count;
const halfCloseAnswer = (bytes: number) =>
	`you sent ${bytes} bytes and then closed your side; my side is still open, so here is my answer\n`;
const servers = twins('server.js', 'python/server.py');
const clients = twins('client.js', 'python/client.py');

/** Runs a client against `port`; resolves with its exit code and output, whatever the code. */
const runClient = (client: Program, port: number) =>
	promisify(execFile)(client.command, [client.file, '--port', String(port)], { cwd: join(examplesDir, 'failures'), timeout: 30_000 }).then(
		({ stdout }) => ({ code: 0, stdout }),
		(e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout })
	);

/**
 * What the start command prints, in order. Under each scenario a client first names the
 * error it got itself, then the same failure in the other language: the Node client prints
 * "Node error code: ..." before "Python: ...", the Python client the other way round. And
 * each names its own call for closing its sending side (Node end(), Python shutdown()).
 */
function startPatterns(language: Language): RegExp[] {
	const errorLines = (node: RegExp, python: RegExp) => (language === 'node' ? [node, python] : [python, node]);
	return [
		/^server: listening on 127\.0\.0\.1:\d+$/,
		/^client: \[1\/7\] connection refused$/,
		/^client: {3}connecting to 127\.0\.0\.1:\d+ failed after [\d.]+ ms$/,
		...errorLines(/^client: {3}Node error code: ECONNREFUSED$/, /^client: {3}Python: .*ConnectionRefusedError$/),
		/^client: {3}what it means: /,
		/^client: \[2\/7\] address already in use$/,
		...errorLines(/^client: {3}Node error code: EADDRINUSE$/, /^client: {3}Python: .*OSError with errno EADDRINUSE/),
		/^client: {3}what it means: .*SO_REUSEADDR/,
		/^client: \[3\/7\] timeout$/,
		/^client: {3}no answer; after \d{4,}\.\d ms of silence our timeout fired/,
		...errorLines(/^client: {3}Node error code: none: /, /^client: {3}Python: .*TimeoutError/),
		/^client: {3}what it means: /,
		/^client: \[4\/7\] connection reset by peer$/,
		...errorLines(/^client: {3}Node error code: ECONNRESET$/, /^client: {3}Python: .*ConnectionResetError$/),
		/^client: {3}what it means: .*SO_LINGER 0/,
		/^client: \[5\/7\] closed with unread data$/,
		/^client: {3}the listener closed its end with our bytes still unread in its receive buffer$/,
		...errorLines(/^client: {3}Node error code: ECONNRESET$/, /^client: {3}Python: sock\.recv\(\) rais(es|ed) ConnectionResetError$/),
		/^client: {3}what it means: .*a reset, not a normal close$/,
		/^client: \[6\/7\] peer killed$/,
		/^client: {3}connected to another program \(process \d+\), then killed it/,
		/^client: {3}its operating system closed the killed program's socket normally: /,
		language === 'node' ? /^client: {3}the second send failed: Node error code: EPIPE$/ : /^client: {3}the second failed: Python: sock\.sendall\(\) raised BrokenPipeError$/,
		/^client: {3}what it means: when a program dies, even by SIGKILL, its OS closes its sockets as close\(\) would/,
		/^client: \[7\/7\] half-close$/,
		language === 'node'
			? /^client: {3}sent "half-close\\n", then 34 more bytes, then called end\(\)/
			: /^client: {3}sent "half-close\\n", then 34 more bytes, then called sock\.shutdown\(socket\.SHUT_WR\)/,
		/^client: {3}after closing our side we still received 89 bytes: "you sent 34 bytes and then closed your side; my side is still open, so here is my answer\\n"$/,
		...errorLines(/^client: {3}Node error code: none: /, /^client: {3}Python: .*shutdown\(socket\.SHUT_WR\)/),
		/^client: {3}what it means: /,
		/^client: all 7 scenarios behaved as explained$/,
		/^server: stopping$/,
	];
}

for (const language of ['node', 'python'] as const) {
	it(`failures (${language}): the start command exits 0 and shows all seven scenarios, each explained`, async () => {
		const output = await assertStartPrints('failures', language, startPatterns(language));
		assert.doesNotMatch(output, /NOT as explained/);
	});
}

for (const impl of servers) {
	describe(`failures server (${impl.label})`, () => {
		let server: ExampleServer;
		before(async () => {
			server = await startExampleServer('failures', impl.file, [], { command: impl.command });
		});
		after(async () => {
			await server.stop();
		});

		it('gives each of 200 concurrent clients exactly its own echo lines back, in order', async () => {
			const random = seededRandom(200);
			const clients = Array.from({ length: 200 }, (_, id) => {
				const texts = Array.from({ length: 10 }, (_, seq) => `client ${id} line ${seq} ${'ü'.repeat(Math.floor(random() * 300))}`);
				const sent = Buffer.from(texts.map((text) => `echo ${text}\n`).join(''));
				return { chunks: splitRandomly(sent, random, 8), expected: texts.map((text) => `${text}\n`).join('') };
			});
			const results = await Promise.all(
				clients.map((c) => tcpExchange(server.port, c.chunks, { done: endsWithLines(10), timeoutMs: 20_000 }))
			);
			for (const [id, result] of results.entries()) {
				assert.equal(result.ended, 'done', `client ${id}`);
				assert.equal(result.received.toString('utf8'), clients[id]!.expected, `client ${id}`);
			}
		});

		it('echo: answers the exact bytes after "echo ", accepts CR LF, and stays open for more', async () => {
			const bytes = Buffer.concat([
				Buffer.from('echo hello\necho\necho \necho  two spaces\r\necho \xff\xfe raw bytes\n', 'latin1'),
				Buffer.from('echo ü\n'),
			]);
			const result = await tcpExchange(server.port, [bytes], { done: endsWithLines(6) });
			assert.equal(result.ended, 'done');
			assert.ok(result.received.equals(Buffer.concat([Buffer.from('hello\n\n\n two spaces\n\xff\xfe raw bytes\n', 'latin1'), Buffer.from('ü\n')])));
		});

		it('unknown commands: answers the exact error, quoted like JSON, and stays open', async () => {
			const result = await tcpExchange(
				server.port,
				[
					Buffer.from('hello\nECHO hi\nsilent please\n\n"quoted"\ttab\r\n\xff ok\n', 'latin1'),
					Buffer.from('\ufeffecho with a byte order mark\nctl \u0000\u0001\u001f\u007f\b\f end\necho still open\n'),
				],
				{ done: endsWithLines(9) }
			);
			assert.equal(
				result.received.toString('utf8'),
				[
					'error: unknown command "hello"',
					'error: unknown command "ECHO hi"',
					'error: unknown command "silent please"',
					'error: unknown command ""',
					'error: unknown command "\\"quoted\\"\\ttab"',
					'error: unknown command "\ufffd ok"',
					'error: unknown command "\ufeffecho with a byte order mark"', // a BOM is part of the line
					'error: unknown command "ctl \\u0000\\u0001\\u001f\u007f\\b\\f end"',
					'still open',
					'',
				].join('\n')
			);
		});

		it('silent: reads but sends nothing within 500 ms, and the connection stays open', async () => {
			const result = await tcpExchange(server.port, [Buffer.from('silent\necho are you there?\n')], { timeoutMs: 500 });
			assert.equal(result.ended, 'timeout');
			assert.equal(result.received.length, 0);
			assert.ok(server.alive());
		});

		it('reset: the client gets ECONNRESET, also right after other commands', async () => {
			for (const chunks of [[Buffer.from('reset\n')], [Buffer.from('echo first\nreset\necho never\n')]]) {
				const result = await tcpExchange(server.port, chunks, { timeoutMs: 5000 });
				assert.equal(result.ended, 'error:ECONNRESET');
			}
			assert.ok(server.alive());
		});

		it('half-close: answers after the client closes its sending side, with the right byte count, then closes', async () => {
			const random = seededRandom(5);
			for (const size of [0, 1, 34, 100_000, 3 * MAX_LINE]) {
				const body = randomBytes(random, size); // any bytes, even over the line limit: they are only counted
				const chunks = splitRandomly(Buffer.concat([Buffer.from('half-close\n'), body]), random, 6);
				const result = await tcpExchange(server.port, chunks, { endAfterSending: true, timeoutMs: 10_000 });
				assert.equal(result.ended, 'closed', `size ${size}`);
				assert.equal(result.received.toString('utf8'), halfCloseAnswer(size));
			}
			// Commands before it are still answered; the answer only comes once we close our side.
			const early = await tcpExchange(server.port, [Buffer.from('echo before\nhalf-close\nxyz')], { timeoutMs: 500 });
			assert.equal(early.received.toString(), 'before\n');
			assert.equal(early.ended, 'timeout');
		});

		it('answers garbage bytes with unknown-command errors and keeps running', async () => {
			const garbage = randomBytes(seededRandom(7), 64 * 1024);
			const lines = garbage.reduce((n, b) => n + (b === 0x0a ? 1 : 0), 0);
			const bytes = Buffer.concat([garbage.subarray(0, garbage.lastIndexOf(0x0a) + 1), Buffer.from('echo after garbage\n')]);
			const result = await tcpExchange(server.port, splitRandomly(bytes, seededRandom(8), 10), { done: endsWithLines(lines + 1) });
			assert.equal(result.ended, 'done');
			const replies = result.received.toString('utf8').split('\n').slice(0, -1);
			assert.equal(replies.length, lines + 1);
			for (const reply of replies.slice(0, -1)) assert.match(reply, /^error: unknown command ".*"$/);
			assert.equal(replies.at(-1), 'after garbage');
			assert.ok(server.alive());
		});

		it('refuses a line over 1 MiB with the exact error and closes, without buffering what follows', async () => {
			const memory = watchMemory(server);
			const flood = Array.from({ length: 32 }, () => Buffer.alloc(256 * 1024, 0x61)); // 8 MiB, no newline
			const result = await tcpExchange(server.port, flood, { timeoutMs: 15_000 });
			assert.equal(result.received.toString(), `error: line longer than ${MAX_LINE} bytes, closing\n`);
			assert.notEqual(result.ended, 'timeout');
			memory.assertBounded();
			const check = await tcpExchange(server.port, [Buffer.from('echo still here\n')], { done: endsWithLines(1) });
			assert.equal(check.received.toString(), 'still here\n');
			// Exactly 1 MiB before the newline is still allowed.
			const longest = Buffer.concat([Buffer.from('echo '), Buffer.alloc(MAX_LINE - 5, 0x62), Buffer.from('\n')]);
			const allowed = await tcpExchange(server.port, [longest], { done: endsWithLines(1) });
			assert.equal(allowed.received.length, MAX_LINE - 5 + 1);
		});

		it('keeps serving others when clients vanish mid-line, or while silent', async () => {
			const vanishing = Array.from({ length: 50 }, (_, i) =>
				vanishMidMessage(server.port, Buffer.from(i % 2 === 0 ? `echo half a line ${i}` : 'silent\nmore'))
			);
			const steady = Array.from({ length: 20 }, (_, i) =>
				tcpExchange(server.port, [Buffer.from(`echo steady ${i}\n`)], { done: endsWithLines(1) })
			);
			await Promise.all(vanishing);
			for (const [i, result] of (await Promise.all(steady)).entries()) assert.equal(result.received.toString(), `steady ${i}\n`);
			const after = await tcpExchange(server.port, [Buffer.from('echo after\n')], { done: endsWithLines(1) });
			assert.equal(after.received.toString(), 'after\n');
			assert.ok(server.alive());
		});

	it('says clearly when its port is taken', async () => {
			await assert.rejects(startExampleServer('failures', impl.file, ['--port', String(server.port)], { command: impl.command }), /already in use/);
		});
	});
}

for (const impl of clients) {
	describe(`failures client (${impl.label})`, () => {
		it('exits 1 and says which scenarios did not behave, against a server that answers everything', async () => {
			// A polite server: answers every chunk at once and closes normally. No timeout, no reset.
			const polite = net.createServer((socket) => {
				socket.on('data', () => socket.write('hello\n'));
				socket.on('error', () => {});
			});
			await new Promise<void>((resolve) => polite.listen(0, '127.0.0.1', resolve));
			try {
				const { code, stdout } = await runClient(impl, (polite.address() as net.AddressInfo).port);
				assert.equal(code, 1);
				assert.match(stdout, /^client: \[3\/7\] timeout\nclient: {3}sent "silent\\n".*\nclient: {3}NOT as explained: it answered "hello\\n"$/m);
				assert.match(stdout, /^client: \[4\/7\] connection reset by peer\n.*\nclient: {3}NOT as explained: it answered "hello\\n"$/m);
				assert.match(stdout, /^client: {3}NOT as explained: got "hello\\n/m);
				assert.match(stdout, /^client: 3 of 7 scenarios did not behave as explained$/m);
			} finally {
				polite.close();
			}
		});

		it('tells you to start the server first when nothing is listening', async () => {
			const probe = net.createServer();
			await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
			const port = (probe.address() as net.AddressInfo).port;
			await new Promise((resolve) => probe.close(resolve));
			const { code, stdout } = await runClient(impl, port);
			assert.equal(code, 1);
			const start = impl.language === 'node' ? 'node server\\.js' : 'python3 server\\.py';
			assert.match(stdout, new RegExp(`^client: {3}NOT as explained: listening on 127\\.0\\.0\\.1:\\d+ worked, so the server is not running\\. Start it first: ${start}$`, 'm'));
			assert.match(stdout, new RegExp(`^client: {3}nothing is listening on 127\\.0\\.0\\.1:${port}\\. Start the server first: ${start}$`, 'm'));
			assert.match(stdout, /^client: 4 of 7 scenarios did not behave as explained$/m);
		});
	});
}

describe('failures interop: each client against the other language’s server', () => {
	for (const server of servers) {
		for (const client of clients.filter((c) => c.language !== server.language)) {
			it(`${client.label} client → ${server.label} server`, async () => {
				const running = await startExampleServer('failures', server.file, [], { command: server.command });
				try {
					const { code, stdout } = await runClient(client, running.port);
					assert.doesNotMatch(stdout, /NOT as explained/);
					const titles = ['connection refused', 'address already in use', 'timeout', 'connection reset by peer', 'closed with unread data', 'peer killed', 'half-close'];
					for (const [i, title] of titles.entries()) assert.match(stdout, new RegExp(`^client: \\[${i + 1}/7\\] ${title}$`, 'm'));
					assert.match(stdout, /^client: all 7 scenarios behaved as explained$/m);
					assert.equal(code, 0);
				} finally {
					await running.stop();
				}
			});
		}
	}

	it('the Node and the Python server answer the same bytes with byte-identical replies', async () => {
		const garbage = randomBytes(seededRandom(11), 64 * 1024);
		const lines = [
			'echo hello', 'echo', 'echo ', 'echo  two', 'ECHO hi', '', ' echo', 'echo\t', 'hello\r', 'echo crlf\r', 'echo cr\r\r',
			'\ufeffecho bom', 'echo ü ✓ 😀', 'ctl \u0000\u001f\u007f\u2028 "q" \\ /', 'silent please', 'reset now', 'half-close ',
		];
		const bytes = Buffer.concat([
			Buffer.from(lines.map((line) => `${line}\n`).join('')),
			// Broken UTF-8 (each becomes U+FFFD in the error reply, the same number of times in both):
			// a stray byte, a truncated 2-, 3- and 4-byte sequence, an encoded surrogate, an overlong
			// "/", a code point beyond U+10FFFF, then a noncharacter (valid UTF-8).
			Buffer.from([0x78, 0xff, 0xc3, 0x28, 0xe2, 0x82, 0xf0, 0x9f, 0x98, 0xed, 0xa0, 0x80, 0xc0, 0xaf, 0xf4, 0x90, 0x80, 0x80, 0xef, 0xbf, 0xbe, 0x0a]),
			garbage.subarray(0, garbage.lastIndexOf(0x0a) + 1),
			Buffer.from('echo the end\n'),
		]);
		const replies: Buffer[] = [];
		for (const impl of servers) {
			const running = await startExampleServer('failures', impl.file, [], { command: impl.command });
			try {
				const result = await tcpExchange(running.port, splitRandomly(bytes, seededRandom(12), 10), {
					done: (received) => received.toString('latin1').endsWith('the end\n'),
				});
				assert.equal(result.ended, 'done', impl.label);
				replies.push(result.received);
			} finally {
				await running.stop();
			}
		}
		const [node, python] = replies as [Buffer, Buffer];
		assert.equal(python.toString('utf8'), node.toString('utf8'));
		assert.ok(python.equals(node), 'the same text, but not the same bytes');
		assert.equal(countLines(node), countLines(bytes));
	});
});

/** Plausible mistakes, each made in the reference solution by a few edits: the check must reject every one. */
const mistakes: ExerciseMistake[] = [
	{ exercise: 'retry-with-backoff', language: 'node', what: 'waits 100 ms every time instead of doubling the wait', file: 'client.js', edits: [['\t\tdelayMs *= 2;\n', '']] },
	{ exercise: 'retry-with-backoff', language: 'node', what: 'gives setTimeout() seconds, as if it were time.sleep()', file: 'client.js', edits: [['setTimeout(resolve, delayMs)', 'setTimeout(resolve, delayMs / 1000)']] },
	{ exercise: 'retry-with-backoff', language: 'node', what: 'makes only four attempts (an off-by-one)', file: 'client.js', edits: [['attempt <= ATTEMPTS;', 'attempt < ATTEMPTS;']] },
	{ exercise: 'retry-with-backoff', language: 'python', what: 'makes only four attempts (an off-by-one)', file: 'python/client.py', edits: [['range(1, ATTEMPTS + 1)', 'range(1, ATTEMPTS)']] },
	{ exercise: 'retry-with-backoff', language: 'python', what: 'gives time.sleep() milliseconds instead of seconds', file: 'python/client.py', edits: [['time.sleep(delay_ms / 1000)', 'time.sleep(delay_ms)']] },
	{
		exercise: 'retry-with-backoff',
		language: 'python',
		what: 'runs the scenarios anyway after giving up',
		file: 'python/client.py',
		edits: [['Start the server first: python3 server.py")\n        return 1\n', 'Start the server first: python3 server.py")\n']],
	},
	{ exercise: 'idle-timeout', language: 'node', what: 'reads --idle-timeout but keeps the 30 s limit', file: 'server.js', edits: [["const idleTimeoutMs = Number(values['idle-timeout']) * 1000;", 'const idleTimeoutMs = IDLE_TIMEOUT_MS;']] },
	{
		exercise: 'idle-timeout',
		language: 'node',
		what: 'starts one timer per connection that no command restarts',
		file: 'server.js',
		edits: [
			['socket.setTimeout(idleTimeoutMs, () => {', 'setTimeout(() => {'],
			['then drop it\n\t});', 'then drop it\n\t}, idleTimeoutMs);'],
		],
	},
	{ exercise: 'idle-timeout', language: 'python', what: 'reads --idle-timeout but keeps the 30 s limit', file: 'python/server.py', edits: [['conn.settimeout(idle_timeout_s)', 'conn.settimeout(IDLE_TIMEOUT_S)']] },
	{ exercise: 'idle-timeout', language: 'python', what: 'closes without saying goodbye', file: 'python/server.py', edits: [['                conn.sendall(b"error: idle for too long, closing\\n")\n', '']] },
];

describeExercises('failures', mistakes);
