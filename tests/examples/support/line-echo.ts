import assert from 'node:assert/strict';
import type { ConnectionOptions } from 'node:tls';
import { seededRandom } from './random.ts';
import { splitRandomly, tcpExchange } from './tcp-client.ts';

/** How many `\n` bytes `bytes` holds. */
export const countLines = (bytes: Buffer) => bytes.reduce((n, byte) => n + (byte === 0x0a ? 1 : 0), 0);
/** A `done` test for tcpExchange: at least `count` lines have come back. */
export const endsWithLines = (count: number) => (received: Buffer) => countLines(received) >= count;
/** Some bytes, for a failure message: their length and how they start. */
export const showBytes = (bytes: Buffer) => `${bytes.length} bytes, starting ${JSON.stringify(bytes.subarray(0, 60).toString('latin1'))}`;

/**
 * For a line echo server on `port` (a TLS one, given `options.tls`): 200 clients at once each send 20 lines of their own, split
 * at seeded random points, and each must get exactly its own bytes back, in order.
 */
export async function assertConcurrentLineEcho(port: number, options: { tls?: ConnectionOptions } = {}): Promise<void> {
	const random = seededRandom(200);
	const clients = Array.from({ length: 200 }, (_, id) => {
		const lines = Array.from({ length: 20 }, (_, seq) => `client ${id} line ${seq} ${'x'.repeat(Math.floor(random() * 300))}\n`);
		const sent = Buffer.from(lines.join(''));
		return { sent, chunks: splitRandomly(sent, random, 6), lines: lines.length };
	});
	const results = await Promise.all(clients.map((c) => tcpExchange(port, c.chunks, { done: endsWithLines(c.lines), timeoutMs: 20_000, ...options })));
	for (const [id, result] of results.entries()) {
		const sent = clients[id]!.sent;
		assert.equal(result.ended, 'done', `client ${id} sent ${showBytes(sent)}; got back ${showBytes(result.received)}, ended: ${result.ended}`);
		assert.ok(result.received.equals(sent), `client ${id} sent ${showBytes(sent)}, got back different bytes: ${showBytes(result.received)}`);
	}
}
