// @ts-check
/**
 * Check of "Pin the certificate" (Node.js): a stand-in TLS echo server, with the example's
 * certificate for localhost, notes every byte it receives inside TLS. client.js runs against
 * it twice: with --pin set to the fingerprint of that certificate (it must connect, say that
 * the pin matches, and get its line back), then with the fingerprint of the CA's certificate
 * (it must refuse the server, say so, send nothing and exit with 1).
 * The checker's stand-in servers speak plain TCP, so this check makes its own TLS server
 * (and always closes it, and its connections, in `finally`).
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { indent, show } from '../../check.js';

const certs = new URL('../../certs/', import.meta.url);
const cert = readFileSync(new URL('server.crt', certs));
const key = readFileSync(new URL('server.key', certs));
/** A certificate's SHA-256 fingerprint as the pin is written: 64 lowercase hex digits. @param {Buffer} pem */
const fingerprint = (pem) => new X509Certificate(pem).fingerprint256.replaceAll(':', '').toLowerCase();
const RIGHT_PIN = fingerprint(cert);
const CA_PIN = fingerprint(readFileSync(new URL('ca.crt', certs)));

/** Lines of Node's report of an uncaught error that say nothing to a student. */
const NOISE = /^(\s+at |node:internal\/|\s*throw |\s*\^+\s*$|\s*code: |\}$|Node\.js v)/;

/** What the client printed, without stack traces. @param {import('../../check.js').Run} run */
function printed(run) {
	const lines = `${run.stdout}\n${run.stderr}`.split('\n').filter((line) => line.trim() !== '' && !NOISE.test(line));
	return indent(lines.slice(0, 14).join('\n')) || '  (nothing)';
}

/** @param {typeof import('../../check.js').checker} t */
export default async function check(t) {
	/** Bytes the stand-in received inside TLS, since the last reset. */
	let receivedInside = '';
	/** @type {Set<tls.TLSSocket>} */
	const open = new Set();
	const standIn = tls.createServer({ cert, key }, (socket) => {
		open.add(socket);
		socket.on('error', () => {});
		socket.on('data', (chunk) => {
			receivedInside += chunk.toString('utf8');
			socket.write(chunk); // an echo
		});
		socket.on('end', () => socket.end());
	});
	standIn.on('tlsClientError', () => {}); // the client's refusals: expected
	try {
		await new Promise((resolve) => standIn.listen(0, '127.0.0.1', () => resolve(undefined)));
		const port = String(/** @type {import('node:net').AddressInfo} */ (standIn.address()).port);

		const right = await t.run('client.js', ['--port', port, '--pin', RIGHT_PIN, 'hello']);
		const matches = "client: the certificate's SHA-256 fingerprint matches the pin";
		const echoed = 'client: received 6 bytes: "hello\\n"';
		const rightLines = right.stdout.split('\n');
		if (right.code !== 0 || !rightLines.includes(matches) || !rightLines.includes(echoed)) {
			t.fail(
				[
					`Ran: node client.js --port ${port} --pin ${RIGHT_PIN} hello`,
					`against a TLS echo server with the certificate in certs/server.crt, whose fingerprint is that pin.`,
					`Expected your client to print these lines, and to exit with 0:`,
					indent(`${matches}\n${echoed}`),
					`Your client printed${right.timedOut ? ' (and it was still running after 5 s)' : `, and exited with ${right.code}`}:`,
					printed(right),
				].join('\n')
			);
		}

		receivedInside = '';
		const wrong = await t.run('client.js', ['--port', port, '--pin', CA_PIN, 'hello']);
		const refusal = `client: refused: the certificate's SHA-256 fingerprint is ${RIGHT_PIN}, not the pinned ${CA_PIN}`;
		const wrongLines = `${wrong.stdout}\n${wrong.stderr}`.split('\n');
		if (wrong.code !== 1 || !wrongLines.includes(refusal) || receivedInside !== '') {
			t.fail(
				[
					`Ran: node client.js --port ${port} --pin ${CA_PIN} hello`,
					`That pin is the fingerprint of the CA's certificate, not of the server's.`,
					`Expected your client to print this line, send nothing, and exit with 1:`,
					indent(refusal),
					`Your client printed${wrong.timedOut ? ' (and it was still running after 5 s)' : `, and exited with ${wrong.code}`}:`,
					printed(wrong),
					`The server received inside TLS: ${receivedInside === '' ? 'nothing' : show(receivedInside)}`,
				].join('\n')
			);
		}
	} finally {
		for (const socket of open) socket.destroy();
		standIn.close();
	}
}
