/**
 * Serves a build with the static server of `npm start` (src/server/static-site.ts) on a worker
 * thread, so that a load generator on the main thread does not share its event loop with the
 * server it measures.
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { StaticSiteOptions } from '../../src/server/static-site.ts';

export interface ConnectionStats {
	/** Connections the server accepted. */
	opened: number;
	/** Most connections open at the same time. */
	mostOpen: number;
	/** Connections that made at least one request. */
	served: number;
}

export interface ServedSite {
	/** The site's home page, e.g. `http://127.0.0.1:40111/netcourse/`. */
	url: string;
	stats(): Promise<ConnectionStats>;
	close(): Promise<void>;
}

export async function serveInThread(options: StaticSiteOptions): Promise<ServedSite> {
	const worker = new Worker(new URL('./site-worker.ts', import.meta.url), { workerData: options });
	const failed = once(worker, 'error').then(([error]) => Promise.reject(error as Error));
	failed.catch(() => {});
	const next = async <T>(key: string): Promise<T> => {
		for (;;) {
			const [message] = (await Promise.race([once(worker, 'message'), failed])) as [Record<string, unknown>];
			if (key in message) return message[key] as T;
		}
	};
	const url = await next<string>('url');
	return {
		url,
		stats: () => {
			const answer = next<ConnectionStats>('stats');
			worker.postMessage('stats');
			return answer;
		},
		close: async () => {
			const closed = next<boolean>('closed');
			worker.postMessage('close');
			await closed;
			await worker.terminate();
		},
	};
}
