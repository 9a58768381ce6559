/**
 * A student's edits to an example in the sandbox, kept in this browser's localStorage (one
 * entry per example) so they survive a reload, and come back on any page that embeds the same
 * example. Only what differs from the original files is stored: the files the student
 * changed or added, and the original files they deleted (the shape of the SDK's `FsDiff`).
 *
 * Loaded only after "Run in sandbox" is clicked (see session.ts); no DOM here but `Storage`.
 */

import { RESULTS_FILE } from '../exercises/progress.ts';
import { isRecord, parseJson, usableStorage } from '../storage/stored-json.ts';

export type Files = Record<string, string>;

/** The stored entry, JSON, under `netcourse:edits:v1:<example name>`. */
export interface SavedEdits {
	/** When the student's files were last kept (ms since the epoch). */
	savedAt: number;
	/** `filesIdentity()` of the original files the edits were made on. */
	base: string;
	/** Files the student changed or added: path → content. */
	create: Files;
	/** Original files the student deleted. */
	destroy: string[];
}

export interface Edits {
	create: Files;
	destroy: string[];
}

export const EDITS_KEY_PREFIX = 'netcourse:edits:v1:';
/** How often the student's files are kept while the sandbox is open. */
export const KEEP_INTERVAL_MS = 5_000;

export function editsKey(name: string): string {
	return EDITS_KEY_PREFIX + name;
}

/**
 * Paths the sandbox makes by itself (npm's install, the results of `npm test`), never the
 * student's work: left out when files are compared, kept and zipped.
 */
export function isGenerated(path: string, original: Files): boolean {
	return path === 'node_modules' || path.startsWith('node_modules/') || ((path === 'package-lock.json' || path === RESULTS_FILE) && !(path in original));
}

/** What the student's files change in the original ones; empty when they are the same. */
export function editsBetween(original: Files, current: Files): Edits {
	const create: Files = {};
	for (const [path, content] of Object.entries(current)) {
		if (!isGenerated(path, original) && (!Object.hasOwn(original, path) || original[path] !== content)) create[path] = content;
	}
	const destroy = Object.keys(original).filter((path) => !Object.hasOwn(current, path));
	return { create, destroy };
}

export function isEmpty(edits: Edits): boolean {
	return edits.destroy.length === 0 && Object.keys(edits.create).length === 0;
}

/** The student's files: the original ones with the edits applied. */
export function applyEdits(original: Files, edits: Edits): Files {
	const files: Files = { ...original };
	for (const path of edits.destroy) delete files[path];
	return Object.assign(files, edits.create);
}

/** The student's version of an example: the original files with their kept edits, if any. */
export function studentVersion(name: string, original: Files): Files {
	const loaded = new EditsStore(name).load();
	return loaded.state === 'saved' ? applyEdits(original, loaded.edits) : original;
}

/** The student's files as the sandbox reports them, without what npm made. */
export function studentFiles(original: Files, current: Files): Files {
	return Object.fromEntries(Object.entries(current).filter(([path]) => !isGenerated(path, original)));
}

/** A short fingerprint of a set of files (53-bit cyrb53 over the sorted paths and contents). */
export function filesIdentity(files: Files): string {
	const text = JSON.stringify(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
	let h1 = 0xdeadbeef;
	let h2 = 0x41c6ce57;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		h1 = Math.imul(h1 ^ c, 2654435761);
		h2 = Math.imul(h2 ^ c, 1597334677);
	}
	h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
	h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
	return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

const isPath = (value: unknown): value is string =>
	typeof value === 'string' && value.length > 0 && value.length <= 1024 && value !== '__proto__';

/** The stored entry, checked field by field; undefined for anything but exactly that shape. */
export function parseSavedEdits(text: string): SavedEdits | undefined {
	const value = parseJson(text);
	if (!isRecord(value)) return undefined;
	const keys = Object.keys(value).sort().join();
	if (keys !== 'base,create,destroy,savedAt') return undefined;
	const { savedAt, base, create, destroy } = value;
	if (typeof savedAt !== 'number' || !Number.isFinite(savedAt) || savedAt <= 0) return undefined;
	if (typeof base !== 'string' || !/^[0-9a-z]{1,16}$/.test(base)) return undefined;
	if (!isRecord(create) || !Object.entries(create).every(([path, content]) => isPath(path) && typeof content === 'string')) return undefined;
	if (!Array.isArray(destroy) || !destroy.every(isPath)) return undefined;
	const edits = { savedAt, base, create: create as Files, destroy: destroy as string[] };
	return isEmpty(edits) ? undefined : edits;
}

export type Loaded =
	| { state: 'none' }
	| { state: 'saved'; edits: SavedEdits }
	/** The entry could not be read; it has been removed. */
	| { state: 'corrupt' };

export type SaveResult = 'saved' | 'full' | 'refused';

/** One example's entry in localStorage; every access guarded, as storage may throw. */
export class EditsStore {
	readonly #key: string;
	readonly #storage: Storage | undefined;

	constructor(name: string) {
		this.#key = editsKey(name);
		this.#storage = usableStorage(this.#key);
	}

	/** False when the browser does not let the site store anything (privacy settings). */
	get available(): boolean {
		return this.#storage !== undefined;
	}

	load(): Loaded {
		let text: string | null;
		try {
			text = this.#storage?.getItem(this.#key) ?? null;
		} catch {
			return { state: 'none' };
		}
		if (text === null) return { state: 'none' };
		const edits = parseSavedEdits(text);
		if (edits) return { state: 'saved', edits };
		this.remove();
		return { state: 'corrupt' };
	}

	save(edits: SavedEdits): SaveResult {
		if (!this.#storage) return 'refused';
		try {
			this.#storage.setItem(this.#key, JSON.stringify(edits));
			return 'saved';
		} catch (error) {
			return isQuotaError(error) ? 'full' : 'refused';
		}
	}

	remove(): void {
		try {
			this.#storage?.removeItem(this.#key);
		} catch {
			// Nothing to do: storage went away; the entry cannot be read back either.
		}
	}
}

function isQuotaError(error: unknown): boolean {
	return (
		error instanceof DOMException &&
		(error.name === 'QuotaExceededError' || error.name === 'NS_ERROR_DOM_QUOTA_REACHED' || error.code === 22 || error.code === 1014)
	);
}
