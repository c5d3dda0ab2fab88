/**
 * The lifecycle diagrams' geometry, as ELK lays them out (lifecycleLayout), and the SVG drawn from it
 * (lifecycleSvg): every real provider's lifecycle, both directions, plus small hand-made lifecycles with
 * exact expectations. The geometry checks here are the test's own, not the ones diagram.ts uses.
 */
import { describe, expect, it } from "vitest";
import { type LifecycleContract, loadContracts } from "@webhook-contracts/contracts";
import { type LayoutNode, type LifecycleDirection, type LifecycleLayout, type Point, lifecycleLayout, lifecycleSvg, textWidth } from "../build/diagram.ts";

/** Every real lifecycle, named by its provider and, for a lifecycle.<name>.json, its name (`ivy/payout`). */
const lifecycles = (await loadContracts()).flatMap((p) => p.lifecycles.map((l) => [l.name ? `${p.name}/${l.name}` : p.name, l] as const));
const directions: LifecycleDirection[] = ["wide", "narrow"];

/** Crossings measured when this test was written; a change that adds one fails here (lower the bound when a change removes some). */
const crossingBound: Record<string, Record<LifecycleDirection, number>> = {
  "amplia-reg": { wide: 0, narrow: 0 },
  ivy: { wide: 13, narrow: 13 },
  retorna: { wide: 0, narrow: 0 },
  scalapay: { wide: 0, narrow: 0 },
};

type Box = { x: number; y: number; width: number; height: number };
type Segment = [Point, Point];

const segmentsOf = (points: Point[]): Segment[] => points.slice(1).map((p, i) => [points[i]!, p]);
const horizontal = ([a, b]: Segment) => Math.abs(a.y - b.y) < 1e-6;
const vertical = ([a, b]: Segment) => Math.abs(a.x - b.x) < 1e-6;
const keyOf = (from: string | null, to: string) => `${from ?? "(created)"} -> ${to}`;

/** Whether an axis-parallel segment runs inside a box (further than 0.5 units past its border). */
function entersBox(s: Segment, box: Box): boolean {
  const [a, b] = s;
  const inside = (v: number, lo: number, hi: number) => v > lo + 0.5 && v < hi - 0.5;
  const overlaps = (p: number, q: number, lo: number, hi: number) => Math.min(Math.max(p, q), hi - 0.5) - Math.max(Math.min(p, q), lo + 0.5) > 0;
  if (horizontal(s)) return inside(a.y, box.y, box.y + box.height) && overlaps(a.x, b.x, box.x, box.x + box.width);
  if (vertical(s)) return inside(a.x, box.x, box.x + box.width) && overlaps(a.y, b.y, box.y, box.y + box.height);
  throw new Error("not an orthogonal segment");
}

/** Whether two axis-parallel segments cross at a point inside both. */
function cross(s: Segment, t: Segment): boolean {
  const [h, v] = horizontal(s) && vertical(t) ? [s, t] : horizontal(t) && vertical(s) ? [t, s] : [undefined, undefined];
  if (!h || !v) return false;
  const between = (x: number, p: number, q: number) => x > Math.min(p, q) + 1e-6 && x < Math.max(p, q) - 1e-6;
  return between(v[0].x, h[0].x, h[1].x) && between(h[0].y, v[0].y, v[1].y);
}

/** Length along which two parallel segments lie on the same line. */
function sharedLength(s: Segment, t: Segment): number {
  const along = (p: Segment, axis: "x" | "y") => [Math.min(p[0][axis], p[1][axis]), Math.max(p[0][axis], p[1][axis])];
  const overlap = ([a, b]: number[], [c, d]: number[]) => Math.max(0, Math.min(b!, d!) - Math.max(a!, c!));
  if (horizontal(s) && horizontal(t) && Math.abs(s[0].y - t[0].y) < 1e-6) return overlap(along(s, "x"), along(t, "x"));
  if (vertical(s) && vertical(t) && Math.abs(s[0].x - t[0].x) < 1e-6) return overlap(along(s, "y"), along(t, "y"));
  return 0;
}

