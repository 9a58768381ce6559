/**
 * A socket event log (event-log.ts) drawn as an SVG sequence diagram at build time: one
 * lifeline per program, time going down, every event of the log one `<g class="event
 * event-<type>" data-event="<index>">`. Messages (connect, send, datagram, half-close, reset)
 * are arrows from one lifeline to another; what a program sees on its own (listen, accept, a
 * read, close, an error) is a mark on its lifeline.
 *
 * TCP is a byte stream: a `send` is joined to the `receive`(s) of the same direction of the same
 * connection by byte offsets (conversation.ts), so two writes read at once are two arrows that
 * meet in one read, and one write read in parts is one arrow that forks.
 *
 * Every event has its own row, in the log's order, at its own time: the same order and times as
 * its table. The layout is tried with rows further apart (and room beside the outer lanes) until
 * every text has a place no arrow crosses.
 *
 * This module draws; the words are event-descriptions.ts, the numbers diagram-layout.ts, the
 * markup (and all escaping) svg.ts. The SVG carries classes only (no `style` attribute, no
 * `<style>`, nothing the page's Content-Security-Policy has to allow): SequenceDiagram.astro
 * colours it for both themes. Pure and deterministic: the same log gives the same bytes.
 */
import { Conversation } from './conversation.ts';
import {
	BOTTOM,
	FIRST_ROW,
	GAP_MS,
	HEAD_H,
	HEAD_TOP,
	ROW,
	TIME_COL,
	arrowLabelPlaces,
	besidePlaces,
	laneHeadWidth,
	lanesOf,
	placeTexts,
	rowsOf,
	sideOf,
	underPlaces,
	type Box,
	type PendingText,
	type Place,
	type Segment,
	type Lanes,
	type Side,
} from './diagram-layout.ts';
import { labelOf, rowOf, summaryOf, type DiagramRow, type Label } from './event-descriptions.ts';
import type { EventLog, EventType, SocketEvent } from './event-log.ts';
import { legendOf, previewNotation, type LegendEntry, type Notation } from './legend.ts';
import { acceptMark, arrowHead, bolt, closeMark, cross, endOfStreamMark, listenMark, pauseMark, readMark } from './shapes.ts';
import { element, Markup, num, pathData, type Child } from './svg.ts';
import { countOf, millisecondsText } from './wording.ts';

export type { DiagramRow, Failure } from './event-descriptions.ts';
export type { LegendEntry } from './legend.ts';
export { escapeXml } from './svg.ts';

export interface DiagramOptions {
	/** Prefix of the ids inside the SVG (its `<title>` and `<desc>`); unique on the page. */
	idPrefix: string;
	/** What the diagram shows, in a few words: the SVG's `<title>`. */
	title: string;
}

export interface SequenceDiagram {
	svg: string;
	rows: DiagramRow[];
	/** What each kind of arrow and mark in this diagram means. */
	legend: LegendEntry[];
}

/** What drawing one event needs, and where its parts go. */
interface Drawing {
	c: Conversation;
	e: SocketEvent;
	i: number;
	/** Its lifeline's x and its row's y. */
	x: number;
	y: number;
	label: Label;
	side: Side;
	xOf(process: string): number;
	yOf(event: number): number;
	openEnd(from: string, toward: string | undefined, fraction: number): number;
	/** The shapes and texts of this event, in order; texts are placed once all events are drawn. */
	parts: (Markup | PendingText)[];
	/** Every arrow of the diagram: no text may be crossed by one. */
	segments: Segment[];
	/** The room every mark on a lifeline takes: no text may cover one. */
	marks: Box[];
	/** The kinds of arrow and mark drawn so far: what the legend explains. */
	notation: Set<Notation>;
}

function text({ x, baseline, anchor }: Place, label: Label): Markup {
	const children: Child[] = label.preview !== undefined ? [`${label.text} `, element('tspan', { class: 'preview' }, [label.preview])] : [label.text];
	return element('text', { class: label.cls !== undefined ? `label ${label.cls}` : 'label', x, y: baseline, 'text-anchor': anchor }, children);
}

/** A text to be placed at the first of `places` that is clear. */
function textAt(d: Drawing, places: Place[], label: Label): void {
	d.parts.push({ label, places });
}

/** A mark's room, `r` around (x, y). */
function markAt(d: Drawing, x: number, y: number, r: number): void {
	d.marks.push({ left: x - r, top: y - r, right: x + r, bottom: y + r });
}

