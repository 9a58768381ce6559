/**
 * The pairing of src/lib/conversation/merge.ts, on what the recorders really wrote: the
 * `<pid>.jsonl` files of real runs of udp-echo and failures, in both languages, kept in
 * tests/lib/fixtures/raw/<example>.<language>/ (script paths made relative to `/example`).
 * Every connect and its accept, and every datagram and its arrival, name each other (`peer`,
 * `counterpart`); a datagram whose arrival is missing is `lost` and says where it was going
 * (`addressedTo`); a refused connect says which socket of the run had been listening there.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { EventLog, SocketEvent } from '../../src/lib/conversation/event-log.ts';
import { mergeEvents, readRawEvents, type RawEvent } from '../../src/lib/conversation/merge.ts';

const rawDir = join(import.meta.dirname, 'fixtures', 'raw');
const runs = readdirSync(rawDir).sort();
const merge = (raw: readonly RawEvent[], language: EventLog['language']) =>
	mergeEvents(raw, { exampleDir: '/example', example: 'x', language, sourceHash: 'sha256:0', recordedAt: '2026-01-01T00:00:00.000Z' });
const languageOf = (run: string) => (run.endsWith('.python') ? 'python' : 'node');

/** The pairs of a log are each other's: types that go together, the same bytes, each naming the other's socket. */
function assertPairs(log: EventLog): void {
	const partner: Partial<Record<SocketEvent['type'], SocketEvent['type']>> = { connect: 'accept', accept: 'connect', 'datagram-sent': 'datagram-received', 'datagram-received': 'datagram-sent' };
	log.events.forEach((event, index) => {
		if (event.counterpart === undefined) return;
		const other = log.events[event.counterpart];
		assert.ok(other, `event ${index} names event ${event.counterpart}, which is not in the log`);
		assert.equal(other.type, partner[event.type], `event ${index} (${event.type}) is paired with a ${other.type}`);
		assert.equal(other.counterpart, index, `event ${event.counterpart} does not name event ${index} back`);
		assert.deepEqual([event.peer, other.peer], [other.socket, event.socket], `events ${index} and ${event.counterpart} name each other's sockets`);
		assert.equal(other.bytes, event.bytes);
		assert.equal(other.preview, event.preview);
		assert.notEqual(other.socket, event.socket, `event ${index} is paired with its own socket`);
	});
}

describe('merge.ts pairs what real runs recorded', () => {
	assert.deepEqual(runs, ['failures.node', 'failures.python', 'udp-echo.node', 'udp-echo.python'], 'the raw fixtures are there');

	for (const run of runs) {
		describe(run, () => {
			const raw = readRawEvents(join(rawDir, run));
			const log = merge(raw, languageOf(run));

			it('pairs every connect with an accept, and every datagram sent with its arrival: each names the other', () => {
				assertPairs(log);
				for (const [index, event] of log.events.entries()) {
					if (event.type === 'connect' || event.type === 'accept') assert.notEqual(event.counterpart, undefined, `${event.type} ${index} is paired`);
					if (event.type === 'datagram-sent') {
						assert.equal(event.lost, undefined, `datagram ${index} arrived on loopback`);
						assert.ok(event.counterpart !== undefined && event.counterpart > index, `datagram ${index} is paired with an arrival after it`);
					}
					if (event.type === 'datagram-received') assert.notEqual(event.counterpart, undefined, `arrival ${index} is paired`);
					if (event.peer !== undefined) assert.equal(event.addressedTo, undefined, `event ${index} has a peer: it needs no address`);
				}
				const count = (type: SocketEvent['type']) => log.events.filter((e) => e.type === type).length;
				assert.equal(count('connect'), count('accept'));
				assert.equal(count('datagram-sent'), count('datagram-received'));
			});

			if (run.startsWith('udp-echo')) {
				it('a datagram whose arrival is cut from the files is lost, says where it was going, and the others stay paired', () => {
					const arrival = raw.filter((e) => e.type === 'datagram-received').sort((a, b) => a.t - b.t)[0]!;
					const cut = merge(
						raw.filter((e) => e !== arrival),
						languageOf(run)
					);
					assertPairs(cut);
					const lost = cut.events.filter((e) => e.lost === true);
					assert.equal(lost.length, 1, 'exactly one datagram is lost');
					const [datagram] = lost as [SocketEvent];
					assert.deepEqual([datagram.type, datagram.peer, datagram.counterpart, datagram.preview], ['datagram-sent', undefined, undefined, arrival.preview]);
					const receiver = cut.events.find((e) => e.type === 'listen' && e.process !== datagram.process && e.protocol === 'udp');
					assert.equal(datagram.addressedTo, receiver?.socket, 'it names the socket bound where it was sent');
					const paired = (l: EventLog) => l.events.filter((e) => e.type === 'datagram-sent' && e.counterpart !== undefined).length;
					assert.equal(paired(cut), paired(log) - 1, 'every other datagram is still paired');
				});
			}

			if (run.startsWith('failures')) {
				it('a refused connect names the socket that had listened where it tried, and pairs with nothing', () => {
					const refused = log.events.find((e) => e.type === 'connect-failed');
					assert.ok(refused, 'the run has a refused connect');
					assert.equal(refused.error, 'ECONNREFUSED');
					assert.deepEqual([refused.peer, refused.counterpart], [undefined, undefined]);
					const listener = log.events.find((e) => e.socket === refused.addressedTo);
					assert.equal(listener?.type, 'listen', 'it names a socket that listened');
					assert.equal(listener.local, refused.remote, 'on the address the connect tried');
					assert.ok(log.events.some((e) => e.socket === listener.socket && e.type === 'close' && log.events.indexOf(e) < log.events.indexOf(refused)), 'and had closed before');
				});
			}
		});
	}
});
