import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'astro/zod';
import {
	EXAMPLE_NAME,
	MAX_EXAMPLE_BYTES,
	MAX_FILE_BYTES,
	exampleFrontMatterSchema,
	examplePackageSchema,
	type ExampleFile,
	type ExampleFrontMatter,
} from './schema.ts';
import { readExercises, type ExerciseSource } from './exercises.ts';
import { languageInfo } from './languages.ts';

/** A problem with one example folder; the message names the folder and the file. */
export class ExampleError extends Error {
	readonly location: string;
	constructor(location: string, problem: string) {
		super(`${location}: ${problem}`);
		this.name = 'ExampleError';
		this.location = location;
	}
}

export interface ExampleSource {
	name: string;
	/** Folder path as the author knows it, e.g. `examples/tcp-echo`. */
	folder: string;
	frontMatter: ExampleFrontMatter;
	/** README.md without its front matter. */
	readmeBody: string;
	startFile: string;
	/** Every file in the folder (dotfiles and __pycache__ skipped), sorted by path. */
	files: ExampleFile[];
	/** Its exercises (exercises.ts), in name order; none if it has no exercises/ folder. */
	exercises: ExerciseSource[];
}

/**
 * Reads and validates one example folder. Throws an {@link ExampleError} naming the folder
 * and file for anything the site, the recorder or the sandbox could not rely on.
 * @param examplesDir the examples root on disk
 * @param name the folder name
 * @param displayRoot how to show the examples root in messages
 */
export function readExample(examplesDir: string, name: string, displayRoot = 'examples'): ExampleSource {
	const folder = `${displayRoot}/${name}`;
	if (!EXAMPLE_NAME.test(name)) {
		throw new ExampleError(folder, 'folder names must be lowercase letters, digits and single dashes (they become URL anchors)');
	}
	const dir = join(examplesDir, name);
	const files = readFolderFiles(dir, folder);
	const byPath = new Map(files.map((file) => [file.path, file.content]));

	const readme = byPath.get('README.md');
	if (readme === undefined) throw new ExampleError(folder, 'README.md is missing (it holds the title, summary and which files to show)');
	const { data: frontMatter, body } = parseFrontMatter(readme, `${folder}/README.md`, exampleFrontMatterSchema);

	const packageJson = byPath.get('package.json');
	if (packageJson === undefined) throw new ExampleError(folder, 'package.json is missing (it holds the start script)');
	const pkg = validate(examplePackageSchema, parseJson(packageJson, `${folder}/package.json`), `${folder}/package.json`);
	const startFile = pkg.scripts.start.slice('node '.length);

	if (!byPath.has(startFile)) {
		throw new ExampleError(`${folder}/package.json`, `scripts.start runs ${startFile}, which is not in the folder`);
	}
	for (const [key, shownFiles] of [['files', frontMatter.files], ['python', frontMatter.python]] as const) {
		for (const shown of shownFiles) {
			if (!byPath.has(shown)) throw new ExampleError(`${folder}/README.md`, `front matter "${key}" lists ${shown}, which is not in the folder`);
		}
	}
	if (!byPath.has(languageInfo.python.startFile)) {
		throw new ExampleError(folder, `${languageInfo.python.startFile} is missing (it runs the Python twin, like npm start runs the Node version)`);
	}
	for (const file of files.filter((f) => f.path.endsWith('.js'))) {
		if (!file.content.startsWith('// @ts-check')) {
			throw new ExampleError(`${folder}/${file.path}`, 'must start with "// @ts-check" (examples are type-checked)');
		}
	}
	const exercises = readExercises(folder, files, typeof pkg.scripts['test'] === 'string' ? pkg.scripts['test'] : undefined);
	return { name, folder, frontMatter, readmeBody: body, startFile, files, exercises };
}

/**
 * Every file of the folder `dir` (shown as `folder` in messages), sorted by path: dotfiles and
 * `__pycache__` skipped; throws an {@link ExampleError} naming the file for a link, a
 * `node_modules` folder, a file that is too large or not UTF-8 text.
 */
export function readFolderFiles(dir: string, folder: string): ExampleFile[] {
	let entries: string[];
	try {
		entries = readdirSync(dir, { recursive: true, encoding: 'utf8' });
	} catch (error) {
		throw new ExampleError(folder, `cannot be read (${(error as Error).message})`);
	}
	const files: ExampleFile[] = [];
	let total = 0;
	for (const entry of entries.sort()) {
		const path = entry.split(sep).join(posix.sep);
		// Dotfiles and Python's bytecode cache are machine-made, not part of the example.
		if (path.split('/').some((part) => part.startsWith('.') || part === '__pycache__')) continue;
		const location = `${folder}/${path}`;
		if (path.split('/').includes('node_modules')) {
			throw new ExampleError(location, 'examples have no dependencies, so there must be no node_modules folder');
		}
		const stats = lstatSync(join(dir, entry));
		if (stats.isDirectory()) continue;
		if (stats.isSymbolicLink() || !stats.isFile()) throw new ExampleError(location, 'must be a regular file (links are not allowed)');
		if (stats.size > MAX_FILE_BYTES) {
			throw new ExampleError(location, `is ${stats.size} bytes; an example file may be at most ${MAX_FILE_BYTES} bytes`);
		}
		total += stats.size;
		if (total > MAX_EXAMPLE_BYTES) {
			throw new ExampleError(folder, `holds more than ${MAX_EXAMPLE_BYTES} bytes of files; keep examples small`);
		}
		const bytes = readFileSync(join(dir, entry));
		const content = bytes.toString('utf8');
		if (bytes.includes(0) || !Buffer.from(content, 'utf8').equals(bytes)) {
			throw new ExampleError(location, 'is not UTF-8 text (examples hold source code and text only)');
		}
		files.push({ path: relative(dir, join(dir, entry)).split(sep).join(posix.sep), content });
	}
	return files;
}

/** Splits a README into its front matter, validated by `schema`, and the text after it. */
export function parseFrontMatter<T extends z.ZodType>(readme: string, location: string, schema: T): { data: z.infer<T>; body: string } {
	const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(readme);
	if (!match) throw new ExampleError(location, 'must begin with front matter between two "---" lines');
	let data: unknown;
	try {
		data = parseYaml(match[1]!);
	} catch (error) {
		throw new ExampleError(location, `front matter is not valid YAML: ${(error as Error).message}`);
	}
	return { data: validate(schema, data ?? {}, location, 'front matter'), body: readme.slice(match[0].length) };
}

function parseJson(text: string, location: string): unknown {
	try {
		return JSON.parse(text);
	} catch (error) {
		throw new ExampleError(location, `is not valid JSON: ${(error as Error).message}`);
	}
}

function validate<T extends z.ZodType>(schema: T, data: unknown, location: string, what = ''): z.infer<T> {
	const result = schema.safeParse(data);
	if (result.success) return result.data;
	const problems = result.error.issues.map((issue) => {
		const field = issue.path.length ? `"${issue.path.join('.')}"` : '';
		const message = /received undefined$/.test(issue.message) ? 'is missing' : issue.message;
		return [what, field].filter(Boolean).join(' ') + (field || what ? ': ' : '') + message;
	});
	throw new ExampleError(location, problems.join('; '));
}

/** The example folders under `examplesDir`: every folder not starting with `_` or `.`. */
export function listExampleNames(examplesDir: string): string[] {
	return readdirSync(examplesDir, { withFileTypes: true })
		.filter((entry) => entry.isDirectory() && !/^[._]/.test(entry.name))
		.map((entry) => entry.name)
		.sort();
}
