// @ts-check
/**
 * Check of "A chunked response" (Node.js): a stand-in server answers the client's GET / with a
 * chunked body (sizes in hex, a "ü" split between two chunks), sent in pieces that cut a size
 * line in two, then its POST /echo with a Content-Length body, and closes.
 */
import { indent } from '../../check.js';

const HEAD = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n';
const TEXT = Buffer.from('hello from a chunked response: grüße!\n');
/** The body in 3 chunks of 11, 23 and 6 bytes: sizes b, 17 and 6 in hex; the second ends in the first byte of "ü". */
const CHUNKS = [TEXT.subarray(0, 11), TEXT.subarray(11, 34), TEXT.subarray(34)];
const FIRST = Buffer.concat([
	Buffer.from(HEAD),
	...CHUNKS.flatMap((chunk) => [Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]),
	Buffer.from('0\r\n\r\n'),
]);
/** Where FIRST is cut into pieces: in the first chunk, in the size line "17", in the last "\r\n". */
const CUTS = [HEAD.length + 8, FIRST.indexOf('17\r\n') + 1, FIRST.length - 1];
const PIECES = [0, ...CUTS].map((from, i) => FIRST.subarray(from, [...CUTS, FIRST.length][i]));
/** What the client sends to /echo, unless it was changed. */
const ECHO = Buffer.from('Grüße, server!\n');

/** The bytes of one request at the start of `data` (head, then Content-Length body), or undefined. @param {Buffer} data */
function takeRequest(data) {
	const end = data.indexOf('\r\n\r\n');
	if (end === -1) return undefined;
	const length = Number(/\r\ncontent-length: *(\d+)/i.exec(data.subarray(0, end).toString('latin1'))?.[1] ?? 0);
	return data.length >= end + 4 + length ? { size: end + 4 + length, body: data.subarray(end + 4, end + 4 + length) } : undefined;
}

/** Bytes one line per line, with "\r" and "\n" shown. @param {Buffer} bytes */
function lines(bytes) {
	return (bytes.toString('utf8').match(/[^\n]*\n|[^\n]+/g) ?? []).map((line) => `  ${line.replaceAll('\r', '\\r').replaceAll('\n', '\\n')}`).join('\n');
}

/** @param {typeof import('../../check.js').checker} t */
export default async function check(t) {
	/** @type {Buffer | undefined} the body of the client's POST /echo */
	let echoed;
	const server = await t.fakeServer((socket) => {
		let pending = Buffer.alloc(0);
		let answered = 0;
		let sending = Promise.resolve();
		socket.on('data', (chunk) => {
			pending = Buffer.concat([pending, chunk]);
			let request;
			while ((request = takeRequest(pending)) !== undefined) {
				pending = pending.subarray(request.size);
				answered += 1;
				if (answered === 1) {
					sending = sending.then(async () => {
						for (const piece of PIECES) {
							if (socket.destroyed) return;
							socket.write(piece);
							await new Promise((resolve) => setTimeout(resolve, 20)); // separate pieces on the wire
						}
					});
				} else if (answered === 2) {
					const body = request.body;
					echoed = body;
					sending = sending.then(() => {
						const head = `HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
						socket.end(Buffer.concat([Buffer.from(head), body]));
					});
				}
			}
		});
	});
	const result = await t.run('client.js', ['--port', String(server.port)]);
	const second = echoed ?? ECHO;
	const expected = [
		`raw client: body ${TEXT.length} bytes: ${JSON.stringify(TEXT.toString())}`,
		`raw client: body ${second.length} bytes: ${JSON.stringify(second.toString())}`,
	];
	const printed = result.stdout.split('\n');
	const first = printed.indexOf(expected[0] ?? '');
	const story = [
		`A stand-in server answered GET / with this response, its body in ${CHUNKS.length} chunks`,
		`(Transfer-Encoding: chunked), sent in ${PIECES.length} pieces. The 2 bytes of "ü" are in two chunks (shown as �):`,
		lines(FIRST),
		`It answered POST /echo with a Content-Length of ${second.length} bytes, then closed the connection.`,
	].join('\n');
	if (result.timedOut) {
		t.fail(`${story}\nnode client.js was still running after 5 s: it should have printed both bodies and stopped.\nIt printed:\n${indent(result.stdout + result.stderr) || '  (nothing)'}`);
	}
	if (first === -1 || !printed.slice(first + 1).includes(expected[1] ?? '')) {
		t.fail(
			[
				story,
				`Expected your client to print these two lines (each body put together, as text):\n${expected.map((line) => `  ${line}`).join('\n')}`,
				`Your client printed:\n${indent(result.stdout + result.stderr) || '  (nothing)'}`,
			].join('\n')
		);
	}
	if (result.code !== 0) t.fail(`${story}\nnode client.js printed both bodies, but then exited with code ${result.code}; expected 0:\n${indent(result.stderr)}`);
}
