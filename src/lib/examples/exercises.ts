/**
 * The exercises of an example folder: `exercises/<name>/` with a README.md (front matter
 * {@link exerciseFrontMatterSchema}: title, goal, languages, files; then the task, the hints
 * and why it matters), a check per language (`check.js` checks the Node.js code, `check.py`
 * the Python code), and `solution/`, the changed files of one reference solution at the
 * folder's own paths. The folder also needs the runners that run those checks (`check.js`,
 * `python/check.py`) and `npm test` running `node check.js`.
 *
 * {@link readExercises} validates all of it and throws an {@link ExampleError} naming the file
 * for anything a student, the page or the tests could not rely on.
 */
import { languageInfo } from './languages.ts';
import { linesAndFences } from '../markdown/fences.ts';
import { ExampleError, parseFrontMatter } from './read-example.ts';
import { EXERCISE_NAME, exerciseFrontMatterSchema, type ExampleFile, type ExerciseFrontMatter } from './schema.ts';

export interface ExerciseSource {
	name: string;
	frontMatter: ExerciseFrontMatter;
	/** README.md without its front matter. */
	body: string;
	/** The README's sections, as Markdown. */
	sections: ExerciseSections;
	/** The solution's files, at the example folder's own paths. */
	solution: ExampleFile[];
}

/** What an exercise's README says under its three headings, in this order. */
export interface ExerciseSections {
	/** `## Task`: what to change, and how to check it. */
	task: string;
	/** `## Hints`: one list item per hint, shown one at a time. */
	hints: string[];
	/** `## Why it matters`. */
	why: string;
}

const SECTION_HEADINGS = { task: 'Task', hints: 'Hints', why: 'Why it matters' } as const;

/**
 * The README body cut at its `## ` headings (not inside fenced code), which must be exactly
 * Task, Hints and Why it matters; the hints are the items of one bullet list.
 */
export function exerciseSections(body: string, file: string): ExerciseSections {
	const parts: { heading: string; lines: string[] }[] = [];
	for (const { line, inCode } of linesAndFences(body)) {
		const heading = inCode ? undefined : /^## +(.+?)\s*$/.exec(line)?.[1];
		if (heading !== undefined) parts.push({ heading, lines: [] });
		else if (parts.length > 0) parts.at(-1)!.lines.push(line);
		else if (line.trim() !== '') throw new ExampleError(file, `text before "## ${SECTION_HEADINGS.task}": the README starts with its task`);
	}
	const expected = Object.values(SECTION_HEADINGS);
	const found = parts.map((part) => part.heading);
	if (found.join('\n') !== expected.join('\n')) {
		throw new ExampleError(file, `its sections must be ${expected.map((h) => `"## ${h}"`).join(', ')}, in that order; found ${found.map((h) => `"## ${h}"`).join(', ') || 'none'}`);
	}
	const [task, hints, why] = parts.map((part) => part.lines.join('\n').trim()) as [string, string, string];
	const items = hints.split(/^- /m);
	if (items[0]!.trim() !== '' || items.length < 2) throw new ExampleError(file, '"## Hints" must be a bullet list ("- "), one item per hint');
	return { task, hints: items.slice(1).map((item) => item.replace(/^ {2}/gm, '').trim()), why };
}

/** Each language's check of one exercise (`exercises/<name>/<check>`), and the command that runs them. */
export const CHECKS = {
	node: { runner: languageInfo.node.checkRunner, check: 'check.js', command: `node ${languageInfo.node.checkRunner}` },
	python: { runner: languageInfo.python.checkRunner, check: 'check.py', command: `python3 ${languageInfo.python.checkRunner}` },
} as const;

export function readExercises(folder: string, files: ExampleFile[], testScript: string | undefined): ExerciseSource[] {
	const byPath = new Map(files.map((file) => [file.path, file.content]));
	const names = [...new Set(files.filter((f) => f.path.startsWith('exercises/')).map((f) => f.path.split('/')[1]!))].sort();
	if (names.length === 0) return [];
	if (testScript !== CHECKS.node.command) {
		throw new ExampleError(`${folder}/package.json`, `scripts.test must be "${CHECKS.node.command}" (npm test checks every exercise)`);
	}
	return names.map((name) => {
		const at = `${folder}/exercises/${name}`;
		if (!EXERCISE_NAME.test(name)) throw new ExampleError(at, 'exercise folder names must be lowercase letters, digits and single dashes');
		const readme = byPath.get(`exercises/${name}/README.md`);
		if (readme === undefined) throw new ExampleError(at, 'README.md is missing (it holds the title, goal, languages and the task)');
		const { data, body } = parseFrontMatter(readme, `${at}/README.md`, exerciseFrontMatterSchema);
		const sections = exerciseSections(body, `${at}/README.md`);
		for (const language of data.languages) {
			const { runner, check } = CHECKS[language];
			if (!byPath.has(runner)) throw new ExampleError(folder, `${runner} is missing (it runs the ${language} checks of the exercises)`);
			if (!byPath.has(`exercises/${name}/${check}`)) throw new ExampleError(at, `${check} is missing: the exercise lists ${language}, so it needs the check of the ${language} code`);
		}
		const solution = files
			.filter((f) => f.path.startsWith(`exercises/${name}/solution/`))
			.map((f) => ({ path: f.path.slice(`exercises/${name}/solution/`.length), content: f.content }));
		for (const changed of data.files) {
			if (!byPath.has(changed)) throw new ExampleError(`${at}/README.md`, `front matter "files" lists ${changed}, which is not in the example folder`);
			if (!solution.some((f) => f.path === changed)) throw new ExampleError(`${at}/solution`, `has no ${changed}: the solution holds each file the student changes, at the folder's own path`);
		}
		return { name, frontMatter: data, body, sections, solution };
	});
}
