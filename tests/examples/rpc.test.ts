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
import { splitRandomly, tcpExchange, vanishMidMessage, writeWithoutReading } from './support/tcp-client.ts';
import { twins, forBoth } from './support/twins.ts';

const run = promisify(execFile);
const MAX_LINE = 1024 * 1024;
const countLines = (received: Buffer) => received.reduce((n, byte) => n + (byte === 0x0a ? 1 : 0), 0);
const linesOf = (received: Buffer) => received.toString('utf8').split('\n').slice(0, -1);
const error = (code: number, message: string, id: unknown = null) => ({ jsonrpc: '2.0', error: { code, message }, id });
const result = (value: unknown, id: unknown) => ({ jsonrpc: '2.0', result: value, id });
const request = (method: unknown, params: unknown, id?: unknown) =>
	id === undefined ? { jsonrpc: '2.0', method, params } : { jsonrpc: '2.0', method, params, id };

/** Lines a client may send, and the exact reply object to each. */
const errorCases: [string, object][] = [
	['{"jsonrpc":"2.0","method":"add","params":[1,2', error(-32700, 'Parse error')],
	['NaN', error(-32700, 'Parse error')],
	["{'jsonrpc':'2.0'}", error(-32700, 'Parse error')],
	['42', error(-32600, 'Invalid Request')],
	['"add"', error(-32600, 'Invalid Request')],
	['null', error(-32600, 'Invalid Request')],
	['{"jsonrpc":"1.0","method":"add","params":[1,2],"id":1}', error(-32600, 'Invalid Request', 1)],
	['{"method":"add","params":[1,2],"id":2}', error(-32600, 'Invalid Request', 2)],
	['{"jsonrpc":"2.0","method":7,"id":3}', error(-32600, 'Invalid Request', 3)],
	['{"jsonrpc":"2.0","params":[1,2],"id":"no method"}', error(-32600, 'Invalid Request', 'no method')],
	['{"jsonrpc":"2.0","method":"add","params":"1,2","id":4}', error(-32600, 'Invalid Request', 4)],
	['{"jsonrpc":"2.0","method":"add","params":null,"id":5}', error(-32600, 'Invalid Request', 5)],
	['{"jsonrpc":"2.0","method":"add","params":[1,2],"id":{"n":1}}', error(-32600, 'Invalid Request')],
	['{"jsonrpc":"2.0","method":"add","params":[1,2],"id":[1]}', error(-32600, 'Invalid Request')],
	['{"jsonrpc":"2.0","method":"add","params":[1,2],"id":true}', error(-32600, 'Invalid Request')],
	['{"jsonrpc":"2.0","method":"add","params":[1,2],"id":1e400}', error(-32600, 'Invalid Request')],
	['{"jsonrpc":"2.0","method":1,"params":"bar"}', error(-32600, 'Invalid Request')],
	['{"jsonrpc":"2.0","method":"multiply","params":[1,2],"id":"m"}', error(-32601, 'Method not found', 'm')],
	['{"jsonrpc":"2.0","method":"toString","id":6}', error(-32601, 'Method not found', 6)],
	['{"jsonrpc":"2.0","method":"__proto__","id":7}', error(-32601, 'Method not found', 7)],
	['{"jsonrpc":"2.0","method":"constructor","params":[],"id":7.5}', error(-32601, 'Method not found', 7.5)],
	['{"jsonrpc":"2.0","method":"add","params":["two",3],"id":8}', error(-32602, 'Invalid params', 8)],
	['{"jsonrpc":"2.0","method":"add","params":[1],"id":9}', error(-32602, 'Invalid params', 9)],
	['{"jsonrpc":"2.0","method":"add","params":[1,2,3],"id":10}', error(-32602, 'Invalid params', 10)],
	['{"jsonrpc":"2.0","method":"add","id":11}', error(-32602, 'Invalid params', 11)],
	['{"jsonrpc":"2.0","method":"subtract","params":{"a":1},"id":12}', error(-32602, 'Invalid params', 12)],
	['{"jsonrpc":"2.0","method":"subtract","params":{"a":1,"b":2,"c":3},"id":13}', error(-32602, 'Invalid params', 13)],
	['{"jsonrpc":"2.0","method":"divide","params":{"x":1,"y":2},"id":14}', error(-32602, 'Invalid params', 14)],
	['{"jsonrpc":"2.0","method":"echo","params":[5],"id":15}', error(-32602, 'Invalid params', 15)],
	['{"jsonrpc":"2.0","method":"echo","params":{"text":"a","more":"b"},"id":16}', error(-32602, 'Invalid params', 16)],
	['{"jsonrpc":"2.0","method":"broken","id":17}', error(-32603, 'Internal error', 17)],
	['{"jsonrpc":"2.0","method":"divide","params":[1,0],"id":18}', error(1, 'division by zero', 18)],
	['{"jsonrpc":"2.0","method":"divide","params":{"a":0,"b":0},"id":19}', error(1, 'division by zero', 19)],
	['{"jsonrpc":"2.0","method":"add","params":[1e308,1e308],"id":20}', error(2, 'result out of range', 20)],
	['{"jsonrpc":"2.0","method":"add","params":[1,2],"id":null}', result(3, null)],
	['{"jsonrpc":"2.0","method":"divide","params":{"b":4,"a":1},"id":"quarter","extra":true}', result(0.25, 'quarter')],
	[' {"jsonrpc":"2.0","method":"echo","params":["line ends in CR LF"],"id":21}\r', result('line ends in CR LF', 21)],
];

