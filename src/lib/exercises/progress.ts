/**
 * Which exercises this browser has seen pass, kept in localStorage under one key, so that the
 * example pages and `/exercises/` show it after a reload. A pass is recorded when the sandbox's
 * `npm test` wrote it into {@link RESULTS_FILE} (read by src/lib/sandbox/session.ts). No DOM
 * here but `Storage`; every access is guarded, as storage may throw or hold anything.
 *
 * The results file, written by each example's check.js in the folder it checks:
 * `{ "format": 1, "results": { "<exercise>": { "result": "passed" | "not yet", "checkedAt": "<ISO time>" } } }`.
 */

import { isRecord, parseJson, usableStorage } from '../storage/stored-json.ts';

/** Written by check.js next to package.json; a dotfile, so the site's loader never reads it. */
export const RESULTS_FILE = '.check-results.json';

export const PROGRESS_KEY = 'netcourse:exercises:v1';

/** `<example>/<exercise>`: how an exercise is named in storage and in the page (data-exercise). */
export const exerciseKey = (example: string, exercise: string) => `${example}/${exercise}`;

export interface Progress {
	/** Exercise key → when this browser first saw it pass (ms since the epoch). */
	solved: Record<string, number>;
}

export type CheckResult = 'passed' | 'not yet';

export type ProgressState =
	| { state: 'ok'; progress: Progress }
	/** The browser does not let the site store data (privacy settings, blocked site data). */
	| { state: 'unavailable'; progress: Progress }
	/** What was stored could not be read; it has been removed. */
	| { state: 'corrupt'; progress: Progress };

const KEY = /^[a-z0-9]+(?:-[a-z0-9]+)*\/[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The stored progress, checked entry by entry; undefined for anything but that shape. */
export function parseProgress(text: string): Progress | undefined {
	const value = parseJson(text);
	if (!isRecord(value) || !isRecord(value['solved'])) return undefined;
	const solved: Record<string, number> = {};
	for (const [key, at] of Object.entries(value['solved'])) {
		if (!KEY.test(key) || typeof at !== 'number' || !Number.isFinite(at) || at <= 0) return undefined;
		solved[key] = at;
	}
	return { solved };
}

/** The results file's exercises and their results; undefined if it is not that shape. */
export function parseResults(text: string): Map<string, CheckResult> | undefined {
	const value = parseJson(text);
	if (!isRecord(value) || value['format'] !== 1 || !isRecord(value['results'])) return undefined;
	const results = new Map<string, CheckResult>();
	for (const [name, entry] of Object.entries(value['results'])) {
		const result = isRecord(entry) ? entry['result'] : undefined;
		if (result !== 'passed' && result !== 'not yet') return undefined;
		results.set(name, result);
	}
	return results;
}


export function loadProgress(): ProgressState {
	const store = usableStorage(PROGRESS_KEY);
	if (!store) return { state: 'unavailable', progress: { solved: {} } };
	const text = store.getItem(PROGRESS_KEY);
	if (text === null) return { state: 'ok', progress: { solved: {} } };
	const progress = parseProgress(text);
	if (progress) return { state: 'ok', progress };
	try {
		store.removeItem(PROGRESS_KEY);
	} catch {
		// Gone already: it cannot be read back either.
	}
	return { state: 'corrupt', progress: { solved: {} } };
}

/**
 * Records the passes among `results` (exercise name → result) of `example`; an exercise once
 * solved stays solved. Returns false if the browser would not store it.
 */
export function recordResults(example: string, results: Map<string, CheckResult>, now = Date.now()): boolean {
	const { progress } = loadProgress();
	let changed = false;
	for (const [exercise, result] of results) {
		const key = exerciseKey(example, exercise);
		if (result === 'passed' && KEY.test(key) && progress.solved[key] === undefined) {
			progress.solved[key] = now;
			changed = true;
		}
	}
	if (!changed) return true;
	try {
		const store = usableStorage(PROGRESS_KEY);
		if (!store) return false;
		store.setItem(PROGRESS_KEY, JSON.stringify(progress));
		return true;
	} catch {
		return false;
	}
}

/** The event session.ts sends on `document` when the sandbox's results file changed. */
export const RESULTS_EVENT = 'netcourse:exercise-results';

export interface ResultsEventDetail {
	example: string;
	results: [exercise: string, result: CheckResult][];
	/** False if the passes could not be kept in this browser. */
	kept: boolean;
}
