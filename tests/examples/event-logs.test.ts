/**
 * The socket event logs (examples/_recordings/<name>.<language>.events.json): recorded from
 * outside the example code by src/lib/conversation/record-node.ts and
 * src/lib/conversation/python/sitecustomize.py, merged by src/lib/conversation/merge.ts.
 *
 * - Every stored log is valid, fresh, and agrees with the output recorded in the same run:
 *   the addresses the programs printed, and the claims of the table below (how many
 *   connections, which failures); on every TCP connection each direction's bytes sent equal
 *   the bytes received (unless the log shows a reset), and every UDP datagram sent was
 *   received or is marked lost.
 * - Recording tcp-echo afresh (a copy, in a scratch folder) gives a log of the same structure.
 * - The recorders change nothing: sync-vs-async, whose Node server keeps accepted sockets
 *   paused, and tls-echo, whose TLS runs over the recorders' streams when recorded, print the
 *   same kinds of lines with and without them.
 * - The merge on its own: ids, order, ports in arguments, peers, lost datagrams (and on real
 *   recorders' files: tests/lib/merge.test.ts).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { eventLogSchema, type EventLog, type SocketEvent } from '../../src/lib/conversation/event-log.ts';
import { mergeEvents, type RawEvent } from '../../src/lib/conversation/merge.ts';
import { LANGUAGES, languageInfo, type Language } from '../../src/lib/examples/languages.ts';
import { findPython } from '../../src/lib/examples/python.ts';
import { listExampleNames, readExample } from '../../src/lib/examples/read-example.ts';
import {
	isEventLogFresh,
	readEventLog,
	readRecording,
	recorderEnv,
	runExample,
	writeEventLog,
} from '../../src/lib/examples/recording.ts';
import { examplesDir } from './support/example-process.ts';

const scratch = mkdtempSync(join(tmpdir(), 'netcourse-event-logs-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

type PerLanguage<T> = Record<Language, T>;
const both = <T,>(value: T): PerLanguage<T> => ({ node: value, python: value });

/** What each example's recorded output and README say happened on its sockets. */
interface Claims {
	/** TCP connections made and accepted: as many `connect` as `accept` events, each linked to the other. */
	connections: PerLanguage<number>;
	/** Listening TCP sockets and bound UDP sockets. */
	listens: PerLanguage<number>;
	/** The error codes of the failed connects, in order. */
	connectFailed: string[];
	/** The error codes of the resets, in order. */
	resets: string[];
	/** The error codes of other socket errors, in order. */
	errors: string[];
	/** UDP only: the sizes of the datagrams the client sent, each received by the server. */
	datagrams?: number[];
	/** Anything else the example is about, read from the log. */
	also?: (log: EventLog) => void;
}

