/**
 * A lifecycle's state diagram as SVG, laid out at build time by ELK's layered algorithm (elkjs): statuses
 * as boxes sized to their labels, documented transitions solid, inferred ones dashed, final statuses with
 * a double border. Two drawings of the same graph: left to right for wide screens, top to bottom (no wider
 * than a phone's column where the graph allows) for phones; the site's CSS shows one of them.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import ELK from "elkjs/lib/elk.bundled.js";
import type { ELK as ElkApi, ElkExtendedEdge, ElkNode, LayoutOptions } from "elkjs/lib/elk.bundled.js";
import type { LifecycleContract } from "@webhook-contracts/contracts";
import { esc } from "./html.ts";

export type LifecycleDirection = "wide" | "narrow";

export interface Point {
  x: number;
  y: number;
}

export interface LayoutNode {
  /** null: the start node (the order's creation). */
  status: string | null;
  x: number;
  y: number;
  width: number;
  height: number;
  /** The label's lines: a long status is broken in two, after an underscore or before a capital. */
  lines: string[];
  final: boolean;
}

export interface LayoutEdge {
  /** Index of the transition in lifecycle.transitions. */
  index: number;
  from: string | null;
  to: string;
  source: string;
  inferred: boolean;
  /**
   * The route as ELK returned it (start point, bend points, end point, the ends on the boxes' borders), less
   * the small sideways steps that straightenJogs removes.
   */
  points: Point[];
}

export interface LifecycleLayout {
  direction: LifecycleDirection;
  /** Of the graph alone, padding included; the legend goes below it. */
  width: number;
  height: number;
  nodes: LayoutNode[];
  edges: LayoutEdge[];
}

const fontSize = 13;
const lineHeight = 16;
/** Space left and right of a label in its box: less top to bottom, where width is short. */
const nodePadX: Record<LifecycleDirection, number> = { wide: 12, narrow: 8 };
const nodeHeight = 32;
const startSize = 14;
/** Space between two edges that leave or enter the same side of a box. */
const portGap = 10;
/** The width of a phone's content column, in CSS pixels: the narrow drawing aims to be no wider. */
const phoneWidth = 360;

/**
 * Advance widths of ASCII 32-126 in hundredths of an em, as Chromium measures `system-ui` on Debian (DejaVu
 * Sans, wider than most system fonts): boxes sized with them hold their label in any of the usual fonts.
 */
const advances =
  "32,40,46,84,64,95,78,27,39,39,50,84,32,36,32,34,64,64,64,64,64,64,64,64,64,64,34,34,84,84,84,53,100,68,69,70,77,63,58,77,75,29,29,66,56,86,75,79,60,79,69,63,61,73,68,99,69,61,69,39,34,39,84,50,50,61,63,55,63,62,35,63,63,28,28,58,28,97,63,61,63,63,41,52,39,63,59,82,59,59,52,64,34,64,84"
    .split(",")
    .map(Number);

/** Estimated width of text at the diagram's font size (13 user units). */
export function textWidth(text: string, size = fontSize): number {
  let em = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    em += (code >= 32 && code < 127 ? advances[code - 32]! : 100) / 100;
  }
  return em * size;
}

/** A label that is too wide is broken after the underscore (or before the capital) that best halves it. */
function labelLines(status: string, maxWidth: number): string[] {
  if (textWidth(status) <= maxWidth) return [status];
  let best: string[] = [status];
  let bestWidth = textWidth(status);
  for (let i = 1; i < status.length; i++) {
    const breakable = status[i - 1] === "_" || status[i - 1] === "-" || (/[A-Z]/.test(status[i]!) && /[a-z]/.test(status[i - 1]!));
    if (!breakable) continue;
    const lines = [status.slice(0, i), status.slice(i)];
    const width = Math.max(...lines.map((l) => textWidth(l)));
    if (width < bestWidth) [best, bestWidth] = [lines, width];
  }
  return best;
}

