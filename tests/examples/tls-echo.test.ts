/**
 * tls-echo: a line echo over TLS, Node.js with `tls`, Python with `ssl` (an asyncio server, a
 * blocking client with `wrap_socket`). The start command in both languages, with the client's
 * two refusals (a wrong name, an untrusted CA) and their exact words; each server under 200
 * concurrent TLS clients, garbage inside TLS and garbage instead of TLS, oversize lines and
 * vanished peers (mid-handshake and mid-line); and each client against the other language's
 * server.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import net from 'node:net';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { examplesDir, startExampleServer, type ExampleServer } from './support/example-process.ts';
import { describeExercises, type ExerciseMistake } from './support/exercises.ts';
import { watchMemory } from './support/memory.ts';
import { assertConcurrentLineEcho, countLines, endsWithLines, showBytes } from './support/line-echo.ts';
import { assertStartPrints } from './support/npm-start.ts';
import { randomBytes, seededRandom } from './support/random.ts';
import { splitRandomly, tcpExchange, vanishMidMessage } from './support/tcp-client.ts';
import { twins } from './support/twins.ts';

const run = promisify(execFile);
const NAME = 'tls-echo';
const MAX_LINE = 1024 * 1024;
/** How a client that trusts the test CA connects: what client.js and client.py do first. */
const trusting = { ca: readFileSync(join(examplesDir, NAME, 'certs', 'ca.crt')), servername: 'localhost' };

