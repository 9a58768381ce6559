/**
 * names-and-addresses: a server on both loopback addresses (127.0.0.1 and ::1, one port) that
 * answers "whoami" with the family and the client's address, and a client that looks up
 * localhost, tries ::1 then 127.0.0.1 in turn, then lets the library connect by name.
 *
 * `localhost` is 127.0.0.1 only on some computers and ::1 and 127.0.0.1 on others: nothing
 * here assumes either. The start command's lookup lines are compared with what this
 * computer's lookup returns, and the other kind of computer is simulated by replacing the
 * lookup inside the client processes (Node: dns.lookup, Python: socket.getaddrinfo).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import dns from 'node:dns/promises';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { examplesDir, startExampleServer, type ExampleServer } from './support/example-process.ts';
import { describeExercises, type ExerciseMistake } from './support/exercises.ts';
import { watchMemory } from './support/memory.ts';
import { assertStartPrints } from './support/npm-start.ts';
import { randomBytes, seededRandom } from './support/random.ts';
import { splitRandomly, tcpExchange, vanishMidMessage, type Exchange } from './support/tcp-client.ts';
import { twins, type Program } from './support/twins.ts';

const run = promisify(execFile);
const MAX_LINE = 1024 * 1024;
const cwd = join(examplesDir, 'names-and-addresses');
const UNKNOWN = 'error: unknown command; the only command is whoami\n';
const TOO_LONG = `error: line longer than ${MAX_LINE} bytes, closing\n`;
const countLines = (bytes: Buffer) => bytes.reduce((n, byte) => n + (byte === 0x0a ? 1 : 0), 0);
const servers = twins('server.js', 'python/server.py');
const clients = twins('client.js', 'python/client.py');

const scratch = mkdtempSync(join(os.tmpdir(), 'netcourse-names-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * What a server answers to the bytes `sent` on a connection from `host`:`port`: one line per
 * complete line, up to the first line over 1 MiB, which gets the error instead.
 */
function expectedReply(sent: Buffer, host: string, port: number): Buffer {
	const family = net.isIPv6(host) ? 'AF_INET6' : 'AF_INET';
	const replies: string[] = [];
	for (let start = 0; ; ) {
		const newline = sent.indexOf(0x0a, start);
		if ((newline === -1 ? sent.length : newline) - start > MAX_LINE) {
			replies.push(TOO_LONG);
			break;
		}
		if (newline === -1) break; // an unfinished last line gets no answer
		let line = sent.subarray(start, newline);
		start = newline + 1;
		if (line.at(-1) === 0x0d) line = line.subarray(0, -1);
		replies.push(line.toString('latin1') === 'whoami' ? `${family} ${host} port ${port}\n` : UNKNOWN);
	}
	return Buffer.from(replies.join(''));
}

/**
 * Connects to `host`:`port`, sends `chunks` (one write each), and collects what comes back
 * until `lines` lines have arrived, the server closes, or `timeoutMs`.
 */
const exchange = (host: string, port: number, chunks: Buffer[], { lines = Infinity, timeoutMs = 10_000, end = false } = {}): Promise<Exchange> =>
	tcpExchange(port, chunks, { host, timeoutMs, endAfterSending: end, done: (received) => countLines(received) >= lines });

/** Resolves with the error code of a connect to `host`:`port`, or 'connected'. */
function tryConnect(host: string, port: number): Promise<string> {
	return new Promise((resolve) => {
		const socket = net.connect({ host, port, timeout: 2000 });
		socket.on('connect', () => {
			socket.destroy();
			resolve('connected');
		});
		socket.on('timeout', () => {
			socket.destroy();
			resolve('timeout');
		});
		socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
	});
}

/** Runs a program of the example to the end; resolves with its exit code and output, whatever the code. */
async function runToEnd(command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
	try {
		const { stdout, stderr } = await run(command, args, { cwd, timeout: 30_000 });
		return { code: 0, stdout, stderr };
	} catch (error) {
		const e = error as { code: number; stdout: string; stderr: string };
		return { code: e.code, stdout: e.stdout, stderr: e.stderr };
	}
}