/** Sends `lines` (each gets "\n") in one write and returns the parsed reply lines once `replies` have come. */
async function rpc(port: number, lines: string[], replies: number): Promise<unknown[]> {
	const exchange = await tcpExchange(port, [Buffer.from(lines.map((line) => `${line}\n`).join(''))], {
		done: (received) => countLines(received) >= replies,
	});
	assert.equal(exchange.ended, 'done', `expected ${replies} reply lines, got: ${exchange.received.toString()}`);
	return linesOf(exchange.received).map((line) => JSON.parse(line));
}

/** What `npm start` and `python3 python/start.py` print, in order, whichever language runs. */
const startLines = [
	/^server: listening on 127\.0\.0\.1:\d+$/,
	/^client: connected to 127\.0\.0\.1:\d+ from local port \d+$/,
	/^client: sent 55 bytes: \{"jsonrpc":"2\.0","method":"add","params":\[2,3\],"id":1\}$/,
	/^client: received 36 bytes: \{"jsonrpc":"2\.0","result":5,"id":1\}$/,
	/^client: add\(2, 3\) returned 5 \(round trip [\d.]+ ms\)$/,
	/^client: subtract\(a=10, b=4\) returned 6 /,
	/^client: received \d+ bytes: \{"jsonrpc":"2\.0","error":\{"code":1,"message":"division by zero"\},"id":3\}$/,
	/^client: multiply\(2, 3\) failed with error -32601: Method not found /,
	/^client: add\("two", 3\) failed with error -32602: Invalid params /,
	/^client: sent \d+ bytes: \{"jsonrpc":"2\.0","method":"add","params":\[1,$/,
	/^client: received \d+ bytes: \{"jsonrpc":"2\.0","error":\{"code":-32700,"message":"Parse error"\},"id":null\}$/,
	/^client: received \d+ bytes: \[\{"jsonrpc":"2\.0","result":3,"id":6\},\{"jsonrpc":"2\.0","result":"hello","id":7\}\]$/,
	/^client: done, closing$/,
	/^server: stopping$/,
];

for (const language of ['node', 'python'] as const) {
	it(`rpc (${language}): the start command exits 0 and prints the labelled calls and replies`, async () => {
		const output = await assertStartPrints('rpc', language, startLines);
		assert.match(output, /^server: add\(\[2,3\]\) -> 5$/m);
		assert.match(output, /^server: error -32601 Method not found for multiply\(\[2,3\]\)$/m);
		assert.match(output, /^server: batch of 3 requests -> 2 replies$/m);
	});
}

for (const impl of twins('server.js', 'python/server.py')) {
	describe(`rpc server (${impl.label})`, () => {
		let server: ExampleServer;
		before(async () => {
			server = await startExampleServer('rpc', impl.file, [], { command: impl.command });
		});
		after(async () => {
			await server.stop();
		});

		it('gives each of 200 concurrent clients exactly its own replies, matched by id and in order', async () => {
			const random = seededRandom(200);
			const clients = Array.from({ length: 200 }, (_, client) => {
				const requests: object[] = [];
				const expected: object[] = [];
				for (let seq = 0; seq < 20; seq++) {
					const id = seq % 2 === 0 ? client * 100 + seq : `c${client}-${seq}`;
					const a = Math.floor(random() * 2000) - 1000;
					const b = Math.floor(random() * 1000) + 1;
					const kind = seq % 4;
					if (kind === 0) requests.push(request('add', [a, b], id)), expected.push(result(a + b, id));
					if (kind === 1) requests.push(request('subtract', { b, a }, id)), expected.push(result(a - b, id));
					if (kind === 2) requests.push(request('divide', [a, b], id)), expected.push(result(a / b, id));
					if (kind === 3) {
						const text = `client ${client} says ${'é✓'.repeat(Math.floor(random() * 100))}`;
						requests.push(request('echo', { text }, id)), expected.push(result(text, id));
					}
				}
				const sent = Buffer.from(requests.map((r) => `${JSON.stringify(r)}\n`).join(''));
				return { chunks: splitRandomly(sent, random, 8), expected };
			});
			const exchanges = await Promise.all(
				clients.map((c) => tcpExchange(server.port, c.chunks, { done: (r) => countLines(r) >= 20, timeoutMs: 20_000 }))
			);
			for (const [client, exchange] of exchanges.entries()) {
				assert.equal(exchange.ended, 'done', `client ${client}`);
				const replies = linesOf(exchange.received).map((line) => JSON.parse(line));
				assert.deepEqual(replies, clients[client]!.expected, `client ${client}`);
			}
		});

		it('answers every kind of error with the exact reply object, on one connection that stays open', async () => {
			const cases = errorCases;
			const replies = await rpc(
				server.port,
				cases.map(([line]) => line),
				cases.length
			);
			assert.deepEqual(replies, cases.map(([, reply]) => reply));
			assert.ok(server.alive());
		});

		it('sends replies in the exact byte format: compact JSON, members in order, one line each', async () => {
			const exchange = await tcpExchange(
				server.port,
				[Buffer.from('{"jsonrpc": "2.0", "method": "add", "params": [2, 3], "id": 1}\n{"jsonrpc":"2.0","method":"echo","params":["ü\\n"],"id":"x"}\nnope\n')],
				{ done: (r) => countLines(r) >= 3 }
			);
			assert.equal(
				exchange.received.toString('utf8'),
				'{"jsonrpc":"2.0","result":5,"id":1}\n{"jsonrpc":"2.0","result":"ü\\n","id":"x"}\n{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null}\n'
			);
		});

		it('handles batches: replies in order without notifications, [] and all-notification batches', async () => {
			const mixed = JSON.stringify([
				request('add', [1, 2], 'one'),
				request('echo', ['a notification is run but not answered']),
				1,
				request('multiply', [2, 3], 'two'),
				[request('add', [1, 2], 'nested')],
				{ foo: 'boo' },
				request('divide', { a: 1, b: 0 }, 'three'),
				request('nothing', [], undefined),
			]);
			const allNotifications = JSON.stringify([request('add', [1, 2]), request('no such method', [1])]);
			const [mixedReply, emptyReply, numbersReply, after] = await rpc(
				server.port,
				[mixed, '[]', '[1,2,3]', allNotifications, JSON.stringify(request('add', [40, 2], 'after'))],
				4
			);
			assert.deepEqual(mixedReply, [
				result(3, 'one'),
				error(-32600, 'Invalid Request'),
				error(-32601, 'Method not found', 'two'),
				error(-32600, 'Invalid Request'),
				error(-32600, 'Invalid Request'),
				error(1, 'division by zero', 'three'),
			]);
			assert.deepEqual(emptyReply, error(-32600, 'Invalid Request'));
			assert.deepEqual(numbersReply, [error(-32600, 'Invalid Request'), error(-32600, 'Invalid Request'), error(-32600, 'Invalid Request')]);
			// The batch of notifications produced no line at all: the next line is the next request's reply.
			assert.deepEqual(after, result(42, 'after'));
			const broken = await rpc(server.port, ['[{"jsonrpc":"2.0","method":"add","params":[1,2],"id":1},{"jsonrpc":"2.0","method"]'], 1);
			assert.deepEqual(broken, [error(-32700, 'Parse error')]);
		});

		it('runs a batch of 1000 requests and refuses a batch of 1001 with the exact error', async () => {
			const batch = (size: number) => JSON.stringify(Array.from({ length: size }, (_, i) => request('add', [i, i], i)));
			const [full, tooBig, after] = await rpc(server.port, [batch(1000), batch(1001), JSON.stringify(request('add', [1, 2], 'next'))], 3);
			assert.deepEqual(full, Array.from({ length: 1000 }, (_, i) => result(2 * i, i)));
			assert.deepEqual(tooBig, error(-32600, 'Invalid Request: batch of more than 1000 requests'));
			assert.deepEqual(after, result(3, 'next'));
		});

		it('sends nothing for notifications, even failing ones, and ignores blank lines', async () => {
			const lines = [
				JSON.stringify(request('add', [1, 2])),
				JSON.stringify(request('add', ['x'])),
				JSON.stringify(request('no such method', [])),
				JSON.stringify({ jsonrpc: '2.0', method: 'broken' }),
				'',
				' \t\r',
				JSON.stringify(request('echo', ['the only reply'], 1)),
			];
			assert.deepEqual(await rpc(server.port, lines, 1), [result('the only reply', 1)]);
		});

		it('answers garbage bytes with a parse error and keeps the connection usable', async () => {
			const garbage = randomBytes(seededRandom(7), 64 * 1024).filter((byte) => byte !== 0x0a);
			const valid = Buffer.from(`${JSON.stringify(request('add', [2, 2], 'still usable'))}\n`);
			const chunks = splitRandomly(Buffer.concat([garbage, Buffer.from('\n'), valid]), seededRandom(8), 10);
			const exchange = await tcpExchange(server.port, chunks, { done: (r) => countLines(r) >= 2 });
			assert.equal(exchange.ended, 'done');
			assert.deepEqual(linesOf(exchange.received).map((line) => JSON.parse(line)), [
				error(-32700, 'Parse error'),
				result(4, 'still usable'),
			]);
			const invalidUtf8 = Buffer.concat([Buffer.from('{"jsonrpc":"2.0","method":"echo","params":["'), Buffer.from([0xff, 0xfe]), Buffer.from('"],"id":1}\n')]);
			const check = await tcpExchange(server.port, [invalidUtf8], { done: (r) => countLines(r) >= 1 });
			assert.deepEqual(JSON.parse(check.received.toString()), error(-32700, 'Parse error'));
			assert.ok(server.alive());
		});

		it('accepts a line of exactly 1048576 bytes and refuses one byte more', async () => {
			const head = '{"jsonrpc":"2.0","method":"echo","params":["';
			const tail = '"],"id":"big"}';
			const make = (length: number) => `${head}${'x'.repeat(length - head.length - tail.length)}${tail}`;
			const fits = make(MAX_LINE);
			assert.equal(Buffer.byteLength(fits), MAX_LINE);
			assert.deepEqual(await rpc(server.port, [fits], 1), [result('x'.repeat(MAX_LINE - head.length - tail.length), 'big')]);
			const tooLong = await tcpExchange(server.port, [Buffer.from(`${make(MAX_LINE + 1)}\n`)], { timeoutMs: 5000 });
			assert.equal(
				tooLong.received.toString(),
				`{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request: message larger than ${MAX_LINE} bytes"},"id":null}\n`
			);
			assert.notEqual(tooLong.ended, 'timeout');
		});

		it('refuses a message over 1 MiB with the exact error and closes, without buffering what follows', async () => {
			const memory = watchMemory(server);
			const started = Date.now();
			const flood = Array.from({ length: 32 }, () => Buffer.alloc(256 * 1024, 0x61)); // 8 MiB, no newline
			const exchange = await tcpExchange(server.port, flood, { timeoutMs: 15_000 });
			assert.equal(
				exchange.received.toString(),
				'{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request: message larger than 1048576 bytes"},"id":null}\n'
			);
			assert.notEqual(exchange.ended, 'timeout');
			assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
			memory.assertBounded();
			assert.deepEqual(await rpc(server.port, [JSON.stringify(request('add', [1, 1], 1))], 1), [result(2, 1)]);
		});

		it('stops reading from a client that does not read its replies (bounded memory)', async () => {
			const memory = watchMemory(server);
			const text = 'y'.repeat(64 * 1024);
			const line = `${JSON.stringify(request('echo', [text], 0))}\n`;
			const reply = Buffer.from(`${JSON.stringify(result(text, 0))}\n`);
			// Write 64 KiB requests (up to 128 MiB) until the server stops taking them.
			const { socket, sent, stalled } = await writeWithoutReading(server.port, line);
			assert.ok(stalled, `the server read all ${sent} requests although nobody read its replies`);
			memory.assertBounded();
			// Now read: every reply that was written comes back complete.
			let received = 0;
			let partial = Buffer.alloc(0);
			const allBack = new Promise<void>((resolve) => {
				socket.on('data', (chunk: Buffer) => {
					partial = Buffer.concat([partial, chunk]);
					let newline;
					while ((newline = partial.indexOf(0x0a)) !== -1) {
						assert.ok(partial.subarray(0, newline + 1).equals(reply), `reply ${received} differs`);
						partial = partial.subarray(newline + 1);
						if (++received === sent) resolve();
					}
				});
			});
			socket.resume();
			const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error(`only ${received} of ${sent} replies came back`)), 10_000).unref());
			await Promise.race([allBack, timeout]);
			socket.destroy();
		});

		it('answers a last request without "\\n" when the client closes its sending side', async () => {
			const exchange = await tcpExchange(server.port, [Buffer.from(JSON.stringify(request('add', [5, 5], 'last')))], {
				endAfterSending: true,
			});
			assert.equal(exchange.received.toString(), '{"jsonrpc":"2.0","result":10,"id":"last"}\n');
			assert.equal(exchange.ended, 'closed');
		});

		it('keeps serving others when clients vanish mid-line', async () => {
			const vanishing = Array.from({ length: 50 }, (_, i) =>
				vanishMidMessage(server.port, Buffer.from(`{"jsonrpc":"2.0","method":"add","params":[${i},`))
			);
			const steady = Array.from({ length: 20 }, (_, i) => rpc(server.port, [JSON.stringify(request('add', [i, 1], i))], 1));
			await Promise.all(vanishing);
			for (const [i, replies] of (await Promise.all(steady)).entries()) assert.deepEqual(replies, [result(i + 1, i)]);
			assert.deepEqual(await rpc(server.port, [JSON.stringify(request('echo', ['after'], 'a'))], 1), [result('after', 'a')]);
			assert.ok(server.alive());
		});

		it('labels every line it printed, even for method names with newlines in them', async () => {
			await rpc(server.port, [JSON.stringify(request('evil\nname', ['a\nb'], 1)), JSON.stringify(request('echo', ['two\nlines'], 2))], 2);
			await new Promise((resolve) => setTimeout(resolve, 100)); // let the log lines arrive
			assert.ok(server.output.some((line) => line === 'server: error -32601 Method not found for evil\\nname(["a\\nb"])'));
			for (const line of server.output) assert.match(line, /^server: /);
		});

		it('writes numbers and strings exactly as JavaScript’s JSON.stringify does', async () => {
			const echo = (id: string) => `{"jsonrpc":"2.0","method":"echo","params":["n"],"id":${id}}`;
			const call = (method: string, params: string) => `{"jsonrpc":"2.0","method":"${method}","params":${params},"id":0}`;
			const cases: [string, string][] = [
				// Every JSON number is a double: integral ones without ".0", big ones rounded to 17
				// significant digits and padded with zeros below 1e21, exponent form from 1e21 and below 1e-6.
				[echo('12345678901234567890'), '{"jsonrpc":"2.0","result":"n","id":12345678901234567000}'],
				[echo('9007199254740993'), '{"jsonrpc":"2.0","result":"n","id":9007199254740992}'],
				[echo('1e21'), '{"jsonrpc":"2.0","result":"n","id":1e+21}'],
				[echo('100000000000000000000'), '{"jsonrpc":"2.0","result":"n","id":100000000000000000000}'],
				[echo('1.5e-7'), '{"jsonrpc":"2.0","result":"n","id":1.5e-7}'],
				[echo('0.000001'), '{"jsonrpc":"2.0","result":"n","id":0.000001}'],
				[echo('123e-20'), '{"jsonrpc":"2.0","result":"n","id":1.23e-18}'],
				[echo('1.7976931348623157e308'), '{"jsonrpc":"2.0","result":"n","id":1.7976931348623157e+308}'],
				[echo('5e-324'), '{"jsonrpc":"2.0","result":"n","id":5e-324}'],
				[echo('-0'), '{"jsonrpc":"2.0","result":"n","id":0}'],
				[echo('1.0'), '{"jsonrpc":"2.0","result":"n","id":1}'],
				[echo('1E2'), '{"jsonrpc":"2.0","result":"n","id":100}'],
				[call('divide', '[10,5]'), '{"jsonrpc":"2.0","result":2,"id":0}'],
				[call('divide', '[1,3]'), '{"jsonrpc":"2.0","result":0.3333333333333333,"id":0}'],
				[call('add', '[0.1,0.2]'), '{"jsonrpc":"2.0","result":0.30000000000000004,"id":0}'],
				[call('divide', '[1,30000000]'), '{"jsonrpc":"2.0","result":3.3333333333333334e-8,"id":0}'],
				[call('divide', '[-1,1e400]'), '{"jsonrpc":"2.0","result":0,"id":0}'],
				[call('subtract', '[1e21,1]'), '{"jsonrpc":"2.0","result":1e+21,"id":0}'],
				// Strings: control characters escaped (short forms where JSON has them), DEL and
				// U+2028 raw, "/" unescaped, a surrogate pair as one raw character, a lone surrogate as \udXXX.
				[call('echo', '["\\u0000\\u001f\\u007f\\u2028\\"\\\\\\/\\b\\f\\n\\r\\t"]'), '{"jsonrpc":"2.0","result":"\\u0000\\u001f\u007f\u2028\\"\\\\/\\b\\f\\n\\r\\t","id":0}'],
				[call('echo', '["\\ud83d\\ude00 \\ud800 \\uDFFF\\uD800"]'), '{"jsonrpc":"2.0","result":"😀 \\ud800 \\udfff\\ud800","id":0}'],
			];
			const exchange = await tcpExchange(server.port, [Buffer.from(cases.map(([line]) => `${line}\n`).join(''))], {
				done: (received) => countLines(received) >= cases.length,
			});
			assert.deepEqual(linesOf(exchange.received), cases.map(([, reply]) => reply));
		});

		it('reads JSON nested 900 deep; deeper than about 1000 only in Node (see README)', async () => {
			const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
			const [invalid, wrongParams, deep] = await rpc(
				server.port,
				[nested(900), `{"jsonrpc":"2.0","method":"echo","params":[${nested(900)}],"id":"deep"}`, nested(10_000)],
				3
			);
			assert.deepEqual(invalid, [error(-32600, 'Invalid Request')]);
			assert.deepEqual(wrongParams, error(-32602, 'Invalid params', 'deep'));
			if (impl.language === 'python') {
				// Python's json module parses recursively and stops at the interpreter's recursion
				// limit (about 1000 levels), so the Python twin cannot read this line at all.
				assert.deepEqual(deep, error(-32700, 'Parse error'));
			} else {
				// Node's JSON.parse reads any depth: a batch of one element that is not a request.
				assert.deepEqual(deep, [error(-32600, 'Invalid Request')]);
			}
			assert.ok(server.alive());
		});

		it('says clearly when its port is taken', async () => {
			const second = startExampleServer('rpc', impl.file, ['--port', String(server.port)], { command: impl.command });
			await assert.rejects(second, /already in use/);
		});
	});
}