/** Resolves once `ready()` is true (checked every 10 ms); rejects after `timeoutMs`. */
async function waitUntil(ready: () => boolean, timeoutMs: number): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!ready()) {
		if (Date.now() > end) throw new Error(`not ready within ${timeoutMs} ms`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

const refusals = {
	node: [
		/^client: connecting as "example\.com", a name the certificate does not carry: refused, Hostname\/IP does not match certificate's altnames: Host: example\.com\. is not in the cert's altnames: DNS:localhost, IP Address:127\.0\.0\.1, IP Address:0:0:0:0:0:0:0:1 \(ERR_TLS_CERT_ALTNAME_INVALID\)$/,
		/^client: connecting without trusting the test CA: refused, unable to verify the first certificate.* \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)$/,
	],
	python: [
		/^client: connecting as "example\.com", a name the certificate does not carry: refused, Hostname mismatch, certificate is not valid for 'example\.com'\. \(SSLCertVerificationError\)$/,
		/^client: connecting without trusting the test CA: refused, unable to get local issuer certificate \(SSLCertVerificationError\)$/,
	],
};

/** What a client prints, in order, against either server. */
const clientLines = (language: 'node' | 'python') => [
	/^client: TLS handshake done: TLSv1\.3, TLS_AES_256_GCM_SHA384$/,
	/^client: the certificate is for localhost, signed by Netcourse Test CA, which we trust$/,
	/^client: sent 6 bytes: "hello\\n"$/,
	/^client: received 6 bytes: "hello\\n"$/,
	/^client: sent 15 bytes: "a secret: 1234\\n"$/,
	/^client: received 15 bytes: "a secret: 1234\\n"$/,
	/^client: every line came back, closing$/,
	...refusals[language],
];

for (const language of ['node', 'python'] as const) {
	it(`${NAME} (${language}): the start command exits 0, echoes over TLS and refuses a wrong name and an untrusted CA`, async () => {
		const output = await assertStartPrints(NAME, language, [/^server: listening on 127\.0\.0\.1:\d+ with the certificate for localhost$/, ...clientLines(language), /^server: stopping$/]);
		assert.match(output, /^server: TLS handshake done with 127\.0\.0\.1:\d+: TLSv1\.3, TLS_AES_256_GCM_SHA384$/m);
		const failed = output.match(/^server: a TLS handshake failed: .*$/gm) ?? [];
		// Node's server says so for each refused client; asyncio drops those connections silently.
		assert.equal(failed.length, language === 'node' ? 2 : 0, `handshake failures the server reports:\n${output}`);
	});
}

for (const impl of twins('server.js', 'python/server.py')) {
	describe(`${NAME} server (${impl.label})`, () => {
		let server: ExampleServer;
		before(async () => {
			server = await startExampleServer(NAME, impl.file, [], { command: impl.command });
		});
		after(async () => {
			await server.stop();
		});

		it('gives each of 200 concurrent TLS clients exactly its own lines back, in order', () => assertConcurrentLineEcho(server.port, { tls: trusting }));

		it('echoes garbage bytes inside TLS unchanged, byte for byte', async () => {
			const garbage = Buffer.concat([randomBytes(seededRandom(7), 64 * 1024), Buffer.from([0xff, 0x00, 0x0d, 0x0a])]);
			const result = await tcpExchange(server.port, splitRandomly(garbage, seededRandom(8), 10), { done: endsWithLines(countLines(garbage)), tls: trusting });
			assert.equal(result.ended, 'done', `sent ${showBytes(garbage)}, got ${showBytes(result.received)} before ${result.ended}`);
			assert.ok(result.received.equals(garbage), `sent ${showBytes(garbage)}, got back different bytes: ${showBytes(result.received)}`);
		});

		it('answers garbage instead of a TLS handshake with no plaintext and keeps serving', async () => {
			const garbage = Buffer.from('hello, this is not TLS\n'.repeat(20));
			const result = await tcpExchange(server.port, [garbage], { timeoutMs: 5_000 });
			assert.notEqual(result.ended, 'timeout', 'the server closes a connection that does not speak TLS');
			assert.ok(!result.received.toString('latin1').includes('hello'), `the server echoed plaintext: ${showBytes(result.received)}`);
			const check = await tcpExchange(server.port, [Buffer.from('still here\n')], { done: endsWithLines(1), tls: trusting });
			assert.equal(check.received.toString(), 'still here\n');
			assert.ok(server.alive());
		});

		it('answers every complete line, then closes when the client closes, dropping an unfinished line', async () => {
			const socket = tls.connect({ ...trusting, port: server.port, host: '127.0.0.1' });
			socket.on('error', () => {});
			let received = '';
			socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
			const closed = new Promise((resolve) => socket.once('close', resolve));
			await new Promise((resolve) => socket.once('secureConnect', resolve));
			socket.write('first\nno newline');
			await waitUntil(() => received === 'first\n', 5_000);
			socket.end();
			const timeout = setTimeout(() => socket.destroy(new Error('the server did not close')), 5_000);
			await closed;
			clearTimeout(timeout);
			assert.equal(received, 'first\n', 'sent "first\\nno newline", then closed our side');
		});

		it('refuses a line over 1 MiB with an error and closes, without buffering what follows', async () => {
			const memory = watchMemory(server);
			const flood = Array.from({ length: 16 }, () => Buffer.alloc(256 * 1024, 0x61)); // 4 MiB, no newline
			const result = await tcpExchange(server.port, flood, { timeoutMs: 15_000, tls: trusting });
			assert.equal(result.received.toString(), `error: line longer than ${MAX_LINE} bytes, closing\n`);
			assert.notEqual(result.ended, 'timeout');
			memory.assertBounded();
		});

		it('keeps serving others when clients vanish mid-handshake and mid-line', async () => {
			// A ClientHello's first bytes (a handshake record header), then a reset.
			const midHandshake = Array.from({ length: 25 }, () => vanishMidMessage(server.port, Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01])));
			const midLine = Array.from({ length: 25 }, (_, i) => tcpExchange(server.port, [Buffer.from(`half a line ${i}`)], { timeoutMs: 300, tls: trusting }));
			const steady = Array.from({ length: 20 }, (_, i) => tcpExchange(server.port, [Buffer.from(`steady ${i}\n`)], { done: endsWithLines(1), tls: trusting }));
			await Promise.all([...midHandshake, ...midLine]);
			for (const [i, result] of (await Promise.all(steady)).entries()) assert.equal(result.received.toString(), `steady ${i}\n`);
			assert.ok(server.alive());
		});

		it('says clearly when its port is taken', async () => {
			const second = startExampleServer(NAME, impl.file, ['--port', String(server.port)], { command: impl.command });
			await assert.rejects(second, /already in use/);
		});
	});
}

