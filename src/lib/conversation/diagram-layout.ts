/**
 * Where things go in the sequence diagram, in viewBox units (CSS pixels: the picture is never
 * scaled down): numbers only, no markup. Rows top to bottom (one per event in the log's order,
 * more room after a pause), lanes left to right (spaced so that the labels fit), the side a
 * mark's label goes on, and where each text goes: at the first of its places that no arrow
 * crosses and that covers no mark or other text (placeTexts says when there was none).
 */
import type { Conversation } from './conversation.ts';
import type { Label } from './event-descriptions.ts';
import type { EventType } from './event-log.ts';

export const TIME_COL = 58; // the elapsed-time margin on the left
export const HEAD_TOP = 8;
export const HEAD_H = 28;
export const FIRST_ROW = HEAD_TOP + HEAD_H + 28;
export const ROW = 28; // between two events, however close in time
export const GAP_MS = 50; // a pause at least this long is marked as one on every lifeline
export const BOTTOM = 20;
export const HEAD_LEN = 9; // arrowheads
export const HEAD_HALF = 4;

/** Events drawn as arrows from one lifeline to another; the others are marks on their own lifeline. */
const ARROW_TYPES = new Set<EventType>(['connect', 'connect-failed', 'send', 'half-close', 'reset', 'datagram-sent']);

export type Side = 1 | -1;

export interface Rows {
	/** Each event's y. */
	y: number[];
	/** Rows top to bottom: their y, their time, and the pause before them. */
	rows: { y: number; t: number; pause: number }[];
	height: number;
}

/**
 * Each event's y: one row per event, in the log's order (the order of its table), more room
 * after a longer pause (logarithmic, capped). `stretch` spreads the rows further apart where
 * labels need room between slanted arrows. A message whose other end was logged first (an
 * accept logged before its connect returned) is drawn from its own row to that earlier one:
 * the picture keeps the log's order and times rather than moving either event.
 */
export function rowsOf(c: Conversation, stretch = 1): Rows {
	const y: number[] = [];
	const rows: Rows['rows'] = [];
	let lastT = 0;
	let lastY = FIRST_ROW - ROW * stretch;
	c.events.forEach((e, i) => {
		const pause = i === 0 ? 0 : Math.max(0, e.t - lastT);
		const extra = pause <= 1 ? 0 : Math.min(40, Math.round(10 * Math.log10(pause)));
		const rowY = lastY + ROW * stretch + extra + (pause >= GAP_MS ? 12 : 0);
		rows.push({ y: rowY, t: e.t, pause });
		y[i] = rowY;
		lastY = rowY;
		lastT = Math.max(lastT, e.t);
	});
	return { y, rows, height: lastY + ROW + BOTTOM };
}

/** Local labels go away from the arrows that reach the mark, or outward on the outer lanes. */
export function sideOf(c: Conversation, i: number): Side {
	const e = c.events[i]!;
	const lane = c.laneOf.get(e.process)!;
	const senders = c.sources.get(i) ?? [];
	const other = senders.length > 0 ? c.laneOf.get(c.events[senders[0]!]!.process) : undefined;
	if (other !== undefined && other.index !== lane.index) return other.index < lane.index ? 1 : -1;
	return lane.index === 0 && c.lanes.length > 1 ? -1 : 1;
}

/** Rough width of a text at 12px: enough to lay out lanes so that labels fit between them. */
export function textWidth(text: string, mono = false): number {
	return [...text].length * (mono ? 7.3 : 6.8);
}

export function labelWidth(l: Label): number {
	return textWidth(l.text) + (l.preview !== undefined ? 6 + textWidth(l.preview, true) : 0);
}

/** The width a lane's name box takes. */
export function laneHeadWidth(label: string): number {
	return textWidth(label) * 1.1 + 24;
}

export interface Lanes {
	/** Each lane's x, by its index. */
	x: number[];
	/** Between two lanes. */
	gap: number;
	width: number;
	/** Where an arrow with no lifeline at its end stops: towards the lane `toward`, or the nearest lane. */
	openEnd(from: number, toward: number | undefined, fraction: number): number;
}

/**
 * Lane spacing from the labels that have to fit: arrow labels between lanes, mark labels beside;
 * with `roomOutside`, the outer lanes' arrow labels also fit outside them.
 */
