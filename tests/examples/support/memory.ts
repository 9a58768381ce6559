import assert from 'node:assert/strict';
import type { ExampleServer } from './example-process.ts';

/** How much a server may grow while it is flooded: far below what buffering the flood would take. */
export const MEMORY_GROWTH_LIMIT = 48 * 1024 * 1024;

/**
 * Notes the server's resident memory now; `assertBounded()` later fails if it grew by
 * MEMORY_GROWTH_LIMIT or more meanwhile. Where /proc is missing it checks nothing.
 */
export function watchMemory(server: Pick<ExampleServer, 'rss'>, who = 'server'): { assertBounded(): void } {
	const before = server.rss();
	return {
		assertBounded() {
			const after = server.rss();
			if (before === undefined || after === undefined) return;
			assert.ok(after - before < MEMORY_GROWTH_LIMIT, `${who} memory grew by ${(after - before) >> 20} MiB`);
		},
	};
}
