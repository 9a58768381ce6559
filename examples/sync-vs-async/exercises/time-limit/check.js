// @ts-check
/**
 * Check of "A time limit for each answer" (Node.js): a stand-in server answers clients 1 and 3
 * after 100 ms and never answers client 2. The client runs with --clients 3 --timeout-ms 500:
 * client 2 must give up after 0.5 s, the others get their answers, and the client exits.
 */
import { indent, show } from '../../check.js';

const TIMEOUT_MS = 500;
const ANSWER_AFTER_MS = 100;
const SILENT_CLIENT = 2;

/** @param {typeof import('../../check.js').checker} t */
export default async function check(t) {
	const server = await t.fakeServer((socket) => {
		let received = Buffer.alloc(0);
		/** @type {ReturnType<typeof setTimeout> | undefined} */
		let timer;
		socket.on('data', (chunk) => {
			received = Buffer.concat([received, chunk]);
			const newline = received.indexOf(0x0a);
			if (newline === -1 || timer !== undefined) return;
			const line = received.subarray(0, newline).toString('utf8');
			if (line === `request from client ${SILENT_CLIENT}`) return; // this one never gets an answer
			timer = setTimeout(() => socket.end(`done: ${line}\n`), ANSWER_AFTER_MS);
		});
		socket.on('close', () => clearTimeout(timer));
	});
	const args = ['--port', String(server.port), '--clients', '3', '--timeout-ms', String(TIMEOUT_MS)];
	const result = await t.run('client.js', args, { timeoutMs: 3_000 });
	const output = result.stdout + result.stderr;
	const lines = output.split('\n');
	const expected = [
		'client 1: answered after ... s',
		`client ${SILENT_CLIENT}: no answer within ${(TIMEOUT_MS / 1000).toFixed(2)} s`,
		'client 3: answered after ... s',
		'client: only 2 of 3 clients got their answer',
	];
	const found = expected.map((want) => {
		const [before, after] = want.split('...');
		return lines.some((line) => (after === undefined ? line === want : line.startsWith(/** @type {string} */ (before)) && line.endsWith(after)));
	});
	if (result.timedOut || found.includes(false)) {
		// A program that stopped on an error: its error line, without the stack trace around it.
		const why = lines.find((line) => /error/i.test(line) && !/^\s*at /.test(line));
		const printed = !result.timedOut && result.code !== 0 && why !== undefined && !lines.some((line) => line.startsWith('client '))
			? `Your client stopped with:\n  ${why.trim()}`
			: `Your client printed:\n${indent(output) || '  (nothing)'}`;
		t.fail(
			[
				`Ran: node client.js ${args.join(' ')}`,
				`The server answered ${show('request from client 1\n')} and ${show('request from client 3\n')} after ${ANSWER_AFTER_MS / 1000} s, and never answered client ${SILENT_CLIENT}.`,
				`Expected your client to print these lines (in any order) and to stop:`,
				indent(expected.join('\n')),
				result.timedOut ? `Your client was still running after 3 s, so it was stopped. It printed:\n${indent(output) || '  (nothing)'}` : printed,
			].join('\n')
		);
	}
}
