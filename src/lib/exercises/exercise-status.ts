import type { ExampleSandbox } from '../sandbox/embed.ts';
import { exerciseKey, loadProgress, RESULTS_EVENT, type ProgressState, type ResultsEventDetail } from './progress.ts';

/**
 * `<exercise-status data-example data-exercise>`: under an exercise (on its example's page) or
 * in its row of `/exercises/` (`data-compact`: shorter words), whether this browser has seen it
 * solved (`data-sandbox="false"`: the example cannot run in the sandbox, so it never will), and on the example's
 * page the "Start in sandbox" button (`button[data-start]`, `data-open-file`): it asks the page's
 * `<example-sandbox>` (src/lib/sandbox/embed.ts) to start with that file open. The sandbox's
 * `npm test` results arrive as RESULTS_EVENT (src/lib/sandbox/session.ts). On the example's page
 * it also reveals the hints one at a time: each shows once the one before it has been opened
 * (without JavaScript, all are there, each closed). Small, as it loads with the page: the
 * sandbox's code loads only on a click.
 */
const dateFormat: Intl.DateTimeFormatOptions = { dateStyle: 'medium' };

/** Read once for all exercises of the page: reading garbage removes it, and every one must say so. */
let onLoad: ProgressState | undefined;

class ExerciseStatus extends HTMLElement {
	connectedCallback(): void {
		const { example = '', exercise = '' } = this.dataset;
		this.#show((onLoad ??= loadProgress()));
		document.addEventListener(RESULTS_EVENT, (event) => {
			const detail = (event as CustomEvent<ResultsEventDetail>).detail;
			if (detail.example !== example) return;
			const result = detail.results.find(([name]) => name === exercise)?.[1];
			this.#show(loadProgress(), result, detail.kept);
		});
		this.#revealHintsInTurn();
		const start = this.querySelector<HTMLButtonElement>('button[data-start]');
		// Without the sandbox's script running (no element upgraded), there is nothing to start.
		const sandbox = document.querySelector<ExampleSandbox>(`example-sandbox[data-name="${example}"]`);
		if (start && sandbox && 'startExercise' in sandbox) {
			start.hidden = false;
			start.addEventListener('click', async () => {
				start.disabled = true;
				await sandbox.startExercise(start.dataset['openFile'] ?? '');
				start.disabled = false;
			});
		}
	}

	#revealHintsInTurn(): void {
		const hints = [...(this.closest('section.exercise')?.querySelectorAll<HTMLDetailsElement>('details.exercise-hint') ?? [])];
		hints.forEach((hint, index) => {
			const next = hints[index + 1];
			if (!next) return;
			next.hidden = !hint.open;
			hint.addEventListener('toggle', () => {
				if (hint.open) next.hidden = false;
			});
		});
	}

	#show({ state, progress }: ProgressState, latest?: 'passed' | 'not yet', kept = true): void {
		const text = this.querySelector<HTMLElement>('[data-progress]');
		if (!text) return;
		const { example = '', exercise = '' } = this.dataset;
		const solvedAt = progress.solved[exerciseKey(example, exercise)];
		const lines: string[] = [];
		if (latest === 'not yet') lines.push(`The sandbox's last check says not yet: run "node check.js ${exercise}" in its terminal to see what is missing.`);
		if (latest === 'passed' && !kept) lines.push('The sandbox\'s check passed, but this browser would not keep it: your progress cannot be saved here.');
		const compact = this.dataset['compact'] !== undefined;
		const date = solvedAt === undefined ? '' : new Date(solvedAt).toLocaleDateString(undefined, dateFormat);
		if (solvedAt !== undefined) lines.push(compact ? `Solved on ${date}` : `Solved in this browser on ${date}.`);
		else if (state === 'unavailable') lines.push('This browser does not let the site keep your progress (private browsing or blocked site data).');
		else if (state === 'corrupt') lines.push('Your saved progress could not be read and was removed.');
		else if (this.dataset['sandbox'] === 'false') lines.push(compact ? 'On your machine only' : 'This example runs on your machine only: its check there says when you have solved it.');
		else if (latest === undefined) lines.push(compact ? 'Not yet' : 'Not solved yet in this browser.');
		text.textContent = lines.join(' ');
		this.classList.toggle('solved', solvedAt !== undefined);
		this.classList.toggle('problem', state !== 'ok' || !kept);
	}
}

customElements.define('exercise-status', ExerciseStatus);
