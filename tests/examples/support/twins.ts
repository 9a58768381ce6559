import { findPython } from '../../../src/lib/examples/python.ts';

export type Language = 'node' | 'python';

/** How to run one program of an example in each language, from the example's folder. */
export interface Program {
	language: Language;
	/** "Node" or "Python", for test names. */
	label: string;
	command: string;
	file: string;
}

/**
 * The Node program `nodeFile` and its Python twin `pythonFile` (in python/), for tests that
 * must hold for both: `for (const server of twins('server.js', 'python/server.py'))`.
 */
export function twins(nodeFile: string, pythonFile: string): [Program, Program] {
	return [
		{ language: 'node', label: 'Node', command: process.execPath, file: nodeFile },
		{ language: 'python', label: 'Python', command: findPython(), file: pythonFile },
	];
}

/** The one command that runs a whole example in a language, as its README says. */
export function startCommand(language: Language): { command: string; args: string[]; shown: string } {
	return language === 'node'
		? { command: 'npm', args: ['start', '--silent'], shown: 'npm start' }
		: { command: findPython(), args: ['python/start.py'], shown: 'python3 python/start.py' };
}

/**
 * Runs `start` for the Node program and its Python twin at once; resolves to [node, python].
 * If one fails to start, the other is stopped (when it has a `stop()`) before the error is
 * passed on: a server left running would keep the test file from ever finishing.
 */
export async function forBoth<T>(pair: [Program, Program], start: (program: Program) => Promise<T>): Promise<[T, T]> {
	const [first, second] = await Promise.allSettled([start(pair[0]), start(pair[1])]);
	if (first.status === 'fulfilled' && second.status === 'fulfilled') return [first.value, second.value];
	for (const started of [first, second]) {
		if (started.status !== 'fulfilled') continue;
		const stop = (started.value as { stop?: () => Promise<unknown> }).stop;
		if (typeof stop === 'function') await stop.call(started.value);
	}
	throw (first.status === 'rejected' ? first.reason : (second as PromiseRejectedResult).reason) as Error;
}
