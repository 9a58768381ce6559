import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { examplesDir } from './example-process.ts';
import { startCommand, type Language } from './twins.ts';

const run = promisify(execFile);

/**
 * Runs the example's one start command in `language` (`npm start`, or
 * `python3 python/start.py`) in `examples/<name>` and checks that it exits 0, that the given
 * line patterns appear in this order (other lines may come between; ports and timings vary,
 * so match them by pattern), and that every output line is labelled ("server: ...").
 * Lines from different processes arrive in no fixed order: only list, in order, lines that
 * one process prints or that causality orders.
 */
export async function assertStartPrints(name: string, language: Language, patterns: RegExp[]): Promise<string> {
	const { command, args, shown } = startCommand(language);
	const { stdout, stderr } = await run(command, args, { cwd: join(examplesDir, name), timeout: 60_000 });
	const output = `${stdout}${stderr}`;
	const lines = output.split('\n');
	let from = 0;
	for (const pattern of patterns) {
		const index = lines.findIndex((line, i) => i >= from && pattern.test(line));
		assert.notEqual(index, -1, `${name} (${shown}): no line matching ${pattern} after line ${from} in:\n${output}`);
		from = index + 1;
	}
	for (const line of lines.filter(Boolean)) {
		assert.match(line, /^[a-z][\w -]*: /i, `${name} (${shown}): unlabelled output line ${JSON.stringify(line)}`);
	}
	return output;
}

/** `npm start` only: the Node half of {@link assertStartPrints}. */
export function assertNpmStartPrints(name: string, patterns: RegExp[]): Promise<string> {
	return assertStartPrints(name, 'node', patterns);
}
