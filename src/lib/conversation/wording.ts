/** How the diagram and its table write numbers, counts, times and previews. */

/** Characters of a preview in the picture (the table has all of it). */
const PREVIEW_MAX = 24;

/** `12,345`: an integer with its thousands grouped. */
export function groupDigits(n: number): string {
	return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `1 byte`, `1,024 bytes`. */
export function countOf(n: number, one: string, many = `${one}s`): string {
	return `${groupDigits(n)} ${n === 1 ? one : many}`;
}

/** Milliseconds with one decimal: `1,234.5`. */
export function millisecondsText(t: number): string {
	return groupDigits(Math.floor(t)) + (t.toFixed(1).match(/\.\d$/)?.[0] ?? '');
}

/** A preview in quotes, cut to fit the picture; empty when there is none. */
export function shortPreview(preview: string | undefined): string {
	if (preview === undefined || preview === '') return '';
	const chars = [...preview];
	return `“${chars.length > PREVIEW_MAX ? `${chars.slice(0, PREVIEW_MAX - 1).join('')}…` : preview}”`;
}

/**
 * What follows item `index` of `count` in a list written out as `a, b and c` (then `end`), for
 * lists whose items are markup rather than text.
 */
export function listSeparator(index: number, count: number, end = ''): string {
	return index < count - 2 ? ', ' : index === count - 2 ? ' and ' : end;
}

/** `a`, `a and b`, `a, b and c`. */
export function listOf(items: readonly string[]): string {
	return items.length <= 2 ? items.join(' and ') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
