// @ts-check
/**
 * Check of "A file server" (Node.js): makes a folder of files in the system's temporary folder,
 * starts server.js with --root on it, and sends raw GET requests, one per connection: files
 * of each kind, a missing file, a folder, and paths that try to get out of the folder.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { CheckFailure, indent, show } from '../../check.js';

/** A 1x1 PNG image: binary bytes, with "\r\n", "\n" and 0x00 among them, as every PNG has. */
const PNG = Buffer.from(
	'89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8dfc0f01f000680027f104c1be10000000049454e44ae426082',
	'hex'
);
const SECRET = 'the secret next to the folder: never serve me\n';
const PRIVATE = 'a private key in a folder whose name starts like the served one\n';

/** The served folder: path inside it -> its bytes. */
const FILES = {
	'index.html': Buffer.from('<!doctype html>\n<title>Hello</title>\n<p>Served from a folder.</p>\n'),
	'notes.txt': Buffer.from('Grüße aus dem Ordner: ü and ß are 2 bytes each.\n'),
	'css/site.css': Buffer.from('body { font-family: sans-serif; }\n'),
	'app.js': Buffer.from("console.log('hello');\n"),
	'logo.png': PNG,
	'LICENSE': Buffer.from('A file without an extension.\n'),
	'hello world.txt': Buffer.from('A space in the name: %20 in the request.\n'),
};

/** Requests for files that exist: target -> [file, the Content-Types that are right]. */
const FOUND = /** @type {const} */ ([
	['/index.html', 'index.html', ['text/html']],
	['/notes.txt', 'notes.txt', ['text/plain']],
	['/css/site.css', 'css/site.css', ['text/css']],
	['/app.js', 'app.js', ['text/javascript', 'application/javascript']],
	['/logo.png', 'logo.png', ['image/png']],
	['/LICENSE', 'LICENSE', ['application/octet-stream']],
	['/hello%20world.txt', 'hello world.txt', ['text/plain']],
]);

/** Requests that must not get a file: target -> why. */
const REFUSED = /** @type {const} */ ([
	['/missing.html', 'there is no such file'],
	['/css', 'css is a folder, not a file'],
	['/../secret.txt', 'secret.txt is outside the folder'],
	['/%2e%2e/secret.txt', '%2e%2e is ".." written with %-escapes'],
	['/%2E%2E%2Fsecret.txt', '%2E%2E%2F is "../" written with %-escapes'],
	['/css/../../secret.txt', 'css/../.. is the folder above'],
	['/..%5csecret.txt', '%5c is "\\", a separator on Windows'],
	['/../site-private/key.txt', 'site-private is a folder next to site whose name starts the same'],
]);

/**
 * Splits a raw response into its parts; undefined parts if it is not a response.
 * @param {Buffer} received
 */
function parse(received) {
	const end = received.indexOf('\r\n\r\n');
	if (end === -1) return undefined;
	const [statusLine = '', ...lines] = received.subarray(0, end).toString('latin1').split('\r\n');
	/** @type {Map<string, string>} */
	const headers = new Map();
	for (const line of lines) {
		const colon = line.indexOf(':');
		if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
	}
	const status = Number(/^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(statusLine)?.[1]);
	return { statusLine, status, headers, head: received.subarray(0, end).toString('latin1'), body: received.subarray(end + 4) };
}

/** Bytes for people: as text if they are text, else their first bytes in hex. @param {Buffer} bytes */
function showBytes(bytes) {
	const text = bytes.toString('utf8');
	if (!Buffer.from(text).equals(bytes) || /[\x00-\x08\x0e-\x1f\x7f\ufffd]/.test(text)) {
		return `not text, in hex: ${bytes.subarray(0, 16).toString('hex').replace(/(..)(?!$)/g, '$1 ')}${bytes.length > 16 ? ' ...' : ''}`;
	}
	return text.length > 80 ? `${show(text.slice(0, 80))}...` : show(text);
}

/** What came back, for people: the status line and headers, then the body, shortened. @param {Buffer} received */
function describe(received) {
	if (received.length === 0) return '  (nothing: the connection closed without a response)';
	const response = parse(received);
	if (!response) return `  ${show(received.subarray(0, 300))} (no empty line "\\r\\n\\r\\n" ends a header section)`;
	return `${indent(response.head.replaceAll('\r\n', '\n'))}\n  (then a body of ${response.body.length} bytes: ${showBytes(response.body)})`;
}

