// @ts-check
/**
 * A minimal HTTP/1.1 server written by hand on a raw TCP socket. HTTP is an application
 * protocol on top of TCP: lines of text ending in CR LF ("\r\n"), an empty line, then a body
 * whose length the Content-Length header gives. README.md lists every rule this server keeps.
 *
 * The same calls in Python:
 *   net.createServer(), listen()    sock = socket.socket(); sock.bind((host, port)); sock.listen()
 *   'connection' event              conn, addr = sock.accept()
 *   'data' event                    conn.recv(65536)
 *   socket.write(head + body)       conn.sendall(head + body)
 * Python's http.server.HTTPServer + BaseHTTPRequestHandler do all of this file's parsing for
 * you (self.command, self.path, self.headers, self.rfile.read(length), self.send_response(200)),
 * as Node's http.createServer does.
 *
 * GET of any other path serves the file at that path in the folder --root (default: public).
 *
 * Run: node server.js [--host 127.0.0.1] [--port 7011] [--root public]   (port 0 = any free port)
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';

/** Request line plus header lines plus the empty line may be at most this many bytes. */
const MAX_HEAD_BYTES = 16384;
/** A request body (Content-Length) may be at most 1 MiB. */
const MAX_BODY_BYTES = 1024 * 1024;
/** A client that sends nothing for this long is disconnected. */
const IDLE_TIMEOUT_MS = 30_000;

const HELLO = Buffer.from('hello from a hand-written HTTP server\n');

/** @type {Record<number, string>} */
const REASONS = {
	200: 'OK',
	400: 'Bad Request',
	403: 'Forbidden',
	404: 'Not Found',
	405: 'Method Not Allowed',
	413: 'Content Too Large',
	431: 'Request Header Fields Too Large',
	501: 'Not Implemented',
	505: 'HTTP Version Not Supported',
};

/** Each path this server knows, and the one method it accepts there. */
const ROUTES = new Map([
	['/', 'GET'],
	['/echo', 'POST'],
]);

/** The Content-Type of each kind of file; any other file is just bytes. */
const TYPES = new Map([
	['.html', 'text/html; charset=utf-8'],
	['.txt', 'text/plain; charset=utf-8'],
	['.css', 'text/css; charset=utf-8'],
	['.js', 'text/javascript; charset=utf-8'],
	['.png', 'image/png'],
]);

// What RFC 9110/9112 allow in each part of a request.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/; // method and header names
const TARGET = /^\/[\x21-\x7e]*$/; // "/" then visible ASCII characters, no spaces
const VERSION = /^HTTP\/\d\.\d$/;
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/; // no control characters

const { values } = parseArgs({
	options: {
		host: { type: 'string', default: '127.0.0.1' },
		port: { type: 'string', default: '7011' },
		root: { type: 'string', default: 'public' },
	},
});
/** The folder whose files GET serves, as a full path. Nothing outside it is ever sent. */
const root = resolve(values.root);

/**
 * A request whose request line has arrived.
 * @typedef {object} Request
 * @property {string} method
 * @property {string} target
 * @property {string} version
 * @property {Map<string, string[]>} headers lowercase name -> values, in arrival order
 * @property {number} [bodyLength] set once the empty line has arrived
 */

/** A reason to answer with an error status and close the connection. */
class HttpError extends Error {
	/** @param {number} status @param {string} why */
	constructor(status, why) {
		super(why);
		this.status = status;
	}
}

/**
 * Checks a request line: METHOD SP request-target SP HTTP-version.
 * @param {string} line @returns {Request}
 */
function parseRequestLine(line) {
	const [method = '', target = '', version = '', ...rest] = line.split(' ');
	if (rest.length > 0 || !TOKEN.test(method) || !TARGET.test(target) || !VERSION.test(version)) {
		throw new HttpError(400, 'the request line must be METHOD /path HTTP/1.1, one space apart');
	}
	if (version !== 'HTTP/1.1' && version !== 'HTTP/1.0') throw new HttpError(505, `this server speaks HTTP/1.1 and HTTP/1.0, not ${version}`);
	return { method, target, version, headers: new Map() };
}

/**
 * Checks a header line, Name: value, and stores it.
 * @param {Request} request @param {string} line
 */
function addHeader(request, line) {
	const colon = line.indexOf(':');
	const name = line.slice(0, colon);
	const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
	if (colon === -1 || !TOKEN.test(name) || !FIELD_VALUE.test(value)) {
		throw new HttpError(400, 'a header line must be Name: value');
	}
	const key = name.toLowerCase(); // header names are case-insensitive
	request.headers.set(key, [...(request.headers.get(key) ?? []), value]);
}

