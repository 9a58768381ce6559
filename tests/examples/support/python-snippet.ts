import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { findPython } from '../../../src/lib/examples/python.ts';

const run = promisify(execFile);

/**
 * Runs a Python snippet with `-c`, using the Python that runs the examples, for at most
 * `timeoutMs`; resolves with what it printed, trimmed. The snippet may be indented as a whole
 * (a template literal inside a test): the indentation of its first line is removed from every line.
 */
export async function runPython(code: string, { env = process.env, timeoutMs = 15_000 }: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<string> {
	const lines = code.replace(/^\n/, '').split('\n');
	const indent = /^\s*/.exec(lines[0] ?? '')![0];
	const script = lines.map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line)).join('\n');
	const { stdout } = await run(findPython(), ['-c', script], { timeout: timeoutMs, env });
	return stdout.trim();
}