/**
 * ELK's options, shared by both directions. Edges are routed ORTHOGONAL: between two layers the router gives
 * each edge a track of its own, so no edge runs through a box and no two edges merge into one line (which,
 * dashed over solid, would hide which is which). SPLINES look softer on small graphs, but on Ivy's 34
 * transitions the curves bunch where they enter a box, one of them cuts through a box, and they cross more
 * (17 crossings left to right and 19 top to bottom, against 13 and 13). The corners of the orthogonal routes
 * are rounded when drawn.
 */
const baseOptions: LayoutOptions = {
  "elk.algorithm": "layered",
  "elk.edgeRouting": "ORTHOGONAL",
  // ELK is given the statuses in flowOrder and breaks cycles by it: the edges that go back are exactly the
  // ones that return to an earlier status (a reopened order, a retried refund), not ones ELK picks.
  "elk.layered.cycleBreaking.strategy": "MODEL_ORDER",
  // Edges that go back are routed like the others, between the layers, not around the whole drawing
  // ("feedbackEdges", which made Ivy's edges a third longer and gave it 18 crossings instead of 13).
  "elk.layered.feedbackEdges": "false",
  "elk.layered.crossingMinimization.strategy": "LAYER_SWEEP",
  "elk.layered.crossingMinimization.greedySwitch.type": "TWO_SIDED",
  // More sweeps than the default (7): Ivy's drawing has 13 crossings instead of 15.
  "elk.layered.thoroughness": "40",
  "elk.layered.spacing.edgeNodeBetweenLayers": "14",
  // A self-loop stands 16 units off its box: room for its arrowhead.
  "elk.spacing.nodeSelfLoop": "16",
  "elk.randomSeed": "1",
};

const directionOptions: Record<LifecycleDirection, LayoutOptions> = {
  wide: {
    "elk.direction": "RIGHT",
    "elk.spacing.nodeNode": "22",
    "elk.layered.spacing.nodeNodeBetweenLayers": "32",
    "elk.spacing.edgeNode": "12",
    "elk.spacing.edgeEdge": "10",
    "elk.layered.spacing.edgeEdgeBetweenLayers": "9",
    "elk.padding": "[top=12,left=12,bottom=12,right=12]",
  },
  // Top to bottom and tight: a phone's column is about 360 units wide.
  narrow: {
    "elk.direction": "DOWN",
    "elk.spacing.nodeNode": "10",
    "elk.layered.spacing.nodeNodeBetweenLayers": "32",
    "elk.spacing.edgeNode": "8",
    "elk.spacing.edgeEdge": "8",
    "elk.layered.spacing.edgeEdgeBetweenLayers": "8",
    "elk.padding": "[top=8,left=8,bottom=8,right=8]",
  },
};

/**
 * The statuses in the order of the flow: a depth-first search from creation that follows the transitions
 * as listed, in reverse postorder. Every transition goes forward in this order except those that close a
 * cycle (a reopened order, a retried refund), which go back; ELK is given the statuses in this order and
 * breaks cycles by it (MODEL_ORDER), so the edges drawn against the flow are exactly those.
 */
function flowOrder(lifecycle: LifecycleContract): string[] {
  const out = new Map<string | null, string[]>();
  for (const t of lifecycle.transitions) out.set(t.from, [...(out.get(t.from) ?? []), t.to]);
  const seen = new Set<string>();
  const post: string[] = [];
  const visit = (status: string) => {
    seen.add(status);
    for (const next of out.get(status) ?? []) if (!seen.has(next)) visit(next);
    post.push(status);
  };
  for (const status of [...(out.get(null) ?? []), ...lifecycle.statuses]) if (!seen.has(status)) visit(status);
  return post.reverse();
}

let elk: ElkApi | undefined;

/**
 * ELK in a worker thread (elkjs's own worker script, which runs its layouts where it is loaded), so that the
 * layouts (about a second of work, Ivy's most of it) go on beside the rest of the build instead of between
 * its pages. The thread keeps the process alive only while a layout is asked for and not answered.
 */
