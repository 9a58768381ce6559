// @ts-check
/**
 * Check of "Read to the end" (Node.js): a stand-in server echoes the client's line, waits for
 * the client to close its sending side, then sends a last word without "\n" and closes.
 */
import { indent, show } from '../../check.js';

const LAST_WORD = 'tschüß'; // 6 characters, 8 bytes

/** @param {typeof import('../../check.js').checker} t */
export default async function check(t) {
	const server = await t.fakeServer((socket) => {
		socket.on('data', (chunk) => socket.write(chunk)); // the echo
		socket.on('end', () => socket.end(LAST_WORD)); // then the last word, and close
	});
	const result = await t.run('client.js', ['--port', String(server.port), 'hello']);
	const expected = `client: received ${Buffer.byteLength(LAST_WORD)} bytes (no newline at the end): ${show(LAST_WORD)}`;
	if (result.timedOut) t.fail(`node client.js was still running after 5 s. The server had closed the connection; the client should print the last word and exit.`);
	if (!result.stdout.split('\n').includes(expected)) {
		t.fail(
			[
				`The server echoed "hello\\n", and after your client closed its sending side it sent ${show(LAST_WORD)} (${Buffer.byteLength(LAST_WORD)} bytes, no newline) and closed.`,
				`Expected your client to print this line:\n  ${expected}`,
				`Your client printed:\n${indent(result.stdout + result.stderr) || '  (nothing)'}`,
			].join('\n')
		);
	}
}