for (const client of twins('client.js', 'python/client.py')) {
	it(`rpc client (${client.label}): says clearly when nothing is listening`, async () => {
		const free = net.createServer();
		await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
		const port = (free.address() as net.AddressInfo).port;
		await new Promise((resolve) => free.close(resolve));
		const hint = client.language === 'node' ? 'node server\\.js' : 'python3 server\\.py';
		await assert.rejects(run(client.command, [client.file, '--port', String(port)], { cwd: join(examplesDir, 'rpc') }), (failure: { stderr: string; code: number }) => {
			assert.equal(failure.code, 1);
			assert.match(failure.stderr, new RegExp(`^client: nothing is listening on 127\\.0\\.0\\.1:${port}\\. Start the server first: ${hint}\\n$`));
			return true;
		});
	});
}

describe('rpc interop: each client against the other language’s server', () => {
	const servers = twins('server.js', 'python/server.py');
	const clients = twins('client.js', 'python/client.py');
	const clientLines = startLines.filter((pattern) => pattern.source.startsWith('^client: '));
	for (const server of servers) {
		for (const client of clients.filter((c) => c.language !== server.language)) {
			it(`${client.label} client → ${server.label} server`, async () => {
				const running = await startExampleServer('rpc', server.file, [], { command: server.command });
				try {
					const { stdout } = await run(client.command, [client.file, '--port', String(running.port)], {
						cwd: join(examplesDir, 'rpc'),
						timeout: 20_000,
					});
					const lines = stdout.split('\n');
					let from = 0;
					for (const pattern of clientLines) {
						const index = lines.findIndex((line, i) => i >= from && pattern.test(line));
						assert.notEqual(index, -1, `no line matching ${pattern} in:\n${stdout}`);
						from = index + 1;
					}
				} finally {
					await running.stop();
				}
			});
		}
	}
});

