// @ts-check
/**
 * Check of "Seen it before" (Node.js): starts peer B with a stand-in next peer that
 * acknowledges everything, hands B a message, the same message again, and a new one, then
 * lets a message of B's own come home, and looks at what B answers, passes on and prints.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { indent } from '../../check.js';

const folder = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

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

		/**
		 * Sends one message line to B and checks that B acknowledges it.
		 * @param {string} id @param {string[]} path @param {string} [story] what the check did @param {string} [origin]
		 */
		const hand = async (id, path, story, origin = 'A') => {
			const line = `{"type":"message","id":"${id}","origin":"${origin}","text":"${origin === 'A' ? 'hello' : 'hi'}","path":${JSON.stringify(path)}}`;
			const { received } = await t.exchange(port, [`${line}\n`], { untilLines: 1 });
			const ack = `{"type":"ack","id":"${id}"}\n`;
			if (received.toString() !== ack) fail(`${story ?? 'It sent peer B:'}\n  ${line}`, `Expected back the ack:\n  ${ack}`, `Got back:\n  ${JSON.stringify(received.toString())}`);
			return line;
		};

		const first = await hand('A-1', ['A']);
		const expected = (/** @type {string} */ id) => `{"type":"message","id":"${id}","origin":"A","text":"hello","path":["A","B"]}`;
		await until(() => passedOn.length > 0, 3000);
		if (passedOn[0] !== expected('A-1')) {
			fail(`It sent peer B:\n  ${first}`, `Expected B to pass it on:\n  ${expected('A-1')}`, passedOn.length === 0 ? 'B passed nothing on within 3 s.' : `B passed on:\n  ${passedOn[0]}`);
		}

		await hand('A-1', ['A'], 'Then it sent the same message again, on a new connection, as a sender does that never got its ack:');
		const again = 'peer B: already saw A-1, not passing it on again';
		await until(() => peer.output.split('\n').includes(again) || passedOn.length > 1, 3000);
		if (passedOn.length > 1 || !peer.output.split('\n').includes(again)) {
			fail(
				`It sent peer B this message twice:\n  ${first}`,
				`Expected B to acknowledge it both times, pass it on only once, and print the second time:\n  ${again}`,
				passedOn.length > 1 ? `B passed it on again:\n  ${passedOn[1]}` : 'B did not print that line within 3 s.'
			);
		}

		const other = await hand('A-2', ['A']);
		await until(() => passedOn.length > 1, 3000);
		if (passedOn.join('\n') !== [expected('A-1'), expected('A-2')].join('\n')) {
			fail(`After A-1 twice, it sent peer B a new message, with the same text:\n  ${other}`, `Expected B to pass it on:\n  ${expected('A-2')}`, `In all, B passed on:\n${indent(passedOn.join('\n')) || '  (nothing)'}`);
		}

		peer.type('send hi');
		await until(() => passedOn.length > 2, 3000);
		const home = await hand('B-1', ['B', 'C'], 'Then it typed into peer B: send hi, and once B had passed B-1 on, sent it back to B, as peer C would:', 'B');
		const cameBack = 'peer B: my message came back: B -> C -> B (2 hops)';
		await until(() => peer.output.split('\n').includes(cameBack), 3000);
		if (!peer.output.split('\n').includes(cameBack)) {
			fail(`It typed into peer B: send hi, then sent B's message back to B:\n  ${home}`, `B had sent it, but never received it: expected B to print\n  ${cameBack}`);
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
