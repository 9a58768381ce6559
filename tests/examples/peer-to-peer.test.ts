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
import { twins, type Program } from './support/twins.ts';

const MAX_LINE = 1024 * 1024;
const countLines = (received: Buffer) => received.reduce((n, byte) => n + (byte === 0x0a ? 1 : 0), 0);
const linesOf = (received: Buffer) => received.toString('utf8').split('\n').slice(0, -1);
const message = (id: string, origin: string, text: string, path: string[] = [origin]) => ({ type: 'message', id, origin, text, path });
const ack = (id: string) => ({ type: 'ack', id });
const error = (text: string) => ({ type: 'error', message: text });
/** peer.js's pictures of a text and of a line for the log (JavaScript counts UTF-16 units). */
const show = (text: string) => (text.length > 50 ? `${JSON.stringify(text.slice(0, 50))}...` : JSON.stringify(text));
const cut = (line: string) => (line.length > 150 ? `${line.slice(0, 150)}...` : line);

/** peer.js and its Python twin: every test below runs against both. */
const peers = twins('peer.js', 'python/peer.py');
const startPeer = (impl: Program, name: string, args: string[] = []) =>
	startExampleServer('peer-to-peer', impl.file, ['--name', name, ...args], { command: impl.command });

/** Waits (at most 5 s) until the process has printed a line, at index `from` or later, that passes `test`. */
async function printed(process: ExampleServer, test: (line: string) => boolean, from = 0): Promise<void> {
	for (let waited = 0; !process.output.slice(from).some(test); waited += 20) {
		if (waited > 5000) assert.fail(`no such line in:\n${process.output.slice(from).join('\n')}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

/** Sends `lines` (each gets "\n") in one write and returns the parsed reply lines once `replies` have come. */
async function exchange(port: number, lines: (string | Buffer)[], replies: number): Promise<unknown[]> {
	const bytes = Buffer.concat(lines.map((line) => Buffer.concat([Buffer.from(line), Buffer.from('\n')])));
	const result = await tcpExchange(port, [bytes], { done: (received) => countLines(received) >= replies });
	assert.equal(result.ended, 'done', `expected ${replies} reply lines, got: ${result.received.toString()}`);
	return linesOf(result.received).map((line) => JSON.parse(line));
}

/** Types `next` into `peer` and waits until it has taken it. */
async function setNext(peer: ExampleServer, port: number) {
	const taken = peer.waitFor(new RegExp(`my next peer is now 127\\.0\\.0\\.1:${port}$`));
	peer.type(`next 127.0.0.1:${port}`);
	await taken;
}

for (const language of ['node', 'python'] as const) {
	it(`peer-to-peer (${language}): the start command exits 0 and shows the message going around the ring A -> B -> C -> A`, async () => {
		// Three processes print at once, so only the order within one peer's lines (and the
		// peers' start and stop) is certain; the lines of B and C are checked below.
		const output = await assertStartPrints('peer-to-peer', language, [
			/^peer A: listening on 127\.0\.0\.1:\d+$/,
			/^peer B: listening on 127\.0\.0\.1:\d+$/,
			/^peer C: listening on 127\.0\.0\.1:\d+$/,
			/^peer A: sending "hello around the ring" as A-1 to 127\.0\.0\.1:\d+$/,
			/^peer A: sent 87 bytes to 127\.0\.0\.1:\d+ from my port \d+: \{"type":"message","id":"A-1","origin":"A","text":"hello around the ring","path":\["A"\]\}$/,
			/^peer A: my message came back: A -> B -> C -> A \(3 hops\)$/,
			/^peer [ABC]: stopping$/,
		]);
		const lines = output.split('\n');
		const inOrder = (name: string, patterns: RegExp[]) => {
			const own = lines.filter((line) => line.startsWith(`peer ${name}: `));
			let from = 0;
			for (const pattern of patterns) {
				const index = own.findIndex((line, i) => i >= from && pattern.test(line));
				assert.notEqual(index, -1, `no line matching ${pattern} in:\n${own.join('\n')}`);
				from = index + 1;
			}
		};
		inOrder('B', [
			/^peer B: got "hello around the ring" from A, passing it to 127\.0\.0\.1:\d+$/,
			/^peer B: sent 91 bytes to 127\.0\.0\.1:\d+ from my port \d+: \{"type":"message","id":"A-1","origin":"A","text":"hello around the ring","path":\["A","B"\]\}$/,
		]);
		inOrder('C', [
			/^peer C: got "hello around the ring" from A, passing it to 127\.0\.0\.1:\d+$/,
			/^peer C: sent 95 bytes to 127\.0\.0\.1:\d+ from my port \d+: \{"type":"message","id":"A-1","origin":"A","text":"hello around the ring","path":\["A","B","C"\]\}$/,
		]);
		// Each peer passed the message to the port the next one in the ring listens on.
		const port = (name: string) => new RegExp(`^peer ${name}: listening on 127\\.0\\.0\\.1:(\\d+)$`, 'm').exec(output)?.[1];
		assert.match(output, new RegExp(`^peer A: sending .* to 127\\.0\\.0\\.1:${port('B')}$`, 'm'));
		assert.match(output, new RegExp(`^peer B: got .* passing it to 127\\.0\\.0\\.1:${port('C')}$`, 'm'));
		assert.match(output, new RegExp(`^peer C: got .* passing it to 127\\.0\\.0\\.1:${port('A')}$`, 'm'));
		for (const name of ['A', 'B', 'C']) assert.match(output, new RegExp(`^peer ${name}: stopping$`, 'm'));
	});
}

for (const impl of peers) {
	describe(`peer-to-peer: one peer with no next peer, as the server under test (${impl.label})`, () => {
		let peer: ExampleServer;
		before(async () => {
			peer = await startPeer(impl, 'P');
		});
		after(async () => {
			await peer.stop();
		});

		it('gives each of 200 concurrent clients exactly the acks for its own 10 messages, in order', async () => {
			const random = seededRandom(200);
			const clients = Array.from({ length: 200 }, (_, client) => {
				const ids = Array.from({ length: 10 }, (_, seq) => `c${client}-m${seq}`);
				const lines = ids.map((id) => `${JSON.stringify(message(id, `Q${client}`, `text ${id} ${'é✓'.repeat(Math.floor(random() * 200))}`))}\n`);
				const sent = Buffer.from(lines.join(''));
				return { chunks: splitRandomly(sent, random, 8), expected: ids.map((id) => `${JSON.stringify(ack(id))}\n`).join('') };
			});
			const results = await Promise.all(
				clients.map((c) => tcpExchange(peer.port, c.chunks, { done: (r) => countLines(r) >= 10, timeoutMs: 20_000 }))
			);
			for (const [client, result] of results.entries()) {
				assert.equal(result.ended, 'done', `client ${client}`);
				assert.equal(result.received.toString('utf8'), clients[client]!.expected, `client ${client}`);
			}
			// With no next peer it keeps what it got, but never more than 100 messages.
			await printed(peer, (line) => /^peer P: already keeping 100 messages: dropping the oldest, c\d+-m\d+$/.test(line));
			await printed(peer, (line) => /^peer P: got "text c\d+-m\d+ .*" from Q\d+, but I have no next peer: keeping it \(100 kept\)/.test(line));
		});

		it('answers every invalid line with the exact error reply and keeps the connection usable', async () => {
			const names17 = Array.from({ length: 17 }, (_, i) => `N${i}`);
			const cases: [string | Buffer, object][] = [
				['nope', error('not valid JSON')],
				['{"type":"message","id":"x"', error('not valid JSON')],
				["{'type':'message'}", error('not valid JSON')],
				[Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), error('not valid JSON')],
				[Buffer.from('\ufeff{"type":"message","id":"bom","origin":"A","text":"","path":["A"]}'), error('not valid JSON')],
				['42', error('expected a JSON object with "type":"message"')],
				['null', error('expected a JSON object with "type":"message"')],
				['[]', error('expected a JSON object with "type":"message"')],
				['"message"', error('expected a JSON object with "type":"message"')],
				['{"id":"x","origin":"A","text":"t","path":["A"]}', error('expected a JSON object with "type":"message"')],
				['{"type":"ack","id":"x"}', error('expected a JSON object with "type":"message"')],
				['{"type":"message","origin":"A","text":"t","path":["A"]}', error('"id" must be 1 to 100 letters, digits or . _ : -')],
				['{"type":"message","id":7,"origin":"A","text":"t","path":["A"]}', error('"id" must be 1 to 100 letters, digits or . _ : -')],
				['{"type":"message","id":"","origin":"A","text":"t","path":["A"]}', error('"id" must be 1 to 100 letters, digits or . _ : -')],
				['{"type":"message","id":"a b","origin":"A","text":"t","path":["A"]}', error('"id" must be 1 to 100 letters, digits or . _ : -')],
				[JSON.stringify(message('x'.repeat(101), 'A', 't')), error('"id" must be 1 to 100 letters, digits or . _ : -')],
				['{"type":"message","id":"x","text":"t","path":["A"]}', error('"origin" must be a peer name: 1 to 32 letters or digits')],
				[JSON.stringify(message('x', 'A-B', 't')), error('"origin" must be a peer name: 1 to 32 letters or digits')],
				[JSON.stringify(message('x', '', 't')), error('"origin" must be a peer name: 1 to 32 letters or digits')],
				[JSON.stringify(message('x', 'A'.repeat(33), 't')), error('"origin" must be a peer name: 1 to 32 letters or digits')],
				['{"type":"message","id":"x","origin":"A","path":["A"]}', error('"text" must be a string')],
				['{"type":"message","id":"x","origin":"A","text":5,"path":["A"]}', error('"text" must be a string')],
				['{"type":"message","id":"x","origin":"A","text":null,"path":["A"]}', error('"text" must be a string')],
				['{"type":"message","id":"x","origin":"A","text":"t"}', error('"path" must be a list of 1 to 16 peer names, starting with the origin')],
				[JSON.stringify(message('x', 'A', 't', [])), error('"path" must be a list of 1 to 16 peer names, starting with the origin')],
				[JSON.stringify(message('x', 'A', 't', ['B'])), error('"path" must be a list of 1 to 16 peer names, starting with the origin')],
				['{"type":"message","id":"x","origin":"A","text":"t","path":"A"}', error('"path" must be a list of 1 to 16 peer names, starting with the origin')],
				['{"type":"message","id":"x","origin":"A","text":"t","path":["A",5]}', error('"path" must be a list of 1 to 16 peer names, starting with the origin')],
				[JSON.stringify(message('x', 'A', 't', ['A', 'b c'])), error('"path" must be a list of 1 to 16 peer names, starting with the origin')],
				[JSON.stringify(message('x', 'N0', 't', names17)), error('"path" must be a list of 1 to 16 peer names, starting with the origin')],
				// Where Python's json module is more lenient than JSON.parse: the twin must refuse these too.
				['NaN', error('not valid JSON')],
				['-Infinity', error('not valid JSON')],
				['{"type":"message","id":"x","origin":"A","text":"t","path":["A"],"n":Infinity}', error('not valid JSON')],
				['{"type":"message","id":"x","origin":"A","text":"tab\tinside","path":["A"]}', error('not valid JSON')],
				['{"type":"message","id":"x","origin":"A","text":"t","path":["A"]} x', error('not valid JSON')],
				['{"type":"message","id":"x","origin":"A","text":"t","path":["A",]}', error('not valid JSON')],
				['012', error('not valid JSON')],
				['\u00a0{}', error('not valid JSON')],
				['1'.repeat(5000), error('expected a JSON object with "type":"message"')],
				[`{"type":"message","id":${'9'.repeat(5000)},"origin":"A","text":"t","path":["A"]}`, error('"id" must be 1 to 100 letters, digits or . _ : -')],
				['{"type":"message","id":"x\\n","origin":"A","text":"t","path":["A"]}', error('"id" must be 1 to 100 letters, digits or . _ : -')],
				['{"type":"message","id":"x","origin":"A\u0661","text":"t","path":["A\u0661"]}', error('"origin" must be a peer name: 1 to 32 letters or digits')],
				['{"type":"message","id":"x","origin":"A","text":true,"path":["A"]}', error('"text" must be a string')],
				['{"type":"message","id":"x","origin":"A","text":"t","path":{"0":"A"}}', error('"path" must be a list of 1 to 16 peer names, starting with the origin')],
				// Valid ones, in between and at the end: extra members are ignored, CR LF is fine,
				// nesting (within Python's limit, see below) and escaped lone surrogates are fine.
				[`{"type":"message","id":"deep","origin":"A","text":"","path":["A"],"x":${'['.repeat(400)}${']'.repeat(400)}}`, ack('deep')],
				['{"type":"message","id":"lone","origin":"A","text":"\\ud800","path":["A"]}', ack('lone')],
				['{"type":"message","id":"ok.1","origin":"A","text":"","path":["A"],"extra":true}', ack('ok.1')],
				[` ${JSON.stringify(message('ok:2_-', 'A', 'line ends in CR LF'))}\r`, ack('ok:2_-')],
			];
			const replies = await exchange(
				peer.port,
				['', ' \t\r', ...cases.map(([line]) => line)], // blank lines are ignored: no reply
				cases.length
			);
			assert.deepEqual(replies, cases.map(([, reply]) => reply));
			assert.ok(peer.alive());
		});

		it('sends replies in the exact byte format: compact JSON, members in order, one line each', async () => {
			const result = await tcpExchange(
				peer.port,
				[Buffer.from('{ "path": ["A"], "text": "ü", "origin": "A", "id": "bytes", "type": "message" }\nnot json\n')],
				{ done: (r) => countLines(r) >= 2 }
			);
			assert.equal(result.received.toString('utf8'), '{"type":"ack","id":"bytes"}\n{"type":"error","message":"not valid JSON"}\n');
		});

		it('answers garbage bytes with error replies, one per non-blank line, and stays usable', async () => {
			const garbage = randomBytes(seededRandom(7), 64 * 1024);
			const lines = garbage.toString('latin1').split('\n').slice(0, -1);
			const nonBlank = lines.filter((line) => !/^[ \t\r]*$/.test(line)).length;
			const valid = Buffer.from(`${JSON.stringify(message('after-garbage', 'G', 'still fine'))}\n`);
			const bytes = Buffer.concat([garbage.subarray(0, garbage.lastIndexOf(0x0a) + 1), valid]);
			const result = await tcpExchange(peer.port, splitRandomly(bytes, seededRandom(8), 10), {
				done: (r) => countLines(r) >= nonBlank + 1,
			});
			assert.equal(result.ended, 'done');
			const replies = linesOf(result.received).map((line) => JSON.parse(line));
			assert.equal(replies.length, nonBlank + 1);
			for (const reply of replies.slice(0, -1)) assert.equal(reply.type, 'error');
			assert.deepEqual(replies.at(-1), ack('after-garbage'));
			assert.ok(peer.alive());
		});

		it('refuses a line over 1 MiB with an error and closes, without buffering what follows', async () => {
			const memory = watchMemory(peer, 'peer');
			const flood = Array.from({ length: 32 }, () => Buffer.alloc(256 * 1024, 0x61)); // 8 MiB, no newline
			const result = await tcpExchange(peer.port, flood, { timeoutMs: 15_000 });
			assert.equal(result.received.toString(), `{"type":"error","message":"line longer than ${MAX_LINE} bytes, closing"}\n`);
			assert.notEqual(result.ended, 'timeout');
			memory.assertBounded();
			assert.deepEqual(await exchange(peer.port, [JSON.stringify(message('still-here', 'A', 'hi'))], 1), [ack('still-here')]);
		});

		it('answers JSON nested deeper than Python\u2019s json module can parse', async () => {
			const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
			// Node's JSON.parse has no nesting limit; Python's json parses by recursion and raises
			// RecursionError after about 1000 levels, so the Python twin cannot tell whether such a
			// line is valid JSON and calls it "not valid JSON" (README.md says so).
			const expected = impl.language === 'python' ? 'not valid JSON' : 'expected a JSON object with "type":"message"';
			assert.deepEqual(await exchange(peer.port, [deep, JSON.stringify(message('after-deep', 'A', ''))], 2), [error(expected), ack('after-deep')]);
		});

		it('accepts a message of exactly 1 MiB (the longest allowed line)', async () => {
			const empty = JSON.stringify(message('big', 'A', ''));
			const line = JSON.stringify(message('big', 'A', 'b'.repeat(MAX_LINE - Buffer.byteLength(empty))));
			assert.equal(Buffer.byteLength(line), MAX_LINE);
			assert.deepEqual(await exchange(peer.port, [line], 1), [ack('big')]);
		});

		it('keeps serving others when clients vanish mid-message', async () => {
			const half = JSON.stringify(message('half', 'A', 'never finished')).slice(0, 30);
			const vanishing = Array.from({ length: 50 }, () => vanishMidMessage(peer.port, Buffer.from(half)));
			const steady = Array.from({ length: 20 }, (_, i) => exchange(peer.port, [JSON.stringify(message(`steady-${i}`, 'S', 'hi'))], 1));
			await Promise.all(vanishing);
			for (const [i, replies] of (await Promise.all(steady)).entries()) assert.deepEqual(replies, [ack(`steady-${i}`)]);
			assert.deepEqual(await exchange(peer.port, [JSON.stringify(message('after', 'A', 'hi'))], 1), [ack('after')]);
			assert.ok(peer.alive());
		});

		it('recognises its own message coming home, and drops one that made 16 hops without coming home', async () => {
			const from = peer.output.length;
			const home = message('home-1', 'P', 'back again', ['P', 'X', 'Y']);
			const lost = message('lost-1', 'Z', 'nobody is Z', Array.from({ length: 16 }, (_, i) => (i === 0 ? 'Z' : `H${i}`)));
			const almost = message('almost-1', 'Z', 'one more hop', Array.from({ length: 15 }, (_, i) => (i === 0 ? 'Z' : `H${i}`)));
			const replies = await exchange(peer.port, [home, lost, almost].map((m) => JSON.stringify(m)), 3);
			assert.deepEqual(replies, [ack('home-1'), ack('lost-1'), ack('almost-1')]);
			await printed(peer, (line) => line === 'peer P: my message came back: P -> X -> Y -> P (3 hops)', from);
			await printed(peer, (line) => line === 'peer P: dropping lost-1 from Z: 16 hops and still not home (is Z in the ring?)', from);
			await printed(peer, (line) => line.startsWith('peer P: got "one more hop" from Z, but I have no next peer: keeping it'), from);
		});

	it('says clearly when its port is taken, and when --name is missing or not letters and digits', async () => {
			await assert.rejects(startPeer(impl, 'Q', ['--port', String(peer.port)]), /already in use/);
			const hint = impl.language === 'node' ? 'node peer\\.js' : 'python3 peer\\.py';
			for (const args of [[], ['--name', 'no spaces'], ['--name', '']]) {
				const run = promisify(execFile)(impl.command, [impl.file, '--port', '0', ...args], { cwd: join(examplesDir, 'peer-to-peer') });
				await assert.rejects(run, (e: { code: number; stderr: string }) => {
					assert.equal(e.code, 1);
					assert.match(e.stderr, new RegExp(`^peer: give every peer a name of 1 to 32 letters or digits, e\\.g\\. ${hint} --name A\n$`));
					return true;
				});
			}
		});
	});
}

/** A stand-in for a next peer, run by the test: records each line it gets and answers with `reply(line)`. */
async function spyPeer(reply: (line: string) => string | undefined) {
	const lines: string[] = [];
	const ended: boolean[] = [];
	const server = net.createServer((socket) => {
		let pending = '';
		socket.on('data', (chunk) => {
			pending += chunk.toString('utf8');
			let newline;
			while ((newline = pending.indexOf('\n')) !== -1) {
				const line = pending.slice(0, newline);
				pending = pending.slice(newline + 1);
				lines.push(line);
				const answer = reply(line);
				if (answer !== undefined) socket.write(answer);
			}
		});
		socket.on('end', () => {
			ended.push(true);
			socket.end();
		});
		socket.on('error', () => {});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as net.AddressInfo).port;
	return { port, lines, ended, close: () => new Promise((resolve) => server.close(resolve)) };
}

for (const impl of peers) {
	describe(`peer-to-peer: a ring of three peer processes, steered through their stdin (${impl.label})`, () => {
		let a: ExampleServer;
		let b: ExampleServer;
		let c: ExampleServer;
		before(async () => {
			[a, b, c] = await Promise.all([startPeer(impl, 'A'), startPeer(impl, 'B'), startPeer(impl, 'C')]);
		});
		after(async () => {
			await Promise.all([a, b, c].map((peer) => peer?.stop()));
		});

		it('answers help, unknown commands and a bad next address, and keeps a message sent with no next peer', async () => {
			const help = a.waitFor(/^peer A: help {13}show these commands$/);
			a.type('help');
			await help;
			const unknown = a.waitFor(/^peer A: unknown command "jump"; type help$/);
			a.type('jump over');
			await unknown;
			const badNext = a.waitFor(/^peer A: "next" needs an address like 127\.0\.0\.1:7112, not "localhost"$/);
			a.type('next localhost');
			await badNext;
			const noText = a.waitFor(/^peer A: "send" needs some text, like: send hello$/);
			a.type('send');
			await noText;
			const kept = a.waitFor(/^peer A: I have no next peer to send A-1 to: keeping it \(1 kept\)\. Type: next HOST:PORT$/);
			a.type('send waiting for a ring');
			await kept;
		});

		it('passes the kept message on once the ring is closed, and it comes back with the right path', async () => {
			await setNext(b, c.port);
			await setNext(c, a.port);
			const from = a.output.length;
			const home = a.waitFor(/^peer A: my message came back: /);
			a.type(`next 127.0.0.1:${b.port}`); // A had kept A-1: it sends it now
			assert.equal(await home, 'peer A: my message came back: A -> B -> C -> A (3 hops)');
			assert.ok(a.output.slice(from).some((line) => line.includes('"id":"A-1","origin":"A","text":"waiting for a ring","path":["A"]}')));
			await b.waitFor(/^peer B: got "waiting for a ring" from A, passing it to 127\.0\.0\.1:\d+$/, { from: 0 });
			await c.waitFor(/^peer C: got "waiting for a ring" from A, passing it to 127\.0\.0\.1:\d+$/, { from: 0 });
		});

		it('delivers a message typed into any peer around the whole ring and back to it', async () => {
			for (const [peer, path] of [
				[a, 'A -> B -> C -> A'],
				[b, 'B -> C -> A -> B'],
				[c, 'C -> A -> B -> C'],
			] as const) {
				const home = peer.waitFor(/my message came back: /);
				peer.type(`send round trip from ${path[0]}`);
				assert.match(await home, new RegExp(`: my message came back: ${path} \\(3 hops\\)$`));
			}
		});

		it('sends the exact message bytes to its next peer, waits for the ack and then closes', async () => {
			const spy = await spyPeer((line) => `${JSON.stringify(ack(JSON.parse(line).id))}\n`);
			try {
				await setNext(c, spy.port);
				const acked = c.waitFor(new RegExp(`^peer C: 127\\.0\\.0\\.1:${spy.port} acknowledged A-\\d+, closing that connection$`));
				a.type('send Grüße to the spy');
				await acked;
				assert.equal(spy.lines.length, 1);
				assert.match(spy.lines[0]!, /^\{"type":"message","id":"A-\d+","origin":"A","text":"Grüße to the spy","path":\["A","B","C"\]\}$/);
				await new Promise((resolve) => setTimeout(resolve, 200));
				assert.deepEqual(spy.ended, [true], 'C closes the connection after the ack');
			} finally {
				await spy.close();
			}
		});

		it('passes awkward texts on byte for byte as JSON.stringify writes them, and logs them cut like JavaScript', async () => {
			const spy = await spyPeer((line) => `${JSON.stringify(ack(JSON.parse(line).id))}\n`);
			try {
				await setNext(c, spy.port);
				const texts = [
					'controls \u0000\u0001\u001f\u007f \b\f\n\r\t, quotes " \\ /, é ✓ 😀',
				'line separators \u2028 and \u2029 are not escaped by JSON.stringify', // so its log line is split: not checked
					'lone surrogates \ud800 and \udfff, a pair \ud83d\ude00, reversed \ude00\ud83d',
					`a${'😀'.repeat(30)}`, // the log cuts it after 50 UTF-16 units: in the middle of an emoji
					`${'ü'.repeat(120)}${'😀'.repeat(40)}`, // and the sent line after 150 units
				];
				const sent = texts.map((text, i) => message(`awkward-${i}`, 'X', text));
				const from = c.output.length;
				assert.deepEqual(
					await exchange(c.port, sent.map((m) => JSON.stringify(m)), sent.length),
					sent.map((m) => ack(m.id))
				);
				const forwarded = sent.map((m) => JSON.stringify({ ...m, path: ['X', 'C'] }));
				await printed(c, () => spy.lines.length >= sent.length, from);
				assert.deepEqual([...spy.lines].sort(), [...forwarded].sort());
				for (const [i, m] of sent.entries()) {
				if (/[\u2028\u2029]/.test(m.text)) continue; // our line reader (like Node's readline) splits such a log line
					await printed(c, (line) => line === `peer C: got ${show(m.text)} from X, passing it to 127.0.0.1:${spy.port}`, from);
					// Node prints a string cut between the two halves of an emoji with U+FFFD for the half.
					const shown = cut(forwarded[i]!).toWellFormed();
					await printed(c, (line) => line.startsWith(`peer C: sent ${Buffer.byteLength(forwarded[i]!) + 1} bytes to 127.0.0.1:${spy.port} from my port `) && line.endsWith(`: ${shown}`), from);
				}
			} finally {
				await spy.close();
			}
		});

		it('keeps a message when its next peer refuses, answers wrongly or is gone, and retries on "next"', async () => {
			const wrong = await spyPeer(() => '{"type":"ack","id":"not-the-one"}\n');
			try {
				await setNext(c, wrong.port);
				const keptWrong = c.waitFor(/^peer C: could not pass A-\d+ to 127\.0\.0\.1:\d+: it answered \{"type":"ack","id":"not-the-one"\} instead of an ack: keeping it \(1 kept\)/);
				a.type('send to a confused peer');
				await keptWrong;
			} finally {
				await wrong.close();
			}
			await setNext(c, wrong.port); // now closed: nothing listens there any more
			await c.waitFor(/^peer C: could not pass A-\d+ to 127\.0\.0\.1:\d+: nothing is listening there \(ECONNREFUSED\): keeping it \(1 kept\)/, { from: 0 });
			const home = a.waitFor(/^peer A: my message came back: A -> B -> C -> A \(3 hops\)$/);
			await setNext(c, a.port); // the ring is whole again: C passes the kept message on
			await home;
			for (const peer of [a, b, c]) assert.ok(peer.alive());
		});
	});
}

describe('peer-to-peer interop: each peer as a client against the other language’s peer as its server', () => {
	for (const server of peers) {
		for (const client of peers.filter((p) => p.language !== server.language)) {
			it(`${client.label} client → ${server.label} server`, async () => {
				const [k, s] = await Promise.all([startPeer(client, 'K'), startPeer(server, 'S')]);
				try {
					await setNext(k, s.port);
					const acked = k.waitFor(new RegExp(`^peer K: 127\\.0\\.0\\.1:${s.port} acknowledged K-1, closing that connection$`));
					const kept = s.waitFor(/^peer S: got "interop ✓ Grüße 😀" from K, but I have no next peer: keeping it \(1 kept\)\. Type: next HOST:PORT$/);
					k.type('send interop ✓ Grüße 😀');
					await Promise.all([acked, kept]);
					// And back: S passes the kept message to K, which sees it come home.
					const home = k.waitFor(/^peer K: my message came back: /);
					await setNext(s, k.port);
					assert.equal(await home, 'peer K: my message came back: K -> S -> K (2 hops)');
				} finally {
					await Promise.all([k.stop(), s.stop()]);
				}
			});
		}
	}

	it('the Node and the Python peer answer the same bytes with byte-identical replies', async () => {
		const garbage = randomBytes(seededRandom(11), 64 * 1024);
		const lines = [
			'{"type":"message","id":"ok-1","origin":"A","text":"Grüße ✓ 😀 \\u0000 \\ud800","path":["A"],"x":[1e999,-0,0.1]}',
			'{"type":"message","id":"ok-2","origin":"A","text":"t","path":["A"]}\r',
			'{"type":"message","id":"a b","origin":"A","text":"t","path":["A"]}',
			'{"type":"message","id":"x","origin":"A","text":"t","path":["A","B","A","B","A","B","A","B","A","B","A","B","A","B","A","B","A"]}',
			'NaN', '[1,2', '{"type":"message"}', '"\\ud800"', '\ufeff{}', ' \t\r', '',
		];
		const bytes = Buffer.concat([
			Buffer.from(lines.map((line) => `${line}\n`).join('')),
			Buffer.from([0x7b, 0xff, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0x7d, 0x0a]), // not UTF-8
			garbage.subarray(0, garbage.lastIndexOf(0x0a) + 1),
			Buffer.from(`${JSON.stringify(message('the-end', 'E', 'bye'))}\n`),
		]);
		const replies: Buffer[] = [];
		for (const impl of peers) {
			const peer = await startPeer(impl, 'P');
			try {
				const result = await tcpExchange(peer.port, splitRandomly(bytes, seededRandom(12), 10), {
					done: (received) => received.toString('latin1').endsWith('{"type":"ack","id":"the-end"}\n'),
				});
				assert.equal(result.ended, 'done', impl.label);
				replies.push(result.received);
			} finally {
				await peer.stop();
			}
		}
		const [fromNode, fromPython] = replies as [Buffer, Buffer];
		assert.equal(fromPython.toString('utf8'), fromNode.toString('utf8'));
		assert.ok(fromPython.equals(fromNode), 'the same text, but not the same bytes');
	});

	const [node, python] = peers as [Program, Program];
	for (const ring of [
		[node, python, node],
		[python, node, python],
	]) {
		it(`a mixed ring ${ring.map((p, i) => `${'ABC'[i]} ${p.label}`).join(' → ')} delivers a message from each peer around and back`, async () => {
			const [a, b, c] = await Promise.all(ring.map((impl, i) => startPeer(impl, 'ABC'[i]!)));
			try {
				await setNext(a!, b!.port);
				await setNext(b!, c!.port);
				await setNext(c!, a!.port);
				for (const [peer, path] of [
					[a!, 'A -> B -> C -> A'],
					[b!, 'B -> C -> A -> B'],
					[c!, 'C -> A -> B -> C'],
				] as const) {
					const home = peer.waitFor(/my message came back: /);
					peer.type(`send Grüße ✓ from ${path[0]}`);
					assert.match(await home, new RegExp(`^peer ${path[0]}: my message came back: ${path} \\(3 hops\\)$`));
				}
				await b!.waitFor(/^peer B: got "Grüße ✓ from A" from A, passing it to 127\.0\.0\.1:\d+$/, { from: 0 });
				await c!.waitFor(/^peer C: got "Grüße ✓ from A" from A, passing it to 127\.0\.0\.1:\d+$/, { from: 0 });
			} finally {
				await Promise.all([a, b, c].map((peer) => peer?.stop()));
			}
		});
	}
});

/** Plausible mistakes, each made in the reference solution by a few edits: the check must reject every one. */
const mistakes: ExerciseMistake[] = [
	{ exercise: 'hop-limit', language: 'node', what: 'passes a message on with a ttl of 0 instead of dropping it', file: 'peer.js', edits: [['} else if (message.ttl === 0) {', '} else if (message.ttl < 0) {']] },
	{ exercise: 'hop-limit', language: 'node', what: 'leaves the ttl out of the message it passes on', file: 'peer.js', edits: [['path: [...path], ttl };', 'path: [...path] };']] },
	{ exercise: 'hop-limit', language: 'node', what: 'lets "send" start a message with no ttl', file: 'peer.js', edits: [['path: [me], ttl: MAX_HOPS };', 'path: [me] };']] },
	{ exercise: 'hop-limit', language: 'python', what: 'passes the ttl on as a float, 2.0', file: 'python/peer.py', edits: [['"ttl": int(ttl)}', '"ttl": ttl}']] },
	{ exercise: 'hop-limit', language: 'python', what: 'passes a message on with a ttl of 0 instead of dropping it', file: 'python/peer.py', edits: [['elif message["ttl"] == 0:', 'elif message["ttl"] < 0:']] },
	{
		exercise: 'seen-before',
		language: 'node',
		what: 'does not acknowledge a message it has seen before',
		file: 'peer.js',
		edits: [["answer({ type: 'ack', id: checked.id });", "if (!seen.has(checked.id)) answer({ type: 'ack', id: checked.id });"]],
	},
	{
		exercise: 'seen-before',
		language: 'node',
		what: 'counts the messages it sends itself as seen, so they never come home',
		file: 'peer.js',
		edits: [['\t\tmessagesSent += 1;\n', '\t\tmessagesSent += 1;\n\t\tseen.add(`${me}-${messagesSent}`);\n']],
	},
	{ exercise: 'seen-before', language: 'python', what: 'never remembers the ids it has seen', file: 'python/peer.py', edits: [['        seen.add(message["id"])\n', '']] },
	{
		exercise: 'seen-before',
		language: 'python',
		what: 'tells messages apart by their text, not their id',
		file: 'python/peer.py',
		edits: [
			['again = message["id"] in seen', 'again = message["text"] in seen'],
			['seen.add(message["id"])', 'seen.add(message["text"])'],
		],
	},
];

describeExercises('peer-to-peer', mistakes);
