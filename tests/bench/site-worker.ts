/**
 * Worker thread for `serveInThread` (served-site.ts): runs the static server of `npm start` on
 * its own thread, counts the connections it sees, and answers "stats" and "close".
 */
import type { Socket } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { startStaticSite, type StaticSiteOptions } from '../../src/server/static-site.ts';
import type { ConnectionStats } from './served-site.ts';

const port = parentPort!;
const site = await startStaticSite(workerData as StaticSiteOptions);
const stats: ConnectionStats = { opened: 0, mostOpen: 0, served: 0 };
let open = 0;
const served = new WeakSet<Socket>();
site.server.on('connection', (socket) => {
	stats.opened++;
	stats.mostOpen = Math.max(stats.mostOpen, ++open);
	socket.once('close', () => open--);
});
site.server.on('request', (request) => {
	if (served.has(request.socket)) return;
	served.add(request.socket);
	stats.served++;
});

port.on('message', async (message: 'stats' | 'close') => {
	if (message === 'stats') port.postMessage({ stats });
	if (message === 'close') {
		await site.close();
		port.postMessage({ closed: true });
		port.close();
	}
});
port.postMessage({ url: site.url });
