/**
 * Load test: each build served by the static server of `npm start` (src/server/static-site.ts,
 * on its own thread) on loopback; 200 concurrent clients for a few seconds over every page, CSS
 * and JS file, the favicon, the search index and a missing page. No errors, no timeouts, every
 * response the expected status (200; 404 for the missing page only), and all 200 connections
 * open at once and used.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { builds, type BuildName } from '../support/builds.ts';
import { missingPath, runLoad, siteLoadPaths } from './support/load.ts';
import { serveInThread } from './support/served-site.ts';

const CONNECTIONS = 200;
const SECONDS = Number(process.env['LOAD_SECONDS'] ?? 5);

for (const build of Object.keys(builds) as BuildName[]) {
	test(`the ${build} build serves ${CONNECTIONS} concurrent clients for ${SECONDS} s without an error`, { timeout: (SECONDS + 60) * 1000 }, async (t) => {
		const site = await serveInThread(builds[build]);
		try {
			const paths = siteLoadPaths(build);
			const result = await runLoad({
				url: site.url,
				connections: CONNECTIONS,
				durationSeconds: SECONDS,
				paths,
				expectedStatus: { [missingPath]: 404 },
			});
			const seen = await site.stats();
			t.diagnostic(
				`${build}: ${paths.length} URLs, ${result.requests} responses, ${result.requestsPerSecond} req/s, ` +
					`latency p99 ${result.latencyP99} ms (mean ${result.latencyAverage.toFixed(1)} ms), ` +
					`status ${JSON.stringify(result.statusCodes)}, connections ${JSON.stringify(seen)}`
			);

			assert.equal(result.errors, 0, 'connection errors');
			assert.equal(result.timeouts, 0, 'timeouts');
			assert.deepEqual(result.unexpected, {}, 'responses with another status than expected (path → status: count)');
			const notFound = result.statusCodes['404'] ?? 0;
			assert.ok(notFound > 0, 'the missing page was requested and answered 404');
			assert.equal(result.non2xx, notFound, 'the only non-2xx responses are the 404s of the missing page');
			assert.ok(result.requests >= paths.length * 2, `only ${result.requests} responses: not every URL was requested under load`);
			assert.equal(seen.opened, CONNECTIONS, 'connections the server accepted (more means one was dropped and reopened)');
			assert.equal(seen.mostOpen, CONNECTIONS, 'connections open at the same time');
			assert.equal(seen.served, CONNECTIONS, 'connections that made requests');
		} finally {
			await site.close();
		}
	});
}
