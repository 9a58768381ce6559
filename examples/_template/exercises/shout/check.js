// @ts-check
/** Check of "Answer in capitals" (Node.js): starts server.js, sends a line, expects it back in capitals. */
import { indent, show } from '../../check.js';

/** @param {typeof import('../../check.js').checker} t */
export default async function check(t) {
	const server = await t.start('server.js', ['--port', '0']);
	try {
		const { received } = await t.exchange(server.port, ['hello\n'], { untilLines: 1 });
		if (received.toString() !== 'HELLO\n') {
			t.fail(
				[
					`Sent: ${show('hello\n')}`,
					`Expected back: ${show('HELLO\n')}`,
					`Got back:      ${show(received)}`,
					`The server printed:\n${indent(server.output.stdout + server.output.stderr) || '  (nothing)'}`,
				].join('\n')
			);
		}
	} finally {
		await server.stop();
	}
}
