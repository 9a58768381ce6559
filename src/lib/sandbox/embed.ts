import type { SandboxRequest } from './project.ts';
import { focusIsLostOrInside, focusStatus } from './focus-status.ts';
import type { RunningSandbox } from './session.ts';

/**
 * `<example-sandbox>`: the "Run in sandbox" and "Open on StackBlitz" buttons of an example.
 * Nothing is fetched from StackBlitz until the reader clicks: the StackBlitz SDK is a lazy
 * chunk of this site, and the project comes from this site's /sandbox/<name>.json. What a
 * running sandbox does (the student's saved edits, Reset, Download) is in session.ts, a lazy
 * chunk too: this script, loaded with every page that has an example, stays small.
 */
export class ExampleSandbox extends HTMLElement {
	#request: Promise<SandboxRequest> | undefined;
	#running: Promise<RunningSandbox | undefined> | undefined;

	connectedCallback(): void {
		const controls = this.querySelector<HTMLElement>('[data-controls]');
		const run = this.querySelector<HTMLButtonElement>('button[data-run]');
		const open = this.querySelector<HTMLButtonElement>('button[data-open]');
		if (!controls || !run || !open) return;
		controls.hidden = false;
		run.addEventListener('click', () => void this.#start(run));
		open.addEventListener('click', () => void this.#open(open));
		// A browser opens a new tab only within a few seconds of the click: what "Open on
		// StackBlitz" needs starts loading (from this site) as the pointer or focus reaches it.
		for (const event of ['pointerenter', 'focusin']) open.addEventListener(event, () => void this.#openParts().catch(() => {}), { once: true });
	}

	#openParts() {
		return Promise.all([import('@stackblitz/sdk'), import('./saved-edits.ts'), this.#loadRequest()]);
	}

	/**
	 * "Start in sandbox" of an exercise: brings the sandbox into view, starts it if it is not
	 * running, and shows `openFile` in its editor. Resolves false if the sandbox did not start.
	 */
	async startExercise(openFile: string): Promise<boolean> {
		this.scrollIntoView({ block: 'start' });
		const run = this.querySelector<HTMLButtonElement>('button[data-run]');
		if (!this.#running && run) return (await this.#start(run, openFile)) !== undefined;
		const running = await this.#running;
		if (!running) return false;
		try {
			await running.openFile(openFile);
		} catch {
			this.#status(`The sandbox did not open ${openFile}: open it from its file list.`, true);
		}
		focusStatus(this);
		return true;
	}

	#start(button: HTMLButtonElement, openFile?: string): Promise<RunningSandbox | undefined> {
		this.#running ??= this.#embed(button, openFile).then((running) => {
			if (!running) this.#running = undefined;
			return running;
		});
		return this.#running;
	}

	#loadRequest(): Promise<SandboxRequest> {
		this.#request ??= fetch(this.dataset['request']!).then((response) => {
			if (!response.ok) throw new Error(`the example's project could not be loaded (HTTP ${response.status})`);
			return response.json() as Promise<SandboxRequest>;
		});
		this.#request.catch(() => (this.#request = undefined));
		return this.#request;
	}

	async #embed(button: HTMLButtonElement, openFile?: string): Promise<RunningSandbox | undefined> {
		const frame = this.querySelector<HTMLElement>('[data-frame]')!;
		button.disabled = true;
		this.#status('Starting the sandbox on StackBlitz…');
		frame.hidden = false;
		try {
			const [{ startSandbox }, request] = await Promise.all([import('./session.ts'), this.#loadRequest()]);
			const { name = '', title = '' } = this.dataset;
			const embed = openFile ? { ...request.embed, openFile } : request.embed;
			const running = await startSandbox({ element: this, name, title, frame, status: (text, isProblem) => this.#status(text, isProblem) }, { ...request, embed });
			button.hidden = true;
			if (openFile || focusIsLostOrInside(this)) focusStatus(this);
			return running;
		} catch {
			frame.replaceChildren();
			frame.hidden = true;
			button.disabled = false;
			button.textContent = 'Try the sandbox again';
			this.#status(
				'The sandbox did not start. StackBlitz may be blocked on this network, you may be offline, or your browser may block third-party frames. The recorded output above is what this program prints, and you can run it on your machine as described below.',
				true
			);
			// The disabled button lost keyboard focus: it goes to the message, not to the top of the page.
			if (openFile || focusIsLostOrInside(this)) focusStatus(this);
			return undefined;
		}
	}

	async #open(button: HTMLButtonElement): Promise<void> {
		button.disabled = true;
		try {
			const [{ default: sdk }, { studentVersion }, request] = await this.#openParts();
			if (navigator.userActivation && !navigator.userActivation.isActive) {
				// Loading took longer than the browser lets a click open a tab; now it is loaded.
				this.#status('Your browser did not let this page open a new tab so long after the click: click "Open on StackBlitz" again.', true);
				return;
			}
			// The student's version as last kept in this browser, so their edits go with them.
			sdk.openProject({ ...request.project, files: studentVersion(this.dataset['name'] ?? '', request.project.files) }, request.open);
		} catch (error) {
			this.#status(`StackBlitz could not be opened: ${(error as Error).message}.`, true);
		} finally {
			button.disabled = false;
		}
	}

	#status(text: string, isProblem = false): void {
		const status = this.querySelector<HTMLElement>('[data-status]')!;
		status.textContent = text;
		status.classList.toggle('problem', isProblem);
	}
}

customElements.define('example-sandbox', ExampleSandbox);
