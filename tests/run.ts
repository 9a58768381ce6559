/**
 * `npm test`: every check of the project, in as little wall-clock time as two cores allow.
 *
 * The suites are npm scripts of their own (each runs alone too). The example and unit tests
 * run first, three files at a time (many wait on sockets and timers), with only the type
 * check beside them: several measure how fast a server answers, and a busy machine would fail
 * them. Then the two builds, one after the other; then the site tests, then the browser tests.
 * Each suite's output is kept and printed whole when it ends, so two suites never interleave;
 * while they run, a line every 30 s says what is still running. Exits 1 if any suite failed,
 * after all have run (a broken build stops only what needs it), and ends with one line that
 * counts the tests that passed and failed.
 */
import { spawn } from 'node:child_process';

interface Suite {
	script: string;
	/** Suites that must have passed first. */
	after?: string[];
	/** Suites that must have ended first, passed or not (they only need the machine to themselves). */
	waitsFor?: string[];
}

// The example tests measure time (a concurrent server must answer 200 clients at once): they
// run first, beside nothing heavier than the type check, which needs no build and fills the
// share of the two cores they leave idle. It syncs Astro's content store as a build does, so
// the builds wait for it. The site tests and the browser tests each fill both cores: side by
// side they took 240 s, one after the other 210 to 240 s (the site tests 90 s beside the browser, 28 s alone).
const SUITES: Suite[] = [
	{ script: 'test:examples' },
	{ script: 'check' },
	{ script: 'build', waitsFor: ['test:examples', 'check'] },
	{ script: 'build:subpath', after: ['build'] },
	{ script: 'test:site', after: ['build', 'build:subpath'] },
	{ script: 'test:browser', after: ['build', 'build:subpath'], waitsFor: ['test:site'] },
];

interface Outcome {
	passed: boolean;
	seconds: number;
	/** Tests that passed and failed, read from the runner's summary (node:test or Playwright). */
	counts: { passed: number; failed: number };
}

const started = performance.now();
const elapsed = (since = started) => Math.round((performance.now() - since) / 1000);
const running = new Map<string, number>();
const outcomes = new Map<string, Promise<Outcome>>();

function run(suite: Suite): Promise<Outcome> {
	let outcome = outcomes.get(suite.script);
	if (outcome) return outcome;
	outcome = (async () => {
		await Promise.all((suite.waitsFor ?? []).map((script) => run(SUITES.find((s) => s.script === script)!)));
		const needed = await Promise.all((suite.after ?? []).map((script) => run(SUITES.find((s) => s.script === script)!)));
		if (needed.some((need) => !need.passed)) {
			console.log(`\n==> ${suite.script}: not run, as ${suite.after!.join(' and ')} did not pass`);
			return { passed: false, seconds: 0, counts: { passed: 0, failed: 0 } };
		}
		const since = performance.now();
		running.set(suite.script, since);
		console.log(`==> [${elapsed()} s] ${suite.script} started`);
		const { code, output } = await npmRun(suite.script);
		running.delete(suite.script);
		const seconds = elapsed(since);
		console.log(`\n==> [${elapsed()} s] ${suite.script} ${code === 0 ? 'passed' : `FAILED (exit code ${code})`} in ${seconds} s\n${output.trimEnd()}`);
		return { passed: code === 0, seconds, counts: testCounts(output) };
	})();
	outcomes.set(suite.script, outcome);
	return outcome;
}

function npmRun(script: string): Promise<{ code: number | null; output: string }> {
	return new Promise((resolve) => {
		const child = spawn('npm', ['run', '--silent', script], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
		const chunks: Buffer[] = [];
		child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
		child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
		child.on('error', (error) => chunks.push(Buffer.from(`could not start npm: ${error.message}\n`)));
		child.on('close', (code) => resolve({ code, output: Buffer.concat(chunks).toString('utf8') }));
	});
}

/** The counts of node:test's summary (`ℹ pass 12`, `ℹ fail 0`) and Playwright's (`205 passed`, `1 failed`). */
export function testCounts(output: string): { passed: number; failed: number } {
	const sum = (pattern: RegExp) => [...output.matchAll(pattern)].reduce((total, match) => total + Number(match[1]), 0);
	return {
		passed: sum(/^ℹ pass (\d+)$/gm) + sum(/^\s*(\d+) passed\b/gm),
		failed: sum(/^ℹ fail (\d+)$/gm) + sum(/^\s*(\d+) failed\b/gm),
	};
}

const heartbeat = setInterval(() => {
	if (running.size > 0) console.log(`... [${elapsed()} s] still running: ${[...running].map(([script, since]) => `${script} (${elapsed(since)} s)`).join(', ')}`);
}, 30_000);

const results = await Promise.all(SUITES.map(async (suite) => [suite.script, await run(suite)] as const));
clearInterval(heartbeat);
const failedSuites = results.filter(([, outcome]) => !outcome.passed).map(([script]) => script);
const total = results.reduce((sum, [, { counts }]) => ({ passed: sum.passed + counts.passed, failed: sum.failed + counts.failed }), { passed: 0, failed: 0 });
console.log(`\n==> npm test took ${elapsed()} s: ${results.map(([script, { seconds, passed }]) => `${script} ${passed ? seconds + ' s' : 'FAILED'}`).join(', ')}`);
if (failedSuites.length > 0) console.log(`==> failed: ${failedSuites.join(', ')}`);
// A suite that failed with no failed test of its own (a type error, a broken build) counts as one failure.
const uncounted = results.filter(([, outcome]) => !outcome.passed && outcome.counts.failed === 0).length;
console.log(`${total.passed} passed, ${total.failed + uncounted} failed`);
process.exitCode = failedSuites.length > 0 ? 1 : 0;
