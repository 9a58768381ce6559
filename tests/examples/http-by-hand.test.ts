import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { examplesDir, startExampleServer, type ExampleServer } from './support/example-process.ts';
import { describeExercises, type ExerciseMistake } from './support/exercises.ts';
import { watchMemory } from './support/memory.ts';
import { assertStartPrints } from './support/npm-start.ts';
import { randomBytes, seededRandom } from './support/random.ts';
import { splitRandomly, tcpExchange, vanishMidMessage, writeWithoutReading, type Exchange } from './support/tcp-client.ts';
import { twins, forBoth } from './support/twins.ts';

const run = promisify(execFile);
const MAX_HEAD = 16384;
const MAX_BODY = 1024 * 1024;
const HELLO = 'hello from a hand-written HTTP server\n';
const DATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** Broken requests, and the status each one gets (always with `Connection: close`). */
const brokenRequests: [string, string][] = [
	['GET / HTTP/1.1\n\n', '400 Bad Request'],
	['GET / HTTP/1.1\r\nHost: x\n\r\n', '400 Bad Request'],
	['GET  / HTTP/1.1\r\n\r\n', '400 Bad Request'],
	['GET / HTTP/1.1 \r\n\r\n', '400 Bad Request'],
	['GET /\r\n\r\n', '400 Bad Request'],
	['GET nope HTTP/1.1\r\n\r\n', '400 Bad Request'],
	['GET / http/1.1\r\n\r\n', '400 Bad Request'],
	['GET / HTTP/1\r\n\r\n', '400 Bad Request'],
	['G(T / HTTP/1.1\r\n\r\n', '400 Bad Request'],
	['GET /a\rb HTTP/1.1\r\n\r\n', '400 Bad Request'],
	['GET / HTTP/1.1\r\nNo colon here\r\n\r\n', '400 Bad Request'],
	['GET / HTTP/1.1\r\nName : space before colon\r\n\r\n', '400 Bad Request'],
	['GET / HTTP/1.1\r\n: no name\r\n\r\n', '400 Bad Request'],
	['GET / HTTP/1.1\r\nX: a\r\n folded\r\n\r\n', '400 Bad Request'],
	['GET / HTTP/1.1\r\nX: a\x00b\r\n\r\n', '400 Bad Request'],
	['GET / HTTP/1.1\r\nX: a\rb\r\n\r\n', '400 Bad Request'],
	['POST /echo HTTP/1.1\r\nContent-Length: 5x\r\n\r\nhello', '400 Bad Request'],
	['POST /echo HTTP/1.1\r\nContent-Length: -1\r\n\r\n', '400 Bad Request'],
	['POST /echo HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nhi', '400 Bad Request'],
	[`POST /echo HTTP/1.1\r\nContent-Length: ${MAX_BODY + 1}\r\n\r\n`, '413 Content Too Large'],
	['POST /echo HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n', '413 Content Too Large'],
	[`GET / HTTP/1.1\r\nX: ${'a'.repeat(MAX_HEAD)}\r\n\r\n`, '431 Request Header Fields Too Large'],
	[`GET /${'a'.repeat(MAX_HEAD)}`, '431 Request Header Fields Too Large'],
	['POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n', '501 Not Implemented'],
	['POST /echo HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: gzip\r\n\r\nhello', '501 Not Implemented'],
	['GET / HTTP/2.0\r\n', '505 HTTP Version Not Supported'],
	['GET / HTTP/0.9\r\n\r\n', '505 HTTP Version Not Supported'],
	['GET / HTTP/1.2\r\nbroken header\r\n\r\n', '505 HTTP Version Not Supported'],
];

interface Response {
	statusLine: string;
	/** Header names as sent, in order. */
	names: string[];
	header(name: string): string | undefined;
	body: Buffer;
}

/** Splits received bytes into complete HTTP responses (framed by the empty line and Content-Length). */
function parseResponses(data: Buffer): Response[] {
	const responses: Response[] = [];
	let at = 0;
	for (;;) {
		const end = data.indexOf('\r\n\r\n', at);
		if (end === -1) return responses;
		const [statusLine = '', ...lines] = data.subarray(at, end).toString('latin1').split('\r\n');
		const fields = lines.map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()] as const);
		const header = (name: string) => fields.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
		const length = Number(header('content-length'));
		assert.ok(Number.isInteger(length), `response without Content-Length: ${statusLine}`);
		if (data.length < end + 4 + length) return responses;
		responses.push({ statusLine, names: fields.map(([n]) => n), header, body: data.subarray(end + 4, end + 4 + length) });
		at = end + 4 + length;
	}
}

