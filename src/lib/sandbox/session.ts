import sdk, { type FsDiff, type VM } from '@stackblitz/sdk';
import type { SandboxRequest } from './project.ts';
import {
	EditsStore,
	applyEdits,
	editsBetween,
	filesIdentity,
	isEmpty,
	KEEP_INTERVAL_MS,
	studentFiles,
	type Edits,
	type Files,
	type SavedEdits,
} from './saved-edits.ts';
import { focusStatus } from './focus-status.ts';
import { RESULTS_EVENT, RESULTS_FILE, parseResults, recordResults, type ResultsEventDetail } from '../exercises/progress.ts';

/**
 * A running sandbox and the student's edits in it: loaded by embed.ts when "Run in sandbox" is
 * clicked, never before. Starts StackBlitz with the student's saved version of the example if
 * this browser has one, keeps their files while the sandbox is open (every few seconds, and
 * when the page is left or hidden), and gives them "Reset to the original" and "Download my
 * version". Whatever storage does (full, refused, unreadable), the sandbox keeps running.
 * When the student runs `npm test` there, the exercises' results file it writes is read on the
 * same rounds, its passes recorded in this browser and announced to the page (RESULTS_EVENT).
 */

/** How long the sandbox gets to answer before the reader is told it did not start. */
const START_TIMEOUT_MS = 20_000;
/** How long a call into the running sandbox (files snapshot, diff) may take. */
const VM_TIMEOUT_MS = 10_000;

export interface SandboxHost {
	/** The `<example-sandbox>` element: holds the status line, the frame and the edit buttons. */
	element: HTMLElement;
	/** The example's name (its folder), the key of its saved edits. */
	name: string;
	title: string;
	frame: HTMLElement;
	status(text: string, isProblem?: boolean): void;
}

const RUNNING = 'The sandbox is running npm start. Edit a file, then run "npm start" again in its terminal.';
const RUNNING_EDITED = 'The sandbox is running npm start.';
const CORRUPT = 'Your saved edits for this example could not be read and were removed; the original files are loaded.';
const UNAVAILABLE =
	'Your edits cannot be kept: this browser does not let this site store data (private browsing or blocked site data). Use "Download my version" to keep a copy before you leave the page.';
const NOT_KEPT = {
	full: 'Could not keep your edits: this browser\'s storage is full. The sandbox keeps running; use "Download my version" to keep a copy of your files.',
	refused:
		'Could not keep your edits: this browser refused to store them. The sandbox keeps running; use "Download my version" to keep a copy of your files.',
} as const;

/** What the page can ask of a running sandbox. */
export interface RunningSandbox {
	/** Shows `path` in the sandbox's editor. */
	openFile(path: string): Promise<void>;
}

/** Starts the sandbox (with the student's saved files, if any) and keeps their edits from then on. */
export async function startSandbox(host: SandboxHost, request: SandboxRequest): Promise<RunningSandbox> {
	const store = new EditsStore(host.name);
	const original = request.project.files;
	const identity = filesIdentity(original);
	const loaded = store.load();
	let restored: SavedEdits | undefined;
	if (loaded.state === 'saved') {
		if (isEmpty(editsBetween(original, applyEdits(original, loaded.edits)))) store.remove();
		else restored = loaded.edits;
	}
	const files = restored ? applyEdits(original, restored) : original;
	const vm = await embed(host, request, files);

	const session = new EditsSession(host, request, store, vm, { base: restored?.base ?? identity, identity, files });
	if (restored) {
		const changed = restored.base !== identity ? ' The example has changed since you saved your version; "Reset to the original" loads its new original files.' : '';
		host.status(`${RUNNING_EDITED} Your edited version from ${localTime(restored.savedAt)} is loaded. Edits are kept only in this browser.${changed}`);
	} else if (loaded.state === 'corrupt') {
		host.status(`${CORRUPT} ${RUNNING}`, true);
	} else if (!store.available) {
		host.status(`${RUNNING} ${UNAVAILABLE}`, true);
	} else {
		host.status(RUNNING);
	}
	session.start();
	return session;
}

class EditsSession implements RunningSandbox {
	readonly #host: SandboxHost;
	readonly #request: SandboxRequest;
	readonly #store: EditsStore;
	readonly #original: Files;
	readonly #identity: string;
	#vm: VM;
	/** Identity of the original files the student's version started from. */
	#base: string;
	/** The student's files as last seen. */
	#current: Files;
	/** The edits as last written to storage (canonical JSON), if any are stored. */
	#kept: string | undefined;
	#notKept = false;
	/** The exercises' results file as last read, to act only when `npm test` wrote it again. */
	#results: string | undefined;
	/** Storage writes and resets, one after the other. */
	#queue: Promise<void> = Promise.resolve();
	#keepQueued = false;
	readonly #stop = new AbortController();
	readonly #actions: HTMLElement | null;
	readonly #reset: HTMLButtonElement | null;
	readonly #download: HTMLButtonElement | null;