const claims: Record<string, Claims> = {
	// One client connection, three lines each way, then the client half-closes and the server follows.
	'tcp-echo': {
		connections: both(1),
		listens: both(1),
		connectFailed: [],
		resets: [],
		errors: [],
		also: (log) => {
			const [client, server] = connectedPair(log);
			assert.equal(bytes(log, client, 'send'), 6 + 25 + 32, 'the client sends 6, 25 and 32 bytes');
			assert.deepEqual(types(log, client).slice(0, 2), ['connect', 'send']);
			assert.ok(before(log, { socket: client, type: 'half-close' }, { socket: server, type: 'peer-half-close' }));
		},
	},
	// Scenario 1 a refused connect (after listening on a borrowed port and closing it), 2 a
	// failed listen on the server's port, 3, 4 and 7 one connection to the server each: 4 ends
	// in a reset, 7 answers after the client's half-close. 5 listens and connects inside the
	// client and ends in a reset; 6 connects to peer.js, which is killed: the client's second
	// send fails with EPIPE.
	failures: {
		connections: both(5),
		listens: both(4),
		connectFailed: ['ECONNREFUSED'],
		resets: ['ECONNRESET', 'ECONNRESET', 'EPIPE'],
		errors: ['EADDRINUSE'],
		also: (log) => {
			const peer = log.processes.find((p) => p.name === (log.language === 'node' ? 'peer.js' : 'python/peer.py'));
			assert.ok(peer, 'the killed peer program is in the log');
			const killedEnd = log.events.find((e) => e.process === peer.id && e.type === 'accept')!;
			const clientEnd = killedEnd.peer!;
			assert.deepEqual(
				eventsOf(log, clientEnd).map((e) => (e.type === 'reset' ? `reset ${e.error}` : e.type)),
				// Node's recorder sees the second write() called, before the failure comes back.
				['connect', 'peer-half-close', 'send', ...(log.language === 'node' ? ['send'] : []), 'reset EPIPE', 'close'],
				'after the kill: a normal end (FIN), one send that returns, then EPIPE'
			);
			const halfClosed = log.events.find((event) => event.type === 'peer-half-close' && eventsOf(log, event.socket).some((e) => e.type === 'send' && e.bytes === 89));
			assert.ok(halfClosed, 'no server socket answers 89 bytes after the client half-closed');
			const answer = eventsOf(log, halfClosed.socket).find((e) => e.type === 'send' && e.bytes === 89)!;
			assert.ok(answer.t >= halfClosed.t, 'the answer comes after the half-close');
		},
	},
	// Part 1: a server listening on 127.0.0.1 and ::1 (two sockets, one port); the client's first
	// try, ::1, is accepted, then it connects to "localhost" (IPv4 or IPv6, as the lookup says).
	// Part 2: a server on 127.0.0.1 only; ::1 is refused, 127.0.0.1 accepted.
	'names-and-addresses': {
		connections: both(3),
		listens: both(3),
		connectFailed: ['ECONNREFUSED'],
		resets: [],
		errors: [],
		also: (log) => {
			const [first] = log.processes.filter((p) => /(^|\/)server\.(js|py)$/.test(p.name));
			const listening = log.events.filter((e) => e.type === 'listen' && e.process === first!.id).map((e) => e.local!.replace(/\d+$/, 'PORT'));
			assert.deepEqual(listening, ['127.0.0.1:PORT', '[::1]:PORT'], 'the first server listens on both loopback addresses');
			assert.equal(new Set(log.events.filter((e) => e.type === 'listen' && e.process === first!.id).map((e) => e.local!.replace(/^.*:/, ''))).size, 1, 'on one port');
			const [v6] = log.events.filter((e) => e.type === 'connect');
			assert.match(v6!.remote!, /^\[::1\]:\d+$/, 'the first connection is over IPv6');
			assert.match(v6!.local!, /^\[::1\]:\d+$/);
			const failed = log.events.find((e) => e.type === 'connect-failed')!;
			assert.match(failed.remote!, /^\[::1\]:\d+$/, 'the refused try is ::1');
			const next = log.events.find((e) => e.type === 'connect' && e.process === failed.process)!;
			assert.match(next.remote!, /^127\.0\.0\.1:\d+$/, 'then 127.0.0.1 accepts');
			assert.ok(log.events.indexOf(next) > log.events.indexOf(failed));
		},
	},
	// The raw client's connection (two requests), then the HTTP library's (two requests, kept alive).
	'http-by-hand': { connections: both(2), listens: both(1), connectFailed: [], resets: [], errors: [] },
	// Three peers, each listening; one connection per hop A → B → C → A.
	'peer-to-peer': { connections: both(3), listens: both(3), connectFailed: [], resets: [], errors: [] },
	// Four connections from the client's one thread: three send 24 + 37 bytes each, the fourth
	// a line of 1,000,001 bytes; every byte comes back. The Python server hands the long answer
	// to send() in several parts (its send buffer is 64 KiB).
	'selectors-echo': {
		connections: both(4),
		listens: both(1),
		connectFailed: [],
		resets: [],
		errors: [],
		also: (log) => {
			const connects = log.events.filter((event) => event.type === 'connect');
			assert.deepEqual(connects.map((c) => bytes(log, c.socket, 'send')).sort((a, b) => a - b), [61, 61, 61, 1_000_001], 'bytes each client connection sends');
			for (const connect of connects) {
				assert.equal(bytes(log, connect.peer!, 'send'), bytes(log, connect.socket, 'send'), `the server's ${connect.peer} echoes what ${connect.socket} sent`);
			}
			const long = connects.find((c) => bytes(log, c.socket, 'send') === 1_000_001)!;
			const parts = eventsOf(log, long.peer!).filter((event) => event.type === 'send').length;
			if (log.language === 'python') assert.ok(parts >= 2, `the Python server sent the long answer in ${parts} send() call(s), expected several`);
		},
	},
	// Three TLS connections: the first carries the two lines (6 and 15 bytes) as records 22 bytes
	// longer each (TLS 1.3 with AES-GCM: a 5-byte header, the record's type and a 16-byte tag);
	// the other two end in the handshake, refused by the client. No plaintext crosses the wire.
	'tls-echo': {
		connections: both(3),
		listens: both(1),
		connectFailed: [],
		resets: [],
		errors: [],
		also: (log) => {
			const connects = log.events.filter((event) => event.type === 'connect');
			const [echoed] = connects;
			const sizes = eventsOf(log, echoed!.socket).filter((e) => e.type === 'send').map((e) => e.bytes);
			assert.ok(sizes.includes(6 + 22) && sizes.includes(15 + 22), `the client's records of the two lines: ${sizes.join(', ')} bytes sent`);
			for (const event of log.events.filter((e) => e.type === 'send' || e.type === 'receive')) {
				assert.doesNotMatch(event.preview ?? '', /hello|secret/, `${event.socket} ${event.type}: plaintext on the wire`);
			}
			for (const refused of connects.slice(1)) {
				assert.ok(!eventsOf(log, refused.socket).some((e) => e.type === 'send' && (e.bytes === 6 + 22 || e.bytes === 15 + 22)), `${refused.socket} sends no line`);
			}
		},
	},
	// One connection carries every call.
	rpc: { connections: both(1), listens: both(1), connectFailed: [], resets: [], errors: [] },
	// Node: a sequential and a concurrent server, 5 clients each; Python also a threaded one.
	'sync-vs-async': {
		connections: { node: 10, python: 15 },
		listens: { node: 2, python: 3 },
		connectFailed: [],
		resets: [],
		errors: [],
		also: (log) => {
			for (const process of log.processes.filter((p) => p.name.endsWith(`server.${log.language === 'node' ? 'js' : 'py'}`))) {
				const mode = process.args[process.args.indexOf('--mode') + 1];
				const mostWaiting = mostReadButUnanswered(log, process.id);
				if (mode === 'sequential') assert.equal(mostWaiting, 1, `${process.name} ${mode}: read a request before answering the one before`);
				else assert.ok(mostWaiting >= 2, `${process.name} ${mode}: never read a second request before answering the first`);
			}
		},
	},
	// One connection; the client's frames come back byte for byte.
	'tcp-framing': {
		connections: both(1),
		listens: both(1),
		connectFailed: [],
		resets: [],
		errors: [],
		also: (log) => {
			const [client, server] = connectedPair(log);
			assert.equal(bytes(log, client, 'send'), 9 + 11 + 24 + 200_004 + 2 + 19);
			assert.equal(bytes(log, server, 'send'), bytes(log, client, 'send'), 'the server echoes every frame');
		},
	},
	// No connection: the client's socket is bound by its first send; three datagrams each way.
	'udp-echo': { connections: both(0), listens: both(2), connectFailed: [], resets: [], errors: [], datagrams: [3, 7, 17] },
};