function crossings(layout: LifecycleLayout): number {
  let n = 0;
  layout.edges.forEach((e, i) =>
    layout.edges.slice(i + 1).forEach((f) => {
      for (const s of segmentsOf(e.points)) for (const t of segmentsOf(f.points)) if (cross(s, t)) n++;
    }),
  );
  return n;
}

const onBorder = (p: Point, b: Box) =>
  ((Math.abs(p.x - b.x) < 0.5 || Math.abs(p.x - b.x - b.width) < 0.5) && p.y >= b.y - 0.5 && p.y <= b.y + b.height + 0.5) ||
  ((Math.abs(p.y - b.y) < 0.5 || Math.abs(p.y - b.y - b.height) < 0.5) && p.x >= b.x - 0.5 && p.x <= b.x + b.width + 0.5);

const overlapping = (a: Box, b: Box, gap: number) =>
  a.x < b.x + b.width + gap && b.x < a.x + a.width + gap && a.y < b.y + b.height + gap && b.y < a.y + a.height + gap;

/** The transitions that close a cycle, found by the test's own depth-first search from creation. */
function cycleClosing(lifecycle: LifecycleContract): Set<string> {
  const back = new Set<string>();
  const state = new Map<string, "open" | "done">();
  const visit = (from: string) => {
    state.set(from, "open");
    for (const t of lifecycle.transitions.filter((t) => t.from === from)) {
      if (state.get(t.to) === "open") back.add(keyOf(t.from, t.to));
      else if (!state.has(t.to)) visit(t.to);
    }
    state.set(from, "done");
  };
  for (const t of lifecycle.transitions.filter((t) => t.from === null)) if (!state.has(t.to)) visit(t.to);
  return back;
}

/** The checks every layout must pass, whatever the lifecycle. */
function checkGeometry(lifecycle: LifecycleContract, layout: LifecycleLayout): void {
  const box = new Map<string | null, LayoutNode>(layout.nodes.map((n) => [n.status, n]));
  expect([...box.keys()].sort()).toEqual([null, ...lifecycle.statuses].sort());
  for (const n of layout.nodes) {
    expect(n.x).toBeGreaterThanOrEqual(0);
    expect(n.y).toBeGreaterThanOrEqual(0);
    expect(n.x + n.width).toBeLessThanOrEqual(layout.width + 0.5);
    expect(n.y + n.height).toBeLessThanOrEqual(layout.height + 0.5);
    if (n.status === null) continue;
    // The label fits its box, and is the status itself (only broken in two).
    expect(n.lines.join("")).toBe(n.status);
    for (const line of n.lines) expect(textWidth(line), n.status).toBeLessThanOrEqual(n.width - 12);
  }
  // No two boxes overlap, nor come closer than 5 units.
  layout.nodes.forEach((a, i) => layout.nodes.slice(i + 1).forEach((b) => expect(overlapping(a, b, 5), `${a.status} and ${b.status} overlap`).toBe(false)));
  // Every transition is drawn exactly once, with the right kind.
  expect(layout.edges.map((e) => keyOf(e.from, e.to)).sort()).toEqual(lifecycle.transitions.map((t) => keyOf(t.from, t.to)).sort());
  for (const e of layout.edges) {
    const t = lifecycle.transitions[e.index]!;
    expect([e.from, e.to, e.source]).toEqual([t.from, t.to, t.source]);
    expect(e.inferred).toBe(t.source.startsWith("inferred"));
  }
  for (const e of layout.edges) {
    const name = keyOf(e.from, e.to);
    const segments = segmentsOf(e.points);
    expect(segments.length, name).toBeGreaterThan(0);
    for (const s of segments) {
      // Orthogonal, of positive length, and through no box (its own ends included: it only touches them).
      expect(horizontal(s) !== vertical(s), `${name}: ${JSON.stringify(s)}`).toBe(true);
      for (const n of layout.nodes) expect(entersBox(s, n), `${name} runs through ${n.status ?? "the start node"}`).toBe(false);
    }
    // It starts on its source's border and ends on its target's, arriving from outside.
    expect(onBorder(e.points[0]!, box.get(e.from)!), `${name} starts on its source`).toBe(true);
    expect(onBorder(e.points.at(-1)!, box.get(e.to)!), `${name} ends on its target`).toBe(true);
  }
  // No two edges run along one another (two dashed lines on one track would read as one).
  layout.edges.forEach((e, i) =>
    layout.edges.slice(i + 1).forEach((f) => {
      for (const s of segmentsOf(e.points))
        for (const t of segmentsOf(f.points)) expect(sharedLength(s, t), `${keyOf(e.from, e.to)} along ${keyOf(f.from, f.to)}`).toBeLessThan(0.5);
    }),
  );
  // The flow goes one way (right, or down); the transitions that close a cycle, and only they, go back.
  const back = cycleClosing(lifecycle);
  for (const e of layout.edges) {
    if (e.from === e.to) continue;
    const [a, b] = [box.get(e.from)!, box.get(e.to)!];
    const forward = layout.direction === "wide" ? b.x >= a.x + a.width : b.y >= a.y + a.height;
    const backward = layout.direction === "wide" ? b.x + b.width <= a.x : b.y + b.height <= a.y;
    expect(back.has(keyOf(e.from, e.to)) ? backward : forward, `${keyOf(e.from, e.to)} goes ${back.has(keyOf(e.from, e.to)) ? "back" : "forward"}`).toBe(true);
  }
}

