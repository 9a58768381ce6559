import { fileURLToPath } from 'node:url';
import type { Loader } from 'astro/loaders';
import { listExampleNames, readExample } from './read-example.ts';
import { languageInfo, type Language } from './languages.ts';
import { isEventLogFresh, isFresh, readEventLog, readRecording } from './recording.ts';
import { exampleEntrySchema, type ExampleEntry } from './schema.ts';
import { setupFingerprint } from './highlight-cache.ts';
import { solutionDiff } from './solution-diff.ts';

/**
 * Content-layer loader for the runnable examples: one entry per folder in `examples/`
 * (folders starting with `_` or `.` are skipped), with each twin's recorded output and socket
 * event log from `examples/_recordings/`. Any invalid folder, and a missing or malformed
 * recording or event log, fails the build with a message naming the folder or file; one
 * recorded from older code only warns.
 */
export function examplesLoader({ dir = process.env['EXAMPLES_DIR'] ?? './examples' }: { dir?: string } = {}): Loader {
	return {
		name: 'netcourse:examples',
		schema: exampleEntrySchema,
		load: async ({ store, logger, config, renderMarkdown, parseData, generateDigest, watcher }) => {
			const examplesDir = fileURLToPath(new URL(dir.replace(/\/?$/, '/'), config.root));
			const displayRoot = dir.replace(/^\.\//, '').replace(/\/$/, '');
			const names = listExampleNames(examplesDir);
			const setup = setupFingerprint();
			for (const id of store.keys()) if (!names.includes(id)) store.delete(id);
			for (const name of names) {
				const source = readExample(examplesDir, name, displayRoot);
				const recording = readRecording(examplesDir, source, displayRoot);
				const twin = (language: Language, shownFiles: string[]) => {
					const fresh = isFresh(source, recording, language);
					const events = readEventLog(examplesDir, source, language, displayRoot);
					const label = languageInfo[language].label;
					if (!fresh) {
						logger.warn(`${source.folder}: the ${label} code changed since its output was recorded; run "npm run record -- ${name}"`);
					} else if (!isEventLogFresh(source, events, language)) {
						logger.warn(`${source.folder}: the ${label} code changed since its socket events were recorded; run "npm run record -- ${name}"`);
					}
					return { command: languageInfo[language].command, shownFiles, recorded: { ...recording.runs[language], fresh }, events };
				};
				const withoutNotes: Omit<ExampleEntry, 'notesHtml' | 'exercises'> = {
					name,
					title: source.frontMatter.title,
					summary: source.frontMatter.summary,
					concepts: source.frontMatter.concepts,
					sandbox: source.frontMatter.sandbox,
					...(source.frontMatter.sandboxNote ? { sandboxNote: source.frontMatter.sandboxNote } : {}),
					startFile: source.startFile,
					files: source.files,
					twins: { node: twin('node', source.frontMatter.files), python: twin('python', source.frontMatter.python) },
				};
				// Everything the entry is made of, and what shapes rendered Markdown (packages, site
				// config). Unchanged since the last build (Astro keeps the store between builds): keep
				// the entry, and skip rendering the README again (highlighted code, build time).
				const digest = generateDigest({ ...withoutNotes, readme: source.readmeBody, setup, format: ENTRY_FORMAT });
				if (store.get(name)?.digest === digest) continue;
				const html = async (markdown: string) => (await renderMarkdown(markdown)).html;
				const notes = await html(source.readmeBody);
				const exercises = await Promise.all(
					source.exercises.map(async ({ name: exercise, frontMatter, sections, solution }) => ({
						name: exercise,
						title: frontMatter.title,
						goal: frontMatter.goal,
						languages: frontMatter.languages,
						files: frontMatter.files,
						taskHtml: await html(sections.task),
						hintsHtml: await Promise.all(sections.hints.map(html)),
						whyHtml: await html(sections.why),
						solution: solution.map((file) => solutionDiff(file.path, source.files.find((shipped) => shipped.path === file.path)?.content ?? '', file.content)),
					}))
				);
				const data: ExampleEntry = { ...withoutNotes, exercises, notesHtml: scopeHeadingIds(notes, name) };
				store.set({ id: name, data: await parseData({ id: name, data }), digest });
			}
			watcher?.add(examplesDir);
		},
	};
}

/**
 * How entries are made from the same sources: change it when the loader stores something else
 * for them (as when headings stopped being moved here), so no build keeps an older entry.
 */
const ENTRY_FORMAT = 3;

/**
 * README headings (`## Run it`) sit inside an example block, and several examples can share a
 * page: give their ids the example's name, so no two are the same. Their levels are left as
 * written; Example.astro moves them below the example's title (notes-headings.ts).
 */
function scopeHeadingIds(html: string, name: string): string {
	return html.replace(/\sid="([^"]+)"/g, (_, id: string) => ` id="example-${name}-${id}"`);
}
