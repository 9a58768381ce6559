/**
 * Moves keyboard focus to an `<example-sandbox>`'s status line, where the result of what the
 * reader started is said: used when the focused button has hidden or disabled itself, so that
 * focus does not fall back to the top of the page.
 */
export function focusStatus(element: HTMLElement): void {
	const status = element.querySelector<HTMLElement>('[data-status]');
	if (!status) return;
	status.tabIndex = -1;
	status.focus();
}

/** Whether focus was lost (to the page's body) or is still inside `element`: then moving it is no surprise. */
export function focusIsLostOrInside(element: HTMLElement): boolean {
	const active = document.activeElement;
	return active === null || active === document.body || element.contains(active);
}