/** The SVGs in lifecycleSvg's output, each as its root tag and whole markup. */
function svgs(markup: string): { root: string; body: string }[] {
  return [...markup.matchAll(/(<svg\b[^>]*>)([\s\S]*?)<\/svg>/g)].map((m) => ({ root: m[1]!, body: m[0] }));
}

const attr = (tag: string, name: string) => tag.match(new RegExp(`\\s${name}="([^"]*)"`))?.[1];
const unescape = (s: string) =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");

/** Tags nest properly (a cheap well-formedness check: no DOM parser in Node). */
function balanced(markup: string): boolean {
  const stack: string[] = [];
  for (const [, close, name, selfClosing] of markup.matchAll(/<(\/?)([a-zA-Z][\w:-]*)\b[^>]*?(\/?)>/g)) {
    if (selfClosing) continue;
    if (close) {
      if (stack.pop() !== name) return false;
    } else stack.push(name!);
  }
  return stack.length === 0;
}

/** The checks every drawing must pass. */
function checkSvg(lifecycle: LifecycleContract, markup: string, highlight?: string): void {
  const drawn = svgs(markup);
  expect(drawn.map((d) => attr(d.root, "class"))).toEqual(["lifecycle wide", "lifecycle narrow"]);
  expect(markup.replace(/(<svg\b[\s\S]*?<\/svg>)/g, "").trim()).toBe("");
  for (const { root, body } of drawn) {
    expect(balanced(body)).toBe(true);
    expect(attr(root, "viewBox")).toMatch(/^0 0 \d+ \d+$/);
    expect(attr(root, "width")).toBeUndefined();
    expect(attr(root, "height")).toBeUndefined();
    expect(attr(root, "role")).toBe("img");
    // Its title names it, and every id it refers to is its own.
    const ids = [...body.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
    const title = body.match(/^<svg[^>]*>\s*<title id="([^"]+)">([^<]*)<\/title>/);
    expect(title?.[1]).toBe(attr(root, "aria-labelledby"));
    expect(unescape(title?.[2] ?? "")).toBe(`${lifecycle.title} lifecycle`);
    for (const [, ref] of body.matchAll(/url\(#([^)]+)\)/g)) expect(ids).toContain(ref);
    // Text at 13 units at least.
    expect(Number(attr(root, "font-size"))).toBeGreaterThanOrEqual(13);
    for (const [, size] of body.matchAll(/font-size="([\d.]+)"/g)) expect(Number(size)).toBeGreaterThanOrEqual(13);
    // The statuses, the final ones double-bordered, the highlighted one marked.
    const states = [...body.matchAll(/<g class="([^"]*)" data-status="([^"]*)">([\s\S]*?)<\/g>/g)].map((m) => ({
      classes: m[1]!.split(" "),
      status: unescape(m[2]!),
      inner: m[3]!,
    }));
    expect(states.map((s) => s.status).sort()).toEqual([...lifecycle.statuses].sort());
    for (const s of states) {
      expect(s.classes[0]).toBe("state");
      expect(s.classes.includes("final"), s.status).toBe(lifecycle.final.includes(s.status));
      expect(s.inner.includes('class="inner"'), s.status).toBe(lifecycle.final.includes(s.status));
      expect(s.classes.includes("current"), s.status).toBe(s.status === highlight);
    }
    expect(body.match(/<circle class="start"[^>]*><title>created<\/title><\/circle>/g)).toHaveLength(1);
    // Every transition once, solid or dashed as documented or inferred, with its hover title.
    const edges = [...body.matchAll(/<path class="([^"]*)"([^>]*)data-from="([^"]*)" data-to="([^"]*)"><title>([^<]*)<\/title><\/path>/g)].map((m) => ({
      cls: m[1]!,
      attrs: m[2]!,
      key: keyOf(unescape(m[3]!) || null, unescape(m[4]!)),
      title: unescape(m[5]!),
    }));
    expect(edges.map((e) => e.key).sort()).toEqual(lifecycle.transitions.map((t) => keyOf(t.from, t.to)).sort());
    for (const t of lifecycle.transitions) {
      const e = edges.find((e) => e.key === keyOf(t.from, t.to))!;
      const inferred = t.source.startsWith("inferred");
      expect(e.cls, e.key).toBe(inferred ? "edge inferred" : "edge");
      expect(e.attrs.includes("stroke-dasharray"), e.key).toBe(inferred);
      expect(e.title).toBe(`${t.from ?? "(created)"} → ${t.to}: ${t.source}`);
    }
    // The legend: documented (solid), inferred (dashed), final status.
    const legend = body.match(/<g class="legend"[\s\S]*<\/g>/)?.[0] ?? "";
    expect([...legend.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1])).toEqual(["documented", "inferred", "final status"]);
    expect(legend).toMatch(/<path class="edge" (?![^>]*dasharray)[^>]*>/);
    expect(legend).toMatch(/<path class="edge inferred"[^>]*stroke-dasharray[^>]*>/);
  }
}

