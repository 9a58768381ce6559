// @ts-check
/**
 * `npm start`, in two parts. 1: starts the server on both loopback addresses (127.0.0.1 and
 * ::1, one free port) and runs the client: the lookup, ::1 tried first, then the name.
 * 2: starts a second server on 127.0.0.1 only and runs the client's second step against it:
 * ::1 is refused, 127.0.0.1 accepts. Stops each server after its part.
 */
import { launch, runProgram, startServer } from './launch.js';

launch(async () => {
	console.log('launch: part 1, a server on both loopback addresses, 127.0.0.1 and ::1');
	const both = await startServer('server.js', ['--port', '0']);
	const code = await runProgram('client.js', ['--port', String(both.port)]);
	await both.stop();
	if (code !== 0) return code;

	console.log('launch: part 2, a server on 127.0.0.1 only: nothing listens on ::1');
	const ipv4Only = await startServer('server.js', ['--port', '0', '--listen', '127.0.0.1']);
	return runProgram('client.js', ['--port', String(ipv4Only.port), '--only-try']);
});
