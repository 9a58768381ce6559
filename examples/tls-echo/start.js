// @ts-check
/** `npm start`: starts the server on a free port, runs the client against it, stops the server. */
import { launch, runProgram, startServer } from './launch.js';

launch(async () => {
	const server = await startServer('server.js', ['--port', '0']);
	return runProgram('client.js', ['--host', server.host, '--port', String(server.port)]);
});