const allIds = (markup: string) => [...markup.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);

describe("the test's own geometry", () => {
  const box = { x: 10, y: 10, width: 40, height: 20 };
  const segment = (x1: number, y1: number, x2: number, y2: number): Segment => [
    { x: x1, y: y1 },
    { x: x2, y: y2 },
  ];
  it.each([
    ["through the box", segment(0, 20, 60, 20), true],
    ["into the box from above", segment(30, 0, 30, 15), true],
    ["along its top border", segment(0, 10, 60, 10), false],
    ["from its right border outwards", segment(50, 20, 60, 20), false],
    ["below it", segment(0, 40, 60, 40), false],
  ])("a segment %s enters it: %s", (_what, s, expected) => {
    expect(entersBox(s, box)).toBe(expected);
  });

  const h = segment(0, 5, 10, 5);
  it.each([
    ["crossing it in the middle", segment(5, 0, 5, 10), true],
    ["meeting it at its end", segment(10, 0, 10, 10), false],
    ["turning off it", segment(5, 5, 5, 10), false],
  ])("a vertical segment %s crosses a horizontal one: %s", (_what, v, expected) => {
    expect(cross(h, v)).toBe(expected);
  });

  it("measures the length two edges share", () => {
    expect(sharedLength(h, segment(8, 5, 20, 5))).toBe(2);
  });
});

