// @ts-check
/**
 * Check of "Refuse a reply that is too big" (Node.js): a stand-in server answers the client's
 * first frame with a header announcing 3,000,000,000 bytes and then stays silent; the client
 * must refuse it at once. A second stand-in answers with a reply of exactly 1 MiB, the
 * largest allowed, and echoes the rest: the client must take it and run to its end.
 */
import { indent } from '../../check.js';

const MAX_FRAME_BYTES = 1024 * 1024;
const HUGE = 3_000_000_000;

/** @param {Buffer} payload */
function frame(payload) {
	const header = Buffer.alloc(4);
	header.writeUInt32BE(payload.length);
	return Buffer.concat([header, payload]);
}

/** The last lines a program printed. @param {{ stdout: string, stderr: string }} run */
const lastLines = (run) => indent((run.stdout + run.stderr).trimEnd().split('\n').slice(-8).join('\n')) || '  (nothing)';

/** @param {typeof import('../../check.js').checker} t */
export default async function check(t) {
	// 1. A header that announces 3,000,000,000 bytes, 3 bytes of payload, then silence.
	const liar = await t.fakeServer((socket) => {
		socket.once('data', () => {
			const header = Buffer.alloc(4);
			header.writeUInt32BE(HUGE);
			socket.write(Buffer.concat([header, Buffer.from('abc')]));
		});
	});
	const refused = await t.run('client.js', ['--port', String(liar.port)], { timeoutMs: 4000 });
	const expected = `client: a reply announces ${HUGE} bytes, over the ${MAX_FRAME_BYTES}-byte limit; closing`;
	const told = [
		`Your client sent its first frame. The stand-in server answered with a 4-byte header announcing ${HUGE} bytes (b2 d0 5e 00),`,
		'then 3 bytes of that payload, and then nothing more (the connection stays open).',
		`Expected your client to print this line, and to exit with code 1 at once, without waiting for the rest:\n  ${expected}`,
	];
	if (refused.timedOut) t.fail([...told, `Your client was still running after 4 s. It printed:\n${lastLines(refused)}`].join('\n'));
	if (!(refused.stdout + refused.stderr).split('\n').includes(expected)) {
		t.fail([...told, `Your client exited with code ${refused.code} and printed:\n${lastLines(refused)}`].join('\n'));
	}
	if (refused.code !== 1) t.fail([...told, `Your client printed that line, but exited with code ${refused.code}.`].join('\n'));

	// 2. A reply of exactly MAX_FRAME_BYTES is allowed: an echo server whose first reply is that big.
	const generous = await t.fakeServer((socket) => {
		let pending = Buffer.alloc(0);
		let replies = 0;
		socket.on('data', (chunk) => {
			pending = Buffer.concat([pending, chunk]);
			while (pending.length >= 4 && pending.length >= 4 + pending.readUInt32BE(0)) {
				const end = 4 + pending.readUInt32BE(0);
				socket.write(frame(replies === 0 ? Buffer.alloc(MAX_FRAME_BYTES, 'x') : pending.subarray(4, end)));
				replies += 1;
				pending = pending.subarray(end);
			}
		});
		socket.on('end', () => socket.end());
	});
	const allowed = await t.run('client.js', ['--port', String(generous.port)]);
	if (allowed.code !== 0 || !allowed.stdout.split('\n').includes('client: done, closing')) {
		t.fail(
			[
				`The stand-in server answered your client's first frame with a reply of exactly ${MAX_FRAME_BYTES} bytes (the largest allowed), and echoed every other frame.`,
				'Expected your client to take that reply and run to its end ("client: done, closing", exit code 0).',
				`${allowed.timedOut ? 'Your client was still running after 5 s' : `Your client exited with code ${allowed.code}`}. Its last lines:\n${lastLines(allowed)}`,
			].join('\n')
		);
	}
}