/** An arrow from (x1, y1) to (x2, y2); `head` empty for none. A program talking to itself: a loop out to the side and back. */
function arrow(d: Drawing, from: string | undefined, to: string | undefined, [x1, y1, x2, y2]: [number, number, number, number], cls: string, head = 'head'): void {
	const ends = { class: `arrow-line ${cls}`, 'data-from': from, 'data-to': to };
	if (from !== undefined && to !== undefined && Math.abs(x2 - x1) < 0.5) {
		const yEnd = y2 === y1 ? y1 + 10 : y2;
		d.parts.push(element('path', { ...ends, d: pathData('M', x1, ' ', y1, 'h36V', yEnd, 'h-36') }), arrowHead(x1 + 36, yEnd, x2, yEnd, head));
		d.segments.push({ x1, y1, x2: x1 + 36, y2: y1 }, { x1: x1 + 36, y1, x2: x1 + 36, y2: yEnd }, { x1: x1 + 36, y1: yEnd, x2, y2: yEnd });
		return;
	}
	d.parts.push(element('line', { ...ends, x1, y1, x2, y2 }));
	if (head !== '') d.parts.push(arrowHead(x1, y1, x2, y2, head));
	d.segments.push({ x1, y1, x2, y2 });
	if (y2 < y1 - 0.5) d.notation.add('upward');
}

function arrowLabel(d: Drawing, [x1, y1, x2, y2]: [number, number, number, number], label: Label): void {
	textAt(d, arrowLabelPlaces(x1, y1, x2, y2), label);
}

const messageClass: Partial<Record<EventType, string>> = { connect: 'arrow-connect', send: 'arrow-data', 'half-close': 'arrow-fin', 'datagram-sent': 'arrow-datagram' };
const messageNotation: Partial<Record<EventType, Notation>> = { connect: 'connect', send: 'data', 'half-close': 'fin', 'datagram-sent': 'datagram' };

/** A connect, send, half-close or datagram: to the events that received it, else towards where it went. */
function drawMessage(d: Drawing): void {
	const { c, e, i, x, y } = d;
	const target = c.targets.get(i);
	const ends = target?.events ?? [];
	const cls = messageClass[e.type]!;
	d.parts.push(element('circle', { class: 'dot', cx: x, cy: y, r: 3 }));
	markAt(d, x, y, 3);
	if (e.type === 'datagram-sent' && e.lost === true) {
		const x2 = d.openEnd(e.process, target?.process, 0.5);
		arrow(d, e.process, undefined, [x, y, x2, y + 8], `${cls} arrow-lost`, '');
		const dir: Side = x2 >= x ? 1 : -1;
		d.parts.push(cross(x2, y + 8));
		markAt(d, x2, y + 8, 5);
		arrowLabel(d, [x, y, x2, y + 8], d.label);
		textAt(d, besidePlaces(x2, y + 8, dir, 9), { text: 'lost', cls: 'failed' });
		d.notation.add('lost');
	} else if (ends.length > 0) {
		d.notation.add(messageNotation[e.type]!);
		if (ends.length > 1) d.notation.add('forked');
		for (const j of ends) arrow(d, e.process, c.events[j]!.process, [x, y, d.xOf(c.events[j]!.process), d.yOf(j)], cls);
		arrowLabel(d, [x, y, d.xOf(c.events[ends[0]!]!.process), d.yOf(ends[0]!)], d.label);
	} else if (target?.process !== undefined) {
		// The other end is in the run but did not log reading it: level, to its lifeline.
		arrow(d, e.process, target.process, [x, y, d.xOf(target.process), y], `${cls} arrow-unread`);
		arrowLabel(d, [x, y, d.xOf(target.process), y], d.label);
		d.notation.add('unread');
		// The key's "unread" sample is a send; an unread FIN keeps the FIN's own look, explained too.
		if (e.type !== 'send') d.notation.add(messageNotation[e.type]!);
	} else {
		const x2 = d.openEnd(e.process, undefined, 0.6);
		arrow(d, e.process, undefined, [x, y, x2, y], `${cls} arrow-outside`);
		arrowLabel(d, [x, y, x2, y], d.label);
		textAt(d, besidePlaces(x2, y, x2 > x ? 1 : -1, 6), { text: e.remote ?? c.remoteOf.get(e.socket) ?? '?', cls: 'address' });
		d.notation.add('outside');
	}
}

function drawRefused(d: Drawing): void {
	const { e, x, y } = d;
	const target = d.c.targets.get(d.i)?.process;
	const x2 = d.openEnd(e.process, target, target !== undefined ? 0.75 : 0.6);
	d.parts.push(element('circle', { class: 'dot failed', cx: x, cy: y, r: 3 }));
	markAt(d, x, y, 3);
	arrow(d, e.process, undefined, [x, y, x2, y], 'arrow-refused', '');
	d.parts.push(cross(x2, y));
	markAt(d, x2, y, 5);
	arrowLabel(d, [x, y, x2, y], d.label);
	textAt(d, underPlaces(x2, y), { text: e.error ?? 'failed', cls: 'failed' });
	d.notation.add('refused');
}