/**
 * Called at the empty line: decides how many body bytes follow.
 * @param {Request} request @returns {number}
 */
function bodyLength(request) {
	if (request.headers.has('transfer-encoding')) throw new HttpError(501, 'Transfer-Encoding (chunked bodies) is not supported');
	const lengths = request.headers.get('content-length') ?? ['0'];
	if (lengths.length > 1 || !/^\d+$/.test(lengths[0] ?? '')) throw new HttpError(400, 'Content-Length must be one decimal number');
	const length = Number(lengths[0]);
	if (length > MAX_BODY_BYTES) throw new HttpError(413, `a body may be at most ${MAX_BODY_BYTES} bytes`);
	return length;
}

/** True if the client wants the connection closed after this request. */
/** @param {Request} request */
function wantsClose(request) {
	const options = (request.headers.get('connection') ?? []).join(',').toLowerCase().split(',').map((o) => o.trim());
	// HTTP/1.1 keeps connections open unless asked not to; HTTP/1.0 closes unless asked not to.
	return request.version === 'HTTP/1.1' ? options.includes('close') : !options.includes('keep-alive');
}

/**
 * The file that the request path `path` names inside the root folder, or undefined if that
 * would be outside it. "%2e%2e" is "..": decode first, then let join() work out every "..",
 * then look where the path ended up.
 * @param {string} path
 */
function fileFor(path) {
	let decoded;
	try {
		decoded = decodeURIComponent(path);
	} catch {
		return undefined; // a broken %-escape such as "%zz"
	}
	const file = join(root, decoded);
	return file.startsWith(root + sep) ? file : undefined;
}

/** The bytes of `file`, or undefined if there is no such file (or it is a folder). @param {string} file */
function readFile(file) {
	try {
		return readFileSync(file); // blocks the server while it reads: fine for small files
	} catch {
		return undefined;
	}
}

