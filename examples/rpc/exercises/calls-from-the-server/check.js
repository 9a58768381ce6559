// @ts-check
/**
 * Check of "Calls from the server" (Node.js): a stand-in server, after the client's first
 * request, sends it a notice (a notification), a ping and a call of a method the client does
 * not have, waits up to 3 s for the client's two answers, and only then answers the first
 * request. Every later call gets the error Method not found, so that the client runs to its end.
 */
import { isDeepStrictEqual } from 'node:util';
import { indent } from '../../check.js';

const NOTICE = 'the server restarts at 18:00';
const FROM_SERVER = [
	`{"jsonrpc":"2.0","method":"notice","params":[${JSON.stringify(NOTICE)}]}`,
	'{"jsonrpc":"2.0","method":"ping","id":"s1"}',
	'{"jsonrpc":"2.0","method":"status","params":[],"id":"s2"}',
];
/** What the client must send back, by the id of the server's request. */
const ANSWERS = {
	s1: { jsonrpc: '2.0', result: 'pong', id: 's1' },
	s2: { jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: 's2' },
};
const WAIT_MS = 3000;

/** @param {string} line @returns {any} */
function parse(line) {
	try {
		return JSON.parse(line);
	} catch {
		return undefined;
	}
}

/** The stand-in's answer to a line from the client, after the first: Method not found for every call. @param {string} line */
function standInReply(line) {
	const message = parse(line);
	/** @param {any} request */
	const one = (request) => ({ jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: request?.id ?? null });
	if (message === undefined) return JSON.stringify({ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null });
	if (Array.isArray(message)) return JSON.stringify(message.filter((request) => request && 'id' in request).map(one));
	return message && 'id' in message ? JSON.stringify(one(message)) : undefined;
}

/** @param {typeof import('../../check.js').checker} t */
export default async function check(t) {
	/** @type {{ first?: any, answers: string[], complete: boolean }} */
	const seen = { answers: [], complete: false };
	const server = await t.fakeServer((socket) => {
		let pending = '';
		let phase = 'first';
		/** @type {ReturnType<typeof setTimeout> | undefined} */
		let timer;
		socket.on('close', () => clearTimeout(timer));
		socket.on('data', (chunk) => {
			pending += chunk.toString('utf8');
			let newline;
			while ((newline = pending.indexOf('\n')) !== -1) {
				const line = pending.slice(0, newline);
				pending = pending.slice(newline + 1);
				if (phase === 'first') {
					seen.first = parse(line);
					phase = 'answers';
					socket.write(FROM_SERVER.map((message) => `${message}\n`).join(''));
					timer = setTimeout(() => socket.destroy(), WAIT_MS); // no answers: give up on this client
				} else if (phase === 'answers') {
					seen.answers.push(line);
					const ids = seen.answers.map((answer) => parse(answer)?.id);
					if (ids.includes('s1') && ids.includes('s2')) {
						clearTimeout(timer);
						seen.complete = true;
						phase = 'serving';
						socket.write(`${JSON.stringify({ jsonrpc: '2.0', result: 5, id: seen.first?.id ?? null })}\n`);
					}
				} else {
					const reply = standInReply(line);
					if (reply !== undefined) socket.write(`${reply}\n`);
				}
			}
		});
		socket.on('end', () => socket.end());
	});
	const run = await t.run('client.js', ['--port', String(server.port)]);
	const printed = `Your client printed:\n${indent((run.stdout + run.stderr).trimEnd().split('\n').slice(-10).join('\n')) || '  (nothing)'}`;
	const told = [`After your client's first request, the stand-in server sent these three lines:`, ...FROM_SERVER.map((line) => `  ${line}`)];
	const got = `Your client sent back${seen.complete ? '' : ` (within ${WAIT_MS / 1000} s)`}:\n${indent(seen.answers.join('\n')) || '  (nothing)'}`;

	if (seen.first === undefined) t.fail(`The stand-in server never got a request from your client.\n${printed}`);
	for (const [id, answer] of Object.entries(ANSWERS)) {
		if (!seen.answers.some((line) => isDeepStrictEqual(parse(line), answer))) {
			t.fail([...told, `Expected your client to answer the request "${id}" with this line:`, `  ${JSON.stringify(answer)}`, got].join('\n'));
		}
	}
	if (seen.answers.length !== 2) {
		t.fail([...told, 'Expected exactly two answers, to "s1" and "s2": the notice is a notification (it has no "id"), so it gets no answer.', got].join('\n'));
	}
	const noticeLine = `client: notice from the server: ${NOTICE}`;
	if (!run.stdout.split('\n').includes(noticeLine)) {
		t.fail([...told, `Expected your client to print this line for the notice:`, `  ${noticeLine}`, printed].join('\n'));
	}
	if (run.code !== 0 || !run.stdout.split('\n').includes('client: done, closing')) {
		t.fail(
			[
				'Your client answered the server, but did not run to its end.',
				'Expected "client: done, closing" and exit code 0 (the stand-in server answers every later call with the error Method not found).',
				`${run.timedOut ? 'Your client was still running after 5 s' : `Your client exited with code ${run.code}`}. ${printed}`,
			].join('\n')
		);
	}
}
