import { execFileSync } from 'node:child_process';

let found: string | undefined;

/**
 * The Python 3.10+ interpreter that runs the examples' Python twins (for `npm run record`
 * and the tests): `$PYTHON` if set,
 * else `python3` on the PATH. Throws an error saying how to get one.
 */
export function findPython(env: NodeJS.ProcessEnv = process.env): string {
	if (found) return found;
	const candidate = env['PYTHON']?.trim() || 'python3';
	let version: string;
	try {
		version = execFileSync(candidate, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], {
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'ignore'],
		}).trim();
	} catch {
		throw new Error(
			`No Python found (tried "${candidate}"). The Python twins of the examples need Python 3.10 or newer: ` +
				'install it (Debian/Ubuntu: sudo apt-get install -y python3) or set PYTHON=/path/to/python3.'
		);
	}
	const [major, minor] = version.split('.').map(Number);
	if (major !== 3 || minor! < 10) {
		throw new Error(`"${candidate}" is Python ${version}; the examples need Python 3.10 or newer. Set PYTHON to a newer one.`);
	}
	found = candidate;
	return found;
}