describe(`${NAME} interop: each client against the other language’s server`, () => {
	const servers = twins('server.js', 'python/server.py');
	const clients = twins('client.js', 'python/client.py');
	for (const server of servers) {
		for (const client of clients.filter((c) => c.language !== server.language)) {
			it(`${client.label} client → ${server.label} server`, async () => {
				const running = await startExampleServer(NAME, server.file, [], { command: server.command });
				try {
					const { stdout } = await run(client.command, [client.file, '--port', String(running.port), 'interop ✓'], { cwd: join(examplesDir, NAME), timeout: 20_000 });
					assert.match(stdout, /^client: received 12 bytes: "interop ✓\\n"$/m);
					assert.match(stdout, /^client: every line came back, closing$/m);
					for (const refusal of refusals[client.language]) assert.match(stdout, new RegExp(refusal.source, 'm'));
				} finally {
					await running.stop();
				}
			});
		}
	}
});

describe('what TLS leaves in the clear (the protocol stack page)', () => {
	it('the server name the client asks for crosses the network unencrypted, in its first message', async () => {
		const server = net.createServer();
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const firstBytes = new Promise<Buffer>((resolve) => server.once('connection', (socket) => socket.once('data', (chunk: Buffer) => { resolve(chunk); socket.destroy(); })));
			const client = tls.connect({ ...trusting, servername: 'secret-site.example', port: (server.address() as net.AddressInfo).port, host: '127.0.0.1' });
			client.on('error', () => {});
			const hello = await firstBytes;
			client.destroy();
			assert.equal(hello[0], 0x16, 'a TLS handshake record');
			assert.ok(hello.includes('secret-site.example'), 'the name is readable in the ClientHello');
		} finally {
			server.close();
		}
	});
});

/** Plausible mistakes, each made in the reference solution by a few edits: the check must reject every one. */
const mistakes: ExerciseMistake[] = [
	{ exercise: 'refuse-old-tls', language: 'node', what: 'sets the maximum version instead of the minimum', file: 'server.js', edits: [["minVersion: 'TLSv1.3'", "maxVersion: 'TLSv1.3'"]] },
	{ exercise: 'refuse-old-tls', language: 'node', what: 'sets the minimum to TLS 1.2', file: 'server.js', edits: [["minVersion: 'TLSv1.3'", "minVersion: 'TLSv1.2'"]] },
	{ exercise: 'refuse-old-tls', language: 'node', what: 'allows TLS 1.2 only', file: 'server.js', edits: [["minVersion: 'TLSv1.3'", "minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2'"]] },
	{ exercise: 'refuse-old-tls', language: 'python', what: 'sets the maximum version instead of the minimum', file: 'python/server.py', edits: [['context.minimum_version = ssl.TLSVersion.TLSv1_3', 'context.maximum_version = ssl.TLSVersion.TLSv1_3']] },
	{ exercise: 'refuse-old-tls', language: 'python', what: 'allows TLS 1.2 only', file: 'python/server.py', edits: [['context.minimum_version = ssl.TLSVersion.TLSv1_3', 'context.maximum_version = ssl.TLSVersion.TLSv1_2']] },
	{ exercise: 'pin-the-certificate', language: 'node', what: "compares Node's fingerprint, colons and capitals, with the pin", file: 'client.js', edits: [["certificate.fingerprint256.replaceAll(':', '').toLowerCase()", 'certificate.fingerprint256']] },
	{ exercise: 'pin-the-certificate', language: 'node', what: 'says it refuses the server but sends its lines anyway', file: 'client.js', edits: [['\t\t\tsocket.destroy();\n\t\t\tprocess.exit(1);\n', '']] },
	{ exercise: 'pin-the-certificate', language: 'python', what: 'hashes with SHA-1 instead of SHA-256', file: 'python/client.py', edits: [['hashlib.sha256(tls.getpeercert', 'hashlib.sha1(tls.getpeercert']] },
	{ exercise: 'pin-the-certificate', language: 'python', what: 'hashes the certificate as text, not its bytes', file: 'python/client.py', edits: [['hashlib.sha256(tls.getpeercert(binary_form=True))', 'hashlib.sha256(str(tls.getpeercert()).encode())']] },
	{ exercise: 'pin-the-certificate', language: 'python', what: 'says it refuses the server but sends its lines anyway', file: 'python/client.py', edits: [['file=sys.stderr)\n                    return 1\n', 'file=sys.stderr)\n']] },
];

describeExercises('tls-echo', mistakes);