	constructor(host: SandboxHost, request: SandboxRequest, store: EditsStore, vm: VM, state: { base: string; identity: string; files: Files }) {
		this.#host = host;
		this.#request = request;
		this.#store = store;
		this.#vm = vm;
		this.#original = request.project.files;
		this.#identity = state.identity;
		this.#base = state.base;
		this.#current = state.files;
		const edits = editsBetween(this.#original, state.files);
		this.#kept = isEmpty(edits) ? undefined : canonical(edits);
		this.#actions = host.element.querySelector<HTMLElement>('[data-edits]');
		this.#reset = host.element.querySelector<HTMLButtonElement>('button[data-reset]');
		this.#download = host.element.querySelector<HTMLButtonElement>('button[data-download]');
		this.#showActions(!isEmpty(edits));
	}

	start(): void {
		const signal = this.#stop.signal;
		const timer = window.setInterval(() => this.#keepSoon(), KEEP_INTERVAL_MS);
		signal.addEventListener('abort', () => window.clearInterval(timer));
		window.addEventListener('pagehide', () => this.#keepSoon(), { signal });
		document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && this.#keepSoon(), { signal });
		this.#reset?.addEventListener('click', () => this.#enqueue(() => this.#resetToOriginal()), { signal });
		this.#download?.addEventListener('click', () => void this.#downloadVersion(), { signal });
	}

	#enqueue(task: () => Promise<void>): Promise<void> {
		this.#queue = this.#queue.then(task, task);
		return this.#queue;
	}

	/** Keeps the student's current files, unless a keep is already waiting its turn. */
	#keepSoon(): void {
		if (this.#keepQueued || this.#stop.signal.aborted) return;
		this.#keepQueued = true;
		void this.#enqueue(async () => {
			this.#keepQueued = false;
			try {
				this.#keep(await this.#snapshot());
			} catch {
				// The sandbox did not answer (busy, reloading, or gone): the next round tries again.
			}
		});
	}

	async #snapshot(): Promise<Files> {
		const snapshot: unknown = await withTimeout(this.#vm.getFsSnapshot(), VM_TIMEOUT_MS);
		const files: Files = {};
		if (typeof snapshot === 'object' && snapshot !== null) {
			for (const [path, content] of Object.entries(snapshot)) if (typeof content === 'string') files[path] = content;
		}
		this.#readResults(files[RESULTS_FILE]);
		this.#current = studentFiles(this.#original, files);
		return this.#current;
	}

