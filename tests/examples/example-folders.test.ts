import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { examplesDir } from './support/example-process.ts';

const testsDir = fileURLToPath(new URL('./', import.meta.url));
const exampleNames = readdirSync(examplesDir, { withFileTypes: true })
	.filter((entry) => entry.isDirectory() && !/^[._]/.test(entry.name))
	.map((entry) => entry.name);

describe('example folders', () => {
	it('are the eight examples of the course', () => {
		assert.deepEqual(exampleNames.sort(), [
			'failures',
			'http-by-hand',
			'peer-to-peer',
			'rpc',
			'sync-vs-async',
			'tcp-echo',
			'tcp-framing',
			'udp-echo',
		]);
	});

	for (const name of exampleNames) {
		it(`${name} has its own test file (robustness and npm start)`, () => {
			assert.ok(existsSync(join(testsDir, `${name}.test.ts`)), `missing tests/examples/${name}.test.ts`);
		});
		for (const launcher of ['launch.js', 'python/launch.py']) {
			it(`${name}/${launcher} is the same as every other example's`, () => {
				const reference = readFileSync(join(examplesDir, 'tcp-echo', launcher), 'utf8');
				assert.equal(readFileSync(join(examplesDir, name, launcher), 'utf8'), reference);
			});
		}
	}
});
