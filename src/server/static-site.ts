import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import sirv from 'sirv';

export interface StaticSiteOptions {
	/** Folder holding the built site (Astro's outDir). */
	dir: string;
	/** URL path the site was built for (Astro's `base`), starting and ending with `/`. */
	base: string;
}

export interface RunningSite {
	server: Server;
	/** Full URL of the site's home page, e.g. `http://127.0.0.1:40111/netcourse/`. */
	url: string;
	close(): Promise<void>;
}

/**
 * Serves a built site exactly as a plain static host would, mounted at `base`:
 * files from `dir`, directory indexes, and the site's own 404 page for anything else.
 */
export function createStaticSite({ dir, base }: StaticSiteOptions): Server {
	const root = resolve(dir);
	if (!existsSync(join(root, 'index.html'))) {
		throw new Error(`No built site in ${root} (index.html is missing). Run "npm run build" first.`);
	}
	const notFoundPage = existsSync(join(root, '404.html')) ? readFileSync(join(root, '404.html')) : undefined;
	// brotli/gzip: serve the .br/.gz copies the build wrote (src/lib/build/precompress.ts), as real hosts compress.
	const files = sirv(root, { dev: false, etag: true, extensions: ['html'], brotli: true, gzip: true });

	const notFound = (res: ServerResponse) => {
		res.statusCode = 404;
		res.setHeader('Content-Type', 'text/html; charset=utf-8');
		res.end(notFoundPage ?? 'Not found');
	};

	return createServer((req: IncomingMessage, res: ServerResponse) => {
		const url = req.url ?? '/';
		if (base !== '/' && (url === '/' || url === base.slice(0, -1))) {
			res.writeHead(302, { Location: base }).end();
			return;
		}
		if (!url.startsWith(base)) return notFound(res);
		req.url = url.slice(base.length - 1);
		files(req, res, () => notFound(res));
	});
}

/** Starts a static site server on `host`; port 0 lets the OS pick a free port. */
export async function startStaticSite(
	options: StaticSiteOptions & { host?: string; port?: number }
): Promise<RunningSite> {
	const host = options.host ?? '127.0.0.1';
	const server = createStaticSite(options);
	await new Promise<void>((resolvePromise, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, host, () => {
			server.off('error', reject);
			resolvePromise();
		});
	});
	const { port } = server.address() as AddressInfo;
	const shownHost = host.includes(':') ? `[${host}]` : host;
	return {
		server,
		url: `http://${shownHost}:${port}${options.base}`,
		close: () =>
			new Promise<void>((resolvePromise) => {
				server.closeAllConnections();
				server.close(() => resolvePromise());
			}),
	};
}
