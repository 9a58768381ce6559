import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { examplesDir, startExampleServer, type ExampleServer } from './support/example-process.ts';
import { describeExercises, type ExerciseMistake } from './support/exercises.ts';
import { watchMemory } from './support/memory.ts';
import { assertStartPrints } from './support/npm-start.ts';
import { randomBytes, seededRandom } from './support/random.ts';
import { twins } from './support/twins.ts';
import { udpExchange, udpSendAndClose } from './support/udp-client.ts';

const run = promisify(execFile);

const MAX_DATAGRAM = 8192;
const TOO_LARGE = `error: datagram larger than ${MAX_DATAGRAM} bytes`;

/** Waits until the server has printed a line matching `pattern` (its output can lag behind its replies). */
async function printed(server: ExampleServer, pattern: RegExp, timeoutMs = 2000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!server.output.some((line) => pattern.test(line))) {
		assert.ok(Date.now() < deadline, `the server printed no line matching ${pattern}`);
		await new Promise((wait) => setTimeout(wait, 10));
	}
}

for (const language of ['node', 'python'] as const) {
	it(`udp-echo (${language}): the start command exits 0 and prints the labelled datagrams`, async () => {
		const output = await assertStartPrints('udp-echo', language, [
			/^server: listening on 127\.0\.0\.1:\d+$/,
			/^client: no connection to set up, sending 3 datagrams straight to 127\.0\.0\.1:\d+$/,
			/^client: sent 3 bytes: "one"$/,
			/^client: sent 7 bytes: "two two"$/,
			/^client: sent 17 bytes: "three three three"$/,
			/^client: received one datagram of 17 bytes from 127\.0\.0\.1:\d+: "three three three"$/,
			/^client: 3 datagrams sent, 3 came back, each with its own boundaries$/,
			/^server: stopping$/,
		]);
		for (const size of [3, 7, 17]) {
			assert.match(output, new RegExp(`^client: received one datagram of ${size} bytes from 127\\.0\\.0\\.1:\\d+: `, 'm'));
			assert.match(output, new RegExp(`^server: received ${size} bytes from 127\\.0\\.0\\.1:\\d+$`, 'm'));
			assert.match(output, new RegExp(`^server: echoed ${size} bytes to 127\\.0\\.0\\.1:\\d+$`, 'm'));
		}
	});
}

for (const impl of twins('server.js', 'python/server.py')) {
	describe(`udp-echo server (${impl.label})`, () => {
		let server: ExampleServer;
		before(async () => {
			server = await startExampleServer('udp-echo', impl.file, [], { command: impl.command });
		});
		after(async () => {
			await server.stop();
		});

		it('gives each of 200 concurrent clients (own sockets) exactly its own datagrams back', async () => {
			const random = seededRandom(200);
			const clients = Array.from({ length: 200 }, (_, id) =>
				Array.from({ length: 10 }, (_, seq) =>
					Buffer.concat([Buffer.from(`client ${id} datagram ${seq} `), randomBytes(random, Math.floor(random() * 1000))])
				)
			);
			const results = await Promise.all(clients.map((datagrams) => udpExchange(server.port, datagrams)));
			for (const [id, result] of results.entries()) {
				for (const [seq, reply] of result.replies.entries()) {
					assert.ok(reply !== undefined, `client ${id} datagram ${seq}: no reply after 3 tries`);
					assert.ok(reply.equals(clients[id]![seq]!), `client ${id} datagram ${seq}: got back different bytes`);
				}
			}
			assert.ok(server.alive());
		});

		it('echoes garbage datagrams of every size up to the limit byte for byte, the empty one too', async () => {
			const random = seededRandom(7);
			const sizes = [0, 1, 2, 255, 1500, 4096, MAX_DATAGRAM - 1, MAX_DATAGRAM];
			sizes.push(...Array.from({ length: 12 }, () => 1 + Math.floor(random() * MAX_DATAGRAM)));
			const datagrams = sizes.map((size) => randomBytes(random, size));
			const result = await udpExchange(server.port, datagrams);
			for (const [i, reply] of result.replies.entries()) {
				assert.ok(reply !== undefined, `datagram of ${sizes[i]} bytes: no reply`);
				assert.ok(reply.equals(datagrams[i]!), `datagram of ${sizes[i]} bytes: got back ${reply.length} different bytes`);
			}
			assert.ok(server.alive());
		});

		it('answers a datagram over 8192 bytes (8193 and 65507) with the exact error text, not an echo', async () => {
			for (const size of [MAX_DATAGRAM + 1, 65507]) {
				const result = await udpExchange(server.port, [Buffer.alloc(size, 0x61)]);
				assert.equal(result.replies[0]?.toString('latin1'), TOO_LARGE, `datagram of ${size} bytes`);
			}
			await printed(server, /^server: 65507 bytes is over the 8192-byte limit, sent an error reply to 127\.0\.0\.1:\d+$/);
			const check = await udpExchange(server.port, [Buffer.from('still here')]);
			assert.equal(check.replies[0]?.toString(), 'still here');
		});

		it('keeps its memory bounded under a flood of 8 MiB of oversized datagrams, and still serves', async () => {
			const memory = watchMemory(server);
			const socket = dgram.createSocket('udp4');
			socket.on('error', () => {});
			for (let i = 0; i < 128; i++) {
				await new Promise((sent) => socket.send(Buffer.alloc(65507, i), server.port, '127.0.0.1', sent));
			}
			await new Promise((wait) => setTimeout(wait, 300));
			socket.close();
			memory.assertBounded();
			const check = await udpExchange(server.port, [Buffer.from('after the flood')]);
			assert.equal(check.replies[0]?.toString(), 'after the flood');
			assert.ok(server.alive());
		});

		it('keeps serving others when clients close their socket right after sending', async () => {
			const gone = Array.from({ length: 50 }, (_, i) => udpSendAndClose(server.port, Buffer.from(`gone ${i}`)));
			const steady = Array.from({ length: 20 }, (_, i) => udpExchange(server.port, [Buffer.from(`steady ${i}`)]));
			await Promise.all(gone);
			for (const [i, result] of (await Promise.all(steady)).entries()) assert.equal(result.replies[0]?.toString(), `steady ${i}`);
			await new Promise((wait) => setTimeout(wait, 200)); // let the replies to the closed sockets go out
			const later = await udpExchange(server.port, [Buffer.from('after')]);
			assert.equal(later.replies[0]?.toString(), 'after');
			assert.ok(server.alive());
		});

		it('says clearly when its port is taken', async () => {
			const second = startExampleServer('udp-echo', impl.file, ['--port', String(server.port)], { command: impl.command });
			await assert.rejects(second, /already in use/);
		});
	});
}

