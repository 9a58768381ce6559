/** Built pages read as documents (htmlparser2), for the tests that check static markup. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Document, Element } from 'domhandler';
import { parseDocument } from 'htmlparser2';
import { builds, type BuildName } from './builds.ts';

/** The page at `path` (site-root form, e.g. `/course/sockets/`) of a build, parsed. */
export function builtDocument(path: string, build: BuildName = 'root'): Document {
	return parseDocument(readFileSync(join(builds[build].dir, path, 'index.html'), 'utf8'));
}

/** Whether an element's class list holds `name`. */
export const hasClass = (name: string) => (element: Element) => (element.attribs['class'] ?? '').split(/\s+/).includes(name);