describe('rpc transcript: the same request bytes get byte-identical replies from the Node and the Python server', () => {
	const MAX = MAX_LINE;
	const lines = (...texts: string[]) => Buffer.from(texts.map((text) => `${text}\n`).join(''));
	const call = (method: string, params: string, id = '1') => `{"jsonrpc":"2.0","method":${JSON.stringify(method)},"params":${params},"id":${id}}`;
	const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

	// Doubles from random bits (any exponent, any sign), written the way JavaScript writes them
	// and with more digits than needed, so both servers must round and shorten alike.
	const random = seededRandom(2024);
	const doubles: number[] = [];
	const bits = new DataView(new ArrayBuffer(8));
	while (doubles.length < 400) {
		bits.setUint32(0, Math.floor(random() * 2 ** 32));
		bits.setUint32(4, Math.floor(random() * 2 ** 32));
		const x = bits.getFloat64(0);
		if (Number.isFinite(x)) doubles.push(x);
	}
	const numbers = [
		...doubles,
		...Array.from({ length: 200 }, () => (random() - 0.5) * 10 ** Math.floor(random() * 50 - 25)),
		...Array.from({ length: 100 }, () => Math.floor(random() * 2 ** 60) - 2 ** 59),
	];
	const idSpellings = [
		'0', '-0', '1', '-1', '1.0', '1.5', '1E2', '1e+2', '1e-2', '0.1', '100e-2', '12345678901234567890', '9007199254740993',
		'1e21', '1e20', '999999999999999999999', '1.5e-7', '0.000001', '0.0000001', '123e-20', '5e-324', '2.2250738585072014e-308',
		'1.7976931348623157e308', '1e400', '-1e400', '1e-400', '0.30000000000000004', '1234567890123456789012345678901234567890',
		`1${'0'.repeat(400)}`, `0.${'0'.repeat(400)}1`, '1E-0', '-0.0e-0',
		...numbers.map((x) => JSON.stringify(x)),
		...numbers.map((x) => x.toExponential(20)),
	];
	const operands = ['1e308', '-1e308', '1e-308', '1e400', '-1e400', '0', '-0', '3', '0.1', '7e-7', '1e21', '-2.5e-10', ...numbers.slice(0, 40).map(String)];
	const arithmetic = operands.flatMap((a, i) => ['add', 'subtract', 'divide'].map((method, m) => call(method, `[${a},${operands[(i * 7 + m) % operands.length]}]`, String(i))));

	const conversations: [string, Buffer[]][] = [
		['every error case of the error test', [lines(...errorCases.map(([line]) => line))]],
		['ids spelled every way JSON allows', [lines(...idSpellings.map((id) => call('echo', '["id"]', id)))]],
		['arithmetic: rounding, overflow, -0, infinity in and out', [lines(...arithmetic)]],
		[
			'strings: escapes, control characters, surrogates',
			[
				lines(
					call('echo', `["${Array.from({ length: 32 }, (_, c) => `\\u${c.toString(16).padStart(4, '0')}`).join('')}"]`),
					call('echo', '["\\"\\\\\\/\\b\\f\\n\\r\\t \u007f \u2028\u2029 \u00a0 \ufeff \uffff"]'),
					call('echo', '["\\ud83d\\ude00 😀 \\ude00\\ud83d \\ud800 \\udbff\\udfff \\uDC00"]'),
					call('echo', '["\\ud800"]', '"\\ud800"'),
					call('echo', '["Grüße, ✓ 漢字 𝄞"]', '"ü✓"'),
					call('echo', '["\\u0041\\u00e9"]', '"\\n"'),
					call('evil\nname', '["a\\nb"]'),
					call('\u2028', '[]'),
					'{"jsonrpc":"2.0","method":"echo","params":{"text":"named ✓"},"id":"\\ud83d\\ude00"}'
				),
			],
		],
		[
			'bytes that are not UTF-8, and a BOM',
			[
				Buffer.concat(
					[[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x80], [0xff], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xef, 0xbb, 0xbf]].map(
						(bad) => Buffer.concat([Buffer.from('{"jsonrpc":"2.0","method":"echo","params":["'), Buffer.from(bad), Buffer.from('"],"id":1}\n')])
					)
				),
				Buffer.from('\ufeff{"jsonrpc":"2.0","method":"echo","params":["BOM first"],"id":2}\n'),
				Buffer.from(' \ufeff[]\n'),
			],
		],
		[
			'JSON syntax at the edges',
			[
				lines(
					'1.', '01', '-', '+1', '.5', '1e', '[1,]', '{"a":1,}', '{"a" 1}', '"\\x"', '"tab\there"', 'tru', 'nul', 'NaN', 'Infinity',
					'-Infinity', '[NaN]', '[Infinity]', '\f{}', '\u00a0{}', '{}', '[]', '[[]]', '{"jsonrpc":"2.0"}', '"\\u0000"', 'true', 'null',
					'1e400', `${call('echo', '["x"]')} x`, `${call('echo', '["trailing spaces"]')}  \t `, `\t \r${call('echo', '["inner CR"]')}`,
					`{ "jsonrpc" : "2.0" , "method" : "echo" , "params" : [ "spaced" ] , "id" : 3 }`, '{"jsonrpc":"2.0","method":"echo","params":["\\u12"],"id":1}'
				),
			],
		],
		[
			'duplicate members, odd parameter and method names',
			[
				lines(
					'{"jsonrpc":"2.0","method":"add","params":[1,2],"id":1,"id":2}',
					'{"jsonrpc":"2.0","method":"nope","method":"add","params":[1,2],"id":3}',
					'{"jsonrpc":"1.0","jsonrpc":"2.0","method":"add","params":[1,2],"id":4}',
					call('subtract', '{"a":1,"b":2,"a":3}'),
					call('subtract', '{"b":1,"a":2}'),
					call('subtract', '{"a,b":1}'),
					call('echo', '{"__proto__":"x"}'),
					call('echo', '{"text":"x","__proto__":"y"}'),
					'{"jsonrpc":"2.0","method":"echo","params":["x"],"__proto__":{"id":5}}',
					...['__proto__', 'constructor', 'hasOwnProperty', 'valueOf', 'toString', 'get', 'keys', 'items', '__class__', '__init__', 'ADD', 'add ', '', 'echo\u0000'].map((name, i) => call(name, '[1,2]', String(i)))
				),
			],
		],
		[
			'types: booleans, null, nested values, nesting 500 deep',
			[
				lines(
					call('add', '[true,1]'), call('add', '[null,1]'), call('add', '["1",2]'), call('add', '[[1],2]'), call('add', '{"a":{},"b":1}'),
					call('echo', '[null]'), call('echo', '[["x"]]'), call('echo', '[{"text":"x"}]'), call('echo', '{"text":1}'), call('echo', '[]'), call('echo', '{}'),
					call('broken', '[]'), call('broken', '{"any":[1,{"thing":null}]}'), '{"jsonrpc":"2.0","method":"broken"}', '{"jsonrpc":"2.0","method":"broken","id":null}',
					call('echo', `[${nested(500)}]`, '"deep"'), nested(500), `[${call('add', '[1,2]')},${nested(400)}]`,
					'{"jsonrpc":"2.0","method":"add","params":[1,2],"id":true}', '{"jsonrpc":"2.0","method":"add","params":[1,2],"id":false}',
					'{"jsonrpc":2.0,"method":"add","params":[1,2],"id":1}', '{"jsonrpc":"2.0","method":null,"params":[1,2],"id":1}',
					'{"jsonrpc":"2.0","method":"add","params":true,"id":1}', '{"jsonrpc":"2.0","method":"add","params":0}'
				),
			],
		],
		[
			'batches',
			[
				lines(
					`[${call('add', '[1,2]', '"one"')},{"jsonrpc":"2.0","method":"echo","params":["note"]},1,${call('multiply', '[2,3]', '"two"')},[${call('add', '[1,2]')}],{"foo":"boo"},${call('divide', '{"a":1,"b":0}', '"three"')}]`,
					'[]', '[1,2,3]', '[[]]', '[null]', '[{"jsonrpc":"2.0","method":"add","params":[1,2]},{"jsonrpc":"2.0","method":"no such method","params":[1]}]',
					`[${Array.from({ length: 1000 }, (_, i) => call('add', `[${i},0.5]`, String(i))).join(',')}]`,
					`[${Array.from({ length: 1001 }, (_, i) => call('add', `[${i},${i}]`, String(i))).join(',')}]`,
					`[${Array.from({ length: 1000 }, () => '{"jsonrpc":"2.0","method":"echo","params":["n"]}').join(',')}]`,
					`[${call('add', '[1,2]', '1')},${call('add', '[3,4]', '1')},${call('add', '[5,6]', 'null')}]`,
					`[${call('add', '[1,2]')},{"jsonrpc":"2.0","method"`,
					` [ ${call('echo', '["spaced batch"]')} ] `
				),
			],
		],
		['blank lines and CR LF', [lines('', ' ', '\t', '\r', ' \t\r ', '\r\r', '\u00a0', '\f', `${call('echo', '["CR LF"]')}\r`, `\r${call('echo', '["CR first"]')}`)]],
		['a last request without "\\n"', [lines(call('add', '[1,2]')), Buffer.from(call('add', '[3,4]', '"last"'))]],
		['a blank last piece without "\\n"', [lines(call('add', '[1,2]')), Buffer.from(' \r')]],
		[
			'a line of exactly 1048576 bytes, then another request',
			(() => {
				const head = '{"jsonrpc":"2.0","method":"echo","params":["';
				const tail = '"],"id":"big"}';
				return [Buffer.from(`${head}${'é'.repeat((MAX - head.length - tail.length) / 2)}${tail}\n`), lines(call('add', '[1,1]', '"after"'))];
			})(),
		],
		['one byte over 1 MiB: the error, then nothing', [Buffer.from(`${'x'.repeat(MAX + 1)}\n`), lines(call('add', '[1,1]', '"ignored"'))]],
		['1 MiB and more without a newline', [Buffer.alloc(MAX + 10, 0x20), lines(call('add', '[1,1]', '"ignored"'))]],
		['garbage bytes', [randomBytes(seededRandom(99), 32 * 1024)]],
	];

	let node: ExampleServer;
	let python: ExampleServer;
	before(async () => {
		[node, python] = await forBoth(twins('server.js', 'python/server.py'), (impl) => startExampleServer('rpc', impl.file, [], { command: impl.command }));
	});
	after(async () => {
		await Promise.all([node.stop(), python.stop()]);
	});

	for (const [name, chunks] of conversations) {
		it(name, async () => {
			// The same chunks, split at the same random points, then the client closes its sending side.
			const pieces = chunks.flatMap((chunk, i) => splitRandomly(chunk, seededRandom(i + chunk.length), 5));
			const exchange = (server: ExampleServer) => tcpExchange(server.port, pieces, { endAfterSending: true, timeoutMs: 15_000 });
			const [fromNode, fromPython] = await Promise.all([exchange(node), exchange(python)]);
			assert.equal(fromNode.ended, 'closed');
			assert.equal(fromPython.ended, 'closed');
			assert.ok(fromNode.received.length > 0, 'the Node server sent nothing at all');
			// latin1 maps each byte to one character: equal strings are equal bytes, and a difference is readable.
			assert.equal(fromPython.received.toString('latin1'), fromNode.received.toString('latin1'));
		});
	}
});

