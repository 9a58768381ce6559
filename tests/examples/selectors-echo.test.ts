/**
 * selectors-echo: a line echo served from one thread, Python with non-blocking sockets and
 * `selectors`, Node.js with its event loop. The start command in both languages; each server
 * under 200 concurrent clients, garbage, oversize lines, vanished peers and a client that
 * does not read (backpressure); a 1,000,001-byte line that the Python server sends in parts;
 * and each client against the other language's server.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { examplesDir, startExampleServer, type ExampleServer } from './support/example-process.ts';
import { describeExercises, type ExerciseMistake } from './support/exercises.ts';
import { watchMemory } from './support/memory.ts';
import { assertConcurrentLineEcho, countLines, endsWithLines, showBytes } from './support/line-echo.ts';
import { assertStartPrints } from './support/npm-start.ts';
import { randomBytes, seededRandom } from './support/random.ts';
import { splitRandomly, tcpExchange, vanishMidMessage, writeWithoutReading } from './support/tcp-client.ts';
import { twins } from './support/twins.ts';

const run = promisify(execFile);
const NAME = 'selectors-echo';
const MAX_LINE = 1024 * 1024;
/** The long line the clients send on their last connection: 1,000,000 digits and "\n". */
const bigLine = Buffer.concat([Buffer.from('0123456789'.repeat(100_000)), Buffer.from('\n')]);
const show = showBytes;

/** What the client prints, in this order, whichever server it talks to (other lines come between). */
const clientLines = [
	/^client: opening 4 connections to 127\.0\.0\.1:\d+ at once, from one thread$/,
	/^client: connection 1 connected to 127\.0\.0\.1:\d+ from local port \d+$/,
	/^client: connection 1 sends 24 bytes: "hello from connection 1\\n"$/,
	/^client: connection 1 received 24 bytes: "hello from connection 1\\n"$/,
	/^client: every answer was right: 4 connections, one thread/,
];

for (const language of ['node', 'python'] as const) {
	it(`${NAME} (${language}): the start command exits 0, four connections from one client thread all come back right`, async () => {
		const output = await assertStartPrints(NAME, language, [/^server: listening on 127\.0\.0\.1:\d+$/, ...clientLines, /^server: stopping$/]);
		// The connections run side by side: their lines come in no fixed order among each other.
		for (const connection of [1, 2, 3]) {
			assert.match(output, new RegExp(`^client: connection ${connection} received 24 bytes: "hello from connection ${connection}\\\\n"$`, 'm'), `connection ${connection}'s first line came back`);
			assert.match(output, new RegExp(`^client: connection ${connection} received 37 bytes: "connection ${connection}: ü is 2 bytes in UTF-8\\\\n"$`, 'm'), `connection ${connection}'s second line came back`);
		}
		assert.match(output, /^client: connection 4 received its 1000001 bytes back in \d+ (recv\(\) calls|'data' events), the same bytes as sent$/m, 'the long line came back');
		assert.equal((output.match(/^server: accepted a connection from 127\.0\.0\.1:\d+ \(\d open\)$/gm) ?? []).length, 4, `the server accepts 4 connections:\n${output}`);
		if (language === 'python') {
			assert.match(output, /^client: connect\(\) raised BlockingIOError \(EINPROGRESS\): /m, 'the Python client shows its non-blocking connect()');
			assert.match(output, /^server: sent \d+ of 1000001 bytes to 127\.0\.0\.1:\d+, keeping the rest for when the socket is writable$/m, `the Python server shows a partial send():\n${output}`);
			assert.match(output, /^server: sent the last \d+ bytes to 127\.0\.0\.1:\d+, its write buffer is empty$/m);
		} else {
			assert.match(output, /^server: write\(\) (of 1000001 bytes to 127\.0\.0\.1:\d+ returned true|returned false: )/m, `the Node.js server reports what write() returned:\n${output}`);
		}
	});
}