/** A reset arrives from the program that aborted (where it closed), or from outside the run. */
function drawReset(d: Drawing): void {
	const { e, x, y } = d;
	const origin = d.c.resetOrigins.get(d.i) ?? {};
	const [from, x1, y1, cls] =
		origin.process !== undefined
			? [origin.process, d.xOf(origin.process), origin.event !== undefined && d.yOf(origin.event) <= y ? d.yOf(origin.event) : y, 'arrow-reset']
			: [undefined, d.openEnd(e.process, undefined, 0.6), y, 'arrow-reset arrow-outside'];
	arrow(d, from, e.process, [x1, y1, x, y], cls, 'head head-reset');
	const dir: Side = x >= x1 ? 1 : -1;
	arrowLabel(d, [x1, y1, x, y], { text: 'RST', cls: 'failed' });
	d.parts.push(bolt(x, y, dir));
	d.marks.push({ left: x + dir * 12 - 5, top: y - 9, right: x + dir * 12 + 5, bottom: y + 9 });
	textAt(d, besidePlaces(x, y, dir, 24), { text: e.error ?? 'reset', cls: 'failed' });
	d.notation.add('reset');
}

/** A mark on the lifeline, its label beside it. */
const mark =
	(shape: (x: number, y: number) => Markup, notation: Notation) =>
	(d: Drawing): void => {
		d.parts.push(shape(d.x, d.y));
		markAt(d, d.x, d.y, 7);
		textAt(d, besidePlaces(d.x, d.y, d.side), d.label);
		d.notation.add(notation);
		if ((d.c.sources.get(d.i)?.length ?? 0) > 1) d.notation.add('joined');
	};

const draw: { [T in EventType]: (d: Drawing) => void } = {
	connect: drawMessage,
	send: drawMessage,
	'half-close': drawMessage,
	'datagram-sent': drawMessage,
	'connect-failed': drawRefused,
	reset: drawReset,
	listen: mark(listenMark, 'listen'),
	accept: mark(acceptMark, 'accept'),
	receive: mark(readMark, 'read'),
	'datagram-received': mark(readMark, 'read'),
	'peer-half-close': mark(endOfStreamMark, 'eof'),
	close: mark(closeMark, 'close'),
	error: mark(cross, 'error'),
};

/** The tooltip of an event: its row in one line. */
function tooltip(row: DiagramRow): string {
	const to = row.to !== '' ? ` → ${row.to}` : '';
	const bytes = row.bytes !== undefined ? `, ${countOf(row.bytes, 'byte')}` : '';
	const preview = row.preview !== undefined && row.preview !== '' ? ` “${row.preview}”` : '';
	return `${row.time} ms: ${row.from}${to}: ${row.what}${bytes}${preview}`;
}

/**
 * Layouts tried in turn until every text has a clear place: rows further apart, and room beside
 * the outer lanes for the labels of arrows that leave none between them.
 */
const ATTEMPTS = [
	{ roomOutside: false, stretch: 1, dropPreviews: false },
	...[1, 1.25, 1.5, 2, 2.5, 3].map((stretch) => ({ roomOutside: true, stretch, dropPreviews: false })),
	// Many sends in flight at once (a long answer sent in parts) fan out across the same rows at any stretch.
	...[1, 1.5].map((stretch) => ({ roomOutside: true, stretch, dropPreviews: true })),
];

/** The events drawn with rows `stretch` apart: their rows, shapes and texts, and whether every text found a clear place. */
function drawEvents(c: Conversation, labels: readonly Label[], sides: readonly Side[], lanes: Lanes, stretch: number, dropPreviews: boolean) {
	const laneIndex = (process: string) => c.laneOf.get(process)!.index;
	const xOf = (process: string) => lanes.x[laneIndex(process)]!;
	const rows = rowsOf(c, stretch);
	const segments: Segment[] = [];
	const marks: Box[] = [];
	const notation = new Set<Notation>();
	const openEnd = (from: string, toward: string | undefined, fraction: number) => lanes.openEnd(laneIndex(from), toward === undefined ? undefined : laneIndex(toward), fraction);
	const drawn = c.events.map((e, i) => {
		const d: Drawing = { c, e, i, x: xOf(e.process), y: rows.y[i]!, label: labels[i]!, side: sides[i]!, xOf, yOf: (j) => rows.y[j]!, openEnd, parts: [], segments, marks, notation };
		draw[e.type](d);
		return d.parts;
	});
	const pending = drawn.flat().filter((part): part is PendingText => !(part instanceof Markup));
	const frame = { left: TIME_COL + 2, top: HEAD_TOP + HEAD_H + 2, right: lanes.width - 2, bottom: rows.height - 2 };
	const placement = placeTexts(pending, segments, marks, frame, dropPreviews);
	for (const label of placement.labels) for (const note of previewNotation(label.preview)) notation.add(note);
	const placed = new Map(pending.map((p, k) => [p, k]));
	const events = drawn.map((parts) => parts.map((part) => (part instanceof Markup ? part : text(placement.places[placed.get(part)!]!, placement.labels[placed.get(part)!]!))));
	return { rows, events, notation, clean: placement.clean };
}

