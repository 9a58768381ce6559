import type { SandboxRequest } from './project.ts';
import { focusIsLostOrInside, focusStatus } from './focus-status.ts';

/**
 * `<example-sandbox>`: the "Run in sandbox" and "Open on StackBlitz" buttons of an example.
 * Nothing is fetched from StackBlitz until the reader clicks: the StackBlitz SDK is a lazy
 * chunk of this site, and the project comes from this site's /sandbox/<name>.json. What a
 * running sandbox does (the student's saved edits, Reset, Download) is in session.ts, a lazy
 * chunk too: this script, loaded with every page that has an example, stays small.
 */
class ExampleSandbox extends HTMLElement {
	#request: Promise<SandboxRequest> | undefined;

	connectedCallback(): void {
		const controls = this.querySelector<HTMLElement>('[data-controls]');
		const run = this.querySelector<HTMLButtonElement>('button[data-run]');
		const open = this.querySelector<HTMLButtonElement>('button[data-open]');
		if (!controls || !run || !open) return;
		controls.hidden = false;
		run.addEventListener('click', () => void this.#embed(run));
		open.addEventListener('click', () => void this.#open(open));
	}

	#loadRequest(): Promise<SandboxRequest> {
		this.#request ??= fetch(this.dataset['request']!).then((response) => {
			if (!response.ok) throw new Error(`the example's project could not be loaded (HTTP ${response.status})`);
			return response.json() as Promise<SandboxRequest>;
		});
		this.#request.catch(() => (this.#request = undefined));
		return this.#request;
	}

	async #embed(button: HTMLButtonElement): Promise<void> {
		const frame = this.querySelector<HTMLElement>('[data-frame]')!;
		button.disabled = true;
		this.#status('Starting the sandbox on StackBlitz…');
		frame.hidden = false;
		try {
			const [{ startSandbox }, request] = await Promise.all([import('./session.ts'), this.#loadRequest()]);
			const { name = '', title = '' } = this.dataset;
			await startSandbox({ element: this, name, title, frame, status: (text, isProblem) => this.#status(text, isProblem) }, request);
			button.hidden = true;
			if (focusIsLostOrInside(this)) focusStatus(this);
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
			if (focusIsLostOrInside(this)) focusStatus(this);
		}
	}

	async #open(button: HTMLButtonElement): Promise<void> {
		button.disabled = true;
		try {
			const [{ default: sdk }, request] = await Promise.all([import('@stackblitz/sdk'), this.#loadRequest()]);
			sdk.openProject(request.project, request.open);
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