function elkInWorker(): ElkApi {
  const script = createRequire(import.meta.url).resolve("elkjs/lib/elk-worker.min.js");
  const source = `const { parentPort } = require("node:worker_threads");
const FakeWorker = require(${JSON.stringify(script)}).default;
const elk = new FakeWorker();
elk.onmessage = (event) => parentPort.postMessage(event.data);
parentPort.on("message", (message) => elk.postMessage(message));`;
  return new ELK.default({
    workerFactory: () => {
      const worker = new Worker(source, { eval: true });
      worker.unref();
      let pending = 0;
      return {
        postMessage(message: unknown) {
          if (pending++ === 0) worker.ref();
          worker.postMessage(message);
        },
        set onmessage(listener: (event: { data: unknown }) => void) {
          worker.on("message", (data: unknown) => {
            if (--pending === 0) worker.unref();
            listener({ data });
          });
        },
        terminate: () => void worker.terminate(),
      } as unknown as Worker;
    },
  });
}

/** ELK's ways of placing the boxes of a layer: which suits best depends on the graph, so each is tried. */
const placements = ["NETWORK_SIMPLEX", "BRANDES_KOEPF", "LINEAR_SEGMENTS"];

/** Fewer crossings first, then fewer bends, then narrower. */
const better = (a: LifecycleLayout, b: LifecycleLayout) => crossingCount(a.edges) - crossingCount(b.edges) || bendCount(a) - bendCount(b) || a.width - b.width;

const bendCount = (layout: LifecycleLayout) => layout.edges.reduce((n, e) => n + e.points.length - 2, 0);

/**
 * The lifecycle laid out by ELK: node boxes and edge routes in the SVG's user units. ELK is run with each of
 * its node placements and the drawing with the fewest crossings, then bends, is kept (Ivy's has 13 crossings
 * with network simplex and 15 with Brandes-Köpf; Amplia Reg's main line is straight with Brandes-Köpf and a
 * staircase with network simplex). Left to right, a label wider than 160 units is broken onto two lines;
 * top to bottom, the drawing must fit a phone's column (360 units): labels are broken only if none fits
 * otherwise, first those wider than 160, then those wider than 110; if still none fits, the narrowest is kept.
 */
export async function lifecycleLayout(lifecycle: LifecycleContract, direction: LifecycleDirection): Promise<LifecycleLayout> {
  const tries = (labelWidth: number) => Promise.all(placements.map((placement) => layoutOnce(lifecycle, direction, labelWidth, placement)));
  if (direction === "wide") return (await tries(160)).sort(better)[0]!;
  let narrowest: LifecycleLayout | undefined;
  for (const labelWidth of [Infinity, 160, 110]) {
    const layouts = await tries(labelWidth);
    const fitting = layouts.filter((l) => l.width <= phoneWidth).sort(better);
    if (fitting.length) return fitting[0]!;
    for (const l of layouts) if (!narrowest || l.width < narrowest.width) narrowest = l;
  }
  return narrowest!;
}

