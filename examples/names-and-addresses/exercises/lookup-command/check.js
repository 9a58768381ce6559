// @ts-check
/**
 * Check of "A lookup command" (Node.js): starts server.js and sends "lookup NAME" for an IPv4
 * address, an IPv6 address and localhost, the last one with "whoami" in the same write, and
 * compares each answer with what dns.lookup() finds on this computer.
 */
import dns from 'node:dns/promises';
import { show } from '../../check.js';

/** What the server should answer to "lookup NAME", from this computer's own lookup. @param {string} name */
async function expectedAnswer(name) {
	const found = await dns.lookup(name, { all: true });
	return `${name}: ${found.map(({ address, family }) => `${family === 6 ? 'AF_INET6' : 'AF_INET'} ${address}`).join(', ')}\n`;
}

/** @param {typeof import('../../check.js').checker} t */
export default async function check(t) {
	const localhost = await expectedAnswer('localhost');
	const cases = [
		{ sent: 'lookup 127.0.0.1\n', expected: await expectedAnswer('127.0.0.1'), why: '127.0.0.1 is already an address (IPv4): the lookup only converts it.' },
		{ sent: 'lookup ::1\n', expected: await expectedAnswer('::1'), why: '::1 is already an address (IPv6): the lookup only converts it.' },
		{
			sent: 'lookup localhost\nwhoami\n',
			expected: `${localhost}AF_INET 127.0.0.1 port <the check's port>\n`,
			why: 'Both lines came in one piece: the answers must come back in the same order, the lookup first.',
		},
	];
	const server = await t.start('server.js', ['--port', '0']);
	try {
		for (const { sent, expected, why } of cases) {
			const { received } = await t.exchange(server.port, [sent], { untilLines: sent.split('\n').length - 1 });
			const text = received.toString();
			const right = expected.includes('<') ? text.startsWith(localhost) && /^AF_INET 127\.0\.0\.1 port \d+\n$/.test(text.slice(localhost.length)) : text === expected;
			if (!right) {
				t.fail(
					[
						`Sent on a new connection to 127.0.0.1: ${show(sent)}`,
						`Expected back: ${show(expected)}`,
						`Got back:      ${show(received)}`,
						text.startsWith('error: unknown command') ? 'Your server does not know the command "lookup NAME" yet.' : why,
						`(The addresses are the ones dns.lookup(name, { all: true }) finds on this computer, in its order.)`,
					].join('\n')
				);
			}
		}
	} finally {
		await server.stop();
	}
}