describe('socket event logs of the recorded runs', () => {
	it('has a claim for every example', () => {
		assert.deepEqual(Object.keys(claims).sort(), listExampleNames(examplesDir));
	});

	for (const name of listExampleNames(examplesDir)) {
		for (const language of LANGUAGES) {
			describe(`${name} (${languageInfo[language].command})`, () => {
				const example = readExample(examplesDir, name);
				const log = readEventLog(examplesDir, example, language);
				const run = readRecording(examplesDir, example).runs[language];
				const claim = claims[name];

				it('is valid, fresh, and from the same run as the recorded output', () => {
					assert.doesNotThrow(() => eventLogSchema.parse(log));
					assert.ok(isEventLogFresh(example, log, language), `run "npm run record -- ${name}" and commit examples/_recordings/${name}.${language}.events.json`);
					assert.equal(log.sourceHash, run.sourceHash);
					assert.equal(log.recordedAt, run.recordedAt);
					assert.deepEqual([log.example, log.language], [name, language]);
				});

				it('names processes and sockets in order of first event, times from 0, ports masked', () => {
					assertWellFormed(log, example.files.map((file) => file.path));
				});

				it('holds the listening sockets and connections the claims table says', () => {
					assert.ok(claim, `no claims for ${name}`);
					const count = (type: SocketEvent['type']) => log.events.filter((event) => event.type === type).length;
					assert.equal(count('listen'), claim.listens[language], 'listening sockets');
					assert.equal(count('connect'), claim.connections[language], 'connects');
					assert.equal(count('accept'), claim.connections[language], 'accepts');
					const codes = (type: SocketEvent['type']) => log.events.filter((event) => event.type === type).map((event) => event.error);
					assert.deepEqual(codes('connect-failed'), claim.connectFailed, 'failed connects');
					assert.deepEqual(codes('reset'), claim.resets, 'resets');
					assert.deepEqual(codes('error'), claim.errors, 'errors');
					for (const event of log.events.filter((e) => e.type === 'connect' || e.type === 'accept')) {
						assert.ok(event.peer, `${event.socket} (${event.type}) is linked to no socket`);
						const other = log.events.find((e) => e.socket === event.peer && (e.type === 'connect' || e.type === 'accept'));
						assert.ok(other && other.type !== event.type && other.peer === event.socket, `${event.socket} and ${event.peer} are not each other's peer`);
						assert.equal(event.counterpart, log.events.indexOf(other), `${event.socket} (${event.type}) is not paired with its ${other.type}`);
						assert.equal(other.remote, event.local);
						assert.equal(other.local, event.remote);
					}
					claim.also?.(log);
				});

				it('agrees with the addresses the programs printed', () => {
					assertMatchesOutput(log, run.output);
				});

				it('TCP: on each connection, each direction’s bytes sent equal the bytes received (unless reset)', () => {
					for (const [direction, { sent, received, reset }] of directions(log)) {
						if (reset) continue;
						assert.equal(received, sent, `${direction}: ${sent} bytes sent, ${received} received`);
					}
				});

				it('UDP: every datagram sent is received, or marked lost', () => {
					const sent = log.events.filter((event) => event.type === 'datagram-sent');
					for (const datagram of sent) {
						if (datagram.lost) {
							assert.equal(datagram.peer, undefined);
							continue;
						}
						assert.ok(datagram.peer, `datagram-sent at ${datagram.t} ms is neither received nor lost`);
						const arrival = log.events.find((e) => e.type === 'datagram-received' && e.socket === datagram.peer && e.peer === datagram.socket && e.bytes === datagram.bytes);
						assert.ok(arrival, `datagram-sent at ${datagram.t} ms names ${datagram.peer}, which received no such datagram`);
						const counterpart = datagram.counterpart === undefined ? undefined : log.events[datagram.counterpart];
						assert.ok(counterpart?.type === 'datagram-received' && counterpart.socket === datagram.peer && counterpart.bytes === datagram.bytes, `datagram-sent at ${datagram.t} ms is not paired with its arrival`);
					}
					if (claim?.datagrams) {
						const client = log.processes.find((p) => p.name.includes('client'))!.id;
						const fromClient = sent.filter((event) => event.process === client);
						assert.deepEqual(fromClient.map((event) => event.bytes), claim.datagrams);
						assert.ok(fromClient.every((event) => !event.lost), 'a datagram of the client was lost');
						const echoes = log.events.filter((event) => event.type === 'datagram-received' && event.process === client);
						assert.deepEqual(echoes.map((event) => event.bytes).sort((a, b) => a! - b!), claim.datagrams);
					}
				});
			});
		}
	}

	it('the twins send the same bytes: tcp-echo’s clients show the same previews in both logs', () => {
		const previews = (language: Language) => {
			const log = readEventLog(examplesDir, readExample(examplesDir, 'tcp-echo'), language);
			const [client] = connectedPair(log);
			return eventsOf(log, client).filter((event) => event.type === 'send').map((event) => event.preview);
		};
		assert.deepEqual(previews('python'), previews('node'));
		assert.deepEqual(previews('node'), ['hello⏎', 'TCP keeps bytes in order⏎', 'Gr····e: ·· is 2 bytes in UTF-8⏎']);
	});
});

