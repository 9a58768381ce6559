// @ts-check
/**
 * JSON-RPC 2.0 server over TCP: a client names a function ("method") and its arguments
 * ("params"), the server runs it and sends back the result or an error. That is RPC, a
 * remote procedure call. The rules are the JSON-RPC 2.0 specification
 * (https://www.jsonrpc.org/specification); README.md lists every byte this server sends.
 *
 * Framing: one JSON text per line. Each request and each response ends with "\n", which
 * JSON.stringify never puts inside a JSON text, so "\n" can safely end a message.
 *
 * Python's standard library has RPC built in: xmlrpc.server.SimpleXMLRPCServer registers
 * plain functions (server.register_function(add)) and xmlrpc.client.ServerProxy calls them
 * (proxy.add(2, 3)), with XML over HTTP instead of JSON lines over TCP. This server in Python:
 *   net.createServer(), listen()   socketserver.ThreadingTCPServer((host, port), Handler)
 *   'data' split at "\n"           line = self.rfile.readline(MAX_LINE_BYTES + 1)
 *   JSON.parse(text)               json.loads(text)
 *   the methods object             methods = {"add": add, "subtract": subtract, ...}  (a dict)
 *   socket.write(line)             self.wfile.write(json.dumps(reply, separators=(",", ":")).encode() + b"\n")
 *
 * Run: node server.js [--host 127.0.0.1] [--port 7010]   (port 0 = any free port)
 */
import net from 'node:net';
import { parseArgs } from 'node:util';

/** A request line may be at most 1 MiB; a longer one is refused so one client cannot fill our memory. */
const MAX_LINE_BYTES = 1024 * 1024;
/** A batch may hold at most this many requests, so one line cannot make the server do unbounded work. */
const MAX_BATCH = 1000;
/** A client that sends nothing for this long is disconnected. */
const IDLE_TIMEOUT_MS = 30_000;
/** repeat() makes at most this many copies, so one call cannot ask for millions of them. */
const MAX_REPEAT = 100;

// The error codes the specification defines, and the one this server's methods add.
const PARSE_ERROR = -32700; // the line is not JSON
const INVALID_REQUEST = -32600; // JSON, but not a request object
const METHOD_NOT_FOUND = -32601;
const INVALID_PARAMS = -32602;
const INTERNAL_ERROR = -32603; // the method failed in a way nobody planned for (a bug)
const MESSAGES = new Map([
	[PARSE_ERROR, 'Parse error'],
	[INVALID_REQUEST, 'Invalid Request'],
	[METHOD_NOT_FOUND, 'Method not found'],
	[INVALID_PARAMS, 'Invalid params'],
	[INTERNAL_ERROR, 'Internal error'],
]);

const { values } = parseArgs({
	options: {
		host: { type: 'string', default: '127.0.0.1' },
		port: { type: 'string', default: '7010' },
	},
});

/** An error the caller should see: it becomes {"code": ..., "message": ...} in the reply. */
class RpcError extends Error {
	/** @param {number} code @param {string} [message] */
	constructor(code, message = MESSAGES.get(code) ?? 'Error') {
		super(message);
		this.code = code;
	}
}

/** @typedef {unknown[] | Record<string, unknown> | undefined} Params */

/**
 * The procedures a client may call. Like Python functions, each takes its arguments either by
 * position (params [a, b]) or by name (params {"a": ..., "b": ...}).
 * @type {Record<string, (params: Params) => unknown>}
 */
const methods = {
	add(params) {
		const [a, b] = twoNumbers(params);
		return finite(a + b);
	},
	subtract(params) {
		const [a, b] = twoNumbers(params);
		return finite(a - b);
	},
	divide(params) {
		const [a, b] = twoNumbers(params);
		if (b === 0) throw new RpcError(1, 'division by zero'); // an error the caller must handle
		return finite(a / b);
	},
	echo(params) {
		return readArgs(params, ['text'], 'string')[0];
	},
	/** repeat(text, count): the text `count` times over; count is a whole number from 0 to MAX_REPEAT. */
	repeat(params) {
		const [text, count] = /** @type {[string, number]} */ (readArgs(params, ['text', 'count'], ['string', 'number']));
		// Check the value too, not only the type: "ab".repeat(2.5) would quietly give "abab",
		// and "ab".repeat(-1) would throw a RangeError, which the caller would see as Internal error.
		if (!Number.isInteger(count) || count < 0 || count > MAX_REPEAT) throw new RpcError(INVALID_PARAMS);
		return text.repeat(count);
	},
	/** A method with a bug, to show that the server answers -32603 instead of crashing. */
	broken() {
		const nothing = /** @type {any} */ (JSON.parse('null'));
		return nothing.field; // TypeError: Cannot read properties of null
	},
};

