/**
 * A small SVG (XML) builder: elements are made with {@link element}, and every text and
 * attribute value goes through {@link escapeXml} (the `entities` package's escaping, after
 * leaving out what XML 1.0 cannot carry), so no caller escapes by hand. Numbers are written
 * with one decimal at most.
 */
import { escapeUTF8 } from 'entities';

/** Markup made by this module: a child of an element that is not escaped again. */
export class Markup {
	readonly xml: string;
	constructor(xml: string) {
		this.xml = xml;
	}
}

/** Text (escaped) or markup. */
export type Child = string | Markup;

/** Attribute values; `undefined` leaves the attribute out. Numbers go through {@link num}. */
export type Attributes = Record<string, string | number | undefined>;

/** Characters XML 1.0 does not allow (and lone surrogates) become `·`. */
function clean(text: string): string {
	return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '·');
}

/** Text or attribute value, escaped for XML (`&`, `<`, `>`, `"`, `'`). */
export function escapeXml(text: string): string {
	return escapeUTF8(clean(text));
}

/** A coordinate: rounded to 0.1, no `-0`. */
export function num(n: number): string {
	const r = Math.round(n * 10) / 10;
	return Object.is(r, -0) ? '0' : String(r);
}

/**
 * `<name attributes>children</name>`, or `<name attributes/>` without children. `lines`:
 * `'inside'` puts each child on a line of its own, between the tags on theirs; `'between'`
 * only starts each child after the first on a new line.
 */
export function element(name: string, attributes: Attributes, children: readonly Child[] = [], lines?: 'inside' | 'between'): Markup {
	const attrs = Object.entries(attributes)
		.filter((entry): entry is [string, string | number] => entry[1] !== undefined)
		.map(([key, value]) => ` ${key}="${escapeXml(typeof value === 'number' ? num(value) : value)}"`)
		.join('');
	const body = children.map((child) => (child instanceof Markup ? child.xml : escapeXml(child)));
	if (lines === 'inside') return new Markup([`<${name}${attrs}>`, ...body, `</${name}>`].join('\n'));
	if (children.length === 0) return new Markup(`<${name}${attrs}/>`);
	return new Markup(`<${name}${attrs}>${body.join(lines === 'between' ? '\n' : '')}</${name}>`);
}

/** A path's `d` from commands and numbers: `path('M', x, ' ', y, 'h18')`. */
export function pathData(...parts: (string | number)[]): string {
	return parts.map((part) => (typeof part === 'number' ? num(part) : part)).join('');
}
