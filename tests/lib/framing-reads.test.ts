/**
 * The read sizes the sockets page quotes for tcp-framing (src/lib/examples/framing-reads.ts) are
 * those of the recorded runs, and an output without the lines the programs print fails with
 * what is missing.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { describeFramingReads, framingReads, reads } from '../../src/lib/examples/framing-reads.ts';
import { recordingSchema } from '../../src/lib/examples/schema.ts';

const recording = recordingSchema.parse(JSON.parse(readFileSync(join(import.meta.dirname, '../../examples/_recordings/tcp-framing.json'), 'utf8')));

test('each recorded run: the server reads add up to the 44 bytes of the three frames, and the client count is the one it printed', () => {
	for (const run of Object.values(recording.runs)) {
		const { serverReads, clientReads } = framingReads(run.output);
		assert.equal(serverReads.reduce((sum, size) => sum + size, 0), 9 + 11 + 24, run.output);
		assert.ok(clientReads >= 1 && clientReads <= 3, run.output);
	}
});

test('reads before the third frame only; the client line in either number', () => {
	const output = [
		'server: read 9 bytes in one chunk',
		'server: frame #1 complete: 5 bytes',
		'server: read 35 bytes in one chunk',
		'server: frame #2 complete: 7 bytes',
		'server: frame #3 complete: 20 bytes',
		'client: (a) the 3 replies came in 1 read',
		'server: read 65536 bytes in one chunk',
	].join('\n');
	assert.deepEqual(framingReads(output), { serverReads: [9, 35], clientReads: 1 });
	assert.equal(framingReads(output.replace('1 read', '2 reads')).clientReads, 2);
	assert.deepEqual([reads(1), reads(2), reads(12)], ['one read', 'two reads', '12 reads']);
	assert.equal(describeFramingReads(framingReads(output)), 'the server got the 44 bytes in two reads (9 + 35 bytes), and the client got the three replies in one read');
	assert.equal(describeFramingReads({ serverReads: [44], clientReads: 2 }), 'the server got all 44 bytes in one read, and the client got the three replies in two reads');
});

test('an output without the lines fails, saying which', () => {
	assert.throws(() => framingReads('server: read 44 bytes in one chunk\n'), /no line "server: frame #3 complete"/);
	assert.throws(() => framingReads('server: frame #3 complete: 20 bytes\n'), /no line "client: \(a\) the 3 replies came in N reads"/);
});
