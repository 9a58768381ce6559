import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import { chromiumArgs, findChromium } from '../support/chromium.ts';

export const LIGHTHOUSE_CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;
export type LighthouseCategory = (typeof LIGHTHOUSE_CATEGORIES)[number];

/** Lighthouse's two presets: `mobile` (its default) and `desktop`. */
export type LighthousePreset = 'mobile' | 'desktop';

export interface LighthouseResult {
	url: string;
	preset: LighthousePreset;
	/** 0 to 100 per category, as Lighthouse's report shows them. */
	scores: Record<LighthouseCategory, number>;
	/** Audits that lost points, with Lighthouse's title, so a failing budget says why. */
	failedAudits: string[];
	metrics: { fcpMs: number; lcpMs: number; tbtMs: number; cls: number };
}

/**
 * Audits each URL with one of Lighthouse's presets, in Debian's Chromium, one fresh browser per
 * run: `mobile` (the default: a Moto G-class screen, simulated slow 4G and a 4x slower CPU) or
 * `desktop` (a 1350 px wide screen, a fast connection, no CPU slowdown; the "On this page"
 * column shows). Performance varies from run to run, so each URL is audited `runs` times and
 * the run with the median performance score is kept, as Lighthouse's documentation advises.
 */
export async function auditWithLighthouse(urls: string[], runs = 3, preset: LighthousePreset = 'mobile'): Promise<LighthouseResult[]> {
	const results: LighthouseResult[] = [];
	for (const url of urls) {
		const attempts: LighthouseResult[] = [];
		for (let run = 0; run < runs; run++) attempts.push(await auditOnce(url, preset));
		attempts.sort((a, b) => a.scores.performance - b.scores.performance);
		results.push(attempts[Math.floor(attempts.length / 2)]!);
	}
	return results;
}

async function auditOnce(url: string, preset: LighthousePreset): Promise<LighthouseResult> {
	const chrome = await chromeLauncher.launch({ chromePath: findChromium(), chromeFlags: chromiumArgs });
	try {
		const flags = { port: chrome.port, logLevel: 'error' as const, onlyCategories: [...LIGHTHOUSE_CATEGORIES] };
		const run = await lighthouse(url, flags, preset === 'desktop' ? desktopConfig : undefined);
		if (!run) throw new Error(`Lighthouse returned nothing for ${url}`);
		const { lhr } = run;
		if (lhr.runtimeError) throw new Error(`Lighthouse could not audit ${url}: ${lhr.runtimeError.message}`);
		const scores = Object.fromEntries(
			LIGHTHOUSE_CATEGORIES.map((id) => [id, Math.round((lhr.categories[id]?.score ?? 0) * 100)])
		) as Record<LighthouseCategory, number>;
		const failedAudits = LIGHTHOUSE_CATEGORIES.flatMap((id) =>
			(lhr.categories[id]?.auditRefs ?? [])
				.filter((ref) => ref.weight > 0)
				.map((ref) => lhr.audits[ref.id])
				.filter((audit) => audit && audit.score !== null && audit.score < 1)
				.map((audit) => `${id}: ${audit!.title} (${audit!.displayValue ?? `score ${audit!.score}`})`)
		);
		const metric = (id: string) => lhr.audits[id]?.numericValue ?? Number.NaN;
		return {
			url,
			preset,
			scores,
			failedAudits,
			metrics: {
				fcpMs: metric('first-contentful-paint'),
				lcpMs: metric('largest-contentful-paint'),
				tbtMs: metric('total-blocking-time'),
				cls: metric('cumulative-layout-shift'),
			},
		};
	} finally {
		chrome.kill();
	}
}