	async openFile(path: string): Promise<void> {
		await withTimeout(this.#vm.editor.openFile(path), VM_TIMEOUT_MS);
	}

	#readResults(text: string | undefined): void {
		if (text === undefined || text === this.#results) return;
		this.#results = text;
		const results = parseResults(text);
		if (!results) {
			this.#host.status(`The results of "npm test" (${RESULTS_FILE}) could not be read: run "npm test" again in the sandbox's terminal.`, true);
			return;
		}
		const kept = recordResults(this.#host.name, results);
		const detail: ResultsEventDetail = { example: this.#host.name, results: [...results], kept };
		document.dispatchEvent(new CustomEvent(RESULTS_EVENT, { detail }));
	}

	#keep(current: Files): void {
		if (this.#stop.signal.aborted) return;
		const edits = editsBetween(this.#original, current);
		this.#showActions(!isEmpty(edits));
		if (isEmpty(edits)) {
			// Back to the original files: nothing to keep, and later edits start from these.
			if (this.#kept !== undefined) this.#store.remove();
			this.#kept = undefined;
			this.#base = this.#identity;
			return;
		}
		const json = canonical(edits);
		if (json === this.#kept || !this.#store.available) return;
		const result = this.#store.save({ savedAt: Date.now(), base: this.#base, ...edits });
		if (result === 'saved') {
			this.#kept = json;
			if (this.#notKept) this.#host.status('Your edits are kept in this browser again.');
			this.#notKept = false;
		} else if (!this.#notKept) {
			this.#notKept = true;
			this.#host.status(NOT_KEPT[result], true);
		}
	}

	async #resetToOriginal(): Promise<void> {
		const hadFocus = this.#actions?.contains(document.activeElement) ?? false;
		this.#setBusy(true);
		this.#store.remove();
		this.#kept = undefined;
		this.#base = this.#identity;
		try {
			try {
				const current = await this.#snapshot();
				const diff: FsDiff = {
					create: Object.fromEntries(Object.entries(this.#original).filter(([path, content]) => current[path] !== content)),
					destroy: Object.keys(current).filter((path) => !Object.hasOwn(this.#original, path)),
				};
				await withTimeout(this.#vm.applyFsDiff(diff), VM_TIMEOUT_MS);
			} catch {
				// The sandbox would not take the files: start it again from the original ones.
				this.#host.status('Reloading the sandbox with the original files…');
				this.#vm = await embed(this.#host, this.#request, this.#original);
			}
			this.#current = { ...this.#original };
			this.#showActions(false);
			this.#host.status('The original files are back in the sandbox and your saved copy is removed. Run "npm start" again in its terminal to run them.');
		} catch {
			this.#stop.abort();
			this.#showActions(false);
			this.#host.status(
				'The original files could not be loaded into the sandbox. Your saved copy is removed: reload the page and run the sandbox again to start from the original files.',
				true
			);
		} finally {
			this.#setBusy(false);
		}
		if (hadFocus) focusStatus(this.#host.element);
	}

	async #downloadVersion(): Promise<void> {
		const button = this.#download;
		if (button) button.disabled = true;
		try {
			const [{ downloadZip }, files] = await Promise.all([import('./download.ts'), this.#snapshot().catch(() => this.#current)]);
			downloadZip(this.#host.name, files);
		} catch (error) {
			this.#host.status(`Your version could not be downloaded: ${(error as Error).message}.`, true);
		} finally {
			if (button) button.disabled = false;
		}
	}

	#showActions(shown: boolean): void {
		if (this.#actions && this.#actions.hidden === shown) this.#actions.hidden = !shown;
	}

	#setBusy(busy: boolean): void {
		for (const button of [this.#reset, this.#download]) if (button) button.disabled = busy;
	}
}

/**
 * Puts StackBlitz in the frame with these files and waits for its VM. Until the sandbox answers
 * the SDK's handshake, the frame shows what is happening (and for how long) instead of the
 * iframe, which stays invisible: unreachable, it would be the browser's broken-frame page.
 */
async function embed(host: SandboxHost, request: SandboxRequest, files: Files): Promise<VM> {
	const { frame } = host;
	frame.hidden = false;
	const loading = loadingPanel();
	const pending = document.createElement('div');
	pending.className = 'sandbox-pending';
	pending.append(document.createElement('div'));
	frame.replaceChildren(loading.element, pending);
	host.status('');
	const theme = document.documentElement.dataset['theme'] === 'light' ? 'light' : 'dark';
	const connected = sdk.embedProject(pending.firstElementChild as HTMLElement, { ...request.project, files }, { ...request.embed, theme });
	frame.querySelector('iframe')?.setAttribute('title', `Sandbox running the ${host.title} example`);
	try {
		const vm = await withTimeout(connected, START_TIMEOUT_MS);
		pending.classList.remove('sandbox-pending');
		return vm;
	} finally {
		loading.stop();
	}
}

/**
 * "Connecting to StackBlitz…" (announced once, politely) with the seconds waited so far (not
 * announced: a live region that changed every second would talk over everything else).
 */
function loadingPanel(): { element: HTMLElement; stop(): void } {
	const element = document.createElement('div');
	element.className = 'sandbox-loading';
	const message = document.createElement('p');
	message.setAttribute('role', 'status');
	const elapsed = document.createElement('p');
	elapsed.className = 'sandbox-elapsed';
	const progress = document.createElement('progress');
	progress.max = START_TIMEOUT_MS / 1000;
	progress.value = 0;
	progress.setAttribute('aria-label', 'Seconds waited for StackBlitz');
	element.append(message, progress, elapsed);
	const started = Date.now();
	const tick = () => {
		const seconds = Math.floor((Date.now() - started) / 1000);
		progress.value = seconds;
		elapsed.textContent = `Waited ${seconds} s (at most ${START_TIMEOUT_MS / 1000} s).`;
	};
	tick();
	const timer = window.setInterval(tick, 1000);
	// Set after the region is in the page, so that screen readers announce it.
	window.setTimeout(() => (message.textContent = 'Connecting to StackBlitz…'), 50);
	return {
		element,
		stop: () => {
			window.clearInterval(timer);
			element.remove();
		},
	};
}

/** The edits as a string that is the same for the same edits, whatever the order of files. */
function canonical(edits: Edits): string {
	return JSON.stringify([Object.entries(edits.create).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)), [...edits.destroy].sort()]);
}

function localTime(ms: number): string {
	return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
		promise.then(
			(value) => {
				clearTimeout(timer);
				resolve(value);
			},
			(error: unknown) => {
				clearTimeout(timer);
				reject(error);
			}
		);
	});
}
