import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import net from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { examplesDir, startExampleServer, type ExampleServer } from './support/example-process.ts';
import { assertNpmStartPrints } from './support/npm-start.ts';
import { randomBytes, seededRandom } from './support/random.ts';
import { splitRandomly, tcpExchange, vanishMidMessage, writeWithoutReading } from './support/tcp-client.ts';

const MAX_LINE = 1024 * 1024;
const countLines = (received: Buffer) => received.reduce((n, byte) => n + (byte === 0x0a ? 1 : 0), 0);
const linesOf = (received: Buffer) => received.toString('utf8').split('\n').slice(0, -1);
const error = (code: number, message: string, id: unknown = null) => ({ jsonrpc: '2.0', error: { code, message }, id });
const result = (value: unknown, id: unknown) => ({ jsonrpc: '2.0', result: value, id });
const request = (method: unknown, params: unknown, id?: unknown) =>
	id === undefined ? { jsonrpc: '2.0', method, params } : { jsonrpc: '2.0', method, params, id };

/** Sends `lines` (each gets "\n") in one write and returns the parsed reply lines once `replies` have come. */
async function rpc(port: number, lines: string[], replies: number): Promise<unknown[]> {
	const exchange = await tcpExchange(port, [Buffer.from(lines.map((line) => `${line}\n`).join(''))], {
		done: (received) => countLines(received) >= replies,
	});
	assert.equal(exchange.ended, 'done', `expected ${replies} reply lines, got: ${exchange.received.toString()}`);
	return linesOf(exchange.received).map((line) => JSON.parse(line));
}

it('rpc: npm start exits 0 and prints the labelled calls and replies', async () => {
	const output = await assertNpmStartPrints('rpc', [
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
	]);
	assert.match(output, /^server: add\(\[2,3\]\) -> 5$/m);
	assert.match(output, /^server: error -32601 Method not found for multiply\(\[2,3\]\)$/m);
	assert.match(output, /^server: batch of 3 requests -> 2 replies$/m);
});

describe('rpc server (Node)', () => {
	let server: ExampleServer;
	before(async () => {
		server = await startExampleServer('rpc');
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
		const cases: [string, object][] = [
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
		const rssBefore = server.rss();
		const started = Date.now();
		const flood = Array.from({ length: 32 }, () => Buffer.alloc(256 * 1024, 0x61)); // 8 MiB, no newline
		const exchange = await tcpExchange(server.port, flood, { timeoutMs: 15_000 });
		assert.equal(
			exchange.received.toString(),
			'{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request: message larger than 1048576 bytes"},"id":null}\n'
		);
		assert.notEqual(exchange.ended, 'timeout');
		assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
		const rssAfter = server.rss();
		if (rssBefore !== undefined && rssAfter !== undefined) {
			assert.ok(rssAfter - rssBefore < 48 * 1024 * 1024, `server memory grew by ${(rssAfter - rssBefore) >> 20} MiB`);
		}
		assert.deepEqual(await rpc(server.port, [JSON.stringify(request('add', [1, 1], 1))], 1), [result(2, 1)]);
	});

	it('stops reading from a client that does not read its replies (bounded memory)', async () => {
		const rssBefore = server.rss();
		const text = 'y'.repeat(64 * 1024);
		const line = `${JSON.stringify(request('echo', [text], 0))}\n`;
		const reply = Buffer.from(`${JSON.stringify(result(text, 0))}\n`);
		// Write 64 KiB requests (up to 128 MiB) until the server stops taking them.
		const { socket, sent, stalled } = await writeWithoutReading(server.port, line);
		assert.ok(stalled, `the server read all ${sent} requests although nobody read its replies`);
		const rssAfter = server.rss();
		if (rssBefore !== undefined && rssAfter !== undefined) {
			assert.ok(rssAfter - rssBefore < 48 * 1024 * 1024, `server memory grew by ${(rssAfter - rssBefore) >> 20} MiB`);
		}
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

	it('says clearly when its port is taken', async () => {
		const second = startExampleServer('rpc', 'server.js', ['--port', String(server.port)]);
		await assert.rejects(second, /already in use/);
	});
});

it('rpc client: says clearly when nothing is listening', async () => {
	const free = net.createServer();
	await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
	const port = (free.address() as net.AddressInfo).port;
	await new Promise((resolve) => free.close(resolve));
	const run = promisify(execFile)(process.execPath, ['client.js', '--port', String(port)], { cwd: join(examplesDir, 'rpc') });
	await assert.rejects(run, (failure: { stderr: string; code: number }) => {
		assert.equal(failure.code, 1);
		assert.match(failure.stderr, new RegExp(`^client: nothing is listening on 127\\.0\\.0\\.1:${port}\\. Start the server first: node server\\.js\\n$`));
		return true;
	});
});