/** Sends `chunks` (one write each) and collects responses until `count` have come (or the server closes). */
async function httpExchange(
	port: number,
	chunks: (Buffer | string)[],
	count: number,
	options: { timeoutMs?: number; endAfterSending?: boolean } = {}
): Promise<Exchange & { responses: Response[] }> {
	const exchange = await tcpExchange(
		port,
		chunks.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk)),
		{ done: (received) => parseResponses(received).length >= count, ...options }
	);
	return { ...exchange, responses: parseResponses(exchange.received) };
}

/** Checks the headers every response must have, and returns the response for more checks. */
function checkResponse(response: Response | undefined, statusLine: string, connection: 'keep-alive' | 'close'): Response {
	assert.ok(response, `no response, expected ${statusLine}`);
	assert.equal(response.statusLine, statusLine);
	assert.equal(response.header('connection'), connection, statusLine);
	assert.equal(Number(response.header('content-length')), response.body.length);
	assert.ok(response.header('content-type'), 'Content-Type missing');
	assert.match(response.header('date') ?? '', DATE);
	return response;
}

/**
 * What `npm start` and `python3 python/start.py` print, in order, whichever language runs. The
 * library client is labelled `node-http client` (node:http) or `http-client client` (http.client).
 */
const startLines = [
	/^server: listening on 127\.0\.0\.1:\d+$/,
	/^raw client: connected to 127\.0\.0\.1:\d+ from local port \d+$/,
	/^raw client: sent \d+ bytes:$/,
	/^raw client: {3}GET \/ HTTP\/1\.1\\r\\n$/,
	/^raw client: {3}Host: 127\.0\.0\.1:\d+\\r\\n$/,
	/^raw client: received \d+ bytes:$/,
	/^raw client: {3}HTTP\/1\.1 200 OK\\r\\n$/,
	/^raw client: {3}Content-Length: 38\\r\\n$/,
	/^raw client: {3}Connection: keep-alive\\r\\n$/,
	/^raw client: {3}\\r\\n$/,
	/^raw client: {3}hello from a hand-written HTTP server\\n$/,
	/^raw client: {3}POST \/echo HTTP\/1\.1\\r\\n$/,
	/^raw client: {3}Content-Length: 17\\r\\n$/,
	/^raw client: {3}Connection: close\\r\\n$/,
	/^raw client: {3}Grüße, server!\\n$/,
	/^raw client: {3}HTTP\/1\.1 200 OK\\r\\n$/,
	/^raw client: {3}Connection: close\\r\\n$/,
	/^raw client: {3}Grüße, server!\\n$/,
	/^raw client: the server closed the connection$/,
	/^(?:node-http|http-client) client: sending GET \/ /,
	/^(?:node-http|http-client) client: status 200 OK \(HTTP\/1\.1\)$/,
	/^(?:node-http|http-client) client: header Content-Type: text\/plain; charset=utf-8$/,
	/^(?:node-http|http-client) client: body 38 bytes: "hello from a hand-written HTTP server\\n"$/,
	/^(?:node-http|http-client) client: that was a new connection, local port \d+$/,
	/^(?:node-http|http-client) client: sending POST \/echo with a 17-byte body /,
	/^(?:node-http|http-client) client: body 17 bytes: "Grüße, server!\\n"$/,
	/^(?:node-http|http-client) client: that was the same connection again \(keep-alive\), local port \d+$/,
	/^server: stopping$/,
];

for (const language of ['node', 'python'] as const) {
	it(`http-by-hand (${language}): the start command exits 0 and prints both clients’ labelled exchanges`, async () => {
		const output = await assertStartPrints('http-by-hand', language, startLines);
		assert.match(output, /^server: GET \/ -> 200 \(38 bytes\)$/m);
		assert.match(output, /^server: POST \/echo -> 200 \(17 bytes\), closing the connection$/m);
	});
}