/** @param {typeof import('../../check.js').checker} t */
export default async function check(t) {
	const dir = mkdtempSync(join(tmpdir(), 'file-server-check-'));
	const root = join(dir, 'site');
	/** @type {{ port: number, output: { stdout: string, stderr: string }, stop(): Promise<void> } | undefined} */
	let server;
	try {
		for (const [path, content] of Object.entries(FILES)) {
			mkdirSync(join(root, path, '..'), { recursive: true });
			writeFileSync(join(root, path), content);
		}
		writeFileSync(join(dir, 'secret.txt'), SECRET);
		mkdirSync(join(dir, 'site-private'));
		writeFileSync(join(dir, 'site-private', 'key.txt'), PRIVATE);

		const args = ['--port', '0', '--root', root];
		try {
			server = await t.start('server.js', args);
		} catch (error) {
			if (!(error instanceof CheckFailure)) throw error;
			const why = error.message.split('\n').find((line) => /error/i.test(line));
			t.fail(
				[
					`Started your server: node server.js ${args.join(' ')}`,
					`Expected it to take the option --root FOLDER (the folder whose files it serves) and print "listening on HOST:PORT".`,
					why ? `It stopped with:\n  ${why.trim()}` : error.message,
				].join('\n')
			);
		}
		const { port } = server;

		/** @param {string} target */
		const get = async (target) => {
			const { received } = await t.exchange(port, [`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`]);
			return { received, response: parse(received) };
		};
		/** @type {(target: string, expected: string, received: Buffer, problem?: string) => never} */
		const fail = (target, expected, received, problem) =>
			t.fail(
				[
					`The check made a folder, ${root}, with index.html, notes.txt,`,
					`css/site.css, app.js, logo.png, LICENSE and "hello world.txt" in it, and next to it`,
					`secret.txt and site-private/key.txt, and started your server with --root on that folder.`,
					`Sent:\n  GET ${target} HTTP/1.1\n  Host: 127.0.0.1:${port}\n  Connection: close`,
					`Expected back:\n${indent(expected)}`,
					`Got back:\n${describe(received)}`,
					...(problem ? [problem] : []),
				].join('\n')
			);

		for (const [target, file, types] of FOUND) {
			const content = FILES[file];
			const charset = types[0].startsWith('text/') ? ' (a "; charset=utf-8" after it is fine)' : '';
			const expected = `HTTP/1.1 200 OK\nContent-Type: ${types[0]}${charset}\nContent-Length: ${content.length}\n(then the ${content.length} bytes of ${file} as the body)`;
			const { received, response } = await get(target);
			if (!response || response.status !== 200) fail(target, expected, received);
			const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
			if (!types.some((right) => right === type)) {
				const end = extname(file);
				fail(target, expected, received, `The Content-Type is wrong: ${end ? `${file} ends in "${end}"` : `${file} has no "." in its name`}.`);
			}
			const length = response.headers.get('content-length');
			if (length !== String(content.length)) {
				const asText = length === String(response.body.length) && !response.body.equals(content);
				fail(
					target,
					expected,
					received,
					asText
						? `The file has ${content.length} bytes, but your server sent ${length}: read the file as bytes, not as text, and send them as they are.`
						: `Content-Length must be the file's size in bytes: ${content.length}${length === undefined ? '; there was none' : `, not ${length}`}.`
				);
			}
			if (!response.body.equals(content)) {
				fail(target, expected, received, `The body is not the ${content.length} bytes of ${file}: send the file's bytes as they are.`);
			}
		}

		for (const [target, why] of REFUSED) {
			const { received, response } = await get(target);
			const leaked = [SECRET, PRIVATE].some((secret) => received.includes(secret));
			if (leaked || !response || ![403, 404].includes(response.status)) {
				fail(
					target,
					'HTTP/1.1 404 Not Found (or 403 Forbidden)\nand no file in the body',
					received,
					leaked ? `Your server sent a file from outside the folder! (${why})` : `(${why})`
				);
			}
		}
	} finally {
		await server?.stop();
		rmSync(dir, { recursive: true, force: true });
	}
}