describe('recording tcp-echo afresh (a copy in a scratch folder)', () => {
	const root = join(scratch, 'examples');
	cpSync(join(examplesDir, 'tcp-echo'), join(root, 'tcp-echo'), { recursive: true });
	mkdirSync(join(root, '_recordings'));
	const example = readExample(root, 'tcp-echo');

	for (const language of LANGUAGES) {
		it(`${languageInfo[language].command}: the same structure as the stored log, written and read back`, { timeout: 120_000 }, async () => {
			const { run, events } = await runExample(root, example, language);
			assert.equal(run.exitCode, 0, run.output);
			assert.equal(events.sourceHash, run.sourceHash);
			assertWellFormed(events, example.files.map((file) => file.path));
			assertMatchesOutput(events, run.output);
			const stored = readEventLog(examplesDir, readExample(examplesDir, 'tcp-echo'), language);
			assert.deepEqual(events.processes, stored.processes);
			// Whether the client's connect or the server's accept is seen first varies: compare sorted.
			const shape = (log: EventLog) => ({
				perSocket: [...new Set(log.events.map((event) => event.socket))]
					.map((socket) => {
						const own = eventsOf(log, socket);
						const name = log.processes.find((p) => p.id === own[0]!.process)!.name;
						return JSON.stringify([name, own[0]!.type, own.some((e) => e.type === 'half-close'), own.some((e) => e.type === 'peer-half-close'), bytes(log, socket, 'send')]);
					})
					.sort(),
				directions: [...directions(log).values()].map(({ sent, received }) => `${sent}/${received}`).sort(),
			});
			assert.deepEqual(shape(events), shape(stored));

			writeEventLog(root, events);
			assert.deepEqual(readEventLog(root, example, language), events);
		});
	}
});

