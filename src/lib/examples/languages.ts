/** The two languages every example is written in: Node.js (runs in the sandbox) and Python. */
export type Language = 'node' | 'python';

/**
 * In the order the twins are shown: tabs, both twins one after the other without JavaScript,
 * print. Python comes first, and is the tab a first visit shows: this is a Python course.
 */
export const LANGUAGES: readonly [Language, ...Language[]] = ['python', 'node'];

export interface LanguageInfo {
	label: string;
	/** The one command that runs the whole example, from its folder, as the README says. */
	command: string;
	/** The file that command runs, relative to the example folder. */
	startFile: string;
	/** The program that runs the exercises' checks of this language (src/lib/examples/exercises.ts). */
	checkRunner: string;
	/** Whether a file belongs to this language's program (a change makes its recording stale). */
	owns(path: string): boolean;
}

const CHECK_RUNNERS: Record<Language, string> = { node: 'check.js', python: 'python/check.py' };

/** The exercises and the programs that check them: part of the folder, not of the program it runs. */
const isExercisePart = (path: string) => path.startsWith('exercises/') || Object.values(CHECK_RUNNERS).includes(path);

export const languageInfo: Record<Language, LanguageInfo> = {
	node: {
		label: 'Node.js',
		command: 'npm start',
		startFile: 'start.js',
		checkRunner: CHECK_RUNNERS.node,
		owns: (path) => path !== 'README.md' && !path.startsWith('python/') && !isExercisePart(path),
	},
	python: {
		label: 'Python',
		command: 'python3 python/start.py',
		startFile: 'python/start.py',
		checkRunner: CHECK_RUNNERS.python,
		owns: (path) => path.startsWith('python/') && !isExercisePart(path),
	},
};