for (const impl of twins('server.js', 'python/server.py')) {
	describe(`${NAME} server (${impl.label})`, () => {
		let server: ExampleServer;
		before(async () => {
			server = await startExampleServer(NAME, impl.file, [], { command: impl.command });
		});
		after(async () => {
			await server.stop();
		});

		it('gives each of 200 concurrent clients exactly its own lines back, in order, from one thread', () => assertConcurrentLineEcho(server.port));

		it('echoes garbage bytes (invalid UTF-8, NUL, CR) unchanged, byte for byte, and keeps running', async () => {
			const garbage = Buffer.concat([randomBytes(seededRandom(7), 64 * 1024), Buffer.from([0xff, 0xfe, 0xc3, 0x00, 0x0d]), Buffer.from('\n')]);
			const result = await tcpExchange(server.port, splitRandomly(garbage, seededRandom(8), 10), { done: endsWithLines(countLines(garbage)) });
			assert.equal(result.ended, 'done', `sent ${show(garbage)}, got ${show(result.received)} before ${result.ended}`);
			assert.ok(result.received.equals(garbage), `sent ${show(garbage)}, got back different bytes: ${show(result.received)}`);
			assert.ok(server.alive());
		});

		it('echoes a last line without "\\n" when the client closes its sending side, then closes', async () => {
			const result = await tcpExchange(server.port, [Buffer.from('first\nno newline')], { endAfterSending: true });
			assert.equal(result.received.toString(), 'first\nno newline', 'sent "first\\nno newline" and closed our side');
			assert.equal(result.ended, 'closed');
		});

		it('refuses a line over 1 MiB with an error and closes, without buffering what follows', async () => {
			const memory = watchMemory(server);
			const flood = Array.from({ length: 32 }, () => Buffer.alloc(256 * 1024, 0x61)); // 8 MiB, no newline
			const result = await tcpExchange(server.port, [Buffer.from('short line\n'), ...flood], { timeoutMs: 15_000 });
			const expected = `short line\nerror: line longer than ${MAX_LINE} bytes, closing\n`;
			assert.equal(result.received.toString(), expected, `sent "short line\\n" and 8 MiB without "\\n"; expected the echo, then the error line`);
			assert.notEqual(result.ended, 'timeout', 'the server closes the connection');
			memory.assertBounded();
			const check = await tcpExchange(server.port, [Buffer.from('still here\n')], { done: endsWithLines(1) });
			assert.equal(check.received.toString(), 'still here\n');
		});

		it(`echoes a line of ${bigLine.length} bytes exactly${impl.language === 'python' ? ', reporting the send() calls that took only part of it' : ', reporting what write() returned'}`, async () => {
			const from = server.output.length;
			const result = await tcpExchange(server.port, [bigLine], { done: (received) => received.length >= bigLine.length, timeoutMs: 20_000 });
			assert.equal(result.ended, 'done', `sent ${show(bigLine)}, got ${result.received.length} bytes before ${result.ended}`);
			assert.ok(result.received.equals(bigLine), `sent ${show(bigLine)}, got back different bytes: ${show(result.received)}`);
			if (impl.language === 'python') {
				await server.waitFor(/^server: sent \d+ of 1000001 bytes to 127\.0\.0\.1:\d+, keeping the rest for when the socket is writable$/, { from });
				const last = await server.waitFor(/^server: sent the last \d+ bytes to 127\.0\.0\.1:\d+, its write buffer is empty$/, { from });
				// Every send() of the answer is reported: the parts add up to the whole line.
				const lines = server.output.slice(from, server.output.indexOf(last, from) + 1);
				const parts = lines.map((line) => /^server: sent (\d+) of \d+ bytes|^server: sent the last (\d+) bytes/.exec(line)).filter((m) => m !== null);
				const total = parts.reduce((sum, m) => sum + Number(m[1] ?? m[2]), 0);
				assert.ok(parts.length >= 2, `expected several send() calls, the server printed:\n${lines.join('\n')}`);
				assert.equal(total, bigLine.length, `the reported send() parts add up to ${total}, not ${bigLine.length}:\n${lines.join('\n')}`);
			} else {
				await server.waitFor(/^server: write\(\) (of 1000001 bytes to 127\.0\.0\.1:\d+ returned true|returned false: )/, { from });
			}
		});

		it('stops reading from a client that does not read its answers (backpressure), and resumes when it does', async () => {
			const memory = watchMemory(server);
			const from = server.output.length;
			const line = Buffer.from(`${'y'.repeat(64 * 1024)}\n`);
			const { socket, sent, stalled } = await writeWithoutReading(server.port, line);
			assert.ok(stalled, `wrote ${sent} lines of ${line.length} bytes without reading any answer, and the server read them all`);
			memory.assertBounded();
			const paused =
				impl.language === 'python'
					? /^server: \d+ bytes wait to be sent to 127\.0\.0\.1:\d+, over the 65536-byte limit: not reading from it until they are sent$/
					: /^server: write\(\) returned false: \d+ bytes wait in Node's buffer for 127\.0\.0\.1:\d+, over its writableHighWaterMark of \d+: not reading from it until 'drain'$/;
			await server.waitFor(paused, { from });
			// Now read: every answer comes back complete, and the server reads again.
			const expected = sent * line.length;
			let received = 0;
			let wrong = '';
			let partial = Buffer.alloc(0);
			const allBack = new Promise<void>((resolve) => {
				socket.on('data', (chunk: Buffer) => {
					received += chunk.length;
					partial = Buffer.concat([partial, chunk]);
					let newline;
					while ((newline = partial.indexOf(0x0a)) !== -1) {
						if (!partial.subarray(0, newline + 1).equals(line)) wrong ||= `an answer differs: ${show(partial.subarray(0, newline + 1))}`;
						partial = partial.subarray(newline + 1);
					}
					if (received >= expected) resolve();
				});
			});
			socket.resume();
			const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error(`only ${received} of ${expected} bytes came back`)), 20_000).unref());
			await Promise.race([allBack, timeout]);
			socket.destroy();
			assert.equal(wrong, '');
			assert.equal(received, expected, `wrote ${sent} lines of ${line.length} bytes`);
			const resumed = impl.language === 'python' ? /^server: \d+ bytes wait to be sent to 127\.0\.0\.1:\d+ now, under the limit: reading from it again$/ : /^server: 'drain': Node's buffer for 127\.0\.0\.1:\d+ is empty again, reading from it again$/;
			await server.waitFor(resumed, { from });
		});

		it('keeps serving others when clients vanish mid-line', async () => {
			const vanishing = Array.from({ length: 50 }, (_, i) => vanishMidMessage(server.port, Buffer.from(`half a line ${i}`)));
			const steady = Array.from({ length: 20 }, (_, i) =>
				tcpExchange(server.port, [Buffer.from(`steady ${i}\n`)], { done: endsWithLines(1) })
			);
			await Promise.all(vanishing);
			for (const [i, result] of (await Promise.all(steady)).entries()) assert.equal(result.received.toString(), `steady ${i}\n`, `sent "steady ${i}\\n"`);
			const later = await tcpExchange(server.port, [Buffer.from('after\n')], { done: endsWithLines(1) });
			assert.equal(later.received.toString(), 'after\n');
			assert.ok(server.alive());
		});

		it('prints no traceback or uncaught error after all this', () => {
			const bad = server.output.filter((line) => /Traceback|Error\(|Uncaught|^\s+at /.test(line));
			assert.deepEqual(bad, []);
		});

		it('says clearly when its port is taken', async () => {
			const second = startExampleServer(NAME, impl.file, ['--port', String(server.port)], { command: impl.command });
			await assert.rejects(second, /already in use/);
		});
	});
}