async function layoutOnce(lifecycle: LifecycleContract, direction: LifecycleDirection, labelWidth: number, placement: string): Promise<LifecycleLayout> {
  // elkjs is CommonJS: its module.exports is the constructor, and also its own `default`. TypeScript
  // (NodeNext) types the default import as the module object, so the constructor is taken from there.
  elk ??= elkInWorker();
  const final = new Set(lifecycle.final);
  const ids = new Map<string | null, string>([[null, "start"]]);
  lifecycle.statuses.forEach((s, i) => ids.set(s, `s${i}`));
  const lines = new Map<string, string[]>();
  const children: ElkNode[] = [{ id: "start", width: startSize, height: startSize }];
  const order = flowOrder(lifecycle);
  // How many edges touch each side of a box: a forward edge leaves its source's outgoing side and enters its
  // target's incoming side; ELK turns an edge that goes back around, so it sits on the opposite sides.
  const rank = new Map<string | null, number>([[null, -1], ...order.map((s, i) => [s, i] as const)]);
  const sides = new Map<string | null, { in: number; out: number }>([...rank.keys()].map((s) => [s, { in: 0, out: 0 }]));
  for (const t of lifecycle.transitions) {
    const back = rank.get(t.from)! >= rank.get(t.to)!;
    sides.get(t.from)![back ? "in" : "out"]++;
    sides.get(t.to)![back ? "out" : "in"]++;
  }
  for (const status of order) {
    const label = labelLines(status, labelWidth);
    lines.set(status, label);
    const extra = final.has(status) ? 6 : 0;
    // Room for the edges on the busiest side, so that they do not crowd into one another.
    const crowd = (Math.max(sides.get(status)!.in, sides.get(status)!.out) + 1) * portGap;
    const width = Math.ceil(Math.max(...label.map((l) => textWidth(l))) + 2 * nodePadX[direction] + extra);
    const height = nodeHeight + (label.length - 1) * lineHeight + extra;
    // ELK draws a self-loop on a side across the flow, its two ends a third of that side apart: a side of 48
    // units makes a loop 16 wide.
    const loop = lifecycle.transitions.some((t) => t.from === status && t.to === status) ? 48 : 0;
    children.push({
      id: ids.get(status)!,
      width: direction === "narrow" ? Math.max(width, crowd) : Math.max(width, loop),
      height: direction === "wide" ? Math.max(height, crowd) : Math.max(height, loop),
    });
  }
  const edges: ElkExtendedEdge[] = lifecycle.transitions.map((t, i) => ({ id: `e${i}`, sources: [ids.get(t.from)!], targets: [ids.get(t.to)!] }));
  const layoutOptions = { ...baseOptions, ...directionOptions[direction], "elk.layered.nodePlacement.strategy": placement };
  const root: ElkNode = { id: "root", layoutOptions, children, edges };
  const graph = await elk.layout(root);
  const byId = new Map((graph.children ?? []).map((n) => [n.id, n]));
  const nodes: LayoutNode[] = [null, ...lifecycle.statuses].map((status) => {
    const n = byId.get(ids.get(status)!)!;
    return {
      status,
      x: n.x ?? 0,
      y: n.y ?? 0,
      width: n.width ?? 0,
      height: n.height ?? 0,
      lines: status === null ? [] : lines.get(status)!,
      final: status !== null && final.has(status),
    };
  });
  const laidEdges = new Map((graph.edges ?? []).map((e) => [e.id, e as ElkExtendedEdge]));
  const layoutEdges: LayoutEdge[] = lifecycle.transitions.map((t, index) => {
    const sections = laidEdges.get(`e${index}`)?.sections ?? [];
    if (sections.length === 0) throw new Error(`ELK returned no route for ${t.from} -> ${t.to}`);
    const points: Point[] = [];
    for (const s of sections) {
      for (const p of [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]) {
        const last = points.at(-1);
        if (!last || last.x !== p.x || last.y !== p.y) points.push({ x: p.x, y: p.y });
      }
    }
    return { index, from: t.from, to: t.to, source: t.source, inferred: t.source.startsWith("inferred"), points };
  });
  straightenJogs(nodes, layoutEdges);
  return { direction, width: graph.width ?? 0, height: graph.height ?? 0, nodes, edges: layoutEdges };
}

type Segment = [Point, Point];

const segments = (points: Point[]): Segment[] => points.slice(1).map((p, i) => [points[i]!, p]);

/** How many times the edges cross one another. */
function crossingCount(edges: LayoutEdge[]): number {
  let n = 0;
  edges.forEach((e, i) => {
    for (const f of edges.slice(i + 1)) for (const s of segments(e.points)) n += segments(f.points).filter((t) => segmentsCross(s, t)).length;
  });
  return n;
}

/** Whether two segments cross at a point inside both (touching ends or running along each other does not count). */
function segmentsCross([a, b]: Segment, [c, d]: Segment): boolean {
  const side = (o: Point, p: Point, q: Point) => Math.sign((p.x - o.x) * (q.y - o.y) - (p.y - o.y) * (q.x - o.x));
  return side(c, d, a) * side(c, d, b) < 0 && side(a, b, c) * side(a, b, d) < 0;
}

