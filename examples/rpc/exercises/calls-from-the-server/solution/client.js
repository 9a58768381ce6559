// @ts-check
/**
 * JSON-RPC 2.0 client: `await call('add', [2, 3])` looks almost like calling a local
 * function add(2, 3), but the work happens in another process, maybe on another machine.
 *
 * How RPC hides the network: call() turns the method name and arguments into a JSON line
 * (marshalling), sends it, and matches the reply to the request by its "id", so several
 * calls can be on the way at once and replies may come back in any order. The caller just
 * gets a result or an error.
 *
 * What RPC cannot hide:
 * - latency: a local call takes nanoseconds; each remote call is a round trip over the
 *   network (a fraction of a millisecond here, 100 ms to the other side of the world).
 *   That is why call() returns a Promise that you must await, and why batches exist.
 * - failures: the request or the reply can be lost, the server can crash or be slow, and
 *   then the caller cannot know whether the work was done. A local call never half-happens;
 *   a remote one can, so call() rejects after CALL_TIMEOUT_MS or when the connection closes.
 *
 * In Python the standard library does this for XML-RPC over HTTP:
 *   proxy = xmlrpc.client.ServerProxy("http://127.0.0.1:8000"); proxy.add(2, 3)
 * and JSON-RPC by hand looks like this client:
 *   net.connect(port, host)          sock = socket.create_connection((host, port)); f = sock.makefile("rwb")
 *   socket.write(line)               f.write(json.dumps(request).encode() + b"\n"); f.flush()
 *   'data' split at "\n"             reply = json.loads(f.readline())
 *
 * Run: node client.js [--host 127.0.0.1] [--port 7010]
 */
import net from 'node:net';
import { parseArgs } from 'node:util';

/** How long a call waits for its reply before giving up. */
const CALL_TIMEOUT_MS = 5000;

const { values } = parseArgs({
	options: {
		host: { type: 'string', default: '127.0.0.1' },
		port: { type: 'string', default: '7010' },
	},
});

/** An error reply from the server: {"code": ..., "message": ...}. */
class RpcError extends Error {
	/** @param {number} code @param {string} message */
	constructor(code, message) {
		super(`error ${code}: ${message}`);
		this.code = code;
	}
}

/**
 * Calls waiting for their reply, by request id.
 * @type {Map<unknown, { resolve: (result: unknown) => void, reject: (error: Error) => void }>}
 */
const waiting = new Map();
let nextId = 1;

const socket = net.connect(Number(values.port), values.host);
let received = Buffer.alloc(0);

/** @param {string} text one JSON text; "\n" ends it on the wire */
function sendLine(text) {
	socket.write(`${text}\n`);
	console.log(`client: sent ${Buffer.byteLength(text) + 1} bytes: ${text}`);
}

/**
 * Resolves with the result of the reply that carries `id`, or rejects with its error.
 * @param {unknown} id
 * @returns {Promise<unknown>}
 */
function replyTo(id) {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			waiting.delete(id);
			reject(new Error(`no reply within ${CALL_TIMEOUT_MS / 1000} s`));
		}, CALL_TIMEOUT_MS);
		waiting.set(id, {
			resolve: (result) => (clearTimeout(timer), resolve(result)),
			reject: (error) => (clearTimeout(timer), reject(error)),
		});
	});
}

/**
 * Calls `method` on the server. Each call gets its own id, so replies find their callers.
 * @param {string} method @param {unknown[] | object} params
 */
function call(method, params) {
	const id = nextId++;
	const reply = replyTo(id);
	sendLine(JSON.stringify({ jsonrpc: '2.0', method, params, id }));
	return reply;
}

/**
 * Sends several requests in one line (a JSON array). Notifications have no id: the server
 * runs them but never answers, so there is nothing to wait for.
 * @param {{ method: string, params: unknown[] | object, notification?: boolean }[]} requests
 */
function batch(requests) {
	const messages = requests.map(({ method, params, notification }) =>
		notification ? { jsonrpc: '2.0', method, params } : { jsonrpc: '2.0', method, params, id: nextId++ }
	);
	const replies = messages.filter((message) => 'id' in message).map((message) => replyTo(message.id));
	sendLine(JSON.stringify(messages));
	return Promise.all(replies);
}

/**
 * Sends a line as it is. If the server cannot read a request it cannot read its id either,
 * so it answers with "id": null: that is the reply we wait for.
 * @param {string} text
 */
function sendRaw(text) {
	const reply = replyTo(null);
	sendLine(text);
	return reply;
}