describe(`${NAME} interop: each client against the other language’s server`, () => {
	const servers = twins('server.js', 'python/server.py');
	const clients = twins('client.js', 'python/client.py');
	for (const server of servers) {
		for (const client of clients.filter((c) => c.language !== server.language)) {
			it(`${client.label} client → ${server.label} server: 4 connections, the long line included`, async () => {
				const running = await startExampleServer(NAME, server.file, [], { command: server.command });
				try {
					const { stdout } = await run(client.command, [client.file, '--port', String(running.port), 'interop ✓'], {
						cwd: join(examplesDir, NAME),
						timeout: 30_000,
					});
					for (const connection of [1, 2, 3]) {
						assert.match(stdout, new RegExp(`^client: connection ${connection} received 12 bytes: "interop ✓\\\\n"$`, 'm'), `connection ${connection} sent "interop ✓\\n":\n${stdout}`);
					}
					assert.match(stdout, /^client: connection 4 received its 1000001 bytes back in \d+ .*, the same bytes as sent$/m, stdout);
					assert.match(stdout, /^client: every answer was right: 4 connections/m, stdout);
				} finally {
					await running.stop();
				}
			});
		}
	}
});

describe(`${NAME} clients without a server`, () => {
	for (const client of twins('client.js', 'python/client.py')) {
		it(`${client.label}: explains the refused connection and exits 1`, async () => {
			// A port that was free a moment ago: listen on it, then close it.
			const probe = await startExampleServer(NAME, 'server.js', []);
			const port = probe.port;
			await probe.stop();
			const failed = await run(client.command, [client.file, '--port', String(port)], { cwd: join(examplesDir, NAME), timeout: 20_000 }).then(
				() => undefined,
				(error: { code?: number; stderr?: string }) => error
			);
			assert.ok(failed, `the ${client.label} client exited 0 with nothing listening on port ${port}`);
			assert.equal(failed.code, 1);
			assert.match(failed.stderr ?? '', /^client: nothing is listening on 127\.0\.0\.1:\d+\. Start the server first/m);
		});
	}
});

/** Plausible mistakes, each made in the reference solution by a few edits: the check must reject every one. */
const mistakes: ExerciseMistake[] = [
	{
		exercise: 'chat-room',
		language: 'node',
		what: 'sends each line to the others but not back to its sender',
		file: 'server.js',
		edits: [['.filter(([other]) => other.writable)', '.filter(([other]) => other !== socket && other.writable)']],
	},
	{
		exercise: 'chat-room',
		language: 'python',
		what: "adds the line to the others' write buffers but never sends it (no EVENT_WRITE for them)",
		file: 'python/server.py',
		edits: [['    for member in members:\n        if member is not conn and member.sock in connections:\n            send_some(member)  # what its socket takes now; EVENT_WRITE for the rest\n', '']],
	},
	{
		exercise: 'chat-room',
		language: 'python',
		what: 'sends each line to the others but not back to its sender',
		file: 'python/server.py',
		edits: [['if not member.closing]', 'if not member.closing and member is not conn]']],
	},
	{
		exercise: 'carry-on',
		language: 'node',
		what: 'counts a failed connection as finished but prints no summary when it is the last to finish',
		file: 'client.js',
		edits: [['\t\tfinished += 1; // this connection is over too; the others go on\n\t\tif (finished === plans.length) report();\n', '\t\tfinished += 1; // this connection is over too; the others go on\n']],
	},
	{
		exercise: 'carry-on',
		language: 'python',
		what: 'counts a failed connection as done but leaves it registered, so select() reports it again',
		file: 'python/client.py',
		edits: [['        selector.unregister(conn.sock)  # before close(), as in the server\n        conn.sock.close()\n', '']],
	},
];

describeExercises('selectors-echo', mistakes);
