import { startStaticSite } from '../../src/server/static-site.ts';
import { builds, setSiteUrl, type BuildName } from './builds.ts';

/** Playwright global setup: serves both builds on OS-chosen loopback ports for the whole run. */
export default async function serveBuilds(): Promise<() => Promise<void>> {
	const running = await Promise.all(
		(Object.keys(builds) as BuildName[]).map(async (name) => {
			const site = await startStaticSite(builds[name]);
			setSiteUrl(name, site.url);
			return site;
		})
	);
	return async () => {
		await Promise.all(running.map((site) => site.close()));
	};
}
