import { createHash } from 'node:crypto';
import { Parser } from 'htmlparser2';

/** The inline code of one page that a Content-Security-Policy has to allow by hash. */
export interface InlineSources {
	/** Text of each `<script>` without `src` (JSON data blocks excluded: they never run). */
	scripts: string[];
	/** Text of each `<style>` element. */
	styles: string[];
	/** Value of each `style="..."` attribute, as the browser sees it (entities decoded). */
	styleAttributes: string[];
}

const DATA_SCRIPT_TYPES = new Set(['application/json', 'application/ld+json', 'importmap']);

/** Reads a built page and lists its inline scripts, style elements and style attributes. */
export function findInlineSources(html: string): InlineSources {
	const found: InlineSources = { scripts: [], styles: [], styleAttributes: [] };
	let collecting: { into: string[]; text: string } | undefined;
	const parser = new Parser(
		{
			onopentag(name, attributes) {
				if (attributes['style'] !== undefined) found.styleAttributes.push(attributes['style']);
				if (name === 'script' && attributes['src'] === undefined && !DATA_SCRIPT_TYPES.has(attributes['type'] ?? '')) {
					collecting = { into: found.scripts, text: '' };
				} else if (name === 'style') {
					collecting = { into: found.styles, text: '' };
				}
			},
			ontext(text) {
				if (collecting) collecting.text += text;
			},
			onclosetag(name) {
				if (collecting && (name === 'script' || name === 'style')) {
					collecting.into.push(collecting.text);
					collecting = undefined;
				}
			},
		},
		{ decodeEntities: true }
	);
	parser.end(html);
	return found;
}

/** The CSP source expression that allows exactly this text: `'sha256-…'`. */
export function cspHash(text: string): string {
	return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}
