// @ts-check
/**
 * Check of "A UDP pinger" (Node.js): runs `node client.js --ping 10 --timeout 200` against a
 * stand-in server that echoes ping N after 5×N ms, never answers pings 3, 6 and 9, and answers
 * ping 4 only when ping 6 arrives (too late). Then it reads what the client printed.
 */
import { indent, show } from '../../check.js';

const COUNT = 10;
const TIMEOUT_MS = 200;
const NEVER = [3, 6, 9];
const LATE = 4; // answered only when ping 6 arrives
const LOST = [...NEVER, LATE].sort((a, b) => a - b);
/** How long the server waits before it echoes ping `seq`. @param {number} seq */
const delay = (seq) => 5 * seq;

/** @param {typeof import('../../check.js').checker} t */
export default async function check(t) {
	/** @type {{ text: string, at: number }[]} */
	const arrived = [];
	const server = await t.fakeUdpServer((message, reply) => {
		const text = message.toString('utf8');
		arrived.push({ text, at: performance.now() });
		const seq = Number(/^ping ([1-9]\d*)$/.exec(text)?.[1]);
		if (seq === 6) reply(`ping ${LATE}`); // the late reply, while the client waits for ping 6
		if (LOST.includes(seq)) return;
		setTimeout(() => {
			try {
				reply(message);
			} catch {
				// the check is over and the server closed
			}
		}, delay(seq));
	});
	const args = ['--port', String(server.port), '--ping', String(COUNT), '--timeout', String(TIMEOUT_MS)];
	const result = await t.run('client.js', args);
	server.close();

	const printed = `Your client printed:\n${indent(result.stdout + result.stderr) || '  (nothing)'}`;
	const story = [
		`The check ran: node client.js ${args.join(' ')}`,
		`Its stand-in server echoed ping N after 5×N ms, never answered pings ${NEVER.slice(0, -1).join(', ')} and ${NEVER.at(-1)},`,
		`and answered ping ${LATE} only when ping 6 arrived, too late.`,
	].join('\n');
	/** @param {string[]} lines */
	const fail = (...lines) => t.fail([story, ...lines, printed].join('\n'));

	if (result.timedOut) fail(`Your client was still running after 5 s. Expected it to give up on each ping after ${TIMEOUT_MS} ms and be done in about 1 s.`);

	const wanted = Array.from({ length: COUNT }, (_, i) => `ping ${i + 1}`);
	if (arrived.map((a) => a.text).join('\n') !== wanted.join('\n')) {
		fail(
			`Expected ${COUNT} pings, one datagram each: ${show(wanted[0] ?? '')}, ${show(wanted[1] ?? '')}, ... ${show(wanted[COUNT - 1] ?? '')}, in that order.`,
			`The server received ${arrived.length === 0 ? 'no datagrams' : arrived.map((a) => show(a.text)).join(', ')}.`
		);
	}
	for (const seq of LOST) {
		const gap = /** @type {number} */ (arrived[seq]?.at) - /** @type {number} */ (arrived[seq - 1]?.at);
		if (gap < TIMEOUT_MS / 2 || gap > TIMEOUT_MS + 500) {
			fail(`Ping ${seq} got no reply in time, and your client sent ping ${seq + 1} ${Math.round(gap)} ms later.`, `Expected it to wait ${TIMEOUT_MS} ms (--timeout ${TIMEOUT_MS}), then send the next ping.`);
		}
	}

	const lines = result.stdout.split(/\r?\n/);
	/** @type {number[]} */
	const rtts = [];
	for (let seq = 1; seq <= COUNT; seq++) {
		const own = lines.filter((line) => line.startsWith(`client: ping ${seq}: `));
		if (own.length > 1) {
			fail(`Your client printed ${own.length} lines starting with "client: ping ${seq}: "; only one may:\n${own.map((line) => `  ${line}`).join('\n')}`, 'Expected one line for each ping: its reply, or that none came in time.');
		}
		if (LOST.includes(seq)) {
			const expected = `client: ping ${seq}: no reply within ${TIMEOUT_MS} ms`;
			if (own.length !== 1 || own[0] !== expected) {
				const why = seq === 6 ? ` While your client waited for it, the late reply "ping ${LATE}" came in: it is not the reply to ping 6.` : seq === LATE ? ' Its reply came only later.' : '';
				fail(`The server never answered ping ${seq} in time.${why}`, `Expected exactly this line for it:\n  ${expected}`);
			}
		} else {
			const rtt = Number(/^client: ping \d+: reply in (\d+\.\d{3}) ms$/.exec(own[0] ?? '')?.[1]);
			if (own.length !== 1 || !(rtt >= delay(seq) / 2 && rtt <= TIMEOUT_MS)) {
				fail(
					`The server echoed ping ${seq} after ${delay(seq)} ms.`,
					`Expected exactly one line for it, with the round-trip time in milliseconds (3 decimals), at least ${delay(seq)} ms, like:\n  client: ping ${seq}: reply in ${(delay(seq) + 0.312).toFixed(3)} ms`
				);
			}
			rtts.push(rtt);
		}
	}

	const lost = LOST.length;
	const summary = `client: ${COUNT} pings sent, ${COUNT - lost} replies, ${lost} lost (${Math.round((100 * lost) / COUNT)}% loss)`;
	if (!lines.includes(summary)) fail(`Expected this line after the pings:\n  ${summary}`);
	const average = rtts.reduce((sum, rtt) => sum + rtt, 0) / rtts.length;
	const stats = /^client: round-trip min\/avg\/max = (\d+\.\d{3})\/(\d+\.\d{3})\/(\d+\.\d{3}) ms$/.exec(lines.find((line) => line.startsWith('client: round-trip ')) ?? '');
	const close = (/** @type {string | undefined} */ text, /** @type {number} */ value) => Math.abs(Number(text) - value) <= 0.002;
	if (!stats || !close(stats[1], Math.min(...rtts)) || !close(stats[2], average) || !close(stats[3], Math.max(...rtts))) {
		const times = [Math.min(...rtts), average, Math.max(...rtts)].map((ms) => ms.toFixed(3)).join('/');
		fail(`Expected the smallest, the average and the largest of the ${rtts.length} round-trip times your client printed:\n  client: round-trip min/avg/max = ${times} ms`);
	}
}
