// @ts-check
/**
 * The same two requests as client.js, GET / and POST /echo, made with Node's HTTP client
 * (node:http) instead of by hand. http.request writes the request line and headers, reads
 * the status line, headers and Content-Length body for us, and hands back the pieces.
 *
 * A keep-alive Agent keeps the TCP connection open between requests, so the second request
 * reuses the first one's connection, as client.js does by hand.
 *
 * The same in Python, with the standard library's http.client:
 *   new http.Agent({ keepAlive: true })     conn = http.client.HTTPConnection(host, port)
 *   http.request({ method, path, ... })     conn.request("POST", "/echo", body, headers)
 *   'response' event: res.statusCode        response = conn.getresponse(); response.status
 *   res.rawHeaders                          response.getheaders()
 *   res 'data' events                       response.read()
 *
 * Run: node client-http.js [--host 127.0.0.1] [--port 7011]
 */
import http from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
	options: {
		host: { type: 'string', default: '127.0.0.1' },
		port: { type: 'string', default: '7011' },
	},
});

/** One kept-open connection, reused for every request (like one HTTPConnection in Python). */
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/**
 * Makes one request and prints what comes back.
 * @param {string} method @param {string} path @param {Buffer} [body]
 */
function request(method, path, body) {
	/** @type {http.OutgoingHttpHeaders} */
	const headers = body ? { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length } : {};
	const extra = body ? ` with a ${body.length}-byte body` : '';
	console.log(`node-http client: sending ${method} ${path}${extra} (node:http writes the request line, Host and Connection for us)`);
	return new Promise((resolve, reject) => {
		const req = http.request({ host: values.host, port: Number(values.port), method, path, headers, agent }, (res) => {
			console.log(`node-http client: status ${res.statusCode} ${res.statusMessage} (HTTP/${res.httpVersion})`);
			for (let i = 0; i < res.rawHeaders.length; i += 2) console.log(`node-http client: header ${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
			/** @type {Buffer[]} */
			const parts = [];
			res.on('data', (part) => parts.push(part));
			res.on('end', () => {
				const received = Buffer.concat(parts);
				console.log(`node-http client: body ${received.length} bytes: ${JSON.stringify(received.toString('utf8'))}`);
				const socket = /** @type {import('node:net').Socket} */ (req.socket);
				const how = req.reusedSocket ? 'the same connection again (keep-alive)' : 'a new connection';
				console.log(`node-http client: that was ${how}, local port ${socket.localPort}`);
				resolve(undefined);
			});
		});
		req.on('error', reject);
		req.end(body);
	});
}

try {
	await request('GET', '/');
	await request('POST', '/echo', Buffer.from('Grüße, server!\n', 'utf8'));
} catch (error) {
	const code = /** @type {NodeJS.ErrnoException} */ (error).code;
	if (code === 'ECONNREFUSED') {
		console.error(`node-http client: nothing is listening on ${values.host}:${values.port}. Start the server first: node server.js`);
	} else {
		console.error(`node-http client: ${error instanceof Error ? error.message : error}`);
	}
	process.exitCode = 1;
}
agent.destroy(); // close the kept-open connection, so the program can end