/** Plausible mistakes, each made in the reference solution by a few edits: the check must reject every one. */
const mistakes: ExerciseMistake[] = [
	{
		exercise: 'repeat-with-checks',
		language: 'node',
		what: 'has no upper limit for count',
		file: 'server.js',
		edits: [[' || count > MAX_REPEAT', '']],
	},
	{
		exercise: 'repeat-with-checks',
		language: 'node',
		what: 'accepts a count that is not a whole number',
		file: 'server.js',
		edits: [['!Number.isInteger(count) || ', '']],
	},
	{
		exercise: 'repeat-with-checks',
		language: 'python',
		what: 'refuses a count of 0',
		file: 'python/server.py',
		edits: [['not 0 <= count <= MAX_REPEAT', 'not 0 < count <= MAX_REPEAT']],
	},
	{
		exercise: 'repeat-with-checks',
		language: 'python',
		what: 'wants count to be an int, though every JSON number arrives as a float',
		file: 'python/server.py',
		edits: [['["text", "count"], [str, float]', '["text", "count"], [str, int]']],
	},
	{
		exercise: 'calls-from-the-server',
		language: 'node',
		what: 'takes a request with an id (the ping) for a reply',
		file: 'client.js',
		edits: [["if ('method' in reply) return answerServer(", "if ('method' in reply && !('id' in reply)) return answerServer("]],
	},
	{
		exercise: 'calls-from-the-server',
		language: 'node',
		what: 'answers the notice too',
		file: 'client.js',
		edits: [["\tif (!('id' in request)) return;\n", '']],
	},
	{
		exercise: 'calls-from-the-server',
		language: 'python',
		what: 'answers the ping with an id of its own',
		file: 'python/client.py',
		edits: [['"result": "pong", "id": request["id"]', '"result": "pong", "id": self._new_id()']],
	},
	{
		exercise: 'calls-from-the-server',
		language: 'python',
		what: 'answers the notice too',
		file: 'python/client.py',
		edits: [
			['        if "id" not in request:\n            return\n', ''],
			['"error": error, "id": request["id"]', '"error": error, "id": request.get("id")'],
		],
	},
];

describeExercises('rpc', mistakes);