/**
 * JSON-RPC works both ways: a message from the server that has a "method" is a request to
 * us, not a reply. A notification (no "id") is acted on and never answered.
 * @param {Record<string, unknown>} request
 */
function answerServer(request) {
	const { method, params, id } = request;
	if (method === 'notice' && Array.isArray(params)) console.log(`client: notice from the server: ${params[0]}`);
	if (!('id' in request)) return;
	if (method === 'ping') sendLine(JSON.stringify({ jsonrpc: '2.0', result: 'pong', id }));
	else sendLine(JSON.stringify({ jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id }));
}

/** @param {unknown} reply */
function deliver(reply) {
	if (typeof reply !== 'object' || reply === null) return;
	if ('method' in reply) return answerServer(/** @type {Record<string, unknown>} */ (reply));
	if (!('id' in reply)) return;
	const caller = waiting.get(reply.id);
	if (!caller) return console.log(`client: a reply nobody waits for (id ${JSON.stringify(reply.id)})`);
	waiting.delete(reply.id);
	if ('error' in reply) {
		const { code, message } = /** @type {{ code: number, message: string }} */ (reply.error);
		caller.reject(new RpcError(code, message));
	} else if ('result' in reply) {
		caller.resolve(reply.result);
	}
}

socket.on('data', (chunk) => {
	received = Buffer.concat([received, chunk]);
	let newline;
	while ((newline = received.indexOf(0x0a)) !== -1) {
		const line = received.subarray(0, newline).toString('utf8');
		received = received.subarray(newline + 1);
		console.log(`client: received ${newline + 1} bytes: ${line}`);
		try {
			const reply = JSON.parse(line);
			for (const one of Array.isArray(reply) ? reply : [reply]) deliver(one);
		} catch {
			console.log('client: that line is not JSON, ignoring it');
		}
	}
});

/**
 * Runs one demonstration: prints what it calls, how it ended and how long the round trip took.
 * @param {string} what the call, as you would write it locally @param {string} why
 * @param {() => Promise<unknown>} run
 */
async function demo(what, why, run) {
	console.log(`client: --- ${what}: ${why}`);
	const started = performance.now();
	const took = () => `round trip ${(performance.now() - started).toFixed(1)} ms`;
	try {
		const result = await run();
		console.log(`client: ${what} returned ${JSON.stringify(result)} (${took()})`);
	} catch (error) {
		if (!(error instanceof RpcError)) throw error; // the network failed, not the call
		console.log(`client: ${what} failed with ${error.message} (${took()})`);
	}
}

socket.on('connect', async () => {
	console.log(`client: connected to ${socket.remoteAddress}:${socket.remotePort} from local port ${socket.localPort}`);
	try {
		await demo('add(2, 3)', 'params by position', () => call('add', [2, 3]));
		await demo('subtract(a=10, b=4)', 'params by name', () => call('subtract', { a: 10, b: 4 }));
		await demo('divide(1, 0)', 'the method itself reports an error', () => call('divide', [1, 0]));
		await demo('multiply(2, 3)', 'the server has no such method', () => call('multiply', [2, 3]));
		await demo('add("two", 3)', 'a string where a number belongs', () => call('add', ['two', 3]));
		await demo('a cut-off line', 'not JSON, so the server cannot even find the id', () =>
			sendRaw('{"jsonrpc":"2.0","method":"add","params":[1,')
		);
		await demo('batch [add(1, 2), echo("hello"), notification]', 'one line, one reply line', () =>
			batch([
				{ method: 'add', params: [1, 2] },
				{ method: 'echo', params: ['hello'] },
				{ method: 'echo', params: ['nobody waits for this reply'], notification: true },
			])
		);
		console.log('client: done, closing');
	} catch (error) {
		console.error(`client: ${error instanceof Error ? error.message : error}`);
		process.exitCode = 1;
	}
	socket.end();
});

socket.on('error', (error) => {
	const code = /** @type {NodeJS.ErrnoException} */ (error).code;
	if (code === 'ECONNREFUSED') {
		console.error(`client: nothing is listening on ${values.host}:${values.port}. Start the server first: node server.js`);
	} else {
		console.error(`client: ${error.message}`);
	}
	process.exitCode = 1;
});

socket.on('close', () => {
	// Calls still waiting will never get their reply: fail them instead of waiting forever.
	for (const caller of waiting.values()) caller.reject(new Error('the connection closed before the reply came'));
	waiting.clear();
});
