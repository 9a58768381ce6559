/**
 * Highlighted example files, kept so each file is highlighted once: in memory for the pages of
 * one build (an example shown on a course page and on its own page costs one highlighting), and
 * on disk between builds (a rebuild after editing one file highlights only that file).
 *
 * Highlighting ~6,000 lines of example code in two themes is a third of the build. The disk
 * entry is keyed by everything that shapes the output: the code, its language and title, the
 * installed packages (package-lock.json) and the site config that sets themes and options.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** In Astro's own cache folder; `npm ci` or deleting it starts cold. */
export const HIGHLIGHT_CACHE_DIR = process.env.HIGHLIGHT_CACHE_DIR ?? join(process.cwd(), 'node_modules', '.astro', 'highlighted-code');
/** Bump when the stored format changes. */
const FORMAT = 1;

export interface HighlightRequest {
	code: string;
	lang: string;
	title: string;
	/** Expressive Code's frame: an editor tab by default, or a terminal window (recorded output). */
	frame?: 'terminal';
}

const inMemory = new Map<string, string>();
let fingerprint: string | undefined;

/**
 * What else shapes highlighted HTML: the installed packages and the site config (themes,
 * options). Read once per build process.
 */
export function setupFingerprint(): string {
	if (fingerprint !== undefined) return fingerprint;
	const parts: string[] = [String(FORMAT)];
	for (const file of ['package-lock.json', 'astro.config.mjs', 'ec.config.mjs']) {
		try {
			parts.push(readFileSync(join(process.cwd(), file), 'utf8'));
		} catch {
			parts.push(`no ${file}`);
		}
	}
	fingerprint = createHash('sha256').update(parts.join('\0')).digest('hex');
	return fingerprint;
}

export function highlightKey({ code, lang, title, frame }: HighlightRequest): string {
	return createHash('sha256').update([setupFingerprint(), lang, title, frame ?? 'code', code].join('\0')).digest('hex').slice(0, 32);
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

/**
 * Expressive Code puts its stylesheet and script tags into the first code block of each page.
 * A stored block must not carry them to a place where they are not first, and a page whose
 * first block comes from the store must still get them: so they are kept apart.
 */
const PAGE_ASSETS = /^(<div class="expressive-code[^"]*">)((?:<link rel="stylesheet" href="[^"]*\/ec\.[\w-]+\.css">|<script type="module" src="[^"]*\/ec\.[\w-]+\.js"><\/script>)+)/;

export interface StoredHighlight {
	/** The code block without Expressive Code's page assets. */
	block: string;
	/** Expressive Code's stylesheet and script tags, for a page whose first block this is. */
	pageAssets: string | undefined;
}

/** The asset tags' addresses start with the site's base path. */
function assetsFile(base: string): string {
	const key = createHash('sha256').update(`${setupFingerprint()}\0${base}`).digest('hex').slice(0, 32);
	return join(HIGHLIGHT_CACHE_DIR, `page-assets-${key}.html`);
}

/** The highlighted block for `request` if this build or an earlier one made it, else undefined. */
export function storedHighlight(request: HighlightRequest, base: string): StoredHighlight | undefined {
	const key = highlightKey(request);
	let block = inMemory.get(key);
	if (block === undefined) {
		block = readStored(join(HIGHLIGHT_CACHE_DIR, `${key}.html`));
		if (block === undefined) return undefined;
		inMemory.set(key, block);
	}
	let pageAssets = inMemory.get(`page-assets ${base}`);
	if (pageAssets === undefined) {
		pageAssets = readStored(assetsFile(base));
		if (pageAssets !== undefined) inMemory.set(`page-assets ${base}`, pageAssets);
	}
	return { block, pageAssets };
}

/** `block` with `pageAssets` where Expressive Code puts them in a page's first block. */
export function withPageAssets(block: string, pageAssets: string): string {
	return block.replace(/^<div class="expressive-code[^"]*">/, (open) => open + pageAssets);
}

/** Keeps freshly highlighted HTML for the rest of this build and for later builds. */
export function storeHighlight(request: HighlightRequest, base: string, html: string): void {
	const key = highlightKey(request);
	const match = PAGE_ASSETS.exec(html);
	const assets = match ? { open: match[1]!, tags: match[2]!, length: match[0].length } : undefined;
	const block = assets ? assets.open + html.slice(assets.length) : html;
	inMemory.set(key, block);
	store(join(HIGHLIGHT_CACHE_DIR, `${key}.html`), block);
	if (assets && inMemory.get(`page-assets ${base}`) !== assets.tags) {
		inMemory.set(`page-assets ${base}`, assets.tags);
		store(assetsFile(base), assets.tags);
	}
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
