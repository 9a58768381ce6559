// @ts-check
/**
 * Check of "TLS 1.3 only" (Node.js): starts server.js, then connects twice with node:tls,
 * trusting the test CA: once as a client that speaks at most TLS 1.2, whose handshake must
 * fail, and once as an ordinary client, which must get TLS 1.3 and its line back.
 * The checker talks plain TCP, so this check makes its own TLS connections (each bounded in
 * time, and always closed).
 */
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { indent, show } from '../../check.js';

const ca = readFileSync(new URL('../../certs/ca.crt', import.meta.url));
const LINE = 'hello\n';

/**
 * Connects with TLS as `localhost`, trusting the test CA; if the handshake works, sends LINE
 * and waits for a line back. Resolves with what happened; never rejects.
 * @param {number} port
 * @param {tls.SecureVersion | undefined} maxVersion the newest TLS version this client offers
 * @returns {Promise<{ protocol: string | null, received: string, error?: string }>}
 */
function tryTls(port, maxVersion) {
	return new Promise((resolve) => {
		const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca, maxVersion });
		/** @type {string | null} */
		let protocol = null;
		let received = '';
		/** @param {string} [error] */
		const finish = (error) => {
			clearTimeout(timer);
			socket.destroy();
			resolve({ protocol, received, error });
		};
		const timer = setTimeout(() => finish(protocol === null ? 'no handshake within 4 s' : undefined), 4000);
		socket.once('secureConnect', () => {
			protocol = socket.getProtocol();
			socket.write(LINE);
		});
		socket.setEncoding('utf8');
		socket.on('data', (text) => {
			received += text;
			if (received.includes('\n')) finish();
		});
		socket.once('end', () => finish(protocol === null ? 'the server closed the connection during the handshake' : undefined));
		socket.once('error', (error) => finish(`${error.message}${'code' in error ? ` (${error.code})` : ''}`));
	});
}

/** @param {typeof import('../../check.js').checker} t */
export default async function check(t) {
	const server = await t.start('server.js', ['--port', '0']);
	try {
		const serverSaid = () => `The server printed:\n${indent(server.output.stdout + server.output.stderr) || '  (nothing)'}`;
		const old = await tryTls(server.port, 'TLSv1.2');
		if (old.protocol !== null) {
			t.fail(
				[
					`A client that speaks at most TLS 1.2 connected, and the handshake worked: ${old.protocol}.`,
					`It sent ${show(LINE)} and got back ${show(old.received)}.`,
					`Expected the server to refuse it during the handshake: this server speaks TLS 1.3 only.`,
					serverSaid(),
				].join('\n')
			);
		}
		const current = await tryTls(server.port, undefined);
		if (current.protocol !== 'TLSv1.3' || current.received !== LINE) {
			t.fail(
				[
					`An ordinary client (TLS 1.2 and 1.3) connected and sent ${show(LINE)}.`,
					current.protocol === null ? `The handshake failed: ${current.error}.` : `The handshake gave ${current.protocol}; it got back ${show(current.received)}.`,
					`Expected TLS 1.3, and ${show(LINE)} back: refusing old clients must not refuse new ones.`,
					serverSaid(),
				].join('\n')
			);
		}
	} finally {
		await server.stop();
	}
}
