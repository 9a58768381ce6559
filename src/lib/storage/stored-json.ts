/**
 * What keeping JSON in this browser's localStorage needs, wherever it is kept (saved edits,
 * exercise progress): storage that may refuse or throw, and stored text that may be anything.
 */

/** localStorage if this browser lets the site use it, tried on `key`; some browsers only throw on first use. */
export function usableStorage(key: string): Storage | undefined {
	try {
		const storage = window.localStorage;
		storage.getItem(key);
		return storage;
	} catch {
		return undefined;
	}
}

/** The value `text` holds as JSON; undefined if it is not JSON. */
export function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

/** A plain object, as JSON.parse makes them (not an array, nor anything with its own prototype). */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