/** @param {string} text */
function short(text) {
	return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const server = net.createServer((socket) => {
	const peer = `${socket.remoteAddress}:${socket.remotePort}`;
	console.log(`server: accepted a connection from ${peer}`);
	/** Bytes received and not yet used. */
	let pending = Buffer.alloc(0);
	/** Bytes of the header section read so far (it may be at most MAX_HEAD_BYTES). */
	let headBytes = 0;
	/** @type {Request | undefined} the request being read */
	let request;
	/** Set once we decided to close: everything else the client sends is ignored. */
	let closing = false;

	/**
	 * Writes one response. Every response has Content-Type, Content-Length, Connection and Date.
	 * @param {number} status @param {string} type @param {Buffer} body
	 * @param {{ close?: boolean, allow?: string }} [options]
	 */
	const respond = (status, type, body, { close = false, allow } = {}) => {
		const head = [
			`HTTP/1.1 ${status} ${REASONS[status]}`,
			`Content-Type: ${type}`,
			`Content-Length: ${body.length}`,
			...(allow ? [`Allow: ${allow}`] : []),
			`Connection: ${close ? 'close' : 'keep-alive'}`,
			`Date: ${new Date().toUTCString()}`,
			'',
			'',
		].join('\r\n');
		socket.write(Buffer.concat([Buffer.from(head, 'latin1'), body]));
		const what = request ? `${request.method} ${short(request.target)}` : 'a malformed request';
		console.log(`server: ${what} -> ${status} (${body.length} bytes)${close ? ', closing the connection' : ''}`);
		if (close) {
			closing = true;
			socket.end();
			// Give the client a moment to read the response, then drop the connection.
			setTimeout(() => socket.destroy(), 2000).unref();
		}
	};

	/** @param {HttpError} error */
	const refuse = (error) => {
		const body = Buffer.from(`${error.status} ${REASONS[error.status]}: ${error.message}\n`);
		respond(error.status, 'text/plain; charset=utf-8', body, { close: true });
	};

	/** Answers a complete request; the routes of this server. @param {Request} request @param {Buffer} body */
	const answer = (request, body) => {
		const path = request.target.split('?')[0] ?? '';
		const close = wantsClose(request);
		const allowed = ROUTES.get(path);
		const text = 'text/plain; charset=utf-8';
		if (allowed === undefined && request.method === 'GET') {
			const file = fileFor(path);
			const content = file === undefined ? undefined : readFile(file);
			if (file === undefined) {
				respond(403, text, Buffer.from(`403 Forbidden: ${short(path)} is not a path inside the folder\n`), { close });
			} else if (content === undefined) {
				respond(404, text, Buffer.from(`404 Not Found: no file at ${short(path)}\n`), { close });
			} else {
				respond(200, TYPES.get(extname(file).toLowerCase()) ?? 'application/octet-stream', content, { close });
			}
		} else if (allowed === undefined) {
			respond(404, text, Buffer.from(`404 Not Found: nothing at ${short(path)}\n`), { close });
		} else if (request.method !== allowed) {
			respond(405, text, Buffer.from(`405 Method Not Allowed: ${path} only takes ${allowed}\n`), { close, allow: allowed });
		} else if (path === '/') {
			respond(200, text, HELLO, { close });
		} else {
			const type = request.headers.get('content-type')?.at(-1) ?? 'application/octet-stream';
			respond(200, type, body, { close });
		}
	};

	/** Reads as many complete requests from `pending` as there are, in order, and answers each. */
	const serve = () => {
		while (!closing) {
			// Backpressure: if the client does not read our responses, stop reading its requests.
			if (socket.writableNeedDrain) {
				socket.pause();
				socket.once('drain', () => {
					socket.resume();
					serveOrRefuse();
				});
				return;
			}
			if (request?.bodyLength !== undefined) {
				// Header section done: wait for exactly Content-Length body bytes.
				if (pending.length < request.bodyLength) return;
				const body = pending.subarray(0, request.bodyLength);
				pending = pending.subarray(request.bodyLength);
				answer(request, body);
				request = undefined;
				headBytes = 0;
				continue;
			}
			// Still in the header section: take one line at a time.
			const newline = pending.indexOf(0x0a);
			const lineBytes = newline === -1 ? pending.length : newline + 1;
			if (headBytes + lineBytes > MAX_HEAD_BYTES) throw new HttpError(431, `the header section may be at most ${MAX_HEAD_BYTES} bytes`);
			if (newline === -1) return; // wait for the rest of the line
			const line = pending.subarray(0, newline + 1);
			pending = pending.subarray(newline + 1);
			headBytes += line.length;
			if (line.length < 2 || line[line.length - 2] !== 0x0d) throw new HttpError(400, 'every line must end in CR LF (\\r\\n)');
			const text = line.toString('latin1', 0, line.length - 2); // header bytes are Latin-1, one char per byte
			if (!request) {
				if (text !== '') request = parseRequestLine(text); // (empty lines before a request are skipped)
			} else if (text !== '') {
				addHeader(request, text);
			} else {
				request.bodyLength = bodyLength(request); // the empty line: the header section is complete
			}
		}
	};

	/** Serves what has arrived; a broken request gets its error response and the connection closes. */
	const serveOrRefuse = () => {
		try {
			serve();
		} catch (error) {
			if (error instanceof HttpError) return refuse(error);
			// A bug in this file: drop this one connection, but never crash the whole server.
			console.log(`server: unexpected ${error}, dropping the connection to ${peer}`);
			socket.destroy();
		}
	};

	socket.setTimeout(IDLE_TIMEOUT_MS, () => {
		console.log(`server: ${peer} sent nothing for ${IDLE_TIMEOUT_MS / 1000} s, closing`);
		socket.destroy();
	});

	socket.on('data', (chunk) => {
		if (closing) return; // keep reading, but drop it: we are closing this connection
		pending = Buffer.concat([pending, chunk]);
		serveOrRefuse();
	});

	socket.on('end', () => {
		const midRequest = !closing && (request !== undefined || pending.length > 0);
		console.log(`server: ${peer} closed the connection${midRequest ? ' in the middle of a request' : ''}`);
	});

	// Without this handler, a client that vanishes (ECONNRESET) would crash the whole server.
	socket.on('error', (error) => console.log(`server: connection to ${peer} failed: ${error.message}`));
});

server.on('error', (error) => {
	if (/** @type {NodeJS.ErrnoException} */ (error).code === 'EADDRINUSE') {
		console.error(`server: port ${values.port} on ${values.host} is already in use. Stop the other program or choose another port: node server.js --port 0`);
	} else {
		console.error(`server: ${error.message}`);
	}
	process.exit(1);
});

server.listen(Number(values.port), values.host, () => {
	const address = /** @type {net.AddressInfo} */ (server.address());
	console.log(`server: listening on ${address.address}:${address.port}`);
});

for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
	process.on(signal, () => {
		console.log('server: stopping');
		server.close();
		process.exit(0);
	});
}
