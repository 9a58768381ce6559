// @ts-check
/**
 * Check of "Frames with a type" (Node.js): starts server.js and sends it typed frames (a 1-byte
 * type, a 4-byte length, the payload): on one connection one byte at a time and cut inside
 * their headers, then a frame of an unknown type, then one that is too big.
 */
import { indent, show } from '../../check.js';

const TYPE_NAMES = ['', 'DATA', 'PING', 'PONG', 'ERROR'];
const [DATA, PING, PONG, ERROR] = [1, 2, 3, 4];

/** @param {number} type @param {string} text */
function frame(type, text) {
	const payload = Buffer.from(text);
	const header = Buffer.alloc(5);
	header.writeUInt8(type, 0);
	header.writeUInt32BE(payload.length, 1);
	return Buffer.concat([header, payload]);
}

/** @param {number} type @param {string} text */
const describe = (type, text) => `${TYPE_NAMES[type] ?? `type ${type}`} ${show(text)}`;

/** At most 24 bytes in hexadecimal: "01 00 00 00 05 68 ...". @param {Buffer} bytes */
const hex = (bytes) => [...bytes.subarray(0, 24)].map((byte) => byte.toString(16).padStart(2, '0')).join(' ') + (bytes.length > 24 ? ' ...' : '');

/** The whole frames of this exercise at the start of `bytes`, described. @param {Buffer} bytes */
function framesIn(bytes) {
	const found = [];
	while (bytes.length >= 5 && TYPE_NAMES[bytes[0] ?? 0] && bytes.length >= 5 + bytes.readUInt32BE(1)) {
		found.push(describe(bytes[0] ?? 0, bytes.subarray(5, 5 + bytes.readUInt32BE(1)).toString()));
		bytes = bytes.subarray(5 + bytes.readUInt32BE(1));
	}
	return found;
}

/** Cuts `bytes` at the given offsets. @param {Buffer} bytes @param {number[]} cuts */
const cutAt = (bytes, cuts) => [0, ...cuts].map((start, i) => bytes.subarray(start, cuts[i] ?? bytes.length));

const hello = frame(DATA, 'hello');
const ping = frame(PING, 'are you there?');
const last = frame(PING, 'last one\n');
/** @type {{ what: string, sent: string[], pieces: Buffer[], expected: [number, string][], closes: boolean }[]} */
const CASES = [
	{
		what: 'one connection, in 15 pieces 20 ms apart: the first frame one byte at a time, the others cut inside their headers',
		sent: [describe(DATA, 'hello'), describe(PING, 'are you there?'), describe(DATA, ''), describe(DATA, 'two frames in one read'), describe(PING, 'last one\n')],
		pieces: [
			...cutAt(hello, [1, 2, 3, 4, 5, 6, 7, 8, 9]),
			...cutAt(ping, [3, 8]),
			Buffer.concat([frame(DATA, ''), frame(DATA, 'two frames in one read'), last.subarray(0, 3)]),
			last.subarray(3),
		],
		expected: [
			[DATA, 'hello'],
			[PONG, 'are you there?'],
			[DATA, ''],
			[DATA, 'two frames in one read'],
			[PONG, 'last one\n'],
		],
		closes: false,
	},
	{
		what: 'a new connection, the header in 3 pieces',
		sent: [`a frame of type 7 (no such type) ${show('abc')}`],
		pieces: cutAt(frame(7, 'abc'), [1, 3, 5]),
		expected: [[ERROR, 'error: unknown frame type 7']],
		closes: true,
	},
	{
		what: 'a new connection, the header in 2 pieces',
		sent: ['the header of a DATA frame of 1048577 bytes (01 00 10 00 01), and no payload'],
		pieces: cutAt(Buffer.from([DATA, 0x00, 0x10, 0x00, 0x01]), [3]),
		expected: [[ERROR, 'error: frame of 1048577 bytes is over the 1048576-byte limit']],
		closes: true,
	},
];

/** @param {typeof import('../../check.js').checker} t */
export default async function check(t) {
	const server = await t.start('server.js', ['--port', '0']);
	try {
		for (const { what, sent, pieces, expected, closes } of CASES) {
			const expectedBytes = Buffer.concat(expected.map(([type, text]) => frame(type, text)));
			// The only "\n" is at the very end of what should come back: the exchange stops there (or when the server closes).
			const { received, closed } = await t.exchange(server.port, pieces, { untilLines: closes ? Infinity : 1 });
			const problem = !received.equals(expectedBytes) ? 'different bytes' : closes && !closed ? 'still open' : undefined;
			if (problem === undefined) continue;
			const got = framesIn(received);
			const printed = server.output.stdout.trimEnd().split('\n').slice(-6).join('\n');
			// From a crash, the error and where in server.js it happened.
			const errors = server.output.stderr.split('\n').filter((line) => /Error|server\.js:\d/.test(line)).slice(0, 3).join('\n');
			t.fail(
				[
					`Sent on ${what}:`,
					...sent.map((line) => `  ${line}`),
					`Expected back${closes ? ', then the server closes the connection' : ''}:`,
					...expected.map(([type, text]) => `  ${describe(type, text)}`),
					`  that is the bytes ${hex(expectedBytes)}`,
					problem === 'still open'
						? 'Got back the right frame, but the server did not close the connection.'
						: received.length === 0
							? `Got back nothing${closed ? ', and the server closed the connection' : ''}.`
							: `Got back ${received.length} bytes${closed ? ', then the server closed the connection' : ''}:`,
					...(problem === 'still open' || received.length === 0 ? [] : [`  bytes: ${hex(received)}`, `  text:  ${show(received)}`]),
					...(problem !== 'still open' && got.length > 0 ? [`  read as frames: ${got.join(', ')}`] : []),
					`The server's last lines:\n${indent(printed) || '  (nothing)'}`,
					...(errors ? [`The server's errors:\n${indent(errors)}`] : []),
				].join('\n')
			);
		}
	} finally {
		await server.stop();
	}
}