/** Whether a segment gets inside a box (more than `margin` past its border). */
function segmentEntersBox([a, b]: Segment, box: { x: number; y: number; width: number; height: number }, margin = 0.5): boolean {
  const [x0, y0, x1, y1] = [box.x + margin, box.y + margin, box.x + box.width - margin, box.y + box.height - margin];
  if (x0 >= x1 || y0 >= y1) return false;
  // Liang-Barsky: clip the segment to the box; it enters if a part of positive length is left.
  let [t0, t1] = [0, 1];
  const [dx, dy] = [b.x - a.x, b.y - a.y];
  for (const [p, q] of [
    [-dx, a.x - x0],
    [dx, x1 - a.x],
    [-dy, a.y - y0],
    [dy, y1 - a.y],
  ] as const) {
    if (p === 0) {
      if (q <= 0) return false;
    } else if (p < 0) t0 = Math.max(t0, q / p);
    else t1 = Math.min(t1, q / p);
  }
  return t1 - t0 > 1e-9;
}

/**
 * ELK attaches an edge to the middle of a side, so between two boxes of different widths that are almost in
 * line, the edge takes a sideways step of a few units on its way: a glitch to the eye. Such a step (under 6
 * units) at either end of an edge is removed by sliding that end along its box's side, provided it stays on
 * the side, at least 6 units from the other edges' ends there, and crosses no more edges and no box.
 */
function straightenJogs(nodes: LayoutNode[], edges: LayoutEdge[]): void {
  const box = new Map(nodes.map((n) => [n.status, n]));
  const ends = (e: LayoutEdge): [Point, LayoutNode][] => [
    [e.points[0]!, box.get(e.from)!],
    [e.points.at(-1)!, box.get(e.to)!],
  ];
  const crossingsOf = (e: LayoutEdge, points: Point[]) =>
    edges
      .filter((o) => o !== e)
      .reduce((n, o) => n + segments(points).reduce((m, s) => m + segments(o.points).filter((t) => segmentsCross(s, t)).length, 0), 0);
  for (const e of edges) {
    if (e.from === e.to) continue;
    for (const atEnd of [false, true]) {
      const pts = atEnd ? [...e.points].reverse() : e.points;
      if (pts.length < 4) continue;
      const [p0, p1, p2, p3] = [pts[0]!, pts[1]!, pts[2]!, pts[3]!];
      const horizontal = (a: Point, b: Point) => Math.abs(a.y - b.y) < 0.01 && Math.abs(a.x - b.x) >= 0.01;
      const vertical = (a: Point, b: Point) => Math.abs(a.x - b.x) < 0.01 && Math.abs(a.y - b.y) >= 0.01;
      const along = (horizontal(p0, p1) && horizontal(p2, p3) && vertical(p1, p2)) || (vertical(p0, p1) && vertical(p2, p3) && horizontal(p1, p2));
      const [dx, dy] = [p2.x - p1.x, p2.y - p1.y];
      if (!along || Math.hypot(dx, dy) >= 6) continue;
      const moved = { x: p0.x + dx, y: p0.y + dy };
      const node = box.get(atEnd ? e.to : e.from)!;
      const onSide =
        Math.abs(dx) < 0.01 ? moved.y >= node.y + 4 && moved.y <= node.y + node.height - 4 : moved.x >= node.x + 4 && moved.x <= node.x + node.width - 4;
      const crowded = edges.some((o) => o !== e && ends(o).some(([p, n]) => n === node && Math.hypot(p.x - moved.x, p.y - moved.y) < 6));
      const straight = [moved, ...pts.slice(3)];
      const candidate = atEnd ? straight.reverse() : straight;
      if (!onSide || crowded) continue;
      if (segments(candidate).some((s) => nodes.some((n) => segmentEntersBox(s, n)))) continue;
      if (crossingsOf(e, candidate) > crossingsOf(e, e.points)) continue;
      e.points = candidate;
    }
  }
}

const round = (n: number) => Math.round(n * 10) / 10;

/** A polyline as a path whose corners are rounded (by at most 6 units, and half of the shorter leg). */
function pathData(points: Point[]): string {
  const first = points[0]!;
  let d = `M${round(first.x)},${round(first.y)}`;
  for (let i = 1; i < points.length - 1; i++) {
    const [a, b, c] = [points[i - 1]!, points[i]!, points[i + 1]!];
    const r = Math.min(6, Math.hypot(b.x - a.x, b.y - a.y) / 2, Math.hypot(c.x - b.x, c.y - b.y) / 2);
    const toward = (p: Point, q: Point, dist: number) => {
      const len = Math.hypot(q.x - p.x, q.y - p.y) || 1;
      return { x: p.x + ((q.x - p.x) / len) * dist, y: p.y + ((q.y - p.y) / len) * dist };
    };
    const before = toward(b, a, r);
    const after = toward(b, c, r);
    d += ` L${round(before.x)},${round(before.y)} Q${round(b.x)},${round(b.y)} ${round(after.x)},${round(after.y)}`;
  }
  const last = points.at(-1)!;
  return `${d} L${round(last.x)},${round(last.y)}`;
}