describe('the recorders change nothing the programs do', () => {
	const run = promisify(execFile);
	const kinds = (output: string) =>
		output
			.split('\n')
			.filter(Boolean)
			.map((line) => line.replace(/\d+(\.\d+)?/g, '#'))
			.sort();

	for (const language of LANGUAGES) {
		const what = language === 'node' ? 'its server keeps accepted sockets paused' : 'socketserver, threads and asyncio';
		it(`sync-vs-async (${languageInfo[language].command}: ${what}) prints the same kinds of lines with and without them`, { timeout: 120_000 }, async () => {
			const cwd = join(examplesDir, 'sync-vs-async');
			const [command, args] = language === 'node' ? [process.execPath, ['start.js']] : [findPython(), ['python/start.py']];
			const plain = await run(command, args, { cwd, timeout: 60_000 });
			const eventsDir = mkdtempSync(join(scratch, `events-${language}-`));
			const recorded = await run(command, args, { cwd, timeout: 60_000, env: recorderEnv(language, eventsDir) });
			assert.deepEqual(kinds(`${recorded.stdout}${recorded.stderr}`), kinds(`${plain.stdout}${plain.stderr}`));
			// The sequential server still makes the last client wait for the four before it.
			const last = /^client 5: answered after ([\d.]+) s$/m;
			for (const output of [plain.stdout, recorded.stdout]) assert.ok(Number(last.exec(output)?.[1]) >= 0.7, output);
			assert.equal(recorded.stderr, '');
		});
		// A recorded run runs TLS over a stream the recorder can see (record-node-tls.ts, and
		// wrap_socket in memory in Python): the programs must notice nothing of it.
		it(`tls-echo (${languageInfo[language].command}: TLS over the recorders' streams) prints the same kinds of lines with and without them`, async () => {
			const cwd = join(examplesDir, 'tls-echo');
			const [command, args] = language === 'node' ? [process.execPath, ['start.js']] : [findPython(), ['python/start.py']];
			const plain = await run(command, args, { cwd, timeout: 60_000 });
			const recorded = await run(command, args, { cwd, timeout: 60_000, env: recorderEnv(language, mkdtempSync(join(scratch, `tls-${language}-`))) });
			assert.deepEqual(kinds(`${recorded.stdout}${recorded.stderr}`), kinds(`${plain.stdout}${plain.stderr}`));
		});
	}
});

