/**
 * `npm run new-example <name>`: a new example folder made from `examples/_template/`, and its
 * creation without ever leaving a half-made folder.
 *
 * The template is a tiny TCP line echo (Node.js pair and Python twin) that runs out of the box,
 * with `TODO` wherever the author's own protocol and text go. Its files are real programs (the
 * tests type-check the Node.js ones and compile the Python ones); in them,
 * {@link PLACEHOLDERS} stand for the new example's name and title. It has one exercise, with
 * its checks and solution, to replace. The launchers and the check runners, the same in every
 * example ({@link SHARED_FILES}), are not in the template: they are copied from
 * {@link REFERENCE_EXAMPLE}.
 * The loader skips the template (its folder starts with `_`), so it is never a page.
 */
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readExample, readFolderFiles } from './read-example.ts';
import { RECORDINGS_FOLDER, recordingFileNames } from './recording.ts';
import { EXAMPLE_NAME } from './schema.ts';
import { languageInfo } from './languages.ts';

/** This repository's examples folder: where the template and the reference example are. */
const REPOSITORY_EXAMPLES = join(import.meta.dirname, '../../../examples');

/** The template folder under examples/. */
export const TEMPLATE_FOLDER = '_template';

/** The example every launcher is copied from. */
export const REFERENCE_EXAMPLE = 'tcp-echo';

/**
 * The files that are the same in every example folder (a test checks it): the launchers, and
 * the runners of the exercises' checks.
 */
export const SHARED_FILES = ['launch.js', 'python/launch.py', languageInfo.node.checkRunner, languageInfo.python.checkRunner] as const;

/** What the template's files say where the new example's own name and title go. */
export const PLACEHOLDERS = { name: '__EXAMPLE_NAME__', title: '__EXAMPLE_TITLE__' } as const;

/** A refusal of `new-example`: one line, meant for the author, never a stack trace. */
export class ScaffoldError extends Error {
	override name = 'ScaffoldError';
}

/** Why `name` cannot be a new example's name, or undefined if it can. */
export function nameProblem(name: string | undefined): string | undefined {
	if (name === undefined || name.trim() === '') {
		return 'give the new example a name: npm run new-example <name>, e.g. npm run new-example my-example';
	}
	if (/^[._]/.test(name)) {
		return `"${name}" starts with "${name[0]}": folders starting with "_" or "." are not examples (the site skips them); start the name with a lowercase letter or digit`;
	}
	if (!EXAMPLE_NAME.test(name)) {
		return `"${name}" is not a valid example name: use lowercase letters a-z, digits and single dashes between them, e.g. my-example (it becomes the folder and the page anchor #example-<name>)`;
	}
	return undefined;
}

/** `my-example` → `My example`. */
export function titleOf(name: string): string {
	const words = name.split('-').join(' ');
	return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * The files of a new example named `name`, path (with `/`) → content, sorted by path: the
 * template's, placeholders replaced, and the reference example's shared files. Throws if the
 * template holds a shared file or a placeholder this function does not know.
 */
export function exampleFiles(name: string, examplesDir = REPOSITORY_EXAMPLES): Map<string, string> {
	const templateFolder = `examples/${TEMPLATE_FOLDER}`;
	const files = new Map<string, string>();
	for (const { path, content } of readFolderFiles(join(examplesDir, TEMPLATE_FOLDER), templateFolder)) {
		if ((SHARED_FILES as readonly string[]).includes(path)) {
			throw new Error(`${templateFolder}/${path}: the files every example shares are copied from examples/${REFERENCE_EXAMPLE}; remove it from the template`);
		}
		const filled = content.replaceAll(PLACEHOLDERS.name, name).replaceAll(PLACEHOLDERS.title, titleOf(name));
		const unknown = /__EXAMPLE_[A-Z_]*__/.exec(filled)?.[0];
		if (unknown) throw new Error(`${templateFolder}/${path}: ${unknown} is not a placeholder (they are ${Object.values(PLACEHOLDERS).join(', ')})`);
		files.set(path, filled);
	}
	const reference = new Map(readFolderFiles(join(examplesDir, REFERENCE_EXAMPLE), `examples/${REFERENCE_EXAMPLE}`).map((file) => [file.path, file.content]));
	for (const launcher of SHARED_FILES) files.set(launcher, reference.get(launcher)!);
	return new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * Creates `<examplesDir>/<name>/` with {@link exampleFiles}: writes them into a hidden temporary
 * folder beside it, checks the result with `readExample`, then renames it into place, so a
 * failure leaves nothing behind. Never overwrites anything. Returns the created paths.
 */
export function createExample(examplesDir: string, name: string, { displayRoot = 'examples' }: { displayRoot?: string } = {}): string[] {
	const problem = nameProblem(name);
	if (problem) throw new ScaffoldError(problem);
	if (!existsSync(examplesDir)) throw new ScaffoldError(`there is no examples folder ${displayRoot}`);
	const target = join(examplesDir, name);
	const taken = (path: string, shown: string) => {
		if (existsSync(path)) {
			throw new ScaffoldError(`${displayRoot}/${shown} already exists; nothing was changed (choose another name, or delete it first)`);
		}
	};
	taken(target, name);
	// The recorded output and socket events of an earlier example of that name.
	for (const file of recordingFileNames(name)) taken(join(examplesDir, RECORDINGS_FOLDER, file), `${RECORDINGS_FOLDER}/${file}`);

	const files = exampleFiles(name);
	const scratch = mkdtempSync(join(examplesDir, `.new-${name}-`));
	try {
		const staged = join(scratch, name);
		for (const [path, content] of files) {
			mkdirSync(dirname(join(staged, path)), { recursive: true });
			writeFileSync(join(staged, path), content);
		}
		readExample(scratch, name); // the template is valid, or we stop here
		taken(target, name); // still free (renaming onto an empty folder would replace it)
		renameSync(staged, target);
	} finally {
		rmSync(scratch, { recursive: true, force: true });
	}
	return [...files.keys()];
}