// ---- localhost as this computer sees it, and as the other kind of computer would ----

/** The addresses this computer's lookup gives for localhost, in its order (Node: dns.lookup with all). */
const localhostHere = async () => (await dns.lookup('localhost', { all: true })).map((a) => a.address);

/**
 * Files that replace the lookup inside a client process, so that `localhost` is the addresses
 * in $LOCALHOST_ADDRESSES (comma-separated, in order), as on another kind of computer.
 */
const FAKE_NODE = join(scratch, 'fake-localhost.cjs');
writeFileSync(
	FAKE_NODE,
	`const dns = require('node:dns');
const net = require('node:net');
const real = dns.lookup;
dns.lookup = function (name, options, callback) {
	if (typeof options === 'function') { callback = options; options = {}; }
	if (typeof options === 'number') options = { family: options };
	if (name !== 'localhost') return real.call(this, name, options, callback);
	const all = process.env.LOCALHOST_ADDRESSES.split(',')
		.map((address) => ({ address, family: net.isIPv6(address) ? 6 : 4 }))
		.filter((a) => !options.family || a.family === options.family);
	process.nextTick(() => (options.all ? callback(null, all) : callback(null, all[0].address, all[0].family)));
};
`
);
const FAKE_PYTHON = join(scratch, 'fake_localhost.py');
writeFileSync(
	FAKE_PYTHON,
	`import os, runpy, socket, sys
real = socket.getaddrinfo
def fake(host, port, family=0, type=0, proto=0, flags=0):
    if host != "localhost":
        return real(host, port, family, type, proto, flags)
    names = os.environ["LOCALHOST_ADDRESSES"].split(",")
    return [r for name in names for r in real(name, port, family, type, proto, flags | socket.AI_NUMERICHOST)]
socket.getaddrinfo = fake
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
`
);

/** Runs a client with `localhost` looked up as `addresses`, in this order. */
async function runClientWithLocalhost(client: Program, addresses: string[], args: string[]) {
	const command = client.language === 'node' ? [client.command, '--require', FAKE_NODE, client.file] : [client.command, FAKE_PYTHON, client.file];
	try {
		const { stdout, stderr } = await run(command[0]!, [...command.slice(1), ...args], {
			cwd,
			timeout: 30_000,
			env: { ...process.env, LOCALHOST_ADDRESSES: addresses.join(',') },
		});
		return { code: 0, stdout, stderr };
	} catch (error) {
		const e = error as { code: number; stdout: string; stderr: string };
		return { code: e.code, stdout: e.stdout, stderr: e.stderr };
	}
}
const runClientDual = (client: Program, args: string[]) => runClientWithLocalhost(client, ['::1', '127.0.0.1'], args);

// ---- the start command ----

/** The client's lines, in order, under each part; the server's where one process prints them. */
const lookupLine = {
	node: /^client: dns\.lookup\("localhost", \{ all: true \}\) answered after \d+\.\d\d ms with [12] address(es)?:$/,
	python: /^client: getaddrinfo\("localhost", \d+, type=SOCK_STREAM\) blocked for \d+\.\d\d ms and returned [12] address(es)?:$/,
};
const refused = { node: 'ECONNREFUSED', python: 'ConnectionRefusedError' };
const libraryLine = {
	node: /^client: net\.connect\(\{ host: "localhost", port: \d+, autoSelectFamily: true \}\) tries the addresses of "localhost" itself$/,
	python: /^client: create_connection\(\("localhost", \d+\)\) tries the addresses of "localhost" itself$/,
};
const peerLine = {
	node: (host: string) => new RegExp(`^client: {3}remoteAddress "${host.replace(/\./g, '\\.')}", remoteFamily "IPv${net.isIPv6(host) ? 6 : 4}", remotePort \\d+$`),
	python: (host: string) =>
		new RegExp(`^client: {3}getpeername\\(\\) returned \\('${host.replace(/\./g, '\\.')}', \\d+${net.isIPv6(host) ? ', 0, 0\\): \\(host, port, flowinfo, scope_id\\)' : '\\): \\(host, port\\)'}$`),
};