describe('merging the recorders’ files', () => {
	const base = { pid: 1, started: 1000, script: '/ex/server.js', args: ['--port', '0'] };
	const client = { pid: 2, started: 1001, script: '/ex/client.js', args: ['--host', '127.0.0.1', '--port', '5000', '--peer', '127.0.0.1:5000', '--count', '3'] };
	const raw: RawEvent[] = [
		{ ...client, t: 1010, seq: 1, socket: 1, protocol: 'tcp', type: 'connect', local: '127.0.0.1:6000', remote: '127.0.0.1:5000' },
		{ ...base, t: 1000, seq: 1, socket: 1, protocol: 'tcp', type: 'listen', local: '127.0.0.1:5000' },
		{ ...base, t: 1010, seq: 2, socket: 2, protocol: 'tcp', type: 'accept', local: '127.0.0.1:5000', remote: '127.0.0.1:6000' },
		{ ...client, t: 1011.04, seq: 2, socket: 1, protocol: 'tcp', type: 'send', bytes: 3, preview: 'hi⏎' },
		{ ...base, t: 1012, seq: 3, socket: 3, protocol: 'tcp', type: 'close' }, // no address: a pipe
		{ ...base, t: 1013, seq: 4, socket: 4, protocol: 'udp', type: 'listen', local: '0.0.0.0:7000' },
		{ ...client, t: 1014, seq: 3, socket: 2, protocol: 'udp', type: 'datagram-sent', local: '0.0.0.0:7001', remote: '127.0.0.1:7000', bytes: 1, preview: 'a' },
		{ ...client, t: 1014.5, seq: 4, socket: 2, protocol: 'udp', type: 'datagram-sent', local: '0.0.0.0:7001', remote: '127.0.0.1:7000', bytes: 1, preview: 'b' },
		{ ...base, t: 1015, seq: 5, socket: 4, protocol: 'udp', type: 'datagram-received', local: '0.0.0.0:7000', remote: '127.0.0.1:7001', bytes: 1, preview: 'a' },
	];
	const log = mergeEvents(raw, { exampleDir: '/ex', example: 'x', language: 'node', sourceHash: 'sha256:0', recordedAt: '2026-01-01T00:00:00.000Z' });

	it('names processes by script, masks ports in their arguments, numbers ids in order of first event', () => {
		assert.deepEqual(log.processes, [
			{ id: 'p1', name: 'server.js', args: ['--port', '<port>'] },
			{ id: 'p2', name: 'client.js', args: ['--host', '127.0.0.1', '--port', '<port>', '--peer', '127.0.0.1:<port>', '--count', '3'] },
		]);
		assert.deepEqual(
			log.events.map((event) => [event.t, event.process, event.socket, event.type]),
			[
				[0, 'p1', 's1', 'listen'],
				[10, 'p1', 's2', 'accept'], // a tie in time: the lower process id first
				[10, 'p2', 's3', 'connect'],
				[11, 'p2', 's3', 'send'],
				[13, 'p1', 's4', 'listen'],
				[14, 'p2', 's5', 'datagram-sent'],
				[14.5, 'p2', 's5', 'datagram-sent'],
				[15, 'p1', 's4', 'datagram-received'],
			]
		);
	});

	it('links a connect with its accept, and a datagram with its arrival; a datagram nobody received is lost', () => {
		const [, accept, connect, send, , a, b, arrival] = log.events;
		assert.deepEqual([accept!.peer, connect!.peer, send!.peer], ['s3', 's2', 's2']);
		assert.deepEqual([a!.peer, a!.lost, arrival!.peer], ['s4', undefined, 's5']);
		assert.deepEqual([b!.peer, b!.lost], [undefined, true]);
	});

	it('is deterministic: the same files in any order give the same log', () => {
		const again = mergeEvents([...raw].reverse(), { exampleDir: '/ex', example: 'x', language: 'node', sourceHash: 'sha256:0', recordedAt: '2026-01-01T00:00:00.000Z' });
		assert.deepEqual(again, log);
	});
});

