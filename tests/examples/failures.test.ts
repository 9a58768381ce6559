import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import net from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { examplesDir, startExampleServer, type ExampleServer } from './support/example-process.ts';
import { assertNpmStartPrints } from './support/npm-start.ts';
import { randomBytes, seededRandom } from './support/random.ts';
import { splitRandomly, tcpExchange, vanishMidMessage } from './support/tcp-client.ts';

const MAX_LINE = 1024 * 1024;
const countLines = (received: Buffer) => received.reduce((n, byte) => n + (byte === 0x0a ? 1 : 0), 0);
const endsWithLines = (count: number) => (received: Buffer) => countLines(received) >= count;
const halfCloseAnswer = (bytes: number) =>
	`you sent ${bytes} bytes and then closed your side; my side is still open, so here is my answer\n`;

it('failures: npm start exits 0 and shows all five scenarios, each explained', async () => {
	const output = await assertNpmStartPrints('failures', [
		/^server: listening on 127\.0\.0\.1:\d+$/,
		/^client: \[1\/5\] connection refused$/,
		/^client: {3}connecting to 127\.0\.0\.1:\d+ failed after [\d.]+ ms$/,
		/^client: {3}Node error code: ECONNREFUSED$/,
		/^client: {3}Python: .*ConnectionRefusedError$/,
		/^client: {3}what it means: /,
		/^client: \[2\/5\] address already in use$/,
		/^client: {3}Node error code: EADDRINUSE$/,
		/^client: {3}Python: .*OSError with errno EADDRINUSE/,
		/^client: {3}what it means: .*SO_REUSEADDR/,
		/^client: \[3\/5\] timeout$/,
		/^client: {3}no answer; after \d{4,}\.\d ms of silence our timeout fired/,
		/^client: {3}Python: .*TimeoutError/,
		/^client: {3}what it means: /,
		/^client: \[4\/5\] connection reset by peer$/,
		/^client: {3}Node error code: ECONNRESET$/,
		/^client: {3}Python: .*ConnectionResetError$/,
		/^client: {3}what it means: /,
		/^client: \[5\/5\] half-close$/,
		/^client: {3}sent "half-close\\n", then 34 more bytes, then called end\(\)/,
		/^client: {3}after closing our side we still received 89 bytes: "you sent 34 bytes and then closed your side; my side is still open, so here is my answer\\n"$/,
		/^client: {3}Python: .*shutdown\(socket\.SHUT_WR\)/,
		/^client: {3}what it means: /,
		/^client: all 5 scenarios behaved as explained$/,
		/^server: stopping$/,
	]);
	assert.doesNotMatch(output, /NOT as explained/);
});

describe('failures server (Node)', () => {
	let server: ExampleServer;
	before(async () => {
		server = await startExampleServer('failures');
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
			[Buffer.from('hello\nECHO hi\nsilent please\n\n"quoted"\ttab\r\n\xff ok\necho still open\n', 'latin1')],
			{ done: endsWithLines(7) }
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
		const rssBefore = server.rss();
		const flood = Array.from({ length: 32 }, () => Buffer.alloc(256 * 1024, 0x61)); // 8 MiB, no newline
		const result = await tcpExchange(server.port, flood, { timeoutMs: 15_000 });
		assert.equal(result.received.toString(), `error: line longer than ${MAX_LINE} bytes, closing\n`);
		assert.notEqual(result.ended, 'timeout');
		const rssAfter = server.rss();
		if (rssBefore !== undefined && rssAfter !== undefined) {
			assert.ok(rssAfter - rssBefore < 48 * 1024 * 1024, `server memory grew by ${(rssAfter - rssBefore) >> 20} MiB`);
		}
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
		await assert.rejects(startExampleServer('failures', 'server.js', ['--port', String(server.port)]), /already in use/);
	});
});

describe('failures client (Node)', () => {
	const runClient = (port: number) =>
		promisify(execFile)(process.execPath, ['client.js', '--port', String(port)], { cwd: join(examplesDir, 'failures'), timeout: 30_000 }).then(
			({ stdout }) => ({ code: 0, stdout }),
			(e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout })
		);

	it('exits 1 and says which scenarios did not behave, against a server that answers everything', async () => {
		// A polite server: answers every chunk at once and closes normally. No timeout, no reset.
		const polite = net.createServer((socket) => {
			socket.on('data', () => socket.write('hello\n'));
			socket.on('error', () => {});
		});
		await new Promise<void>((resolve) => polite.listen(0, '127.0.0.1', resolve));
		try {
			const { code, stdout } = await runClient((polite.address() as net.AddressInfo).port);
			assert.equal(code, 1);
			assert.match(stdout, /^client: \[3\/5\] timeout\nclient: {3}sent "silent\\n".*\nclient: {3}NOT as explained: it answered "hello\\n"$/m);
			assert.match(stdout, /^client: \[4\/5\] connection reset by peer\n.*\nclient: {3}NOT as explained: it answered "hello\\n"$/m);
			assert.match(stdout, /^client: {3}NOT as explained: got "hello\\n/m);
			assert.match(stdout, /^client: 3 of 5 scenarios did not behave as explained$/m);
		} finally {
			polite.close();
		}
	});

	it('tells you to start the server first when nothing is listening', async () => {
		const probe = net.createServer();
		await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
		const port = (probe.address() as net.AddressInfo).port;
		await new Promise((resolve) => probe.close(resolve));
		const { code, stdout } = await runClient(port);
		assert.equal(code, 1);
		assert.match(stdout, /^client: {3}NOT as explained: listening on 127\.0\.0\.1:\d+ worked, so the server is not running\. Start it first: node server\.js$/m);
		assert.match(stdout, new RegExp(`^client: {3}nothing is listening on 127\\.0\\.0\\.1:${port}\\. Start the server first: node server\\.js$`, 'm'));
		assert.match(stdout, /^client: 4 of 5 scenarios did not behave as explained$/m);
	});
});
