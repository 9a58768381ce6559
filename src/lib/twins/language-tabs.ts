import { DEFAULT_LANGUAGE, LANGUAGE_STORAGE_KEY, LANGUAGE_CHANGE_EVENT } from './language-choice.ts';

/**
 * `<language-tabs>`: turns an example's Python and Node.js sections, which are both shown
 * without JavaScript, into keyboard-accessible tabs (WAI-ARIA tabs pattern, automatic
 * activation). The choice is remembered across pages and applies to every example at once.
 */
class LanguageTabs extends HTMLElement {
	#tabs: HTMLButtonElement[] = [];
	#panels: HTMLElement[] = [];

	connectedCallback(): void {
		this.#panels = [...this.querySelectorAll<HTMLElement>(':scope > [data-twin]')];
		const tablist = document.createElement('div');
		tablist.setAttribute('role', 'tablist');
		tablist.setAttribute('aria-label', `Language of the ${this.dataset['title']} example`);
		tablist.className = 'language-tablist not-content';
		this.#tabs = this.#panels.map((panel) => {
			const tab = document.createElement('button');
			tab.type = 'button';
			tab.setAttribute('role', 'tab');
			tab.id = `${panel.id}-tab`;
			tab.setAttribute('aria-controls', panel.id);
			tab.textContent = panel.dataset['label'] ?? '';
			tab.addEventListener('click', () => this.#choose(panel.dataset['twin']!, true));
			tab.addEventListener('keydown', (event) => this.#onKey(event));
			panel.setAttribute('role', 'tabpanel');
			panel.setAttribute('aria-labelledby', tab.id);
			panel.tabIndex = 0;
			tablist.append(tab);
			return tab;
		});
		this.prepend(tablist);
		this.classList.add('is-tabbed');
		this.#show(storedLanguage());
		document.addEventListener(LANGUAGE_CHANGE_EVENT, (event) => this.#show((event as CustomEvent<string>).detail));
	}

	/** Shows `language` here and in every other example, and remembers it for other pages. */
	#choose(language: string, focus = false): void {
		try {
			localStorage.setItem(LANGUAGE_STORAGE_KEY, language);
		} catch {}
		document.documentElement.dataset['language'] = language;
		document.dispatchEvent(new CustomEvent(LANGUAGE_CHANGE_EVENT, { detail: language }));
		if (focus) this.#tabs.find((tab) => tab.getAttribute('aria-controls')?.endsWith(`-${language}`))?.focus();
	}

	#show(language: string): void {
		const known = this.#panels.some((panel) => panel.dataset['twin'] === language);
		const selected = known ? language : this.#panels[0]!.dataset['twin'];
		this.#panels.forEach((panel, i) => {
			const isSelected = panel.dataset['twin'] === selected;
			panel.hidden = !isSelected;
			this.#tabs[i]!.setAttribute('aria-selected', String(isSelected));
			this.#tabs[i]!.tabIndex = isSelected ? 0 : -1;
		});
	}

	#onKey(event: KeyboardEvent): void {
		const current = this.#tabs.indexOf(event.currentTarget as HTMLButtonElement);
		const last = this.#tabs.length - 1;
		const next = { ArrowRight: current + 1, ArrowLeft: current - 1, Home: 0, End: last }[event.key];
		if (next === undefined) return;
		event.preventDefault();
		const index = (next + this.#tabs.length) % this.#tabs.length;
		this.#choose(this.#panels[index]!.dataset['twin']!, true);
	}
}

function storedLanguage(): string {
	try {
		return localStorage.getItem(LANGUAGE_STORAGE_KEY) ?? DEFAULT_LANGUAGE;
	} catch {
		return DEFAULT_LANGUAGE;
	}
}

/** A link to a line inside the hidden language (e.g. from the socket functions table) shows that language first. */
function revealLinkTarget(): void {
	const id = decodeURIComponent(location.hash.slice(1));
	const target = id ? document.getElementById(id) : null;
	const panel = target?.closest<HTMLElement>('language-tabs > [data-twin]');
	if (!target || !panel?.hidden) return;
	document.dispatchEvent(new CustomEvent(LANGUAGE_CHANGE_EVENT, { detail: panel.dataset['twin'] }));
	target.scrollIntoView();
}

customElements.define('language-tabs', LanguageTabs);
window.addEventListener('hashchange', revealLinkTarget);
revealLinkTarget();
window.addEventListener('storage', (event) => {
	if (event.key === LANGUAGE_STORAGE_KEY && event.newValue) {
		document.dispatchEvent(new CustomEvent(LANGUAGE_CHANGE_EVENT, { detail: event.newValue }));
	}
});
