/**
 * Stands in for Starlight's `starlight-toc` script (see ./light-toc-integration.ts): marks the
 * "On this page" link of the section being read. Starlight's version observes every block of
 * the page, found with `:has()` and sibling selectors; on a course page with thousands of
 * code lines that one query took half a second of main thread. This one only reads where the
 * page's headings are, once per animation frame while the reader scrolls.
 */
const PAGE_TITLE_ID = '_top';
/** How far below the top of the window a heading counts as reached: the nav bar plus 2rem. */
const READING_LINE_OFFSET_PX = 32;

export class StarlightTOC extends HTMLElement {
	_current: HTMLAnchorElement | null = this.querySelector('a[aria-current="true"]');

	set current(link: HTMLAnchorElement) {
		if (link === this._current) return;
		this._current?.removeAttribute('aria-current');
		link.setAttribute('aria-current', 'true');
		this._current = link;
	}

	constructor() {
		super();
		(window.requestIdleCallback ?? ((callback: () => void) => setTimeout(callback, 1)))(() => this.init());
	}

	init(): void {
		const sections = [...this.querySelectorAll<HTMLAnchorElement>('a[href^="#"]')]
			.map((link) => ({ link, heading: document.getElementById(decodeURIComponent(link.hash.slice(1))) }))
			.filter((section): section is { link: HTMLAnchorElement; heading: HTMLElement } => section.heading !== null);
		if (sections.length === 0) return;
		let scheduled = false;
		const update = () => {
			scheduled = false;
			const readingLine = this.readingLine();
			let reached = sections[0]!;
			for (const section of sections) {
				if (section.heading.id !== PAGE_TITLE_ID && section.heading.getBoundingClientRect().top > readingLine) break;
				reached = section;
			}
			this.current = reached.link;
		};
		const schedule = () => {
			if (scheduled) return;
			scheduled = true;
			requestAnimationFrame(update);
		};
		addEventListener('scroll', schedule, { passive: true });
		addEventListener('resize', schedule, { passive: true });
		update();
	}

	/** The line in the window (px from its top) a heading must pass to count as being read. */
	readingLine(): number {
		const header = document.querySelector('header')?.getBoundingClientRect().height ?? 0;
		const summary = this.querySelector('summary')?.getBoundingClientRect().height ?? 0;
		return header + summary + READING_LINE_OFFSET_PX;
	}
}

customElements.define('starlight-toc', StarlightTOC);
