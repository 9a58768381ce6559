// @ts-check
/**
 * Check of "Carry on after a failure" (Node.js): the client opens 4 connections to a stand-in
 * server, which closes connection 1 as soon as its first line has come, echoes connections 2
 * and 3 after 100 ms, and closes connection 4 after 200 ms without an answer. So one failure
 * comes before the good answers, one after. The client must finish 2 and 3 and say so.
 */
import { indent } from '../../check.js';

/** @param {typeof import('../../check.js').checker} t */
export default async function check(t) {
	/** @type {Set<ReturnType<typeof setTimeout>>} */
	const timers = new Set();
	/** @param {() => void} action @param {number} ms */
	const later = (action, ms) => timers.add(setTimeout(action, ms));
	const server = await t.fakeServer((socket) => {
		let text = '';
		let number = 0; // which connection this is, from its first line
		socket.on('data', (chunk) => {
			if (number === 2 || number === 3) later(() => socket.write(chunk), 100); // the echo, 100 ms late
			if (number !== 0) return; // 1 and 4: read and ignore
			text += chunk.toString('utf8');
			const first = /^hello from connection (\d+)\n/.exec(text);
			if (!first) return;
			number = Number(first[1]);
			if (number === 1) socket.end(); // close at once, no answer
			else if (number === 4) later(() => socket.end(), 200); // close later, no answer
			else later(() => socket.write(text), 100);
		});
	});
	try {
		const args = ['--port', String(server.port), '--connections', '4', '--big', '0'];
		const result = await t.run('client.js', args, { timeoutMs: 3_000 });
		const output = result.stdout + result.stderr;
		const lines = output.split('\n');
		const expected = [
			'client: connection 2 got every line back, closing it',
			'client: connection 3 got every line back, closing it',
			'client: 2 of 4 connections came back right',
		];
		const missing = expected.filter((line) => !lines.includes(line));
		if (result.timedOut || missing.length > 0 || result.code !== 1) {
			t.fail(
				[
					`Ran: node client.js ${args.join(' ')}`,
					'The server closed connection 1 as soon as its first line came, sent connections 2 and 3',
					'their lines back after 0.1 s, and closed connection 4 after 0.2 s without an answer.',
					'Expected your client to print these lines (among others) and to exit with code 1:',
					indent(expected.join('\n')),
					result.timedOut ? 'Your client was still running after 3 s, so it was stopped.' : `Your client exited with code ${result.code}.`,
					missing.length > 0 ? `These lines are missing:\n${indent(missing.join('\n'))}` : 'All these lines are there.',
					`Your client printed:\n${indent(output) || '  (nothing)'}`,
				].join('\n')
			);
		}
	} finally {
		for (const timer of timers) clearTimeout(timer);
	}
}