// ---- helpers ----

function eventsOf(log: EventLog, socket: string): SocketEvent[] {
	return log.events.filter((event) => event.socket === socket);
}

function types(log: EventLog, socket: string): string[] {
	return eventsOf(log, socket).map((event) => event.type);
}

function bytes(log: EventLog, socket: string, type: 'send' | 'receive'): number {
	return eventsOf(log, socket)
		.filter((event) => event.type === type)
		.reduce((sum, event) => sum + (event.bytes ?? 0), 0);
}

/** The first connection's client socket and the server socket that accepted it. */
function connectedPair(log: EventLog): [string, string] {
	const connect = log.events.find((event) => event.type === 'connect');
	assert.ok(connect?.peer, 'no linked connection');
	return [connect.socket, connect.peer];
}

/** Whether the first event matching `a` comes before the first matching `b`. */
function before(log: EventLog, a: Partial<SocketEvent>, b: Partial<SocketEvent>): boolean {
	const index = (match: Partial<SocketEvent>) => log.events.findIndex((event) => Object.entries(match).every(([key, value]) => event[key as keyof SocketEvent] === value));
	return index(a) !== -1 && index(b) !== -1 && index(a) < index(b);
}

/** The most connections of one process that had a request read but not yet answered, at one time. */
function mostReadButUnanswered(log: EventLog, process: string): number {
	const waiting = new Set<string>();
	let most = 0;
	for (const event of log.events.filter((e) => e.process === process)) {
		if (event.type === 'receive') waiting.add(event.socket);
		if (event.type === 'send' || event.type === 'close') waiting.delete(event.socket);
		most = Math.max(most, waiting.size);
	}
	return most;
}

/** Each direction of each TCP connection (`s3 → s2`): bytes sent, bytes received, and whether either end was reset. */
function directions(log: EventLog): Map<string, { sent: number; received: number; reset: boolean }> {
	const result = new Map<string, { sent: number; received: number; reset: boolean }>();
	const resets = new Set(log.events.filter((event) => event.type === 'reset').map((event) => event.socket));
	for (const event of log.events) {
		if (event.protocol !== 'tcp' || !event.peer || (event.type !== 'send' && event.type !== 'receive')) continue;
		const [from, to] = event.type === 'send' ? [event.socket, event.peer] : [event.peer, event.socket];
		const key = `${from} → ${to}`;
		const entry = result.get(key) ?? { sent: 0, received: 0, reset: resets.has(from) || resets.has(to) };
		if (event.type === 'send') entry.sent += event.bytes ?? 0;
		else entry.received += event.bytes ?? 0;
		result.set(key, entry);
	}
	return [...result.keys()].sort().reduce((sorted, key) => sorted.set(key, result.get(key)!), new Map<string, { sent: number; received: number; reset: boolean }>());
}