for (const impl of twins('server.js', 'python/server.py')) {
	describe(`http-by-hand server (${impl.label})`, () => {
		let server: ExampleServer;
		before(async () => {
			server = await startExampleServer('http-by-hand', impl.file, [], { command: impl.command });
		});
		after(async () => {
			await server.stop();
		});

		it('gives each of 200 concurrent clients its own echoed bodies, sent in split writes', async () => {
			const random = seededRandom(200);
			const clients = Array.from({ length: 200 }, (_, id) => {
				const bodies = [randomBytes(random, Math.floor(random() * 5000)), randomBytes(random, Math.floor(random() * 300))];
				const requests = bodies.map((body, i) =>
					Buffer.concat([
						Buffer.from(
							`POST /echo HTTP/1.1\r\nHost: test\r\nContent-Type: application/x-client-${id}\r\n` +
								`Content-Length: ${body.length}\r\n${i === 1 ? 'Connection: close\r\n' : ''}\r\n`
						),
						body,
					])
				);
				return { bodies, chunks: splitRandomly(Buffer.concat(requests), random, 8) };
			});
			const exchanges = await Promise.all(clients.map((c) => httpExchange(server.port, c.chunks, 2, { timeoutMs: 20_000 })));
			for (const [id, exchange] of exchanges.entries()) {
				assert.equal(exchange.responses.length, 2, `client ${id}: ${exchange.ended}`);
				for (const [i, response] of exchange.responses.entries()) {
					checkResponse(response, 'HTTP/1.1 200 OK', i === 0 ? 'keep-alive' : 'close');
					assert.equal(response.header('content-type'), `application/x-client-${id}`);
					assert.equal(response.header('content-length'), String(clients[id]!.bodies[i]!.length));
					assert.ok(response.body.equals(clients[id]!.bodies[i]!), `client ${id} got back a different body ${i}`);
				}
			}
		});

		it('sends exactly the documented bytes for GET / and a 405', async () => {
			const exchange = await tcpExchange(server.port, [Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\nPUT / HTTP/1.1\r\n\r\n')], {
				done: (received) => parseResponses(received).length >= 2,
			});
			const text = exchange.received.toString('latin1');
			const date = 'Date: [A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT';
			const notAllowed = '405 Method Not Allowed: / only takes GET\n';
			assert.match(
				text,
				new RegExp(
					`^HTTP/1\\.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 38\r\nConnection: keep-alive\r\n${date}\r\n\r\n${HELLO}` +
						`HTTP/1\\.1 405 Method Not Allowed\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${notAllowed.length}\r\n` +
						`Allow: GET\r\nConnection: keep-alive\r\n${date}\r\n\r\n${notAllowed}$`
				)
			);
		});

		it('answers 3 pipelined requests sent in one write, in order, and keeps the connection', async () => {
			const exchange = await httpExchange(
				server.port,
				['GET / HTTP/1.1\r\nHost: x\r\n\r\nPOST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET /nope HTTP/1.1\r\nHost: x\r\n\r\n'],
				3
			);
			assert.equal(exchange.ended, 'done');
			const [first, second, third] = exchange.responses;
			assert.equal(checkResponse(first, 'HTTP/1.1 200 OK', 'keep-alive').body.toString(), HELLO);
			assert.equal(checkResponse(second, 'HTTP/1.1 200 OK', 'keep-alive').body.toString(), 'abc');
			assert.equal(second!.header('content-type'), 'application/octet-stream');
			assert.match(checkResponse(third, 'HTTP/1.1 404 Not Found', 'keep-alive').body.toString(), /^404 Not Found: /);
		});

		it('answers 404 and 405 (with Allow) and keeps the connection open', async () => {
			const exchange = await httpExchange(
				server.port,
				[
					'GET /nope HTTP/1.1\r\n\r\nPOST / HTTP/1.1\r\nContent-Length: 2\r\n\r\nhiGET /echo HTTP/1.1\r\n\r\n' +
						'get / HTTP/1.1\r\n\r\nGET /echo/ HTTP/1.1\r\n\r\nGET /?x=1 HTTP/1.1\r\n\r\n',
				],
				6
			);
			assert.equal(exchange.ended, 'done');
			const [nope, postRoot, getEcho, lowercase, slash, query] = exchange.responses;
			checkResponse(nope, 'HTTP/1.1 404 Not Found', 'keep-alive');
			assert.equal(checkResponse(postRoot, 'HTTP/1.1 405 Method Not Allowed', 'keep-alive').header('allow'), 'GET');
			assert.equal(checkResponse(getEcho, 'HTTP/1.1 405 Method Not Allowed', 'keep-alive').header('allow'), 'POST');
			assert.equal(checkResponse(lowercase, 'HTTP/1.1 405 Method Not Allowed', 'keep-alive').header('allow'), 'GET');
			checkResponse(slash, 'HTTP/1.1 404 Not Found', 'keep-alive');
			assert.equal(checkResponse(query, 'HTTP/1.1 200 OK', 'keep-alive').body.toString(), HELLO);
			assert.equal(nope!.header('allow'), undefined);
		});

		it('answers each broken request with its exact error status, then closes', async () => {
			const cases = brokenRequests;
			const exchanges = await Promise.all(
				cases.map(([request]) => httpExchange(server.port, [`${request}GET / HTTP/1.1\r\n\r\n`], 2, { timeoutMs: 5000 }))
			);
			for (const [i, exchange] of exchanges.entries()) {
				const [request, status] = cases[i]!;
				const what = JSON.stringify(request.slice(0, 60));
				assert.equal(exchange.responses.length, 1, `${what}: expected exactly one response`);
				const response = checkResponse(exchange.responses[0], `HTTP/1.1 ${status}`, 'close');
				assert.equal(response.header('content-type'), 'text/plain; charset=utf-8');
				assert.match(response.body.toString(), new RegExp(`^${status}: .+\\n$`), what);
				assert.equal(exchange.ended, 'closed', what);
			}
			assert.ok(server.alive());
		});

		it('accepts a header section of exactly 16384 bytes and a body of exactly 1048576 bytes', async () => {
			const start = 'GET / HTTP/1.1\r\nX: ';
			const head = `${start}${'a'.repeat(MAX_HEAD - start.length - 4)}\r\n\r\n`;
			assert.equal(head.length, MAX_HEAD);
			const body = randomBytes(seededRandom(3), MAX_BODY);
			const post = Buffer.concat([Buffer.from(`POST /echo HTTP/1.1\r\nContent-Length: ${MAX_BODY}\r\n\r\n`), body]);
			const exchange = await httpExchange(server.port, [head, post], 2);
			assert.equal(checkResponse(exchange.responses[0], 'HTTP/1.1 200 OK', 'keep-alive').body.toString(), HELLO);
			assert.ok(checkResponse(exchange.responses[1], 'HTTP/1.1 200 OK', 'keep-alive').body.equals(body));
		});

		it('closes after Connection: close, keeps HTTP/1.0 open only with keep-alive, skips leading empty lines', async () => {
			const closing = await httpExchange(server.port, ['GET / HTTP/1.1\r\nConnection: Keep-Alive, CLOSE\r\n\r\nGET / HTTP/1.1\r\n\r\n'], 2);
			assert.equal(closing.responses.length, 1);
			checkResponse(closing.responses[0], 'HTTP/1.1 200 OK', 'close');
			assert.equal(closing.ended, 'closed');

			const old = await httpExchange(server.port, ['GET / HTTP/1.0\r\n\r\nGET / HTTP/1.0\r\n\r\n'], 2);
			assert.equal(old.responses.length, 1);
			checkResponse(old.responses[0], 'HTTP/1.1 200 OK', 'close');
			assert.equal(old.ended, 'closed');

			const oldKeepAlive = await httpExchange(
				server.port,
				['\r\n\r\nGET / HTTP/1.0\r\nconnection: keep-alive\r\n\r\nPOST /echo HTTP/1.0\r\nCONTENT-LENGTH: 2\r\ncontent-type: a/b\r\n\r\nhi'],
				2
			);
			assert.equal(oldKeepAlive.responses.length, 2);
			checkResponse(oldKeepAlive.responses[0], 'HTTP/1.1 200 OK', 'keep-alive');
			const echo = checkResponse(oldKeepAlive.responses[1], 'HTTP/1.1 200 OK', 'close');
			assert.equal(echo.header('content-type'), 'a/b');
			assert.equal(echo.body.toString(), 'hi');
		});

		it('works with node:http’s client and a keep-alive agent', async () => {
			const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
			const request = (method: string, path: string, body?: string) =>
				new Promise<{ status: number; body: string; port: number; type: string | undefined }>((resolve, reject) => {
					const req = http.request({ port: server.port, host: '127.0.0.1', method, path, agent }, (res) => {
						const parts: Buffer[] = [];
						res.on('data', (part: Buffer) => parts.push(part));
						res.on('end', () =>
							resolve({ status: res.statusCode!, body: Buffer.concat(parts).toString(), port: req.socket!.localPort!, type: res.headers['content-type'] })
						);
					});
					req.on('error', reject);
					if (body !== undefined) req.setHeader('Content-Type', 'text/x-test');
					req.end(body);
				});
			try {
				const results = [];
				for (let round = 0; round < 5; round++) {
					results.push(
						...(await Promise.all([request('GET', '/'), request('POST', '/echo', `round ${round} ü`), request('DELETE', '/echo')]))
					);
				}
				for (const [i, result] of results.entries()) {
					if (i % 3 === 0) assert.deepEqual([result.status, result.body], [200, HELLO]);
					if (i % 3 === 1) assert.deepEqual([result.status, result.body, result.type], [200, `round ${Math.floor(i / 3)} ü`, 'text/x-test']);
					if (i % 3 === 2) assert.equal(result.status, 405);
				}
				// 15 requests, but only the agent's 2 connections: they stayed open and were reused.
				assert.equal(new Set(results.map((r) => r.port)).size, 2);
			} finally {
				agent.destroy();
			}
		});

		it('answers garbage bytes with 400 and closes, and keeps running', async () => {
			const garbage = randomBytes(seededRandom(7), 64 * 1024);
			const exchange = await httpExchange(server.port, splitRandomly(garbage, seededRandom(8), 10), 2);
			assert.equal(exchange.responses.length, 1);
			checkResponse(exchange.responses[0], 'HTTP/1.1 400 Bad Request', 'close');
			assert.equal(exchange.ended, 'closed');
			assert.ok(server.alive());
			const check = await httpExchange(server.port, ['GET / HTTP/1.1\r\n\r\n'], 1);
			assert.equal(check.responses[0]?.body.toString(), HELLO);
		});

		it('answers an 8 MiB body with 413 at once, without buffering it, and still serves', async () => {
			const memory = watchMemory(server);
			const started = Date.now();
			const flood = [
				Buffer.from(`POST /echo HTTP/1.1\r\nContent-Length: ${8 * MAX_BODY}\r\n\r\n`),
				...Array.from({ length: 32 }, () => Buffer.alloc(256 * 1024, 0x61)),
			];
			let answeredAfter = 0;
			const exchange = await tcpExchange(server.port, flood, {
				timeoutMs: 15_000,
				done: (received) => {
					if (parseResponses(received).length === 0) return false;
					answeredAfter ||= Date.now() - started;
					return false; // keep going until the server closes
				},
			});
			const [response] = parseResponses(exchange.received);
			checkResponse(response, 'HTTP/1.1 413 Content Too Large', 'close');
			assert.notEqual(exchange.ended, 'timeout');
			assert.ok(answeredAfter < 2000, `the 413 came after ${answeredAfter} ms`);
			memory.assertBounded();
			const check = await httpExchange(server.port, ['GET / HTTP/1.1\r\n\r\n'], 1);
			assert.equal(check.responses[0]?.body.toString(), HELLO);
		});

		it('answers an 8 MiB header flood with 431 at once, without buffering it', async () => {
			const memory = watchMemory(server);
			const flood = [Buffer.from('GET / HTTP/1.1\r\nX: '), ...Array.from({ length: 32 }, () => Buffer.alloc(256 * 1024, 0x61))];
			const exchange = await httpExchange(server.port, flood, 1, { timeoutMs: 15_000 });
			checkResponse(exchange.responses[0], 'HTTP/1.1 431 Request Header Fields Too Large', 'close');
			memory.assertBounded();
		});

		it('stops reading from a client that does not read its responses (bounded memory)', async () => {
			const memory = watchMemory(server);
			const body = Buffer.alloc(64 * 1024, 0x62);
			const request = Buffer.concat([Buffer.from(`POST /echo HTTP/1.1\r\nContent-Length: ${body.length}\r\n\r\n`), body]);
			// Pipeline 64 KiB requests (up to 128 MiB) until the server stops taking them.
			const { socket, sent, stalled } = await writeWithoutReading(server.port, request);
			assert.ok(stalled, `the server read all ${sent} requests although nobody read its responses`);
			memory.assertBounded();
			let received = Buffer.alloc(0);
			const allBack = new Promise<void>((resolve) => {
				socket.on('data', (chunk: Buffer) => {
					received = Buffer.concat([received, chunk]);
					const responses = parseResponses(received);
					if (responses.length === sent) {
						for (const response of responses) assert.ok(response.body.equals(body));
						resolve();
					}
				});
			});
			socket.resume();
			const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('not every response came back')), 10_000).unref());
			await Promise.race([allBack, timeout]);
			socket.destroy();
		});

		it('keeps serving others when clients vanish mid-request', async () => {
			const vanishing = Array.from({ length: 50 }, (_, i) =>
				vanishMidMessage(server.port, Buffer.from(i % 2 ? `POST /echo HTTP/1.1\r\nContent-Length: 100\r\n\r\nhalf ${i}` : `GET / HTTP/1.1\r\nHo`))
			);
			const steady = Array.from({ length: 20 }, (_, i) =>
				httpExchange(server.port, [`POST /echo HTTP/1.1\r\nContent-Length: ${String(i).length}\r\n\r\n${i}`], 1)
			);
			const halfClosing = Array.from({ length: 10 }, (_, i) =>
				httpExchange(server.port, [`POST /echo HTTP/1.1\r\nContent-Length: 100\r\n\r\nonly ${i}`], 1, { endAfterSending: true })
			);
			await Promise.all(vanishing);
			for (const [i, exchange] of (await Promise.all(steady)).entries()) assert.equal(exchange.responses[0]?.body.toString(), String(i));
			for (const exchange of await Promise.all(halfClosing)) assert.deepEqual([exchange.ended, exchange.responses.length], ['closed', 0]);
			const check = await httpExchange(server.port, ['GET / HTTP/1.1\r\n\r\n'], 1);
			assert.equal(check.responses[0]?.body.toString(), HELLO);
			assert.ok(server.alive());
		});

		it('labels every line it printed', async () => {
			await new Promise((resolve) => setTimeout(resolve, 100)); // let the last log lines arrive
			assert.ok(server.output.some((line) => line === 'server: GET / -> 200 (38 bytes)'));
			assert.ok(server.output.some((line) => /^server: 127\.0\.0\.1:\d+ closed the connection in the middle of a request$/.test(line)));
			for (const line of server.output) assert.match(line, /^server: /);
		});

		it('says clearly when its port is taken', async () => {
			const second = startExampleServer('http-by-hand', impl.file, ['--port', String(server.port)], { command: impl.command });
			await assert.rejects(second, /already in use/);
		});
	});
}

