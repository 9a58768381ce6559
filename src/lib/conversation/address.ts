/**
 * `host:port` as the recorders write it (Node.js: `127.0.0.1:5000`, `[::1]:5000`, sometimes
 * `[::ffff:127.0.0.1]:5000`; Python: the same from `(host, port)`), compared across spellings.
 * The one place that knows how two views of one address compare: merge.ts pairs sockets with it.
 */

/** `127.0.0.1:5000` from `[::ffff:127.0.0.1]:5000` or `::ffff:127.0.0.1:5000`, lower case: one spelling per address. */
export function normalizeAddress(hostPort: string): string {
	return hostPort
		.toLowerCase()
		.replace(/^\[::ffff:(\d+\.\d+\.\d+\.\d+)\]/, '$1')
		.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)(?=:\d+$)/, '$1');
}

export function portOf(hostPort: string | undefined): number | undefined {
	const match = hostPort === undefined ? null : /:(\d+)$/.exec(hostPort);
	return match ? Number(match[1]) : undefined;
}

function hostOf(hostPort: string): string {
	return normalizeAddress(hostPort).replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
}

/** Hosts a socket bound to takes connections and datagrams for on any address of the machine. */
const WILDCARD_HOSTS = ['0.0.0.0', '::', 'localhost'];

/** Whether `host:port` is a wildcard bind (`0.0.0.0:5000`, `[::]:5000`). */
export function isWildcard(hostPort: string): boolean {
	return WILDCARD_HOSTS.includes(hostOf(hostPort));
}

/** Whether two views of one end's address can be the same socket (a wildcard bind matches any host). */
export function sameEnd(a: string | undefined, b: string | undefined): boolean {
	if (a === undefined || b === undefined || portOf(a) === undefined || portOf(a) !== portOf(b)) return false;
	return hostOf(a) === hostOf(b) || isWildcard(a) || isWildcard(b);
}