/** The shape of the contract that the schema alone does not check. */
function assertWellFormed(log: EventLog, files: string[]): void {
	assert.ok(log.events.length > 0, 'no events');
	assert.equal(log.events[0]!.t, 0);
	for (const [index, event] of log.events.entries()) {
		if (index > 0) assert.ok(event.t >= log.events[index - 1]!.t, `event ${index} at ${event.t} ms comes before the one before it`);
		assert.equal(Math.round(event.t * 10) / 10, event.t);
		if (event.preview !== undefined) assert.match(event.preview, /^[\x20-\x7e⏎·]{0,32}…?$/u);
		if (event.lost !== undefined) assert.equal(event.type, 'datagram-sent');
		if (event.counterpart !== undefined) {
			const other = log.events[event.counterpart];
			assert.equal(other?.counterpart, index, `event ${index} and event ${event.counterpart} are not each other's counterpart`);
			assert.equal(other.peer, event.socket, `event ${event.counterpart} does not name the socket of its counterpart`);
		}
		if (event.addressedTo !== undefined) assert.equal(event.peer, undefined, `event ${index} has both a peer and an address it was going to`);
	}
	const inOrder = (ids: string[], prefix: string) => assert.deepEqual([...new Set(ids)], ids.length ? [...new Set(ids)].map((_, i) => `${prefix}${i + 1}`) : []);
	inOrder(log.events.map((event) => event.socket), 's');
	inOrder(log.events.map((event) => event.process), 'p');
	assert.deepEqual(log.processes.map((p) => p.id), log.processes.map((_, i) => `p${i + 1}`));
	for (const process of log.processes) {
		assert.ok(files.includes(process.name), `process ${process.name} is no file of the example`);
		for (const [i, arg] of process.args.entries()) {
			if (process.args[i - 1] === '--port') assert.equal(arg, '<port>');
		}
	}
	const ports = new Set(log.events.flatMap((event) => [event.local, event.remote]).map((where) => /:(\d+)$/.exec(where ?? '')?.[1]).filter(Boolean));
	for (const arg of log.processes.flatMap((p) => p.args)) assert.ok(!ports.has(arg), `argument ${arg} is a port of the run`);
}

/** The addresses the programs printed are the ones in the log. */
function assertMatchesOutput(log: EventLog, output: string): void {
	const all = (pattern: RegExp) => [...output.matchAll(pattern)];
	const has = (type: SocketEvent['type'], match: (event: SocketEvent) => boolean, what: string) =>
		assert.ok(log.events.some((event) => event.type === type && match(event)), `the output says ${what}, the log has no such ${type}`);
	for (const [line, address] of all(/listening on (\S+:\d+)/g)) has('listen', (event) => event.local === address, line);
	const accepted = all(/accepted a connection from (\S+:\d+)/g).map((match) => match[1]!);
	if (accepted.length > 0) {
		const servers = new Set(log.processes.filter((p) => /(^|\/)server\.(js|py)$/.test(p.name)).map((p) => p.id));
		const remotes = log.events.filter((event) => event.type === 'accept' && servers.has(event.process)).map((event) => event.remote!);
		assert.deepEqual(remotes.sort(), accepted.sort(), 'the connections the servers say they accepted');
	}
	for (const [line, remote, port] of all(/connected to (\S+:\d+) from local port (\d+)/g)) {
		has('connect', (event) => event.remote === remote && event.local?.endsWith(`:${port}`) === true, line);
	}
	for (const [line, remote, port] of all(/sent (\d+) bytes to (\S+:\d+) from my port (\d+)/g).map((m) => [m[0], m[2], m[3]] as const)) {
		has('connect', (event) => event.remote === remote && event.local?.endsWith(`:${port}`) === true, line);
	}
	for (const [line, remote] of all(/connecting to (\S+:\d+) failed/g)) has('connect-failed', (event) => event.remote === remote, line);
	for (const [line, size, remote] of all(/server: received (\d+) bytes from (\S+:\d+)/g)) {
		has('datagram-received', (event) => event.bytes === Number(size) && event.remote === remote, line);
	}
}