/** @param {Params} params @returns {number[]} */
function twoNumbers(params) {
	return /** @type {number[]} */ (readArgs(params, ['a', 'b'], 'number'));
}

/**
 * Returns the arguments in order, from params given by position ([1, 2]) or by name
 * ({"a": 1, "b": 2}). A wrong count, wrong names or wrong types are "Invalid params".
 * `type` is the type of every argument, or a list with the type of each.
 * @param {Params} params @param {string[]} names @param {'number' | 'string' | ('number' | 'string')[]} type
 */
function readArgs(params, names, type) {
	let list = Array.isArray(params) ? params : [];
	if (params !== undefined && !Array.isArray(params)) {
		const given = Object.keys(params).sort().join(',');
		if (given === [...names].sort().join(',')) list = names.map((name) => params[name]);
	}
	const types = Array.isArray(type) ? type : names.map(() => type);
	if (list.length !== names.length || list.some((value, i) => typeof value !== types[i])) throw new RpcError(INVALID_PARAMS);
	return list;
}

/** JSON has no Infinity, so an overflowing result is an error rather than a wrong answer. */
/** @param {number} value */
function finite(value) {
	if (!Number.isFinite(value)) throw new RpcError(2, 'result out of range');
	return value;
}

/** @param {unknown} value @returns {value is Record<string, unknown>} */
function isObject(value) {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short, one-line picture of a value for the server's log (JSON escapes any newlines). */
/** @param {unknown} value */
function show(value) {
	let text = '';
	try {
		text = value === undefined ? '' : JSON.stringify(value);
	} catch {
		text = '(too deeply nested to show)';
	}
	return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The method name for the log: escaped like a JSON string, without the quotes. */
/** @param {string} name */
function showName(name) {
	const text = JSON.stringify(name).slice(1, -1);
	return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** @param {number} code @param {unknown} id @param {string} [message] */
function errorReply(code, id, message) {
	const error = new RpcError(code, message);
	console.log(`server: error ${code} ${error.message}`);
	return { jsonrpc: '2.0', error: { code, message: error.message }, id };
}

/**
 * Checks and runs one request object. Returns the reply object, or undefined for a
 * notification (a request without "id": nobody waits for an answer, not even an error).
 * @param {unknown} request
 */
function handle(request) {
	if (!isObject(request)) return errorReply(INVALID_REQUEST, null);
	const hasId = Object.hasOwn(request, 'id');
	const { id, method, params } = request;
	// An id must be a string, a number or null; if it is anything else we cannot use it.
	const idOk = id === null || typeof id === 'string' || Number.isFinite(id);
	if (hasId && !idOk) return errorReply(INVALID_REQUEST, null);
	const replyId = hasId ? id : null;
	if (request.jsonrpc !== '2.0' || typeof method !== 'string') return errorReply(INVALID_REQUEST, replyId);
	const paramsOk = !Object.hasOwn(request, 'params') || (typeof params === 'object' && params !== null);
	if (!paramsOk) return errorReply(INVALID_REQUEST, replyId);

	const call = `${showName(method)}(${show(params)})`;
	const note = hasId ? '' : ' (notification: no reply)';
	/** @type {{ jsonrpc: '2.0', result?: unknown, error?: { code: number, message: string }, id: unknown }} */
	let reply;
	try {
		// Only the object's own methods: "toString" or "__proto__" must not be callable.
		const procedure = Object.hasOwn(methods, method) ? methods[method] : undefined;
		if (!procedure) throw new RpcError(METHOD_NOT_FOUND);
		const result = procedure(/** @type {Params} */ (params));
		reply = { jsonrpc: '2.0', result, id: replyId };
		console.log(`server: ${call} -> ${show(result)}${note}`);
	} catch (caught) {
		// An RpcError is meant for the caller. Anything else is a bug: log it here, but tell
		// the caller only "Internal error" (never crash, never leak the server's insides).
		const error = caught instanceof RpcError ? caught : new RpcError(INTERNAL_ERROR);
		const bug = caught instanceof RpcError ? '' : ` (${caught})`;
		reply = { jsonrpc: '2.0', error: { code: error.code, message: error.message }, id: replyId };
		console.log(`server: error ${error.code} ${error.message} for ${call}${bug}${note}`);
	}
	return hasId ? reply : undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Turns one received line into the reply line to send, or undefined when there is nothing
 * to send (notifications, blank lines).
 * @param {Buffer} line the bytes before "\n"
 */
function answer(line) {
	let message;
	try {
		const text = utf8.decode(line); // bytes that are not UTF-8 are not JSON either
		if (/^[ \t\r]*$/.test(text)) return undefined; // a blank line is not a message: ignore it
		message = JSON.parse(text);
	} catch {
		return JSON.stringify(errorReply(PARSE_ERROR, null));
	}
	if (!Array.isArray(message)) {
		const reply = handle(message);
		return reply && JSON.stringify(reply);
	}
	// A batch: several requests in one array, answered by one array in the same order.
	if (message.length === 0) return JSON.stringify(errorReply(INVALID_REQUEST, null));
	if (message.length > MAX_BATCH) {
		return JSON.stringify(errorReply(INVALID_REQUEST, null, `Invalid Request: batch of more than ${MAX_BATCH} requests`));
	}
	const replies = message.map(handle).filter((reply) => reply !== undefined);
	console.log(`server: batch of ${message.length} requests -> ${replies.length} replies`);
	return replies.length > 0 ? JSON.stringify(replies) : undefined;
}

const server = net.createServer({ allowHalfOpen: true }, (socket) => {
	const peer = `${socket.remoteAddress}:${socket.remotePort}`;
	console.log(`server: accepted a connection from ${peer}`);
	/** Bytes received since the last newline. */
	let pending = Buffer.alloc(0);
	let refused = false;

	/** @param {Buffer} line */
	const reply = (line) => {
		let text;
		try {
			text = answer(line);
		} catch (error) {
			// Nothing above should throw; if something does, the client still gets an answer.
			console.log(`server: unexpected ${error}`);
			text = JSON.stringify(errorReply(INTERNAL_ERROR, null));
		}
		if (text !== undefined) socket.write(`${text}\n`);
	};

	socket.setTimeout(IDLE_TIMEOUT_MS, () => {
		console.log(`server: ${peer} sent nothing for ${IDLE_TIMEOUT_MS / 1000} s, closing`);
		socket.destroy();
	});

	socket.on('data', (chunk) => {
		if (refused) return; // keep reading, but drop it: the client has been told to stop
		pending = Buffer.concat([pending, chunk]);
		let newline;
		while ((newline = pending.indexOf(0x0a)) !== -1 && newline <= MAX_LINE_BYTES) {
			const line = pending.subarray(0, newline);
			pending = pending.subarray(newline + 1);
			reply(line);
		}
		if (pending.length > MAX_LINE_BYTES) {
			refused = true;
			pending = Buffer.alloc(0);
			const error = errorReply(INVALID_REQUEST, null, `Invalid Request: message larger than ${MAX_LINE_BYTES} bytes`);
			socket.end(`${JSON.stringify(error)}\n`);
			console.log(`server: ${peer} sent a message over ${MAX_LINE_BYTES} bytes, closing`);
			// Give the client a moment to read the error, then drop the connection.
			setTimeout(() => socket.destroy(), 2000).unref();
			return;
		}
		// Backpressure: if the client sends requests faster than it reads the replies, stop
		// reading until the replies have gone out, so they do not pile up in our memory.
		if (socket.writableNeedDrain) {
			socket.pause();
			socket.once('drain', () => socket.resume());
		}
	});

	socket.on('end', () => {
		// The client closed its sending side. A last request without "\n" is still answered.
		if (pending.length > 0 && !refused) reply(pending);
		socket.end();
		console.log(`server: ${peer} closed the connection`);
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
