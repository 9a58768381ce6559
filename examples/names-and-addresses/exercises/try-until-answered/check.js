// @ts-check
/**
 * Check of "Try until one answers" (Node.js): runs `client.js --only-try` (it tries ::1, then
 * 127.0.0.1) three times against stand-in servers on one port: on ::1 one that closes at once,
 * then one that never answers, then none at all; on 127.0.0.1 always one that answers "whoami".
 * The runner has no stand-in server on ::1, so this check makes its own and closes them all.
 */
import net from 'node:net';
import { indent } from '../../check.js';

/**
 * The three cases: what the stand-in on ::1 does with a connection, and how to say it.
 * @type {{ story: string, onIpv6?: (socket: net.Socket) => void }[]}
 */
const CASES = [
	{ story: 'accepted the connection and closed it at once, without an answer', onIpv6: (socket) => socket.end() },
	{ story: 'accepted the connection and never answered', onIpv6: () => {} },
	{ story: 'is not there: nothing listens on ::1, so the connection is refused' },
];

/**
 * Listens on `host`:`port`; resolves with the server, or rejects with the error (such as EADDRINUSE).
 * @param {string} host @param {number} port @param {(socket: net.Socket) => void} onConnection
 * @returns {Promise<net.Server>}
 */
function listen(host, port, onConnection) {
	return new Promise((resolve, reject) => {
		const server = net.createServer(onConnection);
		server.once('error', reject);
		server.listen({ host, port }, () => resolve(server));
	});
}

/** @param {typeof import('../../check.js').checker} t */
export default async function check(t) {
	/** @type {net.Server[]} */
	const servers = [];
	/** @type {Set<net.Socket>} */
	const sockets = new Set();
	/** @param {(socket: net.Socket) => void} handle */
	const tracked = (handle) => (/** @type {net.Socket} */ socket) => {
		sockets.add(socket);
		socket.on('error', () => {});
		socket.on('close', () => sockets.delete(socket));
		socket.resume(); // read and drop what is not used
		handle(socket);
	};
	try {
		for (const { story, onIpv6 } of CASES) {
			/** @type {string[]} the answers the stand-in on 127.0.0.1 gave */
			const answers = [];
			const answerWhoami = tracked((socket) => {
				let pending = '';
				socket.on('data', (chunk) => {
					pending += chunk.toString('latin1');
					let newline;
					while ((newline = pending.indexOf('\n')) !== -1) {
						const line = pending.slice(0, newline).replace(/\r$/, '');
						pending = pending.slice(newline + 1);
						const answer = line === 'whoami' ? `AF_INET ${socket.remoteAddress} port ${socket.remotePort}` : 'error: unknown command; the only command is whoami';
						if (line === 'whoami') answers.push(answer);
						socket.write(`${answer}\n`);
					}
				});
				socket.on('end', () => socket.end());
			});
			// One port on both addresses: ::1 first on a free port, then 127.0.0.1 on the same (or try another).
			let port = 0;
			for (let attempt = 1; port === 0; attempt++) {
				/** @type {net.Server | undefined} */
				let ipv6;
				try {
					ipv6 = await listen('::1', 0, tracked(onIpv6 ?? (() => {})));
					const taken = /** @type {net.AddressInfo} */ (ipv6.address()).port;
					servers.push(await listen('127.0.0.1', taken, answerWhoami));
					if (onIpv6) servers.push(ipv6);
					else ipv6.close(); // the third case: nothing on ::1
					port = taken;
				} catch (error) {
					ipv6?.close();
					const code = /** @type {NodeJS.ErrnoException} */ (error).code;
					if (code === 'EADDRINUSE' && attempt < 10) continue;
					t.fail(`This check needs a port on both loopback addresses, ::1 (IPv6) and 127.0.0.1, and could not listen (${code}).\nExpected a computer with IPv6 on loopback; without it, this exercise cannot be checked here.`);
				}
			}
			const args = ['--port', String(port), '--only-try'];
			const result = await t.run('client.js', args);
			const expected = `client: the server says "${answers[0] ?? 'AF_INET 127.0.0.1 port <your client\'s port>'}"`;
			const ok = !result.timedOut && result.code === 0 && result.stdout.split('\n').includes(expected);
			if (!ok) {
				t.fail(
					[
						`On [::1]:${port} a stand-in server ${story};`,
						`on 127.0.0.1:${port} another one answers "whoami".`,
						`Ran: node client.js ${args.join(' ')}   (it tries ::1, then 127.0.0.1)`,
						`Expected your client to give up on ::1, try 127.0.0.1, print\n  ${expected}\nand exit with code 0.`,
						result.timedOut ? 'It was still running after 5 s, and was stopped. It printed:' : `It exited with code ${result.code} and printed:`,
						indent(result.stdout + result.stderr) || '  (nothing)',
					].join('\n')
				);
			}
			for (const server of servers.splice(0)) server.close();
			for (const socket of sockets) socket.destroy();
		}
	} finally {
		for (const server of servers) server.close();
		for (const socket of sockets) socket.destroy();
	}
}
