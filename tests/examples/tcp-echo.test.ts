import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { findPython } from '../../src/lib/examples/python.ts';
import { examplesDir, startExampleServer, type ExampleServer } from './support/example-process.ts';
import { describeExercises, type ExerciseMistake } from './support/exercises.ts';
import { watchMemory } from './support/memory.ts';
import { assertConcurrentLineEcho, endsWithLines } from './support/line-echo.ts';
import { assertStartPrints } from './support/npm-start.ts';
import { randomBytes, seededRandom } from './support/random.ts';
import { splitRandomly, tcpExchange, vanishMidMessage } from './support/tcp-client.ts';
import { twins } from './support/twins.ts';

const run = promisify(execFile);
const MAX_LINE = 1024 * 1024;

/** What the client prints, in order, whichever server it talks to. */
const clientLines = [
	/^client: connected to 127\.0\.0\.1:\d+ from local port \d+$/,
	/^client: sent 6 bytes: "hello\\n"$/,
	/^client: received 6 bytes: "hello\\n"$/,
	/^client: received 32 bytes: "Grüße: ü is 2 bytes in UTF-8\\n"$/,
	/^client: every line came back, closing$/,
];

for (const language of ['node', 'python'] as const) {
	it(`tcp-echo (${language}): the start command exits 0 and prints the labelled exchange`, async () => {
		await assertStartPrints('tcp-echo', language, [/^server: listening on 127\.0\.0\.1:\d+$/, ...clientLines, /^server: stopping$/]);
	});
}

for (const impl of twins('server.js', 'python/server.py')) {
	describe(`tcp-echo server (${impl.label})`, () => {
		let server: ExampleServer;
		before(async () => {
			server = await startExampleServer('tcp-echo', impl.file, [], { command: impl.command });
		});
		after(async () => {
			await server.stop();
		});

		it('gives each of 200 concurrent clients exactly its own lines back, in order', () => assertConcurrentLineEcho(server.port));

		it('echoes garbage bytes unchanged, byte for byte, and keeps running', async () => {
			const garbage = randomBytes(seededRandom(7), 64 * 1024);
			const lines = garbage.reduce((n, b) => n + (b === 0x0a ? 1 : 0), 0);
			const withFinalNewline = Buffer.concat([garbage, Buffer.from('\n')]);
			const result = await tcpExchange(server.port, splitRandomly(withFinalNewline, seededRandom(8), 10), {
				done: endsWithLines(lines + 1),
			});
			assert.equal(result.ended, 'done');
			assert.ok(result.received.equals(withFinalNewline));
			assert.ok(server.alive());
		});

		it('echoes a last line without "\\n" when the client closes its sending side', async () => {
			const result = await tcpExchange(server.port, [Buffer.from('no newline')], { endAfterSending: true });
			assert.equal(result.received.toString(), 'no newline');
			assert.equal(result.ended, 'closed');
		});

		it('refuses a line over 1 MiB with an error and closes, without buffering what follows', async () => {
			const memory = watchMemory(server);
			const flood = Array.from({ length: 32 }, () => Buffer.alloc(256 * 1024, 0x61)); // 8 MiB, no newline
			const result = await tcpExchange(server.port, flood, { timeoutMs: 15_000 });
			assert.equal(result.received.toString(), `error: line longer than ${MAX_LINE} bytes, closing\n`);
			assert.notEqual(result.ended, 'timeout');
			memory.assertBounded();
			const check = await tcpExchange(server.port, [Buffer.from('still here\n')], { done: endsWithLines(1) });
			assert.equal(check.received.toString(), 'still here\n');
		});

		it('keeps serving others when clients vanish mid-line', async () => {
			const vanishing = Array.from({ length: 50 }, (_, i) => vanishMidMessage(server.port, Buffer.from(`half a line ${i}`)));
			const steady = Array.from({ length: 20 }, (_, i) =>
				tcpExchange(server.port, [Buffer.from(`steady ${i}\n`)], { done: endsWithLines(1) })
			);
			await Promise.all(vanishing);
			for (const [i, result] of (await Promise.all(steady)).entries()) assert.equal(result.received.toString(), `steady ${i}\n`);
			const later = await tcpExchange(server.port, [Buffer.from('after\n')], { done: endsWithLines(1) });
			assert.equal(later.received.toString(), 'after\n');
			assert.ok(server.alive());
		});

		it('says clearly when its port is taken', async () => {
			const second = startExampleServer('tcp-echo', impl.file, ['--port', String(server.port)], { command: impl.command });
			await assert.rejects(second, /already in use/);
		});
	});
}

