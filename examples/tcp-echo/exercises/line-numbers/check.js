// @ts-check
/**
 * Check of "Number the lines" (Node.js): starts server.js, sends three lines in odd pieces on
 * one connection and one line on a second one, and compares the answers.
 */
import { indent, show } from '../../check.js';

/** @param {typeof import('../../check.js').checker} t */
export default async function check(t) {
	const server = await t.start('server.js', ['--port', '0']);
	try {
		for (const [which, pieces, expected] of /** @type {const} */ ([
			['a first connection', ['alpha\nbe', 'ta\ngamma\n'], '1: alpha\n2: beta\n3: gamma\n'],
			['a second connection, while the server keeps running', ['x\n'], '1: x\n'],
		])) {
			const { received } = await t.exchange(server.port, [...pieces], { untilLines: expected.split('\n').length - 1 });
			if (received.toString() !== expected) {
				t.fail(
					[
						`Sent on ${which}: ${pieces.map((piece) => show(piece)).join(', then ')}`,
						`Expected back: ${show(expected)}`,
						`Got back:      ${show(received)}`,
						`The server printed:\n${indent(server.output.stdout + server.output.stderr) || '  (nothing)'}`,
					].join('\n')
				);
			}
		}
	} finally {
		await server.stop();
	}
}