describe('udp-echo interop: each client against the other language’s server', () => {
	const servers = twins('server.js', 'python/server.py');
	const clients = twins('client.js', 'python/client.py');
	for (const server of servers) {
		for (const client of clients.filter((c) => c.language !== server.language)) {
			it(`${client.label} client → ${server.label} server`, async () => {
				const running = await startExampleServer('udp-echo', server.file, [], { command: server.command });
				try {
					const { stdout } = await run(client.command, [client.file, '--port', String(running.port), 'interop ✓', 'two', 'Grüße'], {
						cwd: join(examplesDir, 'udp-echo'),
						timeout: 20_000,
					});
					const from = `from 127\\.0\\.0\\.1:${running.port}`;
					assert.match(stdout, new RegExp(`^client: received one datagram of 11 bytes ${from}: "interop ✓"$`, 'm'));
					assert.match(stdout, new RegExp(`^client: received one datagram of 3 bytes ${from}: "two"$`, 'm'));
					assert.match(stdout, new RegExp(`^client: received one datagram of 7 bytes ${from}: "Grüße"$`, 'm'));
					assert.match(stdout, /^client: 3 datagrams sent(?: \(\d resent\))?, 3 came back, each with its own boundaries$/m);
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
		exercise: 'pinger',
		language: 'node',
		what: 'takes any reply as the answer to the ping it waits for',
		file: 'client.js',
		edits: [
			[
				"\t\t\t\tif (message.toString('utf8') !== expected) {\n\t\t\t\t\tconsole.log(`client: ignoring a late or unknown reply: ${show(message)}`);\n\t\t\t\t\treturn;\n\t\t\t\t}\n",
				'',
			],
		],
	},
	{ exercise: 'pinger', language: 'node', what: 'waits 1 s for every ping, whatever --timeout says', file: 'client.js', edits: [['setTimeout(() => resolve(undefined), timeoutMs)', 'setTimeout(() => resolve(undefined), 1000)']] },
	{ exercise: 'pinger', language: 'node', what: 'works out the loss rate over the replies, not over the pings sent', file: 'client.js', edits: [['Math.round((100 * lost) / count)', 'Math.round((100 * lost) / rtts.length)']] },
	{ exercise: 'pinger', language: 'python', what: 'takes any reply as the answer to the ping it waits for', file: 'python/client.py', edits: [['if data == expected:', 'if data:']] },
	{ exercise: 'pinger', language: 'python', what: 'prints the round-trip time in seconds', file: 'python/client.py', edits: [['rtt = (time.perf_counter() - start) * 1000', 'rtt = time.perf_counter() - start']] },
	{
		exercise: 'count-per-sender',
		language: 'node',
		what: 'keeps one counter for every sender',
		file: 'server.js',
		edits: [
			['const counts = new Map();', 'let total = 0;'],
			['const count = (counts.get(peer) ?? 0) + 1;\n\tcounts.set(peer, count);', 'const count = ++total;'],
		],
	},
	{
		exercise: 'count-per-sender',
		language: 'node',
		what: 'tells senders apart by their address only, not address and port',
		file: 'server.js',
		edits: [
			['counts.get(peer)', 'counts.get(sender.address)'],
			['counts.set(peer, count)', 'counts.set(sender.address, count)'],
		],
	},
	{
		exercise: 'count-per-sender',
		language: 'python',
		what: 'tells senders apart by their address only, not address and port',
		file: 'python/server.py',
		edits: [
			['counts[peer] = counts.get(peer, 0) + 1', 'counts[peer_host] = counts.get(peer_host, 0) + 1'],
			['sock.sendto(f"{counts[peer]}: "', 'sock.sendto(f"{counts[peer_host]}: "'],
			['numbered {counts[peer]}', 'numbered {counts[peer_host]}'],
		],
	},
	{
		exercise: 'count-per-sender',
		language: 'python',
		what: 'makes its table of counts anew for every datagram',
		file: 'python/server.py',
		edits: [
			['    counts: dict[str, int] = {}\n', ''],
			['        counts[peer] = counts.get(peer, 0) + 1', '        counts: dict[str, int] = {}\n        counts[peer] = counts.get(peer, 0) + 1'],
		],
	},
];

describeExercises('udp-echo', mistakes);