const clientKinds = [
	{ kind: 'raw', programs: twins('client.js', 'python/client.py'), labels: { node: 'raw client', python: 'raw client' } },
	{ kind: 'library', programs: twins('client-http.js', 'python/client_http.py'), labels: { node: 'node-http client', python: 'http-client client' } },
] as const;

for (const { programs, labels } of clientKinds) {
	for (const client of programs) {
		it(`http-by-hand ${client.file}: says clearly when nothing is listening`, async () => {
			const free = net.createServer();
			await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
			const port = (free.address() as net.AddressInfo).port;
			await new Promise((resolve) => free.close(resolve));
			const hint = client.language === 'node' ? 'node server.js' : 'python3 server.py';
			await assert.rejects(run(client.command, [client.file, '--port', String(port)], { cwd: join(examplesDir, 'http-by-hand') }), (failure: { stderr: string; code: number }) => {
				assert.equal(failure.code, 1);
				assert.equal(failure.stderr, `${labels[client.language]}: nothing is listening on 127.0.0.1:${port}. Start the server first: ${hint}\n`);
				return true;
			});
		});
	}
}

describe('http-by-hand interop: each client against the other language’s server', () => {
	const servers = twins('server.js', 'python/server.py');
	for (const server of servers) {
		for (const { kind, programs, labels } of clientKinds) {
			for (const client of programs.filter((c) => c.language !== server.language)) {
				it(`${client.label} ${labels[client.language]} (${client.file}) → ${server.label} server`, async () => {
					const running = await startExampleServer('http-by-hand', server.file, [], { command: server.command });
					try {
						const { stdout } = await run(client.command, [client.file, '--port', String(running.port)], {
							cwd: join(examplesDir, 'http-by-hand'),
							timeout: 20_000,
						});
						const expected = startLines.filter((pattern) => pattern.source.startsWith(kind === 'raw' ? '^raw client: ' : '^(?:node-http'));
						const lines = stdout.split('\n');
						let from = 0;
						for (const pattern of expected) {
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
	}
});

describe('http-by-hand transcript: the same request bytes get byte-identical responses from the Node and the Python server', () => {
	const get = (target = '/', headers = '', version = 'HTTP/1.1') => `GET ${target} ${version}\r\n${headers}\r\n`;
	const post = (body: string, headers = '', version = 'HTTP/1.1') =>
		`POST /echo ${version}\r\nContent-Length: ${Buffer.byteLength(body, 'latin1')}\r\n${headers}\r\n${body}`;
	const random = seededRandom(77);
	const binary = (length: number) => randomBytes(random, length).toString('latin1');
	/** A test name for some bytes: JSON quoting, and \xNN for bytes 0x7F to 0xFF (some are invisible). */
	const shown = (text: string) => JSON.stringify(text).replace(/[\x7f-\xff]/g, (c) => `\\x${c.charCodeAt(0).toString(16)}`);

	/** [name, the bytes sent (latin1 strings or buffers), true if no response at all is expected]. */
	const conversations: [string, (string | Buffer)[], boolean?][] = [
		[
			'routes, 404, 405 and echoes, pipelined on one connection',
			[
				get('/', 'Host: x\r\n') + get('/?x=1&y') + get('/nope') + get('//') + get('/%20') + get('/echo/') + get(`/${'long/'.repeat(40)}`) +
					'PUT / HTTP/1.1\r\n\r\n' + 'HEAD / HTTP/1.1\r\n\r\n' + 'OPTIONS /echo HTTP/1.1\r\n\r\n' + 'get / HTTP/1.1\r\n\r\n' + get('/echo') +
					"!#$%&'*+-.^_`|~09azAZ / HTTP/1.1\r\n\r\n" + 'POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi' +
					post('plain') + post('typed', 'Content-Type: a/b\r\n') + post('last type wins', 'Content-Type: a/b\r\ncontent-TYPE: c/d\r\n') +
					post('obs-text type', 'Content-Type: text/\xe9\xff; x="\xa0"\r\n') + post(binary(3000), 'Content-Type: application/x-binary\r\n') +
					post('') + 'POST /echo?query HTTP/1.1\r\nContent-Length: 5\r\n\r\nquery' + get('/', 'Expect: 100-continue\r\n'),
			],
		],
		[
			'header syntax that is allowed',
			[
				get('/', 'X:\r\nY: \t spaced \t \r\nZ: a\tb\r\nO: \x80\xe9\xff\r\nHost: x\r\nhOsT: y\r\n') +
					post('after odd headers', 'Y: \t\r\nExpect: 100-continue\r\n'),
			],
		],
		['Content-Length with leading zeros and spaces', [`POST /echo HTTP/1.1\r\nContent-Length:  \t0005 \t\r\n\r\nhello${get()}POST /echo HTTP/1.1\r\nContent-Length: ${'0'.repeat(10_000)}1\r\n\r\n!`]],
		['a body of exactly 1048576 bytes', [post(binary(MAX_BODY)) + get()]],
		...[
			'Content-Length: +5', 'Content-Length: 5.0', 'Content-Length:', 'Content-Length: 0x5', 'Content-Length: 5, 5', 'Content-Length: 1048577',
			`Content-Length: ${'9'.repeat(5000)}`, 'Content-Length: 2\r\nContent-Length: 2', 'Transfer-Encoding:', 'Transfer-Encoding: identity\r\nContent-Length: 2',
			'X: a\x7fb', 'X : v', 'X\t: v', '\xe9: v', 'X: a\x0bb', 'X: \x1b[31m',
		].map((header): [string, string[]] => [`header ${shown(header.slice(0, 40))}`, [`POST /echo HTTP/1.1\r\n${header}\r\n\r\nhi${get()}`]]),
		...['GET * HTTP/1.1', 'GET http://x/ HTTP/1.1', 'GET\t/ HTTP/1.1', 'GET / HTTP/1.10', 'GET / HTTP/3.0', 'GET / HTTP/1.1\r', '\xe9GET / HTTP/1.1', 'GET /\x7f HTTP/1.1', 'GET /\xe9 HTTP/1.1', ' GET / HTTP/1.1', 'GET / HTTP/1.1 x'].map(
			(line): [string, string[]] => [`request line ${shown(line)}`, [`${line}\r\n\r\n${get()}`]]
		),
		...brokenRequests.map(([request, status]): [string, string[]] => [`${status}: ${shown(request.slice(0, 40))}`, [`${request}${get()}`]]),
		...[
			['HTTP/1.1', 'close'], ['HTTP/1.1', 'Close'], ['HTTP/1.1', 'keep-alive, close'], ['HTTP/1.1', 'close\xa0'], ['HTTP/1.1', '\xa0close'],
			['HTTP/1.1', 'close\x85'], ['HTTP/1.1', 'closed'], ['HTTP/1.1', 'close;'], ['HTTP/1.1', ',,close,,'], ['HTTP/1.1', 'upgrade,\tclose'],
			['HTTP/1.1', 'foo\r\nConnection: close'], ['HTTP/1.0', ''], ['HTTP/1.0', 'keep-alive'], ['HTTP/1.0', 'Keep-Alive'], ['HTTP/1.0', 'keep-alive\xa0'],
			['HTTP/1.0', 'keep-alive\x85'], ['HTTP/1.0', 'keep-alive, close'], ['HTTP/1.0', 'foo\r\nconnection: keep-alive'],
		].map(([version = '', option = '']): [string, string[]] => [
			`${version} with Connection ${shown(option)}`,
			[`${get('/', option ? `Connection: ${option}\r\n` : '', version)}${post('after', '', version)}${get()}`],
		]),
		['leading empty lines are skipped', ['\r\n'.repeat(10) + get() + '\r\n\r\n' + post('after empty lines')]],
		['leading empty lines count towards the 16384 bytes', ['\r\n'.repeat(8000) + get() + '\r\n'.repeat(8200) + get()]],
		['a header section of 16384 bytes, then one of 16385', [get('/', `X: ${'a'.repeat(MAX_HEAD - 23)}\r\n`) + get('/', `X: ${'a'.repeat(MAX_HEAD - 22)}\r\n`)]],
		['431 in the middle of a line, without its end', ['GET / HTTP/1.1\r\nX: ', 'a'.repeat(20_000)]],
		['413 at once, with the body still coming', [`POST /echo HTTP/1.1\r\nContent-Length: ${2 * MAX_BODY}\r\n\r\n`, 'a'.repeat(64 * 1024)]],
		['the client closes in the middle of the header section', ['GET / HTTP/1.1\r\nHo'], true],
		['the client closes in the middle of a body', [`${get()}POST /echo HTTP/1.1\r\nContent-Length: 100\r\n\r\nonly part`]],
		['the client closes one byte short of the body', [`POST /echo HTTP/1.1\r\nContent-Length: 10\r\n\r\n123456789`], true],
		['garbage bytes', [randomBytes(seededRandom(5), 16 * 1024)]],
		['many requests split into small writes', [Array.from({ length: 50 }, (_, i) => (i % 2 ? post(`body ${i} ${binary(i * 7)}`) : get(`/?${i}`))).join('')]],
	];

	let node: ExampleServer;
	let python: ExampleServer;
	before(async () => {
		[node, python] = await forBoth(twins('server.js', 'python/server.py'), (impl) => startExampleServer('http-by-hand', impl.file, [], { command: impl.command }));
	});
	after(async () => {
		await Promise.all([node.stop(), python.stop()]);
	});

	/** The Date value is the only part allowed to differ (the two servers answer a moment apart). */
	const normalise = (received: Buffer) => received.toString('latin1').replace(/\r\nDate: [^\r\n]*\r\n/g, '\r\nDate: (now)\r\n');

	for (const [index, [name, chunks, silent]] of conversations.entries()) {
		it(name, async () => {
			// The same chunks, split at the same random points, then the client closes its sending side.
			const bytes = chunks.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk));
			const pieces = bytes.flatMap((chunk, i) => splitRandomly(chunk, seededRandom(index * 100 + i), 6));
			const exchange = (server: ExampleServer) => tcpExchange(server.port, pieces, { endAfterSending: true, timeoutMs: 15_000 });
			const [fromNode, fromPython] = await Promise.all([exchange(node), exchange(python)]);
			assert.equal(fromNode.ended, 'closed');
			assert.equal(fromPython.ended, 'closed');
			assert.equal(fromNode.received.length === 0, silent === true, `the Node server sent ${fromNode.received.length} bytes`);
			assert.equal(normalise(fromPython.received), normalise(fromNode.received));
		});
	}
});

/** Plausible mistakes, each made in the reference solution by a few edits: the check must reject every one. */
const mistakes: ExerciseMistake[] = [
	{ exercise: 'file-server', language: 'node', what: 'checks startsWith(root) without the separator', file: 'server.js', edits: [['file.startsWith(root + sep)', 'file.startsWith(root)']] },
	{ exercise: 'file-server', language: 'node', what: 'reads the file as text', file: 'server.js', edits: [['return readFileSync(file);', "return Buffer.from(readFileSync(file, 'utf8'));"]] },
	{ exercise: 'file-server', language: 'node', what: 'does not decode %-escapes', file: 'server.js', edits: [['decoded = decodeURIComponent(path);', 'decoded = path;']] },
	{ exercise: 'file-server', language: 'node', what: 'has no Content-Type for .css', file: 'server.js', edits: [["\t['.css', 'text/css; charset=utf-8'],\n", '']] },
	{
		exercise: 'file-server',
		language: 'python',
		what: 'checks str(file).startswith(str(root)) without the separator',
		file: 'python/server.py',
		edits: [['inside = file.is_relative_to(self.root)', 'inside = str(file).startswith(str(self.root))']],
	},
	{ exercise: 'file-server', language: 'python', what: 'looks for ".." before decoding %-escapes', file: 'python/server.py', edits: [['inside = file.is_relative_to(self.root)', 'inside = ".." not in path']] },
	{
		exercise: 'file-server',
		language: 'python',
		what: 'reads the file as text',
		file: 'python/server.py',
		edits: [['content = file.read_bytes() if inside else b""', 'content = file.read_text(errors="replace").encode() if inside else b""']],
	},
	{ exercise: 'file-server', language: 'python', what: 'has no fallback Content-Type', file: 'python/server.py', edits: [['TYPES.get(file.suffix.lower(), "application/octet-stream")', 'TYPES.get(file.suffix.lower(), "text/plain")']] },
	{ exercise: 'chunked-response', language: 'node', what: 'reads the chunk size as decimal', file: 'client.js', edits: [['lineEnd), 16);', 'lineEnd), 10);']] },
	{
		exercise: 'chunked-response',
		language: 'node',
		what: 'decodes each chunk as text on its own',
		file: 'client.js',
		edits: [['chunks.push(data.subarray(start, start + size));', "chunks.push(Buffer.from(data.toString('utf8', start, start + size)));"]],
	},
	{ exercise: 'chunked-response', language: 'python', what: 'reads the chunk size as decimal', file: 'python/client.py', edits: [['split(b";")[0], 16)', 'split(b";")[0])']] },
	{ exercise: 'chunked-response', language: 'python', what: 'forgets the "\\r\\n" after each chunk', file: 'python/client.py', edits: [['start += size + 2  #', 'start += size  #']] },
];

describeExercises('http-by-hand', mistakes);
