import { z } from 'astro/zod';
import { eventLogSchema } from '../conversation/event-log.ts';

/** Example folder names become URL anchors (`#example-tcp-echo`) and file names. */
export const EXAMPLE_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** Largest file an example may contain: examples are short teaching programs. */
export const MAX_FILE_BYTES = 64 * 1024;
/** Largest total size of one example folder. */
export const MAX_EXAMPLE_BYTES = 256 * 1024;

const relativeFilePath = z
	.string()
	.regex(/^(?!\/)(?!.*(?:^|\/)\.\.?(?:\/|$))[\w.\-/]+$/, 'must be a path inside the example folder, such as "server.js"');

/** Front matter of an example's README.md. */
export const exampleFrontMatterSchema = z
	.strictObject({
		title: z.string().trim().min(1).max(80),
		summary: z.string().trim().min(1).max(240),
		concepts: z.array(z.string().trim().min(1)).min(1),
		sandbox: z.boolean({ error: 'must be true (runs in the browser sandbox) or false (runs on your machine only)' }),
		sandboxNote: z.string().trim().min(1).optional(),
		files: z.array(relativeFilePath).min(1, 'must list at least one file to show'),
		python: z
			.array(relativeFilePath.regex(/^python\//, 'must be a file in the python/ folder'))
			.min(1, 'must list the Python twin’s files to show, such as python/server.py'),
	})
	.refine((front) => front.sandbox || front.sandboxNote !== undefined, {
		path: ['sandboxNote'],
		message: 'is required when sandbox is false: say in one sentence why the example cannot run in the browser sandbox',
	});

export type ExampleFrontMatter = z.infer<typeof exampleFrontMatterSchema>;

/** Exercise folder names become URL anchors and command arguments (`node check.js <name>`). */
export const EXERCISE_NAME = EXAMPLE_NAME;

/** Front matter of an exercise's README.md (`exercises/<name>/README.md`). */
export const exerciseFrontMatterSchema = z.strictObject({
	title: z.string().trim().min(1).max(80),
	goal: z.string().trim().min(1).max(240),
	languages: z.array(z.enum(['python', 'node'], { error: 'must be python or node' })).min(1, 'must list python, node or both'),
	files: z.array(relativeFilePath).min(1, 'must list the files the student changes'),
});

export type ExerciseFrontMatter = z.infer<typeof exerciseFrontMatterSchema>;

const noDependencies = z
	.record(z.string(), z.string())
	.refine((deps) => Object.keys(deps).length === 0, {
		message: 'must be empty: examples use Node’s built-in modules only, so they run without npm install',
	})
	.optional();

/** The parts of an example's package.json that the site and the sandbox rely on. */
export const examplePackageSchema = z.looseObject({
	private: z.literal(true, { error: 'must be true (examples are never published to npm)' }),
	type: z.literal('module', { error: 'must be "module" (examples are ES modules)' }),
	scripts: z.looseObject({
		start: z
			.string()
			.regex(/^node [\w./-]+\.js$/, 'must be "node <file>.js" so it runs the same in every shell and in the sandbox'),
	}),
	dependencies: noDependencies,
	devDependencies: noDependencies,
	peerDependencies: noDependencies,
	optionalDependencies: noDependencies,
});

export interface ExampleFile {
	/** Path inside the example folder, with `/` separators. */
	path: string;
	content: string;
}

/** One recorded run of an example: exactly what `npm start` printed. */
export const recordedRunSchema = z.object({
	command: z.string(),
	runtime: z.string(),
	platform: z.string(),
	recordedAt: z.string(),
	exitCode: z.number().int(),
	durationMs: z.number(),
	sourceHash: z.string(),
	output: z.string(),
});

export type RecordedRun = z.infer<typeof recordedRunSchema>;

export const recordingSchema = z.object({
	example: z.string(),
	runs: z.object({ node: recordedRunSchema, python: recordedRunSchema }),
});

export type Recording = z.infer<typeof recordingSchema>;

const twinSchema = z.object({
	/** The one command that runs the example in this language, from its folder. */
	command: z.string(),
	/** Files shown on the page, in reading order (server first). */
	shownFiles: z.array(z.string()),
	recorded: recordedRunSchema.extend({ fresh: z.boolean() }),
	/** The socket events of the recorded run (`_recordings/<name>.<language>.events.json`), for the sequence diagram. */
	events: eventLogSchema,
});

/** What the `examples` content collection holds for each example. */
export const exampleEntrySchema = z.object({
	name: z.string(),
	title: z.string(),
	summary: z.string(),
	concepts: z.array(z.string()),
	sandbox: z.boolean(),
	sandboxNote: z.string().optional(),
	/** The file `npm start` runs. */
	startFile: z.string(),
	/** Every file of the folder, sorted by path: what the sandbox and the zip receive. */
	files: z.array(z.object({ path: z.string(), content: z.string() })),
	/** The Node.js program and its Python twin: files shown on the page, a recorded run and its socket events. */
	twins: z.object({ node: twinSchema, python: twinSchema }),
	/** Its exercises (exercises/<name>/), in name order, rendered for the example's page. */
	exercises: z.array(
		z.object({
			name: z.string(),
			title: z.string(),
			goal: z.string(),
			languages: z.array(z.enum(['python', 'node'])),
			/** What the student changes, as paths in the folder. */
			files: z.array(z.string()),
			taskHtml: z.string(),
			/** One HTML fragment per hint, in the order they are revealed. */
			hintsHtml: z.array(z.string()),
			whyHtml: z.string(),
			/** Each changed file of the reference solution as a diff against the shipped file (solution-diff.ts). */
			solution: z.array(z.object({ path: z.string(), diff: z.string() })),
		})
	),
	/** README body (protocol, how to run, things to try) as HTML: headings at their README level (`##` as h2), ids starting example-<name>-. */
	notesHtml: z.string(),
});

export type ExampleEntry = z.infer<typeof exampleEntrySchema>;
