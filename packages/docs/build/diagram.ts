/**
 * A lifecycle's state diagram as SVG, drawn at build time: statuses in columns by their distance from
 * creation, documented transitions solid, inferred ones dashed, final statuses with a double border.
 */
import type { LifecycleContract } from "@webhook-contracts/contracts";
import { esc } from "./html.ts";

const nodeHeight = 30;
const rowGap = 18;
const colGap = 70;
const charWidth = 7.4;
const pad = 20;
const start = "\u0000start";

export function lifecycleSvg(lifecycle: LifecycleContract, highlight?: string): string {
  // Edges that close a cycle (a reopened order) are drawn as arcs; the rest form a DAG laid out in
  // columns by the longest path from creation, so the usual flow reads left to right.
  const out = new Map<string, string[]>();
  for (const t of lifecycle.transitions) out.set(t.from ?? start, [...(out.get(t.from ?? start) ?? []), t.to]);
  const back = new Set<string>();
  const onStack = new Set<string>();
  const done = new Set<string>();
  const dfs = (node: string) => {
    onStack.add(node);
    for (const next of out.get(node) ?? []) {
      if (onStack.has(next)) back.add(`${node}->${next}`);
      else if (!done.has(next)) dfs(next);
    }
    onStack.delete(node);
    done.add(node);
  };
  dfs(start);
  const forward = lifecycle.transitions.filter((t) => !back.has(`${t.from ?? start}->${t.to}`));
  const layer = new Map<string, number>([[start, 0]]);
  for (let changed = true; changed;) {
    changed = false;
    for (const t of forward) {
      const from = layer.get(t.from ?? start);
      if (from !== undefined && (layer.get(t.to) ?? -1) < from + 1) {
        layer.set(t.to, from + 1);
        changed = true;
      }
    }
  }
  for (const status of lifecycle.statuses) if (!layer.has(status)) layer.set(status, 1);
  const columns: string[][] = [];
  for (const status of [start, ...lifecycle.statuses]) (columns[layer.get(status)!] ??= []).push(status);
  // Order each column by where its predecessors sit, to keep lines from crossing.
  const rank = new Map<string, number>();
  for (const column of columns) {
    const weight = (s: string) => {
      const from = forward.filter((t) => t.to === s).map((t) => rank.get(t.from ?? start) ?? 0);
      return from.length ? from.reduce((a, b) => a + b, 0) / from.length : 0;
    };
    column.sort((a, b) => weight(a) - weight(b));
    column.forEach((s, i) => rank.set(s, i - (column.length - 1) / 2));
  }
  const width = (s: string) => (s === start ? 14 : Math.ceil(s.length * charWidth) + 24);
  const box = new Map<string, { x: number; y: number; w: number; h: number }>();
  // Bands: arcs of edges that go back (top), the columns of statuses, arcs of edges that skip a column
  // (below them, so that they never cross a box), the legend.
  const tallest = Math.max(...columns.map((c) => c.length));
  const contentTop = pad + 30;
  const contentHeight = tallest * nodeHeight + (tallest - 1) * rowGap;
  const contentBottom = contentTop + contentHeight;
  const height = contentBottom + 60;
  let x = pad;
  for (const column of columns) {
    const colWidth = Math.max(...column.map(width));
    const colHeight = column.length * nodeHeight + (column.length - 1) * rowGap;
    let y = contentTop + (contentHeight - colHeight) / 2;
    for (const status of column) {
      const w = width(status);
      const h = status === start ? 14 : nodeHeight;
      box.set(status, { x: x + (colWidth - w) / 2, y: y + (nodeHeight - h) / 2, w, h });
      y += nodeHeight + rowGap;
    }
    x += colWidth + colGap;
  }
  const totalWidth = x - colGap + pad;

  let lane = 0;
  const edges = lifecycle.transitions.map((t) => {
    const a = box.get(t.from ?? start)!;
    const b = box.get(t.to)!;
    const inferred = t.source.startsWith("inferred");
    const span = layer.get(t.to)! - layer.get(t.from ?? start)!;
    let d: string;
    if (span === 1) {
      const [x1, y1, x2, y2] = [a.x + a.w, a.y + a.h / 2, b.x - 2, b.y + b.h / 2];
      const mid = (x1 + x2) / 2;
      d = `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`;
    } else if (span > 1) {
      // Skips a column: out of the bottom, along the band under the columns, into the bottom.
      const dip = contentBottom + 14 + (lane++ % 4) * 7;
      const [x1, y1, x2, y2] = [a.x + a.w * 0.6, a.y + a.h, b.x + b.w * 0.4, b.y + b.h + 2];
      d = `M${x1},${y1} C${x1},${dip} ${x2},${dip} ${x2},${y2}`;
    } else {
      // Back to an earlier status (a reopened order): out of the top, along the band above, into the top.
      const rise = contentTop - 12 - (lane++ % 3) * 6;
      const [x1, y1, x2, y2] = [a.x + a.w * 0.4, a.y, b.x + b.w * 0.6, b.y - 2];
      d = `M${x1},${y1} C${x1},${rise} ${x2},${rise} ${x2},${y2}`;
    }
    const title = `${t.from ?? "(created)"} → ${t.to}: ${t.source}`;
    return `<path class="edge${inferred ? " inferred" : ""}" d="${d}" marker-end="url(#arrow)"><title>${esc(title)}</title></path>`;
  });
  const final = new Set(lifecycle.final);
  const nodes = [...box.entries()].map(([status, b]) => {
    if (status === start) return `<circle class="start" cx="${b.x + 7}" cy="${b.y + 7}" r="7"><title>created</title></circle>`;
    const cls = ["state", final.has(status) ? "final" : "", status === highlight ? "current" : ""].filter(Boolean).join(" ");
    const inner = final.has(status) ? `<rect class="inner" x="${b.x + 3}" y="${b.y + 3}" width="${b.w - 6}" height="${b.h - 6}" rx="4"/>` : "";
    return `<g class="${cls}" data-status="${esc(status)}"><rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" rx="6"/>${inner}<text x="${b.x + b.w / 2}" y="${b.y + b.h / 2 + 4}" text-anchor="middle">${esc(status)}</text></g>`;
  });
  const legendY = height - 18;
  return `<svg xmlns="http://www.w3.org/2000/svg" class="lifecycle" viewBox="0 0 ${Math.ceil(totalWidth)} ${Math.ceil(height)}" width="${Math.ceil(totalWidth)}" height="${Math.ceil(height)}" role="img" aria-labelledby="lifecycle-title">
<title id="lifecycle-title">${esc(lifecycle.title)} lifecycle</title>
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>
${edges.join("\n")}
${nodes.join("\n")}
<g class="legend" transform="translate(${pad},${legendY})"><path class="edge" d="M0,0 H28"/><text x="34" y="4">documented</text><path class="edge inferred" d="M120,0 H148"/><text x="154" y="4">inferred</text><rect class="legend-final" x="230" y="-8" width="16" height="16" rx="3"/><text x="252" y="4">final</text></g>
</svg>`;
}