/** The log as an SVG sequence diagram, and the same events as rows of a table. */
export function sequenceDiagram(log: EventLog, options: DiagramOptions): SequenceDiagram {
	const c = new Conversation(log);
	const labels = c.events.map((_, i) => labelOf(c, i));
	const sides = c.events.map((_, i) => sideOf(c, i));
	let lanes!: Lanes;
	let drawing!: ReturnType<typeof drawEvents>;
	for (const { roomOutside, stretch, dropPreviews } of ATTEMPTS) {
		lanes = lanesOf(c, labels, sides, roomOutside);
		drawing = drawEvents(c, labels, sides, lanes, stretch, dropPreviews);
		if (drawing.clean) break;
	}
	const { rows: timeRows, height } = drawing.rows;
	const bottom = height - BOTTOM / 2;
	const p = options.idPrefix;

	const laneMarks = c.lanes.map((lane) => {
		const x = lanes.x[lane.index]!;
		const w = Math.min(lanes.gap - 12, laneHeadWidth(lane.label));
		return element(
			'g',
			{ class: 'lane', 'data-process': lane.id },
			[
				element('line', { class: 'lifeline', 'data-process': lane.id, x1: x, y1: HEAD_TOP + HEAD_H, x2: x, y2: bottom }),
				element('rect', { class: 'lane-head', x: x - w / 2, y: HEAD_TOP, width: w, height: HEAD_H, rx: 5 }),
				element('text', { class: 'lane-name', x, y: HEAD_TOP + HEAD_H / 2 + 4.5, 'text-anchor': 'middle' }, [lane.label]),
			],
			'inside'
		);
	});

	// The time margin: ms since the first event on every row, and long pauses marked.
	const times: Markup[] = [element('text', { class: 'time-head', x: TIME_COL - 10, y: HEAD_TOP + HEAD_H / 2 + 4.5, 'text-anchor': 'end' }, ['ms'])];
	let previous = FIRST_ROW - ROW;
	for (const row of timeRows) {
		if (row.pause >= GAP_MS && row !== timeRows[0]) {
			const mid = (previous + row.y) / 2;
			const marks = lanes.x.map((x) => pauseMark(x, mid)).join('');
			const label = element('text', { class: 'pause-label', x: TIME_COL - 10, y: mid + 4, 'text-anchor': 'end' }, [`+${millisecondsText(row.pause)}`]);
			drawing.notation.add('pause');
			times.push(element('g', { class: 'pause' }, [label, element('path', { class: 'pause-mark', d: marks })], 'between'));
		}
		times.push(element('text', { class: 'time', x: TIME_COL - 10, y: row.y + 4, 'text-anchor': 'end' }, [millisecondsText(row.t)]));
		previous = row.y;
	}
	times.push(element('line', { class: 'time-rule', x1: TIME_COL, y1: HEAD_TOP, x2: TIME_COL, y2: bottom }));

	const rows = c.events.map((_, i) => rowOf(c, i));
	const events = drawing.events.map((body, i) =>
		element('g', { class: `event event-${c.events[i]!.type}`, 'data-event': String(i) }, [element('title', {}, [tooltip(rows[i]!)]), ...body])
	);

	const svg = element(
		'svg',
		{
			xmlns: 'http://www.w3.org/2000/svg',
			class: 'sequence',
			viewBox: `0 0 ${num(lanes.width)} ${num(height)}`,
			width: lanes.width,
			height,
			role: 'img',
			'aria-labelledby': `${p}-title ${p}-desc`,
		},
		[
			element('title', { id: `${p}-title` }, [options.title]),
			element('desc', { id: `${p}-desc` }, [summaryOf(c)]),
			element('g', { class: 'lanes' }, laneMarks, 'inside'),
			element('g', { class: 'times' }, times, 'inside'),
			element('g', { class: 'events' }, events, 'inside'),
		],
		'inside'
	);
	return { svg: svg.xml, rows, legend: legendOf(drawing.notation) };
}
