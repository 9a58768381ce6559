/**
 * Highlighted example files, kept so each file is highlighted once: in memory for the pages of
 * one build (an example shown on a course page and on its own page costs one highlighting), and
 * on disk between builds (a rebuild after editing one file highlights only that file).
 *
 * Highlighting ~6,000 lines of example code in two themes is a third of the build. The disk
 * entry is keyed by everything that shapes the output: the code, its language, title and line
 * anchor prefix, the installed packages (package-lock.json) and the site config that sets themes and options.
 * (Not done in the examples loader, with Astro's content store as the cache: the loader runs
 * before and outside the renderer Starlight sets up, whose themes and page assets `<Code>` uses.)
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderedTokenStyles } from '../build/token-classes.ts';
import { readRenderedBlock } from './rendered-block.ts';

/** In Astro's own cache folder; `npm ci` or deleting it starts cold. */
export const HIGHLIGHT_CACHE_DIR = process.env.HIGHLIGHT_CACHE_DIR ?? join(process.cwd(), 'node_modules', '.astro', 'highlighted-code');
/** Bump when the stored format changes. */
const FORMAT = 2;

export interface HighlightRequest {
	code: string;
	lang: string;
	title: string;
	/** Lines get ids `<lineAnchorPrefix>-L<n>` (see line-anchors.ts); without it, none. */
	lineAnchorPrefix?: string | undefined;
	/** Expressive Code's frame: an editor tab by default, or a terminal window (recorded output). */
	frame?: 'terminal';
}

let fingerprint: string | undefined;

/**
 * What else shapes highlighted HTML: the installed packages, the site config (themes,
 * options) and our Expressive Code plugins. Read once per build process.
 */
export function setupFingerprint(): string {
	if (fingerprint !== undefined) return fingerprint;
	// A build's blocks have token classes, `astro dev`'s do not (see ec.config.mjs).
	const parts: string[] = [String(FORMAT), process.env.NODE_ENV ?? ''];
	// ec.config.mjs adds our own Expressive Code plugins: their sources shape the HTML too.
	for (const file of ['package-lock.json', 'astro.config.mjs', 'ec.config.mjs', 'src/lib/examples/line-anchors.ts', 'src/lib/build/token-classes.ts']) {
		try {
			parts.push(readFileSync(join(process.cwd(), file), 'utf8'));
		} catch {
			parts.push(`no ${file}`);
		}
	}
	fingerprint = createHash('sha256').update(parts.join('\0')).digest('hex');
	return fingerprint;
}

export function highlightKey({ code, lang, title, frame, lineAnchorPrefix }: HighlightRequest): string {
	return createHash('sha256').update([setupFingerprint(), lang, title, frame ?? 'code', lineAnchorPrefix ?? '', code].join('\0')).digest('hex').slice(0, 32);
}

function readStored(file: string): string | undefined {
	try {
		const html = readFileSync(file, 'utf8');
		const now = new Date();
		utimesSync(file, now, now); // marks it used by this build (see pruneHighlightCache)
		return html;
	} catch {
		return undefined;
	}
}

function store(file: string, html: string): void {
	try {
		mkdirSync(HIGHLIGHT_CACHE_DIR, { recursive: true });
		const partial = `${file}.${process.pid}.tmp`;
		writeFileSync(partial, html);
		renameSync(partial, file); // never leaves a half-written entry for the next build
	} catch {
		// A read-only or full disk only costs the next build its speed-up.
	}
}

/** A rendered block as stored: without Expressive Code's page assets, and what it needs from the build. */
export interface StoredHighlight {
	/** The code block without Expressive Code's page assets. */
	block: string;
	/** Where in `block` the page assets go when it is first on its page. */
	assetsAt: number;
	/** The token styles its classes stand for (see token-classes.ts), for the token stylesheet. */
	tokenStyles: string[];
	/** Expressive Code's stylesheet and script tags, for a page whose first block this is. */
	pageAssets: string | undefined;
}

/** The asset tags' addresses start with the site's base path. */
function assetsFile(base: string): string {
	const key = createHash('sha256').update(`${setupFingerprint()}\0${base}`).digest('hex').slice(0, 32);
	return join(HIGHLIGHT_CACHE_DIR, `page-assets-${key}.html`);
}

type Entry = Omit<StoredHighlight, 'pageAssets'>;
const inMemory = new Map<string, Entry>();
const pageAssetsByBase = new Map<string, string>();

function parseEntry(json: string | undefined): Entry | undefined {
	if (json === undefined) return undefined;
	try {
		return JSON.parse(json) as Entry;
	} catch {
		return undefined; // a torn or foreign file: highlighted afresh
	}
}

/** The highlighted block for `request` if this build or an earlier one made it, else undefined. */
export function storedHighlight(request: HighlightRequest, base: string): StoredHighlight | undefined {
	const key = highlightKey(request);
	let entry = inMemory.get(key);
	if (entry === undefined) {
		entry = parseEntry(readStored(join(HIGHLIGHT_CACHE_DIR, `${key}.json`)));
		if (entry === undefined) return undefined;
		inMemory.set(key, entry);
	}
	let pageAssets = pageAssetsByBase.get(base);
	if (pageAssets === undefined) {
		pageAssets = readStored(assetsFile(base));
		if (pageAssets !== undefined) pageAssetsByBase.set(base, pageAssets);
	}
	return { ...entry, pageAssets };
}

/** The stored block with `pageAssets` where Expressive Code puts them in a page's first block. */
export function withPageAssets({ block, assetsAt }: Entry, pageAssets: string): string {
	return block.slice(0, assetsAt) + pageAssets + block.slice(assetsAt);
}

/**
 * Keeps a freshly highlighted block for the rest of this build and for later builds; returns
 * it as stored, with the page assets it carried apart (they must not travel with the block to
 * a place where it is not first, and a page whose first block comes from the store needs them).
 */
export function storeHighlight(request: HighlightRequest, base: string, html: string): StoredHighlight {
	const { block, assetsAt, pageAssets, tokenClasses } = readRenderedBlock(html);
	const styles = renderedTokenStyles();
	const tokenStyles = tokenClasses.map((name) => {
		const style = styles.get(name);
		if (style === undefined) throw new Error(`${request.title}: its code has the token class ${name}, which no token this build rendered stands for`);
		return style;
	});
	const entry: Entry = { block, assetsAt, tokenStyles };
	const key = highlightKey(request);
	inMemory.set(key, entry);
	store(join(HIGHLIGHT_CACHE_DIR, `${key}.json`), JSON.stringify(entry));
	if (pageAssets !== undefined && pageAssetsByBase.get(base) !== pageAssets) {
		pageAssetsByBase.set(base, pageAssets);
		store(assetsFile(base), pageAssets);
	}
	return { ...entry, pageAssets };
}

/** Deletes entries no build has used since `since` (pass the start of a build that just finished). */
export function pruneHighlightCache(since: Date): number {
	let removed = 0;
	let names: string[];
	try {
		names = readdirSync(HIGHLIGHT_CACHE_DIR);
	} catch {
		return 0;
	}
	for (const name of names) {
		const file = join(HIGHLIGHT_CACHE_DIR, name);
		try {
			if (statSync(file).mtimeMs < since.getTime() - 1000) {
				rmSync(file);
				removed++;
			}
		} catch {
			// Gone already (another build pruned it).
		}
	}
	return removed;
}
