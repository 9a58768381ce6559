/**
 * Load against a served build with autocannon: many concurrent keep-alive connections, each
 * requesting the next URL of a shared round-robin list, for a bounded time: `npm run bench`'s
 * throughput figures and its "errors under load" budget (`loadProblems`).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import autocannon from 'autocannon';
import { builtPages, builds, type BuildName } from '../support/builds.ts';
import type { ConnectionStats } from './served-site.ts';

export interface LoadOptions {
	/** The served site's home page, e.g. `http://127.0.0.1:40111/netcourse/`. */
	url: string;
	/** Concurrent connections (autocannon clients, one request in flight each). */
	connections: number;
	/** How long to keep requesting. */
	durationSeconds: number;
	/** Site-root paths (`/course/sockets/`) requested in turn, resolved against `url`. Default: the home page. */
	paths?: readonly string[];
	/** Status each path must answer with; paths not named here must answer 200. */
	expectedStatus?: Readonly<Record<string, number>>;
	/** A request unanswered for this long counts as a timeout. Default 10 s. */
	timeoutSeconds?: number;
}

export interface LoadResult {
	/** Responses received. */
	requests: number;
	/** Mean responses per second over the run. */
	requestsPerSecond: number;
	/** Connection errors, timeouts included (autocannon's count). */
	errors: number;
	timeouts: number;
	/** Responses with a status outside 200–299 (intended 404s included). */
	non2xx: number;
	/** Latency in milliseconds. */
	latencyP99: number;
	latencyAverage: number;
	/** Responses per status code. */
	statusCodes: Record<string, number>;
	/** Responses whose status was not the one expected for their path: `"<path> → <status>"` → count. */
	unexpected: Record<string, number>;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
	const home = new URL(options.url);
	const paths = options.paths ?? ['/'];
	if (paths.length === 0) throw new Error('runLoad: no paths to request');
	// Site-root path → the path sent on the wire (the base included).
	const wire = paths.map((path) => new URL(path.replace(/^\//, ''), home).pathname);
	const unexpected: Record<string, number> = {};
	let next = 0;

	const result = await autocannon({
		url: home.origin,
		connections: options.connections,
		pipelining: 1,
		headers: { 'accept-encoding': 'br, gzip' },
		duration: options.durationSeconds,
		timeout: options.timeoutSeconds ?? 10,
		requests: [
			{
				setupRequest: (request, context) => {
					const index = next++ % paths.length;
					(context as { index?: number }).index = index;
					return { ...request, method: 'GET', path: wire[index] };
				},
				onResponse: (status, _body, context) => {
					const path = paths[(context as { index?: number }).index ?? -1] ?? '?';
					if (status !== (options.expectedStatus?.[path] ?? 200)) {
						const key = `${path} → ${status}`;
						unexpected[key] = (unexpected[key] ?? 0) + 1;
					}
				},
			},
		],
	});

	return {
		requests: result.requests.total,
		requestsPerSecond: Math.round(result.requests.total / result.duration),
		errors: result.errors,
		timeouts: result.timeouts,
		non2xx: result.non2xx,
		latencyP99: result.latency.p99,
		latencyAverage: result.latency.average,
		statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, count ?? 0])),
		unexpected,
	};
}

/** A path no build has: the server answers it with the site's 404 page. */
export const missingPath = '/no-such-page/';

/**
 * The mix of URLs a visitor's browser asks a build for, as site-root paths: every page, every
 * CSS and JS file, the favicon, the search index (Pagefind) and a missing page.
 */
export function siteLoadPaths(build: BuildName): string[] {
	const { dir } = builds[build];
	const filesUnder = (folder: string, pattern: RegExp) =>
		!existsSync(join(dir, folder))
			? []
			: readdirSync(join(dir, folder), { recursive: true, withFileTypes: true })
			.filter((entry) => entry.isFile() && pattern.test(entry.name))
			.map((entry) => `/${relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/')}`);
	return [
		...builtPages(build),
		...filesUnder('_astro', /\.(css|js)$/),
		'/favicon.svg',
		// Not the precompressed twins (.br, .gz): a browser gets those through Accept-Encoding.
		...filesUnder('pagefind', /(?<!\.(br|gz))$/),
		missingPath,
	];
}

/**
 * What went wrong in a load run, one line each (none: it passed): errors, timeouts, a status
 * other than the expected one, a missing page that was never asked for, URLs left unrequested,
 * and connections the server dropped (each of the `connections` clients opened exactly one,
 * all open at once, all used).
 */
export function loadProblems(result: LoadResult, seen: ConnectionStats, paths: readonly string[], connections: number): string[] {
	const problems: string[] = [];
	if (result.errors > 0) problems.push(`${result.errors} connection errors`);
	if (result.timeouts > 0) problems.push(`${result.timeouts} timeouts`);
	for (const [what, count] of Object.entries(result.unexpected)) problems.push(`${count} × ${what} (unexpected status)`);
	const notFound = result.statusCodes['404'] ?? 0;
	if (notFound === 0) problems.push('the missing page was never answered 404');
	if (result.non2xx !== notFound) problems.push(`${result.non2xx - notFound} non-2xx responses besides the missing page's 404s`);
	if (result.requests < paths.length * 2) problems.push(`only ${result.requests} responses for ${paths.length} URLs: not every URL was requested under load`);
	if (seen.opened !== connections) problems.push(`the server accepted ${seen.opened} connections for ${connections} clients (a dropped one is reopened)`);
	if (seen.mostOpen !== connections) problems.push(`at most ${seen.mostOpen} of ${connections} connections were open at once`);
	if (seen.served !== connections) problems.push(`${seen.served} of ${connections} connections made requests`);
	return problems;
}
