/**
 * The example folders, read from examples/ as the site reads them: each is embedded by a course
 * page, has its own test file and the launchers and check runners of every other example. And the template that
 * `npm run new-example` copies (examples/_template/): not an example, its Node.js programs
 * type-checked under the examples' tsconfig (Node 18's API), its Python programs compiled.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { exampleUses } from '../../src/lib/examples/embedded.ts';
import { findPython } from '../../src/lib/examples/python.ts';
import { listExampleNames, readFolderFiles } from '../../src/lib/examples/read-example.ts';
import { SHARED_FILES, REFERENCE_EXAMPLE, TEMPLATE_FOLDER } from '../../src/lib/examples/scaffold.ts';
import { readCoursePages } from '../support/course-pages.ts';
import { examplesDir } from './support/example-process.ts';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const testsDir = fileURLToPath(new URL('./', import.meta.url));
const exampleNames = listExampleNames(examplesDir);

describe('example folders', () => {
	it('are the examples the course pages embed, each once', () => {
		assert.ok(exampleNames.length > 0, `no example folder in ${examplesDir}`);
		const embedded = [...exampleUses(readCoursePages(projectRoot)).keys()];
		assert.deepEqual([...embedded].sort(), exampleNames, 'examples/ and the <Example name> tags of content/docs/course/');
	});

	for (const name of exampleNames) {
		it(`${name} has its own test file (robustness and npm start)`, () => {
			assert.ok(existsSync(join(testsDir, `${name}.test.ts`)), `missing tests/examples/${name}.test.ts`);
		});
		for (const shared of SHARED_FILES) {
			it(`${name}/${shared} is the same as every other example's`, () => {
				const reference = readFileSync(join(examplesDir, REFERENCE_EXAMPLE, shared), 'utf8');
				assert.equal(readFileSync(join(examplesDir, name, shared), 'utf8'), reference, `copy it: cp examples/${REFERENCE_EXAMPLE}/${shared} examples/${name}/${shared}`);
			});
		}
	}
});

describe(`the template, examples/${TEMPLATE_FOLDER}/`, () => {
	const templateDir = join(examplesDir, TEMPLATE_FOLDER);
	const templatePaths = readFolderFiles(templateDir, `examples/${TEMPLATE_FOLDER}`).map((file) => file.path);
	const scratch = mkdtempSync(join(tmpdir(), 'netcourse-template-'));
	after(() => rmSync(scratch, { recursive: true, force: true }));

	const run = (command: string, args: string[], env: NodeJS.ProcessEnv = process.env) =>
		new Promise<{ code: number | null; output: string }>((resolve) => {
			execFile(command, args, { cwd: scratch, env, timeout: 60_000 }, (error, stdout, stderr) => {
				resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, output: `${stdout}${stderr}` });
			});
		});

	it('is not an example: the site skips it', () => {
		assert.ok(existsSync(templateDir), `${templateDir} is missing`);
		assert.ok(!listExampleNames(examplesDir).includes(TEMPLATE_FOLDER));
	});

	it('holds Node.js and Python programs, but no file every example shares (they are copied from the reference example)', () => {
		assert.ok(templatePaths.some((path) => path.endsWith('.js')) && templatePaths.some((path) => path.endsWith('.py')), templatePaths.join(', '));
		for (const shared of SHARED_FILES) assert.ok(!templatePaths.includes(shared), `${shared} is in the template`);
	});

	it('type-checks against Node 18’s API under tests/examples/tsconfig.json', async () => {
		const tsconfig = join(scratch, 'tsconfig.json');
		writeFileSync(tsconfig, JSON.stringify({ extends: join(testsDir, 'tsconfig.json'), include: [join(templateDir, '**/*.js')] }));
		const tsc = join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc');
		const listed = await run(process.execPath, [tsc, '-p', tsconfig, '--listFilesOnly']);
		assert.equal(listed.code, 0, listed.output);
		for (const path of templatePaths.filter((path) => path.endsWith('.js'))) {
			assert.ok(listed.output.includes(join(templateDir, path)), `tsc would not check ${path}:\n${listed.output}`);
		}
		const checked = await run(process.execPath, [tsc, '-p', tsconfig]);
		assert.equal(checked.code, 0, checked.output);
	});

	it('its Python programs compile (python3 -m py_compile)', async () => {
		const python = templatePaths.filter((path) => path.endsWith('.py')).map((path) => join(templateDir, path));
		// The bytecode goes to the scratch folder, not into the template.
		const compiled = await run(findPython(), ['-m', 'py_compile', ...python], { ...process.env, PYTHONPYCACHEPREFIX: scratch });
		assert.equal(compiled.code, 0, compiled.output);
	});
});
