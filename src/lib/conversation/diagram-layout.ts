/**
 * Where things go in the sequence diagram, in viewBox units (about CSS pixels at full size):
 * numbers only, no markup. Rows top to bottom (one per event, more room after a pause), lanes
 * left to right (spaced so that the labels fit), the side a mark's label goes on, and where an
 * arrow's label goes so that it covers the fewest lines and no other text.
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

/** Each event's y: one row per event, more room after a longer pause (logarithmic, capped). */
export function rowsOf(c: Conversation): Rows {
	// A message whose other end was logged first (an accept before its connect: both are the end
	// of one handshake; or two clocks a hair apart) is drawn level with it, not as an arrow going
	// up: the later one moves up if its own program did nothing in between, else the earlier one
	// moves down if its program did nothing in between.
	const joinUp = new Map<number, number>();
	const joinDown = new Map<number, number[]>();
	const deferred = new Set<number>();
	c.events.forEach((e, i) => {
		const target = c.targets.get(i)?.events ?? [];
		if (target.length === 0 || target.some((j) => j > i)) return;
		const j = Math.min(...target);
		const between = c.events.slice(j + 1, i);
		if (!between.some((o) => o.process === e.process)) joinUp.set(i, j);
		else if (target.length === 1 && (c.sources.get(j)?.length ?? 0) === 1 && !between.some((o) => o.process === c.events[j]!.process)) {
			deferred.add(j);
			joinDown.set(i, [j]);
		}
	});

	const y: number[] = [];
	const rows: Rows['rows'] = [];
	let lastT = 0;
	let lastY = FIRST_ROW - ROW;
	c.events.forEach((e, i) => {
		const up = joinUp.get(i);
		if (up !== undefined && y[up] !== undefined) {
			y[i] = y[up];
			return;
		}
		if (deferred.has(i)) return;
		const pause = rows.length === 0 ? 0 : Math.max(0, e.t - lastT);
		const extra = pause <= 1 ? 0 : Math.min(40, Math.round(10 * Math.log10(pause)));
		const rowY = lastY + ROW + extra + (pause >= GAP_MS ? 12 : 0);
		rows.push({ y: rowY, t: e.t, pause });
		y[i] = rowY;
		for (const j of joinDown.get(i) ?? []) y[j] = rowY;
		lastY = rowY;
		lastT = Math.max(lastT, e.t);
	});
	c.events.forEach((_, i) => {
		y[i] ??= lastY; // (cannot happen: every deferred event has its row made later)
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

/** Lane spacing from the labels that have to fit: arrow labels between lanes, mark labels beside. */
export function lanesOf(c: Conversation, labels: readonly Label[], sides: readonly Side[]): Lanes {
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

/** An arrow's label, still to be placed above or below the arrow's start. */
export interface ArrowLabel {
	x1: number;
	dir: Side;
	y1: number;
	label: Label;
}

/** The room a text takes, roughly (from its length, not the font). */
export function boxOf(x: number, baseline: number, anchor: Anchor, l: Label): Box {
	const w = labelWidth(l);
	const left = anchor === 'start' ? x : anchor === 'end' ? x - w : x - w / 2;
	return { left, top: baseline - 10, right: left + w, bottom: baseline + 3 };
}

/** Where an arrow's label goes if nothing is in the way: above the arrow, just past its start. */
export function defaultPlace(l: ArrowLabel): { x: number; baseline: number; anchor: Anchor } {
	return { x: l.x1 + l.dir * 10, baseline: l.y1 - 6, anchor: l.dir > 0 ? 'start' : 'end' };
}

/**
 * An arrow's label goes above the arrow's start, or below it where that is clearer: where
 * fewer lines cross it and it covers no other text (`others`: every text placed or still to be).
 */
export function placeArrowLabel(l: ArrowLabel, segments: readonly Segment[], others: readonly Box[]): { x: number; baseline: number; anchor: Anchor } {
	const { x, baseline: above, anchor } = defaultPlace(l);
	const cost = (baseline: number) => {
		const box = boxOf(x, baseline, anchor, l.label);
		return segments.filter((s) => crosses(s, box)).length + 10 * others.filter((o) => overlaps(o, box)).length;
	};
	const below = l.y1 + 15;
	return { x, baseline: cost(above) > cost(below) ? below : above, anchor };
}

function overlaps(p: Box, q: Box): boolean {
	return p.left < q.right && q.left < p.right && p.top < q.bottom && q.top < p.bottom;
}

/** Whether a line segment passes through a box (Liang–Barsky clipping). */
function crosses(s: Segment, { left, top, right, bottom }: Box): boolean {
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
