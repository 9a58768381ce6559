// @ts-check
/**
 * TLS echo client: connects three times, to show what certificate checking does.
 *  1. It trusts the course's test CA (certs/ca.crt) and asks for "localhost": the handshake
 *     succeeds, and it sends its lines and reads them back.
 *  2. It asks for "example.com", a name the certificate does not carry: it refuses the server.
 *  3. It trusts only the CAs that Node.js ships with, not the test CA: it refuses the server.
 * Only the first connection carries any of our lines: a refused server never sees them.
 *
 * The same calls in Python (python/client.py):
 *   tls.connect({ host, port, servername, ca })   ctx = ssl.create_default_context(cafile=...)
 *                                                 ctx.wrap_socket(sock, server_hostname=...)
 *   'secureConnect' event                         wrap_socket() returns after the handshake
 *   error ERR_TLS_CERT_ALTNAME_INVALID            ssl.SSLCertVerificationError
 *
 * Run: node client.js [--host 127.0.0.1] [--port 7443] [--pin SHA256] [line ...]
 */
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { parseArgs } from 'node:util';

/** Every step of a connection must be done within this time, so the client never hangs. */
const TIMEOUT_MS = 10_000;

const { values, positionals } = parseArgs({
	allowPositionals: true,
	options: {
		host: { type: 'string', default: '127.0.0.1' },
		port: { type: 'string', default: '7443' },
		pin: { type: 'string' }, // the server certificate's SHA-256 fingerprint: 64 lowercase hex digits
	},
});
const lines = positionals.length > 0 ? positionals : ['hello', 'a secret: 1234'];
const testCa = readFileSync(new URL('certs/ca.crt', import.meta.url));

/**
 * Connects with TLS; resolves with the socket once the handshake is done and the server's
 * certificate checked, and rejects with Node's error if it is refused.
 * @param {string} servername the name the certificate must carry
 * @param {Buffer | undefined} ca the CAs to trust; undefined: the ones Node.js ships with
 * @returns {Promise<tls.TLSSocket>}
 */
function connectTls(servername, ca) {
	return new Promise((resolve, reject) => {
		const socket = tls.connect({ host: values.host, port: Number(values.port), servername, ca });
		socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)));
		socket.once('secureConnect', () => resolve(socket));
		socket.once('error', reject);
	});
}

/**
 * Reads a socket line by line: each call resolves with the next line, "\n" included.
 * @param {tls.TLSSocket} socket
 * @returns {() => Promise<Buffer>}
 */
function lineReader(socket) {
	let received = Buffer.alloc(0);
	let over = false;
	let wake = () => {};
	socket.on('data', (chunk) => {
		received = Buffer.concat([received, chunk]);
		wake();
	});
	for (const event of ['end', 'close']) {
		socket.on(event, () => {
			over = true;
			wake();
		});
	}
	return async () => {
		while (received.indexOf(0x0a) === -1) {
			if (over) throw new Error('the server closed the connection before answering');
			await new Promise((resolve) => (wake = () => resolve(undefined)));
		}
		const line = received.subarray(0, received.indexOf(0x0a) + 1);
		received = received.subarray(line.length);
		return line;
	};
}

/**
 * Sends each line and waits for it to come back.
 * @param {tls.TLSSocket} socket
 */
async function echoLines(socket) {
	const nextLine = lineReader(socket);
	for (const line of lines) {
		const bytes = Buffer.from(`${line}\n`);
		socket.write(bytes);
		console.log(`client: sent ${bytes.length} bytes: ${JSON.stringify(`${line}\n`)}`);
		const reply = await nextLine();
		console.log(`client: received ${reply.length} bytes: ${JSON.stringify(reply.toString('utf8'))}`);
	}
}

/**
 * @param {unknown} error
 * @returns {string}
 */
function describe(error) {
	const { code, message } = /** @type {NodeJS.ErrnoException} */ (error);
	if (code === 'ECONNREFUSED') return `nothing is listening on ${values.host}:${values.port}. Start the server first: node server.js`;
	return `${message}${code ? ` (${code})` : ''}`;
}

try {
	const socket = await connectTls('localhost', testCa);
	const certificate = socket.getPeerCertificate();
	console.log(`client: TLS handshake done: ${socket.getProtocol()}, ${socket.getCipher().standardName}`);
	console.log(`client: the certificate is for ${certificate.subject.CN}, signed by ${certificate.issuer.CN}, which we trust`);
	if (values.pin !== undefined) {
		// Node writes the fingerprint as "FE:8A:...": the pin is lowercase, without colons.
		const fingerprint = certificate.fingerprint256.replaceAll(':', '').toLowerCase();
		if (fingerprint !== values.pin) {
			console.error(`client: refused: the certificate's SHA-256 fingerprint is ${fingerprint}, not the pinned ${values.pin}`);
			socket.destroy();
			process.exit(1);
		}
		console.log("client: the certificate's SHA-256 fingerprint matches the pin");
	}
	await echoLines(socket);
	console.log('client: every line came back, closing');
	socket.end();
} catch (error) {
	console.error(`client: ${describe(error)}`);
	process.exit(1);
}

for (const [attempt, servername, ca] of /** @type {const} */ ([
	['as "example.com", a name the certificate does not carry', 'example.com', testCa],
	['without trusting the test CA', 'localhost', undefined],
])) {
	try {
		const socket = await connectTls(servername, ca);
		console.error(`client: connecting ${attempt} should have failed, but the server was accepted`);
		socket.destroy();
		process.exitCode = 1;
	} catch (error) {
		console.log(`client: connecting ${attempt}: refused, ${describe(error)}`);
	}
}