describe.each(lifecycles)("the %s lifecycle diagram", (name, lifecycle) => {
  it.each(directions)("lays out %s with no overlaps, no edge through a box, every transition once and few crossings", async (direction) => {
    const layout = await lifecycleLayout(lifecycle, direction);
    checkGeometry(lifecycle, layout);
    expect(crossings(layout)).toBeLessThanOrEqual(crossingBound[name]?.[direction] ?? Math.floor(lifecycle.transitions.length / 3));
  });

  it("is at most 400 units wide top to bottom, for a phone", async () => {
    const layout = await lifecycleLayout(lifecycle, "narrow");
    expect(layout.width).toBeLessThanOrEqual(400);
    // The drawing, legend included, too.
    const [, narrow] = svgs(await lifecycleSvg(lifecycle));
    expect(Number(attr(narrow!.root, "viewBox")!.split(" ")[2])).toBeLessThanOrEqual(400);
  });

  it("draws both layouts as complete SVGs, with the statuses, the transitions and a legend", async () => {
    checkSvg(lifecycle, await lifecycleSvg(lifecycle));
    for (const status of [lifecycle.initial[0]!, lifecycle.final[0]!]) checkSvg(lifecycle, await lifecycleSvg(lifecycle, status), status);
  });
});

describe("lifecycle diagram ids", () => {
  it("are unique on a page: across the two layouts, several lifecycles, and the same lifecycle drawn twice", async () => {
    const page = (await Promise.all([...lifecycles, ...lifecycles].map(([, l]) => lifecycleSvg(l)))).join("\n");
    const ids = allIds(page);
    expect(ids.length).toBe(lifecycles.length * 2 * 2 * 2);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("start with the prefix given", async () => {
    const ids = allIds(await lifecycleSvg(lifecycles[0]![1], undefined, "order-flow"));
    expect(ids.sort()).toEqual(["order-flow-narrow-arrow", "order-flow-narrow-title", "order-flow-wide-arrow", "order-flow-wide-title"]);
  });
});

/** A lifecycle from a list of transitions: [from, to, source?]; documented unless the source says inferred. */
function lifecycleOf(transitions: [string | null, string, string?][], final: string[] = []): LifecycleContract {
  const statuses = [...new Set(transitions.flatMap(([from, to]) => (from === null ? [to] : [from, to])))];
  return {
    name: "",
    file: "schemas/hand-made/lifecycle.json",
    title: "Hand-made",
    description: "",
    provenance: { kind: "docs", sources: [] },
    messages: [],
    subject: "/id",
    status: "/status",
    initial: transitions.filter(([from]) => from === null).map(([, to]) => to),
    final,
    transitions: transitions.map(([from, to, source]) => ({ from, to, source: source ?? "docs: hand-made" })),
    impossible: [],
    unplaced: [],
    statuses,
  };
}

describe("hand-made lifecycles", () => {
  const chain = lifecycleOf(
    [
      [null, "pending"],
      ["pending", "active"],
      ["active", "closed", "inferred: a guess"],
    ],
    ["closed"],
  );
  const diamond = lifecycleOf(
    [
      [null, "a"],
      ["a", "b"],
      ["a", "c", "inferred: a guess"],
      ["b", "d"],
      ["c", "d"],
    ],
    ["d"],
  );
  const reopened = lifecycleOf([
    [null, "open"],
    ["open", "paid"],
    ["paid", "canceled"],
    ["canceled", "open", "inferred: reopened"],
  ]);
  const selfLoop = lifecycleOf(
    [
      [null, "retrying"],
      ["retrying", "retrying"],
      ["retrying", "done"],
    ],
    ["done"],
  );
  const table: [string, LifecycleContract][] = [
    ["a chain", chain],
    ["a diamond", diamond],
    ["a back edge", reopened],
    ["a self-loop", selfLoop],
  ];

  describe.each(table)("%s", (_, lifecycle) => {
    it.each(directions)("passes the geometry checks laid out %s, with no crossing", async (direction) => {
      const layout = await lifecycleLayout(lifecycle, direction);
      checkGeometry(lifecycle, layout);
      expect(crossings(layout)).toBe(0);
    });

    it("is drawn as two complete SVGs", async () => {
      checkSvg(lifecycle, await lifecycleSvg(lifecycle, lifecycle.statuses[0]), lifecycle.statuses[0]);
    });
  });

  const at = (layout: LifecycleLayout, status: string | null) => layout.nodes.find((n) => n.status === status)!;
  const centre = (b: Box, axis: "x" | "y") => (axis === "x" ? b.x + b.width / 2 : b.y + b.height / 2);

  it.each(directions)("a chain is one line of boxes joined by straight edges, laid out %s", async (direction) => {
    const layout = await lifecycleLayout(chain, direction);
    const flow = direction === "wide" ? "x" : "y";
    const order = [null, "pending", "active", "closed"].map((s) => at(layout, s));
    for (let i = 1; i < order.length; i++) expect(order[i]![flow]).toBeGreaterThan(order[i - 1]![flow]);
    for (const e of layout.edges) expect(e.points, keyOf(e.from, e.to)).toHaveLength(2);
  });

  it.each(directions)("a diamond has its two branches side by side, laid out %s", async (direction) => {
    const layout = await lifecycleLayout(diamond, direction);
    const flow = direction === "wide" ? "x" : "y";
    const size = direction === "wide" ? "width" : "height";
    const [a, b, c, d] = ["a", "b", "c", "d"].map((s) => at(layout, s));
    // b and c in one layer, between a and d.
    expect(centre(b!, flow)).toBeCloseTo(centre(c!, flow), 5);
    expect(b![flow]).toBeGreaterThanOrEqual(a![flow] + a![size]);
    expect(d![flow]).toBeGreaterThanOrEqual(b![flow] + b![size]);
  });

  it.each(directions)("a back edge returns against the flow, from its source's far side to its target's, laid out %s", async (direction) => {
    const layout = await lifecycleLayout(reopened, direction);
    const edge = layout.edges.find((e) => e.from === "canceled")!;
    const [open, canceled] = [at(layout, "open"), at(layout, "canceled")];
    if (direction === "wide") {
      expect(edge.points[0]!.x).toBeCloseTo(canceled.x, 5);
      expect(edge.points.at(-1)!.x).toBeCloseTo(open.x + open.width, 5);
    } else {
      expect(edge.points[0]!.y).toBeCloseTo(canceled.y, 5);
      expect(edge.points.at(-1)!.y).toBeCloseTo(open.y + open.height, 5);
    }
    const svg = await lifecycleSvg(reopened);
    expect(svg.match(/<path class="edge inferred"[^>]*data-from="canceled" data-to="open"/g)).toHaveLength(2);
  });

  it.each(directions)("a self-loop leaves and re-enters one side of its box, standing 16 units off it, laid out %s", async (direction) => {
    const layout = await lifecycleLayout(selfLoop, direction);
    const loop = layout.edges.find((e) => e.from === e.to)!;
    const box = at(layout, "retrying");
    const [first, last] = [loop.points[0]!, loop.points.at(-1)!];
    expect(loop.points.length).toBeGreaterThanOrEqual(4);
    expect(first.x === last.x || first.y === last.y).toBe(true);
    expect(Math.hypot(first.x - last.x, first.y - last.y)).toBeGreaterThanOrEqual(12);
    const away = Math.max(...loop.points.map((p) => Math.max(box.x - p.x, p.x - box.x - box.width, box.y - p.y, p.y - box.y - box.height)));
    expect(away).toBeGreaterThanOrEqual(16);
  });
});