/** A legend entry: its sample, drawn from x, and its width. */
interface LegendItem {
  width: number;
  svg: (x: number) => string;
}

function legendItems(arrow: string): LegendItem[] {
  const line = (cls: string, x: number) =>
    `<path class="${cls}" fill="none" stroke="currentColor"${cls.includes("inferred") ? ` stroke-dasharray="5 4"` : ""} d="M${x},0 H${x + 28}" marker-end="url(#${arrow})"/>`;
  const finalBox = (x: number) =>
    `<g class="legend-final-box" fill="none" stroke="currentColor"><rect x="${x}" y="-9" width="28" height="18" rx="4"/><rect class="inner" x="${x + 3}" y="-6" width="22" height="12" rx="2"/></g>`;
  const entries: [string, (x: number) => string][] = [
    ["documented", (x) => line("edge", x)],
    ["inferred", (x) => line("edge inferred", x)],
    ["final status", finalBox],
  ];
  return entries.map(([label, sample]) => ({ width: 34 + textWidth(label), svg: (x) => `${sample(x)}<text x="${x + 34}" dy=".35em">${label}</text>` }));
}

/** One drawing: a complete SVG with ids of its own (all starting with id). */
function drawing(lifecycle: LifecycleContract, layout: LifecycleLayout, highlight: string | undefined, id: string): string {
  const edges = layout.edges.map((e) => {
    const title = `${e.from ?? "(created)"} → ${e.to}: ${e.source}`;
    const dash = e.inferred ? ` stroke-dasharray="5 4"` : "";
    return `<path class="edge${e.inferred ? " inferred" : ""}"${dash} d="${pathData(e.points)}" marker-end="url(#${id}-arrow)" data-from="${esc(e.from ?? "")}" data-to="${esc(e.to)}"><title>${esc(title)}</title></path>`;
  });
  const nodes = layout.nodes.map((n) => {
    if (n.status === null) {
      return `<circle class="start" cx="${round(n.x + n.width / 2)}" cy="${round(n.y + n.height / 2)}" r="${n.width / 2}"><title>created</title></circle>`;
    }
    const cls = ["state", n.final ? "final" : "", n.status === highlight ? "current" : ""].filter(Boolean).join(" ");
    const box = `<rect x="${round(n.x)}" y="${round(n.y)}" width="${round(n.width)}" height="${round(n.height)}" rx="6" fill="none" stroke="currentColor"/>`;
    const inner = n.final
      ? `<rect class="inner" x="${round(n.x + 3)}" y="${round(n.y + 3)}" width="${round(n.width - 6)}" height="${round(n.height - 6)}" rx="4" fill="none" stroke="currentColor"/>`
      : "";
    const cx = round(n.x + n.width / 2);
    const top = round(n.y + n.height / 2 - ((n.lines.length - 1) * lineHeight) / 2);
    const label =
      n.lines.length === 1 ? esc(n.lines[0]!) : n.lines.map((l, i) => `<tspan x="${cx}"${i ? ` dy="${lineHeight}"` : ""}>${esc(l)}</tspan>`).join("");
    return `<g class="${cls}" data-status="${esc(n.status)}">${box}${inner}<text x="${cx}" y="${top}" dy=".35em" text-anchor="middle">${label}</text></g>`;
  });
  // The legend below the graph, in rows no wider than the drawing (or 260 units, for a small graph).
  const room = Math.max(layout.width, 260) - 24;
  const rows: string[] = [];
  let [x, row, widest] = [0, 0, 0];
  for (const item of legendItems(`${id}-arrow`)) {
    if (x > 0 && x + item.width > room) [x, row] = [0, row + 1];
    rows.push(`<g transform="translate(12,${row * 24})">${item.svg(x)}</g>`);
    widest = Math.max(widest, x + item.width);
    x += item.width + 20;
  }
  const width = Math.ceil(Math.max(layout.width, widest + 24));
  const height = Math.ceil(layout.height + 12 + row * 24 + 20);
  // A graph narrower than its legend is centred above it.
  const shift = round((width - layout.width) / 2);
  const graph = `<g class="edges" fill="none" stroke="currentColor">\n${edges.join("\n")}\n</g>\n${nodes.join("\n")}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" class="lifecycle ${layout.direction}" viewBox="0 0 ${width} ${height}" style="max-width:min(100%,${width}px)" role="img" aria-labelledby="${id}-title" font-family="system-ui, sans-serif" font-size="${fontSize}" fill="currentColor">
<title id="${id}-title">${esc(lifecycle.title)} lifecycle</title>
<defs><marker id="${id}-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>
${shift ? `<g transform="translate(${shift},0)">\n${graph}\n</g>` : graph}
<g class="legend" transform="translate(0,${round(layout.height + 12)})">${rows.join("")}</g>
</svg>`;
}