for (const language of ['node', 'python'] as const) {
	it(`names-and-addresses (${language}): the start command exits 0 and prints both parts, whatever localhost is here`, async () => {
		const output = await assertStartPrints('names-and-addresses', language, [
			/^launch: part 1, a server on both loopback addresses, 127\.0\.0\.1 and ::1$/,
			/^server: listening on 127\.0\.0\.1:\d+$/,
			/^server: listening on \[::1\]:\d+$/,
			lookupLine[language],
			/^client: trying ::1, then 127\.0\.0\.1, one at a time/,
			/^client: connected to \[::1\]:\d+ from local port \d+$/,
			peerLine[language]('::1'),
			/^client: sent 7 bytes: "whoami\\n"$/,
			/^client: the server says "AF_INET6 ::1 port \d+"$/,
			libraryLine[language],
			/^client: the server says "AF_INET6? (::1|127\.0\.0\.1) port \d+"$/,
			/^server: stopping$/,
			/^launch: part 2, a server on 127\.0\.0\.1 only: nothing listens on ::1$/,
			/^server: listening on 127\.0\.0\.1:\d+$/,
			/^client: trying ::1, then 127\.0\.0\.1, one at a time/,
			new RegExp(`^client: connecting to \\[::1\\]:\\d+ failed: ${refused[language]} \\(nothing listens there\\); trying the next address$`),
			/^client: connected to 127\.0\.0\.1:\d+ from local port \d+$/,
			peerLine[language]('127.0.0.1'),
			/^client: the server says "AF_INET 127\.0\.0\.1 port \d+"$/,
			/^server: stopping$/,
		]);
		const lines = output.split('\n');
		assert.ok(!/Traceback|Error:|^\s+at /m.test(output), output);

		// Step 1 prints what the lookup really returned on this computer, in its order.
		const here = await localhostHere();
		const start = lines.findIndex((line) => lookupLine[language].test(line));
		const printed = lines.slice(start + 1, start + 1 + here.length);
		const expected = here.map((address) =>
			language === 'node'
				? `client:   ${address} (family ${net.isIPv6(address) ? 6 : 4})`
				: net.isIPv6(address)
					? new RegExp(`^client: {3}AF_INET6 \\('${address}', \\d+, 0, 0\\)$`)
					: new RegExp(`^client: {3}AF_INET \\('${address.replace(/\./g, '\\.')}', \\d+\\)$`)
		);
		for (const [i, want] of expected.entries()) {
			if (typeof want === 'string') assert.equal(printed[i], want);
			else assert.match(printed[i] ?? '', want);
		}
		assert.match(lines[start]!, new RegExp(` ${here.length} address${here.length === 1 ? ':' : 'es:'}$`));

		// Each answer names the port the client printed as its own just before, and step 3
		// connects to the first address the lookup returned.
		const answers = lines.filter((line) => line.startsWith('client: the server says'));
		const localPorts = lines.filter((line) => / from local port \d+$/.test(line)).map((line) => / (\d+)$/.exec(line)![1]);
		assert.equal(answers.length, 3);
		assert.deepEqual(
			answers.map((line) => / port (\d+)"$/.exec(line)![1]),
			localPorts,
			'the server sees the client’s own port'
		);
		assert.match(answers[1]!, new RegExp(`"${net.isIPv6(here[0]!) ? 'AF_INET6 ::1' : 'AF_INET 127\\.0\\.0\\.1'} port`));
	});
}

// ---- the servers ----

for (const impl of servers) {
	describe(`names-and-addresses server (${impl.label})`, () => {
		let server: ExampleServer;
		before(async () => {
			server = await startExampleServer('names-and-addresses', impl.file, [], { command: impl.command });
		});
		after(async () => {
			await server.stop();
		});

		it('listens on 127.0.0.1 and ::1 on one port, and tells each client its family, address and port', async () => {
			await server.waitFor(/listening on \[::1\]/, { from: 0 }); // printed just after the first one
			assert.deepEqual(
				server.output.filter((line) => line.includes('listening on')),
				[`server: listening on 127.0.0.1:${server.port}`, `server: listening on [::1]:${server.port}`]
			);
			for (const host of ['127.0.0.1', '::1']) {
				const result = await exchange(host, server.port, [Buffer.from('whoami\n')], { lines: 1 });
				assert.equal(result.ended, 'done');
				assert.equal(result.received.toString(), `${host === '::1' ? 'AF_INET6' : 'AF_INET'} ${host} port ${result.localPort}\n`);
				const peer = host === '::1' ? `[::1]:${result.localPort}` : `127.0.0.1:${result.localPort}`;
				await server.waitFor(new RegExp(`^server: accepted a connection from ${peer.replace(/[[\].]/g, '\\$&')} \\(AF_INET6?\\)`), { from: 0 });
			}
		});

		it('listens on loopback only: other addresses of this computer refuse the connection', async (t) => {
			const others = Object.values(os.networkInterfaces())
				.flat()
				.filter((info) => info && !info.internal && !info.address.startsWith('fe80:'))
				.map((info) => info!.address);
			// The whole of 127.0.0.0/8 is loopback on Linux: a server on every address would take 127.0.0.2 too.
			if (process.platform === 'linux') others.push('127.0.0.2');
			if (others.length === 0) return t.skip('no other address to try');
			for (const address of others) {
				assert.notEqual(await tryConnect(address, server.port), 'connected', `${address}:${server.port} took the connection`);
			}
		});

		it('gives each of 200 concurrent clients, half over IPv6, exactly its own answers, in order', async () => {
			const random = seededRandom(2024);
			const plans = Array.from({ length: 200 }, (_, id) => {
				const lines = Array.from({ length: 10 + Math.floor(random() * 10) }, (_, seq) => {
					const kind = random();
					return kind < 0.5 ? 'whoami\n' : kind < 0.7 ? 'whoami\r\n' : `client ${id} asks ${seq} ${'x'.repeat(Math.floor(random() * 200))}\n`;
				});
				const sent = Buffer.from(lines.join(''));
				return { host: id % 2 ? '::1' : '127.0.0.1', sent, chunks: splitRandomly(sent, random, 8), lines: lines.length };
			});
			const results = await Promise.all(plans.map((p) => exchange(p.host, server.port, p.chunks, { lines: p.lines, timeoutMs: 30_000 })));
			for (const [id, result] of results.entries()) {
				assert.equal(result.ended, 'done', `client ${id}`);
				assert.equal(result.received.toString(), expectedReply(plans[id]!.sent, plans[id]!.host, result.localPort).toString(), `client ${id}`);
			}
		});

		it('answers garbage bytes line by line as the protocol says, and keeps running', async () => {
			for (const [seed, host] of [[7, '127.0.0.1'], [8, '::1']] as const) {
				const garbage = Buffer.concat([randomBytes(seededRandom(seed), 64 * 1024), Buffer.from('\nwhoami\n')]);
				const result = await exchange(host, server.port, splitRandomly(garbage, seededRandom(seed + 100), 10), { lines: countLines(garbage) });
				assert.equal(result.ended, 'done');
				assert.ok(result.received.equals(expectedReply(garbage, host, result.localPort)));
			}
			assert.ok(server.alive());
		});

		it('drops an unfinished last line when the client closes its sending side', async () => {
			const result = await exchange('::1', server.port, [Buffer.from('whoami\nwhoami')], { end: true });
			assert.equal(result.received.toString(), `AF_INET6 ::1 port ${result.localPort}\n`);
			assert.equal(result.ended, 'closed');
		});

		it('answers a line of exactly 1 MiB, refuses one byte more with an error, and closes without buffering the rest', async () => {
			const exactly = await exchange('127.0.0.1', server.port, [Buffer.alloc(MAX_LINE, 0x61), Buffer.from('\nwhoami\n')], { lines: 2, timeoutMs: 15_000 });
			assert.equal(exactly.received.toString(), `${UNKNOWN}AF_INET 127.0.0.1 port ${exactly.localPort}\n`);

			const memory = watchMemory(server);
			const flood = Array.from({ length: 32 }, () => Buffer.alloc(256 * 1024, 0x61)); // 8 MiB, no newline
			const over = await exchange('::1', server.port, [Buffer.from('whoami\n'), ...flood], { timeoutMs: 15_000 });
			assert.equal(over.received.toString(), `AF_INET6 ::1 port ${over.localPort}\n${TOO_LONG}`);
			assert.notEqual(over.ended, 'timeout');
			memory.assertBounded();

			const oneMore = await exchange('127.0.0.1', server.port, [Buffer.alloc(MAX_LINE + 1, 0x62), Buffer.from('\n')], { timeoutMs: 15_000 });
			assert.equal(oneMore.received.toString(), TOO_LONG);
			const check = await exchange('::1', server.port, [Buffer.from('whoami\n')], { lines: 1 });
			assert.equal(check.received.toString(), `AF_INET6 ::1 port ${check.localPort}\n`);
		});

		it('keeps serving others when clients vanish mid-line, over either family', async () => {
			const vanishing = Array.from({ length: 50 }, (_, i) => vanishMidMessage(server.port, Buffer.from(`whoa${i}`), i % 2 ? '::1' : '127.0.0.1'));
			const hosts = Array.from({ length: 20 }, (_, i) => (i % 2 ? '::1' : '127.0.0.1'));
			const steady = hosts.map((host) => exchange(host, server.port, [Buffer.from('whoami\n')], { lines: 1 }));
			await Promise.all(vanishing);
			for (const [i, result] of (await Promise.all(steady)).entries()) {
				assert.equal(result.received.toString(), expectedReply(Buffer.from('whoami\n'), hosts[i]!, result.localPort).toString());
			}
			assert.ok(server.alive());
			assert.deepEqual(server.output.filter((line) => /Traceback|Error:|unexpected/.test(line)), []);
		});

		it('says clearly when its port is taken', async () => {
			const second = startExampleServer('names-and-addresses', impl.file, ['--port', String(server.port)], { command: impl.command });
			await assert.rejects(second, /already in use/);
		});

		it('with --listen 127.0.0.1 listens on IPv4 only: ::1 refuses the connection', async () => {
			const ipv4 = await startExampleServer('names-and-addresses', impl.file, ['--listen', '127.0.0.1'], { command: impl.command });
			try {
				assert.deepEqual(ipv4.output.filter((line) => line.includes('listening on')), [`server: listening on 127.0.0.1:${ipv4.port}`]);
				assert.equal(await tryConnect('::1', ipv4.port), 'ECONNREFUSED');
				const result = await exchange('127.0.0.1', ipv4.port, [Buffer.from('whoami\n')], { lines: 1 });
				assert.equal(result.received.toString(), `AF_INET 127.0.0.1 port ${result.localPort}\n`);
			} finally {
				await ipv4.stop();
			}
		});
	});
}

// ---- the clients ----

describe('names-and-addresses interop: each client against the other language’s server', () => {
	for (const server of servers) {
		for (const client of clients.filter((c) => c.language !== server.language)) {
			it(`${client.label} client → ${server.label} server, on both addresses and on 127.0.0.1 only`, async () => {
				const both = await startExampleServer('names-and-addresses', server.file, [], { command: server.command });
				const ipv4 = await startExampleServer('names-and-addresses', server.file, ['--listen', '127.0.0.1'], { command: server.command });
				try {
					const full = await runToEnd(client.command, [client.file, '--port', String(both.port)]);
					assert.equal(full.code, 0, full.stdout + full.stderr);
					const port = /^client: connected to \[::1\]:\d+ from local port (\d+)$/m.exec(full.stdout)?.[1];
					assert.match(full.stdout, new RegExp(`^client: the server says "AF_INET6 ::1 port ${port}"$`, 'm'));

					const onlyTry = await runToEnd(client.command, [client.file, '--port', String(ipv4.port), '--only-try']);
					assert.equal(onlyTry.code, 0, onlyTry.stdout + onlyTry.stderr);
					assert.match(onlyTry.stdout, /^client: connecting to \[::1\]:\d+ failed: .*nothing listens there/m);
					assert.match(onlyTry.stdout, /^client: the server says "AF_INET 127\.0\.0\.1 port \d+"$/m);
					assert.doesNotMatch(onlyTry.stdout, /getaddrinfo|dns\.lookup/, '--only-try skips the lookup');
				} finally {
					await Promise.all([both.stop(), ipv4.stop()]);
				}
			});
		}
	}
});

describe('names-and-addresses clients where localhost is ::1 and 127.0.0.1 (the lookup replaced inside the client)', () => {
	let both: ExampleServer;
	let ipv4: ExampleServer;
	before(async () => {
		both = await startExampleServer('names-and-addresses', 'server.js');
		ipv4 = await startExampleServer('names-and-addresses', 'server.js', ['--listen', '127.0.0.1']);
	});
	after(async () => {
		await Promise.all([both.stop(), ipv4.stop()]);
	});

	for (const client of clients) {
		it(`${client.label} client: prints both addresses, ::1 first, and connects by name over IPv6`, async () => {
			const { code, stdout, stderr } = await runClientDual(client, ['--port', String(both.port)]);
			assert.equal(code, 0, stdout + stderr);
			const lines = stdout.split('\n');
			const start = lines.findIndex((line) => lookupLine[client.language].test(line));
			assert.match(lines[start]!, / 2 addresses:$/);
			if (client.language === 'node') {
				assert.deepEqual(lines.slice(start + 1, start + 3), ['client:   ::1 (family 6)', 'client:   127.0.0.1 (family 4)']);
			} else {
				assert.deepEqual(lines.slice(start + 1, start + 3), [`client:   AF_INET6 ('::1', ${both.port}, 0, 0)`, `client:   AF_INET ('127.0.0.1', ${both.port})`]);
			}
			const answers = lines.filter((line) => line.startsWith('client: the server says'));
			assert.equal(answers.length, 2);
			for (const answer of answers) assert.match(answer, /"AF_INET6 ::1 port \d+"$/);
		});

		it(`${client.label} client: against a server on 127.0.0.1 only, connecting by name still works (::1 refused first, unseen)`, async () => {
			const { code, stdout, stderr } = await runClientDual(client, ['--port', String(ipv4.port)]);
			assert.equal(code, 0, stdout + stderr);
			const after = stdout.split('\n').slice(stdout.split('\n').findIndex((line) => libraryLine[client.language].test(line)));
			assert.match(after.join('\n'), /^client: connected to 127\.0\.0\.1:\d+ from local port \d+$/m);
			assert.match(after.join('\n'), /^client: the server says "AF_INET 127\.0\.0\.1 port \d+"$/m);
			assert.doesNotMatch(after.join('\n'), /failed/, 'the library’s refused first try does not show');
		});
	}
});

describe('names-and-addresses clients where localhost is 127.0.0.1 only, against a server on ::1 only (the tip on the course page)', () => {
	let ipv6: ExampleServer;
	before(async () => {
		ipv6 = await startExampleServer('names-and-addresses', 'python/server.py', ['--listen', '::1'], { command: servers[1].command });
	});
	after(async () => {
		await ipv6.stop();
	});

	for (const client of clients) {
		it(`${client.label} client: ::1 tried by hand is accepted, connecting by name is refused: exit code 1 and one clear line`, async () => {
			const { code, stdout, stderr } = await runClientWithLocalhost(client, ['127.0.0.1'], ['--port', String(ipv6.port)]);
			assert.equal(code, 1, stdout + stderr);
			assert.match(stdout, /^client: the server says "AF_INET6 ::1 port \d+"$/m);
			const call = client.language === 'node' ? `net\\.connect\\(\\{ host: "localhost", port: ${ipv6.port}, autoSelectFamily: true \\}\\)` : `create_connection\\(\\("localhost", ${ipv6.port}\\)\\)`;
			assert.match(stderr, new RegExp(`^client: ${call} failed: ${refused[client.language]} \\(nothing listens there\\)$`, 'm'));
			assert.doesNotMatch(stderr, /Traceback|^\s+at /m);
		});
	}
});

describe('names-and-addresses clients without a server', () => {
	for (const client of clients) {
		it(`${client.label} client: every address refused: exit code 1 and one clear line, no traceback`, async () => {
			const free = await new Promise<number>((resolve) => {
				const probe = net.createServer().listen(0, '127.0.0.1', () => {
					const { port } = probe.address() as net.AddressInfo;
					probe.close(() => resolve(port));
				});
			});
			const { code, stdout, stderr } = await runToEnd(client.command, [client.file, '--port', String(free)]);
			assert.equal(code, 1, stdout + stderr);
			assert.match(stdout, /^client: connecting to 127\.0\.0\.1:\d+ failed: .*nothing listens there\)$/m);
			assert.match(stderr, /^client: nothing is listening on port \d+ at ::1 or 127\.0\.0\.1\. Start the server first: (node|python3) server\.(js|py)$/m);
			assert.doesNotMatch(stderr, /Traceback|^\s+at /m);
		});
	}
});