export function lanesOf(c: Conversation, labels: readonly Label[], sides: readonly Side[], roomOutside = false): Lanes {
	const n = c.lanes.length;
	let gap = 200;
	let outerLeft = 80;
	let outerRight = 80;
	c.events.forEach((e, i) => {
		const w = labelWidth(labels[i]!) + 30;
		const lane = c.laneOf.get(e.process)!;
		if (ARROW_TYPES.has(e.type)) {
			gap = Math.max(gap, w + 20);
			// A reset's error code stands beside the lifeline it reaches, on the far side.
			if (e.type === 'reset' && lane.index === 0) outerLeft = Math.max(outerLeft, w + 10);
			if (e.type === 'reset' && lane.index === n - 1) outerRight = Math.max(outerRight, w + 10);
			if (lane.index === 0 && n === 1) outerRight = Math.max(outerRight, w + 20);
			if (roomOutside && lane.index === 0) outerLeft = Math.max(outerLeft, w);
			if (roomOutside && lane.index === n - 1) outerRight = Math.max(outerRight, w);
		} else if (sides[i] === -1 && lane.index === 0) outerLeft = Math.max(outerLeft, w);
		else if (sides[i] === 1 && lane.index === n - 1) outerRight = Math.max(outerRight, w);
		else gap = Math.max(gap, w + 30);
	});
	for (const lane of c.lanes) {
		const w = laneHeadWidth(lane.label);
		gap = Math.max(gap, w + 16);
		if (lane.index === 0) outerLeft = Math.max(outerLeft, w / 2 + 8);
		if (lane.index === n - 1) outerRight = Math.max(outerRight, w / 2 + 8);
	}
	gap = Math.min(Math.ceil(gap), 340);
	outerLeft = Math.min(Math.ceil(outerLeft), 240);
	outerRight = Math.min(Math.ceil(outerRight), 240);
	const x = c.lanes.map((lane) => TIME_COL + outerLeft + lane.index * gap);
	const width = TIME_COL + outerLeft + Math.max(0, n - 1) * gap + outerRight;
	const openEnd = (from: number, toward: number | undefined, fraction: number): number => {
		const x1 = x[from]!;
		if (toward !== undefined && toward !== from) return x1 + (x[toward]! - x1) * fraction;
		const dir = from < n - 1 ? 1 : n > 1 ? -1 : 1;
		return x1 + dir * Math.min(gap, n > 1 ? gap : outerRight - 20) * fraction;
	};
	return { x, gap, width, openEnd };
}

// ---- Where labels go ----

export type Anchor = 'start' | 'end' | 'middle';

export interface Segment {
	x1: number;
	y1: number;
	x2: number;
	y2: number;
}

export interface Box {
	left: number;
	top: number;
	right: number;
	bottom: number;
}

/** Where a text goes: its anchor point (on its baseline) and which end of the text that is. */
export interface Place {
	x: number;
	baseline: number;
	anchor: Anchor;
}

/** A text still to be placed: where it may go, best first. */
export interface PendingText {
	label: Label;
	places: Place[];
}

/** The room a text takes, roughly (from its length, not the font), with its halo. */
export function boxOf(x: number, baseline: number, anchor: Anchor, l: Label): Box {
	const w = labelWidth(l);
	const left = anchor === 'start' ? x : anchor === 'end' ? x - w : x - w / 2;
	return { left: left - 1, top: baseline - 11, right: left + w + 1, bottom: baseline + 4 };
}

const near = (dir: Side): Anchor => (dir > 0 ? 'start' : 'end');
const far = (dir: Side): Anchor => (dir > 0 ? 'end' : 'start');

/**
 * Where an arrow's label may go, best first: above the arrow just past its start, below it,
 * then by its head, then beside its start on the other side of its lifeline (where arrows that
 * meet in one read leave no room between them), then a line further out. (x1, y1) is where the arrow starts, (x2, y2) where
 * it ends.
 */
