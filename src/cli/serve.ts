/**
 * `npm run serve`: serves the built site on this machine.
 * Options: --dir <folder> (default dist), --port <n> (default 4321, 0 = any free port),
 * --host <address> (default 127.0.0.1), --base <path> (default $BASE or /).
 */
import { parseArgs } from 'node:util';
import { normalizeBase } from '../site-settings.ts';
import { startStaticSite } from '../server/static-site.ts';

const { values } = parseArgs({
	options: {
		dir: { type: 'string', default: 'dist' },
		port: { type: 'string', default: process.env['PORT'] ?? '4321' },
		host: { type: 'string', default: '127.0.0.1' },
		base: { type: 'string', default: process.env['BASE'] ?? '/' },
	},
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
	console.error(`serve: --port must be a whole number from 0 to 65535, got "${values.port}".`);
	process.exit(2);
}

try {
	const site = await startStaticSite({ dir: values.dir, base: normalizeBase(values.base), host: values.host, port });
	console.log(`serve: ${values.dir} is at ${site.url} (Ctrl+C to stop)`);
	const stop = () => site.close().then(() => process.exit(0));
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
} catch (error) {
	const code = (error as NodeJS.ErrnoException).code;
	if (code === 'EADDRINUSE') {
		console.error(`serve: port ${port} on ${values.host} is already in use. Stop the other server or pick another port: npm run serve -- --port 4322`);
	} else {
		console.error(`serve: ${(error as Error).message}`);
	}
	process.exit(1);
}
