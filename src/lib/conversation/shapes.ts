/**
 * The small shapes of the sequence diagram and of its legend (legend.ts), so that the legend
 * shows exactly what the diagram draws: arrowheads, marks on a lifeline, the cross of a failure,
 * the bolt of a reset, the strokes of a pause. Each is SVG markup with classes only, at (x, y).
 */
import { HEAD_HALF, HEAD_LEN, type Side } from "./diagram-layout.ts";
import { element, pathData, type Markup } from "./svg.ts";

export function arrowHead(
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  cls: string,
): Markup {
  const len = Math.hypot(x2 - x1, y2 - y1) || 1;
  const [ux, uy] = [(x2 - x1) / len, (y2 - y1) / len];
  const [bx, by] = [x2 - ux * HEAD_LEN, y2 - uy * HEAD_LEN];
  return element("path", {
    class: cls,
    d: pathData(
      "M",
      x2,
      " ",
      y2,
      "L",
      bx - uy * HEAD_HALF,
      " ",
      by + ux * HEAD_HALF,
      "L",
      bx + uy * HEAD_HALF,
      " ",
      by - ux * HEAD_HALF,
      "Z",
    ),
  });
}

export function cross(x: number, y: number): Markup {
  const s = 5;
  return element("path", {
    class: "cross",
    d: pathData(
      "M",
      x - s,
      " ",
      y - s,
      "L",
      x + s,
      " ",
      y + s,
      "M",
      x - s,
      " ",
      y + s,
      "L",
      x + s,
      " ",
      y - s,
    ),
  });
}

/** A lightning bolt beside (x, y): the reset. */
export function bolt(x: number, y: number, side: Side): Markup {
  const cx = x + side * 12;
  return element("path", {
    class: "bolt",
    d: pathData(
      "M",
      cx + 2,
      " ",
      y - 9,
      "L",
      cx - 4,
      " ",
      y + 1,
      "L",
      cx,
      " ",
      y + 1,
      "L",
      cx - 2,
      " ",
      y + 9,
      "L",
      cx + 4,
      " ",
      y - 1,
      "L",
      cx,
      " ",
      y - 1,
      "Z",
    ),
  });
}

export const listenMark = (x: number, y: number): Markup =>
  element("rect", {
    class: "mark mark-listen",
    x: x - 6,
    y: y - 6,
    width: 12,
    height: 12,
  });
export const acceptMark = (x: number, y: number): Markup =>
  element("circle", { class: "mark mark-accept", cx: x, cy: y, r: 5.5 });
const bar =
  (cls: string) =>
  (x: number, y: number): Markup =>
    element("rect", {
      class: `mark ${cls}`,
      x: x - 4,
      y: y - 7,
      width: 8,
      height: 14,
      rx: 1.5,
    });
/** A read (TCP) or an arriving datagram. */
export const readMark = bar("mark-receive");
export const endOfStreamMark = bar("mark-eof");
export const closeMark = (x: number, y: number): Markup =>
  element("path", {
    class: "mark-close",
    d: pathData("M", x - 9, " ", y, "h18"),
  });

/** The path data of a pause's two slanted strokes across a lifeline at x, centred on y. */
export function pauseMark(x: number, y: number): string {
  return pathData(
    "M",
    x - 7,
    " ",
    y - 1,
    "l14 -5M",
    x - 7,
    " ",
    y + 5,
    "l14 -5",
  );
}
