// @ts-check
/**
 * `npm start`: starts the slow server twice on free ports, once sequential and once
 * concurrent, runs the same 5 clients against each, then compares the two measured times.
 */
import { launch, runProgram, startServer } from './launch.js';

// The client's own measurement: "client: 5 clients, first answer after 0.20 s, last after 1.01 s".
const SUMMARY = /^client: \d+ clients, first answer after ([\d.]+) s, last after ([\d.]+) s$/;
/** @type {number[]} */
const lastAnswers = [];
/** @param {string} line */
const pickUpSummary = (line) => {
	const match = SUMMARY.exec(line);
	if (match) lastAnswers.push(Number(match[2]));
};

launch(async () => {
	const sequential = await startServer('server.js', ['--mode', 'sequential', '--port', '0']);
	const concurrent = await startServer('server.js', ['--mode', 'concurrent', '--port', '0']);
	for (const [name, server] of /** @type {const} */ ([['sequential', sequential], ['concurrent', concurrent]])) {
		console.log(`launch: 5 clients against the ${name} server`);
		const code = await runProgram('client.js', ['--host', server.host, '--port', String(server.port), '--clients', '5'], {
			onLine: pickUpSummary,
		});
		if (code !== 0) return code;
	}
	const [slow, fast] = lastAnswers;
	if (slow === undefined || fast === undefined || fast === 0) {
		console.error('launch: the client did not print both measurements, nothing to compare');
		return 1;
	}
	console.log(`launch: the concurrent server answered the last client ${(slow / fast).toFixed(1)}x sooner (after ${fast.toFixed(2)} s instead of ${slow.toFixed(2)} s)`);
	return 0;
});