/** Layouts already computed, per lifecycle: a provider's page and each of its messages' draw the same one. */
const layouts = new WeakMap<LifecycleContract, Map<LifecycleDirection, Promise<LifecycleLayout>>>();

function cachedLayout(lifecycle: LifecycleContract, direction: LifecycleDirection): Promise<LifecycleLayout> {
  let byDirection = layouts.get(lifecycle);
  if (!byDirection) layouts.set(lifecycle, (byDirection = new Map()));
  let layout = byDirection.get(direction);
  if (!layout) byDirection.set(direction, (layout = lifecycleLayout(lifecycle, direction)));
  return layout;
}

/** Starts laying out a lifecycle in both directions, for lifecycleSvg to draw later without waiting as long. */
export function prepareLifecycleLayouts(lifecycle: LifecycleContract): void {
  for (const direction of ["wide", "narrow"] as const) void cachedLayout(lifecycle, direction).catch(() => undefined);
}

let drawn = 0;

/**
 * The lifecycle as two complete SVGs, one after the other: `svg.lifecycle.wide` (left to right) and
 * `svg.lifecycle.narrow` (top to bottom); the site's CSS shows one of them. Each has a viewBox and no width
 * or height: it scales to its container, and its inline style only keeps it from growing past its natural
 * size (13-unit text shown at 13 px). Every id in them starts with idPrefix, then "-wide-" or "-narrow-";
 * without one, the prefix is made of the lifecycle's title and a counter, so that no two drawings made by
 * one build share an id.
 */
export async function lifecycleSvg(lifecycle: LifecycleContract, highlight?: string, idPrefix?: string): Promise<string> {
  const prefix =
    idPrefix ??
    `lifecycle-${lifecycle.title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")}-${++drawn}`;
  const [wide, narrow] = await Promise.all([cachedLayout(lifecycle, "wide"), cachedLayout(lifecycle, "narrow")]);
  return `${drawing(lifecycle, wide, highlight, `${prefix}-wide`)}\n${drawing(lifecycle, narrow, highlight, `${prefix}-narrow`)}`;
}

/** The id of a lifecycle's section on its provider's page: `lifecycle` for its orders', `lifecycle-<name>` for another's. */
export const lifecycleAnchor = (lifecycle: Pick<LifecycleContract, "name">): string => (lifecycle.name ? `lifecycle-${lifecycle.name}` : "lifecycle");

/** Under a diagram: the statuses the lifecycle knows but does not place (not drawn), each with where it is known from. */
export function unplacedNote(lifecycle: Pick<LifecycleContract, "unplaced">): string {
  if (lifecycle.unplaced.length === 0) return "";
  const items = lifecycle.unplaced.map((u) => `<li><code>${esc(u.status)}</code>: ${esc(u.source)}</li>`).join("");
  return `<p class="unplaced">Statuses not drawn: no source shows where they come from or go to, so no transition to or from them is checked.</p><ul class="unplaced">${items}</ul>`;
}
