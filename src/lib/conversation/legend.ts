/**
 * The sequence diagram's legend: what each kind of arrow, mark and character in it means. The
 * drawing (sequence-diagram.ts) notes each kind as it draws one; the legend has an entry for
 * each kind noted, in a fixed order, and nothing else. Each entry is a small sample drawn with
 * the diagram's own shapes and classes (shapes.ts: the same colours in both themes and in print)
 * beside words that say what it looks like and what it means, so that colour is never the only
 * cue. Pure and deterministic.
 */
import { arrowHead, acceptMark, bolt, closeMark, cross, endOfStreamMark, listenMark, pauseMark, readMark } from './shapes.ts';
import { element, type Child, type Markup } from './svg.ts';

/** The kinds, in the legend's order: arrows, then marks on a lifeline, then characters in the previews. */
export const notations = [
	'connect',
	'data',
	'datagram',
	'fin',
	'joined',
	'forked',
	'upward',
	'unread',
	'outside',
	'refused',
	'reset',
	'lost',
	'listen',
	'accept',
	'read',
	'eof',
	'close',
	'error',
	'pause',
	'newline',
	'nonprintable',
] as const;
export type Notation = (typeof notations)[number];

export interface LegendEntry {
	notation: Notation;
	/** A small SVG of the notation (decorative: the words say it all). */
	sample: string;
	/** What it looks like and what it means. */
	text: string;
}

/** The characters of a preview the legend explains (previews are event-log.ts's: `⏎` a newline, `·` any other byte that is not printable ASCII). */
export function previewNotation(preview: string | undefined): Notation[] {
	return [...(preview?.includes('⏎') ? ['newline' as const] : []), ...(preview?.includes('·') ? ['nonprintable' as const] : [])];
}

const W = 64;
const H = 28;
const MID = H / 2;

/** An arrow of the sample, with its head unless `head` is empty. */
function line(x1: number, y1: number, x2: number, y2: number, cls: string, head = 'head'): Markup[] {
	return [element('line', { class: `arrow-line ${cls}`, x1, y1, x2, y2 }), ...(head !== '' ? [arrowHead(x1, y1, x2, y2, head)] : [])];
}
const dot = (x: number, y: number, cls = 'dot') => element('circle', { class: cls, cx: x, cy: y, r: 3 });
const lifeline = (x: number) => element('line', { class: 'lifeline', x1: x, y1: 0, x2: x, y2: H });
/** A message of the event type `type`: a dot and an arrow across the sample. */
const message = (type: string, cls: string, dashed = '') => [element('g', { class: `event-${type}` }, [dot(4, MID), ...line(4, MID, W - 4, MID, `${cls}${dashed}`)])];
const onLifeline = (shape: (x: number, y: number) => Markup) => [lifeline(W / 2), shape(W / 2, MID)];
const character = (c: string) => [element('text', { class: 'label', x: W / 2, y: MID + 5, 'text-anchor': 'middle' }, [element('tspan', { class: 'preview' }, [c])])];

