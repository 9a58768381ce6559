// @ts-check
/**
 * Check of "A hop limit" (Node.js): starts peer B with a stand-in next peer that acknowledges
 * everything, hands B messages with a ttl of 3, then 1, then bad ones, types "send" into B,
 * and looks at what B answers, passes on and prints.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { indent } from '../../check.js';

const folder = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TTL_ERROR = '"ttl" must be a whole number from 1 to 16';

/** @param {typeof import('../../check.js').checker} t */
export default async function check(t) {
	/** The lines the stand-in next peer received, each answered with an ack. @type {string[]} */
	const passedOn = [];
	const next = await t.fakeServer((socket) => {
		let pending = '';
		socket.setEncoding('utf8');
		socket.on('data', (chunk) => {
			pending += chunk;
			let newline;
			while ((newline = pending.indexOf('\n')) !== -1) {
				const line = pending.slice(0, newline);
				pending = pending.slice(newline + 1);
				passedOn.push(line);
				/** @type {unknown} */
				let id;
				try {
					id = JSON.parse(line).id;
				} catch {
					id = null;
				}
				socket.write(`${JSON.stringify({ type: 'ack', id })}\n`);
			}
		});
	});
	const peer = startPeer('B');
	try {
		const setUp = `The check starts peer B (node peer.js --name B --port 0) and types into it: next 127.0.0.1:${next.port}\n(a stand-in next peer that acknowledges every message).`;
		/** @param {string[]} lines */
		const fail = (...lines) => t.fail([setUp, ...lines, `Peer B printed:\n${indent(peer.output) || '  (nothing)'}`].join('\n'));

		if (!(await until(() => peer.port() !== undefined || peer.exited(), 5000))) fail('Expected it to print "listening on HOST:PORT" within 5 s.');
		if (peer.port() === undefined) fail('Expected it to print "listening on HOST:PORT", but it stopped.');
		const port = /** @type {number} */ (peer.port());
		peer.type(`next 127.0.0.1:${next.port}`);
		if (!(await until(() => peer.output.includes('my next peer is now'), 3000))) fail(`Expected it to print "my next peer is now 127.0.0.1:${next.port}".`);

		/** Sends one message line to B and checks that B acknowledges it. @param {string} id @param {number} ttl */
		const hand = async (id, ttl) => {
			const line = `{"type":"message","id":"${id}","origin":"A","text":"hello","path":["A"],"ttl":${ttl}}`;
			const { received } = await t.exchange(port, [`${line}\n`], { untilLines: 1 });
			const ack = `{"type":"ack","id":"${id}"}\n`;
			if (received.toString() !== ack) fail(`It sent peer B:\n  ${line}`, `Expected back the ack:\n  ${ack}`, `Got back:\n  ${JSON.stringify(received.toString())}`);
			return line;
		};

		const first = await hand('A-1', 3);
		const expected = '{"type":"message","id":"A-1","origin":"A","text":"hello","path":["A","B"],"ttl":2}';
		await until(() => passedOn.length > 0, 3000);
		if (passedOn[0] !== expected) {
			fail(`It sent peer B:\n  ${first}`, `Expected B to pass it on with one hop used up:\n  ${expected}`, passedOn.length === 0 ? 'B passed nothing on within 3 s.' : `B passed on:\n  ${passedOn[0]}`);
		}

		const last = await hand('A-2', 1);
		const dropped = 'peer B: dropping A-2 from A: its ttl ran out';
		await until(() => peer.output.split('\n').includes(dropped) || passedOn.length > 1, 3000);
		if (passedOn.length > 1 || !peer.output.split('\n').includes(dropped)) {
			fail(
				`It sent peer B a message with one hop left:\n  ${last}`,
				`Expected B to use up that hop, pass nothing on, and print:\n  ${dropped}`,
				passedOn.length > 1 ? `B passed on:\n  ${passedOn[1]}` : 'B did not print that line within 3 s.'
			);
		}

		const bad = ['', ',"ttl":0', ',"ttl":17', ',"ttl":"3"'].map((ttl, i) => `{"type":"message","id":"A-${i + 3}","origin":"A","text":"hello","path":["A"]${ttl}}`);
		const { received } = await t.exchange(port, [bad.map((line) => `${line}\n`).join('')], { untilLines: bad.length });
		const error = `${JSON.stringify({ type: 'error', message: TTL_ERROR })}\n`;
		if (received.toString() !== error.repeat(bad.length)) {
			fail(
				`It sent peer B messages with no ttl, or a ttl that is not a whole number from 1 to 16:\n${indent(bad.join('\n'))}`,
				`Expected back this error for each of them:\n  ${error}`,
				`Got back:\n${indent(received.toString()) || '  (nothing)'}`
			);
		}

		const before = passedOn.length;
		peer.type('send hi');
		const sent = '{"type":"message","id":"B-1","origin":"B","text":"hi","path":["B"],"ttl":16}';
		await until(() => passedOn.length > before, 3000);
		if (passedOn[before] !== sent) {
			fail(`Then it typed into peer B: send hi`, `Expected B to send a message that may make 16 hops:\n  ${sent}`, passedOn.length > before ? `B sent:\n  ${passedOn[before]}` : 'B sent nothing within 3 s.');
		}
	} finally {
		await peer.stop();
	}
}

/**
 * Starts `node peer.js --name NAME --port 0` here, with a pipe to type commands into it (a
 * program that t.start() runs gets no input). Always call stop().
 * @param {string} name
 */
function startPeer(name) {
	const child = spawn(process.execPath, ['peer.js', '--name', name, '--port', '0'], { cwd: folder, stdio: ['pipe', 'pipe', 'pipe'] });
	const closed = new Promise((resolve) => child.once('close', resolve));
	const peer = {
		output: '',
		/** The port it listens on, once it has said so. */
		port: () => {
			const found = /listening on \S+:(\d+)/.exec(peer.output);
			return found ? Number(found[1]) : undefined;
		},
		/** Whether it has stopped. */
		exited: () => child.exitCode !== null || child.signalCode !== null,
		/** @param {string} line */
		type: (line) => child.stdin.write(`${line}\n`),
		stop: async () => {
			child.kill('SIGKILL');
			await closed;
		},
	};
	child.stdin.on('error', () => {});
	for (const stream of [child.stdout, child.stderr]) {
		stream.setEncoding('utf8');
		stream.on('data', (text) => {
			if (peer.output.length < 64 * 1024) peer.output += text;
		});
	}
	return peer;
}

/**
 * Asks `test` every 10 ms until it says yes or `ms` have passed; resolves with its last answer.
 * @param {() => boolean} test
 * @param {number} ms
 */
async function until(test, ms) {
	const deadline = Date.now() + ms;
	while (!test() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
	return test();
}