export function arrowLabelPlaces(x1: number, y1: number, x2: number, y2: number): Place[] {
	const dir: Side = x2 >= x1 ? 1 : -1;
	return [
		{ x: x1 + dir * 10, baseline: y1 - 6, anchor: near(dir) },
		{ x: x1 + dir * 10, baseline: y1 + 16, anchor: near(dir) },
		{ x: x2 - dir * 16, baseline: y2 - 6, anchor: far(dir) },
		{ x: x2 - dir * 16, baseline: y2 + 16, anchor: far(dir) },
		{ x: x1 - dir * 12, baseline: y1 + 4, anchor: far(dir) },
		{ x: x1 + dir * 10, baseline: y1 - 20, anchor: near(dir) },
		{ x: x1 + dir * 10, baseline: y1 + 30, anchor: near(dir) },
	];
}

/** Where a text beside a point of a lifeline may go: on `side` level with it, on the other side, then a little lower or higher. */
export function besidePlaces(x: number, y: number, side: Side, gap = 12): Place[] {
	const at = (s: Side, dy: number): Place => ({ x: x + s * gap, baseline: y + dy, anchor: near(s) });
	return [at(side, 4), at(-side as Side, 4), at(side, 18), at(-side as Side, 18), at(side, -10), at(-side as Side, -10)];
}

/** Where a text under (or above) a point may go, centred on it. */
export function underPlaces(x: number, y: number): Place[] {
	return [18, -10, 32, -24].map((dy) => ({ x, baseline: y + dy, anchor: 'middle' as const }));
}

export interface Placement {
	places: Place[];
	/** The label each text is drawn with: its own, or without its preview where `dropPreviews` let it. */
	labels: Label[];
	/** Whether every text has a place that no arrow crosses and that covers no other text or mark. */
	clean: boolean;
}

/**
 * Each text at the first of its places that no arrow crosses, that overlaps no mark and no
 * text placed before it, and that stays inside `frame`. With `dropPreviews`, a text that has no
 * such place tries them again without its preview (the diagram's table still shows every
 * preview). A text with no clear place at all goes where it is least in the way (and the
 * placement is not clean).
 */
export function placeTexts(texts: readonly PendingText[], segments: readonly Segment[], marks: readonly Box[], frame: Box, dropPreviews = false): Placement {
	const placed: Box[] = [];
	let clean = true;
	const labels: Label[] = [];
	const places = texts.map(({ label: own, places: options }) => {
		const cost = (label: Label) => (p: Place) => {
			const box = boxOf(p.x, p.baseline, p.anchor, label);
			const outside = box.left < frame.left || box.right > frame.right || box.top < frame.top || box.bottom > frame.bottom ? 1 : 0;
			return segments.filter((s) => crosses(s, box)).length + marks.filter((m) => overlaps(m, box)).length + placed.filter((o) => overlaps(o, box)).length + outside;
		};
		let label = own;
		let costs = options.map(cost(label));
		if (!costs.includes(0) && dropPreviews && own.preview !== undefined) {
			const { preview: _, ...short } = own;
			const shortCosts = options.map(cost(short));
			if (shortCosts.includes(0)) [label, costs] = [short, shortCosts];
		}
		let best = costs.indexOf(0);
		if (best < 0) {
			clean = false;
			best = costs.indexOf(Math.min(...costs));
		}
		const place = options[best]!;
		placed.push(boxOf(place.x, place.baseline, place.anchor, label));
		labels.push(label);
		return place;
	});
	return { places, labels, clean };
}

/** Whether two boxes share any area. */
export function overlaps(p: Box, q: Box): boolean {
	return p.left < q.right && q.left < p.right && p.top < q.bottom && q.top < p.bottom;
}

/** Whether a line segment passes through a box (Liang–Barsky clipping). */
export function crosses(s: Segment, { left, top, right, bottom }: Box): boolean {
	const dx = s.x2 - s.x1;
	const dy = s.y2 - s.y1;
	let t0 = 0;
	let t1 = 1;
	for (const [p, q] of [
		[-dx, s.x1 - left],
		[dx, right - s.x1],
		[-dy, s.y1 - top],
		[dy, bottom - s.y1],
	] as const) {
		if (p === 0) {
			if (q < 0) return false;
		} else {
			const r = q / p;
			if (p < 0) t0 = Math.max(t0, r);
			else t1 = Math.min(t1, r);
			if (t0 > t1) return false;
		}
	}
	return true;
}
