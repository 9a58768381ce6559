import { execFileSync } from 'node:child_process';

let found: string | undefined;

/**
 * The Python 3.10+ interpreter that runs the examples' Python twins (for `npm run record`
 * and the tests): `$PYTHON` if set, else `python3` on the PATH, resolved once to the
 * interpreter itself (`sys.executable`). A version manager's `python3` is often a shell script
 * that finds the interpreter on every start: pyenv's took 0.3 s of CPU each time, ten times the
 * interpreter's own start, and the tests start Python hundreds of times. Throws an error saying
 * how to get one.
 */
export function findPython(env: NodeJS.ProcessEnv = process.env): string {
	if (found) return found;
	const candidate = env['PYTHON']?.trim() || 'python3';
	let answer: string;
	try {
		answer = execFileSync(candidate, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2]); print(sys.executable)'], {
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'ignore'],
		});
	} catch {
		throw new Error(
			`No Python found (tried "${candidate}"). The Python twins of the examples need Python 3.10 or newer: ` +
				'install it (Debian/Ubuntu: sudo apt-get install -y python3) or set PYTHON=/path/to/python3.'
		);
	}
	const [version = '', executable = ''] = answer.trim().split('\n');
	const [major, minor] = version.split('.').map(Number);
	if (major !== 3 || minor! < 10) {
		throw new Error(`"${candidate}" is Python ${version}; the examples need Python 3.10 or newer. Set PYTHON to a newer one.`);
	}
	// An embedded Python may not know its own path (sys.executable is then empty).
	found = executable.trim() || candidate;
	return found;
}