const entries: { [N in Notation]: { sample: () => Child[]; text: string } } = {
	connect: { sample: () => message('connect', 'arrow-connect'), text: 'Thick grey arrow: connect. The client opens a TCP connection (the handshake).' },
	data: { sample: () => message('send', 'arrow-data'), text: 'Arrow with a byte count (B = bytes): a send. One write handed these bytes to the network; its first characters are in quotes.' },
	datagram: { sample: () => message('datagram-sent', 'arrow-datagram'), text: 'Dotted arrow with a byte count: a UDP datagram.' },
	fin: { sample: () => message('half-close', 'arrow-fin'), text: 'Dashed grey arrow: half-close (FIN). The sender will send nothing more; the other side reads “end of stream”.' },
	joined: {
		sample: () => [lifeline(W - 4), ...line(4, 4, W - 4, 20, 'arrow-data'), ...line(4, 14, W - 4, 20, 'arrow-data'), readMark(W - 4, 20)],
		text: 'Arrows that meet in one read: separate sends that arrived together. TCP carries a stream of bytes, not messages.',
	},
	forked: {
		sample: () => [lifeline(W - 4), ...line(4, 4, W - 4, 12, 'arrow-data'), ...line(4, 4, W - 4, 22, 'arrow-data'), readMark(W - 4, 12), readMark(W - 4, 22)],
		text: 'One arrow that forks: one send read in parts.',
	},
	upward: {
		sample: () => [lifeline(W - 6), element('g', { class: 'event-connect' }, [dot(4, 22), ...line(4, 22, W - 6, 6, 'arrow-connect')]), acceptMark(W - 6, 6)],
		text: 'An arrow going up: the other program noted its end first. Both ends of a TCP handshake finish at about the same moment, and each program notes it when it next runs.',
	},
	unread: { sample: () => message('send', 'arrow-data', ' arrow-unread'), text: 'Finely dotted arrow to a program: no read of these bytes was recorded.' },
	outside: { sample: () => message('send', 'arrow-data', ' arrow-outside'), text: 'Finely dotted arrow to an address: sent to a program that is not in the recording.' },
	refused: {
		sample: () => [dot(4, MID, 'dot failed'), ...line(4, MID, W - 12, MID, 'arrow-refused', ''), cross(W - 12, MID)],
		text: 'Red arrow ending in ✕, with an error code: the connect failed (for example ECONNREFUSED: nothing listens on that port).',
	},
	reset: {
		sample: () => [...line(4, MID, W - 22, MID, 'arrow-reset', 'head head-reset'), bolt(W - 22, MID, 1)],
		text: 'Red dashed arrow with a lightning bolt, labelled RST: a reset. The connection was aborted; the program gets the error code beside the bolt.',
	},
	lost: {
		sample: () => [element('g', { class: 'event-datagram-sent' }, [dot(4, 10), ...line(4, 10, W - 12, 18, 'arrow-datagram arrow-lost', ''), cross(W - 12, 18)])],
		text: 'Dotted arrow ending in ✕, labelled “lost”: a datagram that no program received.',
	},
	listen: { sample: () => onLifeline(listenMark), text: 'Square: listen (TCP) or bind (UDP). The program waits on this address.' },
	accept: { sample: () => onLifeline(acceptMark), text: 'Circle: accept. The server gets a new socket for one client.' },
	read: { sample: () => onLifeline(readMark), text: 'Filled bar: a read. The bytes one receive call returned.' },
	eof: { sample: () => onLifeline(endOfStreamMark), text: 'Grey bar: end of stream. The other side half-closed; a read returns no more bytes.' },
	close: { sample: () => onLifeline(closeMark), text: 'Short thick line across a lifeline: the program closes the socket.' },
	error: { sample: () => onLifeline(cross), text: '✕ on a lifeline, in red words: an error.' },
	pause: {
		sample: () => [lifeline(W / 2), element('path', { class: 'pause-mark', d: pauseMark(W / 2, MID) })],
		text: 'Two slanted strokes across the lifelines: a pause, drawn shorter than it was. Its length is in the time column (+ms).',
	},
	newline: { sample: () => character('⏎'), text: '⏎ in the first bytes: a newline (byte 10).' },
	nonprintable: { sample: () => character('·'), text: '· in the first bytes: one byte that is not a printable ASCII character. A letter such as ü is two bytes in UTF-8, so it shows as ··.' },
};

/** The legend of a diagram that has drawn `drawn`: an entry for each, in the legend's order. */
export function legendOf(drawn: ReadonlySet<Notation>): LegendEntry[] {
	return notations
		.filter((n) => drawn.has(n))
		.map((notation) => ({
			notation,
			sample: element('svg', { xmlns: 'http://www.w3.org/2000/svg', class: 'legend-sample', viewBox: `0 0 ${W} ${H}`, width: W, height: H, 'aria-hidden': 'true', focusable: 'false' }, entries[notation].sample()).xml,
			text: entries[notation].text,
		}));
}
