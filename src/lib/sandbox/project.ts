import type { EmbedOptions, OpenOptions, Project } from '@stackblitz/sdk';
import type { ExampleEntry } from '../examples/schema.ts';

/** Height of the embedded sandbox, in CSS pixels; the placeholder reserves the same. */
export const SANDBOX_HEIGHT = 560;

/** What the "Run in sandbox" button sends to StackBlitz: fetched from the site on click. */
export interface SandboxRequest {
	project: Project;
	embed: EmbedOptions;
	open: OpenOptions;
}

/**
 * The StackBlitz project for an example: Node template, every file of the example folder as
 * it is (the Python twin too, to read next to the Node code: WebContainers run no Python),
 * `npm start` run on load, the first shown Node file (the server) open in the editor.
 */
export function sandboxRequest(example: Pick<ExampleEntry, 'title' | 'summary' | 'files' | 'twins'>): SandboxRequest {
	const openFile = example.twins.node.shownFiles[0]!;
	return {
		project: {
			title: `${example.title} (Network Programming course)`,
			description: example.summary,
			template: 'node',
			files: Object.fromEntries(example.files.map((file) => [file.path, file.content])),
		},
		embed: { openFile, startScript: 'start', height: SANDBOX_HEIGHT, view: 'default' },
		open: { openFile, startScript: 'start', newWindow: true },
	};
}

/** Site-relative URL of an example's sandbox request (see src/routes/sandbox-request.ts). */
export function sandboxRequestPath(name: string): string {
	return `sandbox/${name}.json`;
}

/** Site-relative URL of an example's folder as a zip (see src/routes/example-zip.ts). */
export function exampleZipPath(name: string): string {
	return `examples/${name}.zip`;
}