describe('tcp-echo interop: each client against the other language’s server', () => {
	const servers = twins('server.js', 'python/server.py');
	const clients = twins('client.js', 'python/client.py');
	for (const server of servers) {
		for (const client of clients.filter((c) => c.language !== server.language)) {
			it(`${client.label} client → ${server.label} server`, async () => {
				const running = await startExampleServer('tcp-echo', server.file, [], { command: server.command });
				try {
					const { stdout } = await run(client.command, [client.file, '--port', String(running.port), 'interop ✓'], {
						cwd: join(examplesDir, 'tcp-echo'),
						timeout: 20_000,
					});
					assert.match(stdout, /^client: received 12 bytes: "interop ✓\\n"$/m);
					assert.match(stdout, /^client: every line came back, closing$/m);
				} finally {
					await running.stop();
				}
			});
		}
	}
});

describe('the short echo pair of the socket functions page: python/echo_server.py and python/echo_client.py', () => {
	it('each client run gets its line back and the server serves the next one, on loopback', async () => {
		const python = findPython();
		// The pair prints with print(); unbuffered, the server's lines reach us as it prints them.
		const server = await startExampleServer('tcp-echo', 'python/echo_server.py', [], {
			command: python,
			portArgs: ['0'],
			env: { ...process.env, PYTHONUNBUFFERED: '1' },
		});
		try {
			for (let client = 1; client <= 2; client++) {
				const { stdout } = await run(python, ['python/echo_client.py', String(server.port)], {
					cwd: join(examplesDir, 'tcp-echo'),
					timeout: 20_000,
				});
				const localPort = /^my end: \('127\.0\.0\.1', (\d+)\)$/m.exec(stdout)?.[1];
				assert.ok(localPort, `client ${client} prints its own end:\n${stdout}`);
				assert.match(stdout, /^reply: Hello, server!\n$/m, `client ${client} gets its line back`);
				await server.waitFor(new RegExp(`^connected: \\('127\\.0\\.0\\.1', ${localPort}\\)$`), { from: 0 });
				await server.waitFor(new RegExp(`^closed: \\('127\\.0\\.0\\.1', ${localPort}\\)$`), { from: 0 });
			}
			assert.ok(server.alive(), 'the server keeps running after its clients have gone');
		} finally {
			await server.stop();
		}
	});
});

/** Plausible mistakes, each made in the reference solution by a few edits: the check must reject every one. */
const mistakes: ExerciseMistake[] = [
	{ exercise: 'read-to-the-end', language: 'node', what: 'counts characters, not bytes', file: 'client.js', edits: [['${received.length} bytes (no newline', "${received.toString('utf8').length} bytes (no newline"]] },
	{ exercise: 'read-to-the-end', language: 'python', what: 'counts characters, not bytes', file: 'python/client.py', edits: [['{len(received)} bytes (no newline', '{len(text)} bytes (no newline']] },
	{
		exercise: 'line-numbers',
		language: 'node',
		what: 'keeps one counter for every client',
		file: 'server.js',
		edits: [
			['\tlet lineNumber = 0;\n', ''],
			['const server = net.createServer(', 'let lineNumber = 0;\nconst server = net.createServer('],
		],
	},
	{
		exercise: 'line-numbers',
		language: 'python',
		what: 'keeps one counter for every client',
		file: 'python/server.py',
		edits: [
			['    line_number = 0  # lines answered on this connection: each connection counts on its own\n', '    global line_number\n'],
			['def serve_client(', 'line_number = 0\n\n\ndef serve_client('],
		],
	},
];

describeExercises('tcp-echo', mistakes);
