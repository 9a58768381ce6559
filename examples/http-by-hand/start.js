// @ts-check
/** `npm start`: starts the HTTP server on a free port, runs the raw client, then the node:http client, stops the server. */
import { launch, runProgram, startServer } from './launch.js';

launch(async () => {
	const server = await startServer('server.js', ['--port', '0']);
	const address = ['--host', server.host, '--port', String(server.port)];
	const raw = await runProgram('client.js', address);
	const viaNodeHttp = await runProgram('client-http.js', address);
	return raw !== 0 ? raw : viaNodeHttp;
});