/** Plausible mistakes, each made in the reference solution by a few edits: the check must reject every one. */
const mistakes: ExerciseMistake[] = [
	{
		exercise: 'lookup-command',
		language: 'node',
		what: 'writes a lookup answer when it comes, out of order',
		file: 'server.js',
		edits: [["send(lookUp(text.slice('lookup '.length)));", "lookUp(text.slice('lookup '.length)).then((answer) => socket.write(answer));"]],
	},
	{ exercise: 'lookup-command', language: 'node', what: 'writes the family as IPv4 and IPv6', file: 'server.js', edits: [["`${family === 6 ? 'AF_INET6' : 'AF_INET'} ${address}`", '`IPv${family} ${address}`']] },
	{
		exercise: 'lookup-command',
		language: 'python',
		what: 'calls getaddrinfo() without type=, so each address comes once per socket type',
		file: 'python/server.py',
		edits: [['socket.getaddrinfo(name, None, type=socket.SOCK_STREAM)', 'socket.getaddrinfo(name, None)']],
	},
	{ exercise: 'try-until-answered', language: 'node', what: 'has no timeout for the answer', file: 'client.js', edits: [['\t\tsocket.setTimeout(ANSWER_TIMEOUT_MS); // from now on, wait this long for the answer\n', '']] },
	{ exercise: 'try-until-answered', language: 'node', what: 'returns whoami() without await inside try', file: 'client.js', edits: [['return await whoami(socket);', 'return whoami(socket);']] },
	{
		exercise: 'try-until-answered',
		language: 'python',
		what: 'has no timeout for the answer',
		file: 'python/client.py',
		edits: [['        sock.settimeout(ANSWER_TIMEOUT_S)  # from now on, wait this long for the answer\n', '']],
	},
	{
		exercise: 'try-until-answered',
		language: 'python',
		what: 'catches only TimeoutError, not a closed connection',
		file: 'python/client.py',
		edits: [['except OSError as error:  # TimeoutError: no answer in time; ConnectionError: closed without one', 'except TimeoutError as error:']],
	},
];

describeExercises('names-and-addresses', mistakes);
